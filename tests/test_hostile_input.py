"""Hostile input never gives a 5xx: numbers, nesting, XML encodings, boolean operators, and
property-based tests (hypothesis) over the query grammar, the PHP-bracket parser and every
body parser: any text or bytes give a 2xx or a 4xx with a message, never a partial write.

The hypothesis tests are bounded (``max_examples``) so the suite stays fast; a failure prints
the smallest input that reproduces it.
"""

from __future__ import annotations

import io
import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entity_resources.brackets import request_query
from entity_resources.exceptions import BadParameter, EntityError
from entity_resources.filtering import vocabulary_for
from entity_resources.grammar import PageSize, parse_query
from entity_resources.limits import MAX_INTEGER, parse_int, to_int
from entity_resources.registry import site
from project.demo.models import Article
from services_api.exceptions import ServicesError
from services_api.wire.parsers import PARSERS, parse_php_query
from tests.entity_helpers import basic, make_data

pytestmark = pytest.mark.urls("tests.entity_urls")

BOUNDED = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HUGE = "9" * 5000
ARABIC_ONE = "\u0661"  # "١": int() takes it, a database does not
SUPERSCRIPT_TWO = "\u00b2"  # "²": str.isdigit() says yes, int() says no


@pytest.fixture
def data(db):
    return make_data()


def reason(response) -> str:
    return response.reason_phrase


def assert_client_error(response, status=400):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert reason(response).split(":", 1)[1].strip(), "a 4xx names its cause"


# -- one integer parser ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("0", 0), (" 42 ", 42), ("+7", 7), ("-3", -3), (str(MAX_INTEGER), MAX_INTEGER), (5, 5)],
)
def test_to_int_accepts_ascii_whole_numbers(text, value):
    assert to_int(text) == value


@pytest.mark.parametrize(
    "text",
    [HUGE, str(MAX_INTEGER + 1), ARABIC_ONE, SUPERSCRIPT_TWO, "1_000", "1e3", "0x10", "", True],
)
def test_to_int_refuses_everything_else(text):
    with pytest.raises(ValueError):
        to_int(text)


def test_parse_int_names_the_parameter_and_caps_on_request():
    with pytest.raises(BadParameter, match=r"parameter page: expected a whole number >= 0\."):
        parse_int({"page": ARABIC_ONE}, "page", 0)
    with pytest.raises(BadParameter, match=r"parameter page: expected a whole number <= "):
        parse_int({"page": HUGE}, "page", 0)
    assert parse_int({"pagesize": HUGE}, "pagesize", 20, minimum=1, maximum=100, cap=True) == 100
    assert parse_int({}, "page", 7) == 7


NUMERIC_QUERIES = [
    # (url, status): every numeric query parameter of every index goes through to_int.
    (f"/api/entity_article.json?page={HUGE}", 400),
    (f"/api/entity_article.json?page={ARABIC_ONE}", 400),
    (f"/api/entity_article.json?page={SUPERSCRIPT_TWO}", 400),
    (f"/api/entity_article.json?pagesize={SUPERSCRIPT_TWO}", 400),
    (f"/api/entity_article.json?pagesize={HUGE}", 200),  # capped, as Drupal does
    (f"/api/node.json?page={HUGE}", 400),
    (f"/api/node.json?page={SUPERSCRIPT_TWO}", 400),
    (f"/api/node.json?pagesize={ARABIC_ONE}", 400),
    (f"/api/user.json?page={HUGE}", 400),
    (f"/api/user.json?pagesize={ARABIC_ONE}", 400),
    (f"/api/node/1/comments.json?offset={HUGE}", 400),
    (f"/api/node/1/comments.json?count={SUPERSCRIPT_TWO}", 400),
    (f"/api/user.json?parameters[uid]={ARABIC_ONE}", 406),
    (f"/api/user.json?parameters[created]={SUPERSCRIPT_TWO}", 406),
    (f"/api/node.json?parameters[created]={SUPERSCRIPT_TWO}", 406),
    (f"/api/entity_article.json?parameters[tags]={HUGE}", 400),
    (f"/rest/entity_article/?page={HUGE}", 400),
    (f"/rest/entity_article/?page={ARABIC_ONE}", 400),
]


@pytest.mark.parametrize(("url", "status"), NUMERIC_QUERIES)
def test_numeric_query_parameters(client, data, url, status):
    response = client.get(url, **basic(data.staff))
    assert response.status_code == status, (url, response.content[:300])
    if status != 200 and not url.startswith("/rest/"):
        assert_client_error(response, status)


def test_unicode_digits_are_not_numbers(client, data):
    response = client.get(f"/api/entity_article.json?page={ARABIC_ONE}")
    assert reason(response) == ": Invalid value for parameter page: expected a whole number >= 0."


# -- one nesting limit for query strings and bodies ------------------------------------------


