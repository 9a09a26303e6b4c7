"""Hardening: session cookie flags (HttpOnly, Secure on HTTPS, SameSite from settings) and a
production settings profile that ``manage.py check --deploy`` passes."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from tests.live import ROOT
from tests.user_helpers import make_api, make_user

PASSWORD = "secret-pass"


@pytest.fixture
def api(make_endpoint):
    make_user("u", PASSWORD)
    return make_api(make_endpoint)


def login(client, **extra):
    return client.post(
        "/svc/user/login.json",
        {"username": "u", "password": PASSWORD},
        content_type="application/json",
        **extra,
    )


@pytest.mark.parametrize(("secure", "flag"), [(False, ""), (True, True)])
def test_session_cookie_is_httponly_and_secure_on_https(client, api, settings, secure, flag):
    response = login(client, secure=secure)
    assert response.status_code == 200
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["secure"] == flag
    assert cookie["samesite"] == "Lax"


@pytest.mark.parametrize("samesite", ["Strict", "None"])
def test_session_cookie_samesite_is_configurable(client, api, settings, samesite):
    settings.SESSION_COOKIE_SAMESITE = samesite
    response = login(client, secure=True)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["samesite"] == samesite


def test_production_profile_passes_check_deploy():
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="project.settings_production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="api.example.com",
        DEBUG="1",  # ignored: the profile forces DEBUG off
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_profile_turns_debug_off():
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="project.settings_production",
        SECRET_KEY=secrets.token_urlsafe(60),
        DEBUG="1",
    )
    code = "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["False", "True"], result.stderr
