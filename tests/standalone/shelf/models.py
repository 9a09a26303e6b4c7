"""The standalone suite's models: one with a foreign key and a many-to-many (``Book``), one
with a uuid (``Label``), and the targets they point at."""

import uuid

from django.db import models
from django.utils import timezone


class Writer(models.Model):
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name", "id"], name="shelf_writer_name_id")]

    def __str__(self) -> str:
        return self.name


class Label(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=50, unique=True)

    def __str__(self) -> str:
        return self.name


class Book(models.Model):
    title = models.CharField(max_length=200)
    pages = models.PositiveIntegerField(default=0)
    published = models.BooleanField(default=True)
    created = models.DateTimeField(default=timezone.now)
    isbn = models.CharField(max_length=20, blank=True)
    #: Never exposed (excluded by the registration).
    secret = models.CharField(max_length=50, blank=True)
    writer = models.ForeignKey(Writer, on_delete=models.PROTECT, related_name="books")
    labels = models.ManyToManyField(Label, blank=True, related_name="books")

    class Meta:
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["-created", "-id"], name="shelf_book_created_id"),
            models.Index(fields=["title", "id"], name="shelf_book_title_id"),
        ]

    def __str__(self) -> str:
        return self.title
