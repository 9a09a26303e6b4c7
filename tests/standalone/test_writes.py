"""Writes through the viewsets: the write serializer generated from the registration (only
writable fields change), atomic single and bulk writes, bad input as a 4xx with nothing
written, object access, and the ``get_serializer_class`` hook."""

from __future__ import annotations

import pytest

from entity_resources import site
from entity_resources.exceptions import InvalidData, TooManyItems
from entity_resources.schema import schema_for
from entity_resources.writing import create_entities, serializer_for, update_entities
from tests.standalone.shelf.models import Book, Label

BOOKS = "/rest/entity_book/"


@pytest.fixture
def as_editor(client, editor):
    client.force_login(editor)
    return client


def post(client, url, payload):
    return client.post(url, payload, content_type="application/json")


def patch(client, url, payload):
    return client.patch(url, payload, content_type="application/json")


def test_create_answers_201_with_the_saved_row(as_editor, shelf):
    payload = {"title": "Delta", "pages": 12, "writer": shelf.bob.pk, "labels": [shelf.prose.pk]}
    response = post(as_editor, BOOKS, payload)
    assert response.status_code == 201, response.content
    row = response.json()
    book = Book.objects.get(pk=row["id"])
    assert (book.title, book.pages, book.writer, list(book.labels.all())) == (
        "Delta",
        12,
        shelf.bob,
        [shelf.prose],
    )
    assert row["labels"] == [shelf.prose.pk] and row["writer"] == shelf.bob.pk


def test_references_as_objects_with_an_id(as_editor, shelf):
    payload = {"title": "Refs", "writer": {"id": shelf.ann.pk}, "labels": [{"id": shelf.poetry.pk}]}
    response = post(as_editor, BOOKS, payload)
    assert response.status_code == 201, response.content
    assert Book.objects.get(title="Refs").labels.get() == shelf.poetry
    response = post(as_editor, BOOKS, {"title": "NoId", "writer": {"uri": "x"}})
    assert response.status_code == 406
    assert response.json()["form_errors"]["writer"] == ["A reference object needs an id."]


def test_posting_read_only_fields_does_not_change_them(as_editor, shelf):
    """``isbn`` (read_only_fields), the pk and a non-editable uuid are never mass-assigned;
    sending them back, as a client that retrieved the row would, is accepted and ignored."""
    response = post(
        as_editor,
        BOOKS,
        {"title": "Epsilon", "writer": shelf.ann.pk, "isbn": "999", "id": 12345},
    )
    assert response.status_code == 201, response.content
    book = Book.objects.get(title="Epsilon")
    assert book.isbn == "" and book.pk != 12345
    alpha = shelf.books[0]
    response = patch(as_editor, f"{BOOKS}{alpha.pk}/", {"isbn": "000", "title": "Alpha 2"})
    assert response.status_code == 200, response.content
    alpha.refresh_from_db()
    assert (alpha.isbn, alpha.title) == ("111", "Alpha 2")
    assert response.json()["isbn"] == "111"


