"""Pagination styles: page numbers with an optional count, the list envelope, keyset cursors.

* Page numbers: ``page`` is 0-based, ``offset = page * pagesize``.
* Counting a big table is the slow part of a listing, so the count is a mode: ``exact``
  (``COUNT(*)``), ``estimated`` (PostgreSQL's planner statistics, ``None`` elsewhere falls back
  to exact) or ``none``.
* Keyset (cursor) pagination orders by the sort key plus the primary key and continues after
  the last row seen, so page 190 costs the same as page 0. The cursor is opaque to clients
  (url-safe base64 of JSON) and validated when decoded.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import decimal
import uuid
from collections.abc import Sequence
from typing import Any

import orjson
from django.db import connections
from django.db.models import BooleanField, Expression, F, Q, QuerySet

from .grammar import COUNT_MODES


class BadCursor(ValueError):
    """The ``cursor`` parameter is not one this server issued for this ordering."""


def count_rows(queryset: QuerySet, mode: str) -> int | None:
    """The number of rows, by ``mode``; ``None`` when the mode is ``none``."""
    if mode == "none":
        return None
    if mode == "estimated":
        estimate = estimate_rows(queryset)
        if estimate is not None:
            return estimate
    return queryset.count()


def estimate_rows(queryset: QuerySet) -> int | None:
    """PostgreSQL's planner estimate for the query (no table scan), else ``None``."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, (str, bytes)):
        plan = orjson.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def last_page(total: int | None, page_size: int) -> int | None:
    if total is None:
        return None
    return max(0, (total - 1) // page_size)


# -- keyset cursors ------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date)):
        return {"dt": value.isoformat()}
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return value


def _restore(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"dt"}:
        text = value["dt"]
        return (
            datetime.datetime.fromisoformat(text)
            if "T" in text
            else datetime.date.fromisoformat(text)
        )
    return value


def encode_cursor(ordering: Sequence[str], values: Sequence[Any]) -> str:
    """An opaque cursor continuing after the row whose ordering values are ``values``."""
    payload = orjson.dumps({"o": list(ordering), "v": [_plain(v) for v in values]})
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode()


def decode_cursor(cursor: str, ordering: Sequence[str]) -> list[Any]:
    """The ordering values stored in ``cursor``; ``BadCursor`` if it does not fit ``ordering``."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise BadCursor("cursor is not valid") from None
    if not isinstance(data, dict) or data.get("o") != list(ordering):
        raise BadCursor("cursor does not match the requested sort")
    values = data.get("v")
    if not isinstance(values, list) or len(values) != len(ordering):
        raise BadCursor("cursor is not valid")
    return [_restore(v) for v in values]


def keyset_ordering(ordering: Sequence[str], pk_name: str = "pk") -> list[str]:
    """The ordering up to its primary key, which is appended (in the direction of the last key)
    when missing: the order of the offset pages, so a cursor continues any of them."""
    names = (pk_name, "pk")
    for position, key in enumerate(ordering):
        if key.lstrip("-") in names:
            return list(ordering[: position + 1])
    descending = bool(ordering) and ordering[-1].startswith("-")
    return [*ordering, f"-{pk_name}" if descending else pk_name]


class RowComparison(Expression):
    """``(a, b, c) < (%s, %s, %s)``: a row-value comparison, which PostgreSQL, SQLite and MySQL
    turn into one index range (an index on ``(a, b, c)`` starts reading right after the
    cursor). Other databases get the equivalent ``(a < x) OR (a = x AND b < y) ...``."""

    conditional = True

    def __init__(self, names: Sequence[str], values: Sequence[Any], operator: str) -> None:
        super().__init__(output_field=BooleanField())
        self.columns = [F(name) for name in names]
        self.values = list(values)
        self.operator = operator

    def get_source_expressions(self) -> list[Any]:
        return self.columns

    def set_source_expressions(self, exprs: list[Any]) -> None:
        self.columns = exprs

    def resolve_expression(self, *args: Any, **kwargs: Any) -> RowComparison:
        resolved = super().resolve_expression(*args, **kwargs)
        # Validate now (a bad cursor value fails in filter(), not while the SQL is compiled).
        resolved.values = [
            column.output_field.get_prep_value(value)
            for column, value in zip(resolved.columns, resolved.values, strict=True)
        ]
        return resolved

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = [], []
        for column, value in zip(self.columns, self.values, strict=True):
            sql, column_params = compiler.compile(column)
            lhs.append(sql)
            prepared = column.output_field.get_db_prep_value(value, connection, prepared=True)
            params.append((column_params, prepared))
        if connection.vendor in ("postgresql", "sqlite", "mysql"):
            out = [p for column_params, _ in params for p in column_params]
            out += [value for _, value in params]
            marks = ", ".join(["%s"] * len(lhs))
            return f"({', '.join(lhs)}) {self.operator} ({marks})", out
        strict = self.operator.rstrip("=")
        disjuncts, disjunct_params = [], []
        for position, column in enumerate(lhs):
            last = position == len(lhs) - 1
            parts = [f"{lhs[i]} = %s" for i in range(position)]
            parts.append(f"{column} {self.operator if last else strict} %s")
            disjuncts.append(f"({' AND '.join(parts)})")
            for i in range(position + 1):
                disjunct_params += [*params[i][0], params[i][1]]
        return f"({' OR '.join(disjuncts)})", disjunct_params


def keyset_filter(ordering: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows strictly after ``values`` in ``ordering``: (a > x) OR (a = x AND b > y) ...

    When every key has one direction that is one row-value comparison ``(a, b) > (x, y)``
    (an index range); mixed directions keep the expansion, narrowed by a row-value bound on
    the leading keys of one direction so an index can still start near the cursor.
    """
    names = [key.lstrip("-") for key in ordering]
    descending = [key.startswith("-") for key in ordering]
    run = 1
    while run < len(ordering) and descending[run] == descending[0]:
        run += 1
    if any(value is None for value in values):  # NULLs do not compare: the expansion raises
        run = 0
    if run == len(ordering):
        return Q(RowComparison(names, values, "<" if descending[0] else ">"))
    condition = Q()
    equal = Q()
    for name, desc, value in zip(names, descending, values, strict=True):
        lookup = "lt" if desc else "gt"
        condition |= equal & Q(**{f"{name}__{lookup}": value})
        equal &= Q(**{name: value})
    if run:
        bound = RowComparison(names[:run], values[:run], "<=" if descending[0] else ">=")
        condition = Q(bound) & condition
    return condition


__all__ = [
    "COUNT_MODES",
    "BadCursor",
    "count_rows",
    "decode_cursor",
    "encode_cursor",
    "estimate_rows",
    "keyset_filter",
    "keyset_ordering",
    "RowComparison",
    "last_page",
]
