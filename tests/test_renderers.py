"""Response formatters produce Drupal Services' exact bytes (spec §5)."""

import datetime
import json
import xml.etree.ElementTree as ET
from collections import OrderedDict
from decimal import Decimal
from uuid import UUID

import pytest
import yaml
from django.test import RequestFactory
from django.utils.translation import gettext_lazy
from rest_framework.request import Request
from rest_framework.response import Response

from services_api.exceptions import ServicesError
from services_api.wire.renderers import (
    DEFAULT_FORMATTERS,
    FORMAT_MIME_TYPES,
    FORMATTERS,
    DrupalXMLRenderer,
    JSONPRenderer,
    ServicesJSONRenderer,
    YAMLRenderer,
    default_mime_type,
    render_json,
    render_jsonp,
    render_xml,
    render_yaml,
    validate_jsonp_callback,
)

HEAD = b'<?xml version="1.0" encoding="utf-8"?>\n'


def xml_doc(body: str) -> bytes:
    return HEAD + body.encode() + b"\n"


# --------------------------------------------------------------------------------------------
# JSON


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (True, b"[true]"),
        (False, b"[false]"),
        ("msg", b'["msg"]'),
        (1, b"[1]"),
        (1.5, b"[1.5]"),
        (None, b"null"),
        ({"a": 1}, b'{"a":1}'),
        ([1, "2"], b'[1,"2"]'),
        ([], b"[]"),
        ({}, b"{}"),
    ],
)
def test_json_wraps_scalars_and_leaves_null_bare(data, expected):
    assert render_json(data) == expected


def test_json_does_not_escape_slash():
    assert render_json({"uri": "http://x/api/node/1"}) == b'{"uri":"http://x/api/node/1"}'


def test_json_keeps_non_ascii_as_utf8():
    out = render_json({"name": "héllo"})
    assert out == '{"name":"héllo"}'.encode()
    assert json.loads(out) == json.loads('{"name":"h\\u00e9llo"}')


def test_json_int_keys_become_strings():
    assert render_json({"roles": {2: "authenticated user"}}) == (
        b'{"roles":{"2":"authenticated user"}}'
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"price": Decimal("1.10")}, b'{"price":"1.10"}'),
        (Decimal("3.5"), b'["3.5"]'),
        ({"at": datetime.datetime(2016, 4, 8, 7, 5, 19)}, b'{"at":"2016-04-08T07:05:19"}'),
        (
            {"at": datetime.datetime(2016, 4, 8, 7, 5, 19, tzinfo=datetime.UTC)},
            b'{"at":"2016-04-08T07:05:19+00:00"}',
        ),
        ({"day": datetime.date(2016, 4, 8)}, b'{"day":"2016-04-08"}'),
        (
            {"uuid": UUID("5987574c-f611-11e0-a44b-12313d04fc0f")},
            b'{"uuid":"5987574c-f611-11e0-a44b-12313d04fc0f"}',
        ),
        (UUID(int=1), b'["00000000-0000-0000-0000-000000000001"]'),
        ({"t": gettext_lazy("Access denied")}, b'{"t":"Access denied"}'),
        (gettext_lazy("Access denied"), b'["Access denied"]'),
        ({"s": frozenset({1})}, b'{"s":[1]}'),
        ({"t": (1, 2)}, b'{"t":[1,2]}'),
        (OrderedDict([("b", 1), ("a", 2)]), b'{"b":1,"a":2}'),
    ],
)
def test_json_special_types(data, expected):
    assert render_json(data) == expected


def test_json_unknown_type_is_an_error():
    with pytest.raises(TypeError):
        render_json({"x": object()})


def test_json_renderer_class():
    renderer = ServicesJSONRenderer()
    assert (renderer.format, renderer.media_type, renderer.charset) == (
        "json",
        "application/json",
        "utf-8",
    )
    assert renderer.render(True) == b"[true]"
    assert renderer.render(None) == b"null"


