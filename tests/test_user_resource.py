"""The ``user`` resource: fields, access, create/register/update/delete/index, mails (spec §8)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from tests.user_helpers import js, login, make_api, make_user, send

pytestmark = pytest.mark.usefixtures("no_password_leaks")
User = get_user_model()


@pytest.fixture
def api(make_endpoint):
    return make_api(make_endpoint)


@pytest.fixture
def alice(api):
    return make_user("alice", "alice-pass")


@pytest.fixture
def admin(api):
    return User.objects.create_superuser("root", "root@example.com", "root-pass")


def logged_in(username, password):
    client = Client()
    data = login(client, username, password)
    return client, data["token"]


def profile_fields(user, request):
    return {"fullname": f"Full {user.get_username()}", "pass": "leak", "mail": "x@y"}


# ---------------------------------------------------------------- retrieve


def test_retrieve_self(alice):
    client, _ = logged_in("alice", "alice-pass")
    data = js(client.get(f"/svc/user/{alice.pk}.json"))
    assert data["uid"] == str(alice.pk)
    assert data["name"] == "alice"
    assert data["mail"] == "alice@example.com"
    assert data["status"] == "1"
    assert data["created"] == str(int(alice.date_joined.timestamp()))
    assert re.fullmatch(r"\d+", data["access"]) and data["access"] == data["login"]
    assert data["roles"] == {"2": "authenticated user"}
    assert "pass" not in data and "password" not in data


def test_retrieve_roles_from_groups(alice):
    group = Group.objects.create(name="editor")
    alice.groups.add(group)
    client, _ = logged_in("alice", "alice-pass")
    data = js(client.get(f"/svc/user/{alice.pk}.json"))
    assert data["roles"] == {"2": "authenticated user", str(group.pk + 2): "editor"}
    xml = client.get(f"/svc/user/{alice.pk}.xml").content.decode()
    # Role ids are numeric keys: XML renders them as <item> and loses the rids (spec §5.3).
    assert '<roles is_array="true"><item>authenticated user</item><item>editor</item>' in xml


@override_settings(SERVICES_API={"AUTHENTICATED_CAN_VIEW_PROFILES": False})
def test_retrieve_other_needs_permission(alice):
    make_user("bob", "bob-pass")
    bob = User.objects.get(username="bob")
    client, _ = logged_in("bob", "bob-pass")
    denied = client.get(f"/svc/user/{alice.pk}.json")
    assert denied.status_code == 403
    assert denied.reason_phrase == ": Access denied for user bob"
    assert js(denied) == ["Access denied for user bob"]
    bob.user_permissions.add(Permission.objects.get(codename="view_user"))
    client, _ = logged_in("bob", "bob-pass")
    data = js(client.get(f"/svc/user/{alice.pk}.json"))
    assert data["name"] == "alice"
    assert "mail" not in data  # mail only for self and admins
    alice.is_active = False
    alice.save()
    assert client.get(f"/svc/user/{alice.pk}.json").status_code == 403


def test_admin_sees_mail(alice, admin):
    client, _ = logged_in("root", "root-pass")
    assert js(client.get(f"/svc/user/{alice.pk}.json"))["mail"] == "alice@example.com"


@pytest.mark.parametrize(
    ("suffix", "body"),
    [
        (".json", b'["Access denied for user anonymous"]'),
        (
            ".xml",
            b'<?xml version="1.0" encoding="utf-8"?>\n'
            b"<result>Access denied for user anonymous</result>",
        ),
    ],
)
def test_anonymous_retrieve_is_denied(client, alice, suffix, body):
    response = client.get(f"/svc/user/{alice.pk}{suffix}")
    # Basic auth is on: a 401 challenge that keeps Drupal's message.
    assert response.status_code == 401
    assert response.reason_phrase == "Unauthorized : Access denied for user anonymous"
    assert response["WWW-Authenticate"].startswith("Basic realm=")
    assert response.content.strip() == body


def test_anonymous_retrieve_is_403_without_basic(client, make_endpoint):
    make_api(make_endpoint, authentication=["session"])
    alice = make_user("alice", "alice-pass")
    response = client.get(f"/svc/user/{alice.pk}.json")
    assert response.status_code == 403
    assert response.reason_phrase == ": Access denied for user anonymous"
    assert js(response) == ["Access denied for user anonymous"]


@pytest.mark.parametrize(
    ("suffix", "expected"),
    [
        (".json", b'["There is no user with ID 99999."]'),
        (".xml", b"<result>There is no user with ID 99999.</result>"),
    ],
)
def test_retrieve_unknown_uid(client, alice, suffix, expected):
    response = client.get(f"/svc/user/99999{suffix}")
    assert response.status_code == 404
    assert response.reason_phrase == "Not found : There is no user with ID 99999."
    assert expected in response.content
    assert client.get("/svc/user/abc.json").status_code == 404


def test_uid_0_is_never_viewable(admin):
    client, _ = logged_in("root", "root-pass")
    assert client.get("/svc/user/0.json").status_code == 403


def test_profile_hook_and_uuid(alice):
    client, _ = logged_in("alice", "alice-pass")
    hooked = {"USER_PROFILE_FIELDS": "tests.test_user_resource.profile_fields"}
    with override_settings(SERVICES_API={**hooked, "USER_UUID_FIELD": "demo_profile__uuid"}):
        data = js(client.get(f"/svc/user/{alice.pk}.json"))
    assert data["fullname"] == "Full alice"
    assert data["mail"] == "alice@example.com"  # the hook cannot override sanitising
    assert "pass" not in data
    assert data["uuid"] == str(alice.demo_profile.uuid)


# ---------------------------------------------------------------- create / register


@pytest.mark.parametrize("body", ["json", "form", "xml"])
@pytest.mark.parametrize("wrapped", [True, False])
def test_register_anonymous(client, api, body, wrapped):
    account = {"name": "newbie", "mail": "newbie@example.com", "pass": "newbie-pass"}
    payload = {"account": account} if wrapped else account
    response = send(client, "POST", "/svc/user/register.json", payload, body=body)
    assert response.status_code == 200, response.content
    user = User.objects.get(username="newbie")
    assert js(response) == {"uid": str(user.pk), "uri": f"http://testserver/svc/user/{user.pk}"}
    assert user.check_password("newbie-pass")
    assert user.email == "newbie@example.com"
    assert user.is_active and not user.is_staff and not user.is_superuser


def test_register_pass1_pass2(client, api):
    account = {"name": "n", "mail": "n@example.com", "pass": {"pass1": "p-1", "pass2": "p-1"}}
    assert send(client, "POST", "/svc/user/register.json", {"account": account}).status_code == 200
    account = {"name": "m", "mail": "m@example.com", "pass": {"pass1": "p-1", "pass2": "p-2"}}
    response = send(client, "POST", "/svc/user/register.json", {"account": account})
    assert response.status_code == 406
    assert js(response) == {"form_errors": {"pass": "The specified passwords do not match."}}


def test_register_without_password_sends_a_welcome_mail(client, api):
    account = {"name": "nopass", "mail": "nopass@example.com"}
    assert send(client, "POST", "/svc/user/register.json", {"account": account}).status_code == 200
    user = User.objects.get(username="nopass")
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nopass@example.com"]
    assert "hashed_pass" in mail.outbox[0].body


@pytest.mark.parametrize("suffix", [".json", ".xml"])
def test_register_mail_required(client, api, suffix):
    response = send(client, "POST", f"/svc/user/register{suffix}", {"account": {"name": "x"}})
    assert response.status_code == 406
    assert response.reason_phrase == "Not Acceptable : E-mail address field is required."
    if suffix == ".json":
        assert js(response) == {"form_errors": {"mail": "E-mail address field is required."}}
    else:
        assert b"<form_errors><mail>E-mail address field is required.</mail></form_errors>" in (
            response.content
        )


@pytest.mark.parametrize("suffix", [".json", ".xml"])
def test_duplicate_name(client, alice, suffix):
    account = {"name": "Alice", "mail": "other@example.com", "pass": "p"}
    response = send(client, "POST", f"/svc/user/register{suffix}", {"account": account})
    assert response.status_code == 406
    assert response.reason_phrase == "Not Acceptable : The name Alice is already taken."
    if suffix == ".json":
        assert js(response) == {
            "form_errors": {"name": 'The name <em class="placeholder">Alice</em> is already taken.'}
        }
    else:
        assert b"<name>The name &lt;em class=" in response.content


def test_duplicate_mail_anonymous_and_admin(client, alice, admin):
    account = {"name": "other", "mail": "ALICE@example.com", "pass": "p"}
    response = send(client, "POST", "/svc/user/register.json", {"account": account})
    assert response.status_code == 406
    assert response.reason_phrase == (
        "Not Acceptable : The e-mail address ALICE@example.com is already registered. "
        "Have you forgotten your password?"
    )
    root, token = logged_in("root", "root-pass")
    response = send(root, "POST", "/svc/user.json", {"account": account}, token=token)
    assert response.status_code == 406
    assert response.reason_phrase == (
        "Not Acceptable : The e-mail address ALICE@example.com is already taken."
    )
    assert js(response) == {
        "form_errors": {
            "mail": 'The e-mail address <em class="placeholder">ALICE@example.com</em> is '
            "already taken."
        }
    }


def test_several_form_errors_join_in_the_status_line(client, alice):
    response = send(client, "POST", "/svc/user/register.json", {"account": {"name": "alice"}})
    assert response.reason_phrase == (
        "Not Acceptable : The name alice is already taken. E-mail address field is required."
    )
    assert set(js(response)["form_errors"]) == {"name", "mail"}


def test_registration_closed(client, make_endpoint):
    make_api(make_endpoint, allow_registration=False, authentication=["session"])
    account = {"name": "x", "mail": "x@example.com", "pass": "p"}
    for path in ("/svc/user/register.json", "/svc/user.json"):
        response = send(client, "POST", path, {"account": account})
        assert response.status_code == 403
        assert response.reason_phrase == ": Access denied for user anonymous"
    assert not User.objects.filter(username="x").exists()


def test_logged_in_non_admin_cannot_register_or_create(alice):
    client, token = logged_in("alice", "alice-pass")
    account = {"name": "x", "mail": "x@example.com", "pass": "p"}
    for path in ("/svc/user/register.json", "/svc/user.json"):
        response = send(client, "POST", path, {"account": account}, token=token)
        assert response.status_code == 403
        assert response.reason_phrase == ": Access denied for user alice"


MASS_ASSIGNMENT = {
    "is_staff": "1",
    "is_superuser": "1",
    "groups": ["1"],
    "user_permissions": ["1"],
    "date_joined": "2001-01-01T00:00:00Z",
    "pk": "4242",
    "id": "4242",
    "uid": "4242",
    "password": "md5$x$y",
}


@pytest.mark.parametrize("body", ["json", "form"])
def test_register_mass_assignment(client, api, body):
    group = Group.objects.create(name="powerful")
    account = {
        "name": "mallory",
        "mail": "m@example.com",
        "pass": "m-pass",
        "status": "0",
        "roles": {str(group.pk + 2): str(group.pk + 2)},
        **{k: v for k, v in MASS_ASSIGNMENT.items() if body == "json" or isinstance(v, str)},
    }
    response = send(client, "POST", "/svc/user/register.json", {"account": account}, body=body)
    assert response.status_code == 200
    user = User.objects.get(username="mallory")
    assert not user.is_staff and not user.is_superuser
    assert user.is_active  # status is for admins only
    assert not user.groups.exists() and not user.user_permissions.exists()
    assert user.pk != 4242
    assert user.date_joined.year == timezone.now().year
    assert user.check_password("m-pass")


def test_admin_create_honours_status_and_roles_only(admin):
    group = Group.objects.create(name="editor")
    client, token = logged_in("root", "root-pass")
    account = {
        "name": "ed",
        "mail": "ed@example.com",
        "pass": "ed-pass",
        "status": 0,
        "roles": {str(group.pk + 2): str(group.pk + 2), "2": "2"},
        **MASS_ASSIGNMENT,
    }
    response = send(client, "POST", "/svc/user.json", {"account": account}, token=token)
    assert response.status_code == 200, response.content
    user = User.objects.get(username="ed")
    assert not user.is_active
    assert list(user.groups.values_list("name", flat=True)) == ["editor"]
    assert not user.is_staff and not user.is_superuser and user.pk != 4242


# ---------------------------------------------------------------- update


def test_update_self_mail_needs_current_password(alice):
    client, token = logged_in("alice", "alice-pass")
    path = f"/svc/user/{alice.pk}.json"
    response = send(client, "PUT", path, {"data": {"mail": "new@example.com"}}, token=token)
    assert response.status_code == 406
    assert "current_pass" in js(response)["form_errors"]
    response = send(
        client,
        "PUT",
        path,
        {"data": {"mail": "new@example.com", "current_pass": "alice-pass"}},
        token=token,
    )
    assert response.status_code == 200
    assert js(response) == {
        "mail": "new@example.com",
        "uid": str(alice.pk),
        "roles": {"2": "authenticated user"},
    }


def test_update_own_password_keeps_the_session(alice):
    client, token = logged_in("alice", "alice-pass")
    data = {"data": {"pass": "fresh-pass", "current_pass": "alice-pass"}}
    response = send(client, "PUT", f"/svc/user/{alice.pk}.json", data, token=token)
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password("fresh-pass")
    # The session survives (with a new id, hence a new token) and keeps working.
    assert client.get(f"/svc/user/{alice.pk}.json").status_code == 200


@pytest.mark.parametrize("suffix", [".json", ".xml"])
def test_non_admin_cannot_change_username(alice, suffix):
    client, token = logged_in("alice", "alice-pass")
    response = send(
        client, "PUT", f"/svc/user/{alice.pk}{suffix}", {"data": {"name": "queen"}}, token=token
    )
    assert response.status_code == 406
    assert response.reason_phrase == "Not Acceptable : You are not allowed to change your username."
    alice.refresh_from_db()
    assert alice.username == "alice"


def test_update_mass_assignment_as_self(alice):
    client, token = logged_in("alice", "alice-pass")
    data = {"data": {**MASS_ASSIGNMENT, "status": "0", "roles": {"3": "3"}}}
    response = send(client, "PUT", f"/svc/user/{alice.pk}.json", data, token=token)
    assert response.status_code == 200
    alice.refresh_from_db()
    assert not alice.is_staff and not alice.is_superuser and alice.is_active
    assert not alice.groups.exists() and alice.pk != 4242
    assert alice.check_password("alice-pass")


def test_update_as_admin(alice, admin):
    group = Group.objects.create(name="editor")
    client, token = logged_in("root", "root-pass")
    data = {
        "data": {
            "name": "alicia",
            "mail": "alicia@example.com",
            "status": "0",
            "roles": {str(group.pk + 2): str(group.pk + 2)},
            **MASS_ASSIGNMENT,
        }
    }
    response = send(client, "PUT", f"/svc/user/{alice.pk}.json", data, token=token)
    assert response.status_code == 200, response.content
    body = js(response)
    assert body["name"] == "alicia" and body["status"] == "0"
    assert body["roles"] == {"2": "authenticated user", str(group.pk + 2): "editor"}
    alice.refresh_from_db()
    assert alice.username == "alicia" and not alice.is_active
    assert not alice.is_staff and not alice.is_superuser


def test_update_duplicate_name_as_admin(alice, admin):
    client, token = logged_in("root", "root-pass")
    response = send(
        client, "PUT", f"/svc/user/{alice.pk}.json", {"data": {"name": "ROOT"}}, token=token
    )
    assert response.status_code == 406
    assert response.reason_phrase == "Not Acceptable : The name ROOT is already taken."


def test_update_other_is_denied(alice):
    make_user("bob", "bob-pass")
    client, token = logged_in("bob", "bob-pass")
    response = send(
        client, "PUT", f"/svc/user/{alice.pk}.json", {"data": {"mail": "x@x.org"}}, token=token
    )
    assert response.status_code == 403


# ---------------------------------------------------------------- delete / cancel


def ensure_uid_1():
    return User.objects.filter(pk=1).first() or User.objects.create_user("uid1", pk=1)


def test_delete(alice, admin):
    ensure_uid_1()
    victim = make_user("victim")
    client, token = logged_in("root", "root-pass")
    response = send(client, "DELETE", f"/svc/user/{victim.pk}.json", token=token)
    assert response.status_code == 200 and js(response) == [True]
    assert not User.objects.filter(pk=victim.pk).exists()
    response = send(client, "DELETE", "/svc/user/1.json", token=token)
    assert response.status_code == 403
    assert response.reason_phrase == ": The admin user cannot be deleted."
    assert js(response) == ["The admin user cannot be deleted."]
    missing = send(client, "DELETE", "/svc/user/99999.json", token=token)
    assert missing.status_code == 404


def test_delete_needs_admin(alice):
    victim = make_user("victim")
    client, token = logged_in("alice", "alice-pass")
    assert send(client, "DELETE", f"/svc/user/{victim.pk}.json", token=token).status_code == 403


@pytest.mark.parametrize("suffix", ["json", "xml"])
def test_cancel_self_is_denied_as_in_services_3(api, suffix):
    """Services 3.x: ``cancel`` needs *administer users*, even for one's own account."""
    carol = make_user("carol", "carol-pass")
    client, token = logged_in("carol", "carol-pass")
    response = send(client, "POST", f"/svc/user/{carol.pk}/cancel.{suffix}", token=token)
    assert response.status_code == 403
    assert response.reason_phrase == ": Access denied for user carol"
    carol.refresh_from_db()
    assert carol.is_active
    assert send(client, "POST", "/svc/user/logout.json", token=token).status_code == 200


