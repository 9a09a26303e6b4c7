"""The DRF user viewset (``/rest/user/...`` in the demo): login, logout, register and token
run the Services ``user`` resource's own callbacks (status, body, cookies, database)."""

import pytest
from django.conf import settings


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.com", "demo")


def test_login_sets_the_session_and_answers_drupals_body(client, alice):
    response = client.post(
        "/rest/user/login/",
        {"username": "alice", "password": "demo"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["user"]["name"] == "alice" and body["user"]["uid"] == str(alice.pk)
    assert body["session_name"] == settings.SESSION_COOKIE_NAME
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value == body["sessid"] and cookie["httponly"]
    assert len(body["token"]) == 43
    assert "pass" not in body["user"]
    # The session is real: the token action answers the same token for it.
    token = client.post("/rest/user/token/")
    assert token.status_code == 200
    assert token.json() == {"token": body["token"]}


def test_wrong_password_is_drupals_401(client, alice):
    response = client.post(
        "/rest/user/login/",
        {"username": "alice", "password": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Wrong username or password."}
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_logout_needs_the_csrf_token_then_ends_the_session(client, alice):
    client.force_login(alice)
    refused = client.post("/rest/user/logout/")
    # DRF answers a failed authentication without a challenge as 403.
    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF validation failed"}
    assert client.session.get("_auth_user_id") == str(alice.pk)
    token = client.post("/rest/user/token/").json()["token"]
    response = client.post("/rest/user/logout/", HTTP_X_CSRF_TOKEN=token)
    assert response.status_code == 200
    assert response.json() == [True] or response.json() is True
    again = client.post("/rest/user/logout/")
    assert again.status_code == 406
    assert again.json() == {"detail": "User is not logged in."}


def test_register_creates_the_account(client, django_user_model):
    response = client.post(
        "/rest/user/register/",
        {"name": "carol", "mail": "carol@example.com", "pass": "a-long-pass-phrase-9"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    carol = django_user_model.objects.get(username="carol")
    assert response.json() == {
        "uid": str(carol.pk),
        "uri": f"http://testserver/api/user/{carol.pk}",
    }
    assert carol.check_password("a-long-pass-phrase-9")
    taken = client.post(
        "/rest/user/register/",
        {"name": "carol", "mail": "c2@example.com", "pass": "a-long-pass-phrase-9"},
        content_type="application/json",
    )
    assert taken.status_code == 406
    assert django_user_model.objects.filter(username="carol").count() == 1


def test_login_throttle_keeps_retry_after(client, alice):
    for _ in range(5):
        wrong = client.post(
            "/rest/user/login/",
            {"username": "alice", "password": "nope"},
            content_type="application/json",
        )
        assert wrong.status_code == 401
    blocked = client.post(
        "/rest/user/login/",
        {"username": "alice", "password": "demo"},
        content_type="application/json",
    )
    assert blocked.status_code == 429
    assert blocked.json() == {"detail": "Too many login attempts. Try again later."}
    assert 0 < int(blocked["Retry-After"]) <= 3600
