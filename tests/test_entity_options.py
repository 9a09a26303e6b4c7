"""Entity registration options, checks, and caches following registry changes."""

import pytest
from django.core.exceptions import ImproperlyConfigured

import entity_resources
from entity_resources import ResourceOptions, site
from entity_resources.checks import check_relationships
from entity_resources.viewsets import viewset_for
from entity_resources.writing import serializer_for
from services_api.resources import registry
from tests.entity_helpers import PASSWORD, basic, body
from tests.testapp.models import Gadget, Widget

CRUD = {
    "operations": ["retrieve", "create", "update", "delete", "index"],
    "actions": [],
    "targeted_actions": [],
    "relationships": [],
}


def test_unknown_lookup_fails_at_registration():
    with pytest.raises(ImproperlyConfigured, match="unknown lookup.*'regex'.*'name'"):
        ResourceOptions(Widget, filter_fields={"name": ["regex"]})


def test_every_registration_gets_an_entity_resource():
    names = registry.names()
    for name in ("entity_article", "entity_comment", "entity_tag", "entity_vocabulary"):
        assert name in names
    resource = registry.get("entity_article")
    assert set(resource.operations) == {"retrieve", "create", "update", "delete", "index"}
    assert set(resource.relationships) == {"comments"}


@pytest.fixture
def gadget_registered():
    entity_resources.register(Gadget, fields=["id", "label", "widget"], filter_fields=["label"])
    try:
        yield site.get_options(Gadget)
    finally:
        site.unregister(Gadget)


def test_runtime_registration_reaches_the_endpoint(
    client, make_endpoint, django_user_model, gadget_registered
):
    make_endpoint("gadgets", resources={"entity_gadget": CRUD})
    django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    widget = Widget.objects.create(name="w")
    gadget = Gadget.objects.create(label="g", widget=widget)
    response = client.get(f"/gadgets/entity_gadget/{gadget.pk}.json", **basic("root"))
    assert body(response) == {
        "id": gadget.pk,
        "label": "g",
        "widget": widget.pk,  # generic processor: the id
    }
    first_viewset, first_serializer = viewset_for(Gadget), serializer_for(gadget_registered)
    site.unregister(Gadget)
    try:
        response = client.get(f"/gadgets/entity_gadget/{gadget.pk}.json", **basic("root"))
        assert response.status_code == 404
        assert response.reason_phrase == "Not found : Could not find resource entity_gadget."
    finally:
        entity_resources.register(Gadget, fields=["id", "label"])
    assert viewset_for(Gadget) is not first_viewset
    assert serializer_for(site.get_options(Gadget)) is not first_serializer
    response = client.get(f"/gadgets/entity_gadget/{gadget.pk}.json", **basic("root"))
    assert body(response) == {"id": gadget.pk, "label": "g"}


@pytest.fixture
def widget_with_relationship():
    original = site.get_options(Widget)
    site.unregister(Widget)
    entity_resources.register(Widget, relationships={"gadgets": "gadgets"})
    try:
        yield
    finally:
        site.unregister(Widget)
        site._registry[Widget] = original
        site.version += 1


def test_relationship_to_unregistered_model(client, make_endpoint, widget_with_relationship):
    warnings = [w for w in check_relationships() if w.id == "entity_resources.W002"]
    assert len(warnings) == 1
    assert "Gadget, which is not registered" in warnings[0].msg
    make_endpoint("widgets", resources={"entity_widget": {**CRUD, "relationships": ["gadgets"]}})
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
    widget = Widget.objects.create(name="w")
    Gadget.objects.create(label="g", widget=widget)
    path = f"/widgets/entity_widget/{widget.pk}/gadgets.json"
    assert client.get(path).status_code == 401  # default options: no anonymous read
    assert [row["label"] for row in body(client.get(path, **basic("root")))] == ["g"]
