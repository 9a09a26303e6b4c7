"""jDrupal 7.x-1.x and DrupalGap 7.x-1.x user calls against the demo endpoint ``api``, sent
exactly as those clients send them (issue #15 item 4; spec §12.13): ``?q=api/<path>.json``,
``Accept: */*``, a CSRF token fetched before every call and sent on every call, login
form-encoded, other bodies JSON, ``""`` for a POST without data, ``user_save`` unwrapped.

Sources: jDrupal ``src/services/services.js`` (``jDrupal.services.call``),
``services.user.js`` (``user_login``, ``user_logout``, ``user_register``,
``user_request_new_password``), ``entity.js`` (``entity_save``/``entity_update``: users are not
wrapped); DrupalGap ``src/modules/user/user.forms.js`` (the register and profile forms' values).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from tests.entity_helpers import PASSWORD, make_user
from tests.test_jdrupal import JDrupal, ok

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_password_leaks")]
User = get_user_model()


class App(JDrupal):
    """jDrupal's flows: every call first makes sure it holds a CSRF token (jDrupal.sessid)."""

    def services_call(self, method, path, payload=None, *, form=False):
        if not self.token:
            self.fetch_token()
        if method == "GET":
            return self.get(path)
        return self.call(method, path, payload, form=form)

    def system_connect(self):
        data = ok(self.services_call("POST", "system/connect.json"))
        self.user = data["user"]
        return data

    def user_login(self, name, password):
        data = ok(
            self.services_call(
                "POST", "user/login.json", {"username": name, "password": password}, form=True
            )
        )
        # jDrupal: forget the token, fetch a new one (the session changed), system_connect.
        self.token = None
        self.fetch_token()
        self.system_connect()
        return data

    def user_logout(self):
        data = ok(self.services_call("POST", "user/logout.json"))
        self.token = None
        self.system_connect()
        return data


def test_login_connect_load_save_logout(client):
    alice = make_user("alice")
    app = App(client)
    anonymous = app.system_connect()
    assert anonymous["user"]["uid"] == 0
    assert anonymous["user"]["roles"] == {"1": "anonymous user"}
    login = app.user_login("alice", PASSWORD)
    assert login["user"]["name"] == "alice" and login["user"]["mail"] == "alice@example.com"
    assert isinstance(login["user"]["login"], int)
    assert app.user["uid"] == str(alice.pk)  # system_connect after login
    # user_load: entity_retrieve GET user/<uid>.json
    account = ok(app.services_call("GET", f"user/{alice.pk}.json"))
    assert account["name"] == "alice" and "pass" not in account and "init" not in account
    # user_save with a uid: PUT user/<uid>.json with the account unwrapped, as DrupalGap's
    # profile form builds it (current_pass + pass, the confirm fields removed).
    account_form = {
        "uid": account["uid"],
        "name": "alice",
        "mail": "alice@example.org",
        "current_pass": PASSWORD,
        "pass": "new-secret-pass",
    }
    saved = ok(app.services_call("PUT", f"user/{alice.pk}.json", account_form))
    assert saved["mail"] == "alice@example.org" and saved["uid"] == str(alice.pk)
    alice.refresh_from_db()
    assert alice.email == "alice@example.org" and alice.check_password("new-secret-pass")
    # A new password regenerates the session id, and with it the CSRF token, as Drupal's
    # user_save() does; the client needs a fresh token (jDrupal's services_get_csrf_token).
    stale = app.call("POST", "user/logout.json")
    assert stale.reason_phrase == "Unauthorized : CSRF validation failed"
    app.token = None
    assert app.user_logout() == [True]
    assert app.user["uid"] == 0
    # The new password logs in.
    assert app.user_login("alice", "new-secret-pass")["user"]["uid"] == str(alice.pk)


def test_drupalgap_profile_form_without_a_password_change(client):
    alice = make_user("alice")
    app = App(client)
    app.system_connect()
    app.user_login("alice", PASSWORD)
    form = {
        "uid": str(alice.pk),
        "name": "alice",
        "mail": "alice@example.com",
        "current_pass": "",
        "pass_pass1": "",
        "pass_pass2": "",
        "picture": "",
    }
    saved = ok(app.services_call("PUT", f"user/{alice.pk}.json", form))
    assert saved == {"uid": str(alice.pk), "roles": {"2": "authenticated user"}}
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_drupalgap_register_then_auto_login(client):
    app = App(client)
    app.system_connect()
    account = {
        "name": "newbie",
        "mail": "newbie@example.com",
        "conf_mail": "newbie@example.com",
        "pass": "newbie-pass-123",
        "pass2": "newbie-pass-123",
    }
    created = ok(app.services_call("POST", "user/register.json", account))
    newbie = User.objects.get(username="newbie")
    assert created == {"uid": str(newbie.pk), "uri": f"http://testserver/api/user/{newbie.pk}"}
    assert newbie.check_password("newbie-pass-123") and newbie.email == "newbie@example.com"
    login = app.user_login(account["name"], account["pass"])
    assert login["user"]["uid"] == str(newbie.pk)


def test_register_errors_reach_jdrupal_as_a_406(client):
    make_user("alice")
    app = App(client)
    app.system_connect()
    response = app.services_call(
        "POST", "user/register.json", {"name": "alice", "mail": "x@example.com", "pass": "p"}
    )
    assert response.status_code == 406
    assert response.reason_phrase.startswith("Not Acceptable : The name alice is already taken.")
    assert User.objects.filter(username="alice").count() == 1


def test_request_new_password(client):
    make_user("alice")
    app = App(client)
    app.system_connect()
    assert ok(app.services_call("POST", "user/request_new_password.json", {"name": "alice"})) == [
        True
    ]
    assert mail.outbox[0].to == ["alice@example.com"]
    assert "user/reset/" in mail.outbox[0].body


def test_user_create_by_an_admin_through_user_save(client):
    User.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    app = App(client)
    app.system_connect()
    app.user_login("boss", PASSWORD)
    account = {"name": "made", "mail": "made@example.com", "pass": "made-pass-123", "status": 1}
    created = ok(app.services_call("POST", "user.json", account))
    made = User.objects.get(username="made")
    assert created["uid"] == str(made.pk) and made.is_active


def test_wrong_password_is_what_jdrupal_reports(client):
    make_user("alice")
    app = App(client)
    app.system_connect()
    response = app.services_call(
        "POST", "user/login.json", {"username": "alice", "password": "nope"}, form=True
    )
    assert response.status_code == 401
    assert response.reason_phrase == "Unauthorized : Wrong username or password."
    assert "application/json" in response["Content-Type"]
