"""Publish a new configuration version whenever endpoint configuration changes.

``connect()`` is called by ``ServicesApiConfig.ready()``; importing this module connects nothing.
"""

from django.db.models.signals import post_delete, post_save

from services_api.endpoints.snapshot import bump_version
from services_api.models import Endpoint, EndpointResource


def endpoint_changed(sender, **kwargs) -> None:
    bump_version()


def connect() -> None:
    """Bump the configuration version on every save or delete of an endpoint or its resources."""
    for model in (Endpoint, EndpointResource):
        for signal in (post_save, post_delete):
            signal.connect(
                endpoint_changed, sender=model, dispatch_uid=f"services_api.{model.__name__}"
            )
