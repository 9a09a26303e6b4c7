"""Each system check fires on a real misconfiguration, and a clean project passes."""

from django.core import checks
from django.core.management import call_command
from django.db import models
from django.test import override_settings

import entity_resources
from tests.testapp.models import Widget


def run_checks():
    return {message.id: message for message in checks.run_checks()}


def test_demo_project_has_no_check_messages():
    messages = [
        message
        for message in checks.run_checks()
        if message.id.startswith(("services_api", "entity_resources"))
        # The test app's Widget is the unindexed example (tests/test_listing_indexes.py).
        and message.obj is not Widget
    ]
    assert not messages
    call_command("check")  # raises SystemCheckError on any error


def test_unknown_settings_key_is_e001():
    with override_settings(SERVICES_API={"MISSING_ARGUMENT_STAUTS": 400}):
        found = run_checks()
    assert "services_api.E001" in found
    assert "MISSING_ARGUMENT_STAUTS" in found["services_api.E001"].msg


def test_moved_nesting_depth_points_to_entity_resources():
    with override_settings(SERVICES_API={"MAX_NESTING_DEPTH": 8}):
        found = run_checks()
    assert "ENTITY_RESOURCES['MAX_NESTING_DEPTH']" in found["services_api.E001"].hint


def test_entity_resources_settings_are_checked():
    with override_settings(ENTITY_RESOURCES={"MAX_NESTING_DEPT": 8}):
        assert "MAX_NESTING_DEPT" in run_checks()["entity_resources.E003"].msg
    for bad in (0, "8", True):
        with override_settings(ENTITY_RESOURCES={"MAX_NESTING_DEPTH": bad}):
            assert "entity_resources.E004" in run_checks()
    with override_settings(ENTITY_RESOURCES={"MAX_NESTING_DEPTH": 8}):
        found = run_checks()
    assert not {"entity_resources.E003", "entity_resources.E004"} & set(found)


def test_bad_missing_argument_status_is_e002():
    with override_settings(SERVICES_API={"MISSING_ARGUMENT_STATUS": 418}):
        assert "services_api.E002" in run_checks()


def test_unimportable_hook_is_e003():
    with override_settings(SERVICES_API={"USER_PROFILE_FIELDS": "nowhere.to.be.found"}):
        assert "services_api.E003" in run_checks()


def test_unknown_file_storage_is_e004():
    with override_settings(SERVICES_API={"FILE_STORAGE": "uploads"}):
        found = run_checks()
    assert "services_api.E004" in found
    assert "'uploads'" in found["services_api.E004"].msg


def test_bad_file_and_bulk_limits_are_e005():
    with override_settings(SERVICES_API={"FILE_MAX_BYTES": 0, "ENTITY_MAX_BULK_ITEMS": "10"}):
        messages = [m for m in checks.run_checks() if m.id == "services_api.E005"]
    assert sorted(m.msg.split("'")[1] for m in messages) == [
        "ENTITY_MAX_BULK_ITEMS",
        "FILE_MAX_BYTES",
    ]


def test_unimportable_error_alter_hook_is_e003():
    hooks = ["project.demo.civicrm.civicrm_errors", "nowhere.to.be.found"]
    with override_settings(SERVICES_API={"ERROR_ALTER_HOOKS": hooks}):
        found = run_checks()
    assert "ERROR_ALTER_HOOKS" in found["services_api.E003"].msg
    with override_settings(SERVICES_API={"ERROR_ALTER_HOOKS": hooks[:1]}):
        assert "services_api.E003" not in run_checks()


def test_model_of_uninstalled_app_is_e001():
    class Orphan(models.Model):
        name = models.CharField(max_length=10)

        class Meta:
            app_label = "not_an_installed_app"

    entity_resources.register(Orphan)
    try:
        found = run_checks()
    finally:
        entity_resources.unregister(Orphan)
    assert "entity_resources.E001" in found
    assert "not_an_installed_app" in found["entity_resources.E001"].msg
