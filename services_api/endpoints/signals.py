"""Publish a new configuration version whenever endpoint configuration changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from services_api.endpoints.snapshot import bump_version
from services_api.models import Endpoint, EndpointResource


@receiver([post_save, post_delete], sender=Endpoint)
@receiver([post_save, post_delete], sender=EndpointResource)
def endpoint_changed(sender, **kwargs) -> None:
    bump_version()
