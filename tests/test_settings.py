"""``services_settings``: defaults, overrides, import strings and reload on setting_changed."""

import pytest
from django.test import override_settings

from services_api.settings import DEFAULTS, services_settings


def test_defaults_apply_when_not_overridden():
    with override_settings(SERVICES_API={}):
        assert services_settings.MISSING_ARGUMENT_STATUS == 401
        assert services_settings.ENTITY_MAX_PAGESIZE == DEFAULTS["ENTITY_MAX_PAGESIZE"] == 100
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
