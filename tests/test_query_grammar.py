"""One query grammar: the same parameter gets the same answer on ``node``, ``user``,
``entity_article`` and the DRF viewset (docs/query.md).

Where Drupal's two index families word an error differently (spec §9 "Invalid query provided"
for core resources, §10 "Parameter p does not exist" for Services Entity) the status is the same
and the message names the parameter on every resource.
"""

from __future__ import annotations

import pytest

from entity_resources.exceptions import BadParameter, InvalidFilter
from entity_resources.grammar import (
    PageSize,
    QueryColumn,
    Vocabulary,
    page_number,
    parse_query,
    split_csv,
)
from project.demo.models import Article
from tests.entity_helpers import PASSWORD, basic, body, make_data

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.entity_urls")]

#: resource -> (index URL, a text column filterable with LIKE)
RESOURCES = {
    "node": ("/api/node.json", "title"),
    "user": ("/api/user.json", "name"),
    "entity_article": ("/api/entity_article.json", "title"),
    "viewset": ("/rest/entity_article/", "title"),
}


@pytest.fixture
def data(db, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    return make_data()


def get(client, resource: str, query: str):
    url, _ = RESOURCES[resource]
    return client.get(f"{url}?{query}", **basic("root"))


def message(resource: str, response) -> str:
    """The error message: the Services body (``[message]``, also in the status line), or
    DRF's ``detail``."""
    if resource == "viewset":
        return body(response)["detail"]
    assert response.reason_phrase.endswith(f": {body(response)[0]}")
    return body(response)[0]


BIG_PAGE = str(2**66)

#: (query, status, message of the 400s: identical everywhere)
SAME_ANSWER = [
    (
        f"page={BIG_PAGE}",
        400,
        "Invalid value for parameter page: expected a whole number <= 9223372036854775807.",
    ),
    (f"page={2**60}", 400, "Invalid value for parameter page: too large."),
    ("page=-1", 400, "Invalid value for parameter page: expected a whole number >= 0."),
    ("page=1.5", 400, "Invalid value for parameter page: expected a whole number >= 0."),
    ("page[]=1", 400, "Invalid value for parameter page: expected a whole number >= 0."),
    ("pagesize=0", 400, "Invalid value for parameter pagesize: expected a whole number >= 1."),
    ("pagesize=-5", 400, "Invalid value for parameter pagesize: expected a whole number >= 1."),
    ("pagesize=ten", 400, "Invalid value for parameter pagesize: expected a whole number >= 1."),
    ("direction=up", 400, "Invalid value for parameter direction: expected ASC or DESC."),
    ("fields[]=x", 400, "Invalid value for parameter fields: expected a comma-separated list."),
    (
        "options=x",
        400,
        "Invalid value for parameter options: expected options[orderby] or options[parameters_op].",
    ),
    (
        "options[orderby]=x",
        400,
        "Invalid value for parameter options[orderby]: expected options[orderby][column]=value.",
    ),
    ("page=", 200, None),
    ("pagesize=", 200, None),
    ("page=+0&pagesize=%202", 200, None),
    (f"pagesize={BIG_PAGE}", 200, None),  # silently capped
    ("fields=*", 200, None),
    ("parameters[nope]=1", 406, None),
    ("options[orderby][nope]=asc", 406, None),
    ("sort=nope", 406, None),
    ("fields=nope", 406, None),
]


@pytest.mark.parametrize("resource", list(RESOURCES))
@pytest.mark.parametrize(("query", "status", "text"), SAME_ANSWER)
def test_same_parameter_same_answer(client, data, resource, query, status, text):
    response = get(client, resource, query)
    assert response.status_code == status, (resource, response.content)
    if text is not None:
        assert message(resource, response) == text
    if status == 406:  # each family in its spec's words, naming the parameter
        assert "nope" in message(resource, response)


@pytest.mark.parametrize("resource", list(RESOURCES))
def test_like_with_client_wildcards(client, data, resource):
    """``options[parameters_op][x]=LIKE`` with ``%``/``_`` anywhere in the pattern."""
    _, column = RESOURCES[resource]
    pattern = "%a%e%" if column == "title" else "%a_i%e"  # Alpha river / alice
    query = f"parameters[{column}]={pattern.replace('%', '%25')}"
    response = get(client, resource, f"{query}&options[parameters_op][{column}]=LIKE")
    assert response.status_code == 200, response.content
    values = [row[column] for row in body(response)]
    assert values and all("a" in v.lower() and "e" in v.lower() for v in values)


@pytest.mark.parametrize("resource", list(RESOURCES))
def test_csv_values_keep_spaces(client, data, resource):
    """``parameters[x]=a, b``: Drupal's CSV keeps the space, so `` b`` matches nothing."""
    _, column = RESOURCES[resource]
    first, second = ("Alpha river", "Beta mountain") if column == "title" else ("alice", "bob")
    spaced = get(client, resource, f"parameters[{column}]={first}, {second}&fields={column}")
    tight = get(client, resource, f"parameters[{column}]={first},{second}&fields={column}")
    assert [row[column] for row in body(spaced)] == [first]
    assert sorted(row[column] for row in body(tight)) == [first, second]


def test_page_size_policy(client, data):
    """Core-style resources cap at the default unless the caller is a superuser; entity_* at
    the endpoint's maximum (spec §9, §10)."""
    for i in range(30):
        Article.objects.create(title=f"Extra {i:02d}", author=data.alice)
    anonymous = client.get("/api/node.json?pagesize=100&fields=nid")
    assert len(body(anonymous)) == 20
    assert len(body(get(client, "node", "pagesize=100&fields=nid"))) == 34  # + unpublished
    assert len(body(client.get("/api/entity_article.json?pagesize=100&fields=id"))) == 33


# -- the grammar itself ------------------------------------------------------------------------


def test_split_csv_is_drupals():
    assert split_csv("a,b") == ["a", "b"]
    assert split_csv("a, b") == ["a", " b"]
    assert split_csv('"a,b",c') == ["a,b", "c"]
    assert split_csv("plain") == ["plain"]


@pytest.mark.parametrize("raw", ["-1", "1.5", "x", "١", ["1"], "1" * 41, str(2**53)])
def test_page_number_rejects(raw):
    with pytest.raises(BadParameter, match="parameter page"):
        page_number({"page": raw}, 20)


@pytest.mark.parametrize(("raw", "value"), [("", 0), (None, 0), ("+3", 3), (" 4 ", 4)])
def test_page_number_accepts(raw, value):
    assert page_number({"page": raw}, 20) == value


def test_page_size_caps_silently():
    assert PageSize(20, 100).size(None) == 20
    assert PageSize(20, 100).size(5000) == 100
    assert PageSize(20, 20).size(50) == 20


def test_spec_names_the_parameter():
    title = Article._meta.get_field("title")
    vocabulary = Vocabulary(
        fields=("title",),
        filters={"title": QueryColumn("title", "title", title, frozenset({"exact", "in"}))},
        sorts={},
        ordering=(),
        pk="id",
    )
    spec = parse_query(vocabulary, {"parameters": {"title": "a,b"}, "page": "2"})
    assert spec.page == 2 and spec.ordering == ["id"]
    assert [(f.lookup, f.values) for f in spec.filters] == [("in", ("a", "b"))]
    with pytest.raises(InvalidFilter) as info:
        parse_query(vocabulary, {"parameters": {"title": {"gte": "a"}}})
    assert info.value.parameter == "parameters[title][gte]"
    with pytest.raises(InvalidFilter, match="not allowed"):
        parse_query(
            vocabulary,
            {"parameters": {"title": "a%"}, "options": {"parameters_op": {"title": "LIKE"}}},
        )
