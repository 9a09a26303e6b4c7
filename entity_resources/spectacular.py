"""drf-spectacular schemas of the public viewsets, from the same plans and grammar as the rows.

Loaded by ``EntityResourcesConfig.ready()`` when drf-spectacular is installed (it registers an
``OpenApiViewExtension``); a host with ``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] =
"drf_spectacular.openapi.AutoSchema"`` gets, for every ``EntityViewSet``:

* ``list``: the grammar's query parameters (``drf.GrammarFilterBackend``,
  ``drf.GrammarPagination``, both from ``entity_resources.openapi``), a plain JSON list of rows
  and the ``Link`` header of the pages;
* rows typed by ``openapi.row_schema`` under the viewset's processor (a ``clean`` foreign key
  is the reference object the processor answers, not an integer; date-times are date-time
  strings, uuids ``format: uuid``), also for ``retrieve`` (with ``fields``), ``create`` (201,
  one row or a list for a list body), ``update`` and ``partial_update``; ``destroy`` is 204;
* request bodies of the writable fields only (``openapi.write_schema``): required ones on
  ``create`` and ``update``, none on ``partial_update``; ``create`` also takes a list;
* the error statuses the viewsets answer, with DRF's ``{"detail": ...}`` (or
  ``{"form_errors": ...}``) body.

The schemas are written in OpenAPI 3.1's JSON Schema and translated when drf-spectacular
writes OpenAPI 3.0 (its default): ``{"anyOf": [x, {"type": "null"}]}`` becomes ``nullable``.
"""

from __future__ import annotations

import inspect
from typing import Any

from drf_spectacular.authentication import BasicScheme
from drf_spectacular.extensions import OpenApiViewExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.settings import spectacular_settings

from .openapi import row_schema, write_schema

ERRORS = {
    "400": "Bad request: a malformed parameter or body.",
    "401": "Failed authentication.",
    "403": "Access denied (not authenticated, no permission, or the object hook).",
    "404": "No such entity.",
    "406": "Unknown parameter, field or body property; a body that does not validate; "
    "or no acceptable response format.",
    "413": "Too many entities in a bulk body.",
    "415": "Unsupported request Content-Type.",
    "429": "Too many requests (throttled).",
}
ERROR_BODY = {
    "type": "object",
    "description": 'DRF\'s error body: `{"detail": "message"}`, or `{"form_errors": {field: '
    "[messages]}}` for a body that does not validate.",
    "properties": {"detail": {"type": "string"}, "form_errors": {"type": "object"}},
}
ACTIONS = {
    "list": "One page of rows, filtered and sorted by the query grammar (docs/query.md).",
    "retrieve": "One row (`fields` picks columns).",
    "create": "Create one entity (an object) or several (a list: all or none); 201.",
    "update": "Replace the writable fields.",
    "partial_update": "Change the fields sent.",
    "destroy": "Delete the entity; 204.",
}
LINK = {
    "description": 'The other pages: `<url>; rel="next"`, `<url>; rel="prev"` (keyset pages: '
    "next only).",
    "schema": {"type": "string"},
}


