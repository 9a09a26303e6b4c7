"""The session flow through a real gunicorn server (two workers sharing Redis) on 127.0.0.1,
as mobile apps and the npm client ``drupal-services-api`` see it: raw status lines and
Set-Cookie headers, cookie jars, CSRF, throttling shared across workers."""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import subprocess
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

pytestmark = [pytest.mark.live, pytest.mark.usefixtures("no_password_leaks")]

ADMIN = ("admin", "admin-pass")  # seeded by tests/live.py's environment
DEMO_USER = ("alice", "demo")  # seed_demo's users share DEMO_USER_PASSWORD (default "demo")
CLIENT_SCRIPT = Path(__file__).parent / "js" / "drupal_services_api_client.js"


@pytest.fixture(scope="module")
def base(live_server_url):
    """The live server, with this module's login-throttle counters cleared from its Redis."""
    import redis

    conn = redis.Redis.from_url("redis://127.0.0.1:6379/5")
    for key in conn.scan_iter("*services_api:login:*"):
        conn.delete(key)
    return live_server_url


class Reply:
    def __init__(self, response: http.client.HTTPResponse):
        self.status = response.status
        self.reason = response.reason
        self.headers = response.msg
        self.body = response.read()

    @property
    def set_cookies(self) -> list[str]:
        return self.headers.get_all("Set-Cookie") or []

    def json(self):
        return json.loads(self.body)


def call(base, method, path, body=None, *, cookie=None, token=None, form=False, accept=None):
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
    headers = {}
    payload = None
    if body is not None:
        if form:
            payload = urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
    if cookie:
        headers["Cookie"] = cookie
    if token:
        headers["X-CSRF-Token"] = token
    if accept:
        headers["Accept"] = accept
    try:
        conn.request(method, path, body=payload, headers=headers)
        return Reply(conn.getresponse())
    finally:
        conn.close()


def test_session_flow_on_the_wire(base, no_password_leaks):
    connect = call(base, "POST", "/api/system/connect.json", {"whatever": "1"}, form=True)
    assert connect.status == 200
    assert connect.json()["user"]["uid"] == 0

    login = call(
        base,
        "POST",
        "/api/user/login",
        {"username": ADMIN[0], "password": ADMIN[1]},
        form=True,
        accept="application/json",
    )
    no_password_leaks(login.body, "live login")
    assert login.status == 200 and login.reason == "OK"
    data = login.json()
    assert isinstance(data["user"]["login"], int) and data["user"]["name"] == "admin"
    session_cookie = [c for c in login.set_cookies if c.startswith(data["session_name"] + "=")]
    assert len(session_cookie) == 1
    raw = session_cookie[0]
    attributes = [a.strip() for a in raw.split(";")]
    assert attributes[0] == f"{data['session_name']}={data['sessid']}"
    assert "Path=/" in attributes and "HttpOnly" in attributes
    assert "Secure" not in attributes  # plain HTTP
    cookie = f"{data['session_name']}={data['sessid']}"

    token = call(base, "GET", "/services/session/token", cookie=cookie)
    assert token.status == 200
    assert token.headers["Content-Type"].startswith("text/plain")
    assert token.body.decode() == data["token"]
    assert call(base, "POST", "/api/user/token.json", cookie=cookie).json() == {
        "token": data["token"]
    }

    write = {"name": f"live_{uuid.uuid4().hex[:8]}", "value": {"n": 1}}
    refused = call(base, "POST", "/api/system/set_variable.json", write, cookie=cookie)
    assert refused.status == 401
    assert refused.reason == "Unauthorized : CSRF validation failed"
    assert refused.json() == ["CSRF validation failed"]
    accepted = call(
        base, "POST", "/api/system/set_variable.json", write, cookie=cookie, token=data["token"]
    )
    assert accepted.status == 200 and accepted.body == b"null"
    read = call(
        base,
        "POST",
        "/api/system/get_variable.json",
        {"name": write["name"]},
        cookie=cookie,
        token=data["token"],
    )
    assert read.json() == {"n": 1}

    logout = call(base, "POST", "/api/user/logout.json", cookie=cookie, token=data["token"])
    assert logout.status == 200 and logout.json() == [True]
    again = call(base, "POST", "/api/user/logout.json", cookie=cookie, token=data["token"])
    assert again.status == 406
    assert again.reason == "Not Acceptable : User is not logged in."
    assert again.json() == ["User is not logged in."]
    xml = call(base, "POST", "/api/user/logout.xml", cookie=cookie)
    assert xml.status == 406
    assert b"<result>User is not logged in.</result>" in xml.body


