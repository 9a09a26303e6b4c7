"""Login, logout, token, CSRF and throttling through Django's test client (spec §7, §8)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.test import Client, override_settings

from tests.user_helpers import js, login, make_api, make_user, send

pytestmark = pytest.mark.usefixtures("no_password_leaks")


@pytest.fixture
def api(make_endpoint):
    return make_api(make_endpoint)


@pytest.fixture
def alice(api):
    return make_user("alice", "alice-pass")


def session_cookie(response):
    return response.cookies.get(settings.SESSION_COOKIE_NAME)


# ---------------------------------------------------------------- login


@pytest.mark.parametrize("body", ["form", "json", "xml"])
def test_login_with_every_body_format(client, alice, body):
    response = send(
        client,
        "POST",
        "/svc/user/login.json",
        {"username": "alice", "password": "alice-pass"},
        body=body,
    )
    assert response.status_code == 200
    data = js(response)
    assert list(data) == ["sessid", "session_name", "token", "user"]
    assert data["session_name"] == settings.SESSION_COOKIE_NAME
    assert len(data["token"]) == 43
    user = data["user"]
    assert user["uid"] == str(alice.pk)
    assert user["name"] == "alice"
    assert user["mail"] == "alice@example.com"
    assert isinstance(user["login"], int) and user["login"] > 0
    assert isinstance(user["created"], str) and isinstance(user["access"], str)
    assert user["status"] == "1"
    assert user["roles"] == {"2": "authenticated user"}
    assert "pass" not in user and "password" not in user


def test_login_cookie_is_session_name_and_sessid(client, alice):
    response = send(
        client, "POST", "/svc/user/login.json", {"username": "alice", "password": "alice-pass"}
    )
    data = js(response)
    cookie = session_cookie(response)
    assert cookie is not None
    assert cookie.value == data["sessid"]
    assert cookie["path"] == "/"
    assert cookie["httponly"] is True
    assert not cookie["secure"]
    # The session is real: the cookie authenticates the next request.
    me = client.get(f"/svc/user/{alice.pk}.json")
    assert me.status_code == 200 and js(me)["mail"] == "alice@example.com"


def test_login_cookie_is_secure_on_https(alice, api):
    client = Client()
    response = send(
        client,
        "POST",
        "/svc/user/login.json",
        {"username": "alice", "password": "alice-pass"},
        secure=True,
    )
    assert response.status_code == 200
    cookie = session_cookie(response)
    assert cookie.value == js(response)["sessid"]
    assert cookie["secure"] is True and cookie["httponly"] is True
    assert "; Secure" in response.cookies.output() or "Secure" in cookie.output()


def test_login_rotates_the_session_and_the_token(client, alice):
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32  # a stale/anonymous session id
    first = login(client, "alice", "alice-pass")
    assert first["sessid"] != "x" * 32
    send(client, "POST", "/svc/user/logout.json", token=first["token"])
    second = login(client, "alice", "alice-pass")
    assert second["sessid"] != first["sessid"]
    assert second["token"] != first["token"]


def test_token_matches_login_token_and_session_token(client, alice):
    data = login(client, "alice", "alice-pass")
    token = send(client, "POST", "/svc/user/token.json")  # exempt from CSRF
    assert token.status_code == 200
    assert js(token) == {"token": data["token"]}
    plain = client.get("/services/session/token")
    assert plain.content.decode() == data["token"]


@pytest.mark.parametrize(
    ("suffix", "expected"),
    [
        (".json", b'["Wrong username or password."]'),
        (".xml", b"<result>Wrong username or password.</result>"),
    ],
)
def test_wrong_credentials(client, alice, suffix, expected):
    for username, password in [("alice", "nope"), ("nobody", "alice-pass")]:
        response = send(
            client,
            "POST",
            f"/svc/user/login{suffix}",
            {"username": username, "password": password},
        )
        assert response.status_code == 401
        assert response.reason_phrase == "Unauthorized : Wrong username or password."
        assert expected in response.content
    assert session_cookie(response) is None


@pytest.mark.parametrize("suffix", [".json", ".xml"])
@pytest.mark.parametrize("missing", ["username", "password"])
def test_missing_arguments(client, alice, suffix, missing):
    data = {"username": "alice", "password": "alice-pass"}
    del data[missing]
    response = send(client, "POST", f"/svc/user/login{suffix}", data, body="form")
    assert response.status_code == 401
    assert response.reason_phrase == f"Unauthorized : Missing required argument {missing}"
    if suffix == ".json":
        assert js(response) == [f"Missing required argument {missing}"]
    else:
        assert f"<result>Missing required argument {missing}</result>".encode() in (
            response.content
        )


@pytest.mark.parametrize("suffix", [".json", ".xml"])
def test_blocked_user_with_right_password_is_403(client, make_endpoint, suffix):
    make_api(make_endpoint, authentication=["session"])
    make_user("bob", "bob-pass", is_active=False)
    response = send(
        client, "POST", f"/svc/user/login{suffix}", {"username": "bob", "password": "bob-pass"}
    )
    assert response.status_code == 403
    assert response.reason_phrase == ": The username bob has not been activated or is blocked."
    if suffix == ".json":
        assert js(response) == [
            'The username <em class="placeholder">bob</em> has not been activated or is blocked.'
        ]


def test_blocked_user_with_basic_auth_enabled_is_a_bare_401(client, api):
    """Drupal's Basic auth module turns an anonymous 403 into ``401 Unauthorized``."""
    make_user("bob", "bob-pass", is_active=False)
    response = send(
        client, "POST", "/svc/user/login.json", {"username": "bob", "password": "bob-pass"}
    )
    assert response.status_code == 401
    assert response.reason_phrase == "Unauthorized : Unauthorized"
    assert response.has_header("WWW-Authenticate")