@pytest.mark.parametrize("suffix", ["json", "xml"])
def test_admin_cancels_blocks_and_ends_sessions(admin, suffix):
    carol = make_user("carol", "carol-pass")
    carol_client, carol_token = logged_in("carol", "carol-pass")
    client, token = logged_in("root", "root-pass")
    response = send(client, "POST", f"/svc/user/{carol.pk}/cancel.{suffix}", token=token)
    assert response.status_code == 200
    if suffix == "json":
        assert js(response) == [True]
    else:
        assert b"<result>1</result>" in response.content
    carol.refresh_from_db()
    assert not carol.is_active
    assert User.objects.filter(pk=carol.pk).exists()  # blocked (user_cancel_block), not deleted
    gone = send(carol_client, "POST", "/svc/user/logout.json", token=carol_token)
    assert gone.status_code == 406  # her session no longer authenticates


def test_cancel_unknown_uid_is_404_for_anyone(api):
    client = Client()
    response = send(client, "POST", "/svc/user/99999/cancel.json")
    assert response.status_code == 404
    assert response.reason_phrase == "Not found : There is no user with ID 99999."


def test_cancel_uid_1_and_others(alice, admin):
    ensure_uid_1()
    client, token = logged_in("root", "root-pass")
    response = send(client, "POST", "/svc/user/1/cancel.xml", token=token)
    assert response.status_code == 403
    assert response.reason_phrase == ": The admin user cannot be canceled."
    assert b"<result>The admin user cannot be canceled.</result>" in response.content
    bob = make_user("bob", "bob-pass")
    client, token = logged_in("bob", "bob-pass")
    assert send(client, "POST", f"/svc/user/{alice.pk}/cancel.json", token=token).status_code == (
        403
    )
    assert User.objects.get(pk=alice.pk).is_active and bob.is_active


