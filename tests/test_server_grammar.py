"""URL grammar and controller dispatch (spec §1, §2), routing errors, ?q= URLs."""

import orjson
import pytest

pytestmark = pytest.mark.usefixtures("echo_endpoint")


def data(response):
    return orjson.loads(response.content)


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("get", "/test/echo", [{"op": "index", "page": 0}]),
        ("get", "/test/echo.json", [{"op": "index", "page": 0}]),
        ("get", "/test/echo/5", {"op": "retrieve", "id": "5"}),
        ("get", "/test/echo/5.json", {"op": "retrieve", "id": "5"}),
        ("get", "/test/echo/5/", {"op": "retrieve", "id": "5"}),
        ("get", "/test/echo/5/children", [{"parent": "5", "child": 1}]),
        ("put", "/test/echo/5", {"op": "update", "id": "5", "data": {"a": 1}}),
        ("delete", "/test/echo/5", [True]),
        ("post", "/test/echo", {"op": "create", "data": {"a": 1}}),
        ("post", "/test/echo/shout", {"op": "shout", "text": "HI"}),
        ("post", "/test/echo/shout.json", {"op": "shout", "text": "HI"}),
        ("post", "/test/echo/shout/", {"op": "shout", "text": "HI"}),
        ("post", "/test/echo/5/poke", {"op": "poke", "id": "5", "times": None}),
    ],
)
def test_grammar_rows(client, method, path, expected):
    body = {"a": 1} if method in ("put", "post") and "shout" not in path else {"text": "hi"}
    payload = orjson.dumps(body) if method in ("put", "post") else b""
    response = client.generic(method.upper(), path, payload, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert data(response) == expected


def test_endpoint_root_answers_setup_message(client):
    response = client.get("/test")
    assert response.status_code == 200
    assert response.content == b'Services Endpoint "test" has been setup successfully.'
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_unknown_resource_is_404_with_empty_body(client):
    response = client.get("/test/nothing/1.json")
    assert response.status_code == 404
    assert response.reason_phrase == "Not found : Could not find resource nothing."
    assert response.content == b""
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_no_controller_is_404_with_empty_body(client):
    response = client.get("/test/echo/5/poke")  # targeted actions are POST only
    assert response.status_code == 404
    assert response.reason_phrase == "Not found : Could not find the controller."
    assert response.content == b""


def test_disabled_controller_is_404(client, make_endpoint):
    make_endpoint("narrow", resources={"echo": {"operations": ["retrieve"]}})
    assert client.get("/narrow/echo/1").status_code == 200
    assert client.get("/narrow/echo").status_code == 404
    assert client.post("/narrow/echo/shout", {"text": "x"}).status_code == 404


def test_alias_answers_only_under_alias(client, make_endpoint):
    from services_api.models import EndpointResource

    make_endpoint("aliased", resources={"echo": {"operations": ["retrieve"]}})
    EndpointResource.objects.filter(endpoint__name="aliased").update(alias="parrot")
    assert data(client.get("/aliased/parrot/1.json")) == {"op": "retrieve", "id": "1"}
    assert client.get("/aliased/echo/1.json").status_code == 404


def test_any_suffix_is_a_format(client):
    response = client.get("/test/echo/john.doe")
    assert response.status_code == 406
    assert response.reason_phrase == "Not Acceptable : Unknown or unsupported response format."
    assert response.content == b""


def test_head_and_options(client):
    head = client.head("/test/echo/1")
    assert head.status_code == 200 and head.content == b""
    assert head.reason_phrase == ": OK"
    options = client.options("/test/echo/1")
    assert options.status_code == 200 and options.content == b""
    assert "Access-Control-Allow-Origin" not in options


def test_unknown_method_is_404(client):
    response = client.generic("PATCH", "/test/echo")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("path", "headers", "expected_op"),
    [
        ("/test/echo/5", {"HTTP_X_HTTP_METHOD_OVERRIDE": "PUT"}, "update"),
        ("/test/echo/5?_method=PUT", {"HTTP_X_HTTP_METHOD_OVERRIDE": "DELETE"}, "update"),
        ("/test/echo/5?_method=put", {}, None),  # case-sensitive: stays a POST
    ],
)
def test_method_override_on_post(client, path, headers, expected_op):
    response = client.post(path, b'{"a": 1}', content_type="application/json", **headers)
    if expected_op is None:
        assert response.status_code == 404
    else:
        assert data(response)["op"] == expected_op


@pytest.mark.parametrize("prefix", ["/?q=", "/index.php?q="])
def test_non_clean_urls_are_equivalent(client, prefix):
    clean = client.get("/test/echo/5.json")
    dirty = client.get(prefix + "test/echo/5.json")
    assert dirty.status_code == 200
    assert dirty.content == clean.content
    assert dirty["Content-Type"] == clean["Content-Type"]


def test_non_clean_url_keeps_query_parameters(client):
    response = client.get("/?q=test/echo.json&page=3")
    assert data(response) == [{"op": "index", "page": 3}]


def test_non_clean_post(client):
    response = client.post(
        "/?q=test/echo/shout.json", b'{"text": "a"}', content_type="application/json"
    )
    assert data(response) == {"op": "shout", "text": "A"}


def test_site_root_without_q_is_the_host_home_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"django-services-api demo" in response.content


def test_unknown_path_falls_through_to_django_404(client):
    assert client.get("/no-such-endpoint/echo").status_code == 404


def test_disabled_endpoint_is_not_routed(client, make_endpoint):
    make_endpoint("off", enabled=False)
    assert client.get("/off/echo/1.json").status_code == 404
    assert client.get("/off").status_code == 404


def test_longest_path_wins(client, make_endpoint):
    make_endpoint("nested", path="test/deeper", resources={"echo": {"operations": ["retrieve"]}})
    assert (
        client.get("/test/deeper").content
        == b'Services Endpoint "nested" has been setup successfully.'
    )
    assert data(client.get("/test/deeper/echo/2.json")) == {"op": "retrieve", "id": "2"}
