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


class Part(models.Model):
    """Referred to by its unique ``code``, not by its pk (``Fitting.part``)."""

    code = models.CharField(max_length=20, unique=True)

    def __str__(self) -> str:
        return self.code


class Fitting(models.Model):
    """A foreign key with ``to_field``: the ``part_id`` column stores ``Part.code``. Not
    registered by resources.py; tests register it themselves."""

    part = models.ForeignKey(Part, to_field="code", on_delete=models.CASCADE)
    position = models.IntegerField(default=0)