def test_blocked_user_with_wrong_password_looks_like_any_failure(client, api):
    make_user("bob", "bob-pass", is_active=False)
    response = send(
        client, "POST", "/svc/user/login.json", {"username": "bob", "password": "wrong"}
    )
    assert response.status_code == 401
    assert js(response) == ["Wrong username or password."]


def test_already_logged_in_needs_csrf_first(client, alice):
    data = login(client, "alice", "alice-pass")
    creds = {"username": "alice", "password": "alice-pass"}
    # Cookie without token: the CSRF check comes before "Already logged in" (spec §7).
    response = send(client, "POST", "/svc/user/login.json", creds)
    assert response.status_code == 401
    assert response.reason_phrase == "Unauthorized : CSRF validation failed"
    assert js(response) == ["CSRF validation failed"]
    for suffix, expected in [
        (".json", b'["Already logged in as alice."]'),
        (".xml", b"<result>Already logged in as alice.</result>"),
    ]:
        response = send(client, "POST", f"/svc/user/login{suffix}", creds, token=data["token"])
        assert response.status_code == 406
        assert response.reason_phrase == "Not Acceptable : Already logged in as alice."
        assert expected in response.content


def test_already_logged_in_with_basic_auth(client, alice):
    import base64

    auth = "Basic " + base64.b64encode(b"alice:alice-pass").decode()
    response = send(
        client,
        "POST",
        "/svc/user/login.json",
        {"username": "alice", "password": "alice-pass"},
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 406


def test_login_can_issue_a_bearer_token(client, alice):
    response = send(
        client,
        "POST",
        "/svc/user/login.json",
        {"username": "alice", "password": "alice-pass", "bearer": 1},
    )
    data = js(response)
    assert isinstance(data["bearer_token"], str) and len(data["bearer_token"]) > 20
    assert isinstance(data["bearer_expires"], int)
    plain = send(client, "POST", "/svc/user/login.json?bearer=0", {"username": "x"})
    assert plain.status_code == 401  # missing password, nothing issued


def test_login_without_bearer_module(client, alice, monkeypatch):
    from services_api.drupal import user as user_module

    monkeypatch.setattr(user_module, "_bearer_issuer", lambda: None)
    response = send(
        client,
        "POST",
        "/svc/user/login.json?bearer=1",
        {"username": "alice", "password": "alice-pass"},
    )
    assert response.status_code == 200
    assert "bearer_token" not in js(response)


# ---------------------------------------------------------------- logout


@pytest.mark.parametrize(
    ("suffix", "expected"),
    [
        (".json", b'["User is not logged in."]'),
        (".xml", b"<result>User is not logged in.</result>"),
    ],
)
def test_logout_when_not_logged_in(client, api, suffix, expected):
    response = send(client, "POST", f"/svc/user/logout{suffix}")
    assert response.status_code == 406
    assert response.reason_phrase == "Not Acceptable : User is not logged in."
    assert expected in response.content


def test_logout_needs_csrf_and_returns_true(client, alice):
    data = login(client, "alice", "alice-pass")
    refused = send(client, "POST", "/svc/user/logout.json")
    assert refused.status_code == 401
    assert refused.reason_phrase == "Unauthorized : CSRF validation failed"
    xml = send(client, "POST", "/svc/user/logout.xml", token="wrong-token")
    assert xml.status_code == 401
    assert b"<result>CSRF validation failed</result>" in xml.content
    response = send(client, "POST", "/svc/user/logout.json", token=data["token"])
    assert response.status_code == 200
    assert js(response) == [True]
    # The session is gone: the old cookie and token are worthless.
    again = send(client, "POST", "/svc/user/logout.json", token=data["token"])
    assert again.status_code == 406
    assert js(again) == ["User is not logged in."]


def test_logout_xml_true(client, alice):
    data = login(client, "alice", "alice-pass")
    response = send(client, "POST", "/svc/user/logout.xml", token=data["token"])
    assert response.status_code == 200
    assert b"<result>1</result>" in response.content


# ---------------------------------------------------------------- full flow


def test_full_session_flow(alice, api):
    client = Client()
    connect = send(client, "POST", "/svc/system/connect.json", "whatever", body="form")
    assert connect.status_code == 200
    anon = js(connect)
    assert anon["user"]["uid"] == 0
    assert anon["user"]["roles"] == {"1": "anonymous user"}

    data = login(client, "alice", "alice-pass")
    assert client.cookies[data["session_name"]].value == data["sessid"]

    token = js(send(client, "POST", "/svc/user/token.json"))["token"]
    assert token == data["token"]

    connected = js(send(client, "POST", "/svc/system/connect.json", token=token))
    assert connected["sessid"] == data["sessid"]
    assert connected["user"]["uid"] == str(alice.pk)
    assert connected["user"]["mail"] == "alice@example.com"

    change = {"data": {"mail": "alice2@example.com", "current_pass": "alice-pass"}}
    without = send(client, "PUT", f"/svc/user/{alice.pk}.json", change)
    assert without.status_code == 401
    assert without.reason_phrase == "Unauthorized : CSRF validation failed"
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    with_token = send(client, "PUT", f"/svc/user/{alice.pk}.json", change, token=token)
    assert with_token.status_code == 200, with_token.content
    alice.refresh_from_db()
    assert alice.email == "alice2@example.com"

    out = send(client, "POST", "/svc/user/logout.json", token=token)
    assert js(out) == [True]
    again = send(client, "POST", "/svc/user/logout.json", token=token)
    assert again.status_code == 406
    assert again.reason_phrase == "Not Acceptable : User is not logged in."


def test_stale_token_on_anonymous_request_is_ignored(client, alice):
    response = send(
        client,
        "POST",
        "/svc/user/login.json",
        {"username": "alice", "password": "alice-pass"},
        token="stale-token-from-an-old-session",
    )
    assert response.status_code == 200


# ---------------------------------------------------------------- throttling


def test_throttle_per_username(client, alice):
    creds = {"username": "alice", "password": "wrong"}
    for _ in range(5):
        assert send(client, "POST", "/svc/user/login.json", creds).status_code == 401
    for suffix in (".json", ".xml"):
        blocked = send(
            client,
            "POST",
            f"/svc/user/login{suffix}",
            {"username": "ALICE", "password": "alice-pass"},
        )
        assert blocked.status_code == 429
        assert blocked.reason_phrase == ": Too many login attempts. Try again later."
        retry = int(blocked["Retry-After"])
        assert 0 < retry <= 3600
    # Another username from the same address is still allowed.
    make_user("carol", "carol-pass")
    assert (
        send(
            client, "POST", "/svc/user/login.json", {"username": "carol", "password": "carol-pass"}
        ).status_code
        == 200
    )


@override_settings(SERVICES_API={"LOGIN_ATTEMPTS_PER_IP": 3})
def test_throttle_per_ip(alice):
    client = Client(REMOTE_ADDR="10.1.2.3")
    for name in ("u1", "u2", "u3"):
        response = send(client, "POST", "/svc/user/login.json", {"username": name, "password": "x"})
        assert response.status_code == 401
    blocked = send(
        client, "POST", "/svc/user/login.json", {"username": "alice", "password": "alice-pass"}
    )
    assert blocked.status_code == 429
    assert blocked.has_header("Retry-After")
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert (
        send(
            other, "POST", "/svc/user/login.json", {"username": "alice", "password": "alice-pass"}
        ).status_code
        == 200
    )


def test_spoofed_forwarded_for_does_not_escape_the_ip_throttle(alice):
    with override_settings(SERVICES_API={"LOGIN_ATTEMPTS_PER_IP": 2}):
        client = Client(REMOTE_ADDR="10.1.2.3")
        for i in range(2):
            send(
                client,
                "POST",
                "/svc/user/login.json",
                {"username": f"x{i}", "password": "x"},
                HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
            )
        blocked = send(
            client,
            "POST",
            "/svc/user/login.json",
            {"username": "alice", "password": "alice-pass"},
            HTTP_X_FORWARDED_FOR="192.0.2.77",
        )
        assert blocked.status_code == 429


def test_successful_login_clears_the_username_counter(client, alice):
    for _ in range(4):
        send(client, "POST", "/svc/user/login.json", {"username": "alice", "password": "no"})
    data = login(client, "alice", "alice-pass")
    send(client, "POST", "/svc/user/logout.json", token=data["token"])
    for _ in range(4):
        response = send(
            client, "POST", "/svc/user/login.json", {"username": "alice", "password": "no"}
        )
        assert response.status_code == 401


def test_unknown_and_known_usernames_cost_one_hash_each(client, alice):
    make_user("blocked", "pw", is_active=False)
    hasher_class = type(get_hasher())
    original = hasher_class.encode
    counts = []
    for username in ("alice", "ghost", "blocked"):
        with mock.patch.object(hasher_class, "encode", autospec=True, side_effect=original) as enc:
            response = send(
                client, "POST", "/svc/user/login.json", {"username": username, "password": "no"}
            )
        assert response.status_code == 401
        counts.append(enc.call_count)
    assert counts == [1, 1, 1]


def test_login_reply_in_xml(client, alice):
    response = send(
        client,
        "POST",
        "/svc/user/login.xml",
        {"username": "alice", "password": "alice-pass"},
        body="xml",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    text = response.content.decode()
    sessid = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert f"<sessid>{sessid}</sessid>" in text
    assert f"<session_name>{settings.SESSION_COOKIE_NAME}</session_name>" in text
    assert "<user><uid>" in text and "<mail>alice@example.com</mail>" in text
    assert '<roles is_array="true"><item>authenticated user</item></roles>' in text
    assert "<pass>" not in text


def test_jdrupal_style_login_via_q_url_with_accept_any(client, alice):
    """jDrupal: ``/?q=<ep>/user/login.json``, ``Accept: */*``, form body (spec §12.13)."""
    response = send(
        client,
        "POST",
        "/?q=svc/user/login.json",
        {"username": "alice", "password": "alice-pass"},
        body="form",
        HTTP_ACCEPT="*/*",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = js(response)
    token = js(send(client, "POST", "/?q=svc/user/token.json", "", HTTP_ACCEPT="*/*"))
    assert token == {"token": data["token"]}