# ---------------------------------------------------------------- index


@override_settings(SERVICES_API={"AUTHENTICATED_CAN_VIEW_PROFILES": False})
def test_index_needs_permission(alice):
    client, _ = logged_in("alice", "alice-pass")
    response = client.get("/svc/user.json")
    assert response.status_code == 403


@override_settings(SERVICES_API={"AUTHENTICATED_CAN_VIEW_PROFILES": True})
def test_profiles_visible_to_every_signed_in_user_when_granted(alice):
    make_user("bob", "bob-pass")
    client, _ = logged_in("bob", "bob-pass")
    data = js(client.get(f"/svc/user/{alice.pk}.json"))
    assert data["name"] == "alice" and "mail" not in data
    assert Client().get(f"/svc/user/{alice.pk}.json").status_code in (401, 403)
    alice.is_active = False
    alice.save()
    assert client.get(f"/svc/user/{alice.pk}.json").status_code == 403


def test_index_rows(alice, admin, django_assert_max_num_queries):
    for i in range(3):
        make_user(f"user{i}")
    client, _ = logged_in("root", "root-pass")
    with django_assert_max_num_queries(3):  # session, user, one query for the rows
        rows = js(client.get("/svc/user.json"))
    assert len(rows) == 5
    first = rows[0]
    assert set(first) == {"uid", "name", "mail", "created", "access", "login", "status", "uri"}
    assert all(isinstance(v, str) for v in first.values())
    assert first["uri"] == f"http://testserver/svc/user/{first['uid']}"
    created = [int(r["created"]) for r in rows]
    assert created == sorted(created, reverse=True)


