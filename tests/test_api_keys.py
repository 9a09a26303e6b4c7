"""API keys (CiviCRM style): site key + per-user key, hashed at rest, shown once, revocable."""

from datetime import timedelta
from io import StringIO
from urllib.parse import urlencode

import orjson
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from services_api.auth.tokens import (
    create_api_key,
    hash_secret,
    revoke_api_key,
    rotate_api_key,
    user_for_api_key,
)
from services_api.models import ApiKey

pytestmark = pytest.mark.django_db

SITE_KEY = "the-site-key"
SECRET = "/test/echo/secret"


def with_site_key(value=SITE_KEY):
    return override_settings(SERVICES_API={**settings.SERVICES_API, "SITE_KEY": value})


@pytest.fixture
def endpoint(make_endpoint):
    return make_endpoint(authentication=["session", "basic", "api_key", "bearer"])


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.com", "pw")


@pytest.fixture
def alice_key(alice):
    return create_api_key(alice, name="scripts")


def post_secret(client, suffix="json", query=None, **extra):
    """POST the ``echo/secret`` action (actions are POSTs), which needs a logged-in user."""
    url = f"{SECRET}.{suffix}"
    if query:
        url += "?" + urlencode(query)
    return client.post(url, b"{}", content_type="application/json", **extra)


# --- storage -------------------------------------------------------------------------------


def test_key_is_random_and_stored_hashed(alice, alice_key):
    api_key, key = alice_key
    assert len(key) == 43
    assert api_key.prefix == key[:8]
    assert api_key.key_hash == hash_secret(key)
    row = ApiKey.objects.filter(pk=api_key.pk).values().get()
    for column, value in row.items():
        if column != "prefix":
            assert key not in str(value), column
    other_key = create_api_key(alice)[1]
    assert other_key != key


def test_user_for_api_key(alice, alice_key):
    api_key, key = alice_key
    assert user_for_api_key(key) == alice
    assert user_for_api_key(key + "x") is None
    assert user_for_api_key("") is None
    alice.is_active = False
    alice.save()
    assert user_for_api_key(key) is None


def test_last_used_written_at_most_once_a_minute(alice_key, django_assert_num_queries):
    api_key, key = alice_key
    assert api_key.last_used is None
    user_for_api_key(key)
    first = ApiKey.objects.get(pk=api_key.pk).last_used
    assert first is not None
    with django_assert_num_queries(1):  # the lookup only, no UPDATE
        user_for_api_key(key)
    assert ApiKey.objects.get(pk=api_key.pk).last_used == first
    ApiKey.objects.filter(pk=api_key.pk).update(last_used=first - timedelta(minutes=5))
    user_for_api_key(key)
    assert ApiKey.objects.get(pk=api_key.pk).last_used > first - timedelta(minutes=1)


def test_revoked_key_fails(alice_key):
    api_key, key = alice_key
    revoke_api_key(api_key)
    assert user_for_api_key(key) is None


def test_rotated_key_replaces_old(alice, alice_key):
    api_key, key = alice_key
    new = rotate_api_key(api_key)
    assert new != key
    assert user_for_api_key(key) is None
    assert user_for_api_key(new) == alice
    api_key.refresh_from_db()
    assert api_key.prefix == new[:8]
    revoke_api_key(api_key)
    with pytest.raises(ValueError):
        rotate_api_key(api_key)


# --- authentication over HTTP --------------------------------------------------------------


@pytest.mark.parametrize("how", ["query", "header"])
def test_key_authenticates_without_site_key_setting(client, endpoint, alice_key, how):
    key = alice_key[1]
    if how == "query":
        response = post_secret(client, query={"api_key": key})
    else:
        response = post_secret(client, HTTP_X_API_KEY=key)
    assert response.status_code == 200
    assert orjson.loads(response.content) == {"op": "secret", "user": "alice"}


