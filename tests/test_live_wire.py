"""Wire rules every server must keep, checked on gunicorn AND on ``manage.py runserver`` (the
README's demo server, whose wsgiref fills a missing Content-Type with ``text/plain``).

* A request without a Content-Type header follows Drupal's rule: the body is form-urlencoded,
  and an empty body needs no parser at all.
* An anonymous ``GET /api/user/<uid>`` keeps Drupal's "Access denied for user anonymous" in the
  status line and the body, in every format.

Every request is sent as its client sends it: ``http.client`` adds no Content-Type of its own
(``Content-Length: 0`` for a POST without body, as OkHttp and PHP do).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest

from tests import live

pytestmark = pytest.mark.live

REDIS_DB = {"gunicorn": 12, "runserver": 13}
DRUPAL_UA = "Drupal (+http://drupal.org/)"


@pytest.fixture(scope="module", params=sorted(live.SERVERS))
def server(request, tmp_path_factory):
    kind = request.param
    tmp = tmp_path_factory.mktemp(f"live-wire-{kind}")
    database_url = live.live_database_url(tmp)
    env = live.server_env(database_url, redis_db=REDIS_DB[kind])
    live.manage(env, "migrate", "--noinput")
    live.manage(env, "seed_demo", "--articles", "5")
    try:
        with live.SERVERS[kind](env) as base:
            yield base
    finally:
        live.drop_live_database(database_url)


def login(base, path="/api/user/login.json"):
    """A form login with an explicit Content-Type: ``(cookie, token, user)``."""
    status, reason, _, body = live.call(
        base,
        "POST",
        path,
        urlencode({"username": "alice", "password": "demo"}),
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    assert status == 200, (reason, body)
    data = json.loads(body)
    return f"{data['session_name']}={data['sessid']}", data["token"], data["user"]


def test_drupal_http_request_login_without_content_type(server):
    # drupal_http_request($url, ['method' => 'POST', 'data' => 'username=...']) sends no
    # Content-Type and no Accept: the body is form data, the answer the endpoint's JSON.
    status, reason, headers, body = live.call(
        server,
        "POST",
        "/api/user/login",
        b"username=alice&password=demo",
        {"User-Agent": DRUPAL_UA},
    )
    assert (status, reason) == (200, "OK"), body
    assert headers["Content-Type"].startswith("application/json")
    data = json.loads(body)
    assert data["user"]["name"] == "alice" and data["sessid"] and data["token"]


def test_token_and_logout_without_body_or_content_type(server):
    cookie, token, _ = login(server)
    status, _, _, body = live.call(
        server, "POST", "/api/user/token.json", None, {"Cookie": cookie, "X-CSRF-Token": token}
    )
    assert status == 200, body
    assert json.loads(body) == {"token": token}
    status, reason, _, body = live.call(
        server, "POST", "/api/user/logout.json", None, {"Cookie": cookie, "X-CSRF-Token": token}
    )
    assert (status, reason, json.loads(body)) == (200, "OK", [True])


def test_warmshowers_message_get_without_body(server):
    # The app's @POST("services/rest/message/get") has no parameters: OkHttp sends an empty
    # body, no Content-Type.
    cookie, token, _ = login(server, "/services/rest/user/login")
    status, _, headers, body = live.call(
        server,
        "POST",
        "/services/rest/message/get",
        None,
        {"Cookie": cookie, "X-CSRF-Token": token, "Accept": "application/json"},
    )
    assert status == 200, body
    assert headers["Content-Type"].startswith("application/json")
    assert isinstance(json.loads(body), list)


def test_explicit_unsupported_content_type_is_still_406(server):
    cookie, token, _ = login(server)
    status, reason, _, _ = live.call(
        server,
        "POST",
        "/api/user/token.json",
        b"x",
        {"Cookie": cookie, "X-CSRF-Token": token, "Content-Type": "text/csv"},
    )
    assert (status, reason) == (406, "Not Acceptable : Unsupported request content type text/csv")


@pytest.mark.parametrize(
    ("suffix", "accept"),
    [(".json", None), (".xml", None), ("", "application/json"), ("", "application/xml")],
)
def test_anonymous_user_retrieve_keeps_drupals_message(server, suffix, accept):
    message = "Access denied for user anonymous"
    headers = {"Accept": accept} if accept else {}
    status, reason, response_headers, body = live.call(
        server, "GET", f"/api/user/2{suffix}", None, headers
    )
    # The api endpoint enables HTTP Basic: a 401 challenge carrying Drupal's text.
    assert (status, reason) == (401, f"Unauthorized : {message}")
    assert response_headers["WWW-Authenticate"].startswith("Basic realm=")
    if suffix == ".json" or accept == "application/json":
        assert json.loads(body) == [message]
    else:
        assert ElementTree.fromstring(body).text == message


def test_anonymous_warmshowers_user_is_drupals_403(server):
    # Without Basic (the Warmshowers endpoint) Drupal's own 403 stays: the app re-logs in on it.
    status, reason, _, body = live.call(
        server, "GET", "/services/rest/user/2", None, {"Accept": "application/json"}
    )
    assert (status, reason) == (403, ": Access denied for user anonymous")
    assert json.loads(body) == ["Access denied for user anonymous"]
