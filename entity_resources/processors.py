"""Processors: turn ``values()`` rows into the dictionaries a resource answers with.

Two processors:

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

Rows are built from plain dictionaries by a function generated once per field list (see
``row_builder``): no model instance and no serializer field object is made per row. A server
with names and value formats of its own (``{"pid": "5"}``) builds its rows with the same
generator through ``value_row_builder``: ``OutputColumn(key, source, convert)`` per column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .plan import (
    COLUMN,
    FOREIGN_KEY,
    MANY_TO_MANY,
    FieldSpec,
    RenderContext,
    format_datetime_utc,
)


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

    The function is generated once per field list (as ``dataclasses`` generates ``__init__``):
    one statement per field, no call or loop per field beyond the conversions a value needs,
    so a page of 100 rows builds several times faster than through converter closures.
    """
    specs = tuple(plan[name] for name in names)
    with_uri = context.uri_builder is not None
    make = _compiled_builder(specs, processor == "clean", pk_attname, with_uri)
    return make(context.uri_builder)


def _isoformat(value: Any) -> Any:
    return value.isoformat()


@dataclass(frozen=True)
class OutputColumn:
    """One key of an output row: ``convert(row[source])`` (``row[source]`` when ``convert`` is
    ``None``) under ``key``. With ``skip_none`` a ``None`` stays ``None`` without a call; with
    ``extra`` the converter takes a second value, ``row[extra]`` (a text and its format)."""

    key: str
    source: str
    convert: Callable[..., Any] | None = None
    skip_none: bool = False
    extra: str | None = None


def value_row_builder(columns: Sequence[OutputColumn]) -> Callable[[dict], dict]:
    """``build(values_row) -> output row`` for ``columns``, generated once per column list by
    the same code as the entity processors' rows (no per-row model, no per-column call beyond
    the converters)."""
    return _compiled_values(tuple(columns))


@lru_cache(maxsize=512)
def _compiled_values(columns: tuple[OutputColumn, ...]) -> Callable[[dict], dict]:
    namespace: dict[str, Any] = {}
    lines = ["def build(row):", "  out = {}"]
    for index, column in enumerate(columns):
        convert = None
        if column.convert is not None:
            convert = f"_c{index}"
            namespace[convert] = column.convert
        lines += _value_lines(column.key, column.source, convert, column.skip_none, column.extra)
    lines.append("  return out")
    exec("\n".join(lines), namespace)  # noqa: S102 - keys go in via repr(), converters by name
    return namespace["build"]


def _value_lines(
    key: str, source: str, convert: str | None, skip_none: bool, extra: str | None = None
) -> list[str]:
    """``out[key] = ...`` for one value of ``row`` (two spaces of indentation per level, at the
    level of a ``build`` body)."""
    out = f"out[{key!r}]"
    if convert is None:
        return [f"  {out} = row[{source!r}]"]
    args = f"v, row[{extra!r}]" if extra else "v"
    value = f"None if v is None else {convert}({args})" if skip_none else f"{convert}({args})"
    return [f"  v = row[{source!r}]", f"  {out} = {value}"]


@lru_cache(maxsize=512)
def _compiled_builder(
    specs: tuple[FieldSpec, ...], clean: bool, pk_attname: str, with_uri: bool
) -> Callable[[Any], Callable[[dict, dict], dict]]:
    source = _builder_source(specs, clean, pk_attname, with_uri)
    namespace: dict[str, Any] = {"_fmt_dt": format_datetime_utc, "_iso": _isoformat}
    exec(source, namespace)  # noqa: S102 - built from field names and constants via repr()
    return namespace["make"]


def _builder_source(
    specs: tuple[FieldSpec, ...], clean: bool, pk_attname: str, with_uri: bool
) -> str:
    """Source of ``make(_uri) -> build(row, m2m)``; every name and key goes in via ``repr``."""
    lines = ["def make(_uri):", "  def build(row, m2m):", "    out = {}"]
    for spec in specs:
        out = f"out[{spec.name!r}]"
        if spec.kind == MANY_TO_MANY:
            pairs = f"m2m.get({spec.name!r}, {{}}).get(row[{pk_attname!r}], ())"
            if not clean:
                lines.append(f"    {out} = [pair[0] for pair in {pairs}]")
                continue
            items = ['"uri": _uri(r, t)'] if with_uri else []
            items += ['"id": t', '"resource": r']
            if spec.uuid_path is not None:
                items.append('"uuid": None if u is None else str(u)')
            lines.append(f"    r = {spec.resource!r}")
            lines.append(f"    {out} = [{{{', '.join(items)}}} for t, u in {pairs}]")
        elif spec.kind == FOREIGN_KEY and clean:
            items = ['"uri": _uri(r, v)'] if with_uri else []
            items += ['"id": v', '"resource": r']
            lines.append(f"    v = row[{spec.attname!r}]")
            lines.append("    if v is not None:")
            lines.append(f"      r = {spec.resource!r}")
            if spec.uuid_path is not None:
                lines.append(f"      u = row[{spec.uuid_path!r}]")
                items.append('"uuid": None if u is None else str(u)')
            lines.append(f"      {out} = {{{', '.join(items)}}}")
        else:
            convert = None
            if spec.kind == COLUMN and spec.value_kind is not None:
                convert = "_iso"
                if spec.value_kind == "uuid":
                    convert = "str"
                elif spec.value_kind == "datetime" and clean:
                    convert = "_fmt_dt"
            value = _value_lines(spec.name, spec.attname, convert, skip_none=True)
            lines += [f"  {line}" for line in value]
    lines += ["    return out", "  return build"]
    return "\n".join(lines)


__all__ = ["OutputColumn", "reference", "row_builder", "value_row_builder"]
