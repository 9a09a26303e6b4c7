"""Response styles of the ``entity_*`` resources: how each operation's answer is shaped.

``services`` (Services Entity, spec §10): retrieve and index answer rows (index: a plain list,
``404 No entities found.`` when empty, ``X-Total-Count`` when counted, ``Link: rel="next"``
with the next page's cursor), create and update the saved entity (a list for a bulk body),
delete ``null``; a count only when ``Prefer: count=`` asks.

``restws`` (the Course document): index and relationships answer the envelope
``{self, first, last?, prev?, next?, list}`` with absolute URLs that keep the query string,
create 201 ``{uri, id, resource, uuid}`` with ``Location``, update and delete an empty 200;
references name the resource the endpoint serves them under (its alias); the endpoint's
``count_mode`` counts unless ``Prefer: count=`` says otherwise.

A style is a small class; the ``RESPONSE_STYLES`` setting (``services_settings``, import
strings merged over the defaults) maps the endpoint's ``response_style`` to one, so a project
replaces a style or adds its own by subclassing ``ServicesStyle`` or ``RestwsStyle``
(docs/response-styles.md). ``STYLES`` is that mapping, always current.
``EntityResource.<op>_response`` calls the request's style.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

from entity_resources.listing import Listing
from entity_resources.options import ResourceOptions
from entity_resources.pagination import last_page
from entity_resources.plan import FOREIGN_KEY, MANY_TO_MANY, field_plan, related_uuid_path
from entity_resources.query import rows_by_pk
from services_api.exceptions import ServicesError
from services_api.resources.results import Result
from services_api.settings import SettingMapping, services_settings


def page_url(base: str, params: Sequence[tuple[str, str]], **changes: Any) -> str:
    """``base`` with ``params`` (order kept) and ``changes`` applied (``None`` removes)."""
    out = [(k, v) for k, v in params if k not in changes]
    out += [(k, str(v)) for k, v in changes.items() if v is not None]
    return f"{base}?{urlencode(out)}" if out else base


def restws_envelope(
    rows: list[Any],
    *,
    base: str,
    params: Sequence[tuple[str, str]],
    page: int,
    last: int | None,
    has_next: bool,
    next_cursor: str | None = None,
) -> dict[str, Any]:
    """``{self, first, last?, prev?, next?, list}`` as the Course document shows them."""
    envelope: dict[str, Any] = {
        "self": page_url(base, params),
        "first": page_url(base, params, page=0, cursor=None),
    }
    if last is not None:
        envelope["last"] = page_url(base, params, page=last, cursor=None)
    if page > 0:
        envelope["prev"] = page_url(base, params, page=page - 1, cursor=None)
    if next_cursor is not None:
        envelope["next"] = page_url(base, params, cursor=next_cursor, page=None)
    elif has_next:
        envelope["next"] = page_url(base, params, page=page + 1)
    envelope["list"] = rows
    return envelope


def collection_url(request: Any) -> str:
    """Absolute URL of the requested collection without format suffix or query string."""
    ctx = request.services
    parts = list(ctx.path_parts)
    if ctx.controller.kind == "relationship" and parts:
        parts.insert(1, ctx.controller.name)
    path = "".join(f"/{part}" for part in parts)
    return f"{ctx.endpoint_url}/{ctx.resource_config.public_name}{path}"


#: Query parameters a next-page link does not carry over (routing, method override, paging).
_NOT_CARRIED = frozenset({"q", "_method", "cursor", "page"})


@lru_cache(maxsize=1024)
def _query_piece(piece: str) -> tuple[str, str] | None:
    """One ``&``-separated piece of a query string: its name and ``urlencode(parse_qsl(piece,
    keep_blank_values=True))``, the form ``page_url`` writes it in (``None``: dropped)."""
    pairs = parse_qsl(piece, keep_blank_values=True)
    return (pairs[0][0], urlencode(pairs)) if pairs else None


def next_cursor_url(base: str, query_string: str, cursor: str) -> str:
    """``page_url(base, query_pairs(request), cursor=cursor, page=None)`` for the request's
    raw ``QUERY_STRING``, byte for byte, from pieces encoded once per process: the pieces of
    a page's query string (``pagesize=100``, ``fields=...``) repeat from request to request."""
    kept = []
    for piece in query_string.split("&"):
        parsed = _query_piece(piece)
        if parsed is not None and parsed[0] not in _NOT_CARRIED:
            kept.append(parsed[1])
    kept.append(urlencode([("cursor", cursor)]))
    return f"{base}?{'&'.join(kept)}"


