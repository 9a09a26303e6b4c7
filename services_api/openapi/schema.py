"""An endpoint's OpenAPI 3.1 document, built from its ``EndpointDescription``.

Every path comes twice: ``/node/{nid}`` (format by ``Accept`` or the endpoint's default) and
``/node/{nid}.{format}`` (``format``: one of the endpoint's formatters), the two ways Services
clients choose a format. Index operations carry the query grammar of their resource (``fields``,
``parameters`` as a deepObject, ``options[parameters_op][x]``, ``options[orderby][x]``, ``sort``,
``direction``, ``page``, ``pagesize``, ``cursor``); responses are typed per response style and
format; errors per the endpoint's error style. See docs/openapi.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from entity_resources.grammar import PageSize
from entity_resources.openapi import (
    column_schema,
    cursor_parameter,
    filter_parameters,
    page_parameters,
    write_schema,
)
from services_api import __version__
from services_api.auth.tokens import API_KEY_HEADER, API_KEY_PARAM, SITE_KEY_HEADER, SITE_KEY_PARAM
from services_api.drupal.styles import ServicesStyle, style_class
from services_api.openapi.describe import (
    EndpointDescription,
    OperationDescription,
    ResourceDescription,
    describe_endpoint,
)
from services_api.resources import Arg
from services_api.wire.renderers import FORMATTERS, mime_types

OPENAPI_VERSION = "3.1.0"
ANY: dict[str, Any] = {}
ERROR_STATUSES = {
    "400": "Bad request: a malformed argument or body.",
    "401": "Missing argument, failed authentication or CSRF validation.",
    "403": "Access denied for the caller.",
    "404": "No such item (or controller).",
    "406": "Unknown format, field or filter.",
}
BODY_ERROR_STATUSES = {
    "413": "Request body too large.",
    "415": "Unsupported request Content-Type.",
}
THROTTLED = "Too many requests (throttled)."
OTHER = "Any other error, same shape."


def arg_schema(arg: Arg) -> dict[str, Any]:
    """JSON Schema of a declared argument's type (``Arg.type``)."""
    schema: dict[str, Any] = {
        str: {"type": "string"},
        int: {"type": "integer"},
        float: {"type": "number"},
        bool: {"type": "boolean"},
        list: {"type": "array"},
        dict: {"type": "object"},
    }.get(arg.type, {})
    schema = dict(schema)
    if arg.default is not None and not arg.required:
        schema["default"] = arg.default
    if arg.description:
        schema["description"] = arg.description
    return schema


def body_args_schema(args: tuple[Arg, ...]) -> tuple[dict[str, Any], bool]:
    """``(schema, required)`` of a body made of declared keys (not a whole-body argument)."""
    properties = {a.lookup_key: arg_schema(a) for a in args}
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    names = [a.lookup_key for a in args if a.required]
    if names:
        schema["required"] = names
    return schema, bool(names)


def _path_parameter(arg: Arg) -> dict[str, Any]:
    schema = arg_schema(arg)
    schema.pop("default", None)
    if schema.get("type") == "string":
        # One path segment: no slash, no dot (a dot starts the format suffix).
        schema.update(minLength=1, pattern=r"^[^/.?#%]+$")
    elif schema.get("type") == "integer":
        schema.update(minimum=0, maximum=2**31 - 1)
    return {
        "name": arg.name,
        "in": "path",
        "required": True,
        "schema": schema,
        "description": arg.description or f"Path argument {arg.index}.",
    }


def _query_parameter(arg: Arg) -> dict[str, Any]:
    return {
        "name": arg.lookup_key,
        "in": "query",
        "required": arg.required,
        "schema": arg_schema(arg),
        "description": arg.description or arg.name,
    }


