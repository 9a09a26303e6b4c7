"""Explicit wiring: ``AppConfig.ready()`` connects and registers; importing registers nothing."""

import importlib

import pytest
from django.core import checks
from django.core.signals import setting_changed
from django.db.models.signals import post_delete, post_save

from services_api.checks import check_settings
from services_api.models import Endpoint, EndpointResource
from services_api.resources import registry
from services_api.settings import reload_settings


def test_ready_registered_the_drupal_resources():
    names = registry.names()
    assert {"user", "system", "entity_widget", "echo", "failing"} <= set(names)


def test_importing_a_drupal_module_registers_nothing():
    from services_api.drupal import system, user

    before = registry.names()
    # Before the wiring moved to ready(), a second import registered again (and raised).
    importlib.reload(system)
    importlib.reload(user)
    assert registry.names() == before


def test_ready_connected_the_signals_and_checks():
    assert post_save.has_listeners(Endpoint) and post_save.has_listeners(EndpointResource)
    assert post_delete.has_listeners(Endpoint) and post_delete.has_listeners(EndpointResource)
    assert any(entry[1]() is reload_settings for entry in setting_changed.receivers)
    assert check_settings in checks.registry.registry.get_checks()


def test_core_names_are_served_by_registered_classes():
    from services_api.drupal.comment import CommentResource
    from services_api.drupal.core import CORE_RESOURCE_CLASSES, register_core_resource
    from services_api.drupal.file import FileResource, NodeFilesMixin
    from services_api.drupal.taxonomy import TermResource, VocabularyResource

    assert CORE_RESOURCE_CLASSES["comment"] is CommentResource
    assert CORE_RESOURCE_CLASSES["taxonomy_term"] is TermResource
    assert CORE_RESOURCE_CLASSES["taxonomy_vocabulary"] is VocabularyResource
    assert CORE_RESOURCE_CLASSES["file"] is FileResource
    assert issubclass(CORE_RESOURCE_CLASSES["node"], NodeFilesMixin)
    with pytest.raises(TypeError):
        register_core_resource("thing", object)
