"""The DRF integration: generated viewsets on a router, the grammar's filter backend and
pagination class on DRF's own hooks, schema parameters, the browsable API."""

from __future__ import annotations

from rest_framework import routers

import entity_resources
from entity_resources import site
from entity_resources.drf import GrammarFilterBackend, GrammarPagination
from entity_resources.viewsets import EntityViewSet, register_viewsets, viewset_for
from tests.standalone.shelf.models import Book, Writer

BOOKS = "/rest/entity_book/"


def test_one_viewset_per_registration_and_registry_version():
    first = viewset_for(Book)
    assert issubclass(first, EntityViewSet) and viewset_for(Book) is first
    assert first.entity_options is site.get_options(Book)
    assert first.filter_backends == [GrammarFilterBackend]
    assert first.pagination_class is GrammarPagination


def test_register_viewsets_routes_every_registration():
    router = register_viewsets(routers.SimpleRouter(), prefix="v1/")
    assert sorted(prefix for prefix, _, _ in router.registry) == [
        "v1/entity_book",
        "v1/entity_writer",
        "v1/labels",
    ]


def test_the_router_root_lists_the_resources(client, shelf):
    root = client.get("/rest/").json()
    assert root["entity_book"] == f"http://testserver{BOOKS}"
    assert root["labels"] == "http://testserver/rest/labels/"


def test_a_new_registration_gets_a_new_viewset(shelf):
    before = viewset_for(Writer)
    entity_resources.unregister(Writer)
    try:
        entity_resources.register(Writer, fields=["name"], anonymous_read=True)
        after = viewset_for(Writer)
        assert after is not before and after.entity_options.exposed_fields() == ["name"]
    finally:
        entity_resources.unregister(Writer)
        entity_resources.register(
            Writer, anonymous_read=True, filter_fields=["name"], sort_fields=["name"]
        )


def test_filter_backend_documents_the_grammar():
    view = viewset_for(Book)()
    names = [p["name"] for p in GrammarFilterBackend().get_schema_operation_parameters(view)]
    assert names == [
        "fields",
        "parameters",  # a deepObject: one property per filter, with its lookups
        "options[parameters_op][title]",
        "options[parameters_op][pages]",
        "options[parameters_op][created]",
        "options[parameters_op][published]",
        "options[parameters_op][writer]",
        "options[parameters_op][writer__name]",
        "options[parameters_op][labels]",
        "options[orderby][title]",
        "options[orderby][pages]",
        "options[orderby][created]",
        "sort",
        "direction",
        "search",
    ]
    filters = GrammarFilterBackend().get_schema_operation_parameters(view)[1]["schema"]
    assert list(filters["properties"]) == [
        "title",
        "pages",
        "created",
        "published",
        "writer",
        "writer__name",
        "labels",
    ]
    sort = next(
        p
        for p in GrammarFilterBackend().get_schema_operation_parameters(view)
        if p["name"] == "sort"
    )
    assert sort["schema"]["enum"] == ["title", "pages", "created"]


def test_pagination_documents_page_pagesize_and_cursor():
    view = viewset_for(Book)()
    params = GrammarPagination().get_schema_operation_parameters(view)
    assert [p["name"] for p in params] == ["page", "pagesize", "cursor"]
    assert "default 20, above 100 silently capped" in params[1]["description"]


def test_browsable_api_with_the_filters_form(client, shelf, editor):
    client.force_login(editor)
    response = client.get(f"{BOOKS}?parameters[title]=Beta", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Beta" in page and "Gamma" not in page.split('id="filtersModal"')[0]
    assert 'id="filtersModal"' in page
    assert 'name="parameters[title]" value="Beta"' in page
    assert '<option value="pages">pages</option>' in page


def test_options_describes_the_write_serializer(client, shelf, editor):
    client.force_login(editor)
    actions = client.options(BOOKS).json()["actions"]["POST"]
    assert actions["isbn"]["read_only"] is True and actions["title"]["read_only"] is False
    assert "secret" not in actions


def test_query_errors_are_answered_by_drf(client, shelf):
    response = client.get(f"{BOOKS}?pagesize=abc")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Invalid value for parameter pagesize: expected a whole number >= 1."
    }
