"""App configuration: wires settings reloads and system checks at start-up."""

from django.apps import AppConfig


class ServicesApiConfig(AppConfig):
    name = "services_api"
    verbose_name = "Services API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported for their side effects: registering checks, signal receivers, the
        # authenticators (tokens), the built-in user/system resources (builtin) and the
        # entity_* resources (entity_adapter).
        from . import builtin, checks, conf, core_resources, entity_adapter, signals, tokens  # noqa: F401
