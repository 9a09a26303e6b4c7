"""App configuration: wires settings reloads and system checks at start-up."""

from django.apps import AppConfig


class ServicesApiConfig(AppConfig):
    name = "services_api"
    verbose_name = "Services API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported for their side effects: registering checks and signal receivers.
        from . import checks, conf, signals, tokens  # noqa: F401
