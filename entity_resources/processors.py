"""Processors: turn ``values()`` rows into the dictionaries a resource answers with.

Two processors, as in Services Entity:

``generic``
    The model's own field names with raw values, as Django stores them: a foreign key is the
    referenced id under the field's name (``"author": 3``, not ``author_id``), a many-to-many
    a list of ids (``"tags": [1, 2]``), dates and times ``isoformat()`` strings
    (``2024-01-01T00:00:00+00:00``), uuids strings.

``clean``
    References as objects ``{"uri", "id", "resource"}`` plus ``"uuid"`` when the referenced
    model has one (or, for users, when a user uuid path is configured); empty references are
    omitted; many-to-many as lists of such objects; date-times in ONE format, ISO 8601 in UTC to
    the second with ``Z`` (``2024-01-01T00:00:00Z``); dates ``YYYY-MM-DD``; uuids strings.

Rows are built from plain dictionaries with per-field converter closures computed once per
request: no model instance and no serializer field object is made per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .plan import (
    FOREIGN_KEY,
    MANY_TO_MANY,
    FieldSpec,
    RenderContext,
    format_datetime_utc,
)

_OMIT = object()

#: ``converter(raw_row, m2m) -> value`` (``_OMIT`` drops the key).
Converter = Callable[[dict, dict], Any]


def _column(spec: FieldSpec, clean: bool) -> Converter:
    key, kind = spec.attname, spec.value_kind
    if kind == "datetime":
        fmt = format_datetime_utc if clean else (lambda v: v.isoformat())

        def convert(row: dict, m2m: dict) -> Any:
            value = row[key]
            return None if value is None else fmt(value)

        return convert
    if kind in ("date", "time"):
        return lambda row, m2m: None if row[key] is None else row[key].isoformat()
    if kind == "uuid":
        return lambda row, m2m: None if row[key] is None else str(row[key])
    return lambda row, m2m: row[key]


def reference(
    spec: FieldSpec, context: RenderContext, related_id: Any, uuid: Any = None
) -> dict[str, Any]:
    """The clean processor's reference object."""
    ref: dict[str, Any] = {}
    if context.uri_builder is not None:
        ref["uri"] = context.uri_builder(spec.resource, related_id)
    ref["id"] = related_id
    ref["resource"] = spec.resource
    if spec.uuid_path is not None:
        ref["uuid"] = None if uuid is None else str(uuid)
    return ref


def _foreign_key(spec: FieldSpec, clean: bool, context: RenderContext) -> Converter:
    key = spec.attname
    if not clean:
        return lambda row, m2m: row[key]
    uuid_key = spec.uuid_path
    uri, resource = context.uri_builder, spec.resource

    def convert(row: dict, m2m: dict) -> Any:
        related_id = row[key]
        if related_id is None:
            return _OMIT
        ref: dict[str, Any] = {}
        if uri is not None:
            ref["uri"] = uri(resource, related_id)
        ref["id"] = related_id
        ref["resource"] = resource
        if uuid_key is not None:
            value = row[uuid_key]
            ref["uuid"] = None if value is None else str(value)
        return ref

    return convert


def _many_to_many(spec: FieldSpec, clean: bool, context: RenderContext, pk: str) -> Converter:
    name = spec.name
    if not clean:
        return lambda row, m2m: [pair[0] for pair in m2m.get(name, {}).get(row[pk], ())]
    uri, resource, with_uuid = context.uri_builder, spec.resource, spec.uuid_path is not None

    def convert(row: dict, m2m: dict) -> Any:
        refs = []
        for pair in m2m.get(name, {}).get(row[pk], ()):
            ref: dict[str, Any] = {}
            if uri is not None:
                ref["uri"] = uri(resource, pair[0])
            ref["id"] = pair[0]
            ref["resource"] = resource
            if with_uuid:
                ref["uuid"] = None if pair[1] is None else str(pair[1])
            refs.append(ref)
        return refs

    return convert


def row_builder(
    plan: dict[str, FieldSpec],
    names: Iterable[str],
    processor: str,
    context: RenderContext,
    pk_attname: str,
) -> Callable[[dict, dict], dict]:
    """``build(raw_row, m2m) -> output row`` for the given field names.

    ``raw_row`` is a ``values()`` dictionary holding the columns ``query.value_columns`` chose;
    ``m2m`` is ``{field name: {pk: [(related id, uuid), ...]}}`` from ``query.fetch_m2m``.
    """
    clean = processor == "clean"
    converters: list[tuple[str, Converter]] = []
    for name in names:
        spec = plan[name]
        if spec.kind == FOREIGN_KEY:
            converters.append((name, _foreign_key(spec, clean, context)))
        elif spec.kind == MANY_TO_MANY:
            converters.append((name, _many_to_many(spec, clean, context, pk_attname)))
        else:
            converters.append((name, _column(spec, clean)))

    def build(row: dict, m2m: dict) -> dict:
        out = {}
        for key, convert in converters:
            value = convert(row, m2m)
            if value is not _OMIT:
                out[key] = value
        return out

    return build


__all__ = ["Converter", "reference", "row_builder"]
