"""Drupal's resource API versions of ``user/login`` and ``user/logout`` (issue #15 item 4).

API 1.0 (the default) logs in with ``username``/``password`` and logs out with ``[true]``; 1.1
takes ``name``/``pass`` and returns the anonymous user from logout. An endpoint chooses with its
``api_versions`` setting (Drupal's per-method ``resource_api_version``), a client with the
``services_user_login_version`` header (Services' ServicesResourceUserTests
``testUserLoginMethodAPI_1_1``).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client

from services_api.endpoints.portable import EndpointImportError, export_endpoint, import_endpoints
from services_api.models import Endpoint, EndpointResource
from tests.user_helpers import USER_ALL, js, make_api, make_user, send

pytestmark = pytest.mark.usefixtures("no_password_leaks")

OLD = {"username": "alice", "password": "alice-pass"}
NEW = {"name": "alice", "pass": "alice-pass"}
LOGIN_V = "HTTP_SERVICES_USER_LOGIN_VERSION"


def api(make_endpoint, login=None, logout=None):
    endpoint = make_api(make_endpoint)
    versions = {k: v for k, v in (("login", login), ("logout", logout)) if v}
    EndpointResource.objects.filter(endpoint=endpoint, resource="user").update(
        api_versions=versions
    )
    make_user("alice", "alice-pass")
    return endpoint


def reply_text(response, suffix):
    return js(response)[0] if suffix == "json" else response.content.decode()


@pytest.mark.parametrize("body", ["form", "json", "xml"])
def test_default_is_1_0(client, make_endpoint, body):
    api(make_endpoint)
    response = send(client, "POST", "/svc/user/login.json", OLD, body=body)
    assert response.status_code == 200
    assert js(response)["user"]["name"] == "alice"
    other = send(Client(), "POST", "/svc/user/login.json", NEW, body=body)
    assert other.status_code == 401
    assert other.reason_phrase == "Unauthorized : Missing required argument username"


@pytest.mark.parametrize("suffix", ["json", "xml"])
@pytest.mark.parametrize("body", ["form", "json", "xml"])
def test_endpoint_setting_1_1_takes_name_and_pass(client, make_endpoint, suffix, body):
    api(make_endpoint, login="1.1")
    refused = send(client, "POST", f"/svc/user/login.{suffix}", OLD, body=body)
    assert refused.status_code == 401
    assert refused.reason_phrase == "Unauthorized : Missing required argument name"
    assert "Missing required argument name" in reply_text(refused, suffix)
    assert settings.SESSION_COOKIE_NAME not in refused.cookies  # no session was started
    response = send(client, "POST", f"/svc/user/login.{suffix}", NEW, body=body)
    assert response.status_code == 200
    if suffix == "json":
        data = js(response)
        assert list(data) == ["sessid", "session_name", "token", "user"]
        assert data["user"]["name"] == "alice"
    else:
        assert b"<name>alice</name>" in response.content


def test_1_1_missing_pass_and_wrong_password(client, make_endpoint):
    api(make_endpoint, login="1.1")
    missing = send(client, "POST", "/svc/user/login.json", {"name": "alice"})
    assert missing.status_code == 401
    assert js(missing) == ["Missing required argument pass"]
    wrong = send(client, "POST", "/svc/user/login.json", {"name": "alice", "pass": "nope"})
    assert wrong.status_code == 401
    assert wrong.reason_phrase == "Unauthorized : Wrong username or password."


@pytest.mark.parametrize("value", [{"x": "1"}, ["a", "b"]])
def test_1_1_wrong_types_are_400(client, make_endpoint, django_user_model, value):
    api(make_endpoint, login="1.1")
    response = send(client, "POST", "/svc/user/login.json", {"name": value, "pass": "x"})
    assert response.status_code == 400
    assert response.reason_phrase == ": Invalid value for argument name: expected a string."
    assert django_user_model.objects.get(username="alice").last_login is None


def test_header_overrides_the_endpoint_setting(client, make_endpoint):
    """Drupal's test: a 1.1 endpoint still takes the old names with ``…_version: 1.0``."""
    api(make_endpoint, login="1.1")
    response = send(client, "POST", "/svc/user/login.json", OLD, **{LOGIN_V: "1.0"})
    assert response.status_code == 200
    response = send(Client(), "POST", "/svc/user/login.json", NEW, **{LOGIN_V: "1.1"})
    assert response.status_code == 200