def test_index_fields_parameters_paging(alice, admin, django_assert_max_num_queries):
    for i in range(25):
        make_user(f"user{i:02d}")
    client, _ = logged_in("root", "root-pass")
    with django_assert_max_num_queries(3):
        rows = js(client.get("/svc/user.json?fields=uid,name&pagesize=500"))
    assert len(rows) == 27  # admins: capped by the endpoint's max page size (100)
    assert set(rows[0]) == {"uid", "name", "uri"}
    viewer = make_user("viewer", "viewer-pass")
    viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
    other, _ = logged_in("viewer", "viewer-pass")
    assert len(js(other.get("/svc/user.json?pagesize=500"))) == 20  # the default page size
    rows = js(client.get("/svc/user.json?fields=name&parameters[name]=alice,user03"))
    assert sorted(r["name"] for r in rows) == ["alice", "user03"]
    rows = js(
        client.get(
            "/svc/user.json?fields=name&parameters[name]=user1%25"
            "&options[parameters_op][name]=LIKE&options[orderby][name]=asc"
        )
    )
    assert [r["name"] for r in rows] == [f"user1{i}" for i in range(10)]
    rows = js(
        client.get("/svc/user.json?fields=name&pagesize=10&page=2&options[orderby][name]=asc")
    )
    assert len(rows) == 8  # 25 + alice + root + viewer = 28 users
    assert js(client.get("/svc/user.json?parameters[name]=nobody")) == []
    assert (
        client.get("/svc/user.xml?parameters[name]=nobody").content.strip().endswith(b"<result/>")
    )


