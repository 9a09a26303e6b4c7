"""Login, logout, token, CSRF and throttling through Django's test client (spec §7, §8)."""

from __future__ import annotations

import base64
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.test import Client, override_settings

from services_api.models import BearerToken
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


DRUPAL_HASH = "$S$CFURCPa.k6FAEbJPgejaW4nijv7rYgGc4dUJtChQtV4KLJTPTC/u"  # "password"


def drupal_account(username, *, is_active):
    from services_api.auth.hashers import from_drupal_hash

    user = make_user(username, is_active=is_active)
    user.password = from_drupal_hash(DRUPAL_HASH)
    user.save(update_fields=["password"])
    return user


def stored_hash(user):
    return type(user).objects.filter(pk=user.pk).values_list("password", flat=True).get()


@pytest.mark.parametrize("suffix", ["json", "xml"])
def test_blocked_drupal_account_is_refused_and_keeps_its_hash(client, make_endpoint, suffix):
    """Issue #15 item 8: the right password on a blocked account must not upgrade its hash."""
    make_api(make_endpoint, authentication=["session"])
    bob = drupal_account("bob", is_active=False)
    before = stored_hash(bob)
    assert before == "drupal7$" + DRUPAL_HASH
    response = send(
        client, "POST", f"/svc/user/login.{suffix}", {"username": "bob", "password": "password"}
    )
    assert response.status_code == 403
    assert response.reason_phrase == ": The username bob has not been activated or is blocked."
    message = 'The username <em class="placeholder">bob</em> has not been activated or is blocked.'
    if suffix == "json":
        assert js(response) == [message]
    else:
        assert "<result>The username &lt;em" in response.content.decode()
    assert stored_hash(bob) == before  # byte-identical
    assert session_cookie(response) is None
    bob.refresh_from_db()
    assert bob.last_login is None and not bob.is_active


def test_blocked_drupal_account_keeps_its_hash_through_basic_auth(client, api):
    bob = drupal_account("bob", is_active=False)
    before = stored_hash(bob)
    credentials = base64.b64encode(b"bob:password").decode()
    response = client.get(f"/svc/user/{bob.pk}.json", HTTP_AUTHORIZATION=f"Basic {credentials}")
    assert response.status_code == 401  # stays anonymous: Basic's challenge
    assert stored_hash(bob) == before


def test_active_drupal_account_is_upgraded_by_login(client, api):
    """The control: an active account's Drupal hash is re-hashed by a successful login."""
    dries = drupal_account("dries", is_active=True)
    login(client, "dries", "password")
    upgraded = stored_hash(dries)
    assert not upgraded.startswith("drupal7$")
    assert get_hasher("default").algorithm == upgraded.split("$", 1)[0]


def test_blocked_user_with_basic_auth_enabled_is_a_bare_401(client, api):
    """With Basic enabled an anonymous 403 becomes a 401 challenge that keeps Drupal's text."""
    make_user("bob", "bob-pass", is_active=False)
    response = send(
        client, "POST", "/svc/user/login.json", {"username": "bob", "password": "bob-pass"}
    )
    assert response.status_code == 401
    message = "The username bob has not been activated or is blocked."
    assert response.reason_phrase == f"Unauthorized : {message}"
    assert response.json() == [
        'The username <em class="placeholder">bob</em> has not been activated or is blocked.'
    ]
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


