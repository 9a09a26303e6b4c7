"""Suite-wide fixtures."""

import pytest
from django.core.cache import caches

from services_api.config import forget_local_snapshot

ALL_PARSERS = [
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "application/xml",
    "text/xml",
]
ECHO_ALL = {
    "operations": ["retrieve", "create", "update", "delete", "index"],
    "actions": ["shout", "secret", "scalar"],
    "targeted_actions": ["poke"],
    "relationships": ["children"],
}


@pytest.fixture(autouse=True)
def _clear_caches():
    """Each test starts with empty caches (endpoint config, throttles)."""
    for cache in caches.all():
        cache.clear()
    forget_local_snapshot()
    yield


@pytest.fixture
def make_endpoint(db):
    """Create an endpoint with resources: ``make_endpoint("test", resources={"echo": {...}})``."""
    from services_api.models import Endpoint, EndpointResource

    def make(name="test", path=None, resources=None, **fields):
        fields.setdefault("authentication", ["session", "basic"])
        fields.setdefault("formatters", ["json", "xml", "jsonp"])
        fields.setdefault("parsers", ALL_PARSERS)
        endpoint = Endpoint.objects.create(name=name, path=name if path is None else path, **fields)
        for resource, controllers in (resources or {"echo": ECHO_ALL}).items():
            EndpointResource.objects.create(endpoint=endpoint, resource=resource, **controllers)
        return endpoint

    return make


@pytest.fixture
def echo_endpoint(make_endpoint):
    return make_endpoint()


@pytest.fixture(scope="session")
def live_server_url(tmp_path_factory):
    """Base URL of a gunicorn server running the demo project with seeded data."""
    from tests import live

    database_url = live.live_database_url(tmp_path_factory.mktemp("live"))
    env = live.server_env(database_url)
    live.manage(env, "migrate", "--noinput")
    live.manage(env, "seed_demo", "--articles", "30")
    try:
        with live.gunicorn(env) as base:
            yield base
    finally:
        live.drop_live_database(database_url)