def test_index_bad_column(alice, admin):
    client, _ = logged_in("root", "root-pass")
    for query in ("fields=uid,pass", "parameters[password]=x", "options[orderby][pass]=asc"):
        response = client.get(f"/svc/user.json?{query}")
        assert response.status_code == 406
        assert response.reason_phrase.startswith("Not Acceptable : Invalid query provided")


def test_index_hides_mail_from_non_admins(alice):
    make_user("bob", "bob-pass").user_permissions.add(Permission.objects.get(codename="view_user"))
    client, _ = logged_in("bob", "bob-pass")
    rows = js(client.get("/svc/user.json"))
    by_name = {r["name"]: r for r in rows}
    assert "mail" not in by_name["alice"]
    assert by_name["bob"]["mail"] == "bob@example.com"
    assert client.get("/svc/user.json?parameters[mail]=alice@example.com").status_code == 406


# ---------------------------------------------------------------- passwords and mails


@pytest.mark.parametrize("name", ["alice", "ALICE@example.com", "nobody", "nobody@example.com"])
def test_request_new_password_never_reveals_accounts(client, alice, name):
    response = send(client, "POST", "/svc/user/request_new_password.json", {"name": name})
    assert response.status_code == 200
    assert js(response) == [True]
    expected = 1 if name.lower().startswith("alice") else 0
    assert len(mail.outbox) == expected
    if expected:
        assert mail.outbox[0].to == ["alice@example.com"]


