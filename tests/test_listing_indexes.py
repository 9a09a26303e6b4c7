"""``entity_resources.W003``: every order a registration lists by has an index serving it.

Runs on SQLite and PostgreSQL (the suite runs on both); where the answer depends on the
database (SQLite's rowid ends every index), the test says which.
"""

from django.core import checks
from django.db import connection

from entity_resources.checks import check_listing_indexes
from entity_resources.indexes import (
    KnownIndex,
    known_indexes,
    listed_orderings,
    listing_filters,
    serves,
    unserved_orderings,
)
from entity_resources.options import ResourceOptions
from entity_resources.registry import site
from project.demo.models import Article, Comment, Contact, Enrollment, Tag, Vocabulary
from services_api.drupal import core_site
from tests.testapp.models import Widget


def test_demo_registrations_are_served_by_indexes():
    for model in (Article, Comment, Tag, Vocabulary, Enrollment):
        assert unserved_orderings(site.get_options(model)) == [], model
    demo = [m for m in check_listing_indexes() if m.obj is not Widget]
    assert demo == []


def test_unindexed_sort_field_warns_with_the_index_line_to_add():
    messages = [m for m in check_listing_indexes() if m.obj is Widget]
    assert len(messages) == 1
    warning = messages[0]
    assert isinstance(warning, checks.Warning)
    assert warning.id == "entity_resources.W003"
    assert "sort_fields entry 'size' (order size, id)" in warning.msg
    assert f"entity_widget' has no index that can serve it on {connection.vendor}" in warning.msg
    assert warning.hint == (
        'Add to Widget.Meta.indexes: models.Index(fields=["size", "id"], '
        'name="testapp_wid_size_3abf57_idx")'
    )
    assert "entity_resources.W003" in {m.id for m in checks.run_checks()}


def test_default_ordering_without_index_warns():
    # Article without the listing indexes' order: -changed, title (mixed directions).
    options = ResourceOptions(Article, ordering=["-changed", "title"])
    [unserved] = unserved_orderings(options)
    assert unserved.source == "default ordering"
    assert unserved.ordering == ("-changed", "title", "id")
    # Stored with the first key ascending; the database reads it backwards.
    assert unserved.suggestion.fields == ["changed", "-title", "-id"]


def test_index_without_the_pk_serves_only_where_the_pk_is_the_rowid():
    # Widget.owner is a foreign key: indexed alone. Ordering by it needs (owner, id) on
    # PostgreSQL; on SQLite every index ends with the integer pk (rowid), ascending.
    ascending = ResourceOptions(Widget, ordering=["owner_id"])
    descending = ResourceOptions(Widget, ordering=["-owner_id"])
    if connection.vendor == "sqlite":
        assert unserved_orderings(ascending) == []
        assert unserved_orderings(descending) == []  # read backwards: -owner, -id
    else:
        [unserved] = unserved_orderings(ascending)
        assert unserved.suggestion.fields == ["owner", "id"]
        assert len(unserved_orderings(descending)) == 1
    # A mixed direction cannot come from a single-column index anywhere.
    mixed = ResourceOptions(Widget, ordering=["-owner_id", "id"])
    assert len(unserved_orderings(mixed)) == 1


def test_orderings_through_relations_cannot_be_served():
    [by_join] = unserved_orderings(ResourceOptions(Tag, ordering=["-vocabulary"]))
    assert by_join.suggestion is None
    assert "demo.Vocabulary's Meta.ordering" in by_join.reason
    assert "'vocabulary_id'" in by_join.reason
    options = ResourceOptions(Article, sort_fields=["author.username"])
    [through] = unserved_orderings(options)
    assert through.suggestion is None and "relation" in through.reason


def test_anonymous_filter_and_partial_indexes():
    options = site.get_options(Article)
    # The hook's filter for anonymous visitors (published) and none for signed-in users.
    assert listing_filters(options) == [frozenset({("status", True)}), frozenset()]
    partial = next(i for i in known_indexes(Article) if i.condition)
    ordering = [("sticky", True), ("created", True), ("id", True)]
    vendor = connection.vendor
    assert serves(partial, ordering, frozenset({("status", True)}), Article, vendor)
    assert not serves(partial, ordering, frozenset(), Article, vendor)
    # Columns pinned by an equality filter may lead the index.
    led = KnownIndex((("status", False), ("created", False), ("id", False)))
    created = [("created", False), ("id", False)]
    assert serves(led, created, frozenset({("status", True)}), Article, vendor)
    assert not serves(led, created, frozenset(), Article, vendor)


def test_contact_search_columns_are_indexed():
    columns = {index.columns for index in known_indexes(Contact)}
    for name in ("contact_type", "country"):
        assert ((name, False), ("id", False)) in columns
    for name in ("first_name", "last_name", "email", "phone", "city"):
        assert ((name, False),) in columns


def test_core_style_orderings_are_checked_through_the_hook():
    """services_api adds its core-style index orders with ``add_ordering_source``."""
    orders = dict(listed_orderings(site.get_options(Tag)))
    core = orders["'taxonomy_term' core-style ordering"]
    assert core == ["-vocabulary_id", "-weight", "-name", "-id"]
    core_site.register(Widget, name="widget", id_key="wid", ordering=["-name"])
    try:
        messages = [m.msg for m in check_listing_indexes() if m.obj is Widget]
    finally:
        core_site.unregister(Widget)
    assert any("'widget' core-style ordering (order -name, -id)" in m for m in messages)
    assert not any("core-style" in m.msg for m in check_listing_indexes())
