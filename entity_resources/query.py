"""Querysets built from the requested fields, and the read functions every path shares.

Reading a page costs at most: one ``values()`` query over only the needed columns (foreign key
uuids joined in the same query: ``author__demo_profile__uuid``), one query per rendered
many-to-many field over its through table for the page's ids (the related uuid joined in), and,
when asked for, one ``COUNT``. No model instance is made on the read path.

Public functions (used by the server adapters, the public viewsets, and the core-style
resources built on top):

- ``base_queryset(options, request)``: default manager + ``queryset_hook``.
- ``render_rows(options, queryset, fields, context, processor=None)``: rows of a queryset.
- ``retrieve_row(options, pk, request, context, ...) -> dict``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import QuerySet

from .compiled import MAX_PLACEHOLDERS, PLACEHOLDER, compiled, placeholders
from .exceptions import EntityNotFound
from .filtering import vocabulary_for
from .grammar import parse_fields
from .options import ResourceOptions
from .plan import FOREIGN_KEY, MANY_TO_MANY, FieldSpec, RenderContext, field_plan
from .processors import row_builder


def base_queryset(options: ResourceOptions, request: Any = None) -> QuerySet:
    """Every row the request may see: the default manager through the ``queryset_hook``."""
    queryset = options.model._default_manager.all()
    if options.queryset_hook is not None:
        queryset = options.queryset_hook(queryset, request)
    return queryset


def value_columns(
    plan: dict[str, FieldSpec], names: Sequence[str], pk_attname: str, processor: str
) -> list[str]:
    """``values()`` arguments for ``names``: the pk, columns, foreign key ids (+ uuid paths)."""
    columns = [pk_attname]
    for name in names:
        spec = plan[name]
        if spec.kind == MANY_TO_MANY:
            continue
        if spec.attname not in columns:
            columns.append(spec.attname)
        if spec.kind == FOREIGN_KEY and processor == "clean" and spec.uuid_path:
            columns.append(spec.uuid_path)
    return columns


def _m2m_queryset(spec: FieldSpec, ids: Sequence[Any], processor: str) -> QuerySet:
    columns = [spec.source_attname, spec.target_attname]
    if processor == "clean" and spec.uuid_path is not None:
        columns.append(spec.uuid_path)
    return (
        spec.through._default_manager.filter(**{f"{spec.source_attname}__in": list(ids)})
        .order_by(spec.source_attname, spec.target_attname)
        .values_list(*columns)
    )


def _group_m2m(rows: Any, spec: FieldSpec, processor: str) -> dict[Any, list[tuple]]:
    with_uuid = processor == "clean" and spec.uuid_path is not None
    out: dict[Any, list[tuple]] = {}
    for row in rows:
        out.setdefault(row[0], []).append((row[1], row[2] if with_uuid else None))
    return out


def fetch_m2m(spec: FieldSpec, ids: Sequence[Any], processor: str) -> dict[Any, list[tuple]]:
    """``{pk: [(related id, uuid or None), ...]}`` for ``ids``: one query on the through table,
    related ids ascending (stable whatever order the links were added in). For integer ids
    the query is compiled once per number of ids (``compiled.placeholders``)."""
    if not ids:
        return {}
    ids = list(dict.fromkeys(ids))
    if all(type(pk) is int for pk in ids) and len(ids) <= MAX_PLACEHOLDERS:
        alias = spec.through._default_manager.db
        key = ("m2m", spec.through, spec.source_attname, alias, processor, spec.uuid_path)
        query = compiled(
            (*key, len(ids)),
            lambda: _m2m_queryset(spec, placeholders(len(ids)), processor),
            len(ids),
        )
        if query is not None:
            return _group_m2m(query.rows(*ids), spec, processor)
    return _group_m2m(_m2m_queryset(spec, ids, processor), spec, processor)


def render_rows(
    options: ResourceOptions,
    queryset: QuerySet,
    fields: Sequence[str] | None,
    context: RenderContext,
    processor: str | None = None,
) -> list[dict]:
    """Evaluate ``queryset`` (sliced as wanted) into output rows with the options' processor."""
    processor = processor or options.processor
    plan = field_plan(options, context)
    names = list(fields) if fields else list(plan)
    pk_attname = options.opts.pk.attname
    raw = list(queryset.values(*value_columns(plan, names, pk_attname, processor)))
    m2m_specs = [plan[n] for n in names if plan[n].kind == MANY_TO_MANY]
    m2m: dict[str, dict] = {}
    if m2m_specs and raw:
        ids = [row[pk_attname] for row in raw]
        for spec in m2m_specs:
            m2m[spec.name] = fetch_m2m(spec, ids, processor)
    build = row_builder(plan, names, processor, context, pk_attname)
    return [build(row, m2m) for row in raw]


