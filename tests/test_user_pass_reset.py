"""``user/user_pass_reset`` as in Services 7.x-3.28 (issue #15 item 4): ``uid``, ``timestamp``,
``hashed_pass`` from the one-time login link; the reply logs in and holds a
``pass_reset_token`` with which ``PUT user/<uid>?pass-reset-token=…`` sets a new password
without the current one."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from services_api.drupal.user import pass_reset_tokens
from tests.user_helpers import js, login, make_api, make_user, send

pytestmark = pytest.mark.usefixtures("no_password_leaks")
User = get_user_model()
USED = (
    "You have tried to use a one-time login link that has either been used or is no longer "
    "valid. Please request a new one."
)
EXPIRED = "You have tried to use a one-time login link that has expired. Please request a new one."
WELCOME = (
    "You have just used your one-time login link. It is no longer necessary to use this link to "
    "log in. <strong>Please change your password</strong>."
)


@pytest.fixture
def alice(make_endpoint):
    make_api(make_endpoint, authentication=["session"])
    return make_user("alice", "alice-pass")


def link_from_mail(message) -> dict:
    uid, moment, hashed = re.search(r"user/reset/(\d+)/(\d+)/(\S+)", message.body).groups()
    assert f"hashed_pass: {hashed}" in message.body and f"timestamp: {moment}" in message.body
    return {"uid": uid, "timestamp": moment, "hashed_pass": hashed}


def link_for(user, moment: int) -> dict:
    return {
        "uid": user.pk,
        "timestamp": moment,
        "hashed_pass": pass_reset_tokens.hashed_pass(user, moment),
    }


def reset(client, data, suffix="json", body="json"):
    return send(client, "POST", f"/svc/user/user_pass_reset.{suffix}", data, body=body)


def stored(user):
    return User.objects.filter(pk=user.pk).values("password", "last_login").get()


@pytest.mark.parametrize("body", ["json", "form", "xml"])
def test_request_mail_reset_then_change_password(client, alice, body):
    assert js(send(client, "POST", "/svc/user/request_new_password.json", {"name": "alice"})) == [
        True
    ]
    link = link_from_mail(mail.outbox[0])
    assert link["uid"] == str(alice.pk)
    response = reset(client, link, body=body)
    assert response.status_code == 200, response.reason_phrase
    data = js(response)
    assert list(data) == ["pass_reset_token", "message"]
    assert data["message"] == WELCOME
    assert len(data["pass_reset_token"]) == 43
    # Logged in with a session cookie (Drupal's user_login_finalize()).
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    alice.refresh_from_db()
    assert alice.last_login is not None
    token = client.get("/services/session/token").content.decode()
    # Without the token the current password is required, as in Drupal's account form.
    refused = send(
        client, "PUT", f"/svc/user/{alice.pk}.json", {"pass": "brand-new-pass"}, token=token
    )
    assert refused.status_code == 406
    assert "current_pass" in js(refused)["form_errors"]
    assert alice.check_password("alice-pass")  # the refused PUT changed nothing
    url = f"/svc/user/{alice.pk}.json?pass-reset-token={data['pass_reset_token']}"
    changed = send(client, "PUT", url, {"pass": "brand-new-pass"}, token=token)
    assert changed.status_code == 200, changed.reason_phrase
    alice.refresh_from_db()
    assert alice.check_password("brand-new-pass")
    # The reset token is used up by the new password.
    token = client.get("/services/session/token").content.decode()
    again = send(client, "PUT", url, {"pass": "third-pass"}, token=token)
    assert again.status_code == 406
    alice.refresh_from_db()
    assert alice.check_password("brand-new-pass")


@pytest.mark.parametrize("suffix", ["json", "xml"])
def test_link_is_one_time(client, alice, suffix):
    link = link_for(alice, int(time.time()))
    assert reset(client, link).status_code == 200
    fresh = Client()
    response = reset(fresh, link, suffix)
    assert response.status_code == 406
    assert response.reason_phrase == f"Not Acceptable : {USED}"
    if suffix == "json":
        assert js(response) == [USED]
    else:
        assert f"<result>{USED}</result>".encode() in response.content


@pytest.mark.parametrize("suffix", ["json", "xml"])
def test_wrong_hash_writes_nothing(client, alice, suffix):
    before = stored(alice)
    response = reset(client, {**link_for(alice, int(time.time())), "hashed_pass": "nope"}, suffix)
    assert response.status_code == 406
    assert response.reason_phrase == f"Not Acceptable : {USED}"
    assert stored(alice) == before
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_link_older_than_last_login_is_invalid(client, alice):
    moment = int(time.time()) - 100
    link = link_for(alice, moment)
    User.objects.filter(pk=alice.pk).update(last_login=datetime.fromtimestamp(moment + 50, UTC))
    response = reset(client, link)
    assert response.reason_phrase == f"Not Acceptable : {USED}"


def test_expired_link(client, alice, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    moment = int(time.time()) - 7200
    User.objects.filter(pk=alice.pk).update(last_login=datetime.fromtimestamp(moment - 10, UTC))
    alice.refresh_from_db()
    response = reset(client, link_for(alice, moment))
    assert response.status_code == 406
    assert response.reason_phrase == f"Not Acceptable : {EXPIRED}"


def test_no_expiry_before_the_first_login(client, alice, settings):
    """Drupal: "No time out for first time login"."""
    settings.PASSWORD_RESET_TIMEOUT = 3600
    assert alice.last_login is None
    assert reset(client, link_for(alice, int(time.time()) - 7200)).status_code == 200


@pytest.mark.parametrize("case", ["future", "unknown", "blocked"])
def test_access_denied_without_clues(client, alice, case):
    moment = int(time.time())
    link = link_for(alice, moment)
    if case == "future":
        link = link_for(alice, moment + 3600)
    elif case == "unknown":
        link["uid"] = 99999
    else:
        User.objects.filter(pk=alice.pk).update(is_active=False)
    before = stored(alice)
    response = reset(client, link)
    assert response.status_code == 403
    assert response.reason_phrase == ": Access denied."
    assert js(response) == ["Access denied."]
    assert stored(alice) == before


def test_logged_in_as_the_same_user(client, alice):
    data = login(client, "alice", "alice-pass")
    response = send(
        client,
        "POST",
        "/svc/user/user_pass_reset.json",
        link_for(User.objects.get(pk=alice.pk), int(time.time())),
        token=data["token"],
    )
    assert response.status_code == 403
    assert response.reason_phrase == (
        ": You are logged in as alice. Please edit your profile to update your password."
    )
    assert js(response) == [
        'You are logged in as <em class="placeholder">alice</em>. Please edit your profile to '
        "update your password."
    ]


def test_logged_in_as_another_user(client, alice):
    make_user("bob", "bob-pass")
    data = login(client, "bob", "bob-pass")
    link = link_for(alice, int(time.time()))
    response = send(client, "POST", "/svc/user/user_pass_reset.json", link, token=data["token"])
    assert response.status_code == 405
    assert response.reason_phrase == (
        ": Another user (bob) is already logged into the site on this computer, but you tried "
        "to use a one-time link for user alice. Please logout and try using the link again."
    )
    link["uid"] = 99999
    response = send(client, "POST", "/svc/user/user_pass_reset.json", link, token=data["token"])
    assert response.status_code == 406
    assert (
        response.reason_phrase == "Not Acceptable : The one-time login link you clicked is invalid."
    )


@pytest.mark.parametrize("missing", ["uid", "timestamp", "hashed_pass"])
@pytest.mark.parametrize("suffix", ["json", "xml"])
def test_missing_argument(client, alice, missing, suffix):
    link = link_for(alice, int(time.time()))
    del link[missing]
    before = stored(alice)
    response = reset(client, link, suffix)
    assert response.status_code == 401
    assert response.reason_phrase == f"Unauthorized : Missing required argument {missing}"
    assert stored(alice) == before


@pytest.mark.parametrize(
    ("name", "value"), [("uid", "abc"), ("timestamp", "soon"), ("uid", {"a": 1})]
)
def test_wrong_types(client, alice, name, value):
    link = {**link_for(alice, int(time.time())), name: value}
    before = stored(alice)
    response = reset(client, link)
    assert response.status_code == 400
    assert response.reason_phrase == f": Invalid value for argument {name}: expected an integer."
    assert stored(alice) == before


def test_hash_depends_on_the_secret_and_the_account(alice, settings):
    moment = int(time.time())
    hashed = pass_reset_tokens.hashed_pass(alice, moment)
    assert pass_reset_tokens.check_hashed_pass(alice, moment, hashed)
    assert not pass_reset_tokens.check_hashed_pass(alice, moment + 1, hashed)
    bob = make_user("bob")
    assert not pass_reset_tokens.check_hashed_pass(bob, moment, hashed)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "another-secret-key-for-this-test-0123456789"
    from services_api.drupal.user import PassResetTokens

    rotated = PassResetTokens()
    assert rotated.check_hashed_pass(alice, moment, hashed)  # old links survive a key rotation
    assert rotated.hashed_pass(alice, moment) != hashed
