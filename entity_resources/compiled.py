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
from functools import lru_cache
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
        # What ``results_iter`` works out on every call, once: the columns' converters.
        compiler = self.compiler
        selected = [column[0] for column in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(selected):
            raise ValueError("composite fields take the queryset path")
        self.converters = compiler.get_converters(selected)
        self.make_dicts = _dicts_maker(tuple(self.names))
        self.converters_by_key: dict[str, Callable[[Any], Any]] = {}

    def _fetch(self, value: Any) -> list:
        params = list(self.params)
        if self.slot is not None:
            params[self.slot] = value
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        if self.converters:
            return list(self.compiler.apply_converters(fetched, self.converters))
        return fetched

    def rows(self, value: Any = None) -> list[tuple]:
        return [tuple(row) for row in self._fetch(value)]

    def dicts(self, value: Any = None) -> list[dict]:
        """The rows as ``values()`` dictionaries (built by code generated per column list:
        several times cheaper than ``dict(zip(...))`` per row)."""
        return self.make_dicts(self._fetch(value))

    def convert(self, key: str, value: Any) -> Any:
        """``value`` of the field path ``key`` as the database sent it, converted as
        ``values()`` would (the query's converters for that path, looked up once)."""
        try:
            convert = self.converters_by_key[key]
        except KeyError:
            convert = self.converters_by_key[key] = converter(self.query, self.alias, key)
        return convert(value)


def converter(query: Any, alias: str, key: str) -> Callable[[Any], Any]:
    """What ``values()`` does to a value of the field path ``key`` of ``query`` read from the
    database ``alias``: the backend's and the field's converters, in Django's order."""
    column = query.resolve_ref(key)
    converters = connections[alias].ops.get_db_converters(column)
    converters += column.get_db_converters(connections[alias])

    def convert(value: Any) -> Any:
        connection = connections[alias]
        for function in converters:
            value = function(value, column, connection)
        return value

    return convert


@lru_cache(maxsize=512)
def _dicts_maker(names: tuple[str, ...]) -> Callable[[list], list[dict]]:
    """``make(rows) -> [{name: value, ...}, ...]`` for rows of ``len(names)`` values."""
    items = ", ".join(f"{name!r}: _{position}" for position, name in enumerate(names))
    unpack = "".join(f"_{position}, " for position in range(len(names)))
    source = f"def make(rows):\n  return [{{{items}}} for ({unpack}) in rows]"
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # noqa: S102 - column names go in via repr() only
    return namespace["make"]


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


__all__ = ["PLACEHOLDER", "CompiledValues", "clear", "compiled", "converter"]
