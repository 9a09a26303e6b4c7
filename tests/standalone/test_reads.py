"""Reads: ``values()`` rows from the viewsets and the read functions, the processors, row
visibility (``queryset_hook``), permissions, and the number of queries."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from entity_resources import site
from entity_resources.exceptions import EntityNotFound
from entity_resources.listing import build_listing
from entity_resources.plan import RenderContext
from entity_resources.query import retrieve_row, rows_by_pk
from tests.standalone.shelf.models import Book, Label

BOOKS = "/rest/entity_book/"


def anonymous():
    return SimpleNamespace(user=AnonymousUser())


def test_retrieve_a_row_with_its_references(client, shelf):
    beta = shelf.books[1]
    row = client.get(f"{BOOKS}{beta.pk}/").json()
    assert row == {
        "id": beta.pk,
        "title": "Beta",
        "pages": 250,
        "published": True,
        "created": "2024-01-02T12:00:00+00:00",
        "isbn": "",
        "writer": shelf.ann.pk,
        "labels": [shelf.poetry.pk, shelf.prose.pk],
    }


def test_the_clean_processor_gives_references_with_uri_and_uuid(client, shelf):
    beta = shelf.books[1]
    row = client.get(f"/rest/clean_book/{beta.pk}/").json()
    assert row["created"] == "2024-01-02T12:00:00Z"
    assert row["writer"] == {
        "uri": f"http://testserver/rest/entity_writer/{shelf.ann.pk}/",
        "id": shelf.ann.pk,
        "resource": "entity_writer",
    }
    assert row["labels"] == [
        {
            "uri": f"http://testserver/rest/labels/{label.pk}/",
            "id": label.pk,
            "resource": "labels",
            "uuid": str(label.uuid),
        }
        for label in (shelf.poetry, shelf.prose)
    ]


def test_a_uuid_column_renders_as_text(client, shelf):
    by_name = {row["name"]: row for row in client.get("/rest/labels/").json()}
    assert by_name["poetry"]["uuid"] == str(shelf.poetry.uuid)


def test_rows_the_hook_hides_are_404_to_anonymous_and_visible_when_signed_in(client, shelf, reader):
    hidden = shelf.books[3]
    assert client.get(f"{BOOKS}{hidden.pk}/").status_code == 404
    assert "Hidden" not in [row["title"] for row in client.get(BOOKS).json()]
    client.force_login(reader)  # anonymous_read: any signed-in user reads; the hook shows all
    assert client.get(f"{BOOKS}{hidden.pk}/").json()["title"] == "Hidden"


@pytest.mark.parametrize("pk", ["999999", "abc", "-1", "99999999999999999999999"])
def test_missing_or_malformed_ids_are_404(client, shelf, pk):
    response = client.get(f"{BOOKS}{pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Entity or revision not found"}


def test_read_functions_without_a_server(shelf):
    """The viewsets' read functions, called directly, give the same rows."""
    options = site.get_options(Book)
    context = RenderContext()
    request = anonymous()
    beta = shelf.books[1]
    assert retrieve_row(options, beta.pk, request, context, query={"fields": "title"}) == {
        "title": "Beta"
    }
    with pytest.raises(EntityNotFound):
        retrieve_row(options, shelf.books[3].pk, request, context)
    rows = rows_by_pk(options, [shelf.books[0].pk, beta.pk], context)
    assert [row["title"] for row in rows] == ["Alpha", "Beta"]
    listing = build_listing(
        options, {"pagesize": "2", "sort": "title"}, request, context, count_mode="exact"
    )
    assert [row["title"] for row in listing.rows] == ["Alpha", "Beta"]
    assert (listing.total, listing.has_next, listing.page, listing.page_size) == (3, True, 0, 2)


def test_index_reads_a_page_in_a_bounded_number_of_queries(
    client, shelf, django_assert_max_num_queries
):
    """One query for the rows and one for every many-to-many column, whatever the page size."""
    for i in range(30):
        book = Book.objects.create(title=f"More {i}", writer=shelf.ann)
        book.labels.set([shelf.poetry, shelf.prose])
    with django_assert_max_num_queries(2):
        rows = client.get(f"{BOOKS}?pagesize=25").json()
    assert len(rows) == 25 and all(len(row["labels"]) == 2 for row in rows)
    with django_assert_max_num_queries(1):
        assert len(client.get(f"{BOOKS}?pagesize=25&fields=id,title").json()) == 25
    with django_assert_max_num_queries(2):
        assert len(client.get("/rest/clean_book/?pagesize=3").json()) == 3


def test_retrieve_in_a_bounded_number_of_queries(client, shelf, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert client.get(f"{BOOKS}{shelf.books[1].pk}/").status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get(f"/rest/labels/{shelf.poetry.pk}/").status_code == 200


# -- permissions --------------------------------------------------------------------------------


def test_anonymous_may_read_but_not_write(client, shelf):
    assert client.get(BOOKS).status_code == 200
    response = client.post(BOOKS, {"title": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert client.delete(f"{BOOKS}{shelf.books[0].pk}/").status_code == 403
    assert Book.objects.filter(pk=shelf.books[0].pk).exists()


def test_a_user_without_permissions_may_not_write(client, shelf, reader):
    client.force_login(reader)
    response = client.post(
        BOOKS, {"title": "x", "writer": shelf.ann.pk}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Book.objects.filter(title="x").exists()


def test_reading_needs_the_view_permission_without_anonymous_read(
    client, shelf, reader, django_user_model, settings
):
    """Registered without ``anonymous_read``: reads need ``view_label`` (or ``change_label``)."""
    from django.contrib.auth.models import Permission

    options = site.get_options(Label)
    options.anonymous_read = False
    try:
        assert client.get("/rest/labels/").status_code == 403
        client.force_login(reader)
        assert client.get("/rest/labels/").status_code == 403
        reader.user_permissions.add(Permission.objects.get(codename="view_label"))
        reader = django_user_model.objects.get(pk=reader.pk)  # fresh permission cache
        client.force_login(reader)
        assert client.get("/rest/labels/").status_code == 200
    finally:
        options.anonymous_read = True


def test_permission_classes_replace_the_default(client, shelf):
    from rest_framework.permissions import AllowAny

    options = site.get_options(Label)
    options.permission_classes = [AllowAny]
    try:
        response = client.post("/rest/labels/", {"name": "open"}, content_type="application/json")
        assert response.status_code == 201
    finally:
        options.permission_classes = None
    response = client.post("/rest/labels/", {"name": "shut"}, content_type="application/json")
    assert response.status_code == 403
    assert not Label.objects.filter(name="shut").exists()