def query_pairs(request: Any) -> list[tuple[str, str]]:
    """The request's query string as ordered pairs (without ``?q=`` routing and ``_method``)."""
    raw = request.META.get("QUERY_STRING", "")
    return [(k, v) for k, v in parse_qsl(raw, keep_blank_values=True) if k not in ("q", "_method")]


def count_headers(request: Any) -> dict[str, str]:
    """``Preference-Applied: count=<mode>`` when the request's ``Prefer`` header asked."""
    mode = _entity.requested_count_mode(request)
    return {"Preference-Applied": f"count={mode}"} if mode is not None else {}


class ServicesStyle:
    """Services Entity's answers (the default style).

    Besides the methods that shape each answer, a style declares the behaviours that other
    modules ask it about (never by comparing its name, so a subclass under another name keeps
    them): format negotiation (server/dispatch.py), the ``limit`` alias (drupal/entity.py), the
    user resource's create answer (drupal/user.py) and the OpenAPI document (openapi/schema.py).
    """

    name = "services"
    #: ``limit`` is accepted as the page size when ``pagesize`` is absent (RESTWS's name).
    accepts_limit_alias: bool = False
    #: A POST/PUT whose ``Accept`` does not decide (none, or only ``*/*``) is answered in the
    #: format of its Content-Type instead of Services' negotiation.
    body_format_fallback: bool = False
    #: Index and relationships answer the paged envelope ``{self, first, ..., list}``.
    paged_envelope: bool = False
    #: Create answers 201 ``{uri, id, resource, uuid}`` + ``Location`` (entities and users).
    created_reference: bool = False
    #: Update and delete answer 200 with an empty body.
    empty_writes: bool = False

    def count_mode(self, request: Any) -> str:
        """The ``Prefer: count=`` mode; without it, no count."""
        return _entity.requested_count_mode(request) or "none"

    def retrieve(self, resource: Any, request: Any, row: dict) -> Any:
        return _entity.conditional(request, row)

    def page_headers(self, request: Any, page: Listing) -> dict[str, str]:
        """``X-Total-Count`` when counted, ``Link: rel="next"`` when another page exists."""
        headers: dict[str, str] = {}
        if page.total is not None:
            headers["X-Total-Count"] = str(page.total)
        headers.update(count_headers(request))
        if page.next_cursor:
            base = f"{collection_url(request)}.{request.services.format}"
            query_string = request.META.get("QUERY_STRING", "")
            url = next_cursor_url(base, query_string, page.next_cursor)
            headers["Link"] = f'<{url}>; rel="next"'
        return headers

    def index(self, resource: Any, request: Any, page: Listing) -> Any:
        headers = self.page_headers(request, page)
        if not page.rows:
            raise ServicesError("No entities found.", 404, headers=headers)
        return _entity.conditional(request, page.rows, headers)

    def relationship(self, resource: Any, request: Any, page: Listing) -> Any:
        return Result(page.rows, headers=self.page_headers(request, page))

    def saved(self, resource: Any, request: Any, pks: list[Any], *, bulk: bool) -> Any:
        """Create and update: the saved entities (a list for a bulk body)."""
        rows = rows_by_pk(resource.options, pks, _entity.render_context(request))
        return rows if bulk else rows[0]

    def created(self, resource: Any, request: Any, pks: list[Any], *, bulk: bool) -> Any:
        return self.saved(resource, request, pks, bulk=bulk)

    def updated(self, resource: Any, request: Any, pks: list[Any], *, bulk: bool) -> Any:
        return self.saved(resource, request, pks, bulk=bulk)

    def deleted(self, resource: Any, request: Any) -> Any:
        return None


