"""JSON Schema of the rows a resource answers, read from the same plans that build the rows.

* ``entity_*`` resources: the registration's field plan (``entity_resources.plan``) and its
  processor: ``generic`` gives a foreign key as the referenced id and a many-to-many as a list
  of ids, ``clean`` gives references as ``{"uri", "id", "resource", "uuid"?}`` objects and
  date-times as ISO 8601 strings.
* core-style resources (``node``, ``comment``, ``taxonomy_*``): the Drupal column map
  (``drupal.core.core_schema``): every value is Drupal's string (or ``null``), field-array
  columns are ``{"und": [{"value", "format"}]}`` objects.
* ``user``: the index columns (strings, as Drupal answers them).

No property is ``required``: ``fields=`` picks a subset, and ``clean`` omits empty references.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from entity_resources.grammar import Vocabulary

NULL = {"type": "null"}


def nullable(schema: dict[str, Any], null: bool) -> dict[str, Any]:
    return {"anyOf": [schema, NULL]} if null else schema


def _target(model_field: Any) -> Any:
    """A relation's target field (the referenced primary key), else the field itself."""
    while getattr(model_field, "is_relation", False) and model_field.target_field is not None:
        if model_field.target_field is model_field:
            break
        model_field = model_field.target_field
    return model_field


def column_schema(model_field: Any, *, clean: bool = False) -> dict[str, Any]:
    """A model column's value as ``values()`` rows render it (``generic``/``clean``)."""
    f = _target(model_field)
    if isinstance(f, models.BooleanField):
        schema: dict[str, Any] = {"type": "boolean"}
    elif isinstance(f, models.AutoField | models.IntegerField):
        schema = {"type": "integer"}
    elif isinstance(f, models.FloatField):
        schema = {"type": "number"}
    elif isinstance(f, models.DecimalField):
        schema = {"type": ["string", "number"]}
    elif isinstance(f, models.DateTimeField):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(f, models.DateField):
        schema = {"type": "string", "format": "date"}
    elif isinstance(f, models.TimeField):
        schema = {"type": "string", "format": "time"}
    elif isinstance(f, models.UUIDField):
        schema = {"type": "string", "format": "uuid"}
    elif isinstance(f, models.JSONField):
        schema = {}
    elif isinstance(f, models.CharField | models.TextField | models.FileField):
        schema = {"type": "string"}
    else:
        schema = {}
    if clean and isinstance(f, models.DateTimeField):
        schema = {"type": "string", "format": "date-time"}
    if schema:
        schema = nullable(schema, bool(getattr(model_field, "null", False)))
    return schema


def reference_schema(target_field: Any) -> dict[str, Any]:
    """The ``clean`` processor's reference object."""
    return {
        "type": "object",
        "properties": {
            "uri": {"type": "string", "format": "uri"},
            "id": column_schema(target_field),
            "resource": {"type": "string"},
            "uuid": {"anyOf": [{"type": "string"}, NULL]},
        },
        "required": ["id", "resource"],
    }


def entity_row_schema(options: Any) -> dict[str, Any]:
    from entity_resources.plan import FOREIGN_KEY, MANY_TO_MANY, RenderContext, field_plan

    clean = options.processor == "clean"
    properties: dict[str, Any] = {}
    for name, spec in field_plan(options, RenderContext()).items():
        if spec.kind == FOREIGN_KEY:
            target = spec.related_model._meta.pk
            item = reference_schema(target) if clean else column_schema(target)
            properties[name] = nullable(item, bool(spec.field.null))
        elif spec.kind == MANY_TO_MANY:
            target = spec.related_model._meta.pk
            item = reference_schema(target) if clean else column_schema(target)
            properties[name] = {"type": "array", "items": item}
        else:
            properties[name] = column_schema(spec.field, clean=clean)
    return {"type": "object", "properties": properties}


FIELD_ARRAY = {
    "type": "object",
    "description": "A Drupal 7 field array: {language: [{value, format, ...}]}.",
    "additionalProperties": {"type": "array", "items": {"type": "object"}},
}


def core_row_schema(core: Any) -> dict[str, Any]:
    from services_api.drupal.core import core_schema

    schema = core_schema(core)
    properties: dict[str, Any] = {}
    for name, column in schema.columns.items():
        if column.array:
            properties[name] = {"anyOf": [FIELD_ARRAY, {"type": "array", "maxItems": 0}]}
        else:
            properties[name] = {"anyOf": [{"type": "string"}, NULL]}
    properties.setdefault("uri", {"type": "string", "format": "uri"})
    return {"type": "object", "properties": properties}


#: ``drupal.user.account_data``'s keys: Drupal's strings (``uid``, timestamps, ``status``),
#: ``roles`` by rid, ``data`` false or the profile hook's object. A profile hook
#: (``USER_PROFILE_FIELDS``) may add keys, so others are allowed.
USER_ROW = {
    "type": "object",
    "properties": {
        **{
            name: {"type": "string"}
            for name in (
                "uid",
                "name",
                "mail",
                "theme",
                "signature",
                "created",
                "access",
                "login",
                "status",
                "timezone",
                "language",
                "init",
            )
        },
        "signature_format": {"anyOf": [{"type": "string"}, NULL]},
        "picture": {},
        "data": {"anyOf": [{"type": "boolean"}, {"type": "object"}]},
        "roles": {"type": "object", "additionalProperties": {"type": "string"}},
        "uuid": {"anyOf": [{"type": "string"}, NULL]},
    },
}


def resource_shape(resource: Any) -> tuple[Vocabulary | None, dict[str, Any] | None, bool]:
    """``(vocabulary, row schema, restws envelope)`` of a resource, by its family."""
    from services_api.drupal.core import CoreResource, core_vocabulary
    from services_api.drupal.entity import EntityResource
    from services_api.drupal.user import UserResource, index_vocabulary

    if isinstance(resource, EntityResource):
        from entity_resources.filtering import vocabulary_for

        return vocabulary_for(resource.options), entity_row_schema(resource.options), True
    if isinstance(resource, CoreResource):
        return core_vocabulary(resource.core), core_row_schema(resource.core), False
    if isinstance(resource, UserResource):
        return index_vocabulary(False), USER_ROW, False
    return None, None, False


__all__ = ["column_schema", "entity_row_schema", "core_row_schema", "resource_shape"]
