"""One namespaced settings object, ``services_settings``, read from ``settings.SERVICES_API``.

Follows DRF's ``api_settings`` pattern: a dict of documented defaults, lazy attribute access,
import strings resolved on first use, and a reload whenever Django's ``setting_changed`` signal
fires (``reload_settings``, connected in ``AppConfig.ready()``), so ``override_settings`` in
tests and settings edits at runtime are both honoured.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

SETTINGS_NAME = "SERVICES_API"

DEFAULTS: dict[str, Any] = {
    # Response format when a request has neither a suffix nor an Accept header (spec §1).
    "DEFAULT_RESPONSE_FORMAT": "json",
    # Services 3.20 lets sites answer a missing required argument with 400 instead of 401.
    "MISSING_ARGUMENT_STATUS": 401,
    # Request bodies larger than this many bytes are refused with 413.
    "MAX_BODY_BYTES": 2 * 1024 * 1024,
    # Cross-origin (CORS) policies by endpoint name; none: no CORS headers (see docs/deployment.md).
    "CORS": {},
    # Seconds sent in ``Retry-After`` with a 503 when the database or the cache is unreachable.
    "UNAVAILABLE_RETRY_AFTER": 5,
    # Cache alias holding the endpoint configuration, and how long an entry may live.
    "CONFIG_CACHE_ALIAS": "default",
    "CONFIG_CACHE_TIMEOUT": 3600,
    # Seconds a worker trusts its configuration snapshot before checking the version again.
    # An admin edit applies at once in the process that saved it and within this interval in
    # the other workers. 0 checks on every request: one cache round trip per request (with
    # Redis, a network round trip and a good part of a small page's time).
    "CONFIG_CHECK_INTERVAL": 1.0,
    # CiviCRM-style site key checked against the ``key`` parameter (None disables key auth).
    "SITE_KEY": None,
    # Lifetime of bearer tokens issued by ``user/login`` in seconds.
    "BEARER_TOKEN_TTL": 14 * 24 * 3600,
    # Login throttling: attempts allowed per window, per username and per client IP.
    "LOGIN_ATTEMPTS_PER_USERNAME": 5,
    "LOGIN_ATTEMPTS_PER_IP": 50,
    "LOGIN_THROTTLE_WINDOW": 3600,
    # Every signed-in user may view other active users' profiles (Drupal's "access user
    # profiles" granted to "authenticated user"); otherwise the ``auth.view_user`` permission.
    "AUTHENTICATED_CAN_VIEW_PROFILES": False,
    # Import string of a callable ``(user, request) -> dict`` adding profile fields to users.
    "USER_PROFILE_FIELDS": None,
    # Lookup path on the user model giving a user's stable uuid, usable in ``values()``:
    # ``"uuid"`` for a custom user model with such a field, ``"profile__uuid"`` for a profile.
    "USER_UUID_FIELD": None,
    # A group's Drupal role id (``rid``) in ``roles`` is its pk plus this offset, so that the
    # reserved rids 1 (anonymous user) and 2 (authenticated user) never collide with a group.
    "USER_ROLE_ID_OFFSET": 2,
    # Import string of a view serving ``/`` when the request has no ``?q=`` (the host's home).
    "ROOT_VIEW": None,
    # Most entities one bulk create or bulk update (a JSON list body) may carry; more is a 413.
    "ENTITY_MAX_BULK_ITEMS": 100,
    # File resource (docs/core-resources.md): alias in Django's ``STORAGES`` holding the bytes,
    # the largest file accepted (decoded bytes; a larger one is a 413), and the extensions a
    # file name may end with (Services' ``services_allowed_extensions``). Executable
    # extensions (php, py, sh, exe, ...) are refused even when listed here.
    "FILE_STORAGE": "default",
    "FILE_MAX_BYTES": 8 * 1024 * 1024,
    "FILE_ALLOWED_EXTENSIONS": "jpg jpeg gif png txt doc xls pdf ppt pps odt ods odp",
    # Site name used in ``WWW-Authenticate: Basic realm="..."``.
    "SITE_NAME": "Django",
    # Where every endpoint serves its OpenAPI document (``<path>.json`` and ``<path>.yaml``),
    # Swagger UI and Redoc, relative to the endpoint (docs/openapi.md). ``None`` turns one
    # off; a resource of the same name enabled on the endpoint wins.
    "OPENAPI_SCHEMA_PATH": "openapi",
    "OPENAPI_DOCS_PATH": "docs",
    "OPENAPI_REDOC_PATH": "redoc",
    # The swappable parts, by the name an endpoint enables them under: import strings of DRF
    # authentication classes, renderers (by format) and parsers (by media type). A project's
    # dict is merged over these, so it names only what it adds or replaces; ``None`` removes.
    "AUTHENTICATORS": {
        "session": "services_api.auth.authentication.SessionAuthentication",
        "basic": "services_api.auth.authentication.BasicAuthentication",
        "api_key": "services_api.auth.tokens.ApiKeyAuthentication",
        "bearer": "services_api.auth.tokens.BearerAuthentication",
    },
    "FORMATTERS": {
        "xml": "services_api.wire.renderers.DrupalXMLRenderer",
        "json": "services_api.wire.renderers.ServicesJSONRenderer",
        "jsonp": "services_api.wire.renderers.JSONPRenderer",
        "yaml": "services_api.wire.renderers.YAMLRenderer",
        # DRF's browsable API, for endpoints that enable it (negotiated on ``text/html``).
        "api": "services_api.wire.browsable.ServicesBrowsableAPIRenderer",
    },
    "PARSERS": {
        "application/json": "services_api.wire.parsers.ServicesJSONParser",
        "application/x-www-form-urlencoded": "services_api.wire.parsers.PHPFormParser",
        "multipart/form-data": "services_api.wire.parsers.ServicesMultiPartParser",
        "application/xml": "services_api.wire.parsers.ServicesXMLParser",
        "text/xml": "services_api.wire.parsers.ServicesTextXMLParser",
    },
    # How the entity resources shape their answers, by the endpoint's ``response_style``:
    # import strings of ``services_api.drupal.styles.ServicesStyle`` subclasses.
    "RESPONSE_STYLES": {
        "services": "services_api.drupal.styles.ServicesStyle",
        "restws": "services_api.drupal.styles.RestwsStyle",
    },
    # Import strings of ``(error, context) -> ServicesError | None`` callables that may reshape
    # every error before it is answered (Drupal's hook_rest_server_execute_errors_alter);
    # see docs/server.md "Shaping errors".
    "ERROR_ALTER_HOOKS": [],
}

# Settings holding dotted paths that are imported on access.
IMPORT_STRINGS = frozenset({"USER_PROFILE_FIELDS", "ROOT_VIEW"})
# Settings holding ``{name: dotted path}``, merged over the defaults and imported on access.
IMPORT_STRING_MAPS = frozenset({"AUTHENTICATORS", "FORMATTERS", "PARSERS", "RESPONSE_STYLES"})
# Settings holding lists of dotted paths, each imported on access.
IMPORT_STRING_LISTS = frozenset({"ERROR_ALTER_HOOKS"})


class ServicesSettings:
    """Lazy, cached view of ``settings.SERVICES_API`` merged over ``DEFAULTS``."""

    def __init__(self, defaults: dict[str, Any] | None = None) -> None:
        self.defaults = defaults or DEFAULTS
        self._cached: set[str] = set()
        self._user_settings: dict[str, Any] | None = None

    @property
    def user_settings(self) -> dict[str, Any]:
        if self._user_settings is None:
            self._user_settings = dict(getattr(settings, SETTINGS_NAME, None) or {})
        return self._user_settings

    def __getattr__(self, attr: str) -> Any:
        if attr not in self.defaults:
            raise AttributeError(f"Invalid {SETTINGS_NAME} setting: {attr!r}")
        value = self.user_settings.get(attr, self.defaults[attr])
        if attr in IMPORT_STRINGS and isinstance(value, str):
            value = import_string(value)
        elif attr in IMPORT_STRING_MAPS:
            merged = {**self.defaults[attr], **(self.user_settings.get(attr) or {})}
            value = {
                name: import_string(path) if isinstance(path, str) else path
                for name, path in merged.items()
                if path is not None
            }
        elif attr in IMPORT_STRING_LISTS:
            value = tuple(import_string(v) if isinstance(v, str) else v for v in value or ())
        self._cached.add(attr)
        setattr(self, attr, value)
        return value

    def unknown_keys(self) -> list[str]:
        """Keys set in ``SERVICES_API`` that have no default (typos); used by a system check."""
        return sorted(k for k in self.user_settings if k not in self.defaults)

    def reload(self) -> None:
        for attr in self._cached:
            delattr(self, attr)
        self._cached.clear()
        self._user_settings = None


services_settings = ServicesSettings()


def reload_settings(*, setting: str, **kwargs: Any) -> None:
    """``setting_changed`` receiver (connected by ``ServicesApiConfig.ready()``)."""
    if setting == SETTINGS_NAME:
        services_settings.reload()


class SettingMapping(Mapping):
    """A read-only, always current view of a ``{name: class}`` setting (``AUTHENTICATORS``,
    ``FORMATTERS``, ``PARSERS``, ``RESPONSE_STYLES``), for the modules that look classes up by
    name."""

    def __init__(self, setting: str) -> None:
        self.setting = setting

    def __getitem__(self, name: str) -> Any:
        return getattr(services_settings, self.setting)[name]

    def __iter__(self) -> Iterator[str]:
        return iter(getattr(services_settings, self.setting))

    def __len__(self) -> int:
        return len(getattr(services_settings, self.setting))

    def __repr__(self) -> str:
        return f"<{self.setting}: {dict(self)!r}>"


__all__ = [
    "DEFAULTS",
    "IMPORT_STRINGS",
    "IMPORT_STRING_MAPS",
    "ServicesSettings",
    "SettingMapping",
    "reload_settings",
    "services_settings",
]
