"""API keys (CiviCRM style) and bearer tokens: issuing, rotating, revoking, authenticating.

Both secrets are random (``secrets.token_urlsafe(32)``, 43 characters), returned to the caller
exactly once and stored only as their SHA-256 hex digest, with the first 8 characters kept as a
``prefix`` so administrators can tell keys apart. A presented secret is hashed and looked up by
its (unique, indexed) hash, so no stored secret is ever compared character by character.

Two authentication methods are registered for endpoints:

* ``api_key``: the site key (``key=`` parameter or ``X-Site-Key`` header, checked against
  ``SERVICES_API["SITE_KEY"]`` when that is set) plus the user's key (``api_key=`` parameter or
  ``X-API-Key`` header). No user key, no opinion: other methods may authenticate the request.
* ``bearer``: ``Authorization: Bearer <token>`` with a token from :func:`issue_bearer_token`.

Neither needs the ``X-CSRF-Token`` header: a browser never sends these credentials by itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication

from services_api.auth.authentication import AuthenticationFailed
from services_api.models import ApiKey, BearerToken
from services_api.settings import services_settings

PREFIX_LENGTH = 8
# ``last_used`` is written at most this often per key (not once per request).
LAST_USED_RESOLUTION = timedelta(minutes=1)

API_KEY_PARAM = "api_key"
API_KEY_HEADER = "X-API-Key"
SITE_KEY_PARAM = "key"
SITE_KEY_HEADER = "X-Site-Key"


def hash_secret(secret: str) -> str:
    """SHA-256 hex digest of a key or token, as stored in ``key_hash``/``token_hash``."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_secret() -> str:
    """A fresh secret whose prefix never starts with ``-``: administrators pass prefixes to
    ``services_apikey revoke|rotate``, where a leading dash would read as an option."""
    while True:
        secret = secrets.token_urlsafe(32)
        if not secret.startswith("-"):
            return secret


# --------------------------------------------------------------------------------------------
# API keys


def assign_new_key(api_key: ApiKey) -> str:
    """Give ``api_key`` a fresh secret (prefix and hash set, not saved); return the plain key."""
    key = _new_secret()
    api_key.prefix = key[:PREFIX_LENGTH]
    api_key.key_hash = hash_secret(key)
    return key


def create_api_key(user: Any, name: str = "") -> tuple[ApiKey, str]:
    """Create a key for ``user``; the plain key is returned here and never again."""
    api_key = ApiKey(user=user, name=name)
    key = assign_new_key(api_key)
    api_key.save()
    return api_key, key


def rotate_api_key(api_key: ApiKey) -> str:
    """Replace the key's secret (the old one stops working at once); return the new plain key.

    A revoked key stays revoked: rotating it is refused with ``ValueError``.
    """
    if api_key.revoked:
        raise ValueError(f"The API key {api_key.prefix}… is revoked and cannot be rotated.")
    key = assign_new_key(api_key)
    api_key.last_used = None
    api_key.save(update_fields=["prefix", "key_hash", "last_used"])
    return key


def revoke_api_key(api_key: ApiKey) -> None:
    """Revoke the key for good; requests presenting it are refused from now on."""
    api_key.revoked = True
    api_key.save(update_fields=["revoked"])


def _touch_last_used(api_key: ApiKey) -> None:
    now = timezone.now()
    cutoff = now - LAST_USED_RESOLUTION
    if api_key.last_used is not None and api_key.last_used >= cutoff:
        return
    # Conditional update: concurrent requests write at most once per resolution window.
    ApiKey.objects.filter(pk=api_key.pk).filter(
        Q(last_used__isnull=True) | Q(last_used__lt=cutoff)
    ).update(last_used=now)
    api_key.last_used = now


def api_key_for(key: str) -> ApiKey | None:
    """The stored key matching the plain ``key`` (revoked or not), or ``None``."""
    if not key:
        return None
    return ApiKey.objects.select_related("user").filter(key_hash=hash_secret(key)).first()


def user_for_api_key(key: str) -> Any | None:
    """The active user owning the valid (not revoked) ``key``, or ``None``."""
    api_key = api_key_for(key)
    if api_key is None or api_key.revoked or not api_key.user.is_active:
        return None
    _touch_last_used(api_key)
    return api_key.user


def site_key_valid(django_request: Any) -> bool:
    """Whether the request carries the configured ``SITE_KEY`` (``key=`` or ``X-Site-Key``),
    compared in constant time; always true when no site key is configured. For controllers
    that check it themselves (CiviCRM's ``civicrm/login`` has no API key yet)."""
    site_key = services_settings.SITE_KEY
    if not site_key:
        return True
    given = django_request.headers.get(SITE_KEY_HEADER) or django_request.GET.get(SITE_KEY_PARAM)
    return bool(given) and hmac.compare_digest(given.encode("utf-8"), str(site_key).encode("utf-8"))


class ApiKeyAuthentication(BaseAuthentication):
    """CiviCRM-style site key + per-user API key; wrong credentials are a 401, not anonymous."""

    def authenticate(self, request):
        django_request = request._request
        params = django_request.GET
        key = django_request.headers.get(API_KEY_HEADER) or params.get(API_KEY_PARAM)
        if not key:
            return None
        if not site_key_valid(django_request):
            raise AuthenticationFailed("Invalid site key.")
        user = user_for_api_key(key)
        if user is None:
            raise AuthenticationFailed("Invalid API key.")
        return (user, "api_key")


# --------------------------------------------------------------------------------------------
# Bearer tokens


def issue_bearer_token(user: Any) -> tuple[str, datetime]:
    """A new token for ``user`` valid for ``BEARER_TOKEN_TTL`` seconds: ``(token, expires)``."""
    token = _new_secret()
    expires = timezone.now() + timedelta(seconds=services_settings.BEARER_TOKEN_TTL)
    BearerToken.objects.create(
        user=user, prefix=token[:PREFIX_LENGTH], token_hash=hash_secret(token), expires=expires
    )
    return token, expires


def revoke_bearer_token(token: str) -> bool:
    """Revoke the token; ``True`` if it existed and was not revoked already."""
    if not token:
        return False
    updated = BearerToken.objects.filter(token_hash=hash_secret(token), revoked=False).update(
        revoked=True
    )
    return bool(updated)


def user_for_bearer_token(token: str) -> Any | None:
    """The active user of a valid (not revoked, not expired) token, or ``None``."""
    if not token:
        return None
    found = (
        BearerToken.objects.select_related("user")
        .filter(token_hash=hash_secret(token), revoked=False, expires__gt=timezone.now())
        .first()
    )
    if found is None or not found.user.is_active:
        return None
    return found.user


class BearerAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>``; a bad or expired token is a 401 with a challenge."""

    def authenticate(self, request):
        header = request._request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        user = user_for_bearer_token(token.strip())
        if user is None:
            raise AuthenticationFailed(
                "Invalid or expired token.", challenge=self.authenticate_header(request)
            )
        return (user, "bearer")

    def authenticate_header(self, request) -> str:
        return f'Bearer realm="{services_settings.SITE_NAME}"'


__all__ = [
    "API_KEY_HEADER",
    "API_KEY_PARAM",
    "ApiKeyAuthentication",
    "BearerAuthentication",
    "SITE_KEY_HEADER",
    "SITE_KEY_PARAM",
    "api_key_for",
    "assign_new_key",
    "create_api_key",
    "hash_secret",
    "issue_bearer_token",
    "revoke_api_key",
    "revoke_bearer_token",
    "rotate_api_key",
    "site_key_valid",
    "user_for_api_key",
    "user_for_bearer_token",
]
