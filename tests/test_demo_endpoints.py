"""The demo's endpoint data names only resources and controllers that exist, and a fresh
database has them all."""

import pytest

from project.demo.endpoints import DEMO_ENDPOINTS
from services_api.endpoints.portable import RESOURCE_KINDS
from services_api.models import Endpoint, EndpointResource
from services_api.resources import registry

CASES = [
    (endpoint["name"], resource, key, name)
    for endpoint in DEMO_ENDPOINTS
    for resource, controllers in endpoint["resources"].items()
    for key, names in controllers.items()
    if key in RESOURCE_KINDS
    for name in names
]


@pytest.mark.parametrize(("endpoint", "resource", "key", "name"), CASES)
def test_every_demo_controller_is_declared(endpoint, resource, key, name):
    declared = registry.get(resource)
    assert declared is not None, f"{endpoint}: resource {resource} is not registered"
    assert name in declared.controllers[RESOURCE_KINDS[key]]


@pytest.mark.django_db
def test_fresh_database_has_the_demo_endpoints():
    for config in DEMO_ENDPOINTS:
        endpoint = Endpoint.objects.get(name=config["name"])
        assert endpoint.path == config["path"]
        for resource, controllers in config["resources"].items():
            row = EndpointResource.objects.get(endpoint=endpoint, resource=resource)
            for key in RESOURCE_KINDS:
                assert sorted(getattr(row, key)) == sorted(controllers.get(key, []))