class RestwsStyle(ServicesStyle):
    """The Course document's RESTWS-style answers."""

    name = "restws"
    accepts_limit_alias = True
    body_format_fallback = True
    paged_envelope = True
    created_reference = True
    empty_writes = True

    def count_mode(self, request: Any) -> str:
        """The ``Prefer: count=`` mode, else the endpoint's ``count_mode``."""
        mode = _entity.requested_count_mode(request)
        return mode if mode is not None else (request.services.endpoint.count_mode or "exact")

    def retrieve(self, resource: Any, request: Any, row: dict) -> Any:
        public_references(request, resource.options, [row])
        return super().retrieve(resource, request, row)

    def envelope(self, request: Any, page: Listing, options: ResourceOptions | None) -> Result:
        """The envelope; ``last`` only when counted."""
        if options is not None:
            public_references(request, options, page.rows)
        envelope = restws_envelope(
            page.rows,
            base=collection_url(request),
            params=query_pairs(request),
            page=page.page,
            last=last_page(page.total, page.page_size),
            has_next=page.has_next,
            # The envelope's ``next`` stays a page number on offset pages (the Course document).
            next_cursor=page.next_cursor if page.keyset else None,
        )
        return _entity.conditional(request, envelope, count_headers(request))

    def index(self, resource: Any, request: Any, page: Listing) -> Any:
        return self.envelope(request, page, resource.options)

    def relationship(self, resource: Any, request: Any, page: Listing) -> Any:
        return self.envelope(request, page, None)

    def created(self, resource: Any, request: Any, pks: list[Any], *, bulk: bool) -> Result:
        """201 ``{uri, id, resource, uuid}`` (a list for a bulk body) and ``Location``."""
        model = resource.options.model
        uuid_path = related_uuid_path(model, _entity.render_context(request))
        uuids: dict[Any, Any] | None = None
        if uuid_path is not None:
            manager = model._default_manager
            uuids = dict(manager.filter(pk__in=list(pks)).values_list("pk", uuid_path))
        return _entity.restws_created(request, resource.name, pks, uuids, bulk=bulk)

    def updated(self, resource: Any, request: Any, pks: list[Any], *, bulk: bool) -> Result:
        return Result(empty=True)

    def deleted(self, resource: Any, request: Any) -> Result:
        return Result(empty=True)


def public_references(request: Any, options: ResourceOptions, rows: list[dict]) -> list[dict]:
    """A reference's ``resource`` is the name the endpoint serves it under (restws style)."""
    ctx = request.services
    renames: dict[str, str] = {}
    for spec in field_plan(options, _entity.render_context(request)).values():
        if spec.kind in (FOREIGN_KEY, MANY_TO_MANY) and spec.resource:
            config = ctx.endpoint.resource_config(spec.resource)
            if config is not None and config.alias:
                renames[spec.name] = config.alias
    if not renames:
        return rows
    for row in rows:
        for name, public in renames.items():
            value = row.get(name)
            refs = value if isinstance(value, list) else [value]
            for ref in refs:
                if isinstance(ref, dict) and "resource" in ref:
                    ref["resource"] = public
    return rows


#: The endpoint's ``response_style`` -> its style class (``SERVICES_API["RESPONSE_STYLES"]``).
STYLES: SettingMapping = SettingMapping("RESPONSE_STYLES")


def style_class(name: str) -> type[ServicesStyle]:
    """The style class configured under ``name`` (``services`` for a name the setting no
    longer has, e.g. a style removed after endpoints chose it)."""
    styles = services_settings.RESPONSE_STYLES
    return styles.get(name) or styles["services"]


def style_for(request: Any) -> ServicesStyle:
    """The response style of the request's endpoint (a fresh instance: keep state off it)."""
    return style_class(request.services.endpoint.response_style)()


__all__ = [
    "STYLES",
    "RestwsStyle",
    "ServicesStyle",
    "collection_url",
    "next_cursor_url",
    "page_url",
    "public_references",
    "query_pairs",
    "restws_envelope",
    "style_class",
    "style_for",
]

# At the end: ``entity`` imports this module (``style_for``) while it is being imported; its
# functions are looked up when called (a function-level import costs every request).
from services_api.drupal import entity as _entity  # noqa: E402
