"""``entity_settings``: entity_resources' namespaced settings, read from
``settings.ENTITY_RESOURCES`` over ``DEFAULTS`` (DRF's ``api_settings`` pattern: lazy attribute
access, reloaded on Django's ``setting_changed``, so ``override_settings`` is honoured).

The one home of ``MAX_NESTING_DEPTH``: the bracket parser (``brackets``) reads it for every
query string, so the DRF viewsets and any server built on this package (services_api reads it
for its query strings and bodies too) refuse the same nesting with one configured number.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

SETTINGS_NAME = "ENTITY_RESOURCES"

DEFAULTS: dict[str, Any] = {
    # Containers nested deeper than this (top-level dict = 1) are refused with 400, in query
    # strings and in bodies.
    "MAX_NESTING_DEPTH": 32,
}


class EntitySettings:
    """Lazy view of ``settings.ENTITY_RESOURCES`` merged over ``DEFAULTS``."""

    def __init__(self, defaults: dict[str, Any] | None = None) -> None:
        self.defaults = defaults or DEFAULTS
        self._cached: set[str] = set()

    def __getattr__(self, attr: str) -> Any:
        if attr not in self.defaults:
            raise AttributeError(f"Invalid {SETTINGS_NAME} setting: {attr!r}")
        user = getattr(settings, SETTINGS_NAME, None) or {}
        value = user.get(attr, self.defaults[attr])
        self._cached.add(attr)
        setattr(self, attr, value)
        return value

    def unknown_keys(self) -> list[str]:
        """Keys set in ``ENTITY_RESOURCES`` that have no default (typos)."""
        user = getattr(settings, SETTINGS_NAME, None) or {}
        return sorted(k for k in user if k not in self.defaults)

    def reload(self) -> None:
        for attr in self._cached:
            delattr(self, attr)
        self._cached.clear()


entity_settings = EntitySettings()


def reload_settings(*, setting: str, **kwargs: Any) -> None:
    """``setting_changed`` receiver (connected by ``EntityResourcesConfig.ready()``)."""
    if setting == SETTINGS_NAME:
        entity_settings.reload()


__all__ = ["DEFAULTS", "EntitySettings", "entity_settings", "reload_settings"]
