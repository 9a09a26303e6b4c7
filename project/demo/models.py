"""Demo content shaped like a Drupal 7 site: articles (nodes), tags (terms), vocabularies,
comments, and a profile giving every user a stable uuid (references carry one)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Profile(models.Model):
    """One per user; works with any ``AUTH_USER_MODEL``.

    Exposed to the API through ``SERVICES_API['USER_UUID_FIELD'] = "demo_profile__uuid"``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demo_profile"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    def __str__(self) -> str:
        return f"profile of {self.user}"


class Vocabulary(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=255)
    machine_name = models.SlugField(max_length=255, unique=True)
    description = models.TextField(blank=True)
    weight = models.IntegerField(default=0)

    class Meta:
        verbose_name_plural = "vocabularies"
        ordering = ["weight", "name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=255)
    vocabulary = models.ForeignKey(Vocabulary, on_delete=models.CASCADE, related_name="tags")
    description = models.TextField(blank=True)
    weight = models.IntegerField(default=0)

    class Meta:
        ordering = ["weight", "name"]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=32, default="article")
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    status = models.BooleanField(default=True, db_index=True)
    sticky = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    changed = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="articles"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")

    class Meta:
        ordering = ["-sticky", "-created"]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demo_comments"
    )
    subject = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.subject
