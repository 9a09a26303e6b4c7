"""Logins with the demo's hashers: Argon2 first, older hashes upgraded on login, one hash of
the same cost for unknown users, and the session id rotated on login (fixation)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.contrib.sessions.backends.db import SessionStore

from project import settings as project_settings
from services_api.auth.hashers import drupal_hash_password, from_drupal_hash
from tests.user_helpers import make_api, send

PASSWORD = "correct horse"


@pytest.fixture
def api(make_endpoint, settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    return make_api(make_endpoint)


def login(client, username, password=PASSWORD):
    return send(
        client, "POST", "/svc/user/login.json", {"username": username, "password": password}
    )


@pytest.fixture
def argon2_calls(monkeypatch):
    """Count Argon2 work: every ``encode`` (a new hash) and ``verify`` (a check)."""
    calls: list[str] = []
    encode, verify = Argon2PasswordHasher.encode, Argon2PasswordHasher.verify

    def counting_encode(self, password, salt):
        calls.append("encode")
        return encode(self, password, salt)

    def counting_verify(self, password, encoded):
        calls.append("verify")
        return verify(self, password, encoded)

    monkeypatch.setattr(Argon2PasswordHasher, "encode", counting_encode)
    monkeypatch.setattr(Argon2PasswordHasher, "verify", counting_verify)
    return calls


def test_the_demo_prefers_argon2():
    assert (
        project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


@pytest.mark.parametrize(
    "stored",
    [
        lambda: make_password(PASSWORD, hasher="pbkdf2_sha256"),
        lambda: from_drupal_hash(drupal_hash_password(PASSWORD, count_log2=7)),
    ],
    ids=["pbkdf2", "drupal-S"],
)
def test_login_upgrades_older_hashes_to_argon2(client, api, stored):
    user = get_user_model().objects.create(username="old", password=stored())
    assert login(client, "old", "wrong").status_code == 401
    user.refresh_from_db()
    assert not user.password.startswith("argon2$")  # a failed login changes nothing
    assert login(client, "old").status_code == 200
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


def test_unknown_users_cost_one_argon2_hash_like_known_ones(client, api, argon2_calls):
    get_user_model().objects.create(username="known", password=make_password(PASSWORD))
    argon2_calls.clear()
    assert login(client, "known", "wrong").status_code == 401
    assert argon2_calls == ["verify"]
    argon2_calls.clear()
    assert login(client, "nobody", "wrong").status_code == 401
    assert argon2_calls == ["encode"]  # ModelBackend's dummy hash, with the same hasher


def test_login_rotates_the_session_id(client, api):
    get_user_model().objects.create(username="u", password=make_password(PASSWORD))
    planted = SessionStore()  # a session id an attacker made the victim use
    planted["cart"] = "x"
    planted.save()
    client.cookies[project_settings.SESSION_COOKIE_NAME] = planted.session_key
    response = login(client, "u")
    assert response.status_code == 200
    after = response.cookies[project_settings.SESSION_COOKIE_NAME]
    assert after.value and after.value != planted.session_key
    assert not SessionStore().exists(planted.session_key)  # the old id is gone
    assert response.json()["sessid"] == after.value
    assert after["httponly"]