@pytest.mark.parametrize(
    "query", ["a" + "[]" * 1000 + "=1", "parameters" + "[a]" * 1000 + "=1", "x" + "[" * 1000]
)
def test_query_string_nesting_is_limited(client, data, query):
    response = client.get(f"/api/entity_article.json?{query}")
    if query.endswith("["):  # an unterminated bracket is a plain name in PHP
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert reason(response) == ": Query string nested too deeply."
    assert response["Content-Type"].startswith("application/json")
    assert response.content == b'["Query string nested too deeply."]'


def test_one_configured_depth_limits_services_and_viewsets(client, data, settings):
    """``ENTITY_RESOURCES["MAX_NESTING_DEPTH"]`` is the one limit: the Services endpoint and
    the DRF viewset accept the same query at the limit and refuse the same query beyond it."""
    settings.ENTITY_RESOURCES = {"MAX_NESTING_DEPTH": 4}
    at_limit, beyond = "x[a][b][c]=1", "x[a][b][c][d]=1"
    assert client.get(f"/api/entity_article.json?{at_limit}").status_code == 200
    assert client.get(f"/rest/entity_article/?{at_limit}").status_code == 200
    services = client.get(f"/api/entity_article.json?{beyond}")
    assert (services.status_code, reason(services)) == (400, ": Query string nested too deeply.")
    viewset = client.get(f"/rest/entity_article/?{beyond}")
    assert viewset.status_code == 400
    assert viewset.json() == {"detail": "Query string nested too deeply."}
    # Bodies follow the same number.
    body = json.dumps({"title": {"a": {"b": {"c": {}}}}})
    response = client.post(
        "/api/entity_article.json", body, content_type="application/json", **basic(data.staff)
    )
    assert (response.status_code, reason(response)) == (400, ": Request body nested too deeply.")


def test_viewset_query_nesting_is_limited(client, data):
    response = client.get("/rest/entity_article/?parameters" + "[a]" * 1000 + "=1")
    assert response.status_code == 400
    assert response.json() == {"detail": "Query string nested too deeply."}


# -- XML declarations naming encodings expat cannot read -------------------------------------


@pytest.mark.parametrize("encoding", ["bogus", "utf-32", "x-mac-ce", "ebcdic", "a" * 200])
def test_xml_with_unknown_encoding_is_406(client, data, encoding):
    body = f'<?xml version="1.0" encoding="{encoding}"?><a><title>x</title></a>'.encode()
    before = Article.objects.count()
    response = client.post(
        "/api/entity_article.json", body, content_type="application/xml", **basic(data.staff)
    )
    assert response.status_code == 406
    assert reason(response).startswith("Not Acceptable : Line 1, Col 1: Unsupported encoding")
    assert Article.objects.count() == before


# -- operators on boolean fields -------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("parameters[status][in]=0", ["Gamma river"]),
        ("parameters[status][in]=1", ["Alpha river", "Beta mountain", "Delta city"]),
        (
            "parameters[status][in]=0,1",
            ["Alpha river", "Beta mountain", "Delta city", "Gamma river"],
        ),
        ("parameters[status][in][]=false", ["Gamma river"]),
        ("parameters[status]=0,1", ["Alpha river", "Beta mountain", "Delta city", "Gamma river"]),
        ("parameters[sticky][in]=1", ["Beta mountain"]),
    ],
)
@pytest.mark.parametrize("prefix", ["/api/entity_article.json?", "/rest/entity_article/?"])
def test_in_on_a_boolean_field(client, data, prefix, query, titles):
    response = client.get(f"{prefix}{query}&fields=title&sort=title", **basic(data.staff))
    assert response.status_code == 200, response.content
    assert [row["title"] for row in response.json()] == titles


@pytest.mark.parametrize("prefix", ["/api/entity_article.json?", "/rest/entity_article/?"])
def test_in_on_a_boolean_field_with_a_bad_value(client, data, prefix):
    response = client.get(f"{prefix}parameters[status][in]=maybe", **basic(data.staff))
    assert response.status_code == 400


# -- property-based: the PHP-bracket parser --------------------------------------------------

QUERY_ALPHABET = st.sampled_from(list("ab[]=&%+.;_ 0129-\x00é١²") + ["%5B", "%5D", "%00", "%ff"])


@BOUNDED
@given(st.one_of(st.lists(QUERY_ALPHABET, max_size=80).map("".join), st.text(max_size=80)))
def test_php_parser_on_any_text(text):
    try:
        parsed = parse_php_query(text)
    except ServicesError as exc:
        assert exc.status == 400 and exc.message
        return
    assert isinstance(parsed, dict)


@BOUNDED
@given(st.binary(max_size=120))
def test_php_parser_on_any_bytes(data):
    try:
        parsed = parse_php_query(data)
    except ServicesError as exc:
        assert exc.status == 400 and exc.message
        return
    assert isinstance(parsed, dict)


# -- property-based: the query grammar -------------------------------------------------------

