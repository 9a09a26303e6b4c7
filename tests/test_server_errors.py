"""Parsers and errors through the server: status lines, bodies, styles, limits (spec §3, §4, §6)."""

import orjson
import pytest
from django.test import override_settings
from django.test.client import encode_multipart

pytestmark = pytest.mark.usefixtures("echo_endpoint")


def post(client, path, body, content_type, **extra):
    # CONTENT_TYPE is set explicitly: Django's client drops it when the body is empty.
    return client.generic(
        "POST", path, body, content_type=content_type, CONTENT_TYPE=content_type, **extra
    )


def test_form_urlencoded_with_php_brackets(client):
    response = post(
        client,
        "/test/echo.json",
        "node[title]=Hi&node[tags][]=a&node[tags][]=b&x.y=1",
        "application/x-www-form-urlencoded",
    )
    assert orjson.loads(response.content)["data"] == {
        "node": {"title": "Hi", "tags": ["a", "b"]},
        "x_y": "1",
    }


def test_wrapped_and_bare_bodies_are_the_same(client):
    wrapped = client.put(
        "/test/echo/1.json", b'{"echo": {"a": 1}}', content_type="application/json"
    )
    bare = client.put("/test/echo/1.json", b'{"a": 1}', content_type="application/json")
    assert orjson.loads(wrapped.content) == orjson.loads(bare.content)


def test_xml_body(client):
    body = b'<?xml version="1.0"?><data><text>hey</text><times>2</times></data>'
    response = post(client, "/test/echo/shout.json", body, "application/xml")
    assert orjson.loads(response.content) == {"op": "shout", "text": "HEYHEY"}


def test_empty_form_body_without_content_type_is_form_data(client):
    response = client.generic("POST", "/test/echo.json", b"")
    assert response.status_code == 200
    assert orjson.loads(response.content) == {"op": "create", "data": {}}


def test_multipart_body(client):
    body = encode_multipart("BOUNDARY", {"text": "up"})
    response = post(client, "/test/echo/shout.json", body, "multipart/form-data; boundary=BOUNDARY")
    assert orjson.loads(response.content) == {"op": "shout", "text": "UP"}


@pytest.mark.parametrize("body", [b"", b'""'])
def test_empty_and_empty_string_json_bodies_are_no_data(client, body):
    response = post(client, "/test/echo.json", body, "application/json")
    assert response.status_code == 200
    assert orjson.loads(response.content) == {"op": "create", "data": ""}


@pytest.mark.parametrize("body", [b"{nope", b"null"])
def test_invalid_json_is_400(client, body):
    response = post(client, "/test/echo.json", body, "application/json")
    assert response.status_code == 400
    assert response.reason_phrase == ": Invalid JSON."
    assert response.content == b'["Invalid JSON."]'


def test_bad_xml_is_406_with_position(client):
    response = post(client, "/test/echo.json", b"<data><a></data>", "application/xml")
    assert response.status_code == 406
    assert response.reason_phrase.startswith("Not Acceptable : Line 1, Col")


def test_xml_entities_are_refused(client):
    body = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    response = post(client, "/test/echo.json", body, "application/xml")
    assert response.status_code in (400, 406)
    assert b"aaaa" not in response.content


def test_unsupported_content_type_is_406(client):
    response = post(client, "/test/echo.json", b"a:0:{}", "application/vnd.php.serialized")
    assert response.status_code == 406
    assert response.reason_phrase == (
        "Not Acceptable : Unsupported request content type application/vnd.php.serialized"
    )


def test_disabled_parser_is_406(client, make_endpoint):
    make_endpoint("jsononly", parsers=["application/json"])
    response = post(client, "/jsononly/echo.json", "a=1", "application/x-www-form-urlencoded")
    assert response.status_code == 406


def test_malformed_content_type_is_406(client):
    response = post(client, "/test/echo.json", b"{}", "json")
    assert response.status_code == 406


@override_settings(SERVICES_API={"MAX_BODY_BYTES": 100})
def test_body_over_limit_is_413(client):
    response = post(client, "/test/echo.json", orjson.dumps({"a": "x" * 200}), "application/json")
    assert response.status_code == 413


@override_settings(ENTITY_RESOURCES={"MAX_NESTING_DEPTH": 5})
def test_nesting_over_limit_is_400(client):
    response = post(client, "/test/echo.json", b"[[[[[[[[[[1]]]]]]]]]]", "application/json")
    assert response.status_code == 400


def test_missing_required_argument_is_401(client):
    for suffix, body in (
        ("json", b'["Missing required argument text"]'),
        ("xml", b"<result>Missing required argument text</result>"),
    ):
        response = post(client, f"/test/echo/shout.{suffix}", b"{}", "application/json")
        assert response.status_code == 401
        assert response.reason_phrase == "Unauthorized : Missing required argument text"
        assert body in response.content


@override_settings(SERVICES_API={"MISSING_ARGUMENT_STATUS": 400})
def test_missing_argument_status_setting(client):
    response = post(client, "/test/echo/shout.json", b"{}", "application/json")
    assert response.status_code == 400
    assert response.reason_phrase == ": Missing required argument text"


