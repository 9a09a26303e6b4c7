"""Request body parsers: PHP bracket rules, JSON/XML/multipart, parser selection (spec §3, §4)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import UploadedFile
from django.test import override_settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from services_api.exceptions import ServicesError
from services_api.server.negotiation import MalformedMime
from services_api.wire.parsers import (
    DEFAULT_PARSERS,
    PARSERS,
    PHPFormParser,
    ServicesJSONParser,
    ServicesMultiPartParser,
    ServicesTextXMLParser,
    ServicesXMLParser,
    check_depth,
    parse_php_query,
    parse_request_body,
    read_body,
    request_content_type,
    select_parser,
    unwrap,
)

CONTEXT = {"request": None, "encoding": "utf-8"}


def parse(parser_class, body: bytes, media_type=None, context=None):
    return parser_class().parse(io.BytesIO(body), media_type, context or CONTEXT)


def error_of(func, *args, **kwargs) -> ServicesError:
    with pytest.raises(ServicesError) as info:
        func(*args, **kwargs)
    return info.value


# --- PHP parse_str -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # spec §3: user create, form-encoded with the account wrapper
        (
            "account[name]=x&account[mail]=y&account[pass]=z",
            {"account": {"name": "x", "mail": "y", "pass": "z"}},
        ),
        ("a[b]=1", {"a": {"b": "1"}}),
        ("a[]=1&a[]=2", {"a": ["1", "2"]}),
        ("node[field_x][und][0][value]=y", {"node": {"field_x": {"und": [{"value": "y"}]}}}),
        ("node[field_x][0][value]=y", {"node": {"field_x": [{"value": "y"}]}}),
        ("a[b][]=1&a[b][]=2", {"a": {"b": ["1", "2"]}}),
        ("a[0][x]=1&a[1][x]=2", {"a": [{"x": "1"}, {"x": "2"}]}),
        ("a[]=1&a[x]=2&a[]=3", {"a": {"0": "1", "x": "2", "1": "3"}}),
        # keys 0..n-1 but not in insertion order: an object, as json_encode renders it
        ("a[1]=x&a[0]=y", {"a": {"1": "x", "0": "y"}}),
        ("a[5]=x&a[]=y", {"a": {"5": "x", "6": "y"}}),
        ("a[-1]=x&a[]=y", {"a": {"-1": "x", "0": "y"}}),
        # only canonical integers are integer keys
        ("a[00]=x&a[0]=y", {"a": {"00": "x", "0": "y"}}),
        ("a[0]=x&a[00]=y", {"a": {"0": "x", "00": "y"}}),
        ("a[1]=x&a[01]=y", {"a": {"1": "x", "01": "y"}}),
        ("a[9223372036854775807]=x&a[]=y", {"a": {"9223372036854775807": "x"}}),
        ("a[9223372036854775808]=x&a[]=y", {"a": {"9223372036854775808": "x", "0": "y"}}),
        # last wins, for plain keys and nested ones
        ("a=1&a=2", {"a": "2"}),
        ("a[b]=1&a[b]=2", {"a": {"b": "2"}}),
        ("a[0]=x&a[0]=y", {"a": ["y"]}),
        # a scalar in the way of a nested key is replaced, and the other way round
        ("a=1&a[b]=2", {"a": {"b": "2"}}),
        ("a[b]=2&a=1", {"a": "1"}),
        ("a=1&b=2&a[c]=3", {"a": {"c": "3"}, "b": "2"}),
        # top-level names: "." and space -> "_", leading spaces dropped; nested keys untouched
        ("a.b=1", {"a_b": "1"}),
        ("a b=1", {"a_b": "1"}),
        ("a+b=1", {"a_b": "1"}),
        ("a%20b=1", {"a_b": "1"}),
        (".a=1", {"_a": "1"}),
        ("%20%20a=1", {"a": "1"}),
        ("a.b[c.d]=1", {"a_b": {"c.d": "1"}}),
        ("a[b c]=1", {"a": {"b c": "1"}}),
        # "[" without "]" in the first segment is not a bracket
        ("a[b=1", {"a_b": "1"}),
        ("a[b.c d=1", {"a_b_c_d": "1"}),
        ("a[=1", {"a_": "1"}),
        ("a[b[c=1", {"a_b_c": "1"}),
        # ... later on, the unterminated segment is dropped
        ("a[b][c=1", {"a": {"b": "1"}}),
        # "]" found anywhere later closes the segment
        ("a[b[c]=1", {"a": {"b[c": "1"}}),
        # after "]" anything but "[" ends the name
        ("a[b]c=1", {"a": {"b": "1"}}),
        ("a[b]]=1", {"a": {"b": "1"}}),
        ("a[b] [c]=1", {"a": {"b": "1"}}),
        # one whitespace right after "[" still means append; otherwise it is part of the key
        ("a[ ]=1&a[ ]=2", {"a": ["1", "2"]}),
        ("a[%09]=1", {"a": ["1"]}),
        ("a[ b]=1", {"a": {" b": "1"}}),
        ("a[  ]=1", {"a": {"  ": "1"}}),
        # decoding: "+" is a space, %XX decoded (names too), bad escapes kept literally
        ("q=a+b%2Bc", {"q": "a b+c"}),
        ("q=%41%zz%4", {"q": "A%zz%4"}),
        ("q=caf%C3%A9", {"q": "café"}),
        ("a%5Bb%5D=1", {"a": {"b": "1"}}),
        ("q=a=b", {"q": "a=b"}),
        ("q=a%26b", {"q": "a&b"}),
        # a NUL ends a name but not a value
        ("a%00b=1", {"a": "1"}),
        ("a=x%00y", {"a": "x\x00y"}),
        # empty names are skipped; a name without "=" gets ""; empty pairs ignored
        ("=x", {}),
        ("[a]=x", {}),
        ("%20=x", {}),
        ("&&a&", {"a": ""}),
        ("a=", {"a": ""}),
        ("", {}),
        ("a;b=1", {"a;b": "1"}),
        # a numeric top-level name stays a string key of the (always dict) top level
        ("0=a&1=b", {"0": "a", "1": "b"}),
    ],
)
def test_parse_php_query(query, expected):
    assert parse_php_query(query) == expected


def test_parse_php_query_keeps_top_level_order():
    assert list(parse_php_query("b=1&a=2&b=3")) == ["b", "a"]


def test_warmshowers_feedback_form():
    """seed:ws posts trust referrals form-encoded with Drupal field nesting."""
    query = (
        "node[type]=trust_referral&node[field_member_i_trust][0][uid][uid]=bob"
        "&node[field_rating][value]=Positive&node[body]=Great+host%21"
        "&node[field_guest_or_host][value]=Met+Traveling"
        "&node[field_hosting_date][0][value][year]=2016"
        "&node[field_hosting_date][0][value][month]=5"
    )
    assert parse_php_query(query) == {
        "node": {
            "type": "trust_referral",
            "field_member_i_trust": [{"uid": {"uid": "bob"}}],
            "field_rating": {"value": "Positive"},
            "body": "Great host!",
            "field_guest_or_host": {"value": "Met Traveling"},
            "field_hosting_date": [{"value": {"year": "2016", "month": "5"}}],
        }
    }


def test_user_create_with_roles_keyed_by_rid():
    query = (
        "&account[name]=test_user&account[mail][pass]=example"
        "&account[roles][1]=authenticated user&account[roles][2]=other role"
    )
    assert parse_php_query(query) == {
        "account": {
            "name": "test_user",
            "mail": {"pass": "example"},
            "roles": {"1": "authenticated user", "2": "other role"},
        }
    }


def test_jdrupal_index_query():
    query = "fields=nid,title&parameters[status]=1&options[orderby][created]=desc&page=0"
    assert parse_php_query(query) == {
        "fields": "nid,title",
        "parameters": {"status": "1"},
        "options": {"orderby": {"created": "desc"}},
        "page": "0",
    }


def test_parse_php_query_bytes_and_errors():
    assert parse_php_query(b"a[]=caf%C3%A9&b=\xc3\xa9") == {"a": ["café"], "b": "é"}
    assert parse_php_query(b"a=%FF") == {"a": "\ufffd"}
    assert parse_php_query(b"a=%E9", encoding="latin-1") == {"a": "é"}
    with pytest.raises(UnicodeDecodeError):
        parse_php_query(b"a=%FF", errors="strict")


def test_parse_php_query_depth():
    assert parse_php_query("a[b][c]=1", max_depth=3) == {"a": {"b": {"c": "1"}}}
    error = error_of(parse_php_query, "a[b][c]=1", max_depth=2)
    assert (error.status, error.message) == (400, "Request body nested too deeply.")
    assert parse_php_query("a=1", max_depth=1) == {"a": "1"}
    # an unterminated segment is no nesting
    assert parse_php_query("a[b=1", max_depth=1) == {"a_b": "1"}


@override_settings(ENTITY_RESOURCES={"MAX_NESTING_DEPTH": 4})
def test_parse_php_query_depth_defaults_to_setting():
    assert parse_php_query("a[b][c][d]=1") == {"a": {"b": {"c": {"d": "1"}}}}
    assert error_of(parse_php_query, "a[b][c][d][e]=1").status == 400
    assert error_of(parse_php_query, "a" + "[]" * 10_000 + "=1").status == 400


# --- check_depth / read_body ---------------------------------------------------------------


def test_check_depth():
    check_depth("scalar", 0)
    check_depth({"a": {"b": [1]}}, 3)
    check_depth([], 1)
    with pytest.raises(ServicesError) as info:
        check_depth({"a": {"b": [1]}}, 2)
    assert (info.value.status, info.value.message) == (400, "Request body nested too deeply.")
    deep: list = []
    for _ in range(100_000):  # iterative: no RecursionError
        deep = [deep]
    assert error_of(check_depth, deep, 50).status == 400


def test_read_body_limit():
    assert read_body(io.BytesIO(b"abc"), 3) == b"abc"
    assert read_body(None, 3) == b""
    error = error_of(read_body, io.BytesIO(b"abcd"), 3)
    assert (error.status, error.message) == (413, "Request body too large.")


def test_read_body_reads_at_most_limit_plus_one():
    stream = io.BytesIO(b"x" * 100)
    with pytest.raises(ServicesError):
        read_body(stream, 10)
    assert stream.tell() == 11


# --- form-urlencoded -----------------------------------------------------------------------


def test_form_parser():
    body = b"username=bob&password=p%40ss+word&account[name]=x"
    assert parse(PHPFormParser, body) == {
        "username": "bob",
        "password": "p@ss word",
        "account": {"name": "x"},
    }
    assert parse(PHPFormParser, b"") == {}


def test_form_parser_charset():
    body = b"name=caf\xe9&q=%E9"
    context = {"request": None, "encoding": "iso-8859-1"}
    assert parse(PHPFormParser, body, context=context) == {"name": "café", "q": "é"}


@pytest.mark.parametrize("body", [b"name=caf\xe9", b"name=%E9"])
def test_form_parser_invalid_encoding(body):
    error = error_of(parse, PHPFormParser, body)
    assert (error.status, error.message) == (400, "Invalid form data encoding.")


@override_settings(SERVICES_API={"MAX_BODY_BYTES": 10})
def test_form_parser_too_large():
    assert error_of(parse, PHPFormParser, b"a=" + b"x" * 20).status == 413


# --- JSON ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", ""),
        (b"  \r\n\t", ""),
        (b'""', ""),  # jDrupal's "no data"
        (b'{"account": {"name": "x"}}', {"account": {"name": "x"}}),
        (b'[1, "a", true, 1.5]', [1, "a", True, 1.5]),
        (b'"text"', "text"),
        (b"0", 0),
        (b'{"t": "caf\\u00e9 \xc3\xa9"}', {"t": "café é"}),
    ],
)
def test_json_parser(body, expected):
    assert parse(ServicesJSONParser, body) == expected


@pytest.mark.parametrize("body", [b"null", b" null ", b"{", b"{'a': 1}", b"[1,]", b"\xff", b"nul"])
def test_json_parser_invalid(body):
    error = error_of(parse, ServicesJSONParser, body)
    assert (error.status, error.message, error.data) == (400, "Invalid JSON.", "Invalid JSON.")


def test_json_parser_declared_charset():
    context = {"request": None, "encoding": "iso-8859-1"}
    assert parse(ServicesJSONParser, b'{"a": "caf\xe9"}', context=context) == {"a": "café"}


@override_settings(ENTITY_RESOURCES={"MAX_NESTING_DEPTH": 3})
def test_json_parser_too_deep():
    assert parse(ServicesJSONParser, b'{"a": {"b": [1]}}') == {"a": {"b": [1]}}
    error = error_of(parse, ServicesJSONParser, b'{"a": {"b": [[1]]}}')
    assert (error.status, error.message) == (400, "Request body nested too deeply.")


@override_settings(SERVICES_API={"MAX_BODY_BYTES": 16})
def test_json_parser_too_large():
    assert parse(ServicesJSONParser, b'{"a": "0123456"}') == {"a": "0123456"}  # 16 bytes
    error = error_of(parse, ServicesJSONParser, b'{"a": "01234567"}')
    assert (error.status, error.message) == (413, "Request body too large.")


# --- XML -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", ""),
        (b"  \n", ""),
        (
            b'<?xml version="1.0" encoding="utf-8"?>\n'
            b"<result><name>bob</name><mail>b@example.com</mail></result>",
            {"name": "bob", "mail": "b@example.com"},
        ),
        # the root's name is ignored
        (b"<anything><a>1</a></anything>", {"a": "1"}),
        (b"<result>scalar</result>", "scalar"),
        (b"<result/>", ""),
        (b"<r><a></a><b/></r>", {"a": "", "b": ""}),
        (
            b"<r><node><title>T</title><body> x </body></node></r>",
            {"node": {"title": "T", "body": " x "}},
        ),
        # is_array="true": the children's values as a list, their names ignored
        (
            b'<r><roles is_array="true"><item>authenticated user</item><x>admin</x></roles></r>',
            {"roles": ["authenticated user", "admin"]},
        ),
        (b'<r is_array="true"><item>1</item><item>2</item></r>', ["1", "2"]),
        (b'<r><list is_array="true"/></r>', {"list": []}),
        (
            b'<r><und is_array="true"><item><value>v</value></item></und></r>',
            {"und": [{"value": "v"}]},
        ),
        # repeated sibling names become a list
        (b"<r><x>1</x><y>2</y><x>3</x><x>4</x></r>", {"x": ["1", "3", "4"], "y": "2"}),
        (b"<r><x><a>1</a></x><x><a>2</a></x></r>", {"x": [{"a": "1"}, {"a": "2"}]}),
        # attributes other than is_array, comments and namespaces are ignored
        (b'<r xmlns:n="urn:x"><n:a k="v">1</n:a><!-- c --></r>', {"a": "1"}),
        # the XML declaration's encoding is honoured
        (b"<?xml version='1.0' encoding='iso-8859-1'?><r><t>caf\xe9</t></r>", {"t": "café"}),
    ],
)
def test_xml_parser(body, expected):
    assert parse(ServicesXMLParser, body) == expected


def test_text_xml_parser():
    assert ServicesTextXMLParser.media_type == "text/xml"
    assert parse(ServicesTextXMLParser, b"<r><a>1</a></r>") == {"a": "1"}


@pytest.mark.parametrize(
    "body",
    [
        b"<r><a>1</r>",
        b"not xml",
        b"<r>",
        b"<r></r><r></r>",
        b"<r a=1></r>",
    ],
)
def test_xml_parser_bad_xml(body):
    error = error_of(parse, ServicesXMLParser, body)
    assert error.status == 406
    assert error.message.startswith("Line 1, Col ")
    assert not error.empty_body


def test_xml_parser_bad_xml_position():
    error = error_of(parse, ServicesXMLParser, b"<r>\n  <a>1</b>\n</r>")
    assert error.message == "Line 2, Col 9: mismatched tag"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<lolz><a>&lol3;</a></lolz>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<r><a>&xxe;</a></r>"""

