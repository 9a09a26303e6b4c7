"""Registry errors, named as ``django.contrib.admin`` names its own."""


class AlreadyRegistered(Exception):
    """The model is already registered with this site."""


class NotRegistered(Exception):
    """The model is not registered with this site."""