def test_request_new_password_missing_name(client, api):
    response = send(client, "POST", "/svc/user/request_new_password.json", {})
    assert response.status_code == 401
    assert response.reason_phrase == "Unauthorized : Missing required argument name"


def test_admin_password_reset_and_welcome_mail(alice, admin):
    client, token = logged_in("root", "root-pass")
    response = send(client, "POST", f"/svc/user/{alice.pk}/password_reset.json", token=token)
    assert js(response) == [True]
    response = send(client, "POST", f"/svc/user/{alice.pk}/resend_welcome_email.json", token=token)
    assert js(response) == [True]
    assert [m.to for m in mail.outbox] == [["alice@example.com"], ["alice@example.com"]]
    assert mail.outbox[1].subject.startswith("Account details for alice")
    missing = send(client, "POST", "/svc/user/99999/password_reset.json", token=token)
    assert missing.status_code == 404


@pytest.mark.parametrize("suffix", ["json", "xml"])
def test_password_reset_is_open_to_anyone_as_in_services_3(client, alice, suffix):
    response = send(client, "POST", f"/svc/user/{alice.pk}/password_reset.{suffix}")
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert "hashed_pass" in mail.outbox[0].body
    missing = send(client, "POST", "/svc/user/99999/password_reset.json")
    assert missing.status_code == 404
    assert missing.reason_phrase == "Not found : There is no user with ID 99999."
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("suffix", ["json", "xml"])
def test_resend_welcome_email_needs_admin(alice, suffix):
    client, token = logged_in("alice", "alice-pass")
    url = f"/svc/user/{alice.pk}/resend_welcome_email.{suffix}"
    response = send(client, "POST", url, token=token)
    assert response.status_code == 403
    assert response.reason_phrase == ": Access denied for user alice"
    assert not mail.outbox
    anonymous = send(Client(), "POST", "/svc/user/99999/resend_welcome_email.json")
    assert anonymous.status_code == 404  # the account is loaded before access is checked


