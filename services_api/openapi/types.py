"""JSON Schema of the rows a resource answers, read from the same plans that build the rows.

* ``entity_*`` resources: ``entity_resources.openapi.row_schema`` (the registration's field
  plan and processor), shared with the public DRF viewsets' schema.
* core-style resources (``node``, ``comment``, ``taxonomy_*``): the Drupal column map
  (``drupal.core.core_schema``): every value is Drupal's string (or ``null``), field-array
  columns are ``{"und": [{"value", "format"}]}`` objects.
* ``user``: the index columns (strings, as Drupal answers them).

No property is ``required``: ``fields=`` picks a subset, and ``clean`` omits empty references.
"""

from __future__ import annotations

from typing import Any

from entity_resources.grammar import Vocabulary
from entity_resources.openapi import NULL, row_schema

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

        return vocabulary_for(resource.options), row_schema(resource.options), True
    if isinstance(resource, CoreResource):
        return core_vocabulary(resource.core), core_row_schema(resource.core), False
    if isinstance(resource, UserResource):
        return index_vocabulary(False), USER_ROW, False
    return None, None, False


__all__ = ["core_row_schema", "resource_shape"]
