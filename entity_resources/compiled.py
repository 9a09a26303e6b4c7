"""Compiled ``values()`` queries for the hot read paths: retrieve, and index pages without
filters (the first page of a listing is most of an API's traffic).

Building and compiling a queryset costs Django about half a millisecond, several times what
SQLite or PostgreSQL take to run a primary-key lookup. A retrieve always asks the same question
with a different id, so the query is compiled once with a placeholder id and then executed with
the real one, its rows converted by the compiler's own converters (the same values ``values()``
would give). The many-to-many query of a page (``IN`` the page's ids) is compiled the same
way, once per number of ids. Only integer ids take this path; anything else builds the
queryset as usual.
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
#: Most placeholders in one query (``placeholders(n)``: ``PLACEHOLDER``, ``PLACEHOLDER - 1``,
#: ... all still inside a 32-bit integer column's range).
MAX_PLACEHOLDERS = 10_000


def placeholders(count: int) -> list[int]:
    """``count`` distinct placeholder ids, substituted in this order at execution."""
    if not 0 < count <= MAX_PLACEHOLDERS:
        raise ValueError(f"between 1 and {MAX_PLACEHOLDERS} placeholders")
    return [PLACEHOLDER - position for position in range(count)]


class CompiledValues:
    """``queryset`` (a ``values()``/``values_list()`` query) with one placeholder parameter
    (``placeholder=True``), none (``False``: the same page of the same listing) or ``n`` (an
    integer: ``placeholders(n)``, as in ``pk__in=placeholders(n)``); each must appear exactly
    once among the query's parameters. ``rows(*values)`` runs it with the values in their
    place, in the order of ``placeholders(n)``."""

    def __init__(self, queryset: QuerySet, placeholder: bool | int = True) -> None:
        self.alias = queryset.db
        query = queryset.query
        self.query = query
        self.compiler = query.get_compiler(self.alias)
        self.sql, params = self.compiler.as_sql()
        expected = placeholders(int(placeholder)) if placeholder else []
        wanted = set(expected)
        found = {value: i for i, value in enumerate(params) if value in wanted}
        if len(found) != len(expected) or sum(value in wanted for value in params) != len(found):
            raise ValueError("each placeholder must appear exactly once")
        self.params = list(params)
        self.slots = [found[value] for value in expected]
        self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        # What ``results_iter`` works out on every call, once: the columns' converters.
        compiler = self.compiler
        selected = [column[0] for column in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(selected):
            raise ValueError("composite fields take the queryset path")
        self.converters = compiler.get_converters(selected)
        self.make_dicts = _dicts_maker(tuple(self.names))
        self.converters_by_key: dict[str, Callable[[Any], Any]] = {}

    def _fetch(self, values: tuple) -> list:
        params = list(self.params)
        for slot, value in zip(self.slots, values, strict=True):
            params[slot] = value
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        if self.converters:
            return list(self.compiler.apply_converters(fetched, self.converters))
        return fetched

    def rows(self, *values: Any) -> list[tuple]:
        return [tuple(row) for row in self._fetch(values)]

    def dicts(self, *values: Any) -> list[dict]:
        """The rows as ``values()`` dictionaries (built by code generated per column list:
        several times cheaper than ``dict(zip(...))`` per row)."""
        return self.make_dicts(self._fetch(values))

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
    key: Hashable, build: Callable[[], QuerySet], placeholder: bool | int = True
) -> CompiledValues | None:
    """The compiled query for ``key``, built by ``build()`` on first use (with one placeholder
    id, none or ``placeholders(n)``, see ``CompiledValues``); ``None`` when it cannot take the
    compiled path."""
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


__all__ = [
    "PLACEHOLDER",
    "CompiledValues",
    "clear",
    "compiled",
    "converter",
    "placeholders",
]
