from django.apps import AppConfig


class ShelfConfig(AppConfig):
    """A small library: writers, labels (with a uuid) and books (a foreign key, a many-to-many)."""

    name = "tests.standalone.shelf"
    label = "shelf"
    default_auto_field = "django.db.models.BigAutoField"
