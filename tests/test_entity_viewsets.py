"""The public DRF viewsets: routed, browsable, subclassable, agreeing with the endpoint."""

import pytest

from entity_resources import site
from entity_resources.brackets import request_query
from entity_resources.viewsets import EntityViewSet, viewset_for
from project.demo.models import Article, Tag
from tests.entity_helpers import body, make_data

pytestmark = pytest.mark.urls("tests.entity_urls")

REST = "/rest/entity_article/"


@pytest.fixture
def data(db):
    return make_data()


def test_viewset_is_generated_once_per_registry_version():
    first = viewset_for(Article)
    assert issubclass(first, EntityViewSet)
    assert viewset_for(Article) is first
    assert first.entity_options is site.get_options(Article)


def test_list_and_retrieve(client, data):
    rows = body(client.get(REST, {"fields": "id,title,tags", "sort": "title"}))
    assert [row["title"] for row in rows] == ["Alpha river", "Beta mountain", "Delta city"]
    tag = rows[0]["tags"][0]
    assert tag["uri"] == f"http://testserver/rest/entity_tag/{data.tags[0].pk}/"
    row = body(client.get(f"{REST}{data.articles[0].pk}/", {"fields": "title"}))
    assert row == {"title": "Alpha river"}
    assert client.get(f"{REST}{data.articles[2].pk}/").status_code == 404  # unpublished


def test_bracket_parameters(client, data):
    response = client.get(REST + "?fields=title&parameters[created][gte]=2024-03-01")
    assert body(response) == [{"title": "Delta city"}]


def test_errors_keep_their_status(client, data):
    response = client.get(REST + "?parameters[nope]=1")
    assert response.status_code == 406
    assert body(response) == {"detail": "Parameter nope does not exist"}
    assert client.get(REST + "?page=-1").status_code == 400


def test_rows_agree_with_the_services_endpoint(client, data):
    query = "?fields=id,title,status,created,uuid,author&sort=title"
    rest = body(client.get(REST + query))
    services = body(client.get("/api/entity_article.json" + query))
    strip = lambda rows: [{**r, "author": r["author"]["id"]} for r in rows]  # noqa: E731
    assert strip(rest) == strip(services)


def test_writes(client, data):
    assert client.post(REST, {"title": "x"}, content_type="application/json").status_code == 403
    client.force_login(data.staff)
    payload = {"title": "Via DRF", "author": data.alice.pk, "tags": [{"id": data.tags[1].pk}]}
    response = client.post(REST, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    created = body(response)
    assert created["tags"][0]["id"] == data.tags[1].pk
    item = f"{REST}{created['id']}/"
    response = client.patch(item, {"title": "Patched"}, content_type="application/json")
    assert body(response)["title"] == "Patched"
    response = client.put(item, {"title": "Put"}, content_type="application/json")
    assert response.status_code == 406  # a full update needs the required fields
    assert "author" in body(response)["form_errors"]
    response = client.put(
        item, {"title": "Put", "author": data.bob.pk}, content_type="application/json"
    )
    assert body(response)["author"]["id"] == data.bob.pk
    response = client.patch(item, {"colour": "red"}, content_type="application/json")
    assert response.status_code == 406
    assert client.delete(item).status_code == 204
    assert not Article.objects.filter(pk=created["id"]).exists()


def test_user_without_permissions(client, data):
    client.force_login(data.alice)
    assert client.get(REST).status_code == 200
    response = client.post(REST, {"title": "x"}, content_type="application/json")
    assert response.status_code == 403


def test_browsable_api(client, data):
    client.force_login(data.staff)
    response = client.get(REST, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"Alpha river" in response.content
    assert b"<form" in response.content  # staff may POST: the create form is rendered
    response = client.get(f"{REST}{data.articles[0].pk}/", {"format": "api"})
    assert response.status_code == 200
    assert b"Alpha river" in response.content
    assert client.get("/rest/", HTTP_ACCEPT="text/html").status_code == 200


def test_subclass_with_generic_processor(client, data):
    row = body(client.get(f"/custom/generic_article/{data.articles[0].pk}/"))
    assert row["author"] == data.alice.pk
    assert row["created"] == "2024-01-01T00:00:00+00:00"


def test_generic_registration(client, data):
    row = body(client.get(f"/rest/entity_tag/{data.tags[0].pk}/"))
    assert row["vocabulary"] == data.vocabulary.pk
    assert site.get_options(Tag).processor == "generic"


def test_request_query_is_the_php_bracket_parse(rf):
    request = rf.get("/x?a=1&parameters[x][gte]=2&parameters[y]=3&l[]=4&l[]=5&return[t]=1")
    assert request_query(request) == {
        "a": "1",
        "parameters": {"x": {"gte": "2"}, "y": "3"},
        "l": ["4", "5"],
        "return": {"t": "1"},
    }


BRACKET_QUERIES = [
    "fields=id,title&parameters[created][gte]=2024-03-01",
    "fields[]=id&fields[]=title&sort=title",
    "fields=id,title&parameters[title][]=Alpha river&parameters[title][]=Beta mountain",
    "fields=id&parameters[created][lt]=2024-03-01&sort=created&direction=DESC",
    "fields=id,title&parameters[status]=1&sort=title&pagesize=1&page=1",
    "parameters[created][nope]=1",
    "parameters[nope]=1",
    "a" + "[x]" * 40 + "=1",
]


@pytest.mark.parametrize("query", BRACKET_QUERIES)
def test_same_bracket_query_same_answer_on_rest_and_api(client, data, query):
    """One PHP bracket parser and one grammar: /rest/ (DRF) and /api/ (Services) agree on the
    rows, and on the status and message of a refused query."""
    rest = client.get(f"{REST}?{query}")
    api = client.get(f"/api/entity_article.json?{query}")
    assert rest.status_code == api.status_code, (rest.content, api.content)
    if rest.status_code == 200:
        assert body(rest) == body(api) != []
    else:
        assert [body(rest)["detail"]] == body(api)
