"""The one column schema (``entity_resources.schema``) and the one row builder
(``entity_resources.processors.value_row_builder``), and the Services side derived from them:
the core-style schema renames the entity columns, and the core and user vocabularies and rows
come from the same functions."""

import datetime
import uuid

import pytest

import entity_resources
from entity_resources import OutputColumn, column_vocabulary, schema_for, value_row_builder
from entity_resources.filtering import vocabulary_for
from entity_resources.schema import COLUMN, FOREIGN_KEY, MANY_TO_MANY
from project.demo.models import Article, Tag
from services_api.drupal import core_site
from services_api.drupal.core import core_schema, core_vocabulary
from services_api.drupal.user import index_vocabulary


def test_article_columns_describe_every_exposed_field():
    schema = schema_for(entity_resources.site.get_options(Article))
    columns = schema.columns
    assert list(columns)[:3] == ["id", "uuid", "type"]
    author, tags, created, title = (columns[n] for n in ("author", "tags", "created", "title"))
    assert (author.kind, author.attname, author.related_model._meta.model_name) == (
        FOREIGN_KEY,
        "author_id",
        "user",
    )
    assert (tags.kind, tags.attname, tags.related_model) == (MANY_TO_MANY, "", Tag)
    assert (created.kind, created.value_kind, created.writable) == (COLUMN, "datetime", False)
    assert created.lookups == {"exact", "in", "gte", "gt", "lte", "lt", "range"}
    assert created.sortable and title.sortable and not columns["body"].sortable
    assert title.writable and title.text and not columns["uuid"].writable
    assert columns["uuid"].value_kind == "uuid"
    assert schema.pk is columns["id"] and not schema.pk.writable
    # The registration's vocabulary is the schema's (relation paths included).
    assert vocabulary_for(schema.options) is schema.vocabulary
    assert "author__username" in schema.vocabulary.filters
    assert schema.ordering == ("-sticky", "-created", "-id")


def test_core_schema_renames_the_entity_columns():
    node = core_site.named("node")
    entity = schema_for(node.options)
    core = core_schema(node)
    assert core.columns["nid"].column is entity.pk
    assert core.columns["uid"].column is entity.columns["author"]
    assert core.columns["uid"].attname == "author_id"
    assert "body_format" not in core.columns  # part of the body field array
    assert core.m2m == {"tags": "tags"}
    assert core.writable["uid"] == "author" and "nid" not in core.writable
    vocabulary = core_vocabulary(node)
    assert vocabulary.fields == tuple(core.columns)
    # Filters compare the stored id through the relation (Django drops the join); sorts by it.
    assert vocabulary.filters["uid"].path == "author__id"
    assert vocabulary.sorts["uid"].path == "author_id"
    assert vocabulary.filters["uid"].lookups is None  # any SQL operator
    assert vocabulary.sorts.keys() == vocabulary.filters.keys()


def test_user_vocabulary_comes_from_the_same_columns():
    admin, other = index_vocabulary(True), index_vocabulary(False)
    assert admin.fields == other.fields and "mail" in other.fields
    assert "mail" in admin.filters and "mail" not in other.filters
    assert admin.filters["uid"].path == "id" and admin.filters["created"].path == "date_joined"


def test_column_vocabulary_leaves_out_many_to_many():
    schema = schema_for(entity_resources.site.get_options(Article))
    vocabulary = column_vocabulary(
        {"nid": schema.pk, "tags": schema.columns["tags"]}, ordering=["-id"], pk="id"
    )
    assert list(vocabulary.filters) == ["nid"] and vocabulary.fields == ("nid", "tags")


def test_value_row_builder():
    build = value_row_builder(
        [
            OutputColumn("nid", "id", str, skip_none=True),
            OutputColumn("title", "title"),
            OutputColumn("when", "created", lambda v: v.year, skip_none=True),
            OutputColumn("body", "body", lambda v, f: {"value": v, "format": f}, extra="fmt"),
            OutputColumn("seen", "seen", lambda v: "0" if v is None else "1"),
        ]
    )
    row = {
        "id": 5,
        "title": "T",
        "created": datetime.datetime(2024, 1, 1),
        "body": "x",
        "fmt": "plain",
        "seen": None,
    }
    assert build(row) == {
        "nid": "5",
        "title": "T",
        "when": 2024,
        "body": {"value": "x", "format": "plain"},
        "seen": "0",
    }
    assert build({**row, "created": None, "id": uuid.UUID(int=1)})["when"] is None
    # Generated once per column list.
    same = [OutputColumn("a", "b")]
    assert value_row_builder(same) is value_row_builder(list(same))


@pytest.mark.parametrize("key", ["a'b", 'x"]; import os; y = ["'])
def test_value_row_builder_keys_are_data_not_code(key):
    assert value_row_builder([OutputColumn(key, key)])({key: 1}) == {key: 1}
