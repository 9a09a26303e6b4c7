"""The one query grammar through the viewsets and directly: filters with operators, sort,
fields, page/pagesize, cursor, counts, and errors that name the parameter."""

from __future__ import annotations

import pytest

from entity_resources import (
    BadParameter,
    InvalidFilter,
    PageSize,
    QueryError,
    UnknownParameter,
    parse_query,
    site,
)
from entity_resources.brackets import parse_php_query
from entity_resources.filtering import vocabulary_for
from tests.standalone.shelf.models import Book

BOOKS = "/rest/entity_book/"


def titles(client, query: str) -> list[str]:
    response = client.get(f"{BOOKS}?{query}")
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Gamma", "Beta", "Alpha"]),  # the default order: -created, anonymous: published
        ("parameters[title]=Beta", ["Beta"]),
        ("parameters[title]=Alpha,Gamma&sort=title", ["Alpha", "Gamma"]),
        ("parameters[title][]=Alpha&parameters[title][]=Beta&sort=title", ["Alpha", "Beta"]),
        ("parameters[title][icontains]=AMM", ["Gamma"]),
        ("parameters[title][startswith]=Be", ["Beta"]),
        ("parameters[pages][gte]=250&sort=pages", ["Beta", "Gamma"]),
        ("parameters[pages][lt]=250", ["Alpha"]),
        ("parameters[pages][range]=100,300&sort=pages", ["Alpha", "Beta"]),
        ("parameters[created][gte]=2024-01-02&sort=created", ["Beta", "Gamma"]),
        ("parameters[writer.name]=Bob", ["Gamma"]),
        ("parameters[writer]={ann}&sort=title", ["Alpha", "Beta"]),
        ("parameters[labels]={prose}", ["Beta"]),
        ("parameters[published]=0", []),
        ("sort=pages&direction=DESC", ["Gamma", "Beta", "Alpha"]),
        ("sort=title", ["Alpha", "Beta", "Gamma"]),
        ("options[orderby][pages]=ASC", ["Alpha", "Beta", "Gamma"]),
        ("search=et", ["Beta"]),
        ("sort=title&pagesize=2&page=1", ["Gamma"]),
        ("sort=title&pagesize=2&page=5", []),
    ],
)
def test_filters_sort_search_and_pages(client, shelf, query, expected):
    ids = {"ann": shelf.ann.pk, "prose": shelf.prose.pk}
    assert titles(client, query.format(**ids)) == expected


def test_a_many_to_many_filter_repeats_no_row(client, shelf):
    query = f"parameters[labels]={shelf.poetry.pk},{shelf.prose.pk}&sort=title"
    assert titles(client, query) == ["Alpha", "Beta"]


def test_fields(client, shelf):
    rows = client.get(f"{BOOKS}?fields=title,pages&sort=title&pagesize=1").json()
    assert rows == [{"title": "Alpha", "pages": 100}]
    rows = client.get(f"{BOOKS}?return[title]=1&sort=title&pagesize=1").json()
    assert rows == [{"title": "Alpha"}]


@pytest.mark.parametrize(
    ("query", "status", "detail"),
    [
        ("parameters[secret]=x", 406, "Parameter secret does not exist"),
        ("parameters[nope]=1", 406, "Parameter nope does not exist"),
        ("fields=title,secret", 406, "Parameter secret does not exist"),
        ("sort=isbn", 406, "Parameter isbn does not exist"),
        ("page=-1", 400, "Invalid value for parameter page: expected a whole number >= 0."),
        ("page=abc", 400, "Invalid value for parameter page: expected a whole number >= 0."),
        ("page=99999999999999999999", 400, "Invalid value for parameter page: expected a whole"),
        ("pagesize=0", 400, "Invalid value for parameter pagesize: expected a whole number >= 1."),
        ("parameters[pages][gte]=many", 400, "Invalid value for parameter parameters[pages]"),
        (
            "parameters[title][gte]=A",
            400,
            "Invalid value for parameter parameters[title][gte]: Unknown operator 'gte' for "
            "parameter title; use one of exact, in, icontains, startswith.",
        ),
        (
            "parameters[created][gte]=yesterday",
            400,
            "Invalid value for parameter parameters[created][gte]: Invalid value 'yesterday'",
        ),
        ("direction=SIDEWAYS&sort=title", 400, "Invalid value for parameter direction"),
        ("cursor=garbage", 400, "Invalid value for parameter cursor"),
        ("cursor=&page=2", 400, "Invalid value for parameter page: cannot be combined with cursor"),
        ("a" + "[x]" * 40 + "=1", 400, "Query string nested too deeply."),
    ],
)
def test_errors_name_the_parameter(client, shelf, query, status, detail):
    response = client.get(f"{BOOKS}?{query}")
    assert response.status_code == status, response.content
    assert response.json()["detail"].startswith(detail)