def test_header_alone_selects_1_1(client, make_endpoint):
    api(make_endpoint)
    response = send(client, "POST", "/svc/user/login.json", NEW, **{LOGIN_V: "1.1"})
    assert response.status_code == 200
    # An unparsable version is 1.0, as in Drupal.
    refused = send(Client(), "POST", "/svc/user/login.json", NEW, **{LOGIN_V: "one"})
    assert refused.reason_phrase == "Unauthorized : Missing required argument username"


@pytest.mark.parametrize("suffix", ["json", "xml"])
def test_logout_1_1_returns_the_anonymous_user(client, make_endpoint, suffix):
    api(make_endpoint, logout="1.1")
    token = js(send(client, "POST", "/svc/user/login.json", OLD))["token"]
    response = send(client, "POST", f"/svc/user/logout.{suffix}", token=token)
    assert response.status_code == 200
    if suffix == "json":
        assert js(response) == {
            "uid": 0,
            "hostname": "127.0.0.1",
            "roles": {"1": "anonymous user"},
            "cache": 0,
        }
    else:
        assert b"<uid>0</uid><hostname>127.0.0.1</hostname>" in response.content
    again = send(client, "POST", "/svc/user/logout.json", token=token)
    assert again.reason_phrase == "Not Acceptable : User is not logged in."


def test_logout_1_0_is_true(client, make_endpoint):
    api(make_endpoint)
    token = js(send(client, "POST", "/svc/user/login.json", OLD))["token"]
    assert js(send(client, "POST", "/svc/user/logout.json", token=token)) == [True]


# ------------------------------------------------------------------ the endpoint setting


@pytest.mark.parametrize(
    ("versions", "message"),
    [
        ({"login": "2.0"}, "user/login has no API version '2.0' (available: 1.0, 1.1)."),
        ({"retrieve": "1.1"}, "user has no versioned method 'retrieve'"),
        (["login"], "Expected a mapping of method names to versions"),
    ],
)
def test_setting_is_validated(make_endpoint, versions, message):
    endpoint = make_api(make_endpoint)
    row = EndpointResource(endpoint=endpoint, resource="user", api_versions=versions)
    with pytest.raises(ValidationError) as info:
        row.clean()
    assert message in str(info.value)


def test_export_and_import_round_trip(make_endpoint):
    endpoint = api(make_endpoint, login="1.1")
    data = export_endpoint(endpoint)
    assert data["resources"]["user"]["api_versions"] == {"login": "1.1"}
    assert "api_versions" not in data["resources"]["system"]  # written only when set
    data["name"], data["path"] = "copy", "copy"
    import_endpoints([data])
    copy = EndpointResource.objects.get(endpoint__name="copy", resource="user")
    assert copy.api_versions == {"login": "1.1"}


def test_import_refuses_bad_versions_and_writes_nothing(db):
    config = {
        "name": "bad",
        "path": "bad",
        "resources": {"user": {**USER_ALL, "api_versions": {"login": "9.9"}}},
    }
    with pytest.raises(EndpointImportError) as info:
        import_endpoints([config])
    assert "api_versions: user/login has no API version '9.9'" in str(info.value)
    assert not Endpoint.objects.filter(name="bad").exists()


def test_admin_form_offers_and_validates_the_setting(make_endpoint):
    from services_api.admin import EndpointResourceForm

    endpoint = make_endpoint("other", resources={})

    def form(versions):
        data = {"resource": "user", "actions": ["login"], "api_versions": versions}
        return EndpointResourceForm(data=data, instance=EndpointResource(endpoint=endpoint))

    bad = form('{"login": "3.0"}')
    assert not bad.is_valid()
    assert bad.errors["api_versions"] == [
        "user/login has no API version '3.0' (available: 1.0, 1.1)."
    ]
    good = form('{"login": "1.1"}')
    assert good.is_valid(), good.errors
    good.save()
    assert EndpointResource.objects.get(endpoint=endpoint, resource="user").api_versions == {
        "login": "1.1"
    }
    empty = form("")
    assert empty.is_valid(), empty.errors
    assert empty.instance.api_versions == {}
