"""Index pages: page numbers with a count mode, or keyset (cursor) pages.

``build_listing`` parses the query with the one grammar (``entity_resources.grammar``), filters,
orders, pages and renders; ``read_page`` does the same for an already parsed ``QuerySpec``.
What big tables need is built in:

* a **count mode** (``exact`` ``COUNT(*)``, ``estimated`` from PostgreSQL's planner statistics,
  ``none``) instead of a yes/no count;
* **keyset pagination**: with ``cursor`` in the query (an empty ``cursor=`` starts at the top)
  the page is "the next ``pagesize`` rows after the cursor" in the requested sort (or the
  default ordering) made total with the primary key, so page 190 costs the same as page 0 (a
  ``WHERE (a, pk) > (x, y)``-style filter, never an ``OFFSET``). The page reads ``pagesize + 1``
  rows in ONE query (the ordering values ride along in the same ``values()``), so ``next_cursor``
  is set exactly when another page exists.

Public for host code and benchmarks::

    from entity_resources.listing import build_listing

    listing = build_listing(options, {"pagesize": "100", "cursor": ""}, request, context)
    while listing.next_cursor:
        listing = build_listing(
            options, {"pagesize": "100", "cursor": listing.next_cursor}, request, context
        )

Over HTTP the same is ``GET /api/entity_article.json?pagesize=100&cursor=`` and following the
``Link: <...>; rel="next"`` header (plain lists) or the envelope's ``next`` (the envelope style).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import DateTimeField, ExpressionWrapper, F, Field, Func, QuerySet

from .compiled import compiled, converter
from .exceptions import BadParameter
from .filtering import vocabulary_for
from .grammar import PageSize, QuerySpec, parse_query
from .options import ResourceOptions
from .pagination import (
    BadCursor,
    count_rows,
    decode_cursor,
    encode_cursor,
    keyset_filter,
    keyset_ordering,
)
from .plan import MANY_TO_MANY, RenderContext, field_plan
from .processors import row_builder
from .query import base_queryset, fetch_m2m, hook_key, value_columns


@dataclass
class Listing:
    """One page: ``rows``, ``total`` (``None`` unless counted), the ``spec`` it answers,
    ``keyset`` (read after a cursor), ``next_cursor`` (the cursor of the rows after this page,
    offset pages included; ``None`` on the last page) and ``has_next`` (exact: one row past
    the page is read)."""

    rows: list[dict]
    total: int | None
    spec: QuerySpec
    keyset: bool = False
    next_cursor: str | None = None
    has_next: bool = False

    @property
    def page(self) -> int:
        return self.spec.page

    @property
    def page_size(self) -> int:
        return self.spec.page_size


def _keyset_rows(
    options: ResourceOptions,
    queryset: Callable[[], QuerySet],
    fields: list[str] | None,
    context: RenderContext,
    processor: str,
    ordering: list[str],
    limit: int,
    offset: int = 0,
    shape: tuple | None = None,
) -> tuple[list[dict], list[Any] | None]:
    """``limit`` rows from ``offset`` rendered, and the ordering values of the last one when
    more exist (read as row ``limit + 1`` of the same query).

    ``queryset`` is called to build the queryset, unless ``shape`` (the listing's options,
    database, hook key and ordering) names SQL already compiled for this page: then the SQL
    runs as it is, with no queryset built or compiled.
    """
    plan = field_plan(options, context)
    names = list(fields) if fields else list(plan)
    pk_attname = options.opts.pk.attname
    columns = value_columns(plan, names, pk_attname, processor)
    # The cursor's ordering values: columns already read are reused; the others are read
    # under their own aliases (no clash with the columns) as the database sends them, and
    # only the last row's are converted (Django would convert every row's).
    sources = [
        key if key in columns else f"_keyset_{position}"
        for position, key in enumerate(key.lstrip("-") for key in ordering)
    ]
    read = {source: key.lstrip("-") for key, source in zip(ordering, sources, strict=True)}
    aliased = [source for source in sources if source not in columns]

    def page() -> QuerySet:
        built = queryset()
        if aliased:
            vendor = connections[built.db].vendor
            built = built.annotate(**{s: _as_sent(options, read[s], vendor) for s in aliased})
        return built.values(*columns, *aliased)[offset : offset + limit + 1]

    entry = None
    if shape is not None:
        key = ("page", *shape, tuple(columns), tuple(sources), offset, limit)
        entry = compiled(key, page, placeholder=False)
    if entry is not None:
        raw, convert = entry.dicts(), entry.convert
    else:
        values = page()
        raw = list(values)

        def convert(key: str, value: Any) -> Any:
            return converter(values.query, values.db, key)(value)

    more = len(raw) > limit
    raw = raw[:limit]
    last = None
    if more and raw:
        row = raw[-1]
        last = [
            _last_value(options, read[source], convert(read[source], row[source]))
            if source in aliased
            else row[source]
            for source in sources
        ]
    m2m: dict[str, dict] = {}
    m2m_specs = [plan[n] for n in names if plan[n].kind == MANY_TO_MANY]
    if m2m_specs and raw:
        ids = [row[pk_attname] for row in raw]
        for spec in m2m_specs:
            m2m[spec.name] = fetch_m2m(spec, ids, processor)
    build = row_builder(plan, names, processor, context, pk_attname)
    rows = [build(row, m2m) for row in raw]
    return rows, last


#: PostgreSQL: a ``timestamptz`` as UTC text, whatever the session's ``TimeZone`` and
#: ``DateStyle``; psycopg's loader for ``timestamptz`` runs Python per value.
_PG_UTC_TEXT = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"


def _is_aware_datetime(options: ResourceOptions, key: str) -> bool:
    if "__" in key or not settings.USE_TZ:
        return False
    try:
        field = options.opts.get_field(key)
    except FieldDoesNotExist:
        return False
    return isinstance(field, DateTimeField)


def _as_sent(options: ResourceOptions, key: str, vendor: str) -> ExpressionWrapper:
    """The column ``key`` as the database sends it (only the last row's value is converted).

    On SQLite ``+column`` (a no-op) has no declared type, so the sqlite3 module does not parse
    every row's date-time; Django's converters take the text as well as a parsed value. On
    PostgreSQL a date-time is read as UTC text (``_PG_UTC_TEXT``), turned into a datetime by
    ``_last_value`` for the last row only.
    """
    if vendor == "sqlite":
        expression = Func(F(key), template="+%(expressions)s")
    elif vendor == "postgresql" and _is_aware_datetime(options, key):
        expression = Func(F(key), template=_PG_UTC_TEXT)
    else:
        expression = F(key)
    return ExpressionWrapper(expression, output_field=Field())


def _last_value(options: ResourceOptions, key: str, value: Any) -> Any:
    """The last row's ordering value as ``values()`` gives it: the PostgreSQL UTC text of
    ``_as_sent`` back to an aware datetime (other values are already converted)."""
    if isinstance(value, str) and _is_aware_datetime(options, key):
        return datetime.datetime.fromisoformat(value).replace(tzinfo=datetime.UTC)
    return value


def _shape(
    options: ResourceOptions, request: Any, spec: QuerySpec, queryset: QuerySet | None
) -> tuple | None:
    """What identifies the SQL of an unfiltered page (``None``: build it every time)."""
    if queryset is not None or spec.filters or spec.search:
        return None
    same_rows, key = hook_key(options, request)
    if not same_rows:
        return None
    return (options, options.model._default_manager.db, key, tuple(spec.ordering))


def build_listing(
    options: ResourceOptions,
    query: dict[str, Any],
    request: Any,
    context: RenderContext,
    *,
    page_size: PageSize | None = None,
    plain_query_filters: bool = False,
    count_mode: str = "none",
    processor: str | None = None,
    queryset: QuerySet | None = None,
) -> Listing:
    """Parse ``query`` (raises a ``QueryError`` naming the parameter), then ``read_page``."""
    spec = parse_query(
        vocabulary_for(options),
        query,
        page_size=page_size,
        plain_filters=plain_query_filters,
        count=count_mode,
    )
    return read_page(options, spec, request, context, processor=processor, queryset=queryset)


def read_page(
    options: ResourceOptions,
    spec: QuerySpec,
    request: Any,
    context: RenderContext,
    *,
    processor: str | None = None,
    queryset: QuerySet | None = None,
) -> Listing:
    """Filter, order, page (by number or by ``spec.cursor``), count by ``spec.count``, render.

    ``queryset`` replaces the base queryset (relationships pass the parent's related rows; the
    hook must already be applied). A bad cursor is a ``BadParameter`` naming ``cursor``.
    """
    processor = processor or options.processor

    def base() -> QuerySet:
        return queryset if queryset is not None else base_queryset(options, request)

    ordering = keyset_ordering(spec.ordering, options.pk_name)
    spec.ordering = ordering
    if spec.cursor is None:
        # OFFSET semantics, but the page also says where the keyset walk continues (the
        # ordering values of its last row ride along in the same query).
        rows, last = _keyset_rows(
            options,
            lambda: spec.apply(base()),
            spec.fields,
            context,
            processor,
            ordering,
            spec.page_size,
            spec.offset,
            shape=_shape(options, request, spec, queryset),
        )
        total = None
        if spec.count != "none":
            total = count_rows(spec.apply(base()), spec.count)
        return Listing(
            rows=rows,
            total=total,
            spec=spec,
            next_cursor=encode_cursor(ordering, last) if last is not None else None,
            has_next=last is not None,
        )

    filtered = spec.apply(base())
    after = filtered
    if spec.cursor:
        try:
            values = decode_cursor(spec.cursor, ordering)
            after = filtered.filter(keyset_filter(ordering, values))
        except (BadCursor, ValidationError, ValueError, TypeError) as error:
            message = str(error) if isinstance(error, BadCursor) else "cursor is not valid"
            raise BadParameter("cursor", f"{message}.") from None
    rows, last = _keyset_rows(
        options, lambda: after, spec.fields, context, processor, ordering, spec.page_size
    )
    total = count_rows(filtered, spec.count)
    next_cursor = encode_cursor(ordering, last) if last is not None else None
    return Listing(
        rows=rows,
        total=total,
        spec=spec,
        keyset=True,
        next_cursor=next_cursor,
        has_next=next_cursor is not None,
    )


__all__ = ["Listing", "build_listing", "read_page"]
