"""The column schema: one description of what a registration exposes, from which the rest is
derived (the read plan, the rows, the query vocabulary, and any server's own names for them).

``schema_for(options)`` gives, for each exposed field, a ``Column``: its name, kind (plain
column, foreign key, many-to-many), model field and the field holding its stored value,
``values()`` key, how its value converts on output (``value_kind``), the filter operators it
takes, whether it sorts and whether write bodies may set it, and the model it refers to.
Cached per registry version.

A server that names things its own way does not keep a second schema: it renames columns
(``{"uid": column}``), picks its own output converters from ``value_kind``/``target``, and gets
its query vocabulary from ``column_vocabulary`` and its rows from
``processors.value_row_builder``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import models

from .grammar import QueryColumn, Vocabulary
from .options import ResourceOptions

COLUMN, FOREIGN_KEY, MANY_TO_MANY = "column", "fk", "m2m"


def value_kind(field: Any) -> str | None:
    """``"datetime"``, ``"date"``, ``"time"``, ``"uuid"`` or ``None``: how a stored value of
    ``field`` converts on output (``None``: as stored)."""
    if isinstance(field, models.DateTimeField):
        return "datetime"
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, models.TimeField):
        return "time"
    if isinstance(field, models.UUIDField):
        return "uuid"
    return None


@dataclass(frozen=True)
class Column:
    """One exposed field."""

    name: str
    #: ``COLUMN``, ``FOREIGN_KEY`` or ``MANY_TO_MANY``.
    kind: str
    field: Any
    #: Key in ``values()`` rows and filter path (``author_id`` for a foreign key); m2m: ``""``.
    attname: str
    #: The field whose type the value has: the field itself, or the one a relation refers to
    #: (``target_field``).
    target: Any
    #: How the value converts on output (``value_kind(target)``).
    value_kind: str | None
    #: Filter operators the registration allows on this name (``filter_fields``); empty:
    #: the name does not filter.
    lookups: frozenset[str] = frozenset()
    #: Named in ``sort_fields``.
    sortable: bool = False
    #: Write bodies may set it (not the pk, not read-only, editable).
    writable: bool = False
    related_model: Any = None

    @property
    def text(self) -> bool:
        """Stored as text (``CharField``/``TextField``)."""
        return isinstance(self.target, models.CharField | models.TextField)

    @property
    def stored(self) -> bool:
        """A column of the model's own table (a plain field or a foreign key)."""
        return self.kind != MANY_TO_MANY


def target_field(field: Any) -> Any:
    """The field whose values ``field`` stores and compares: the field itself, or for a
    relation the field it refers to (followed through relations to relations).

    That is Django's ``target_field``: a foreign key's ``to_field`` (the related pk unless
    ``to_field`` names another unique field), a many-to-many's or a reverse relation's related
    key. A filter on a foreign key compares its stored column, so its values parse as this
    field's (``to_field="code"``: text, not the related pk)."""
    while field.is_relation:
        field = field.target_field
    return field


def model_column(
    field: Any,
    name: str | None = None,
    *,
    lookups: frozenset[str] = frozenset(),
    sortable: bool = False,
    writable: bool = False,
) -> Column:
    """The ``Column`` of any model field (a registration's, or a model that is not registered,
    such as the user model under a server's own resource)."""
    if field.many_to_many:
        kind, attname = MANY_TO_MANY, ""
    elif field.is_relation:
        kind, attname = FOREIGN_KEY, field.attname
    else:
        kind, attname = COLUMN, field.attname
    target = target_field(field)
    return Column(
        name=name or field.name,
        kind=kind,
        field=field,
        attname=attname,
        target=target,
        value_kind=value_kind(target),
        lookups=lookups,
        sortable=sortable,
        writable=writable,
        related_model=field.related_model if field.is_relation else None,
    )


@dataclass(frozen=True)
class Schema:
    """The columns of a registration, in exposed order, and its query vocabulary."""

    options: ResourceOptions
    columns: Mapping[str, Column]
    #: The primary key (exposed or not).
    pk: Column
    #: Default index order, made total by the pk.
    ordering: tuple[str, ...]
    #: The query vocabulary: ``filter_fields`` (relation paths included), ``sort_fields``, the
    #: exposed names, ``search_fields``.
    vocabulary: Vocabulary