# --------------------------------------------------------------------------------------------
# XML


@pytest.mark.parametrize(
    ("data", "body"),
    [
        # spec §5.3 examples
        (True, "<result>1</result>"),
        ({"a": "b", 0: 1, 1: False}, "<result><a>b</a><item>1</item><item></item></result>"),
        (
            {"roles": {"2": "authenticated user"}},
            '<result><roles is_array="true"><item>authenticated user</item></roles></result>',
        ),
        ("Wrong username or password.", "<result>Wrong username or password.</result>"),
        (
            ["Wrong username or password."],
            '<result is_array="true"><item>Wrong username or password.</item></result>',
        ),
        # leaves
        (False, "<result></result>"),
        (None, "<result/>"),
        ("", "<result></result>"),
        (0, "<result>0</result>"),
        (12, "<result>12</result>"),
        (1.0, "<result>1</result>"),
        (1.5, "<result>1.5</result>"),
        (Decimal("1.10"), "<result>1.10</result>"),
        ({"x": None}, "<result><x/></result>"),
        ({"x": False}, "<result><x></x></result>"),
        ({"x": True}, "<result><x>1</x></result>"),
        # empty containers self-close, without is_array
        ([], "<result/>"),
        ({}, "<result/>"),
        ({"x": []}, "<result><x/></result>"),
        ({"x": {}}, "<result><x/></result>"),
        # lists and all-numeric dicts are arrays
        ([1, 2], '<result is_array="true"><item>1</item><item>2</item></result>'),
        ({0: "a", 5: "b"}, '<result is_array="true"><item>a</item><item>b</item></result>'),
        ((1,), '<result is_array="true"><item>1</item></result>'),
        (
            [{"nid": "1"}, {"nid": "2"}],
            '<result is_array="true"><item><nid>1</nid></item><item><nid>2</nid></item></result>',
        ),
        (
            {"und": [{"value": "x"}]},
            '<result><und is_array="true"><item><value>x</value></item></und></result>',
        ),
    ],
)
def test_xml_shapes(data, body):
    assert render_xml(data) == xml_doc(body)


@pytest.mark.parametrize(
    ("key", "element"),
    [
        ("nid", "nid"),
        ("field_x", "field_x"),
        ("a-b", "a_b"),
        ("a b.c", "a_b_c"),
        ("é", "__"),  # one underscore per UTF-8 byte
        ("€x", "___x"),
        ("1abc", "_1abc"),
        ("12ab", "_12ab"),
        ("_1", "_1"),
        ("A9", "A9"),
        ("<tag>", "_tag_"),
    ],
)
def test_xml_key_mangling(key, element):
    assert render_xml({key: "v"}) == xml_doc(f"<result><{element}>v</{element}></result>")


@pytest.mark.parametrize("key", [0, 7, "7", "-1", "1.5", " 3", "1e3", True, 2.0])
def test_xml_numeric_keys_are_items(key):
    assert render_xml({key: "v"}) == xml_doc('<result is_array="true"><item>v</item></result>')


@pytest.mark.parametrize("key", ["0x1A", "1a", "e3", ".", "\u0661", "1 2"])
def test_xml_non_numeric_keys_are_not_items(key):
    assert b"<item>" not in render_xml({key: "v"})


def test_xml_empty_key_is_skipped_and_not_an_array():
    assert render_xml({"": "x", "a": 1}) == xml_doc("<result><a>1</a></result>")
    assert render_xml({"": "x", 0: 1}) == xml_doc("<result><item>1</item></result>")
    assert render_xml({"": "x"}) == xml_doc("<result/>")
    assert render_xml({None: "x"}) == xml_doc("<result/>")


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a<b", "a&lt;b"),
        ("a&b", "a&amp;b"),
        ("a>b", "a&gt;b"),
        ("<script>&amp;", "&lt;script&gt;&amp;amp;"),
        ('say "hi"', 'say "hi"'),
        ("l1\r\nl2", "l1&#13;\nl2"),
        ("tab\there", "tab\there"),
        ("bell\x07", "bell"),  # not representable in XML 1.0: dropped
        ("héllo ünï", "héllo ünï"),
    ],
)
def test_xml_text_escaping(text, escaped):
    assert render_xml({"t": text}) == xml_doc(f"<result><t>{escaped}</t></result>")


