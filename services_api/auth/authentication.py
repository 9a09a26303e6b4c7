"""Authentication methods an endpoint can enable (DRF authentication classes).

* ``session``: the Django session cookie; unsafe methods must carry ``X-CSRF-Token`` (spec §7).
* ``basic``: HTTP Basic; wrong credentials leave the request anonymous, as Drupal's module does.

A request no enabled method authenticates is anonymous; an endpoint without any method treats
every request as anonymous and ignores cookies.

Refused credentials raise DRF's ``AuthenticationFailed`` (``AuthenticationFailed`` below adds
the method's challenge), so the same classes work on the Services endpoints (the error handler
answers ``401 Unauthorized : <message>``) and on any DRF view (DRF's handler answers 401).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, get_user, get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.auth.signals import user_login_failed
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from services_api.settings import SettingMapping

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class AuthenticationFailed(exceptions.AuthenticationFailed):
    """DRF's 401 for refused credentials, carrying the refusing method's challenge.

    ``challenge`` becomes ``WWW-Authenticate`` (DRF reads ``auth_header``). A DRF view
    replaces it by its first authenticator's header, as DRF always does.
    """

    def __init__(self, detail: str, challenge: str | None = None) -> None:
        super().__init__(detail)
        if challenge:
            self.auth_header = challenge


def csrf_token(django_request: Any) -> str:
    """Drupal's services token: base64url(HMAC-SHA256), 43 characters, bound to the session.

    Without a session (anonymous caller) the token is bound to a throw-away value: it is never
    checked for anonymous requests anyway.
    """
    session = getattr(django_request, "session", None)
    session_key = session.session_key if session is not None else None
    seed = session_key or secrets.token_hex(16)
    digest = hmac.new((settings.SECRET_KEY + seed).encode(), b"services", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def csrf_token_valid(django_request: Any, token: str | None) -> bool:
    if not token:
        return False
    session = getattr(django_request, "session", None)
    if session is None or not session.session_key:
        return False
    return hmac.compare_digest(csrf_token(django_request), token)


MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class Blocked(Exception):
    """The credentials are right but the account is blocked (``is_active`` false)."""


def check_credentials(django_request: Any, username: str, password: str) -> Any:
    """The active user the credentials name, ``None``, or :class:`Blocked`.

    One password hash per attempt, whether or not the account exists (an unknown name costs
    Django's ``ModelBackend`` one hash of the default hasher). A blocked account's password is
    checked without the upgrade setter: ``user.check_password()`` and ``authenticate()`` would
    rewrite a Drupal hash although the login is refused, so a blocked account keeps its stored
    hash byte for byte. Everyone else goes through ``authenticate()`` (and the project's
    backends), which upgrades a Drupal hash on success. With Django's default backend alone,
    its steps run on the row already loaded, so a Basic request costs one query, not two.
    """
    User = get_user_model()
    try:
        candidate = User._default_manager.get_by_natural_key(username)
    except User.DoesNotExist:
        candidate = None
    if candidate is not None and not getattr(candidate, "is_active", True):
        if check_password(password, candidate.password):  # no setter: no rewrite
            raise Blocked(username)
        return None
    if candidate is not None and list(settings.AUTHENTICATION_BACKENDS) == [MODEL_BACKEND]:
        # ModelBackend.authenticate() on the loaded row: check (and upgrade) the password.
        if candidate.check_password(password):
            candidate.backend = MODEL_BACKEND
            return candidate
        user_login_failed.send(
            sender=__name__,
            credentials={"username": username, "password": "********************"},
            request=django_request,
        )
        return None
    user = authenticate(django_request, username=username, password=password)
    if user is None or not getattr(user, "is_active", True):
        return None
    return user


class SessionAuthentication(BaseAuthentication):
    """The Drupal session: cookie -> user, plus the X-CSRF-Token check on writes."""

    def authenticate(self, request):
        django_request = request._request
        if getattr(django_request, "session", None) is None:
            return None
        user = get_user(django_request)
        if not user or not user.is_authenticated:
            return None
        ctx = getattr(django_request, "services", None)
        if django_request.method not in SAFE_METHODS and not (ctx and ctx.skips_csrf):
            token = django_request.META.get("HTTP_X_CSRF_TOKEN") or request.query_params.get(
                "services_token"
            )
            if not csrf_token_valid(django_request, token):
                raise AuthenticationFailed("CSRF validation failed")
        return (user, "session")


class BasicAuthentication(BaseAuthentication):
    """HTTP Basic; bad or malformed credentials leave the request anonymous (Drupal)."""

    def authenticate(self, request):
        header = request._request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic" or not encoded:
            return None
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        username, sep, password = decoded.partition(":")
        if not sep:
            return None
        try:
            user = check_credentials(request._request, username, password)
        except Blocked:
            return None
        if user is None:
            return None
        return (user, "basic")

    def authenticate_header(self, request) -> str:
        from services_api.settings import services_settings

        return f'Basic realm="{services_settings.SITE_NAME}"'


#: The methods an endpoint can enable, by name: a view of ``SERVICES_API["AUTHENTICATORS"]``.
AUTHENTICATORS = SettingMapping("AUTHENTICATORS")


__all__ = [
    "AUTHENTICATORS",
    "AuthenticationFailed",
    "BasicAuthentication",
    "SessionAuthentication",
    "csrf_token",
    "csrf_token_valid",
]
