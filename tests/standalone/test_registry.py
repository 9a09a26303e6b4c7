"""Registration and options: the public ``register``/``unregister`` API, validation errors that
name the option and the field at registration time, and the system checks."""

from __future__ import annotations

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

import entity_resources
from entity_resources import AlreadyRegistered, NotRegistered, ResourceOptions, ResourceSite
from tests.standalone.shelf.models import Book, Label, Writer


@pytest.fixture
def site():
    """A registry of its own, so these tests leave the default site alone."""
    return ResourceSite("test")


def test_register_with_keywords_and_read_back(site):
    entity_resources.register(Writer, site=site, fields=["name"], anonymous_read=True)
    options = site.get_options(Writer)
    assert site.is_registered(Writer) and len(site) == 1
    assert options.resource_name == "entity_writer"
    assert options.exposed_fields() == ["name"]
    assert options.anonymous_read is True


def test_register_as_a_decorator_registers_once_with_the_class(site):
    @entity_resources.register(Label, site=site)
    class LabelOptions(ResourceOptions):
        name = "tags"
        exclude = ["uuid"]

    options = site.get_options(Label)
    assert type(options) is LabelOptions
    assert options.resource_name == "tags"
    assert options.exposed_fields() == ["id", "name"]
    assert [o.model for o in site] == [Label]


def test_register_twice_and_unregister_unknown(site):
    entity_resources.register(Writer, site=site)
    with pytest.raises(AlreadyRegistered, match="Writer is already registered"):
        entity_resources.register(Writer, site=site)
    site.unregister(Writer)
    assert not site.is_registered(Writer)
    with pytest.raises(NotRegistered, match="Writer is not registered"):
        site.unregister(Writer)
    with pytest.raises(NotRegistered):
        site.get_options(Writer)


def test_a_resource_name_is_unique(site):
    """A clash is refused when the registration is stored: at the decorator, or for a plain
    call on the registry's next read (``autodiscover()`` reads it once every app's
    ``resources.py`` is imported, so start-up fails)."""
    entity_resources.register(Writer, site=site, name="things")
    entity_resources.register(Label, site=site, name="things")
    with pytest.raises(ImproperlyConfigured, match="'things' of shelf.Label is already used"):
        site.is_registered(Label)
    with pytest.raises(ImproperlyConfigured, match="'things' of shelf.Book is already used"):

        @entity_resources.register(Book, site=site)
        class Things(ResourceOptions):
            name = "things"


def test_version_moves_on_every_change(site):
    before = site.version
    entity_resources.register(Writer, site=site)
    middle = site.version
    site.unregister(Writer)
    assert before < middle < site.version


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fields": ["title", "nope"]}, "option 'fields': shelf.Book has no field 'nope'"),
        ({"exclude": ["nope"]}, "option 'exclude': shelf.Book has no field 'nope'"),
        ({"read_only_fields": ["nope"]}, "option 'read_only_fields'"),
        ({"search_fields": ["nope"]}, "option 'search_fields'"),
        ({"filter_fields": ["writer.nope"]}, "shelf.Writer has no field 'nope' (in 'writer.nope')"),
        ({"filter_fields": ["title.x"]}, "'title' in 'title.x' is not a relation"),
        ({"filter_fields": {"pages": ["gte", "near"]}}, "unknown lookup(s) 'near' for 'pages'"),
        ({"sort_fields": ["nope"]}, "option 'sort_fields'"),
        ({"ordering": ["-nope"]}, "option 'ordering'"),
        ({"processor": "fancy"}, "option 'processor': must be one of generic, clean"),
        ({"relationships": {"x": "nope_set"}}, "no reverse relation 'nope_set'"),
        ({"queryset_hook": 3}, "option 'queryset_hook': must be callable"),
        ({"object_access": "no"}, "option 'object_access': must be callable"),
        ({"colour": "red"}, "Unknown registration option(s) for shelf.Book: colour"),
    ],
)
def test_bad_options_fail_at_registration_naming_option_and_field(site, options, message):
    with pytest.raises(ImproperlyConfigured) as caught:
        entity_resources.register(Book, site=site, **options)
    assert message in str(caught.value)
    assert not site.is_registered(Book)


def test_a_bad_options_class_fails_when_decorating(site):
    with pytest.raises(ImproperlyConfigured, match="option 'sort_fields'"):

        @entity_resources.register(Book, site=site)
        class BadBook(ResourceOptions):
            sort_fields = ["nope"]

    assert not site.is_registered(Book)


def test_only_options_classes_may_be_decorated(site):
    with pytest.raises(ValueError, match="must subclass ResourceOptions"):
        entity_resources.register(Book, site=site)(object)


def test_abstract_models_are_refused(site):
    from django.db import models

    class Abstract(models.Model):
        class Meta:
            abstract = True
            app_label = "shelf"

    with pytest.raises(ImproperlyConfigured, match="abstract"):
        site.register(Abstract)


def test_filter_lookups_always_allow_exact_and_in():
    options = entity_resources.site.get_options(Book)
    lookups = options.filter_lookups()
    assert lookups["pages"] == ["exact", "in", "gt", "gte", "lt", "lte", "range"]
    assert lookups["writer__name"] == ["exact", "in"]


def test_default_ordering_is_total():
    assert entity_resources.site.get_options(Book).default_ordering() == ["-created", "-id"]
    assert entity_resources.site.get_options(Writer).default_ordering() == ["name", "id"]


# -- system checks ----------------------------------------------------------------------------


def run_checks() -> list[checks.CheckMessage]:
    return [m for m in checks.run_checks() if m.id and m.id.startswith("entity_resources.")]


def test_an_empty_site_of_its_own_is_used(site):
    """``register(..., site=)`` with an empty (falsy) site registers there, not by default."""
    entity_resources.register(Writer, site=site, name="own")
    assert site.get_options(Writer).resource_name == "own"
    assert entity_resources.site.get_options(Writer).resource_name == "entity_writer"


def test_checks_name_the_sort_without_an_index(db):
    """W003: ``pages`` is sortable but no index serves ``pages, id``; ``title`` has one."""
    messages = run_checks()
    assert [m.id for m in messages] == ["entity_resources.W003"]
    assert "'pages' (order pages, id) of entity resource 'entity_book'" in messages[0].msg
    assert "Meta.indexes" in messages[0].hint and "pages" in messages[0].hint


def test_checks_name_unmanaged_models_and_unregistered_relationship_targets(db):
    from django.db import models

    class Shadow(models.Model):
        writer = models.ForeignKey(Writer, on_delete=models.CASCADE, related_name="shadows")

        class Meta:
            managed = False
            app_label = "shelf"

    entity_resources.register(Shadow)
    entity_resources.register(Writer.__mro__[0], site=ResourceSite("x"))  # another site only
    options = entity_resources.site.get_options(Writer)
    options.relationships = {"shadows": "shadows"}
    try:
        found = {(m.id, m.obj) for m in run_checks()}
        assert ("entity_resources.W001", Shadow) in found
        assert ("entity_resources.W002", Writer) not in found  # Shadow is registered
        entity_resources.unregister(Shadow)
        found = {(m.id, m.obj) for m in run_checks()}
        assert ("entity_resources.W002", Writer) in found
    finally:
        options.relationships = None
        if entity_resources.is_registered(Shadow):
            entity_resources.unregister(Shadow)
    assert {m.id for m in run_checks()} == {"entity_resources.W003"}