def _media_types(formats: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for fmt in formats:
        if fmt not in FORMATTERS:
            continue
        for media_type in mime_types(fmt):
            if media_type not in out:
                out.append(media_type)
    return out


class _Builder:
    def __init__(self, description: EndpointDescription) -> None:
        self.description = description
        self.endpoint = description.endpoint
        self.style = style_class(self.endpoint.response_style)
        self.formats = tuple(f for f in self.endpoint.formatters if f in FORMATTERS)
        self.media_types = _media_types(self.formats)
        #: Components written while building operations (write bodies).
        self.extra_schemas: dict[str, Any] = {}

    # -- pieces ---------------------------------------------------------------------------
    def content(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The same schema under every media type the endpoint answers with."""
        return {media_type: {"schema": schema} for media_type in self.media_types}

    def error_body(self) -> dict[str, Any]:
        if self.endpoint.error_style == "problem":
            body = {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            }
        else:
            body = self.content({"$ref": "#/components/schemas/DrupalError"})
        # Routing errors (no such resource or controller) have no body.
        return {**body, "text/html": {"schema": {"type": "string", "maxLength": 0}}}

    def error_components(self) -> dict[str, Any]:
        body = self.error_body()
        texts = {**ERROR_STATUSES, **BODY_ERROR_STATUSES, "429": THROTTLED, "default": OTHER}
        return {
            f"Error{status}": {"description": text, "content": body}
            for status, text in texts.items()
        }

    def error_responses(self, op: OperationDescription) -> dict[str, Any]:
        statuses = list(ERROR_STATUSES)
        if op.controller.reads_body:
            statuses += list(BODY_ERROR_STATUSES)
        if self.endpoint.throttle_rates or any(
            res.config.throttle_rates for res in self.description.resources
        ):
            statuses.append("429")
        statuses.append("default")
        return {s: {"$ref": f"#/components/responses/Error{s}"} for s in statuses}

    def list_schema(self, res: ResourceDescription) -> dict[str, Any]:
        row = {"$ref": f"#/components/schemas/{schema_name(res)}"} if res.row else ANY
        if res.restws and self.style.paged_envelope:
            return {
                "type": "object",
                "properties": {
                    "self": {"type": "string", "format": "uri"},
                    "first": {"type": "string", "format": "uri"},
                    "last": {"type": "string", "format": "uri"},
                    "prev": {"type": "string", "format": "uri"},
                    "next": {"type": "string", "format": "uri"},
                    "list": {"type": "array", "items": row},
                },
                "required": ["self", "first", "list"],
                "description": "RESTWS envelope; `last` only when counted.",
            }
        return {"type": "array", "items": row}

    def index_parameters(self, res: ResourceDescription) -> list[dict[str, Any]]:
        """The one grammar's query (``entity_resources.openapi``) under this endpoint's
        page-size policy; ``cursor`` on entity resources."""
        params = page_parameters(PageSize(self.endpoint.page_size, self.endpoint.max_page_size))
        if res.vocabulary is None:
            return params
        params += filter_parameters(res.vocabulary)
        if res.restws:
            params.append(
                cursor_parameter(
                    "Keyset pages: empty to start; then the `Link` header's "
                    "(services style) or the envelope's `next` cursor."
                )
            )
        return params

    def entity_body(
        self, res: ResourceDescription, op: OperationDescription, segs: tuple[str, ...]
    ) -> dict[str, Any] | None:
        """An ``entity_*`` create or update body: the writable fields only
        (``entity_resources.openapi.write_schema``); create takes a list too, update without
        an id is a bulk update (a list of partial entities, each with its id)."""
        options = getattr(res.resource, "options", None)
        if not res.restws or options is None or op.kind != "operation":
            return None
        base = schema_name(res).removesuffix("Row")
        if op.name == "create":
            ref = self.component(f"{base}Write", write_schema(options))
            return {"anyOf": [ref, {"type": "array", "items": ref}]}
        if op.name != "update":
            return None
        patch = write_schema(options, partial=True)
        if segs:
            return self.component(f"{base}Patch", patch)
        pk = options.pk_name
        item = {
            **patch,
            "properties": {**patch["properties"], pk: column_schema(options.opts.pk)},
            "required": [pk],
        }
        return {"type": "array", "items": item}

    def component(self, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        self.extra_schemas[name] = schema
        return {"$ref": f"#/components/schemas/{name}"}

    def request_body(
        self, res: ResourceDescription, op: OperationDescription, segs: tuple[str, ...]
    ) -> dict | None:
        if not op.controller.reads_body:
            return None
        args = op.body_args
        whole = next((a for a in args if a.whole_body), None)
        entity = self.entity_body(res, op, segs) if whole is not None else None
        if entity is not None:
            schema: dict[str, Any] = entity
            required = whole.required
        elif whole is not None:
            if res.row is not None and op.kind == "operation":
                row = {"$ref": f"#/components/schemas/{schema_name(res)}"}
                schema = {"anyOf": [row, {"type": "array", "items": row}]} if res.restws else row
            else:
                schema = arg_schema(whole) or {"type": "object"}
            required = whole.required
        else:
            schema, required = body_args_schema(args)
        parsers = [p for p in self.endpoint.parsers if p != "multipart/form-data" or not whole]
        if whole is not None and schema.get("type") != "object" and "$ref" not in schema:
            parsers = [p for p in parsers if p == "application/json"] or parsers
        return {
            "required": required,
            "content": {media_type: {"schema": schema} for media_type in parsers},
        }

    def success(self, res: ResourceDescription, op: OperationDescription) -> dict[str, Any]:
        row = {"$ref": f"#/components/schemas/{schema_name(res)}"} if res.row else ANY
        headers: dict[str, Any] = {}
        # Entity resources answer in the endpoint's style; custom resources as they declare.
        style = self.style if res.restws else ServicesStyle
        status = "200"
        declared = op.controller.extra.get("returns")
        if declared is not None:
            schema = declared
        elif op.kind == "operation" and op.name == "retrieve":
            schema = row
        elif (op.kind == "operation" and op.name == "index") or op.kind == "relationship":
            schema = self.list_schema(res)
            headers = {
                "X-Total-Count": {
                    "description": "Total rows, when counted (`Prefer: count=exact`).",
                    "schema": {"type": "string"},
                },
                "Link": {
                    "description": 'Keyset pages: `<url>; rel="next"`.',
                    "schema": {"type": "string"},
                },
            }
        elif style.created_reference and op.name == "create":
            status = "201"
            schema = ANY
            headers = {"Location": {"schema": {"type": "string", "format": "uri"}}}
        else:
            schema = ANY
        out: dict[str, Any] = {
            status: {"description": "Success.", "content": self.content(schema)},
        }
        if headers:
            out[status]["headers"] = headers
        if style.empty_writes and op.name in ("update", "delete"):
            out["200"] = {"description": "Success (empty body)."}
        if res.restws and op.name in ("retrieve", "index"):
            out["304"] = {"description": "Not modified (`If-None-Match` named the ETag)."}
        return out

    # -- the document -----------------------------------------------------------------------
    def operation(self, res: ResourceDescription, op: OperationDescription, segs, suffix):
        path_args = {f"{{{a.name}}}": a for a in op.path_args}
        params = [_path_parameter(path_args[s]) for s in segs if s in path_args]
        if suffix:
            params.append(
                {
                    "name": "format",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": list(self.formats)},
                    "description": "Response format.",
                }
            )
        params += [_query_parameter(a) for a in op.query_args]
        if (op.kind == "operation" and op.name == "index") or op.kind == "relationship":
            params += self.index_parameters(res)
        unique: dict[tuple[str, str], dict[str, Any]] = {}
        for param in params:  # a declared argument wins over the grammar's parameter
            unique.setdefault((param["name"], param["in"]), param)
        params = list(unique.values())
        op_id = "_".join([res.public_name, op.kind, op.name, str(len(segs))])
        doc: dict[str, Any] = {
            "operationId": op_id + ("_suffix" if suffix else ""),
            "tags": [res.public_name],
            "summary": f"{res.public_name} {op.kind.replace('_', ' ')} {op.name}",
            "parameters": params,
            "responses": {**self.success(res, op), **self.error_responses(op)},
        }
        doc_string = (getattr(res.resource, op.controller.method).__doc__ or "").strip()
        if doc_string:
            doc["description"] = doc_string.split("\n\n")[0]
        body = self.request_body(res, op, segs)
        if body is not None:
            doc["requestBody"] = body
        if op.method != "GET" and "session" in self.endpoint.authentication:
            doc["security"] = self.security(write=True)
        return doc

    def security(self, *, write: bool = False) -> list[dict[str, list]]:
        auth = self.endpoint.authentication
        out: list[dict[str, list]] = [{}]  # anonymous: each operation checks its own access
        if "session" in auth:
            out.append({"session": [], "csrf": []} if write else {"session": []})
        if "basic" in auth:
            out.append({"basic": []})
        if "api_key" in auth:
            out += [{"api_key": []}, {"api_key_header": []}]
        if "bearer" in auth:
            out.append({"bearer": []})
        return out

    def security_schemes(self) -> dict[str, Any]:
        auth = self.endpoint.authentication
        schemes: dict[str, Any] = {}
        if "session" in auth:
            schemes["session"] = {
                "type": "apiKey",
                "in": "cookie",
                "name": settings.SESSION_COOKIE_NAME,
                "description": "Session cookie from `user/login`.",
            }
            schemes["csrf"] = {
                "type": "apiKey",
                "in": "header",
                "name": "X-CSRF-Token",
                "description": "Token from `services/session/token` or `user/token`; "
                "required on writes with a session.",
            }
        if "basic" in auth:
            schemes["basic"] = {"type": "http", "scheme": "basic"}
        if "api_key" in auth:
            schemes["api_key"] = {
                "type": "apiKey",
                "in": "query",
                "name": API_KEY_PARAM,
                "description": f"User API key (or the `{API_KEY_HEADER}` header); the site "
                f"key goes in `{SITE_KEY_PARAM}` / `{SITE_KEY_HEADER}`.",
            }
            schemes["api_key_header"] = {"type": "apiKey", "in": "header", "name": API_KEY_HEADER}
            schemes["site_key"] = {"type": "apiKey", "in": "query", "name": SITE_KEY_PARAM}
            schemes["site_key_header"] = {"type": "apiKey", "in": "header", "name": SITE_KEY_HEADER}
        if "bearer" in auth:
            schemes["bearer"] = {
                "type": "http",
                "scheme": "bearer",
                "description": "Token from `user/login` with `bearer=1`.",
            }
        return schemes

    def build(self, server_url: str) -> dict[str, Any]:
        paths: dict[str, Any] = {}
        schemas: dict[str, Any] = {
            "DrupalError": {
                "description": 'Drupal Services\' error body: `["message"]` (XML: '
                "`<result><item>message</item></result>`) or form errors by field.",
                "anyOf": [
                    {"type": "array", "items": {}},
                    {"type": "object"},
                    {"type": "string"},
                    {"type": "null"},
                ],
            },
            "Problem": {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                    "errors": {},
                },
                "required": ["type", "title", "status", "detail"],
            },
        }
        for res in self.description.resources:
            if res.row is not None:
                schemas[schema_name(res)] = res.row
            for op in res.operations:
                for segs in op.paths:
                    base = "/" + "/".join([res.public_name, *segs])
                    for suffix in (False, True):
                        if suffix and not self.formats:
                            continue
                        path = base + ".{format}" if suffix else base
                        item = paths.setdefault(path, {})
                        item[op.method.lower()] = self.operation(res, op, segs, suffix)
        doc: dict[str, Any] = {
            "openapi": OPENAPI_VERSION,
            "info": {
                "title": f"{self.endpoint.name}: Services endpoint",
                "version": __version__,
                "description": (
                    f"Drupal Services 3.x-style endpoint `{self.endpoint.name}`. Response style "
                    f"`{self.endpoint.response_style}`, error style `{self.endpoint.error_style}`,"
                    f" page size {self.endpoint.page_size} (max "
                    f"{self.endpoint.max_page_size}). Formats: {', '.join(self.formats)}."
                ),
            },
            "servers": [{"url": server_url}],
            "paths": paths,
            "components": {
                "schemas": {**schemas, **self.extra_schemas},
                "responses": self.error_components(),
                "securitySchemes": self.security_schemes(),
            },
            "security": self.security(),
            "tags": [{"name": res.public_name} for res in self.description.resources],
        }
        if self.endpoint.throttle_rates:
            doc["info"]["x-throttle-rates"] = dict(self.endpoint.throttle_rates)
        return doc


def schema_name(res: ResourceDescription) -> str:
    return "".join(part.capitalize() for part in res.public_name.split("_")) + "Row"


def build_openapi(endpoint: Any, server_url: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``endpoint`` (an ``EndpointConfig``)."""
    if server_url is None:
        server_url = "/" + endpoint.path
    return _Builder(describe_endpoint(endpoint)).build(server_url)


__all__ = ["arg_schema", "body_args_schema", "build_openapi"]