DOCTYPE_ONLY = b'<!DOCTYPE r SYSTEM "http://example.com/r.dtd"><r><a>1</a></r>'


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY, DOCTYPE_ONLY])
def test_xml_parser_refuses_dtd_and_entities(body):
    error = error_of(parse, ServicesXMLParser, body)
    assert (error.status, error.message) == (406, "XML with DTD or entities is not allowed.")


def test_xml_parser_undefined_entity_is_bad_xml():
    error = error_of(parse, ServicesXMLParser, b"<r><a>&nope;</a></r>")
    assert error.status == 406
    assert "undefined entity" in error.message


@override_settings(ENTITY_RESOURCES={"MAX_NESTING_DEPTH": 3})
def test_xml_parser_too_deep():
    assert parse(ServicesXMLParser, b"<r><a><b><c>1</c></b></a></r>") == {"a": {"b": {"c": "1"}}}
    body = b"<r><a><b><c><d>1</d></c></b></a></r>"
    assert error_of(parse, ServicesXMLParser, body).status == 400
    # repeated names add a list level
    body = b"<r><a><b><c>1</c><c>2</c></b></a></r>"
    assert error_of(parse, ServicesXMLParser, body).status == 400
    body = b"<r>" + b"<a>" * 5000 + b"</a>" * 5000 + b"</r>"
    assert error_of(parse, ServicesXMLParser, body).status == 400


