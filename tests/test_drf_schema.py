"""The public DRF viewsets' OpenAPI schema (drf-spectacular, typed by
``entity_resources.spectacular``) at ``/rest/schema/`` and its Swagger UI at ``/rest/docs/``
(docs/openapi.md): valid, typed as the rows really are, the grammar's parameters, writable
fields only in request bodies, and schemathesis finds nothing, anonymous or as an admin."""

import base64
import json
import logging

import pytest
from django.core.wsgi import get_wsgi_application
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from benchmarks.fuzz_openapi import basic_auth, fuzz, stored_ids, viewset_models
from project.demo.models import Article, Comment, File, Tag, Vocabulary

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/rest/schema/?format=json"


@pytest.fixture
def doc(client):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return json.loads(response.content)


@pytest.fixture
def rows(django_user_model):
    author = django_user_model.objects.create_user("writer", "w@example.com", "pw")
    vocabulary = Vocabulary.objects.create(name="Topics", machine_name="topics")
    tags = [Tag.objects.create(name=f"tag{n}", vocabulary=vocabulary) for n in range(2)]
    articles = []
    for n in range(3):
        article = Article.objects.create(title=f"A{n}", body="b", author=author)
        article.tags.set(tags)
        Comment.objects.create(article=article, author=author, subject=f"S{n}")
        articles.append(article)
    return articles


