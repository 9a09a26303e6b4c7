"""The ``system`` resource: connect and the variable actions (spec §8)."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from services_api.models import SystemVariable
from tests.user_helpers import js, login, make_api, make_user, send

pytestmark = pytest.mark.usefixtures("no_password_leaks")
User = get_user_model()


@pytest.fixture
def api(make_endpoint):
    return make_api(make_endpoint, authentication=["session"])


def logged_in(username, password):
    client = Client()
    data = login(client, username, password)
    return client, data["token"]


# ---------------------------------------------------------------- connect


@pytest.mark.parametrize("body", ["form", "json"])
def test_connect_anonymous(api, body):
    client = Client(REMOTE_ADDR="203.0.113.9")
    payload = {"anything": "whatever"} if body == "json" else {"whatever": ""}
    response = send(client, "POST", "/svc/system/connect.json", payload, body=body)
    assert response.status_code == 200
    data = js(response)
    assert list(data) == ["sessid", "session_name", "user"]
    assert data["session_name"] == settings.SESSION_COOKIE_NAME
    assert len(data["sessid"]) == 32
    user = data["user"]
    assert user["uid"] == 0 and user["hostname"] == "203.0.113.9"
    assert user["roles"] == {"1": "anonymous user"}
    assert user["cache"] == 0
    assert abs(user["timestamp"] - time.time()) < 10
    # No session is created for anonymous callers (the sessid is throw-away).
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_connect_anonymous_xml(api):
    client = Client()
    response = send(client, "POST", "/svc/system/connect.xml")
    assert response.status_code == 200
    # Numeric role ids render as <item> (spec §5.3: the rids are lost in XML).
    assert b'<roles is_array="true"><item>anonymous user</item></roles>' in response.content
    assert b"<uid>0</uid>" in response.content


def test_connect_logged_in(api):
    alice = make_user("alice", "alice-pass")
    client = Client()
    data = login(client, "alice", "alice-pass")
    response = send(client, "POST", "/svc/system/connect.json", token=data["token"])
    body = js(response)
    assert body["sessid"] == data["sessid"]
    assert body["user"]["uid"] == str(alice.pk)
    assert body["user"]["mail"] == "alice@example.com"
    assert body["user"]["roles"] == {"2": "authenticated user"}


def test_get_connect_is_404(client, api):
    response = client.get("/svc/system/connect.json")
    assert response.status_code == 404
    assert response.reason_phrase == "Not found : Could not find the controller."
    assert response.content == b""


# ---------------------------------------------------------------- variables


@pytest.mark.parametrize(
    ("suffix", "expected"),
    [
        (".json", b'["Access denied for user anonymous"]'),
        (".xml", b"<result>Access denied for user anonymous</result>"),
    ],
)
def test_variables_anonymous_denied(client, api, suffix, expected):
    for action_name, data in [
        ("get_variable", {"name": "site_name"}),
        ("set_variable", {"name": "site_name", "value": "x"}),
        ("del_variable", {"name": "site_name"}),
    ]:
        response = send(client, "POST", f"/svc/system/{action_name}{suffix}", data)
        assert response.status_code == 403
        assert response.reason_phrase == ": Access denied for user anonymous"
        assert expected in response.content
    assert not SystemVariable.objects.exists()


def test_missing_name_is_reported_before_access(client, api):
    response = send(client, "POST", "/svc/system/get_variable.json", {})
    assert response.status_code == 401
    assert response.reason_phrase == "Unauthorized : Missing required argument name"


def test_plain_user_is_denied(api):
    make_user("alice", "alice-pass")
    client, token = logged_in("alice", "alice-pass")
    response = send(client, "POST", "/svc/system/get_variable.json", {"name": "x"}, token=token)
    assert response.status_code == 403
    assert response.reason_phrase == ": Access denied for user alice"


def test_staff_reads_but_cannot_write(api):
    SystemVariable.objects.create(name="site_name", value="Demo")
    make_user("staff", "staff-pass", is_staff=True)
    client, token = logged_in("staff", "staff-pass")
    response = send(
        client, "POST", "/svc/system/get_variable.json", {"name": "site_name"}, token=token
    )
    assert js(response) == ["Demo"]
    response = send(
        client,
        "POST",
        "/svc/system/set_variable.json",
        {"name": "site_name", "value": "Hacked"},
        token=token,
    )
    assert response.status_code == 403
    assert SystemVariable.objects.get(name="site_name").value == "Demo"


def test_permission_grants_read_and_write(api):
    user = make_user("ops", "ops-pass")
    user.user_permissions.add(
        Permission.objects.get(codename="view_systemvariable"),
        Permission.objects.get(codename="change_systemvariable"),
    )
    client, token = logged_in("ops", "ops-pass")
    response = send(
        client, "POST", "/svc/system/set_variable.json", {"name": "n", "value": "7"}, token=token
    )
    assert response.status_code == 200
    assert response.content == b"null"
    got = send(client, "POST", "/svc/system/get_variable.json", {"name": "n"}, token=token)
    assert js(got) == ["7"]


def test_superuser_variable_round_trip(api):
    User.objects.create_superuser("root", "root@example.com", "root-pass")
    client, token = logged_in("root", "root-pass")

    def call(action_name, data, suffix=".json"):
        return send(client, "POST", f"/svc/system/{action_name}{suffix}", data, token=token)

    assert js(call("get_variable", {"name": "missing", "default": "fallback"})) == ["fallback"]
    assert call("get_variable", {"name": "missing"}).content == b"null"
    assert call("set_variable", {"name": "cfg", "value": {"a": 1, "b": [1, 2]}}).status_code == 200
    assert js(call("get_variable", {"name": "cfg"})) == {"a": 1, "b": [1, 2]}
    xml = call("get_variable", {"name": "cfg"}, ".xml").content
    assert b"<a>1</a>" in xml
    assert call("set_variable", {"name": "cfg", "value": 5}).status_code == 200
    assert js(call("get_variable", {"name": "cfg"})) == [5]
    assert call("get_variable", {"name": "cfg"}, ".xml").content.endswith(b"<result>5</result>\n")
    assert call("del_variable", {"name": "cfg"}).content == b"null"
    assert not SystemVariable.objects.filter(name="cfg").exists()
    assert js(call("get_variable", {"name": "cfg", "default": 0})) == [0]
    xml_set = send(
        client,
        "POST",
        "/svc/system/set_variable.xml",
        {"name": "x", "value": "from xml"},
        body="xml",
        token=token,
    )
    assert xml_set.status_code == 200
    assert SystemVariable.objects.get(name="x").value == "from xml"


def test_variables_in_the_admin(admin_client):
    SystemVariable.objects.create(name="site_slogan", value="Hi")
    response = admin_client.get("/admin/services_api/systemvariable/")
    assert response.status_code == 200
    assert b"site_slogan" in response.content