def test_a_non_editable_uuid_is_read_only(client, shelf, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("labeller")
    user.user_permissions.set(Permission.objects.filter(codename__in=["add_label", "change_label"]))
    client.force_login(user)
    before = shelf.poetry.uuid
    response = patch(client, f"/rest/labels/{shelf.poetry.pk}/", {"uuid": str(shelf.prose.uuid)})
    assert response.status_code == 200, response.content
    shelf.poetry.refresh_from_db()
    assert shelf.poetry.uuid == before


def test_privileged_fields_are_refused(as_editor, shelf):
    """``secret`` is not exposed: a body naming it is a 406 and nothing is written."""
    response = post(as_editor, BOOKS, {"title": "Zeta", "writer": shelf.ann.pk, "secret": "x"})
    assert response.status_code == 406
    assert response.json() == {"detail": "Unknown data properties: secret."}
    assert not Book.objects.filter(title="Zeta").exists()
    alpha = shelf.books[0]
    response = patch(as_editor, f"{BOOKS}{alpha.pk}/", {"secret": "x", "title": "Changed"})
    assert response.status_code == 406
    alpha.refresh_from_db()
    assert (alpha.secret, alpha.title) == ("", "Alpha")


def test_the_serializer_is_generated_from_the_column_schema():
    """The serializer's writable fields are exactly the schema's ``writable`` columns."""
    options = site.get_options(Book)
    serializer = serializer_for(options)()
    writable = sorted(name for name, f in serializer.fields.items() if not f.read_only)
    assert writable == ["created", "labels", "pages", "published", "title", "writer"]
    columns = schema_for(options).columns
    assert writable == sorted(name for name, column in columns.items() if column.writable)
    assert list(serializer.fields) == list(columns) == options.exposed_fields()
    assert serializer_for(options) is serializer_for(options)  # generated once
    label_fields = serializer_for(site.get_options(Label))().fields
    assert label_fields["uuid"].read_only and not label_fields["name"].read_only


@pytest.mark.parametrize(
    ("payload", "status", "key"),
    [
        ({"title": "", "writer": "ANN"}, 406, "title"),
        ({"title": "No writer"}, 406, "writer"),
        ({"title": "Bad writer", "writer": 10**9}, 406, "writer"),
        ({"title": "Bad label", "writer": "ANN", "labels": [10**9]}, 406, "labels"),
        ({"title": "Bad pages", "writer": "ANN", "pages": -3}, 406, "pages"),
        ({"title": "Bad pages", "writer": "ANN", "pages": "many"}, 406, "pages"),
        ({"title": "Bad date", "writer": "ANN", "created": "yesterday"}, 406, "created"),
    ],
)
def test_invalid_bodies_are_406_form_errors_and_write_nothing(
    as_editor, shelf, payload, status, key
):
    payload = {k: shelf.ann.pk if v == "ANN" else v for k, v in payload.items()}
    before = Book.objects.count()
    response = post(as_editor, BOOKS, payload)
    assert response.status_code == status, response.content
    assert list(response.json()["form_errors"]) == [key]
    assert Book.objects.count() == before


@pytest.mark.parametrize("payload", [[], "text", 3, [1, 2]])
def test_bodies_of_the_wrong_shape_are_4xx(as_editor, shelf, payload):
    before = Book.objects.count()
    response = post(as_editor, BOOKS, payload)
    assert 400 <= response.status_code < 500, response.content
    assert Book.objects.count() == before


def test_a_bulk_create_writes_every_row_or_none(as_editor, shelf):
    before = Book.objects.count()
    rows = [
        {"title": "B1", "writer": shelf.ann.pk},
        {"title": "B2", "writer": 10**9},
        {"title": "B3", "writer": shelf.ann.pk, "secret": "x"},
    ]
    response = post(as_editor, BOOKS, rows)
    assert response.status_code == 406
    errors = response.json()["form_errors"]
    assert set(errors) == {"1", "2"} and "writer" in errors["1"]
    assert Book.objects.count() == before
    response = post(as_editor, BOOKS, [rows[0], {"title": "B2", "writer": shelf.bob.pk}])
    assert response.status_code == 201
    assert [row["title"] for row in response.json()] == ["B1", "B2"]
    assert Book.objects.count() == before + 2


def test_bulk_size_is_limited_before_anything_is_read(rf, shelf, editor):
    request = rf.post("/")
    request.user = editor
    options = site.get_options(Book)
    rows = [{"title": f"T{i}", "writer": shelf.ann.pk} for i in range(3)]
    with pytest.raises(TooManyItems) as caught:
        create_entities(options, request, rows, max_items=2)
    assert caught.value.status_code == 413
    assert str(caught.value) == "Too many entities: at most 2 per request."
    assert not Book.objects.filter(title__startswith="T").exists()


def test_a_bulk_update_is_all_or_nothing(rf, shelf, editor):
    request = rf.put("/")
    request.user = editor
    options = site.get_options(Book)
    alpha, beta = shelf.books[0], shelf.books[1]
    with pytest.raises(InvalidData) as caught:
        update_entities(
            options, request, [{"id": alpha.pk, "title": "A2"}, {"id": beta.pk, "pages": -1}]
        )
    assert caught.value.status_code == 406
    assert "item 1, field pages" in str(caught.value)
    alpha.refresh_from_db()
    assert alpha.title == "Alpha"
    assert update_entities(options, request, [{"id": alpha.pk, "title": "A2"}]) == [alpha.pk]
    alpha.refresh_from_db()
    assert alpha.title == "A2"


def test_update_of_another_pk_is_refused(as_editor, shelf):
    alpha = shelf.books[0]
    response = patch(as_editor, f"{BOOKS}{alpha.pk}/", {"id": shelf.books[1].pk, "title": "X"})
    assert response.status_code == 406
    assert response.json()["detail"].startswith("Invalid Entity Identifier.")
    alpha.refresh_from_db()
    assert alpha.title == "Alpha"


def test_put_needs_the_required_fields_patch_does_not(as_editor, shelf):
    url = f"{BOOKS}{shelf.books[0].pk}/"
    response = as_editor.put(url, {"title": "Put"}, content_type="application/json")
    assert response.status_code == 406 and "writer" in response.json()["form_errors"]
    response = as_editor.put(
        url, {"title": "Put", "writer": shelf.bob.pk}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["writer"] == shelf.bob.pk


def test_object_access_refuses_before_writing(as_editor, shelf):
    response = post(as_editor, BOOKS, {"title": "Forbidden", "writer": shelf.ann.pk})
    assert response.status_code == 403
    assert response.json() == {"detail": "Access denied for operation create"}
    assert not Book.objects.filter(title="Forbidden").exists()
    alpha = shelf.books[0]
    Book.objects.filter(pk=alpha.pk).update(title="Forbidden")
    assert patch(as_editor, f"{BOOKS}{alpha.pk}/", {"pages": 1}).status_code == 403
    assert as_editor.delete(f"{BOOKS}{alpha.pk}/").status_code == 403
    alpha.refresh_from_db()
    assert alpha.pages == 100


def test_delete(as_editor, shelf):
    beta = shelf.books[1]
    assert as_editor.delete(f"{BOOKS}{beta.pk}/").status_code == 204
    assert not Book.objects.filter(pk=beta.pk).exists()
    assert as_editor.delete(f"{BOOKS}{beta.pk}/").status_code == 404


def test_writes_go_through_get_serializer_class(as_editor, shelf):
    """A subclass's serializer is the one that validates and saves (title upper-cased,
    ``pages`` read-only there)."""
    response = post(
        as_editor, "/rest/shouting_book/", {"title": "loud", "pages": 77, "writer": shelf.ann.pk}
    )
    assert response.status_code == 201, response.content
    book = Book.objects.get(pk=response.json()["id"])
    assert (book.title, book.pages) == ("LOUD", 0)
    response = patch(as_editor, f"/rest/shouting_book/{book.pk}/", {"title": "again", "pages": 5})
    assert response.status_code == 200
    book.refresh_from_db()
    assert (book.title, book.pages) == ("AGAIN", 0)


def test_labels_create(client, shelf, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("labeller")
    user.user_permissions.set(Permission.objects.filter(codename="add_label"))
    client.force_login(user)
    response = post(client, "/rest/labels/", {"name": "drama", "uuid": "not-even-a-uuid"})
    assert response.status_code == 201, response.content
    label = Label.objects.get(name="drama")
    assert response.json()["uuid"] == str(label.uuid)