@override_settings(SERVICES_API={"MAX_BODY_BYTES": 20})
def test_xml_parser_too_large():
    assert error_of(parse, ServicesXMLParser, b"<r><a>" + b"x" * 20 + b"</a></r>").status == 413


# --- multipart -----------------------------------------------------------------------------


def multipart(data: dict) -> tuple[bytes, dict]:
    body = encode_multipart(BOUNDARY, data)
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    return body, meta


def test_multipart_fields_and_file():
    upload = io.BytesIO(b"file content")
    upload.name = "hello.txt"
    body, meta = multipart(
        {
            "node[title]": "Hello",
            "node[field_x][und][0][value]": "y",
            "tags[]": ["a", "b"],
            "files[file]": upload,
        }
    )
    data = parse(ServicesMultiPartParser, body, MULTIPART_CONTENT, {"meta": meta})
    uploaded = data["files"]["file"]
    assert isinstance(uploaded, UploadedFile)
    assert uploaded.name == "hello.txt"
    assert uploaded.read() == b"file content"
    assert data == {
        "node": {"title": "Hello", "field_x": {"und": [{"value": "y"}]}},
        "tags": ["a", "b"],
        "files": {"file": uploaded},
    }


def test_multipart_with_request_meta(rf):
    request = rf.post("/", data={"a.b": "1", "c": "é"})
    context = {"request": request, "encoding": "utf-8"}
    data = ServicesMultiPartParser().parse(request, request.META["CONTENT_TYPE"], context)
    assert data == {"a_b": "1", "c": "é"}