def test_the_nesting_limit_is_the_entity_resources_setting(client, shelf, settings):
    settings.ENTITY_RESOURCES = {"MAX_NESTING_DEPTH": 3}
    assert client.get(f"{BOOKS}?a[x][y]=1").status_code == 200
    response = client.get(f"{BOOKS}?a[x][y][z]=1")
    assert response.status_code == 400
    assert response.json() == {"detail": "Query string nested too deeply."}
    assert parse_php_query("a[x][y]=1") == {"a": {"x": {"y": "1"}}}


def test_an_empty_page_or_pagesize_is_the_default(client, shelf):
    assert titles(client, "page=&pagesize=") == ["Gamma", "Beta", "Alpha"]


def test_pagesize_above_the_maximum_is_capped(client, shelf):
    """The viewset's ``PageSize``: the subclass allows 3 rows at most, 2 by default."""
    assert len(client.get("/rest/clean_book/").json()) == 2
    assert len(client.get("/rest/clean_book/?pagesize=1000").json()) == 3
    assert len(client.get("/rest/clean_book/?pagesize=99999999999999999999999").json()) == 3


def test_keyset_pages_walk_every_row_once(client, shelf):
    url, seen = f"{BOOKS}?cursor=&pagesize=1&fields=title", []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += [row["title"] for row in response.json()]
        link = response.get("Link")
        url = link[1 : link.index(">")] if link else None
    assert seen == ["Gamma", "Beta", "Alpha"]


def test_page_links(client, shelf):
    response = client.get(f"{BOOKS}?pagesize=1&page=1")
    assert response["Link"] == (
        f'<http://testserver{BOOKS}?page=2&pagesize=1>; rel="next", '
        f'<http://testserver{BOOKS}?pagesize=1>; rel="prev"'
    )
    assert "Link" not in client.get(f"{BOOKS}?pagesize=5")


# -- parse_query, the public function behind every listing -----------------------------------


def spec_of(query: str, **kwargs):
    vocabulary = vocabulary_for(site.get_options(Book))
    return parse_query(vocabulary, parse_php_query(query), **kwargs)


def test_parse_query_gives_one_typed_spec():
    spec = spec_of(
        "parameters[pages][gte]=10&sort=title&direction=DESC&fields=title&page=2&pagesize=5",
        page_size=PageSize(20, 50),
        count="exact",
    )
    assert (spec.page, spec.page_size, spec.offset) == (2, 5, 10)
    assert spec.fields == ["title"]
    assert spec.count == "exact" and spec.cursor is None
    (only,) = spec.filters
    assert (only.parameter, only.column.name, only.lookup, only.values) == (
        "parameters[pages][gte]",
        "pages",
        "gte",
        (10,),
    )
    assert spec.ordering == ["-title", "-id"] and spec.sorted_by_request


@pytest.mark.parametrize(
    ("query", "error", "parameter", "status"),
    [
        ("parameters[nope]=1", UnknownParameter, "nope", 406),
        ("pagesize=-5", BadParameter, "pagesize", 400),
        ("parameters[pages][near]=1", InvalidFilter, "parameters[pages][near]", 400),
        ("parameters[pages][in]=1,x", InvalidFilter, "parameters[pages][in]", 400),
    ],
)
def test_parse_query_errors(query, error, parameter, status):
    with pytest.raises(error) as caught:
        spec_of(query)
    assert isinstance(caught.value, QueryError)
    assert caught.value.parameter == parameter
    assert caught.value.status_code == status


def test_parse_query_counts_and_page_size_policy():
    assert spec_of("pagesize=500", page_size=PageSize(20, 100)).page_size == 100
    assert spec_of("", page_size=PageSize(7, 100)).page_size == 7
    with pytest.raises(ValueError, match="count must be one of exact, estimated, none"):
        spec_of("", count="sometimes")


def test_the_spec_filters_a_queryset(shelf):
    spec = spec_of("parameters[pages][gt]=100&sort=pages")
    assert [b.title for b in spec.apply(Book.objects.all())] == ["Beta", "Gamma"]
    assert [b.title for b in spec_of("parameters[published]=0").apply(Book.objects.all())] == [
        "Hidden"
    ]