NAMES = st.sampled_from(
    ["page", "pagesize", "parameters", "fields", "sort", "direction", "cursor", "count",
     "options", "return", "search", "status", "title", "created", "tags", "author", "nid",
     "uid", "in", "gte", "lt", "range", "isnull", "exact", "orderby", "parameters_op", ""]
)  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(["0", "1", "-1", "ASC", "desc", "%", ",", "1,2", "a,,b", "true", "null",
                     HUGE[:40], ARABIC_ONE, SUPERSCRIPT_TWO, "1_0", "2024-01-01", "=", "IN"]),
    st.integers().map(str),
    st.text(max_size=12),
)  # fmt: skip


@st.composite
def queries(draw) -> str:
    pairs = []
    for _ in range(draw(st.integers(0, 5))):
        name = draw(NAMES)
        segments = draw(st.lists(st.one_of(NAMES, st.text(max_size=4)), max_size=4))
        key = name + "".join(f"[{s}]" for s in segments)
        pairs.append(f"{quote(key, safe='[]')}={quote(draw(VALUES))}")
    return "&".join(pairs)


@BOUNDED
@given(query=queries())
def test_entity_query_grammar_raises_only_client_errors(query):
    options = site.get_options(Article)
    try:
        parse_query(vocabulary_for(options), parse_php_query(query), page_size=PageSize(20, 100))
    except (EntityError, ServicesError):
        pass


INDEXES = [
    "/api/entity_article.json",
    "/api/node.json",
    "/api/comment.json",
    "/api/taxonomy_term.json",
    "/api/user.json",
    "/rest/entity_article/",
]


@pytest.mark.parametrize("path", INDEXES)
def test_index_answers_any_query_without_a_5xx(client, data, path):
    auth = basic(data.staff)

    @BOUNDED
    @given(query=queries())
    def check(query):
        response = client.get(f"{path}?{query}", **auth)
        assert response.status_code < 500, (query, response.content[:300])
        if response.status_code >= 400 and not path.startswith("/rest/"):
            assert ":" in reason(response), query

    check()


# -- property-based: every body parser and the write path ------------------------------------

MULTIPART = "multipart/form-data; boundary=BoUnDaRy"
BODY_TYPES = {
    "application/json": st.one_of(
        st.binary(max_size=100),
        st.recursive(
            st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)),
            lambda inner: st.one_of(
                st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
            ),
            max_leaves=8,
        ).map(lambda v: json.dumps(v).encode()),
    ),
    "application/x-www-form-urlencoded": queries().map(str.encode),
    MULTIPART: st.one_of(
        st.binary(max_size=120),
        st.builds(
            lambda name, value: (
                f'--BoUnDaRy\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n--BoUnDaRy--\r\n"
            ).encode(),
            st.text(max_size=12),
            st.text(max_size=12),
        ),
    ),
    "application/xml": st.one_of(
        st.binary(max_size=100),
        st.builds(
            lambda enc, inner: f'<?xml version="1.0" encoding="{enc}"?><a>{inner}</a>'.encode(),
            st.one_of(
                st.sampled_from(["utf-8", "latin-1", "utf-16", "bogus"]), st.text(max_size=8)
            ),
            st.text(max_size=20),
        ),
    ),
}
BODY_TYPES["text/xml"] = BODY_TYPES["application/xml"]


def test_every_parser_is_covered():
    assert {mime.split(";")[0] for mime in BODY_TYPES} == set(PARSERS)


@pytest.mark.parametrize("content_type", list(BODY_TYPES))
def test_body_parser_raises_only_client_errors(content_type):
    mime = content_type.split(";")[0]
    parser = PARSERS[mime]()

    @BOUNDED
    @given(body=BODY_TYPES[content_type])
    def check(body):
        meta = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body))}
        context = {"request": None, "meta": meta, "encoding": "utf-8"}
        try:
            parser.parse(io.BytesIO(body), content_type, context)
        except ServicesError as exc:
            assert 400 <= exc.status < 500 and exc.message

    check()


@pytest.mark.parametrize("content_type", list(BODY_TYPES))
@pytest.mark.parametrize("path", ["/api/entity_article.json", "/api/node.json"])
def test_writes_answer_any_body_without_a_5xx_or_a_partial_write(client, data, path, content_type):
    auth = basic(data.staff)

    @BOUNDED
    @given(body=BODY_TYPES[content_type])
    def check(body):
        before = Article.objects.count()
        response = client.generic("POST", path, body, content_type=content_type, **auth)
        assert response.status_code < 500, (body, response.content[:300])
        if response.status_code >= 400:
            assert ":" in reason(response)
            assert Article.objects.count() == before, "a refused write changed nothing"
        else:
            assert Article.objects.count() == before + 1

    check()


def test_the_viewsets_read_the_query_with_the_one_bracket_parser(rf):
    request = rf.get("/x?parameters[status][in]=0&a[]=1&a[]=2&a[5]=3")
    assert request_query(request) == parse_php_query(request.META["QUERY_STRING"])
    assert request_query(request) == {
        "parameters": {"status": {"in": "0"}},
        "a": {"0": "1", "1": "2", "5": "3"},
    }