def test_xml_output_parses():
    data = {
        "uid": "1",
        "name": "a & <b>",
        "roles": {2: "authenticated user", 3: "administrator"},
        "picture": None,
        "data": False,
        "é": ["x", {"y": True}],
    }
    root = ET.fromstring(render_xml(data))
    assert root.tag == "result"
    assert root.find("name").text == "a & <b>"
    assert root.find("roles").get("is_array") == "true"
    assert [i.text for i in root.find("roles")] == ["authenticated user", "administrator"]
    assert root.find("__/item[2]/y").text == "1"


def test_xml_special_types():
    out = render_xml(
        {
            "at": datetime.datetime(2016, 4, 8, 7, 5, 19),
            "uuid": UUID(int=1),
            "t": gettext_lazy("Access denied"),
            "nan": float("inf"),
        }
    )
    assert out == xml_doc(
        "<result><at>2016-04-08T07:05:19</at>"
        "<uuid>00000000-0000-0000-0000-000000000001</uuid>"
        "<t>Access denied</t><nan>INF</nan></result>"
    )


def test_xml_renderer_class():
    renderer = DrupalXMLRenderer()
    assert (renderer.format, renderer.media_type, renderer.charset) == (
        "xml",
        "application/xml",
        "utf-8",
    )
    assert renderer.render({"a": 1}) == xml_doc("<result><a>1</a></result>")


def test_xml_renderer_through_drf_response():
    response = Response({"a": True})
    response.accepted_renderer = DrupalXMLRenderer()
    response.accepted_media_type = "application/xml"
    response.renderer_context = {}
    assert response.rendered_content == xml_doc("<result><a>1</a></result>")


# --------------------------------------------------------------------------------------------
# JSONP


@pytest.mark.parametrize("callback", ["cb", "jQuery123_456", "a.b.c", "$", "_x", "x" * 60])
def test_jsonp_good_callbacks(callback):
    assert validate_jsonp_callback(callback) == callback
    assert render_jsonp({"a": 1}, callback) == f'{callback}({{"a":1}});'.encode()


@pytest.mark.parametrize(
    "callback",
    ["alert(1)", "a b", "<script>", "x" * 61, "1abc", "a..b", "a.", ".a", "a-b", "a;b", "é"],
)
def test_jsonp_bad_callbacks(callback):
    with pytest.raises(ServicesError) as info:
        validate_jsonp_callback(callback)
    assert (info.value.status, info.value.message) == (400, "Invalid JSONP callback.")
    with pytest.raises(ServicesError):
        render_jsonp({"a": 1}, callback)


@pytest.mark.parametrize("callback", [None, ""])
def test_jsonp_without_callback_is_plain_json(callback):
    assert validate_jsonp_callback(callback) is None
    assert render_jsonp(True, callback) == b"[true]"


def test_jsonp_wraps_scalars_like_json():
    assert render_jsonp("msg", "cb") == b'cb(["msg"]);'
    assert render_jsonp(None, "cb") == b"cb(null);"


def test_jsonp_renderer_reads_callback_from_drf_request():
    request = Request(RequestFactory().get("/api/node/1.jsonp", {"callback": "cb"}))
    renderer = JSONPRenderer()
    assert renderer.render({"a": 1}, renderer_context={"request": request}) == b'cb({"a":1});'


def test_jsonp_renderer_reads_callback_from_django_request():
    request = RequestFactory().get("/api/node/1.jsonp", {"callback": "my.cb"})
    renderer = JSONPRenderer()
    assert renderer.render([1], renderer_context={"request": request}) == b"my.cb([1]);"


