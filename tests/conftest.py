"""Suite-wide fixtures."""

import pytest
from django.core.cache import caches

from services_api.endpoints.snapshot import forget_local_snapshot

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


import re  # noqa: E402  (appended section)

PASSWORD_HASH_RE = re.compile(rb"pbkdf2_sha256\$|md5\$|\$S\$|drupal7\$|argon2")


@pytest.fixture
def no_password_leaks(monkeypatch):
    """Fail if any response body served in the test contains a password hash.

    Used by every test (see ``_no_password_leaks_anywhere``). Every response
    through Django's handler (the test client) is scanned; the fixture's value is a function
    that scans bodies received from elsewhere (the live server).
    """
    from django.core.handlers.base import BaseHandler

    def check(body, where="response"):
        data = body.encode() if isinstance(body, str) else bytes(body)
        match = PASSWORD_HASH_RE.search(data)
        assert match is None, f"password hash in {where}: {data[:300]!r}"

    original = BaseHandler.get_response

    def get_response(self, request):
        response = original(self, request)
        if not getattr(response, "streaming", False):
            check(response.content, f"{request.method} {request.get_full_path()}")
        return response

    monkeypatch.setattr(BaseHandler, "get_response", get_response)
    return check


@pytest.fixture(autouse=True)
def _no_password_leaks_anywhere(no_password_leaks):
    """Every response of the whole suite is scanned for password hashes."""
    yield
