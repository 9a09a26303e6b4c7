"""System checks for ``services_api`` (ids ``services_api.E0xx`` / ``W0xx``).

Registered by ``ServicesApiConfig.ready()`` (``CHECKS``), not on import.
"""

from __future__ import annotations

from typing import Any

from django.core import checks

from services_api.settings import (
    IMPORT_STRING_LISTS,
    IMPORT_STRING_MAPS,
    IMPORT_STRINGS,
    SETTINGS_NAME,
    services_settings,
)

SPELLING = "See docs/settings.md for the list of settings; check the spelling."
#: Settings that moved elsewhere: where to set them now.
MOVED = {
    "MAX_NESTING_DEPTH": "Set ENTITY_RESOURCES['MAX_NESTING_DEPTH']: one nesting limit governs "
    "the Services endpoints and the DRF viewsets (docs/settings.md).",
}


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for key in services_settings.unknown_keys():
        errors.append(
            checks.Error(
                f"{SETTINGS_NAME}[{key!r}] is not a known setting.",
                hint=MOVED.get(
                    key, "See docs/settings.md for the list of settings; check the spelling."
                ),
                id="services_api.E001",
            )
        )
    status = services_settings.user_settings.get("MISSING_ARGUMENT_STATUS", 401)
    if status not in (400, 401):
        errors.append(
            checks.Error(
                f"{SETTINGS_NAME}['MISSING_ARGUMENT_STATUS'] must be 400 or 401, not {status!r}.",
                id="services_api.E002",
            )
        )
    from services_api.server.cors import policy_errors

    for problem in policy_errors(services_settings.user_settings.get("CORS")):
        errors.append(
            checks.Error(
                f"{SETTINGS_NAME}['CORS']{problem}",
                hint="See docs/deployment.md#cors.",
                id="services_api.E004",
            )
        )
    for key in sorted(IMPORT_STRINGS | IMPORT_STRING_MAPS | IMPORT_STRING_LISTS):
        try:
            getattr(services_settings, key)
        except ImportError as exc:
            errors.append(
                checks.Error(
                    f"{SETTINGS_NAME}[{key!r}] cannot be imported: {exc}",
                    id="services_api.E003",
                )
            )
    errors.extend(_check_files_and_bulk())
    errors.extend(_check_response_styles())
    return errors


def _check_response_styles() -> list[checks.CheckMessage]:
    """``RESPONSE_STYLES`` keeps ``services`` (the fallback) and holds style classes."""
    from services_api.drupal.styles import ServicesStyle

    try:
        styles = services_settings.RESPONSE_STYLES
    except ImportError:
        return []  # reported as E003
    errors: list[checks.CheckMessage] = []
    if "services" not in styles:
        errors.append(
            checks.Error(
                f"{SETTINGS_NAME}['RESPONSE_STYLES'] must keep a 'services' style.",
                hint="It answers endpoints whose style the setting does not name.",
                id="services_api.E007",
            )
        )
    for name, cls in styles.items():
        if not (isinstance(cls, type) and issubclass(cls, ServicesStyle)):
            errors.append(
                checks.Error(
                    f"{SETTINGS_NAME}['RESPONSE_STYLES'][{name!r}] is not a ServicesStyle "
                    f"subclass: {cls!r}.",
                    hint="Subclass services_api.drupal.styles.ServicesStyle or RestwsStyle.",
                    id="services_api.E007",
                )
            )
    return errors


def _check_files_and_bulk() -> list[checks.CheckMessage]:
    """The file resource's storage alias exists; upload and bulk limits are positive."""
    from django.conf import settings

    errors: list[checks.CheckMessage] = []
    alias = services_settings.user_settings.get("FILE_STORAGE", "default")
    if alias not in (getattr(settings, "STORAGES", None) or {}):
        errors.append(
            checks.Error(
                f"{SETTINGS_NAME}['FILE_STORAGE'] is {alias!r}, which is not a key of STORAGES.",
                hint="Name a storage of settings.STORAGES (the file resource stores files there).",
                id="services_api.E004",
            )
        )
    for key in ("FILE_MAX_BYTES", "ENTITY_MAX_BULK_ITEMS"):
        value = services_settings.user_settings.get(key, 1)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            errors.append(
                checks.Error(
                    f"{SETTINGS_NAME}[{key!r}] must be a positive integer, not {value!r}.",
                    id="services_api.E005",
                )
            )
    return errors


def check_core_names(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every resource name is unique: an entity registration made after a core-style one of
    the same name (``register_core`` checks the other order when it is called)."""
    from services_api.drupal.registration import name_clashes

    return [
        checks.Error(message, hint="Rename one of the two resources.", id="services_api.E006")
        for message in name_clashes()
    ]


#: The checks ``ServicesApiConfig.ready()`` registers (tagged ``compatibility``).
CHECKS = (check_settings, check_core_names)
