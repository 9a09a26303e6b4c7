"""The public DRF viewsets routed at ``/rest/`` in the demo use DRF's own hooks over the one
query grammar: ``GrammarFilterBackend`` (filters, schema parameters, the browsable Filters
form) and ``GrammarPagination`` (``values()`` pages with ``Link`` headers)."""

import pytest

from entity_resources.drf import GrammarFilterBackend, GrammarPagination
from entity_resources.viewsets import viewset_for
from project.demo.models import Article


@pytest.fixture
def articles(django_user_model):
    author = django_user_model.objects.create_user("author", "a@example.com", "pw")
    return [
        Article.objects.create(title=f"T{n}", body="b", author=author, sticky=False)
        for n in range(5)
    ]


def test_the_viewset_uses_drfs_hooks():
    viewset = viewset_for(Article)
    assert viewset.filter_backends == [GrammarFilterBackend]
    assert viewset.pagination_class is GrammarPagination


def test_pages_with_link_headers(client, articles):
    response = client.get("/rest/entity_article/?pagesize=2&sort=id")
    assert response.status_code == 200
    assert [row["title"] for row in response.json()] == ["T0", "T1"]
    assert response["Link"] == (
        '<http://testserver/rest/entity_article/?page=1&pagesize=2&sort=id>; rel="next"'
    )
    second = client.get("/rest/entity_article/?pagesize=2&sort=id&page=1")
    assert [row["title"] for row in second.json()] == ["T2", "T3"]
    assert 'rel="next"' in second["Link"]
    assert (
        '<http://testserver/rest/entity_article/?pagesize=2&sort=id>; rel="prev"'
        in (second["Link"])
    )
    last = client.get("/rest/entity_article/?pagesize=2&sort=id&page=2")
    assert [row["title"] for row in last.json()] == ["T4"]
    assert 'rel="next"' not in last["Link"]


def test_keyset_pages_follow_the_cursor(client, articles):
    first = client.get("/rest/entity_article/?pagesize=3&cursor=")
    assert len(first.json()) == 3
    next_url = first["Link"].split(">")[0].lstrip("<")
    rest = client.get(next_url)
    assert len(rest.json()) == 2
    assert "Link" not in rest
    titles = {row["title"] for row in first.json() + rest.json()}
    assert titles == {f"T{n}" for n in range(5)}


def test_filters_and_bad_parameters(client, articles):
    response = client.get("/rest/entity_article/?parameters[title]=T1,T3&sort=title")
    assert [row["title"] for row in response.json()] == ["T1", "T3"]
    bad = client.get("/rest/entity_article/?parameters[nope]=1")
    assert bad.status_code == 406
    assert "nope" in bad.json()["detail"]
    assert client.get("/rest/entity_article/?pagesize=-5").status_code == 400


def test_one_query_for_a_filtered_page(client, articles, django_assert_max_num_queries):
    client.get("/rest/entity_article/?pagesize=2")  # warm caches (registry, plans)
    # A filtered page of entity_article: rows, the tags m2m of the page, nothing per row.
    with django_assert_max_num_queries(2):
        response = client.get("/rest/entity_article/?pagesize=5&parameters[status]=1")
    assert len(response.json()) == 5


def test_browsable_filters_button(client, articles):
    html = client.get("/rest/entity_article/?format=api").content.decode()
    assert "HTTP 200 OK" in html
    assert 'data-target="#filtersModal"' in html and 'id="filtersModal"' in html
    assert 'name="parameters[title]"' in html


def test_schema_parameters_from_the_grammar():
    view = viewset_for(Article)()
    names = [p["name"] for p in GrammarFilterBackend().get_schema_operation_parameters(view)]
    assert {"parameters", "options[parameters_op][title]", "sort", "fields"} <= set(names)
    paging = [p["name"] for p in GrammarPagination().get_schema_operation_parameters(view)]
    assert paging == ["page", "pagesize", "cursor"]
