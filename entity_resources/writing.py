"""Writes: a DRF ``ModelSerializer`` generated per registration from its column schema
(``schema.schema_for``: only ``writable`` columns are ever assigned), and create/update/delete.

- Bodies may only carry exposed fields: anything else is ``406 Unknown data properties: a b.``
  (``UnknownProperties``). Read-only fields (``read_only_fields``, non-editable fields, the pk)
  are accepted and ignored, so a client may send back what it retrieved.
- References are accepted as ids (``"author": 3``) or as objects with an ``id``
  (``{"id": 3}``, or a clean reference ``{"uri", "id", "resource", "uuid"}``); many-to-many as
  lists of either.
- Validation errors raise ``InvalidData``: 406, body ``{"form_errors": {field: [messages]}}``;
  for a bulk create the errors are keyed by the row's position: ``{"form_errors": {"1": {...}}}``.
- Every write runs in ``transaction.atomic``; a bulk create (a JSON list body) creates every row
  or none. A database constraint the write breaks (a unique value taken, as by a read-only
  field's default) is a 406 like any invalid body (``InvalidData``), never a 500.
- ``update`` is partial (only the fields sent change); a body carrying the pk must carry the
  URL's (``InvalidIdentifier``).
- ``update_entities`` (bulk update) takes a list of partial bodies, each carrying its pk; every
  row is updated or none, and the errors are keyed by the item's position and then the field
  (``{"form_errors": {"1": {"title": [...]}}}``), the message naming the first of them.
- Bulk writes take ``max_items``: a longer list is ``413 Too many entities: at most N per
  request.`` (``TooManyItems``) before anything is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from django.db import IntegrityError, transaction
from rest_framework import serializers

from .exceptions import (
    EntityNotFound,
    InvalidData,
    InvalidIdentifier,
    TooManyItems,
    UnknownProperties,
)
from .limits import to_int
from .options import ResourceOptions
from .permissions import check_object_access
from .query import base_queryset, coerce_pk
from .schema import schema_for

CONSTRAINT_FAILED = "The entity conflicts with stored data (a value that must be unique is taken)."


@contextmanager
def atomic_write() -> Iterator[None]:
    """``transaction.atomic``, with a broken database constraint as ``InvalidData`` (406):
    the serializer cannot see every constraint (read-only fields, database-only ones)."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise InvalidData({"non_field_errors": [CONSTRAINT_FAILED]}) from None


