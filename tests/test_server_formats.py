"""Response formats through the server: suffix, Accept negotiation, json=1, JSONP, YAML,
XML shapes, scalars, Content-Type with charset (spec §5)."""

import orjson
import pytest
import yaml

pytestmark = pytest.mark.usefixtures("echo_endpoint")

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "content_type", "vary"),
    [
        (None, "application/json; charset=utf-8", False),
        ("*/*", "text/xml; charset=utf-8", True),
        ("application/json", "application/json; charset=utf-8", True),
        ("application/xml", "application/xml; charset=utf-8", True),
        (BROWSER_ACCEPT, "application/xml; charset=utf-8", True),
        ("application/json;q=0.1, */*", "application/json; charset=utf-8", True),
    ],
)
def test_accept_negotiation(client, accept, content_type, vary):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = client.get("/test/echo/1", **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert ("Accept" in response.get("Vary", "")) is vary


def test_suffix_beats_accept(client):
    response = client.get("/test/echo/1.json", HTTP_ACCEPT="*/*")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert orjson.loads(response.content) == {"op": "retrieve", "id": "1"}
    assert "Accept" not in response.get("Vary", "")


def test_xml_shape(client):
    response = client.get("/test/echo/1.xml")
    assert response.content == (
        b'<?xml version="1.0" encoding="utf-8"?>\n<result><op>retrieve</op><id>1</id></result>\n'
    )
    listing = client.get("/test/echo.xml")
    assert listing.content == (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<result is_array="true"><item><op>index</op><page>0</page></item></result>\n'
    )


@pytest.mark.parametrize(
    ("value", "json_body", "xml_body"),
    [
        (True, b"[true]", b"<result>1</result>"),
        ("msg", b'["msg"]', b"<result>msg</result>"),
        (7, b"[7]", b"<result>7</result>"),
        (None, b"null", b"<result/>"),
    ],
)
def test_scalars_are_wrapped_the_drupal_way(client, value, json_body, xml_body):
    body = orjson.dumps({"value": value})
    as_json = client.post("/test/echo/scalar.json", body, content_type="application/json")
    as_xml = client.post("/test/echo/scalar.xml", body, content_type="application/json")
    if value is None:  # a missing value is a missing required argument
        assert as_json.status_code == 401
        return
    assert as_json.content == json_body
    assert as_xml.content.split(b"\n")[1] == xml_body


def test_json_flag_selects_json(client):
    response = client.get("/test/echo/1?json=1", HTTP_ACCEPT="*/*")
    assert response["Content-Type"] == "application/json; charset=utf-8"


def test_jsonp_with_valid_callback(client):
    response = client.get("/test/echo/1.jsonp?callback=app.handle_1")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == b'app.handle_1({"op":"retrieve","id":"1"});'


@pytest.mark.parametrize("callback", ["alert(1)", "a b", "<script>", "x" * 61, "1abc"])
def test_jsonp_with_bad_callback_is_400(client, callback):
    response = client.get("/test/echo/1.jsonp", {"callback": callback})
    assert response.status_code == 400
    assert response.reason_phrase == ": Invalid JSONP callback."
    assert callback.encode() not in response.content


def test_disabled_format_is_406(client):
    response = client.get("/test/echo/1.yaml")
    assert response.status_code == 406
    assert response.content == b""


def test_yaml_when_enabled(client, make_endpoint):
    make_endpoint("yamly", formatters=["json", "yaml"])
    response = client.get("/yamly/echo/1.yaml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-yaml; charset=utf-8"
    assert yaml.safe_load(response.content) == {"op": "retrieve", "id": "1"}


def test_no_acceptable_format_is_406_empty(client):
    response = client.get("/test/echo/1", HTTP_ACCEPT="image/png")
    assert response.status_code == 406
    assert response.reason_phrase == "Not Acceptable : Unknown or unsupported response format."
    assert response.content == b""


def test_malformed_accept_is_406_not_500(client):
    response = client.get("/test/echo/1", HTTP_ACCEPT="json")
    assert response.status_code == 406
    assert response.reason_phrase.startswith("Not Acceptable : Malformed media type")


def test_default_format_setting(client, make_endpoint):
    make_endpoint("xmlfirst", default_format="xml")
    response = client.get("/xmlfirst/echo/1")
    assert response["Content-Type"] == "application/xml; charset=utf-8"


def test_browsable_api_when_enabled(client, make_endpoint):
    make_endpoint("browse", formatters=["json", "xml", "api"])
    response = client.get("/browse/echo/1", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b"retrieve" in response.content and b"<html" in response.content
    assert client.get("/browse/echo/1?format=api")["Content-Type"].startswith("text/html")
    # */* still picks XML, as Drupal's negotiation does.
    assert client.get("/browse/echo/1", HTTP_ACCEPT="*/*")["Content-Type"].startswith("text/xml")