def component(doc, ref):
    return doc["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]


def test_the_schema_is_valid_openapi(doc):
    validate(doc)
    assert doc["openapi"] == "3.0.3"
    assert "/rest/entity_article/" in doc["paths"] and "/rest/user/login/" in doc["paths"]


def test_rows_are_typed_as_the_processor_returns_them(doc):
    article = component(
        doc,
        doc["paths"]["/rest/entity_article/{id}/"]["get"]["responses"]["200"]["content"][
            "application/json"
        ]["schema"],
    )  # noqa: E501
    props = article["properties"]
    # ``clean``: the author is a reference object, not an integer.
    assert props["author"]["type"] == "object"
    assert set(props["author"]["properties"]) == {"uri", "id", "resource", "uuid"}
    assert props["author"]["properties"]["id"] == {"type": "integer"}
    assert props["tags"]["type"] == "array" and props["tags"]["items"]["type"] == "object"
    assert props["created"] == {"type": "string", "format": "date-time"}
    assert props["uuid"] == {"type": "string", "format": "uuid"}
    assert props["status"] == {"type": "boolean"}
    # ``generic`` (entity_tag): the vocabulary is the referenced id.
    tag_ok = doc["paths"]["/rest/entity_tag/{id}/"]["get"]["responses"]["200"]
    tag = component(doc, tag_ok["content"]["application/json"]["schema"])
    assert tag["properties"]["vocabulary"] == {"type": "integer"}


def test_real_answers_match_the_schema(client, doc, rows):
    """What the viewsets answer validates against the documented schema (OpenAPI 3.0)."""
    resolver_doc = {"components": doc["components"]}

    def check(path, method, status, body):
        schema = doc["paths"][path][method]["responses"][status]["content"]["application/json"]
        validator = OAS30Validator({**schema["schema"], **resolver_doc})
        errors = [e.message for e in validator.iter_errors(body)]
        assert errors == []

    listing = client.get("/rest/entity_article/?pagesize=2")
    assert listing.status_code == 200 and listing.json()[0]["author"]["id"] == rows[0].author_id
    check("/rest/entity_article/", "get", "200", listing.json())
    one = client.get(f"/rest/entity_article/{rows[0].pk}/")
    check("/rest/entity_article/{id}/", "get", "200", one.json())
    comments = client.get("/rest/entity_comment/")
    check("/rest/entity_comment/", "get", "200", comments.json())
    tags = client.get("/rest/entity_tag/")
    check("/rest/entity_tag/", "get", "200", tags.json())
    missing = client.get("/rest/entity_article/999999/")
    assert missing.status_code == 404
    check("/rest/entity_article/{id}/", "get", "404", missing.json())


def test_list_parameters_come_from_the_grammar(doc):
    listing = doc["paths"]["/rest/entity_article/"]["get"]
    params = {p["name"]: p for p in listing["parameters"]}
    assert {"page", "pagesize", "cursor", "fields", "sort", "direction", "search"} <= set(params)
    filters = params["parameters"]
    assert filters["style"] == "deepObject" and filters["in"] == "query"
    assert {"gte", "lt", "range"} <= set(filters["schema"]["properties"]["created"]["x-lookups"])
    assert set(params["options[parameters_op][title]"]["schema"]["enum"]) >= {"=", "LIKE"}
    assert params["sort"]["schema"]["enum"] == ["created", "changed", "title", "id", "sticky"]
    assert "Link" in listing["responses"]["200"]["headers"]
    retrieve = doc["paths"]["/rest/entity_article/{id}/"]["get"]
    assert [p["name"] for p in retrieve["parameters"]] == ["id", "fields"]


def test_request_bodies_carry_the_writable_fields_only(doc):
    post = doc["paths"]["/rest/entity_article/"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]["anyOf"]
    write = component(doc, body[0])
    assert body[1]["type"] == "array"
    assert set(write["properties"]) == {
        "type",
        "title",
        "body",
        "body_format",
        "comment",
        "status",
        "sticky",
        "author",
        "tags",
    }  # no id, uuid, created, changed (read-only)
    assert set(write["required"]) == {"title", "author"}
    author = write["properties"]["author"]["anyOf"]
    assert author[0] == {"type": "integer"} and author[1]["required"] == ["id"]
    patch = doc["paths"]["/rest/entity_article/{id}/"]["patch"]["requestBody"]
    assert "required" not in component(doc, patch["content"]["application/json"]["schema"])
    assert (
        "201" in post["responses"]
        and "204" in doc["paths"]["/rest/entity_article/{id}/"]["delete"]["responses"]
    )
    login = doc["paths"]["/rest/user/login/"]["post"]["requestBody"]
    login_schema = login["content"]["application/json"]["schema"]
    assert login_schema["required"] == ["username", "password"]


def test_swagger_ui_works_offline(client):
    page = client.get("/rest/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "/rest/schema/" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html and "http://" not in html.split("<body")[1]
    asset = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert asset.status_code == 200


@pytest.fixture
def quiet_wsgi(settings):
    """Requests straight to the WSGI handler, as in tests/test_openapi_fuzz.py: keep the
    test's connection, no request log for every generated 4xx."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    settings.ALLOWED_HOSTS = ["*"]
    logging.disable(logging.WARNING)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    logging.disable(logging.NOTSET)


@pytest.mark.parametrize("as_admin", [False, True], ids=["anonymous", "admin"])
def test_schemathesis_finds_no_failures(quiet_wsgi, rows, django_user_model, as_admin):
    headers = None
    if as_admin:
        django_user_model.objects.create_superuser("fuzzadmin", "f@example.com", "fuzz-pw")
        headers = basic_auth("fuzzadmin", "fuzz-pw")
    ids = stored_ids(viewset_models())
    report = fuzz(quiet_wsgi, SCHEMA_URL, "rest", per_operation=3, seed=1, headers=headers, ids=ids)
    assert report.operations >= 40
    assert report.cases >= report.operations
    assert report.failures == []
    if as_admin:  # writes really happen: created, changed, deleted
        assert report.statuses["POST 201"] and report.statuses["DELETE 204"]
        assert report.statuses["PUT 200"] + report.statuses["PATCH 200"]


def test_a_broken_unique_constraint_is_a_406_not_a_500(client, django_user_model):
    """Found by schemathesis: ``entity_file`` rows are all read-only, so two empty creates
    both store the default ``uri``, which is unique."""
    django_user_model.objects.create_superuser("root", "r@example.com", "pw")
    client.login(username="root", password="pw")
    first = client.post("/rest/entity_file/", {}, content_type="application/json")
    assert first.status_code == 201
    second = client.post("/rest/entity_file/", {}, content_type="application/json")
    assert second.status_code == 406
    assert second.json() == {
        "form_errors": {
            "non_field_errors": [
                "The entity conflicts with stored data (a value that must be unique is taken)."
            ]
        }
    }
    assert File.objects.count() == 1


def test_basic_credentials_with_a_nul_are_refused_not_a_500(client):
    """Found by schemathesis on PostgreSQL: DRF's Basic looked the name up as sent, and
    PostgreSQL refuses a NUL in a query (a 500)."""
    token = base64.b64encode(b"ad\x00min:pw").decode()
    response = client.get("/rest/entity_article/", HTTP_AUTHORIZATION=f"Basic {token}")
    assert response.status_code == 403
    assert response.json() == {"detail": "Invalid username/password."}
