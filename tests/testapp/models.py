from django.conf import settings
from django.db import models


class Widget(models.Model):
    name = models.CharField(max_length=100)
    size = models.IntegerField(default=0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    def __str__(self) -> str:
        return self.name


class Gadget(models.Model):
    """Not registered by resources.py; tests register it themselves."""

    label = models.CharField(max_length=100)
    widget = models.ForeignKey(Widget, null=True, on_delete=models.CASCADE, related_name="gadgets")

    def __str__(self) -> str:
        return self.label
