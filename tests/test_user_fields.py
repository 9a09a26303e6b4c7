"""The user fields Drupal returns (issue #15 item 4) and ``services_remove_user_data()``'s rules:
never ``pass``; ``mail`` for the account itself and admins; ``init`` for admins only."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client, override_settings

from tests.user_helpers import js, login, make_api, make_user, send

pytestmark = pytest.mark.usefixtures("no_password_leaks")
User = get_user_model()

#: The settings without the demo's profile hook and UUID field.
PLAIN = {**settings.SERVICES_API, "USER_PROFILE_FIELDS": None, "USER_UUID_FIELD": None}
DRUPAL_ORDER = [
    "uid",
    "name",
    "mail",
    "theme",
    "signature",
    "signature_format",
    "created",
    "access",
    "login",
    "status",
    "timezone",
    "language",
    "picture",
    "init",
    "data",
    "roles",
]


@pytest.fixture
def accounts(make_endpoint):
    make_api(make_endpoint, authentication=["session"])
    alice = make_user("alice", "alice-pass")
    bob = make_user("bob", "bob-pass")
    bob.user_permissions.add(Permission.objects.get(codename="view_user"))
    root = User.objects.create_superuser("root", "root@example.com", "root-pass")
    return alice, bob, root


def keys_without(*hidden):
    return [key for key in DRUPAL_ORDER if key not in hidden]


def retrieve_as(username, password, uid, suffix="json"):
    client = Client()
    login(client, username, password)
    return client.get(f"/svc/user/{uid}.{suffix}")


@override_settings(SERVICES_API=PLAIN)
def test_self_sees_mail_but_not_init(accounts):
    alice, _, _ = accounts
    data = js(retrieve_as("alice", "alice-pass", alice.pk))
    assert list(data) == keys_without("init")
    assert data["mail"] == "alice@example.com"
    assert (data["theme"], data["signature"], data["signature_format"]) == ("", "", None)
    assert (data["timezone"], data["language"], data["picture"]) == (settings.TIME_ZONE, "", None)
    assert data["data"] is False
    assert data["status"] == "1" and data["roles"] == {"2": "authenticated user"}


@override_settings(SERVICES_API=PLAIN)
def test_admin_sees_mail_and_init(accounts):
    alice, _, _ = accounts
    data = js(retrieve_as("root", "root-pass", alice.pk))
    assert list(data) == DRUPAL_ORDER
    assert data["init"] == data["mail"] == "alice@example.com"


@override_settings(SERVICES_API=PLAIN)
def test_other_user_sees_neither_mail_nor_init(accounts):
    alice, _, _ = accounts
    data = js(retrieve_as("bob", "bob-pass", alice.pk))
    assert list(data) == keys_without("mail", "init")


def test_anonymous_sees_nothing(accounts):
    alice, _, _ = accounts
    response = Client().get(f"/svc/user/{alice.pk}.json")
    assert response.status_code == 403
    assert response.reason_phrase == ": Access denied for user anonymous"


@override_settings(SERVICES_API=PLAIN)
def test_xml_rendering(accounts):
    alice, _, _ = accounts
    body = retrieve_as("root", "root-pass", alice.pk, "xml").content.decode()
    # NULL is an empty element, as Drupal renders it (<timezone/> in seed:tr); FALSE is empty.
    assert "<theme></theme><signature></signature><signature_format/>" in body
    assert f"<timezone>{settings.TIME_ZONE}</timezone><language></language>" in body
    assert "<picture/><init>alice@example.com</init><data></data>" in body
    assert "<pass>" not in body


@override_settings(SERVICES_API=PLAIN)
@pytest.mark.parametrize(
    ("username", "password", "has_init"),
    [("alice", "alice-pass", False), ("root", "root-pass", True)],
)
def test_login_reply_user(accounts, username, password, has_init):
    data = js(
        send(Client(), "POST", "/svc/user/login.json", {"username": username, "password": password})
    )
    user = data["user"]
    assert list(user) == (DRUPAL_ORDER if has_init else keys_without("init"))
    assert isinstance(user["login"], int)
    assert "pass" not in user


def stored_profile(user, request):
    return {
        "timezone": "Europe/Berlin",
        "picture": {"fid": "7", "uri": "public://pictures/picture-7.jpg"},
        "init": "first@example.com",
        "signature": "--A",
        "pass": "leak",
    }


@override_settings(
    SERVICES_API={
        **PLAIN,
        "USER_PROFILE_FIELDS": "tests.test_user_fields.stored_profile",
    }
)
def test_profile_hook_supplies_stored_values_and_init_stays_admin_only(accounts):
    alice, _, _ = accounts
    own = js(retrieve_as("alice", "alice-pass", alice.pk))
    assert list(own) == keys_without("init")  # the hook's init is dropped for non-admins
    assert own["timezone"] == "Europe/Berlin" and own["signature"] == "--A"
    assert own["picture"]["fid"] == "7"
    assert "pass" not in own
    admin_view = js(retrieve_as("root", "root-pass", alice.pk))
    assert admin_view["init"] == "first@example.com"


@override_settings(SERVICES_API=PLAIN)
def test_connect_as_logged_in_user(accounts):
    client = Client()
    token = login(client, "alice", "alice-pass")["token"]
    data = js(send(client, "POST", "/svc/system/connect.json", token=token))
    assert list(data["user"]) == keys_without("init")
