"""The model registry: register, decorator, duplicates, unregister, autodiscover, validation."""

import pytest
from django.core.exceptions import ImproperlyConfigured

import entity_resources
from entity_resources import (
    AlreadyRegistered,
    ModelOptions,
    NotRegistered,
    ResourceOptions,
    ResourceSite,
)
from tests.testapp.models import Gadget, Widget


@pytest.fixture
def site():
    return ResourceSite()


def test_autodiscover_registered_testapp_resources():
    assert entity_resources.is_registered(Widget)
    options = entity_resources.site.get_options(Widget)
    assert options.resource_name == "entity_widget"
    assert options.filter_lookups() == {"name": ["exact", "in"], "size": ["exact", "in"]}


def test_register_and_unregister(site):
    site.register(Gadget, fields=["label"])
    assert site.is_registered(Gadget)
    assert site.get_options(Gadget).exposed_fields() == ["label"]
    site.unregister(Gadget)
    assert not site.is_registered(Gadget)


def test_register_twice_raises_already_registered(site):
    site.register(Gadget)
    with pytest.raises(AlreadyRegistered, match="Gadget is already registered"):
        site.register(Gadget)


def test_unregister_unknown_raises_not_registered(site):
    with pytest.raises(NotRegistered):
        site.unregister(Gadget)
    with pytest.raises(NotRegistered):
        site.get_options(Gadget)


def test_decorator_form_registers_options_class():
    @entity_resources.register(Gadget)
    class GadgetResource(ResourceOptions):
        name = "gadgets"
        sort_fields = ["label"]

    try:
        options = entity_resources.site.get_options(Gadget)
        assert isinstance(options, GadgetResource)
        assert options.resource_name == "gadgets"
        assert options.sort_fields == ["label"]
    finally:
        entity_resources.unregister(Gadget)
    assert not entity_resources.is_registered(Gadget)


def test_plain_call_registers_at_once():
    entity_resources.register(Gadget, fields=["label"])
    try:
        assert entity_resources.is_registered(Gadget)
    finally:
        entity_resources.unregister(Gadget)


def test_decorator_rejects_non_options_class():
    with pytest.raises(ValueError, match="subclass ResourceOptions"):

        @entity_resources.register(Gadget)
        class NotOptions:
            pass

    assert not entity_resources.is_registered(Gadget)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fields": ["label", "nope"]}, "option 'fields': testapp.Gadget has no field 'nope'"),
        ({"exclude": ["nope"]}, "option 'exclude'"),
        ({"read_only_fields": ["nope"]}, "option 'read_only_fields'"),
        ({"filter_fields": ["widget.nope"]}, "option 'filter_fields'"),
        ({"filter_fields": ["label.size"]}, "'label' in 'label.size' is not a relation"),
        ({"sort_fields": ["nope"]}, "option 'sort_fields'"),
        ({"ordering": ["-nope"]}, "option 'ordering'"),
        ({"processor": "fancy"}, "option 'processor'"),
        ({"core_name": "gadget"}, "Unknown registration option"),
        ({"relationships": {"things": "nope"}}, "no reverse relation 'nope'"),
        ({"queryset_hook": 3}, "option 'queryset_hook': must be callable"),
        ({"colour": "red"}, "Unknown registration option"),
    ],
)
def test_bad_options_fail_at_registration(site, options, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        site.register(Gadget, **options)
    assert not site.is_registered(Gadget)


def test_relation_paths_are_validated_and_normalised(site):
    site.register(Gadget, filter_fields={"widget.owner.username": ["icontains"]})
    assert site.get_options(Gadget).filter_lookups() == {
        "widget__owner__username": ["exact", "in", "icontains"]
    }


def test_resource_names_must_be_unique(site):
    site.register(Widget, name="things")
    with pytest.raises(ImproperlyConfigured, match="already used"):
        site.register(Gadget, name="things")


def test_registry_version_changes_on_every_change(site):
    before = site.version
    site.register(Gadget)
    site.unregister(Gadget)
    assert site.version == before + 2


def test_decorator_registers_once():
    before = entity_resources.site.version

    @entity_resources.register(Gadget)
    class GadgetResource(ResourceOptions):
        fields = ["label"]

    try:
        # One registration: no default registration first, no unregister in between.
        assert entity_resources.site.version == before + 1
        assert isinstance(entity_resources.site.get_options(Gadget), GadgetResource)
    finally:
        entity_resources.unregister(Gadget)


def test_plain_call_with_a_registered_model_raises_at_the_call():
    with pytest.raises(AlreadyRegistered):
        entity_resources.register(Widget, fields=["name"])


def test_model_options_is_the_validated_base_of_any_per_model_options():
    """``ModelOptions``: the validation machinery ``ResourceOptions`` (and a server's own
    per-model options) are built on, with the messages worded by the subclass."""

    class ShelfOptions(ModelOptions):
        option_names = ("label_field", "order")
        unknown_label = option_label = "shelf option"
        label_field = "label"
        order: tuple[str, ...] = ()

        def validate(self):
            self.check_field("label_field", self.label_field)
            for path in self.order:
                self.check_path("order", path)

    assert issubclass(ResourceOptions, ModelOptions)
    options = ShelfOptions(Gadget, order=["widget.owner.username"])
    assert (options.model, options.label_field, options.order) == (
        Gadget,
        "label",
        ["widget.owner.username"],
    )
    cases = [
        ({"colour": 1}, "Unknown shelf option(s) for testapp.Gadget: colour."),
        (
            {"label_field": "nope"},
            "testapp.Gadget: shelf option 'label_field': testapp.Gadget has no field 'nope'.",
        ),
        (
            {"order": ["label.size"]},
            "testapp.Gadget: shelf option 'order': 'label' in 'label.size' is not a relation.",
        ),
    ]
    for overrides, message in cases:
        with pytest.raises(ImproperlyConfigured) as caught:
            ShelfOptions(Gadget, **overrides)
        assert str(caught.value) == message
    # ResourceOptions keeps its own wording.
    for overrides, message in [
        ({"colour": 1}, "Unknown registration option(s) for testapp.Gadget: colour."),
        (
            {"fields": ["nope"]},
            "testapp.Gadget: option 'fields': testapp.Gadget has no field 'nope'.",
        ),
    ]:
        with pytest.raises(ImproperlyConfigured) as caught:
            ResourceOptions(Gadget, **overrides)
        assert str(caught.value) == message