def _walk(model: Any, path: str) -> tuple[Any, bool]:
    """The last field of ``path`` (``__``-separated) and whether it crosses a to-many relation."""
    multi = False
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if field.is_relation:
            multi = multi or bool(field.many_to_many or field.one_to_many)
            model = field.related_model
    return field, multi


def filter_path(path: str, field: Any) -> str:
    """The ORM path a filter on ``path`` (ending at ``field``) compares. A foreign key compares
    the value it stores through its target (``author__id``, ``part__code`` for a ``to_field``):
    Django drops the join, and every lookup of the target's type applies (it refuses
    ``startswith`` on the relation or its ``_id`` column). Other paths are themselves."""
    if field.is_relation and field.concrete and not field.many_to_many:
        for suffix in (field.attname, field.name):
            if path == suffix or path.endswith(f"__{suffix}"):
                return f"{path[: len(path) - len(suffix)]}{field.name}__{field.target_field.name}"
    return path


def build_schema(options: ResourceOptions) -> Schema:
    opts = options.opts
    lookups = options.filter_lookups()
    sorts_named = {name.replace(".", "__") for name in options.sort_fields}
    read_only = set(options.read_only_fields)
    columns: dict[str, Column] = {}
    for name in options.exposed_fields():
        field = opts.get_field(name)
        if not field.concrete and not (field.many_to_many and not field.auto_created):
            continue
        writable = (
            not field.primary_key and name not in read_only and getattr(field, "editable", True)
        )
        columns[name] = model_column(
            field,
            lookups=frozenset(lookups.get(name, ())),
            sortable=name in sorts_named,
            writable=writable,
        )
    pk = columns.get(opts.pk.name) or model_column(opts.pk)
    filters: dict[str, QueryColumn] = {}
    for path, allowed in lookups.items():
        last, multi = _walk(options.model, path)
        filters[path] = QueryColumn(path, filter_path(path, last), last, frozenset(allowed), multi)
    sorts: dict[str, QueryColumn] = {}
    for name in options.sort_fields:
        path = name.replace(".", "__")
        last, multi = _walk(options.model, path)
        sorts[path] = QueryColumn(path, path, last, frozenset(), multi)
    ordering = tuple(options.default_ordering())
    vocabulary = Vocabulary(
        fields=tuple(options.exposed_fields()),
        filters=filters,
        sorts=sorts,
        ordering=ordering,
        pk=opts.pk.name,
        search=tuple(options.search_fields),
    )
    return Schema(options, columns, pk, ordering, vocabulary)


@lru_cache(maxsize=256)
def _schema(options: ResourceOptions, version: int) -> Schema:
    return build_schema(options)


def schema_for(options: ResourceOptions) -> Schema:
    """The (cached) column schema of a registration."""
    from .registry import site

    return _schema(options, site.version)


def column_vocabulary(
    columns: Mapping[str, Column],
    *,
    ordering: Sequence[str],
    pk: str,
    fields: Sequence[str] | None = None,
) -> Vocabulary:
    """A vocabulary in which every stored column of ``columns``, under the name it has there
    (a server's own, ``{"pid": pk column}``), filters with any operator and sorts: the rule
    of a server that exposes table columns as they are. ``fields`` defaults to every name."""
    stored = {name: column for name, column in columns.items() if column.stored}
    return Vocabulary(
        fields=tuple(fields if fields is not None else columns),
        filters={
            name: QueryColumn(name, filter_path(column.attname, column.field), column.field)
            for name, column in stored.items()
        },
        sorts={
            name: QueryColumn(name, column.attname, column.field) for name, column in stored.items()
        },
        ordering=tuple(ordering),
        pk=pk,
    )


__all__ = [
    "COLUMN",
    "FOREIGN_KEY",
    "MANY_TO_MANY",
    "Column",
    "Schema",
    "build_schema",
    "column_vocabulary",
    "filter_path",
    "model_column",
    "schema_for",
    "target_field",
    "value_kind",
]
