"""Pagination building blocks: counts by mode, keyset cursors, the RESTWS envelope."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection

from entity_resources.pagination import (
    BadCursor,
    count_rows,
    decode_cursor,
    encode_cursor,
    keyset_filter,
    keyset_ordering,
    last_page,
)
from project.demo.models import Article
from services_api.drupal.styles import restws_envelope

BASE = "http://your-domain.com/course_enrollment"


def test_envelope_single_page_matches_the_course_document():
    params = [("uid", "200"), ("nid", "300")]
    envelope = restws_envelope(
        [{"eid": 185}], base=BASE, params=params, page=0, last=0, has_next=False
    )
    assert envelope == {
        "self": f"{BASE}?uid=200&nid=300",
        "first": f"{BASE}?uid=200&nid=300&page=0",
        "last": f"{BASE}?uid=200&nid=300&page=0",
        "list": [{"eid": 185}],
    }
    assert list(envelope) == ["self", "first", "last", "list"]


def test_envelope_first_and_middle_pages():
    first = restws_envelope([1], base=BASE, params=[], page=0, last=3, has_next=True)
    assert first == {
        "self": BASE,
        "first": f"{BASE}?page=0",
        "last": f"{BASE}?page=3",
        "next": f"{BASE}?page=1",
        "list": [1],
    }
    second = restws_envelope([2], base=BASE, params=[("page", "1")], page=1, last=3, has_next=True)
    assert second == {
        "self": f"{BASE}?page=1",
        "first": f"{BASE}?page=0",
        "last": f"{BASE}?page=3",
        "prev": f"{BASE}?page=0",
        "next": f"{BASE}?page=2",
        "list": [2],
    }


def test_envelope_without_count_has_no_last():
    envelope = restws_envelope([], base=BASE, params=[], page=0, last=None, has_next=False)
    assert "last" not in envelope and envelope["list"] == []


def test_envelope_with_cursor_links_next_by_cursor():
    envelope = restws_envelope(
        [1], base=BASE, params=[("page", "0")], page=0, last=None, has_next=True, next_cursor="abc"
    )
    assert envelope["next"] == f"{BASE}?cursor=abc"


@pytest.mark.parametrize(
    ("total", "size", "last"), [(0, 20, 0), (1, 20, 0), (20, 20, 0), (21, 20, 1), (None, 20, None)]
)
def test_last_page(total, size, last):
    assert last_page(total, size) == last


def test_cursor_round_trip_with_dates():
    when = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    cursor = encode_cursor(["-created", "-id"], [when, 42])
    assert decode_cursor(cursor, ["-created", "-id"]) == [when, 42]


@pytest.mark.parametrize(
    "cursor", ["", "!!!", "eyJ4IjoxfQ", encode_cursor(["title", "id"], ["a", 1])]
)
def test_bad_cursors_are_refused(cursor):
    with pytest.raises(BadCursor):
        decode_cursor(cursor, ["-created", "-id"])


def test_keyset_ordering_is_total():
    assert keyset_ordering(["-created"], "id") == ["-created", "-id"]
    assert keyset_ordering(["title"], "id") == ["title", "id"]
    assert keyset_ordering([], "id") == ["id"]
    # A declared pk keeps its direction (the offset pages' order), keys after it are moot.
    assert keyset_ordering(["-created", "id"], "id") == ["-created", "id"]
    assert keyset_ordering(["-created", "-id", "title"], "id") == ["-created", "-id"]


@pytest.mark.django_db
def test_keyset_pages_cover_every_row_once():
    call_command("seed_demo", articles="57")
    ordering = keyset_ordering(["-created"], "id")
    seen, values = [], None
    for _ in range(10):
        queryset = Article.objects.order_by(*ordering)
        if values is not None:
            queryset = queryset.filter(keyset_filter(ordering, values))
        page = list(queryset.values("id", "created")[:10])
        if not page:
            break
        seen += [row["id"] for row in page]
        values = [page[-1]["created"], page[-1]["id"]]
    assert seen == list(Article.objects.order_by(*ordering).values_list("id", flat=True))


@pytest.mark.django_db
def test_count_modes():
    call_command("seed_demo", articles="30")
    queryset = Article.objects.all()
    assert count_rows(queryset, "exact") == 30
    assert count_rows(queryset, "none") is None
    estimated = count_rows(queryset, "estimated")
    if connection.vendor == "postgresql":
        assert isinstance(estimated, int) and estimated >= 0
    else:
        assert estimated == 30  # no planner statistics: falls back to exact
