"""App configuration: everything ``services_api`` hooks into Django is wired here, explicitly.

Importing a ``services_api`` module registers nothing; ``ready()`` connects the settings reload
and the endpoint-cache signals, registers the system checks, adds the Drupal resources and then
imports every installed app's ``resources.py`` (custom resources, like ``admin.py``).
"""

from django.apps import AppConfig
from django.core import checks
from django.core.signals import setting_changed


class ServicesApiConfig(AppConfig):
    name = "services_api"
    verbose_name = "Services API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from entity_resources.indexes import add_ordering_source
        from services_api import checks as services_checks
        from services_api.drupal import register_drupal_resources
        from services_api.drupal.registration import core_orderings
        from services_api.endpoints import signals
        from services_api.resources import autodiscover, registry
        from services_api.settings import reload_settings

        setting_changed.connect(reload_settings, dispatch_uid="services_api.settings")
        signals.connect()
        for check in services_checks.CHECKS:
            checks.register(check, checks.Tags.compatibility)
        add_ordering_source(core_orderings)  # entity_resources.W003 checks node's order too
        register_drupal_resources(registry)
        autodiscover()
        try:  # the DRF user viewset's drf-spectacular schema, when drf-spectacular is installed
            import drf_spectacular  # noqa: F401
        except ImportError:
            return
        import services_api.drf.spectacular  # noqa: F401