@with_site_key()
@pytest.mark.parametrize("site", ["query", "header"])
@pytest.mark.parametrize("user", ["query", "header"])
def test_site_key_and_user_key_variants(client, endpoint, alice_key, site, user):
    key = alice_key[1]
    query, headers = {}, {}
    if site == "query":
        query["key"] = SITE_KEY
    else:
        headers["HTTP_X_SITE_KEY"] = SITE_KEY
    if user == "query":
        query["api_key"] = key
    else:
        headers["HTTP_X_API_KEY"] = key
    response = post_secret(client, query=query, **headers)
    assert response.status_code == 200
    assert orjson.loads(response.content)["user"] == "alice"


@with_site_key()
def test_unsafe_method_needs_no_csrf_token(client, endpoint, alice_key):
    response = post_secret(client, HTTP_X_API_KEY=alice_key[1], HTTP_X_SITE_KEY=SITE_KEY)
    assert response.status_code == 200


@with_site_key()
@pytest.mark.parametrize(
    ("suffix", "body"),
    [("json", b'["Invalid site key."]'), ("xml", b"<result>Invalid site key.</result>")],
)
@pytest.mark.parametrize("site_key", [None, "wrong", ""])
def test_wrong_or_missing_site_key(client, endpoint, alice_key, suffix, body, site_key):
    query = {"api_key": alice_key[1]}
    if site_key is not None:
        query["key"] = site_key
    response = post_secret(client, suffix, query=query)
    assert response.status_code == 401
    assert response.reason_phrase == "Unauthorized : Invalid site key."
    assert body in response.content


@pytest.mark.parametrize(
    ("suffix", "body"),
    [("json", b'["Invalid API key."]'), ("xml", b"<result>Invalid API key.</result>")],
)
@pytest.mark.parametrize("state", ["wrong", "revoked", "rotated", "inactive"])
def test_bad_key_is_401_in_the_format(client, endpoint, alice, alice_key, suffix, body, state):
    api_key, key = alice_key
    if state == "wrong":
        key = "x" * 43
    elif state == "revoked":
        revoke_api_key(api_key)
    elif state == "rotated":
        rotate_api_key(api_key)
    else:
        alice.is_active = False
        alice.save()
    response = post_secret(client, suffix, HTTP_X_API_KEY=key)
    assert response.status_code == 401
    assert response.reason_phrase == "Unauthorized : Invalid API key."
    assert body in response.content
    if suffix == "json":
        assert response.content == body


def test_site_key_alone_is_anonymous(client, endpoint):
    with with_site_key():
        response = post_secret(client, query={"key": SITE_KEY})
    # Anonymous on an endpoint with Basic: the 403 becomes a 401 challenge with Drupal's text.
    assert response.status_code == 401
    assert response.reason_phrase == "Unauthorized : Access denied for user anonymous"


def test_api_key_ignored_on_endpoint_without_api_key_auth(client, make_endpoint, alice_key):
    make_endpoint(authentication=["session"])
    response = post_secret(client, HTTP_X_API_KEY=alice_key[1])
    assert response.status_code == 403
    response = post_secret(client, HTTP_X_API_KEY="garbage")
    assert response.status_code == 403


def test_last_used_updated_by_request(client, endpoint, alice_key):
    api_key, key = alice_key
    before = timezone.now()
    assert post_secret(client, HTTP_X_API_KEY=key).status_code == 200
    api_key.refresh_from_db()
    assert api_key.last_used >= before


