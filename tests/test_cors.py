"""CORS per endpoint: off by default; a configured endpoint answers allowed origins and
preflights with django-cors-headers' semantics; other origins and endpoints get nothing."""

from __future__ import annotations

import pytest
from django.core import checks

from tests.user_helpers import make_api, make_user

APP = "https://app.example.com"
CORS_HEADERS = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
)


@pytest.fixture
def api(make_endpoint):
    make_user("u", "secret-pass")
    make_endpoint("other", resources={"echo": {"operations": ["retrieve"]}})
    return make_api(make_endpoint)


@pytest.fixture
def cors(settings):
    def configure(**policy):
        settings.SERVICES_API = {**settings.SERVICES_API, "CORS": {"svc": policy}}

    return configure


def no_cors(response):
    return not any(name in response for name in CORS_HEADERS)


def test_off_by_default(client, api):
    response = client.get("/svc/user/1.json", HTTP_ORIGIN=APP)
    assert no_cors(response)
    preflight = client.options(
        "/svc/user/login.json", HTTP_ORIGIN=APP, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert no_cors(preflight)


def test_allowed_origin_with_credentials(client, api, cors):
    cors(allowed_origins=[APP], allow_credentials=True, expose_headers=["ETag"])
    login = client.post(
        "/svc/user/login.json",
        {"username": "u", "password": "secret-pass"},
        content_type="application/json",
        HTTP_ORIGIN=APP,
    )
    assert login.status_code == 200
    assert login["Access-Control-Allow-Origin"] == APP
    assert login["Access-Control-Allow-Credentials"] == "true"
    assert login["Access-Control-Expose-Headers"] == "ETag"
    assert "Origin" in login["Vary"]
    error = client.get("/svc/nothing/1.json", HTTP_ORIGIN=APP)  # errors carry them too
    assert error.status_code == 404 and error["Access-Control-Allow-Origin"] == APP


def test_preflight(client, api, cors):
    cors(allowed_origins=[APP], allow_credentials=True, max_age=600)
    response = client.options(
        "/svc/user/login.json",
        HTTP_ORIGIN=APP,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, x-csrf-token",
    )
    assert response.status_code == 200 and response.content == b""
    assert response["Access-Control-Allow-Origin"] == APP
    assert "POST" in response["Access-Control-Allow-Methods"].split(", ")
    assert "x-csrf-token" in response["Access-Control-Allow-Headers"].split(", ")
    assert response["Access-Control-Max-Age"] == "600"


def test_other_origins_and_endpoints_get_nothing(client, api, cors):
    cors(allowed_origins=[APP])
    evil = client.get("/svc/user/1.json", HTTP_ORIGIN="https://evil.example")
    assert no_cors(evil)
    preflight = client.options(
        "/svc/user/login.json",
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert preflight.status_code == 200 and no_cors(preflight)
    other = client.get("/other/echo/1.json", HTTP_ORIGIN=APP)
    assert no_cors(other)
    native = client.get("/svc/user/1.json")  # no Origin: apps and scripts see no change
    assert no_cors(native) and "Origin" not in native.get("Vary", "")


def test_any_origin_without_credentials(client, api, cors):
    cors(allowed_origins=["*"])
    response = client.get("/svc/user/1.json", HTTP_ORIGIN="https://anyone.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.parametrize(
    ("policy", "fragment"),
    [
        ({"allowed_origins": ["*"], "allow_credentials": True}, "with credentials"),
        ({"allowed_origins": ["https://app.example.com/"]}, "no path"),
        ({"allowed_origins": "https://app.example.com"}, "list of origins"),
        ({"origins": []}, "unknown keys"),
    ],
)
def test_system_check_refuses_bad_policies(settings, policy, fragment):
    settings.SERVICES_API = {**settings.SERVICES_API, "CORS": {"api": policy}}
    errors = [e for e in checks.run_checks() if e.id == "services_api.E004"]
    assert errors and fragment in errors[0].msg
