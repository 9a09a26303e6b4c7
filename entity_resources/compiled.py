"""Compiled ``values()`` queries for the hot read paths: retrieve, and index pages without
filters (the first page of a listing is most of an API's traffic).

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
    """``queryset`` (a ``values()``/``values_list()`` query) with one placeholder parameter,
    or none (``placeholder=False``: the same page of the same listing)."""

    def __init__(self, queryset: QuerySet, placeholder: bool = True) -> None:
        self.alias = queryset.db
        query = queryset.query
        self.query = query
        self.compiler = query.get_compiler(self.alias)
        self.sql, params = self.compiler.as_sql()
        slots = [i for i, value in enumerate(params) if value == PLACEHOLDER]
        if len(slots) != int(placeholder):
            raise ValueError("the placeholder must appear exactly once, or not at all")
        self.params = list(params)
        self.slot = slots[0] if slots else None
        self.names = [*query.extra_select, *query.values_select, *query.annotation_select]

    def rows(self, value: Any = None) -> list[tuple]:
        params = list(self.params)
        if self.slot is not None:
            params[self.slot] = value
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        return [tuple(row) for row in self.compiler.results_iter(results=[fetched])]

    def dicts(self, value: Any = None) -> list[dict]:
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in self.rows(value)]


_cache: dict[Hashable, CompiledValues | None] = {}
_lock = threading.Lock()


def compiled(
    key: Hashable, build: Callable[[], QuerySet], placeholder: bool = True
) -> CompiledValues | None:
    """The compiled query for ``key``, built by ``build()`` (placeholder id, unless
    ``placeholder`` is false) on first use; ``None`` when it cannot take the compiled path."""
    try:
        return _cache[key]
    except KeyError:
        pass
    try:
        entry: CompiledValues | None = CompiledValues(build(), placeholder)
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
