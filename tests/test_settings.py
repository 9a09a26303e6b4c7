"""``services_settings``: defaults, overrides, import strings and reload on setting_changed."""

import pytest
from django.test import override_settings

from services_api.settings import DEFAULTS, services_settings


def test_defaults_apply_when_not_overridden():
    with override_settings(SERVICES_API={}):
        assert services_settings.MISSING_ARGUMENT_STATUS == 401
        assert services_settings.MAX_BODY_BYTES == DEFAULTS["MAX_BODY_BYTES"] == 2 * 1024 * 1024
        assert services_settings.DEFAULT_RESPONSE_FORMAT == "json"


def test_override_is_seen_and_reverted():
    assert services_settings.MISSING_ARGUMENT_STATUS == 401
    with override_settings(SERVICES_API={"MISSING_ARGUMENT_STATUS": 400}):
        assert services_settings.MISSING_ARGUMENT_STATUS == 400
    assert services_settings.MISSING_ARGUMENT_STATUS == 401


def test_import_strings_are_resolved():
    with override_settings(SERVICES_API={"ROOT_VIEW": "project.demo.views.home"}):
        from project.demo.views import home

        assert services_settings.ROOT_VIEW is home


def test_unknown_attribute_raises():
    with pytest.raises(AttributeError, match="Invalid SERVICES_API setting"):
        services_settings.NOT_A_SETTING  # noqa: B018


def test_unknown_keys_are_listed():
    with override_settings(SERVICES_API={"MAX_BODY_BYTE": 1, "SITE_KEY": "x"}):
        assert services_settings.unknown_keys() == ["MAX_BODY_BYTE"]


def test_every_setting_is_documented():
    """docs/settings.md lists exactly the keys of DEFAULTS in its first table, and those of
    entity_resources' DEFAULTS in its ``ENTITY_RESOURCES`` section, with their defaults."""
    import re
    from pathlib import Path

    from entity_resources.settings import DEFAULTS as ENTITY_DEFAULTS

    page = (Path(__file__).resolve().parent.parent / "docs" / "settings.md").read_text()
    services, entity = page.split("## entity_resources' settings", 1)

    def table(text):
        rows = [line.split("|") for line in text.splitlines() if line.startswith("| `")]
        return {name: row[2] for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row[1])}

    assert set(table(services)) == set(DEFAULTS)
    entity_rows = table(entity.split("\n## ", 1)[0])
    assert set(entity_rows) == set(ENTITY_DEFAULTS)
    for name, default in ENTITY_DEFAULTS.items():
        assert entity_rows[name].strip() == f"`{default!r}`"


def test_swappable_parts_merge_over_the_defaults():
    from rest_framework.renderers import JSONRenderer

    from services_api.auth.authentication import AUTHENTICATORS
    from services_api.wire.parsers import PARSERS
    from services_api.wire.renderers import FORMATTERS

    custom = {
        "AUTHENTICATORS": {"basic": None},
        "FORMATTERS": {"plainjson": "rest_framework.renderers.JSONRenderer"},
        "PARSERS": {"text/xml": None},
    }
    with override_settings(SERVICES_API=custom):
        assert set(AUTHENTICATORS) == {"session", "api_key", "bearer"}
        assert FORMATTERS["plainjson"] is JSONRenderer
        assert "json" in FORMATTERS
        assert "text/xml" not in PARSERS
    assert "basic" in AUTHENTICATORS and "text/xml" in PARSERS and "plainjson" not in FORMATTERS


def test_an_added_formatter_is_served(client, make_endpoint):
    custom = {"FORMATTERS": {"plainjson": "rest_framework.renderers.JSONRenderer"}}
    with override_settings(SERVICES_API=custom):
        make_endpoint("plain", formatters=["json", "plainjson"])
        response = client.get("/plain/echo/1.plainjson")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"op": "retrieve", "id": "1"}
