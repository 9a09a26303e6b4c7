"""The server core through a real gunicorn on 127.0.0.1: status lines as clients see them,
formats, parsers, errors, ?q= URLs, and an import applied while workers are running."""

import json
import time

import pytest

from services_api.settings import services_settings
from tests import live

pytestmark = pytest.mark.live

ENDPOINT = {
    "name": "test",
    "path": "test",
    "authentication": ["session", "basic"],
    "formatters": ["json", "xml", "jsonp"],
    "parsers": ["application/json", "application/x-www-form-urlencoded", "application/xml"],
    "resources": {
        "echo": {
            "operations": ["retrieve", "create", "update", "delete", "index"],
            "actions": ["shout", "secret"],
            "targeted_actions": ["poke"],
            "relationships": ["children"],
        }
    },
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live-core")
    database_url = live.live_database_url(tmp)
    env = live.server_env(database_url, redis_db=6, DJANGO_SETTINGS_MODULE="tests.settings")
    live.manage(env, "migrate", "--noinput")
    config = tmp / "endpoint.json"
    config.write_text(json.dumps(ENDPOINT))
    live.manage(env, "services_import", str(config))
    try:
        with live.gunicorn(env) as base:
            yield base, env, tmp
    finally:
        live.drop_live_database(database_url)


def test_status_lines_reach_the_client(server):
    base, _, _ = server
    status, reason, headers, body = live.call(
        base, "POST", "/test/echo/shout.json", b"{}", {"Content-Type": "application/json"}
    )
    assert (status, reason) == (401, "Unauthorized : Missing required argument text")
    assert body == b'["Missing required argument text"]'
    assert headers["Content-Type"] == "application/json; charset=utf-8"

    status, reason, _, body = live.call(base, "GET", "/test/nothing")
    assert (status, reason, body) == (404, "Not found : Could not find resource nothing.", b"")

    status, reason, _, body = live.call(
        base, "POST", "/test/echo.json", b"{nope", {"Content-Type": "application/json"}
    )
    assert (status, reason, body) == (400, ": Invalid JSON.", b'["Invalid JSON."]')


def test_formats_and_forms(server):
    base, _, _ = server
    status, _, headers, body = live.call(base, "GET", "/test/echo/7", headers={"Accept": "*/*"})
    assert status == 200 and headers["Content-Type"] == "text/xml; charset=utf-8"
    assert body == (
        b'<?xml version="1.0" encoding="utf-8"?>\n<result><op>retrieve</op><id>7</id></result>\n'
    )
    status, _, _, body = live.call(
        base,
        "POST",
        "/?q=test/echo/shout.json",
        b"text=hi&times=2",
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": "*/*"},
    )
    assert status == 200 and json.loads(body) == {"op": "shout", "text": "HIHI"}


def test_basic_auth_and_denied(server):
    base, _, _ = server
    status, reason, headers, _ = live.call(
        base, "POST", "/test/echo/secret.json", b"", {"Content-Type": "application/json"}
    )
    assert status == 401 and headers["WWW-Authenticate"].startswith("Basic realm=")


def test_import_applies_to_running_workers(server):
    base, env, tmp = server
    assert live.call(base, "GET", "/test/echo.json")[0] == 200
    narrowed = dict(ENDPOINT, resources={"echo": {"operations": ["retrieve"]}})
    config = tmp / "narrow.json"
    config.write_text(json.dumps(narrowed))
    live.manage(env, "services_import", str(config))
    # Every worker sees the change once its CONFIG_CHECK_INTERVAL (1 s, the default) has
    # passed since it last read the version (several requests hit both workers).
    time.sleep(services_settings.CONFIG_CHECK_INTERVAL + 0.3)
    statuses = {live.call(base, "GET", "/test/echo.json")[0] for _ in range(8)}
    assert statuses == {404}
    assert live.call(base, "GET", "/test/echo/1.json")[0] == 200