def to_openapi_30(schema: Any) -> Any:
    """OpenAPI 3.1 JSON Schema as OpenAPI 3.0's dialect: a ``null`` alternative becomes
    ``nullable``, a list of types an ``anyOf``."""
    if isinstance(schema, list):
        return [to_openapi_30(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: to_openapi_30(value) for key, value in schema.items()}
    alternatives = out.get("anyOf")
    if isinstance(alternatives, list) and {"type": "null"} in alternatives:
        rest = [a for a in alternatives if a != {"type": "null"}]
        del out["anyOf"]
        base = rest[0] if len(rest) == 1 else {"anyOf": rest}
        if "$ref" in base:
            base = {"allOf": [base]}
        out = {**base, **out, "nullable": True}
    if isinstance(out.get("type"), list):
        types = out.pop("type")
        out["anyOf"] = [{"type": t} for t in types]
    return out


class EntityAutoSchema(AutoSchema):
    """drf-spectacular's ``AutoSchema`` for an ``EntityViewSet`` (see the module docstring)."""

    def _options(self) -> Any:
        return self.view.entity_options

    def _json(self, schema: Any) -> Any:
        if spectacular_settings.OAS_VERSION.startswith("3.0"):
            return to_openapi_30(schema)
        return schema

    def _component(self, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=self._json(schema)
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _base_name(self) -> str:
        return "".join(part.capitalize() for part in self._options().resource_name.split("_"))

    def _row(self) -> dict[str, Any]:
        processor = self.view.processor or self._options().processor
        suffix = "" if processor == self._options().processor else processor.capitalize()
        schema = row_schema(self._options(), processor, uri_nullable=True)
        return self._component(f"{self._base_name()}{suffix}Row", schema)

    def _is_list_view(self, serializer: Any = None) -> bool:
        return getattr(self.view, "action", None) == "list"

    def get_tags(self) -> list[str]:
        return [self._options().resource_name]

    def get_description(self) -> str:
        action = ACTIONS.get(getattr(self.view, "action", None) or "", "")
        return f"{inspect.getdoc(type(self.view)) or ''} {action}".strip()

    def _get_parameters(self) -> list[dict[str, Any]]:
        params = super()._get_parameters()
        if getattr(self.view, "action", None) == "retrieve":
            # retrieve reads ``fields`` too (``query.retrieve_row``).
            from .drf import GrammarFilterBackend

            grammar = GrammarFilterBackend().get_schema_operation_parameters(self.view)
            params += [p for p in grammar if p["name"] == "fields"]
        return [self._json(p) for p in params]

    def _get_request_body(self, direction: str = "request") -> dict[str, Any] | None:
        action = getattr(self.view, "action", None)
        if action not in ("create", "update", "partial_update"):
            return None
        partial = action == "partial_update"
        name = f"{self._base_name()}{'Patch' if partial else 'Write'}"
        body = self._component(name, write_schema(self._options(), partial=partial))
        if action == "create":
            body = {"anyOf": [body, {"type": "array", "items": body, "minItems": 1}]}
        return {"required": True, "content": {"application/json": {"schema": body}}}

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        action = getattr(self.view, "action", None)
        row = self._row()
        responses: dict[str, Any] = {}
        if action == "list":
            responses["200"] = {
                "description": "One page of rows.",
                "headers": {"Link": LINK},
                "content": {"application/json": {"schema": {"type": "array", "items": row}}},
            }
        elif action == "create":
            created = {"anyOf": [row, {"type": "array", "items": row}]}
            responses["201"] = {
                "description": "The saved row (a list for a list body).",
                "content": {"application/json": {"schema": created}},
            }
        elif action == "destroy":
            responses["204"] = {"description": "Deleted."}
        else:
            responses["200"] = {
                "description": "The row.",
                "content": {"application/json": {"schema": row}},
            }
        error = self._component("EntityError", ERROR_BODY)
        statuses = ["400", "401", "403", "406"]
        if action != "list" and action != "create":
            statuses.append("404")
        if action in ("create", "update", "partial_update"):
            statuses += ["413", "415"]
        if self.view.get_throttles():
            statuses.append("429")
        for status in sorted(statuses):
            responses[status] = {
                "description": ERRORS[status],
                "content": {"application/json": {"schema": error}},
            }
        return responses


class EntityViewSetSchema(OpenApiViewExtension):
    """Gives every ``EntityViewSet`` (and subclass) the ``EntityAutoSchema``."""

    target_class = "entity_resources.viewsets.EntityViewSet"
    match_subclasses = True

    def view_replacement(self) -> type:
        return type(self.target.__name__, (self.target,), {"schema": EntityAutoSchema()})


class NulSafeBasicScheme(BasicScheme):
    """``authentication.BasicAuthentication`` is HTTP Basic (``basicAuth``) as DRF's own."""

    target_class = "entity_resources.authentication.BasicAuthentication"


__all__ = ["EntityAutoSchema", "EntityViewSetSchema", "NulSafeBasicScheme", "to_openapi_30"]