def test_welcome_mail_follows_the_registration_setting(make_endpoint):
    make_api(make_endpoint, allow_registration=False)
    alice = make_user("alice", "alice-pass")
    User.objects.create_superuser("root", "root@example.com", "root-pass")
    client, token = logged_in("root", "root-pass")
    url = f"/svc/user/{alice.pk}/resend_welcome_email.json"
    assert js(send(client, "POST", url, token=token)) == [True]
    assert (
        mail.outbox[0].subject == "An administrator created an account for you at Services API demo"
    )


def test_the_leak_detector_itself_catches_a_hash(client, echo_endpoint):
    """The autouse scan is real: an endpoint echoing a hash makes the request fail."""
    with pytest.raises(AssertionError, match="password hash"):
        send(client, "POST", "/test/echo.json", {"x": "pbkdf2_sha256$1000$salt$hash"})
    assert send(client, "POST", "/test/echo.json", {"x": "harmless"}).status_code == 200


BIG = "99999999999999999999999"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        # The one grammar (docs/query.md), as node and entity_*: a page beyond 2**53 rows or a
        # negative one is a 400 naming it; a pagesize of any length is silently capped.
        (f"page={BIG}", 400),
        (f"pagesize={BIG}", 200),
        ("page=9223372036854775807", 400),
        ("page=-5", 400),
        (f"parameters[uid]={BIG}", 406),
        (f"parameters[created]={BIG}", 406),
        (f"parameters[uid]=1,{BIG}&options[parameters_op][uid]=>", 406),
        ("parameters[uid]=abc", 406),
        ("parameters[name]=a_b%25&options[parameters_op][name]=LIKE", 200),  # any pattern
        ("options[parameters_op][uid]=SOUNDS&parameters[uid]=1", 406),
        ("options[orderby]=x", 400),  # malformed, not an unknown column
        ("options[parameters_op]=x&parameters[uid]=1", 400),
        ("options=x", 400),
        ("fields[]=x", 400),
    ],
)
def test_index_hostile_queries_never_500(admin, query, status):
    client, _ = logged_in("root", "root-pass")
    response = client.get(f"/svc/user.json?{query}")
    assert response.status_code == status, response.content


@pytest.mark.parametrize(
    "payload",
    [
        {"account": "x"},
        {"account": {"name": ["a"], "mail": {"x": 1}, "pass": 5}},
        [1, 2],
        {"account": {"name": "a" * 300, "mail": "a@example.com"}},
    ],
)
def test_register_hostile_bodies_are_form_errors(client, api, payload):
    response = send(client, "POST", "/svc/user/register.json", payload)
    assert response.status_code == 406
    assert "form_errors" in js(response)


def test_hostile_arguments_never_500(client, api):
    assert send(client, "POST", f"/svc/user/{BIG}/cancel.json").status_code in (401, 403, 404)
    assert send(client, "GET", f"/svc/user/{BIG}.json").status_code in (401, 404)
    bad_types = {"username": ["a"], "password": {"b": 1}}
    assert send(client, "POST", "/svc/user/login.json", bad_types).status_code == 400
    huge = {"username": "a" * 100000, "password": "b"}
    assert send(client, "POST", "/svc/user/login.json", huge).status_code == 401
    reset = {"uid": BIG, "timestamp": "1", "hashed_pass": "x"}
    response = send(client, "POST", "/svc/user/user_pass_reset.json", reset)
    assert response.status_code == 400  # beyond 64 bits: not an integer any database holds
    assert response.reason_phrase == ": Invalid value for argument uid: expected an integer."