def test_argument_type_error_is_400_naming_it(client):
    response = post(
        client, "/test/echo/shout.json", b'{"text": "a", "times": "lots"}', "application/json"
    )
    assert response.status_code == 400
    assert orjson.loads(response.content) == [
        "Invalid value for argument times: expected an integer."
    ]


def test_access_denied_for_anonymous_with_basic_enabled_is_401(client):
    response = post(client, "/test/echo/secret.json", b"", "application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="Services API demo"'


def test_access_denied_is_403_without_basic(client, make_endpoint):
    make_endpoint("nobasic", authentication=["session"])
    response = post(client, "/nobasic/echo/secret.json", b"", "application/json")
    assert response.status_code == 403
    assert response.reason_phrase == ": Access denied for user anonymous"
    assert response.content == b'["Access denied for user anonymous"]'


def test_callback_error_keeps_its_code_and_body(client):
    response = client.get("/test/echo/missing.json")
    assert response.status_code == 404
    assert response.reason_phrase == "Not found : Echo missing could not be found"
    assert response.content == b'["Echo missing could not be found"]'


def test_legacy_error_style(client, make_endpoint):
    make_endpoint("legacy", error_style="drupal_legacy", authentication=[])
    response = post(client, "/legacy/echo/shout.json", b"{}", "application/json")
    assert response.reason_phrase == "Unauthorized: Missing required argument text"
    denied = post(client, "/legacy/echo/secret.json", b"", "application/json")
    assert denied.reason_phrase == ":Access denied for user anonymous"


def test_problem_json_error_style(client, make_endpoint):
    make_endpoint("modern", error_style="problem", authentication=[])
    response = post(client, "/modern/echo/shout.json", b"{}", "application/json")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json; charset=utf-8"
    assert orjson.loads(response.content) == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Missing required argument text",
    }


def test_unexpected_exception_is_500_without_details(client, monkeypatch):
    from tests.testapp.resources import EchoResource

    def boom(self, request, id):
        raise RuntimeError("SELECT secret FROM passwords")

    monkeypatch.setattr(EchoResource, "retrieve", boom)
    response = client.get("/test/echo/1.json")
    assert response.status_code == 500
    assert b"SELECT" not in response.content
    assert "SELECT" not in response.reason_phrase


def test_multipart_file_upload_reaches_the_resource(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("note.txt", b"hello file", content_type="text/plain")
    response = client.post("/test/echo.json", {"files[file]": upload, "title": "x"})
    data = orjson.loads(response.content)["data"]
    assert response.status_code == 200
    assert data["title"] == "x"
    assert data["files"]["file"] == {
        "filename": "note.txt",
        "filemime": "text/plain",
        "filesize": 10,
    }


# -- ERROR_ALTER_HOOKS (Drupal's hook_rest_server_execute_errors_alter) ----------------------

SEEN = []


def envelope_hook(error, context):
    """A host project's hook: its endpoint ``test`` answers ``{"ok": false, "why": ...}``."""
    SEEN.append((context.endpoint.name, context.resource, context.controller, context.format))
    if context.endpoint.name != "test":
        return None
    from services_api.exceptions import ServicesError

    return ServicesError(
        error.message, error.status, data={"ok": False, "why": error.message}, headers=error.headers
    )


@pytest.fixture
def envelope(settings):
    SEEN.clear()
    settings.SERVICES_API = {
        **settings.SERVICES_API,
        "ERROR_ALTER_HOOKS": ["tests.test_server_errors.envelope_hook"],
    }


def test_hook_shapes_errors_raised_before_the_controller(client, envelope):
    # Access denied (checked before the callback), with Basic's challenge kept.
    response = post(client, "/test/echo/secret.json", b"", "application/json")
    assert response.status_code == 401
    assert response.reason_phrase == "Unauthorized : Access denied for user anonymous"
    assert response.has_header("WWW-Authenticate")
    assert orjson.loads(response.content) == {
        "ok": False,
        "why": "Access denied for user anonymous",
    }
    assert SEEN == [("test", "echo", "secret", "json")]
    # A body parser error, in XML as negotiated.
    response = post(client, "/test/echo.xml", b"{", "application/json")
    assert response.status_code == 400
    assert response.content.endswith(b"<result><ok></ok><why>Invalid JSON.</why></result>\n")


def test_hook_gives_routing_errors_a_body_in_the_requested_format(client, envelope):
    response = client.get("/test/nothing.json")
    assert (response.status_code, response.reason_phrase) == (
        404,
        "Not found : Could not find resource nothing.",
    )
    assert orjson.loads(response.content) == {
        "ok": False,
        "why": "Could not find resource nothing.",
    }
    assert SEEN == [("test", "nothing", None, "json")]


def test_hook_returning_none_leaves_the_error(client, envelope, make_endpoint):
    make_endpoint("other", authentication=["session"])
    response = post(client, "/other/echo/secret.json", b"", "application/json")
    assert response.status_code == 403
    assert response.content == b'["Access denied for user anonymous"]'
    assert client.get("/other/nothing.json").content == b""
