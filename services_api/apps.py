"""App configuration: wires settings reloads and system checks at start-up."""

from django.apps import AppConfig


class ServicesApiConfig(AppConfig):
    name = "services_api"
    verbose_name = "Services API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported for their side effects: registering checks, signal receivers, the
        # authenticators (tokens), the built-in user/system resources and the
        # entity_* resources (drupal.entity).
        from services_api import checks  # noqa: F401
        from services_api import settings as _settings  # noqa: F401
        from services_api.auth import tokens  # noqa: F401
        from services_api.drupal import (  # noqa: F401
            comment,
            core,
            entity,
            file,
            system,
            taxonomy,
            user,
        )
        from services_api.endpoints import signals  # noqa: F401