@pytest.mark.parametrize("where", ["body", "query"])
def test_login_issues_a_bearer_token_that_works_there(client, make_endpoint, where):
    make_api(make_endpoint, authentication=["session", "bearer"])
    alice = make_user("alice", "alice-pass")
    creds = {"username": "alice", "password": "alice-pass"}
    if where == "body":
        response = send(client, "POST", "/svc/user/login.json", {**creds, "bearer": 1})
    else:
        response = send(client, "POST", "/svc/user/login.json?bearer=1", creds)
    assert response.status_code == 200
    data = js(response)
    assert isinstance(data["bearer_token"], str) and len(data["bearer_token"]) == 43
    assert isinstance(data["bearer_expires"], int)
    assert BearerToken.objects.filter(user=alice).count() == 1
    # The token authenticates on the endpoint that issued it, without cookie or CSRF token.
    fresh = Client()
    retrieve = fresh.get(
        f"/svc/user/{alice.pk}.json", HTTP_AUTHORIZATION=f"Bearer {data['bearer_token']}"
    )
    assert retrieve.status_code == 200
    assert js(retrieve)["mail"] == "alice@example.com"
    logout = fresh.post(
        "/svc/user/logout.json", HTTP_AUTHORIZATION=f"Bearer {data['bearer_token']}"
    )
    assert logout.status_code == 200  # a write with no CSRF token


@pytest.mark.parametrize("suffix", ["json", "xml"])
@pytest.mark.parametrize("where", ["body", "query"])
def test_login_refuses_bearer_where_bearer_auth_is_off(client, api, alice, suffix, where):
    """``svc`` enables session and Basic only: a token issued there would not work there."""
    creds = {"username": "alice", "password": "alice-pass"}
    if where == "body":
        response = send(client, "POST", f"/svc/user/login.{suffix}", {**creds, "bearer": "1"})
    else:
        response = send(client, "POST", f"/svc/user/login.{suffix}?bearer=1", creds)
    assert response.status_code == 406
    assert response.reason_phrase == (
        "Not Acceptable : Bearer tokens are not enabled on this endpoint."
    )
    if suffix == "json":
        assert js(response) == ["Bearer tokens are not enabled on this endpoint."]
    else:
        assert b"<result>Bearer tokens are not enabled on this endpoint.</result>" in (
            response.content
        )
    # Nothing written: no token, no session, no login time.
    assert not BearerToken.objects.exists()
    assert session_cookie(response) is None
    alice.refresh_from_db()
    assert alice.last_login is None
    # Without bearer (or bearer=0) the same login works.
    plain = send(client, "POST", "/svc/user/login.json?bearer=0", creds)
    assert plain.status_code == 200
    assert "bearer_token" not in js(plain)


@pytest.mark.parametrize("value", [{"a": "1"}, "maybe", ["1", "2"]])
def test_login_bearer_of_the_wrong_type_is_a_400(client, make_endpoint, value):
    make_api(make_endpoint, authentication=["session", "bearer"])
    alice = make_user("alice", "alice-pass")
    response = send(
        client,
        "POST",
        "/svc/user/login.json",
        {"username": "alice", "password": "alice-pass", "bearer": value},
    )
    assert response.status_code == 400
    assert response.reason_phrase == (
        ": Invalid value for argument bearer: expected a boolean (1 or 0)."
    )
    assert not BearerToken.objects.exists()
    alice.refresh_from_db()
    assert alice.last_login is None


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


def test_check_credentials_costs_one_query_with_the_default_backend(api, django_assert_num_queries):
    from django.test import RequestFactory

    from services_api.auth.authentication import check_credentials

    alice = make_user("alice", "alice-pass")
    request = RequestFactory().get("/")
    with django_assert_num_queries(1):
        assert check_credentials(request, "alice", "alice-pass") == alice
    with django_assert_num_queries(1):
        assert check_credentials(request, "alice", "wrong") is None


@override_settings(
    AUTHENTICATION_BACKENDS=["django.contrib.auth.backends.AllowAllUsersModelBackend"]
)
def test_check_credentials_uses_the_projects_backends(api):
    """Other backends go through ``authenticate()``; a blocked account is still refused first."""
    from django.test import RequestFactory

    from services_api.auth.authentication import Blocked, check_credentials

    alice = make_user("alice", "alice-pass")
    make_user("bob", "bob-pass", is_active=False)
    request = RequestFactory().get("/")
    user = check_credentials(request, "alice", "alice-pass")
    assert user == alice
    assert user.backend == "django.contrib.auth.backends.AllowAllUsersModelBackend"
    with pytest.raises(Blocked):
        check_credentials(request, "bob", "bob-pass")
