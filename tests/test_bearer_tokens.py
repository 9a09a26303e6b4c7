"""Bearer tokens: issued for a user, hashed at rest, expiring, revocable; no CSRF needed."""

from datetime import timedelta

import orjson
import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from services_api.auth.tokens import (
    hash_secret,
    issue_bearer_token,
    revoke_bearer_token,
    user_for_bearer_token,
)
from services_api.models import BearerToken

pytestmark = pytest.mark.django_db

SECRET = "/test/echo/secret"
REALM = f'Bearer realm="{settings.SERVICES_API["SITE_NAME"]}"'


@pytest.fixture
def endpoint(make_endpoint):
    return make_endpoint(authentication=["session", "basic", "api_key", "bearer"])


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.com", "pw")


def post_secret(client, token=None, suffix="json", scheme="Bearer"):
    headers = {"HTTP_AUTHORIZATION": f"{scheme} {token}"} if token is not None else {}
    return client.post(f"{SECRET}.{suffix}", b"{}", content_type="application/json", **headers)


def test_issue_stores_only_a_hash(alice):
    before = timezone.now()
    token, expires = issue_bearer_token(alice)
    assert len(token) == 43
    stored = BearerToken.objects.get()
    assert stored.user == alice
    assert stored.token_hash == hash_secret(token)
    assert stored.prefix == token[:8]
    assert stored.expires == expires
    ttl = timedelta(seconds=14 * 24 * 3600)
    assert before + ttl <= expires <= timezone.now() + ttl
    row = BearerToken.objects.filter(pk=stored.pk).values().get()
    for column, value in row.items():
        if column != "prefix":
            assert token not in str(value), column
    assert issue_bearer_token(alice)[0] != token


@override_settings(SERVICES_API={**settings.SERVICES_API, "BEARER_TOKEN_TTL": 60})
def test_ttl_setting(alice):
    _, expires = issue_bearer_token(alice)
    assert expires <= timezone.now() + timedelta(seconds=60)


def test_token_authenticates_writes_without_csrf(client, endpoint, alice):
    token, _ = issue_bearer_token(alice)
    for suffix in ("json", "xml"):
        response = post_secret(client, token, suffix)
        assert response.status_code == 200
    response = post_secret(client, token)
    assert orjson.loads(response.content) == {"op": "secret", "user": "alice"}
    # The scheme is case-insensitive, as RFC 7235 says.
    assert post_secret(client, token, scheme="bearer").status_code == 200


@pytest.mark.parametrize(
    ("suffix", "body"),
    [
        ("json", b'["Invalid or expired token."]'),
        ("xml", b"<result>Invalid or expired token.</result>"),
    ],
)
@pytest.mark.parametrize("state", ["garbage", "empty", "expired", "revoked", "inactive"])
def test_bad_token_is_401_with_challenge(client, endpoint, alice, suffix, body, state):
    token, _ = issue_bearer_token(alice)
    if state == "garbage":
        token = "not-a-token"
    elif state == "empty":
        token = ""
    elif state == "expired":
        BearerToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    elif state == "revoked":
        assert revoke_bearer_token(token)
    else:
        alice.is_active = False
        alice.save()
    response = post_secret(client, token, suffix)
    assert response.status_code == 401
    assert response.reason_phrase == "Unauthorized : Invalid or expired token."
    assert response["WWW-Authenticate"] == REALM
    assert body in response.content


def test_no_header_is_anonymous(client, endpoint):
    response = post_secret(client)
    assert response.status_code == 401  # anonymous 403 -> Basic's 401
    assert response["WWW-Authenticate"].startswith("Basic ")


def test_bearer_ignored_on_endpoint_without_bearer_auth(client, make_endpoint, alice):
    make_endpoint(authentication=["session"])
    token, _ = issue_bearer_token(alice)
    assert post_secret(client, token).status_code == 403
    assert post_secret(client, "garbage").status_code == 403


def test_helpers(alice):
    token, _ = issue_bearer_token(alice)
    assert user_for_bearer_token(token) == alice
    assert user_for_bearer_token("") is None
    assert revoke_bearer_token(token) is True
    assert revoke_bearer_token(token) is False
    assert revoke_bearer_token("") is False
    assert user_for_bearer_token(token) is None


def test_admin_lists_and_revokes_but_cannot_add(admin_client, alice):
    token, _ = issue_bearer_token(alice)
    stored = BearerToken.objects.get()
    url = reverse("admin:services_api_bearertoken_changelist")
    page = admin_client.get(url)
    assert page.status_code == 200
    assert stored.prefix.encode() in page.content
    assert token.encode() not in page.content
    assert stored.token_hash.encode() not in page.content
    assert admin_client.get(reverse("admin:services_api_bearertoken_add")).status_code == 403
    response = admin_client.post(
        url, {"action": "revoke_tokens", "_selected_action": [stored.pk]}, follow=True
    )
    assert response.status_code == 200
    assert user_for_bearer_token(token) is None
    change = admin_client.get(reverse("admin:services_api_bearertoken_change", args=[stored.pk]))
    assert change.status_code == 200
    assert stored.token_hash.encode() not in change.content
