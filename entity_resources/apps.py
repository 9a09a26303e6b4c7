"""App configuration: the registry's system checks, every installed app's ``resources.py``,
and the viewsets' drf-spectacular extension when drf-spectacular is installed."""

from django.apps import AppConfig
from django.core import checks
from django.core.signals import setting_changed


class EntityResourcesConfig(AppConfig):
    name = "entity_resources"
    verbose_name = "Entity resources"

    def ready(self) -> None:
        from entity_resources import checks as entity_checks
        from entity_resources.registry import autodiscover
        from entity_resources.settings import reload_settings

        setting_changed.connect(reload_settings, dispatch_uid="entity_resources.settings")

        for check in entity_checks.CHECKS:
            checks.register(check, checks.Tags.models)
        autodiscover()  # registrations live in each app's resources.py, like admin.py
        try:  # the viewsets' drf-spectacular schemas, when drf-spectacular is installed
            import drf_spectacular  # noqa: F401
        except ImportError:
            return
        import entity_resources.spectacular  # noqa: F401
