"""The column schema of the shelf registrations (``entity_resources.schema_for``): what each
exposed field is, how it filters, sorts and converts, whether bodies may set it."""

from __future__ import annotations

from entity_resources import schema_for, site
from entity_resources.filtering import vocabulary_for
from entity_resources.schema import COLUMN, FOREIGN_KEY, MANY_TO_MANY
from tests.standalone.shelf.models import Book, Label, Writer


def test_book_columns():
    schema = schema_for(site.get_options(Book))
    columns = schema.columns
    assert list(columns) == [
        "id",
        "title",
        "pages",
        "published",
        "created",
        "isbn",
        "writer",
        "labels",
    ]  # ``secret`` is excluded
    writer, labels = columns["writer"], columns["labels"]
    assert (writer.kind, writer.attname, writer.related_model) == (FOREIGN_KEY, "writer_id", Writer)
    assert (labels.kind, labels.attname, labels.related_model) == (MANY_TO_MANY, "", Label)
    assert (columns["created"].kind, columns["created"].value_kind) == (COLUMN, "datetime")
    assert columns["pages"].lookups == {"exact", "in", "gt", "gte", "lt", "lte", "range"}
    assert columns["title"].lookups == {"exact", "in", "icontains", "startswith"}
    assert columns["isbn"].lookups == frozenset()  # not a filter
    assert [n for n, c in columns.items() if c.sortable] == ["title", "pages", "created"]
    assert [n for n, c in columns.items() if c.writable] == [
        "title",
        "pages",
        "published",
        "created",
        "writer",
        "labels",
    ]
    assert schema.pk is columns["id"] and not schema.pk.writable
    assert columns["title"].text and not columns["pages"].text
    assert schema.ordering == ("-created", "-id")


def test_the_vocabulary_is_the_schemas():
    schema = schema_for(site.get_options(Book))
    assert vocabulary_for(schema.options) is schema.vocabulary
    assert set(schema.vocabulary.filters) == {
        "title",
        "pages",
        "created",
        "published",
        "writer",
        "writer__name",
        "labels",
    }
    assert schema.vocabulary.filters["labels"].multi
    assert not schema.vocabulary.filters["writer__name"].multi
    assert schema.vocabulary.search == ("title",)


def test_a_uuid_column_converts_and_is_not_writable():
    columns = schema_for(site.get_options(Label)).columns
    assert (columns["uuid"].value_kind, columns["uuid"].writable) == ("uuid", False)
    assert columns["name"].writable
