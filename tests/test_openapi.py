"""Each endpoint's OpenAPI document, Swagger UI and Redoc (docs/openapi.md)."""

import json

import pytest
import yaml
from django.test import override_settings
from openapi_spec_validator import validate

from project.demo.endpoints import DEMO_ENDPOINTS
from services_api.models import Endpoint

pytestmark = pytest.mark.django_db


def schema_of(client, path):
    response = client.get(f"/{path}/openapi.json" if path else "/openapi.json")
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


@pytest.mark.parametrize("name", [e["name"] for e in DEMO_ENDPOINTS])
def test_every_demo_endpoint_has_a_valid_openapi_31_document(client, name):
    endpoint = Endpoint.objects.get(name=name)
    doc = schema_of(client, endpoint.path)
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    assert doc["servers"] == [{"url": f"/{endpoint.path}"}]
    # Only what the endpoint enables, under its public names.
    published = {path.split("/")[1].split(".")[0] for path in doc["paths"]}
    enabled = {r.alias or r.resource for r in endpoint.resources.all()}
    assert published <= enabled
    assert published  # every demo endpoint enables something with a controller
    yaml_response = client.get(
        f"/{endpoint.path}/openapi.yaml" if endpoint.path else "/openapi.yaml"
    )
    assert yaml_response.status_code == 200
    assert yaml_response["Content-Type"] == "application/yaml; charset=utf-8"
    assert yaml.safe_load(yaml_response.content) == doc


def test_paths_and_methods_follow_the_enabled_controllers(client, make_endpoint):
    make_endpoint("t", resources={"echo": {"operations": ["retrieve", "update"]}})
    doc = schema_of(client, "t")
    validate(doc)
    assert set(doc["paths"]) == {"/echo/{id}", "/echo/{id}.{format}"}
    assert set(doc["paths"]["/echo/{id}"]) == {"get", "put"}
    suffixed = doc["paths"]["/echo/{id}.{format}"]["get"]["parameters"]
    fmt = next(p for p in suffixed if p["name"] == "format")
    assert fmt["in"] == "path" and fmt["schema"]["enum"] == ["json", "xml", "jsonp"]
    responses = doc["paths"]["/echo/{id}"]["get"]["responses"]
    assert set(doc["components"]["responses"]["Error404"]["content"]) >= {
        "application/json",
        "application/xml",
        "text/xml",
        "text/javascript",
    }
    assert {"200", "401", "403", "404", "406", "default"} <= set(responses)


def test_actions_targeted_actions_and_relationships(client, echo_endpoint):
    doc = schema_of(client, "test")
    validate(doc)
    paths = doc["paths"]
    assert "post" in paths["/echo/shout"]
    assert "post" in paths["/echo/{id}/poke"]
    assert "get" in paths["/echo/{id}/children"]
    assert set(paths["/echo"]) == {"get", "post"}
    # The declared ``page`` argument is the one page parameter.
    names = [p["name"] for p in paths["/echo"]["get"]["parameters"]]
    assert names.count("page") == 1