def test_multipart_malformed():
    meta = {"CONTENT_TYPE": "multipart/form-data", "CONTENT_LENGTH": "10"}
    error = error_of(parse, ServicesMultiPartParser, b"0123456789", None, {"meta": meta})
    assert error.status == 400
    assert "boundary" in error.message


@override_settings(SERVICES_API={"MAX_BODY_BYTES": 100})
def test_multipart_too_large():
    body, meta = multipart({"a": "x" * 200})
    error = error_of(parse, ServicesMultiPartParser, body, MULTIPART_CONTENT, {"meta": meta})
    assert (error.status, error.message) == (413, "Request body too large.")
    # a Content-Length that lies is caught while reading
    meta["CONTENT_LENGTH"] = "50"
    error = error_of(parse, ServicesMultiPartParser, body, MULTIPART_CONTENT, {"meta": meta})
    assert error.status == 413


@override_settings(ENTITY_RESOURCES={"MAX_NESTING_DEPTH": 2})
def test_multipart_too_deep():
    body, meta = multipart({"a[b][c]": "1"})
    error = error_of(parse, ServicesMultiPartParser, body, MULTIPART_CONTENT, {"meta": meta})
    assert error.status == 400


# --- selection -----------------------------------------------------------------------------


def test_parser_tables():
    assert set(PARSERS) == {
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/xml",
        "text/xml",
    }
    assert all(PARSERS[mime].media_type == mime for mime in PARSERS)
    assert set(DEFAULT_PARSERS) == set(PARSERS) - {"application/x-www-form-urlencoded"}
    assert "application/vnd.php.serialized" not in PARSERS