# --- management command --------------------------------------------------------------------


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("services_apikey", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_create_prints_key_once(alice):
    out, err = run("create", "alice", "--name", "cron")
    key = out.strip()
    api_key = ApiKey.objects.get()
    assert api_key.name == "cron"
    assert api_key.key_hash == hash_secret(key)
    assert user_for_api_key(key) == alice
    assert "will not be shown again" in err
    assert key not in err
    listing, _ = run("list")
    assert api_key.prefix in listing
    assert key not in listing
    assert "alice" in listing and "cron" in listing and "active" in listing


def test_command_list_filters_by_user(alice, django_user_model):
    bob = django_user_model.objects.create_user("bob")
    a, _ = create_api_key(alice)
    b, _ = create_api_key(bob)
    listing, _ = run("list", "bob")
    assert b.prefix in listing and a.prefix not in listing


def test_command_revoke_and_rotate(alice, alice_key):
    api_key, key = alice_key
    out, err = run("rotate", api_key.prefix)
    new = out.strip()
    assert user_for_api_key(key) is None
    assert user_for_api_key(new) == alice
    assert new not in err
    api_key.refresh_from_db()
    out, _ = run("revoke", api_key.prefix)
    assert "Revoked" in out
    assert user_for_api_key(new) is None
    with pytest.raises(CommandError, match="already revoked"):
        run("revoke", api_key.prefix)
    with pytest.raises(CommandError, match="revoked and cannot be rotated"):
        run("rotate", api_key.prefix)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "nobody"), "No user named 'nobody'"),
        (("list", "nobody"), "No user named 'nobody'"),
        (("revoke", "zzzzzzzz"), "No API key with prefix 'zzzzzzzz'"),
        (("rotate", "zzzzzzzz"), "No API key with prefix 'zzzzzzzz'"),
    ],
)
def test_command_unknown_user_or_prefix(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


# --- admin ---------------------------------------------------------------------------------


def test_admin_add_shows_key_once(admin_client, alice):
    url = reverse("admin:services_api_apikey_add")
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b"key_hash" not in page.content
    response = admin_client.post(url, {"user": alice.pk, "name": "app"}, follow=True)
    assert response.status_code == 200
    api_key = ApiKey.objects.get()
    messages = [str(m) for m in response.context["messages"]]
    shown = [m for m in messages if "will not be shown again" in m]
    assert len(shown) == 1
    key = shown[0].split(" is ", 1)[1].split(" ")[0]
    assert api_key.key_hash == hash_secret(key)
    assert user_for_api_key(key) == alice
    assert key.encode() in response.content
    # Never again: not on the list, not on the change page.
    for page_url in (
        reverse("admin:services_api_apikey_changelist"),
        reverse("admin:services_api_apikey_change", args=[api_key.pk]),
    ):
        page = admin_client.get(page_url)
        assert page.status_code == 200
        assert key.encode() not in page.content
        assert api_key.key_hash.encode() not in page.content
        assert api_key.prefix.encode() in page.content


def test_admin_revoke_action(admin_client, alice, alice_key):
    api_key, key = alice_key
    url = reverse("admin:services_api_apikey_changelist")
    response = admin_client.post(
        url, {"action": "revoke_keys", "_selected_action": [api_key.pk]}, follow=True
    )
    assert response.status_code == 200
    api_key.refresh_from_db()
    assert api_key.revoked
    assert user_for_api_key(key) is None


def test_admin_rotate_action_shows_new_keys_once(admin_client, alice, alice_key):
    api_key, key = alice_key
    revoked, _ = create_api_key(alice)
    revoke_api_key(revoked)
    url = reverse("admin:services_api_apikey_changelist")
    response = admin_client.post(
        url,
        {"action": "rotate_keys", "_selected_action": [api_key.pk, revoked.pk]},
        follow=True,
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    shown = [m for m in messages if "will not be shown again" in m]
    assert len(shown) == 1
    new = shown[0].split("): ", 1)[1].split(" ")[0]
    assert user_for_api_key(key) is None
    assert user_for_api_key(new) == alice
    assert any("cannot be rotated" in m and revoked.prefix in m for m in messages)
    page = admin_client.get(url)
    assert new.encode() not in page.content


def test_key_prefixes_never_start_with_a_dash(monkeypatch, alice):
    """A prefix is typed on the command line (``services_apikey revoke <prefix>``)."""
    from services_api.auth import tokens

    draws = iter(["-" + "a" * 42, "b" * 43])
    monkeypatch.setattr(tokens.secrets, "token_urlsafe", lambda n: next(draws))
    api_key, key = tokens.create_api_key(alice, name="dash")
    assert key == "b" * 43 and not api_key.prefix.startswith("-")