def test_entity_index_carries_the_query_grammar_and_real_types(client):
    doc = schema_of(client, "api")
    index = doc["paths"]["/entity_article"]["get"]
    params = {p["name"]: p for p in index["parameters"]}
    assert params["parameters"]["style"] == "deepObject"
    filters = params["parameters"]["schema"]["properties"]
    assert filters["changed"]["x-lookups"] == ["exact", "gte", "in", "lte"]
    ops = params["options[parameters_op][changed]"]["schema"]["enum"]
    assert ">=" in ops and "IN" in ops and "LIKE" not in ops and "BETWEEN" not in ops
    assert params["options[orderby][title]"]["schema"]["enum"] == ["ASC", "DESC"]
    assert "title" in params["sort"]["schema"]["enum"]
    assert {"page", "pagesize", "fields", "direction", "search", "cursor"} <= set(params)
    row = doc["components"]["schemas"]["EntityArticleRow"]["properties"]
    # The clean processor renders the author as a reference object, tags as a list of them.
    author = row["author"]
    variants = author.get("anyOf", [author])
    assert variants[0]["type"] == "object"
    assert set(variants[0]["properties"]) >= {"id", "resource", "uri"}
    assert row["tags"]["type"] == "array" and row["tags"]["items"]["type"] == "object"
    assert row["created"] == {"type": "string", "format": "date-time"}
    ok = index["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["type"] == "array"
    assert set(ok["headers"]) == {"X-Total-Count", "Link"}


def test_core_resources_are_typed_as_drupal_strings_and_field_arrays(client):
    doc = schema_of(client, "api")
    row = doc["components"]["schemas"]["NodeRow"]["properties"]
    assert row["nid"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    assert row["body"]["anyOf"][0]["type"] == "object"  # {"und": [{"value", "format"}]}


def test_restws_endpoint_documents_the_envelope_and_201(client):
    doc = schema_of(client, "")
    index = doc["paths"]["/course_enrollment"]["get"]["responses"]["200"]
    envelope = index["content"]["application/json"]["schema"]
    assert envelope["type"] == "object"
    assert envelope["required"] == ["self", "first", "list"]
    create = doc["paths"]["/course_enrollment"]["post"]["responses"]
    assert "201" in create and "Location" in create["201"]["headers"]
    assert set(doc["components"]["securitySchemes"]) == {"basic"}


def test_security_schemes_follow_the_endpoint_authentication(client, make_endpoint):
    make_endpoint("all", authentication=["session", "basic", "api_key", "bearer"])
    schemes = schema_of(client, "all")["components"]["securitySchemes"]
    assert schemes["session"]["in"] == "cookie"
    assert schemes["csrf"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-CSRF-Token",
        "description": schemes["csrf"]["description"],
    }
    assert schemes["basic"] == {"type": "http", "scheme": "basic"}
    assert schemes["bearer"]["scheme"] == "bearer"
    assert schemes["api_key"]["name"] == "api_key" and schemes["api_key"]["in"] == "query"
    assert schemes["api_key_header"]["name"] == "X-API-Key"
    assert schemes["site_key"]["name"] == "key"
    assert schemes["site_key_header"]["name"] == "X-Site-Key"


def test_problem_error_style_is_documented_as_problem_json(client, make_endpoint):
    make_endpoint("p", error_style="problem")
    doc = schema_of(client, "p")
    error = doc["components"]["responses"]["Error404"]["content"]
    assert error["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert "application/json" not in error


def test_docs_pages_load_their_assets_locally(client):
    for page, script in (("docs", "swagger-ui-bundle.js"), ("redoc", "redoc.standalone.js")):
        response = client.get(f"/api/{page}")
        assert response.status_code == 200
        html = response.content.decode()
        assert f"/services/openapi-assets/{script}" in html
        assert "/api/openapi.json" in html
        assert "http://" not in html and "https://" not in html  # no CDN
        asset = client.get(f"/services/openapi-assets/{script}")
        assert asset.status_code == 200
        assert asset["Content-Type"] == "text/javascript"
        assert len(b"".join(asset.streaming_content)) > 100_000
    assert client.get("/services/openapi-assets/../../settings.py").status_code == 404
    assert client.get("/services/openapi-assets/LICENSE").status_code == 404


def test_swagger_ui_sends_the_csrf_token_on_session_endpoints(client):
    """Session writes need ``X-CSRF-Token``: Swagger UI fetches it before every write (the
    browser test executes one); an endpoint without session authentication has no hook."""
    html = client.get("/api/docs").content.decode()
    assert "requestInterceptor: async (request) =>" in html
    assert 'fetch("/services/session/token", {credentials: "same-origin"' in html
    assert 'request.headers["X-CSRF-Token"]' in html
    course = client.get("/docs").content.decode()  # the course endpoint: HTTP Basic only
    assert "SwaggerUIBundle" in course and "requestInterceptor" not in course


def test_docs_pages_say_what_is_missing_without_the_sidecar(client, monkeypatch):
    from services_api.openapi import views

    monkeypatch.setattr(views, "sidecar_dir", lambda: None)
    response = client.get("/api/docs")
    assert response.status_code == 501
    assert b"drf-spectacular-sidecar" in response.content
    assert client.get("/api/openapi.json").status_code == 200


def test_paths_are_configurable(client):
    with override_settings(
        SERVICES_API={
            "OPENAPI_SCHEMA_PATH": "schema",
            "OPENAPI_DOCS_PATH": "swagger",
            "OPENAPI_REDOC_PATH": None,
        }
    ):
        assert client.get("/api/schema.json").status_code == 200
        assert client.get("/api/openapi.json").status_code == 404
        swagger = client.get("/api/swagger")
        assert swagger.status_code == 200 and b"/api/schema.json" in swagger.content
        assert client.get("/api/docs").status_code == 404
        assert client.get("/api/redoc").status_code == 404


def test_a_resource_of_the_same_name_wins(client, make_endpoint):
    from services_api.models import EndpointResource

    endpoint = make_endpoint("w")
    EndpointResource.objects.filter(endpoint=endpoint, resource="echo").update(alias="docs")
    response = client.get("/w/docs")
    assert response.status_code == 200
    assert response.json() == [{"op": "index", "page": 0}]
    assert client.get("/w/redoc").status_code == 200  # not taken: still the page
    assert client.post("/w/redoc").status_code == 404  # pages answer GET only


def test_real_responses_match_the_documented_row_types(client):
    """Rows the endpoint actually sends validate against the document's row schemas."""
    import jsonschema

    from tests.entity_helpers import basic, make_data

    data = make_data()
    doc = schema_of(client, "api")

    def check(url, schema_name, *, many=False):
        response = client.get(url, **basic(data.staff))
        assert response.status_code == 200, (url, response.content[:300])
        body = response.json()
        rows = body if many else [body]
        assert rows
        schema = {**doc["components"]["schemas"][schema_name], "components": doc["components"]}
        for row in rows:
            jsonschema.validate(row, schema)
        return rows

    article = data.articles[0].pk
    rows = check(f"/api/entity_article/{article}.json", "EntityArticleRow")
    assert rows[0]["author"]["id"] == data.alice.pk  # an object, as documented
    check("/api/entity_article.json", "EntityArticleRow", many=True)
    check("/api/entity_comment.json", "EntityCommentRow", many=True)
    check(f"/api/node/{article}.json", "NodeRow")
    check(f"/api/user/{data.alice.pk}.json", "UserRow")
    # A value of the wrong type would be refused: the schemas are not "anything goes".
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"author": 3}, doc["components"]["schemas"]["EntityArticleRow"])
