"""OpenAPI pieces of a registration, read from the plans and the grammar that serve it.

One description, used by every document that describes entity resources: other servers'
documents built on these functions and the public DRF viewsets' drf-spectacular schema
(``entity_resources.spectacular``).

* ``row_schema``: one row as the processor answers it, from the registration's field plan
  (``plan.field_plan``): ``generic`` gives a foreign key as the referenced id and a
  many-to-many as a list of ids, ``clean`` gives references as ``{"uri", "id", "resource",
  "uuid"?}`` objects and date-times as ISO 8601 strings.
* ``write_schema``: a write body, from the write serializer (``writing.serializer_for``):
  only the writable fields; references as an id or an object with an ``id``.
* ``filter_parameters`` / ``page_parameters``: the index query of the one grammar
  (``grammar.parse_query``) over the registration's ``Vocabulary``.

No row property is ``required``: ``fields=`` picks a subset, and ``clean`` omits empty
references.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from .grammar import LOOKUPS, SQL_OPERATORS, TEXT_LOOKUPS, PageSize, Vocabulary
from .limits import MAX_OFFSET
from .schema import target_field

NULL = {"type": "null"}
#: Page numbers documented up to here (the grammar refuses rows past ``MAX_OFFSET``).
MAX_DOCUMENTED_PAGE = 10000
#: ``pagesize`` is capped by the page-size policy, never refused; documented up to here.
MAX_DOCUMENTED_PAGE_SIZE = 100000


def nullable(schema: dict[str, Any], null: bool) -> dict[str, Any]:
    return {"anyOf": [schema, NULL]} if null else schema


def column_schema(model_field: Any) -> dict[str, Any]:
    """A model column's value as ``values()`` rows render it (both processors give dates and
    times as ISO 8601 strings, uuids as strings)."""
    f = target_field(model_field)
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
    if schema:
        schema = nullable(schema, bool(getattr(model_field, "null", False)))
    return schema


def reference_schema(target: Any, *, uri_nullable: bool = False) -> dict[str, Any]:
    """The ``clean`` processor's reference object (``processors.reference``).

    ``uri_nullable``: the server may have no URL for the referenced resource (a DRF router
    without a detail route for it), and then sends ``null``."""
    uri: dict[str, Any] = {"type": "string", "format": "uri"}
    return {
        "type": "object",
        "properties": {
            "uri": nullable(uri, uri_nullable),
            "id": column_schema(target),
            "resource": {"type": "string"},
            "uuid": {"anyOf": [{"type": "string"}, NULL]},
        },
        "required": ["id", "resource"],
    }


def row_schema(
    options: Any, processor: str | None = None, *, uri_nullable: bool = False
) -> dict[str, Any]:
    """JSON Schema of one row of ``options`` under ``processor`` (default: the registration's)."""
    from .plan import FOREIGN_KEY, MANY_TO_MANY, RenderContext, field_plan

    clean = (processor or options.processor) == "clean"
    properties: dict[str, Any] = {}
    for name, spec in field_plan(options, RenderContext()).items():
        if spec.kind in (FOREIGN_KEY, MANY_TO_MANY):
            target = target_field(spec.field)  # the referenced key (a ``to_field`` too)
            item = (
                reference_schema(target, uri_nullable=uri_nullable)
                if clean
                else column_schema(target)
            )
            if spec.kind == FOREIGN_KEY:
                properties[name] = nullable(item, bool(spec.field.null))
            else:
                properties[name] = {"type": "array", "items": item}
        else:
            properties[name] = column_schema(spec.field)
    return {"type": "object", "properties": properties}


def _input_schema(serializer_field: Any, model_field: Any) -> dict[str, Any]:
    """What the write serializer accepts for one field."""
    from rest_framework import serializers

    from .writing import ReferenceField

    related = getattr(serializer_field, "child_relation", None)
    reference = related if related is not None else serializer_field
    if isinstance(reference, ReferenceField):
        target = column_schema(target_field(model_field))
        target = target.get("anyOf", [target])[0]  # the id itself is never null
        item = {
            "anyOf": [
                target,
                {"type": "object", "properties": {"id": target}, "required": ["id"]},
            ]
        }
        if related is not None:
            return {"type": "array", "items": item}
        return nullable(item, bool(serializer_field.allow_null))
    schema = column_schema(model_field) if model_field is not None else {}
    schema = schema.get("anyOf", [schema])[0] if "anyOf" in schema else schema
    if isinstance(serializer_field, serializers.ChoiceField):
        schema = {**schema, "enum": list(serializer_field.choices)}
    if isinstance(serializer_field, serializers.CharField):
        if serializer_field.max_length is not None:
            schema = {**schema, "maxLength": serializer_field.max_length}
        if not serializer_field.allow_blank:
            schema = {**schema, "minLength": 1}
    return nullable(schema, bool(getattr(serializer_field, "allow_null", False)))


def write_schema(options: Any, *, partial: bool = False) -> dict[str, Any]:
    """JSON Schema of a create (or, ``partial``, an update) body: the writable fields only.

    The writer also accepts read-only fields (and ignores them), so a client may send back
    what it retrieved; unknown keys are a ``406``."""
    from .writing import serializer_for

    serializer = serializer_for(options)()
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        try:
            model_field = options.opts.get_field(field.source)
        except Exception:  # a serializer-only field
            model_field = None
        properties[name] = _input_schema(field, model_field)
        if field.required and not partial:
            required.append(name)
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        # Other keys are a 406 (read-only ones are accepted and ignored: not documented).
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    return schema


def filter_parameters(vocabulary: Vocabulary) -> list[dict[str, Any]]:
    """``fields``, ``parameters[...]`` (a deepObject with the lookups each column takes),
    ``options[parameters_op][x]``, ``options[orderby][x]``, ``sort``/``direction`` and
    ``search``: every name the grammar accepts for this vocabulary."""
    fields = list(vocabulary.fields)
    params: list[dict[str, Any]] = [
        {
            "name": "fields",
            "in": "query",
            "schema": {"type": "string"},
            "description": "Comma-separated columns to return: " + ", ".join(fields) + ".",
            "x-fields": fields,
        }
    ]
    filters: dict[str, Any] = {}
    for name, column in vocabulary.filters.items():
        lookups = sorted(column.lookups) if column.lookups is not None else list(LOOKUPS)
        filters[name] = {
            "type": "string",
            "description": (
                f"`parameters[{name}]=v` (a comma list: IN); lookups "
                f"`parameters[{name}][<lookup>]`: {', '.join(lookups)}."
            ),
            "x-lookups": lookups,
        }
    if filters:
        params.append(
            {
                "name": "parameters",
                "in": "query",
                "style": "deepObject",
                "explode": True,
                "schema": {"type": "object", "properties": filters, "additionalProperties": False},
                "description": "Filters (equality or a comma list).",
                # Swagger UI's "Try it out" would otherwise fill every filter with a
                # placeholder ("string") and send a query that fails.
                "example": {},
            }
        )
    for name, column in vocabulary.filters.items():
        operators = [
            op
            for op, (lookup, _) in SQL_OPERATORS.items()
            if column.allows(lookup) or (lookup == "like" and column.lookups is None)
        ]
        if column.lookups is not None and not column.lookups & TEXT_LOOKUPS:
            operators = [op for op in operators if "LIKE" not in op]
        params.append(
            {
                "name": f"options[parameters_op][{name}]",
                "in": "query",
                "schema": {"type": "string", "enum": operators},
                "description": f"SQL operator applied to `parameters[{name}]`.",
            }
        )
    sorts = list(vocabulary.sorts)
    for name in sorts:
        params.append(
            {
                "name": f"options[orderby][{name}]",
                "in": "query",
                "schema": {"type": "string", "enum": ["ASC", "DESC"]},
                "description": f"Order by {name}.",
            }
        )
    if sorts:
        params += [
            {
                "name": "sort",
                "in": "query",
                "schema": {"type": "string", "enum": sorts},
                "description": "Sort column (a comma list sorts by several): " + ", ".join(sorts),
            },
            {
                "name": "direction",
                "in": "query",
                "schema": {"type": "string", "enum": ["ASC", "DESC"]},
            },
        ]
    if vocabulary.search:
        params.append(
            {
                "name": "search",
                "in": "query",
                "schema": {"type": "string"},
                "description": "Search in " + ", ".join(vocabulary.search) + ".",
            }
        )
    return params


def page_parameters(page_size: PageSize) -> list[dict[str, Any]]:
    """``page`` and ``pagesize`` (the page-size policy)."""
    return [
        {
            "name": "page",
            "in": "query",
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_DOCUMENTED_PAGE},
            "description": f"Zero-based page number (rows past {MAX_OFFSET} are refused).",
        },
        {
            "name": "pagesize",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_DOCUMENTED_PAGE_SIZE},
            "description": (
                f"Rows per page; default {page_size.default}, above "
                f"{page_size.maximum} silently capped."
            ),
        },
    ]


def cursor_parameter(
    description: str = "Keyset pages: empty to start, then the cursor of the `Link` header's "
    "next page (not with `page`).",
) -> dict[str, Any]:
    """``cursor``: keyset pages (``listing.read_page``)."""
    return {
        "name": "cursor",
        "in": "query",
        "schema": {"type": "string"},
        "description": description,
    }


__all__ = [
    "column_schema",
    "cursor_parameter",
    "filter_parameters",
    "nullable",
    "page_parameters",
    "reference_schema",
    "row_schema",
    "write_schema",
]
