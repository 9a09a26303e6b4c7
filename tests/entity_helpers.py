"""Shared data and helpers of the entity resource tests (``tests/test_entity_*.py``)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from project.demo.models import Article, Comment, Tag, Vocabulary

PASSWORD = "secret-pass"
MODELS = ("article", "comment", "tag", "vocabulary")


@dataclass
class Data:
    vocabulary: Vocabulary
    tags: list[Tag]
    alice: object
    bob: object
    staff: object
    articles: list[Article]
    comments: list[Comment]


def make_user(username: str, *, perms: tuple[str, ...] = (), **extra):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", PASSWORD)
    for key, value in extra.items():
        setattr(user, key, value)
    user.save()
    if perms:
        user.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="demo", codename__in=perms)
        )
    return user


def staff_perms() -> tuple[str, ...]:
    return tuple(f"{op}_{m}" for op in ("view", "add", "change", "delete") for m in MODELS)


def make_data() -> Data:
    """4 articles (one unpublished), 3 tags, 2 comments on the first article."""
    vocabulary = Vocabulary.objects.create(name="Tags", machine_name="tags")
    tags = [
        Tag.objects.create(name=name, vocabulary=vocabulary, weight=i)
        for i, name in enumerate(["drupal", "django", "rest"])
    ]
    alice = make_user("alice")
    bob = make_user("bob")
    staff = make_user("staff", perms=staff_perms(), is_staff=True)
    specs = [
        ("Alpha river", True, False, datetime(2024, 1, 1, tzinfo=UTC), alice, [0, 1]),
        ("Beta mountain", True, True, datetime(2024, 2, 1, tzinfo=UTC), bob, [1]),
        ("Gamma river", False, False, datetime(2024, 3, 1, tzinfo=UTC), alice, []),
        ("Delta city", True, False, datetime(2024, 4, 1, 12, 30, tzinfo=UTC), bob, [2, 0]),
    ]
    articles = []
    for title, status, sticky, created, author, tag_indexes in specs:
        article = Article.objects.create(
            title=title,
            body=f"Body of {title.lower()}",
            status=status,
            sticky=sticky,
            created=created,
            changed=created,
            author=author,
        )
        article.tags.set([tags[i] for i in tag_indexes])
        articles.append(article)
    comments = [
        Comment.objects.create(article=articles[0], author=bob, subject=f"Comment {i}")
        for i in range(2)
    ]
    return Data(vocabulary, tags, alice, bob, staff, articles, comments)


def basic(user_or_name) -> dict[str, str]:
    name = getattr(user_or_name, "username", user_or_name)
    token = base64.b64encode(f"{name}:{PASSWORD}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def body(response):
    return orjson.loads(response.content) if response.content else None


def send(client, method: str, path: str, payload=None, user=None):
    extra = basic(user) if user is not None else {}
    content = b"" if payload is None else orjson.dumps(payload)
    return client.generic(method, path, content, content_type="application/json", **extra)
