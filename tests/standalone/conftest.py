"""Fixtures of the standalone suite: a few writers, labels and books, and users with
Django model permissions (``entity_resources`` asks nothing else)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission, User

from tests.standalone.shelf.models import Book, Label, Writer


def at(day: int) -> datetime.datetime:
    return datetime.datetime(2024, 1, day, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def shelf(db):
    ann = Writer.objects.create(name="Ann")
    bob = Writer.objects.create(name="Bob")
    poetry = Label.objects.create(name="poetry")
    prose = Label.objects.create(name="prose")
    books = [
        Book.objects.create(title="Alpha", pages=100, writer=ann, created=at(1), isbn="111"),
        Book.objects.create(title="Beta", pages=250, writer=ann, created=at(2)),
        Book.objects.create(title="Gamma", pages=400, writer=bob, created=at(3)),
        Book.objects.create(title="Hidden", pages=50, writer=bob, created=at(4), published=False),
    ]
    books[0].labels.set([poetry])
    books[1].labels.set([poetry, prose])
    return SimpleNamespace(ann=ann, bob=bob, poetry=poetry, prose=prose, books=books)


def _user(name: str, *codenames: str) -> User:
    user = User.objects.create_user(name, password="pw")
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def editor(db):
    """May add, change and delete books."""
    return _user("editor", "add_book", "change_book", "delete_book", "view_book")


@pytest.fixture
def reader(db):
    """Signed in, without any permission."""
    return _user("reader")
