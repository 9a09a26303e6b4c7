"""App configuration: autodiscovers every installed app's ``resources.py``."""

from django.apps import AppConfig


class EntityResourcesConfig(AppConfig):
    name = "entity_resources"
    verbose_name = "Entity resources"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .registry import autodiscover

        autodiscover()