def test_jsonp_renderer_context_callback_wins():
    request = RequestFactory().get("/x", {"callback": "fromquery"})
    context = {"request": request, "callback": "explicit"}
    assert JSONPRenderer().render(1, renderer_context=context) == b"explicit([1]);"


def test_jsonp_renderer_without_context_or_callback():
    renderer = JSONPRenderer()
    assert renderer.render({"a": 1}) == b'{"a":1}'
    request = RequestFactory().get("/x")
    assert renderer.render({"a": 1}, renderer_context={"request": request}) == b'{"a":1}'


def test_jsonp_renderer_rejects_bad_query_callback():
    request = RequestFactory().get("/x", {"callback": "alert(1)"})
    with pytest.raises(ServicesError):
        JSONPRenderer().render({"a": 1}, renderer_context={"request": request})


def test_jsonp_renderer_class():
    renderer = JSONPRenderer()
    assert (renderer.format, renderer.media_type) == ("jsonp", "text/javascript")


# --------------------------------------------------------------------------------------------
# YAML


@pytest.mark.parametrize(
    "data",
    [
        {"uid": "1", "name": "admin", "roles": {2: "authenticated user"}, "x": None},
        [1, "two", 3.5, True, None, {"a": [], "b": {}}],
        {"text": "héllo: ünï\nsecond line", "nested": {"list": [[1], [2]]}},
        True,
        "msg",
        None,
        [],
    ],
)
def test_yaml_round_trip(data):
    out = render_yaml(data)
    assert isinstance(out, bytes)
    assert yaml.safe_load(out) == data


def test_yaml_is_block_style_utf8_in_given_key_order():
    out = render_yaml({"b": 1, "a": ["x", "é"]})
    assert out == "b: 1\na:\n- x\n- é\n".encode()


def test_yaml_scalars_are_not_wrapped():
    assert yaml.safe_load(render_yaml(True)) is True


def test_yaml_special_types_become_plain():
    data = OrderedDict(
        [
            ("price", Decimal("1.10")),
            ("uuid", UUID(int=1)),
            ("at", datetime.datetime(2016, 4, 8, 7, 5, 19)),
            ("t", gettext_lazy("Access denied")),
            ("tuple", (1, 2)),
        ]
    )
    assert yaml.safe_load(render_yaml(data)) == {
        "price": "1.10",
        "uuid": "00000000-0000-0000-0000-000000000001",
        "at": "2016-04-08T07:05:19",
        "t": "Access denied",
        "tuple": [1, 2],
    }


def test_yaml_renderer_class():
    renderer = YAMLRenderer()
    assert (renderer.format, renderer.media_type) == ("yaml", "application/x-yaml")
    assert renderer.render({"a": 1}) == b"a: 1\n"


# --------------------------------------------------------------------------------------------
# Registry


def test_registry_formats_match():
    assert set(FORMATTERS) == set(FORMAT_MIME_TYPES) == {"json", "xml", "jsonp", "yaml", "api"}
    for name, renderer in FORMATTERS.items():
        assert renderer.format == name
        assert renderer.media_type in FORMAT_MIME_TYPES[name]


def test_mime_types_follow_spec_table():
    assert FORMAT_MIME_TYPES == {
        "xml": ("application/xml", "text/xml"),
        "json": ("application/json",),
        "jsonp": ("text/javascript", "application/javascript"),
        "yaml": ("text/plain", "application/x-yaml", "text/yaml"),
        "api": ("text/html",),
    }


def test_default_formatters_are_json_and_xml():
    assert DEFAULT_FORMATTERS == ("json", "xml")


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [
        ("json", "application/json"),
        ("xml", "application/xml"),
        ("jsonp", "text/javascript"),
        ("yaml", "application/x-yaml"),  # not Services' text/plain
    ],
)
def test_default_mime_type(fmt, mime):
    assert default_mime_type(fmt) == mime