class ReferenceField(serializers.PrimaryKeyRelatedField):
    """A foreign key given as an id or as an object with an ``id`` (clean references)."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "no_id": "A reference object needs an id.",
    }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            if data.get("id") in (None, ""):
                self.fail("no_id")
            data = data["id"]
        return super().to_internal_value(data)


class EntitySerializer(serializers.ModelSerializer):
    """Base of the generated serializers (references via ``ReferenceField``)."""

    serializer_related_field = ReferenceField


@lru_cache(maxsize=256)
def _serializer(options: ResourceOptions, version: int) -> type[EntitySerializer]:
    """A ``ModelSerializer`` over the columns of the registration's schema, every column that
    is not ``writable`` there (the pk, ``read_only_fields``, non-editable fields) read-only:
    what a body may set is decided once, by the schema."""
    columns = schema_for(options).columns
    meta = type(
        "Meta",
        (),
        {
            "model": options.model,
            "fields": list(columns),
            "read_only_fields": [name for name, column in columns.items() if not column.writable],
        },
    )
    return type(f"{options.model.__name__}EntitySerializer", (EntitySerializer,), {"Meta": meta})


def serializer_for(options: ResourceOptions) -> type[EntitySerializer]:
    """The write serializer of a registration (generated once per registry version)."""
    from .registry import site

    return _serializer(options, site.version)


def plain_errors(errors: Any) -> Any:
    """DRF error structures (``ReturnDict``, ``ErrorDetail``) as plain dicts, lists and str."""
    if isinstance(errors, dict):
        return {str(k): plain_errors(v) for k, v in errors.items()}
    if isinstance(errors, list):
        return [plain_errors(v) for v in errors]
    return str(errors)


def _check_keys(options: ResourceOptions, data: Any) -> dict:
    if data in ("", None):
        return {}
    if not isinstance(data, dict):
        raise InvalidData({"non_field_errors": ["Expected an object of field values."]})
    exposed = set(options.exposed_fields())
    unknown = [key for key in data if key not in exposed]
    if unknown:
        raise UnknownProperties(unknown)
    return data


def _unsaved(options: ResourceOptions, validated: dict) -> Any:
    m2m = {f.name for f in options.opts.many_to_many}
    return options.model(**{k: v for k, v in validated.items() if k not in m2m})


def check_bulk_size(items: list, max_items: int | None) -> None:
    """The one limit of bulk writes (create and update): at most ``max_items`` entities."""
    if max_items is not None and len(items) > max_items:
        raise TooManyItems(max_items)


def create_entities(
    options: ResourceOptions,
    request: Any,
    data: Any,
    *,
    max_items: int | None = None,
    serializer_class: type[serializers.Serializer] | None = None,
) -> list[Any]:
    """Create one entity (``data`` a dict) or several (a list): all or none. Returns the pks.

    ``serializer_class`` validates and saves each row (default ``serializer_for(options)``; the
    viewsets pass their ``get_serializer_class()``)."""
    rows = data if isinstance(data, list) else [data]
    bulk = isinstance(data, list)
    if bulk and not rows:
        raise InvalidData({"non_field_errors": ["Expected at least one entity."]})
    if bulk:
        check_bulk_size(rows, max_items)
    serializer_class = serializer_class or serializer_for(options)
    context = {"request": request}
    serializers_, errors = [], {}
    for index, row in enumerate(rows):
        try:
            values = _check_keys(options, row)
        except (InvalidData, UnknownProperties) as exc:
            if not bulk:
                raise
            errors[str(index)] = getattr(exc, "errors", None) or {"non_field_errors": [exc.message]}
            continue
        serializer = serializer_class(data=values, context=context)
        if not serializer.is_valid():
            errors[str(index)] = plain_errors(serializer.errors)
        serializers_.append(serializer)
    if errors:
        raise InvalidData(errors if bulk else errors["0"])
    for serializer in serializers_:
        check_object_access(
            options, request, _unsaved(options, serializer.validated_data), "create"
        )
    with atomic_write():
        return [serializer.save().pk for serializer in serializers_]


def get_instance(options: ResourceOptions, request: Any, pk: Any) -> Any:
    """The stored instance the request may see (``queryset_hook`` applied) or ``EntityNotFound``."""
    instance = base_queryset(options, request).filter(pk=coerce_pk(options, pk)).first()
    if instance is None:
        raise EntityNotFound()
    return instance


def update_entity(
    options: ResourceOptions,
    request: Any,
    pk: Any,
    data: Any,
    *,
    partial: bool = True,
    serializer_class: type[serializers.Serializer] | None = None,
) -> Any:
    """Update the entity ``pk`` with ``data`` (partial by default). Returns the pk."""
    values = dict(_check_keys(options, data))
    pk_name = options.pk_name
    if pk_name in values:
        sent = values.pop(pk_name)
        if sent not in (None, "") and str(sent) != str(pk):
            raise InvalidIdentifier()
    with atomic_write():
        instance = get_instance(options, request, pk)
        check_object_access(options, request, instance, "update")
        serializer = (serializer_class or serializer_for(options))(
            instance, data=values, partial=partial, context={"request": request}
        )
        if not serializer.is_valid():
            raise InvalidData(plain_errors(serializer.errors))
        return serializer.save().pk


def _first_error(errors: dict) -> str:
    """``item 1, field title: This field is required.`` for the first error of a bulk body."""
    index, fields = next(iter(errors.items()))
    if isinstance(fields, dict) and fields:
        name, messages = next(iter(fields.items()))
        text = messages[0] if isinstance(messages, list) and messages else messages
        if name == "non_field_errors":
            return f"item {index}: {text}"
        if isinstance(text, dict):  # a nested structure (many-to-many by position)
            text = next(iter(text.values()))
            text = text[0] if isinstance(text, list) and text else text
        return f"item {index}, field {name}: {text}"
    return f"item {index}: {fields}"


def update_entities(
    options: ResourceOptions,
    request: Any,
    items: Any,
    *,
    max_items: int | None = None,
    serializer_class: type[serializers.Serializer] | None = None,
) -> list[Any]:
    """Bulk update: ``items`` is a list of partial bodies, each with its pk. All or none.

    Every item is checked before anything is written; the errors of every bad item are
    reported together, keyed by position. Returns the pks in the order sent.
    """
    pk_name = options.pk_name
    if not isinstance(items, list) or not items:
        raise InvalidData(
            {"non_field_errors": [f"Expected a list of entities, each with its {pk_name}."]},
            message=f"Validation failed: expected a list of entities, each with its {pk_name}.",
        )
    check_bulk_size(items, max_items)
    errors: dict[str, Any] = {}
    wanted: dict[str, Any] = {}
    bodies: dict[str, dict] = {}
    seen: dict[str, str] = {}
    for index, item in enumerate(items):
        key = str(index)
        if not isinstance(item, dict):
            errors[key] = {"non_field_errors": ["Expected an object of field values."]}
            continue
        unknown = [name for name in item if name not in set(options.exposed_fields())]
        if unknown:
            errors[key] = {name: ["Unknown data property."] for name in unknown}
            continue
        values = dict(item)
        sent = values.pop(pk_name, None)
        if sent in (None, ""):
            errors[key] = {pk_name: ["This field is required."]}
            continue
        try:
            pk = coerce_pk(options, sent)
            if isinstance(pk, int):  # ASCII digits within a 64-bit column, as every id
                pk = to_int(sent if isinstance(sent, int | str) else pk)
        except (EntityNotFound, ValueError):
            errors[key] = {pk_name: [f"Entity {sent} not found."]}
            continue
        if str(pk) in seen:
            errors[key] = {pk_name: [f"Entity {sent} is also item {seen[str(pk)]}."]}
            continue
        seen[str(pk)] = key
        wanted[key] = pk
        bodies[key] = values
    serializer_class = serializer_class or serializer_for(options)
    context = {"request": request}
    with atomic_write():
        instances = base_queryset(options, request).in_bulk(list(wanted.values()))
        serializers_ = []
        for key, pk in wanted.items():
            instance = instances.get(pk)
            if instance is None:
                errors[key] = {pk_name: [f"Entity {pk} not found."]}
                continue
            serializer = serializer_class(instance, data=bodies[key], partial=True, context=context)
            if not serializer.is_valid():
                errors[key] = plain_errors(serializer.errors)
                continue
            serializers_.append(serializer)
        if errors:
            ordered = {k: errors[k] for k in sorted(errors, key=int)}
            raise InvalidData(ordered, message=f"Validation failed: {_first_error(ordered)}")
        for serializer in serializers_:
            check_object_access(options, request, serializer.instance, "update")
        return [serializer.save().pk for serializer in serializers_]


def delete_entity(options: ResourceOptions, request: Any, pk: Any) -> None:
    with transaction.atomic():
        instance = get_instance(options, request, pk)
        check_object_access(options, request, instance, "delete")
        instance.delete()


__all__ = [
    "EntitySerializer",
    "ReferenceField",
    "create_entities",
    "delete_entity",
    "get_instance",
    "plain_errors",
    "serializer_for",
    "check_bulk_size",
    "update_entities",
    "update_entity",
]