def rows_by_pk(
    options: ResourceOptions,
    pks: Sequence[Any],
    context: RenderContext,
    *,
    fields: Sequence[str] | None = None,
    processor: str | None = None,
) -> list[dict]:
    """Rows of the given pks in that order, without the ``queryset_hook`` (what a write saved)."""
    manager = options.model._default_manager
    pk_name = options.pk_name
    if pk_name in options.exposed_fields():
        rows = render_rows(options, manager.filter(pk__in=list(pks)), None, context, processor)
        by_pk = {row[pk_name]: row for row in rows}
        ordered = [by_pk[pk] for pk in pks if pk in by_pk]
    else:
        ordered = [
            row
            for pk in pks
            for row in render_rows(options, manager.filter(pk=pk), None, context, processor)
        ]
    if fields:
        ordered = [{k: row[k] for k in fields if k in row} for row in ordered]
    return ordered


def coerce_pk(options: ResourceOptions, pk: Any) -> Any:
    """The pk value for a path id; a malformed id is a missing entity (404)."""
    try:
        return options.opts.pk.to_python(pk)
    except (ValidationError, TypeError, ValueError):
        raise EntityNotFound() from None


def retrieve_row(
    options: ResourceOptions,
    pk: Any,
    request: Any,
    context: RenderContext,
    *,
    fields: Sequence[str] | None = None,
    query: dict[str, Any] | None = None,
    processor: str | None = None,
    queryset: QuerySet | None = None,
) -> dict:
    """One entity as a row (at most 1 + many-to-many fields queries); ``EntityNotFound``.

    ``fields`` or ``query`` (``fields=a,b`` / ``return[a]=1``) choose the fields.
    """
    if fields is None and query:
        fields = parse_fields(vocabulary_for(options), query)
    pk_value = coerce_pk(options, pk)
    if queryset is None and type(pk_value) is int and -(2**63) < pk_value < 2**63:
        row = _retrieve_compiled(options, pk_value, request, context, fields, processor)
        if row is not None:
            return row
    if queryset is None:
        queryset = base_queryset(options, request)
    rows = render_rows(options, queryset.filter(pk=pk_value), fields, context, processor)
    if not rows:
        raise EntityNotFound()
    return rows[0]


def hook_key(options: ResourceOptions, request: Any) -> tuple[bool, Any]:
    """``(True, key)`` when requests with equal keys see the same rows (no ``queryset_hook``,
    or one with a ``queryset_hook_key``), so their SQL can be compiled once per key."""
    if options.queryset_hook is None:
        return True, None
    if options.queryset_hook_key is None:
        return False, None
    return True, options.queryset_hook_key(request)


def _retrieve_compiled(
    options: ResourceOptions,
    pk: int,
    request: Any,
    context: RenderContext,
    fields: Sequence[str] | None,
    processor: str | None,
) -> dict | None:
    """``retrieve_row`` through compiled queries; ``None`` when it cannot take that path (a
    ``queryset_hook`` without a ``queryset_hook_key`` may filter differently per request)."""
    hook_key = None
    if options.queryset_hook is not None:
        if options.queryset_hook_key is None:
            return None
        hook_key = options.queryset_hook_key(request)
    processor = processor or options.processor
    plan = field_plan(options, context)
    names = list(fields) if fields else list(plan)
    pk_attname = options.opts.pk.attname
    columns = value_columns(plan, names, pk_attname, processor)
    alias = options.model._default_manager.db
    try:
        low, high = connections[alias].ops.integer_field_range(options.opts.pk.get_internal_type())
    except KeyError:  # an integer-valued pk of a custom type: no known range
        return None
    if (low is not None and pk < low) or (high is not None and pk > high):
        return None  # out of the column's range: the ORM path answers "not found"
    main = compiled(
        ("retrieve", options, alias, tuple(columns), hook_key),
        lambda: base_queryset(options, request).filter(pk=PLACEHOLDER).values(*columns),
    )
    if main is None:
        return None
    raw = main.dicts(pk)
    if not raw:
        raise EntityNotFound()
    m2m: dict[str, dict] = {}
    for spec in (plan[n] for n in names if plan[n].kind == MANY_TO_MANY):
        m2m[spec.name] = fetch_m2m(spec, [pk], processor)
    return row_builder(plan, names, processor, context, pk_attname)(raw[0], m2m)


__all__ = [
    "base_queryset",
    "coerce_pk",
    "fetch_m2m",
    "render_rows",
    "retrieve_row",
    "rows_by_pk",
    "value_columns",
]
