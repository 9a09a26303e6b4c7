"""Compiled ``values()`` queries for the one-row read path.

Building and compiling a queryset costs Django about half a millisecond, several times what
SQLite or PostgreSQL take to run a primary-key lookup. A retrieve always asks the same question
with a different id, so the query is compiled once with a placeholder id and then executed with
the real one, its rows converted by the compiler's own converters (the same values ``values()``
would give). Only integer ids take this path; anything else builds the queryset as usual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from django.db import connections
from django.db.models import QuerySet

#: A value no real row id takes (negative, and inside a 32-bit integer column's range),
#: substituted by the real id at execution.
PLACEHOLDER = -2_094_967_295


class CompiledValues:
    """``queryset`` (a ``values()``/``values_list()`` query) with one placeholder parameter."""

    def __init__(self, queryset: QuerySet) -> None:
        self.alias = queryset.db
        query = queryset.query
        self.compiler = query.get_compiler(self.alias)
        self.sql, params = self.compiler.as_sql()
        slots = [i for i, value in enumerate(params) if value == PLACEHOLDER]
        if len(slots) != 1:
            raise ValueError("the placeholder must appear exactly once")
        self.params = list(params)
        self.slot = slots[0]
        self.names = [*query.extra_select, *query.values_select, *query.annotation_select]

    def rows(self, value: Any) -> list[tuple]:
        params = list(self.params)
        params[self.slot] = value
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        return [tuple(row) for row in self.compiler.results_iter(results=[fetched])]

    def dicts(self, value: Any) -> list[dict]:
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in self.rows(value)]


_cache: dict[Hashable, CompiledValues | None] = {}
_lock = threading.Lock()


def compiled(key: Hashable, build: Callable[[], QuerySet]) -> CompiledValues | None:
    """The compiled query for ``key``, built by ``build()`` (placeholder id) on first use;
    ``None`` when that query cannot take the compiled path."""
    try:
        return _cache[key]
    except KeyError:
        pass
    try:
        entry: CompiledValues | None = CompiledValues(build())
    except Exception:  # noqa: BLE001 - any query Django cannot compile this way: build as usual
        entry = None
    with _lock:
        if len(_cache) > 2048:
            _cache.clear()
        _cache[key] = entry
    return entry


def clear() -> None:
    _cache.clear()


__all__ = ["PLACEHOLDER", "CompiledValues", "clear", "compiled"]