def test_wire_errors(base):
    wrong = call(
        base, "POST", "/api/user/login.json", {"username": "alice", "password": "nope"}, form=True
    )
    assert (wrong.status, wrong.reason) == (401, "Unauthorized : Wrong username or password.")
    assert wrong.json() == ["Wrong username or password."]
    missing = call(base, "POST", "/api/user/login.xml", {"username": "alice"}, form=True)
    assert (missing.status, missing.reason) == (
        401,
        "Unauthorized : Missing required argument password",
    )
    assert b"<result>Missing required argument password</result>" in missing.body
    assert call(base, "GET", "/api/system/connect.json").status == 404


def test_cookie_jar_client(base, no_password_leaks):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(path, data, token=None):
        request = urllib.request.Request(
            base + path,
            data=json.dumps(data).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        if token:
            request.add_header("X-CSRF-Token", token)
        with opener.open(request, timeout=15) as response:
            body = response.read()
            no_password_leaks(body, path)
            return json.loads(body)

    data = post("/api/user/login", {"username": DEMO_USER[0], "password": DEMO_USER[1]})
    cookies = {c.name: c for c in jar}
    assert cookies[data["session_name"]].value == data["sessid"]
    assert cookies[data["session_name"]].path == "/"
    with opener.open(f"{base}/api/user/{data['user']['uid']}.json", timeout=15) as response:
        me = json.loads(response.read())
    assert me["name"] == "alice" and me["mail"] == "alice@example.com"
    assert post("/api/user/logout", "", token=data["token"]) == [True]
    assert not any(c.name == data["session_name"] for c in jar)  # the server deleted it


def test_throttle_is_shared_by_the_workers(base):
    username = f"ghost_{uuid.uuid4().hex[:8]}"
    statuses = [
        call(base, "POST", "/api/user/login.json", {"username": username, "password": "x"}).status
        for _ in range(5)
    ]
    assert statuses == [401] * 5
    # Several more requests: whichever of the two workers answers, the counter is shared.
    for _ in range(4):
        blocked = call(
            base, "POST", "/api/user/login.json", {"username": username, "password": "x"}
        )
        assert blocked.status == 429
        assert blocked.reason == ": Too many login attempts. Try again later."
        assert int(blocked.headers["Retry-After"]) > 0


# ---------------------------------------------------------------- a real third-party client


@pytest.fixture(scope="session")
def npm_client(tmp_path_factory):
    """``npm install drupal-services-api`` into a temporary prefix (bounded in time)."""
    from tests.live import npm_install

    return npm_install(tmp_path_factory.mktemp("npm"), "drupal-services-api@0.1.4")


def test_npm_drupal_services_api_client(base, npm_client, no_password_leaks):
    env = {**os.environ, "NODE_PATH": str(npm_client)}
    result = subprocess.run(
        ["node", str(CLIENT_SCRIPT), f"{base}/api", *DEMO_USER],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    no_password_leaks(result.stdout, "npm client output")
    assert result.returncode == 0, result.stdout + result.stderr
    out = json.loads(result.stdout)
    login = out["login"]
    assert login["user"]["name"] == "alice"
    assert out["cookie"] == f"{login['session_name']}={login['sessid']}"
    assert out["csrfToken"] == login["token"] and out["isLoggedIn"] is True
    assert out["retrieve"]["uid"] == login["user"]["uid"]
    assert out["retrieve"]["mail"] == "alice@example.com"
    assert "pass" not in out["retrieve"]
    assert out["logout"] is True and out["isLoggedInAfterLogout"] is False


@pytest.mark.parametrize(
    ("header", "status", "reason"),
    [
        ("Services-User-Login-Version", 200, "OK"),
        # gunicorn drops header names with underscores (as nginx and runserver do): 1.0 applies.
        ("services_user_login_version", 401, "Unauthorized : Missing required argument username"),
    ],
)
def test_login_api_version_header_on_the_wire(base, header, status, reason):
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
    try:
        conn.request(
            "POST",
            "/api/user/login.json",
            body=urlencode({"name": DEMO_USER[0], "pass": DEMO_USER[1]}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", header: "1.1"},
        )
        reply = Reply(conn.getresponse())
    finally:
        conn.close()
    assert (reply.status, reply.reason) == (status, reason)
    if status == 200:
        assert reply.json()["user"]["name"] == DEMO_USER[0]