ALL = list(PARSERS)


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/json", ServicesJSONParser),
        ("application/json; charset=utf-8", ServicesJSONParser),
        ("Application/JSON", ServicesJSONParser),
        ("application/x-www-form-urlencoded; charset=UTF-8", PHPFormParser),
        (None, PHPFormParser),
        ("", PHPFormParser),
        ("  ", PHPFormParser),
        ("multipart/form-data; boundary=xyz", ServicesMultiPartParser),
        ("application/xml", ServicesXMLParser),
        ("text/xml; charset=utf-8", ServicesTextXMLParser),
    ],
)
def test_select_parser(content_type, expected):
    assert select_parser(content_type, ALL) is expected


@pytest.mark.parametrize(
    ("content_type", "enabled", "mime"),
    [
        ("application/x-www-form-urlencoded", DEFAULT_PARSERS, "application/x-www-form-urlencoded"),
        (None, DEFAULT_PARSERS, "application/x-www-form-urlencoded"),
        ("application/vnd.php.serialized", ALL, "application/vnd.php.serialized"),
        ("text/plain; charset=utf-8", ALL, "text/plain"),
        ("application/json", ["application/xml"], "application/json"),
        ("application/json", [], "application/json"),
    ],
)
def test_select_parser_unsupported(content_type, enabled, mime):
    error = error_of(select_parser, content_type, enabled)
    assert (error.status, error.message) == (406, f"Unsupported request content type {mime}")
    assert not error.empty_body


def test_select_parser_ignores_unknown_enabled_mimes():
    enabled = ["application/vnd.php.serialized", "application/json"]
    error = error_of(select_parser, "application/vnd.php.serialized", enabled)
    assert error.status == 406


@pytest.mark.parametrize("content_type", ["json", "text", "application", "/json"])
def test_select_parser_malformed(content_type):
    error = error_of(select_parser, content_type, ALL)
    assert isinstance(error, MalformedMime)
    assert (error.status, error.message) == (406, f"Malformed media type: {content_type}")
    assert error.empty_body


# --- unwrap --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "wrapper", "expected"),
    [
        ({"node": {"title": "t"}}, "node", {"title": "t"}),
        ({"node": ["a"]}, "node", ["a"]),
        ({"account": {"name": "x"}}, "account", {"name": "x"}),
        # bare bodies, extra keys, scalars and other wrappers stay as they are
        ({"name": "x", "mail": "y"}, "account", {"name": "x", "mail": "y"}),
        ({"node": {"title": "t"}, "x": 1}, "node", {"node": {"title": "t"}, "x": 1}),
        ({"node": "t"}, "node", {"node": "t"}),
        ({"data": {"a": 1}}, "node", {"data": {"a": 1}}),
        ("", "node", ""),
        (["node"], "node", ["node"]),
    ],
)
def test_unwrap(body, wrapper, expected):
    assert unwrap(body, wrapper) == expected


# --- the request's Content-Type and the empty-body rule --------------------------------------

WSGIREF = {"SERVER_SOFTWARE": "WSGIServer/0.2 CPython/3.12.3"}


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({}, None),
        ({"CONTENT_TYPE": ""}, None),
        ({"CONTENT_TYPE": "text/plain"}, "text/plain"),  # gunicorn: the client sent it
        ({"CONTENT_TYPE": "text/plain", **WSGIREF}, None),  # runserver's invention
        ({"CONTENT_TYPE": "text/plain; charset=utf-8", **WSGIREF}, "text/plain; charset=utf-8"),
        ({"CONTENT_TYPE": "application/json", **WSGIREF}, "application/json"),
    ],
)
def test_request_content_type(meta, expected):
    assert request_content_type(meta) == expected


def body_request(rf, body: bytes, **meta):
    request = rf.generic("POST", "/x", body)
    request.META.pop("CONTENT_TYPE", None)
    request.META.update(meta)
    return request


def test_no_content_type_is_form_data(rf):
    request = body_request(rf, b"a[b]=1&c=2", **WSGIREF, CONTENT_TYPE="text/plain")
    assert parse_request_body(request, ALL, {}) == {"a": {"b": "1"}, "c": "2"}


def test_empty_body_without_content_type_needs_no_parser(rf):
    assert parse_request_body(body_request(rf, b""), DEFAULT_PARSERS, {}) == {}
    request = body_request(rf, b"", **WSGIREF, CONTENT_TYPE="text/plain")
    assert parse_request_body(request, ["application/json"], {}) == {}


def test_form_body_without_content_type_needs_the_form_parser(rf):
    error = error_of(parse_request_body, body_request(rf, b"a=1"), DEFAULT_PARSERS, {})
    assert (error.status, error.message) == (
        406,
        "Unsupported request content type application/x-www-form-urlencoded",
    )


def test_empty_body_with_unsupported_content_type_is_406(rf):
    request = body_request(rf, b"", CONTENT_TYPE="text/plain")
    assert error_of(parse_request_body, request, ALL, {}).status == 406
