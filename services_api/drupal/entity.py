"""Services Entity resources: an ``entity_<model>`` resource for every registered model.

The adapter is the only place where ``entity_resources`` meets the Services server: it builds a
``Resource`` per registration (operations ``retrieve``, ``create``, ``update``, ``delete``,
``index`` and the registration's ``relationships``) whose controllers call the shared
``entity_resources`` functions directly, passes them what they need from the request context
(absolute URIs on the same endpoint, the user uuid path from ``USER_UUID_FIELD``, page sizes,
plain query filters) and turns their errors into ``ServicesError``s.

Semantics (spec §10, response style ``services``): retrieve takes ``?fields=``; index answers a
plain list without ``uri`` keys and ``404 Not found : No entities found.`` when empty; create and
update answer the saved entity with 200 (a JSON list body creates every row or none and answers
the list); an update body must carry the URL's id or none
(``406 Invalid Entity Identifier. ...``); delete answers ``null``; a missing or invisible entity
is ``404 Not found : Entity or revision not found``. Relationships
(``entity_article/5/comments``) are paged like index and answer ``[]`` when empty.

Response style ``restws`` (the Course document, endpoint setting): index answers the envelope
``{self, first, last?, prev?, next?, list}`` with absolute URLs that keep the query string (an
empty index is 200 with ``"list": []``); create answers 201 ``{uri, id, resource, uuid}`` with a
``Location`` header; update and delete answer 200 with an EMPTY body; references name the
resource the endpoint serves them under (its alias). See ``docs/response-styles.md``.

Both styles: retrieve and index carry a weak ``ETag`` of the data; ``If-None-Match`` naming it
answers ``304 Not Modified`` with no body; ``If-Match`` on update/delete is compared with the
current full representation (the retrieve without ``fields``) and answers 412 when stale.
Counting (``Prefer: count=exact|estimated|none``, else the endpoint's ``count_mode`` for the
restws style; services style counts only when the header asks) fills the envelope's ``last`` or
the ``X-Total-Count`` header. ``?cursor=`` switches an index to keyset pages
(``entity_resources.listing``): ``Link: <url>; rel="next"`` (services) or the envelope's ``next``.

The response of each operation goes through ``EntityResource.<op>_response`` so other response
styles can be added by overriding or branching there.
"""

from __future__ import annotations

from typing import Any

import entity_resources
from entity_resources.exceptions import EntityNotFound
from entity_resources.filtering import vocabulary_for
from entity_resources.grammar import COUNT_MODES
from entity_resources.listing import Listing, build_listing
from entity_resources.options import ResourceOptions
from entity_resources.pagination import page_url, restws_envelope
from entity_resources.permissions import operation_allowed
from entity_resources.plan import (
    FOREIGN_KEY,
    MANY_TO_MANY,
    RenderContext,
    field_plan,
    related_uuid_path,
)
from entity_resources.query import base_queryset, coerce_pk, retrieve_row, rows_by_pk
from entity_resources.writing import (
    create_entities,
    delete_entity,
    update_entities,
    update_entity,
)
from services_api.drupal.query import page_size_policy
from services_api.exceptions import ServicesError
from services_api.resources import Arg, Resource, operation, relationship
from services_api.resources.arguments import coerce
from services_api.resources.results import Result
from services_api.server.errors import access_denied
from services_api.server.etags import check_if_match, etag_for, etag_for_json, not_modified
from services_api.settings import services_settings
from services_api.wire.renderers import encode_json

#: Entity operations -> DRF viewset actions (for registrations with ``permission_classes``).
_ID = Arg("id", str, source="path", index=0)
_OPTIONAL_ID = Arg("id", str, source="path", index=0, required=False)


def render_context(request: Any) -> RenderContext:
    """URIs of the request's endpoint (aliases honoured), memoised per resource name."""
    ctx = request.services
    prefixes: dict[str, str] = {}

    def uri(resource: str, item_id: Any) -> str:
        prefix = prefixes.get(resource)
        if prefix is None:
            prefix = prefixes[resource] = ctx.resource_uri(resource, "")
        return f"{prefix}{item_id}"

    return RenderContext(
        uri_builder=uri, user_uuid_field=services_settings.USER_UUID_FIELD, user_resource="user"
    )


def requested_count_mode(request: Any) -> str | None:
    """``Prefer: count=exact|estimated|none`` (RFC 7240 style); ``None`` when not sent.

    Other preferences in the header are ignored; a bad ``count`` value is a 400.
    """
    header = request.META.get("HTTP_PREFER")
    if not header:
        return None
    for part in header.replace(";", ",").split(","):
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "count":
            mode = value.strip().strip('"').lower()
            if mode not in COUNT_MODES:
                raise ServicesError(
                    "Invalid Prefer header: count must be one of exact, estimated, none.", 400
                )
            return mode
    return None


def is_restws(request: Any) -> bool:
    return request.services.endpoint.response_style == "restws"


def count_mode(request: Any) -> str:
    """The header's mode, else the endpoint's for the restws style; services style: ``none``."""
    mode = requested_count_mode(request)
    if mode is not None:
        return mode
    if is_restws(request):
        return request.services.endpoint.count_mode or "exact"
    return "none"


def conditional(request: Any, data: Any, headers: dict[str, str] | None = None) -> Result:
    """``data`` with its ``ETag``, or a bodiless ``304`` if ``If-None-Match`` names it.

    The tag hashes the JSON encoding of ``data``; a JSON response sends those same bytes.
    """
    body = encode_json(data) if isinstance(data, list | dict) else None
    etag = etag_for(data) if body is None else etag_for_json(body)
    out = {**(headers or {}), "ETag": etag}
    if not_modified(request.META, etag):
        return Result(status=304, headers=out, empty=True)
    return Result(data, headers=out, json=body)


def collection_url(request: Any) -> str:
    """Absolute URL of the requested collection without format suffix or query string."""
    ctx = request.services
    parts = list(ctx.path_parts)
    if ctx.controller.kind == "relationship" and parts:
        parts.insert(1, ctx.controller.name)
    path = "".join(f"/{part}" for part in parts)
    return f"{ctx.endpoint_url}/{ctx.resource_config.public_name}{path}"


def query_pairs(request: Any) -> list[tuple[str, str]]:
    """The request's query string as ordered pairs (without ``?q=`` routing and ``_method``)."""
    from urllib.parse import parse_qsl

    raw = request.META.get("QUERY_STRING", "")
    return [(k, v) for k, v in parse_qsl(raw, keep_blank_values=True) if k not in ("q", "_method")]


def public_references(request: Any, options: ResourceOptions, rows: list[dict]) -> list[dict]:
    """Restws style: a reference's ``resource`` is the name the endpoint serves it under."""
    ctx = request.services
    renames: dict[str, str] = {}
    for spec in field_plan(options, render_context(request)).values():
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


class EntityAccess:
    """What every resource generated from a registration (``self.options``) shares: its access
    checks and its relationships' rows."""

    options: ResourceOptions

    def not_found(self, item_id: Any) -> ServicesError:
        return ServicesError("Entity or revision not found", 404)

    def related_rows(self, request, id, accessor: str) -> tuple[ResourceOptions, Any]:
        """The child registration and the visible rows of the reverse relation ``accessor`` of
        item ``id`` (unordered, unsliced); 403 without the child's ``relationship`` access,
        ``not_found`` when the parent is missing or invisible."""
        rel = next(
            r for r in self.options.opts.related_objects if r.get_accessor_name() == accessor
        )
        child = entity_resources.site.options_for(rel.related_model)
        if not operation_allowed(child, request, "relationship"):
            raise access_denied(request.user)
        try:
            pk = coerce_pk(self.options, id)
        except EntityNotFound:
            raise self.not_found(id) from None
        if not base_queryset(self.options, request).filter(pk=pk).exists():
            raise self.not_found(id)
        return child, base_queryset(child, request).filter(**{rel.field.attname: pk})

    def can_read(self, request, kwargs) -> bool:
        return operation_allowed(self.options, request, "retrieve")

    def can_create(self, request, kwargs) -> bool:
        return operation_allowed(self.options, request, "create")

    def can_update(self, request, kwargs) -> bool:
        return operation_allowed(self.options, request, "update")

    def can_delete(self, request, kwargs) -> bool:
        return operation_allowed(self.options, request, "delete")


class EntityResource(EntityAccess, Resource):
    """Base of the generated ``entity_*`` resources; ``options`` is the registration."""

    options: ResourceOptions

    def query_vocabulary(self) -> Any:
        return vocabulary_for(self.options)

    # -- operations ------------------------------------------------------------------------
    @operation("retrieve", args=[_ID], access="can_read")
    def retrieve(self, request, id):
        ctx = request.services
        row = retrieve_row(self.options, id, request, render_context(request), query=ctx.query)
        return self.retrieve_response(request, row)

    @operation("index", access="can_read")
    def index(self, request):
        page = self.build_page(request, count=count_mode(request))
        return self.index_response(request, page)

    @operation("create", args=[Arg("data", None, whole_body=True)], access="can_create")
    def create(self, request, data):
        pks = create_entities(
            self.options, request, data, max_items=services_settings.ENTITY_MAX_BULK_ITEMS
        )
        if is_restws(request):
            return self.restws_create_response(request, pks, bulk=isinstance(data, list))
        rows = rows_by_pk(self.options, pks, render_context(request))
        return self.create_response(request, rows, bulk=isinstance(data, list))

    @operation(
        "update",
        # Without an id (``PUT entity_<model>``) the body is a list: a bulk update.
        args=[_OPTIONAL_ID, Arg("data", None, whole_body=True)],
        access="can_update",
    )
    def update(self, request, id, data):
        if id is None:
            return self.bulk_update(request, data)
        data = coerce(Arg("data", dict), data)
        self.check_precondition(request, id)
        pk = update_entity(self.options, request, id, data)
        if is_restws(request):
            return Result(empty=True)
        rows = rows_by_pk(self.options, [pk], render_context(request))
        return self.update_response(request, rows[0])

    def bulk_update(self, request, items):
        """``PUT entity_<model>`` with a list of partial entities, each with its id: all or
        none; the answer is the updated entities (restws style: an empty body)."""
        pks = update_entities(
            self.options, request, items, max_items=services_settings.ENTITY_MAX_BULK_ITEMS
        )
        if is_restws(request):
            return Result(empty=True)
        return rows_by_pk(self.options, pks, render_context(request))

    @operation("delete", args=[_ID], access="can_delete")
    def delete(self, request, id):
        self.check_precondition(request, id)
        delete_entity(self.options, request, id)
        return self.delete_response(request)

    # -- shared pieces -----------------------------------------------------------------------
    def check_precondition(self, request, id) -> None:
        """``If-Match``: 412 unless it names the current full representation's ``ETag``."""
        if request.META.get("HTTP_IF_MATCH"):
            current = retrieve_row(self.options, id, request, render_context(request))
            check_if_match(request.META, current)

    def build_page(
        self,
        request,
        options: ResourceOptions | None = None,
        queryset: Any = None,
        *,
        count: str = "none",
    ) -> Listing:
        """One page of rows (``?cursor=`` for keyset pages), counted by ``count``."""
        ctx = request.services
        query = ctx.query
        if is_restws(request) and "limit" in query and "pagesize" not in query:
            # RESTWS names its page size ``limit`` (``?limit=5&page=1``).
            query = {("pagesize" if k == "limit" else k): v for k, v in query.items()}
        return build_listing(
            options or self.options,
            query,
            request,
            render_context(request),
            page_size=page_size_policy(request, core=False),
            plain_query_filters=ctx.endpoint.plain_query_filters,
            count_mode=count,
            queryset=queryset,
        )

    def related_page(self, request, id, accessor: str) -> Listing:
        """Rows of the reverse relation ``accessor`` of entity ``id``, paged like index."""
        child, queryset = self.related_rows(request, id, accessor)
        return self.build_page(request, child, queryset, count=count_mode(request))

    # -- responses ----------------------------------------------------------------------------
    def retrieve_response(self, request, row: dict) -> Any:
        if is_restws(request):
            public_references(request, self.options, [row])
        return conditional(request, row)

    def index_response(self, request, page: Listing) -> Any:
        if is_restws(request):
            return self.restws_page(request, page, self.options)
        headers = self.page_headers(request, page)
        if not page.rows:
            raise ServicesError("No entities found.", 404, headers=headers)
        return conditional(request, page.rows, headers)

    def relationship_response(self, request, page: Listing) -> Any:
        if is_restws(request):
            return self.restws_page(request, page, None)
        return Result(page.rows, headers=self.page_headers(request, page))

    def create_response(self, request, rows: list[dict], *, bulk: bool) -> Any:
        return rows if bulk else rows[0]

    def update_response(self, request, row: dict) -> Any:
        return row

    def delete_response(self, request) -> Any:
        if is_restws(request):
            return Result(empty=True)
        return None

    # -- style helpers ------------------------------------------------------------------------
    def page_headers(self, request, page: Listing) -> dict[str, str]:
        """Services style: ``X-Total-Count`` when counted, ``Link: rel="next"`` on keyset pages."""
        headers: dict[str, str] = {}
        if page.total is not None:
            headers["X-Total-Count"] = str(page.total)
        mode = requested_count_mode(request)
        if mode is not None:
            headers["Preference-Applied"] = f"count={mode}"
        next_cursor = getattr(page, "next_cursor", None)
        if next_cursor:
            ctx = request.services
            base = f"{collection_url(request)}.{ctx.format}"
            url = page_url(base, query_pairs(request), cursor=next_cursor, page=None)
            headers["Link"] = f'<{url}>; rel="next"'
        return headers

    def restws_page(self, request, page: Listing, options: Any) -> Result:
        """The Course document's envelope; ``last`` only when counted."""
        if options is not None:
            public_references(request, options, page.rows)
        total = page.total
        last = None if total is None else max(0, (total - 1) // page.page_size)
        has_next = getattr(page, "has_next", None)
        if has_next is None:
            has_next = last is not None and page.page < last
        envelope = restws_envelope(
            page.rows,
            base=collection_url(request),
            params=query_pairs(request),
            page=page.page,
            last=last,
            has_next=has_next,
            # The envelope's ``next`` stays a page number on offset pages (the Course document).
            next_cursor=page.next_cursor if getattr(page, "keyset", False) else None,
        )
        headers = {}
        mode = requested_count_mode(request)
        if mode is not None:
            headers["Preference-Applied"] = f"count={mode}"
        return conditional(request, envelope, headers)

    def restws_create_response(self, request, pks: list[Any], *, bulk: bool) -> Result:
        """201 ``{uri, id, resource, uuid}`` (a list for a bulk body) and ``Location``."""
        uuid_path = related_uuid_path(self.options.model, render_context(request))
        uuids: dict[Any, Any] | None = None
        if uuid_path is not None:
            manager = self.options.model._default_manager
            uuids = dict(manager.filter(pk__in=list(pks)).values_list("pk", uuid_path))
        return restws_created(request, self.name, pks, uuids, bulk=bulk)


def restws_created(
    request: Any,
    resource_name: str,
    pks: list[Any],
    uuids: dict[Any, Any] | None,
    *,
    bulk: bool = False,
) -> Result:
    """RESTWS's answer to a create: 201 ``{uri, id, resource, uuid}`` (a list for a bulk body,
    ``uuid`` only when the resource has one) and ``Location``. ``resource`` is the name the
    endpoint serves the resource under (its alias)."""
    ctx = request.services
    config = ctx.endpoint.resource_config(resource_name)
    public = config.public_name if config else resource_name
    items = []
    for pk in pks:
        item: dict[str, Any] = {
            "uri": ctx.resource_uri(resource_name, pk),
            "id": pk,
            "resource": public,
        }
        if uuids is not None:
            value = uuids.get(pk)
            item["uuid"] = None if value is None else str(value)
        items.append(item)
    if bulk:
        return Result(items, status=201)
    return Result(items[0], status=201, headers={"Location": items[0]["uri"]})


def _relationship_method(name: str, accessor: str):
    @relationship(name, args=[_ID], access="can_read")
    def method(self, request, id):
        return self.relationship_response(request, self.related_page(request, id, accessor))

    method.__name__ = f"relationship_{name}"
    return method


def generated_resource(
    base: type[Resource],
    options: ResourceOptions,
    *,
    name: str,
    id_key: str,
    relationship_method: Any,
    kind: str,
) -> Resource:
    """The one factory of registration resources: ``base`` subclassed with the registration,
    its name and id key, and one ``relationship_method(name, accessor)`` per relationship."""
    attrs: dict[str, Any] = {
        "name": name,
        "id_key": id_key,
        "options": options,
        "__doc__": f"{str(options.opts.verbose_name_plural).capitalize()}.",
    }
    for relation, accessor in (options.relationships or {}).items():
        attrs[f"relationship_{relation}"] = relationship_method(relation, accessor)
    cls = type(f"{options.model.__name__}{kind}", (base,), attrs)
    return cls()


def resource_for(options: ResourceOptions, base: type[EntityResource] = EntityResource) -> Resource:
    """The ``entity_<model>`` resource of a registration."""
    return generated_resource(
        base,
        options,
        name=options.resource_name,
        id_key=options.pk_name,
        relationship_method=_relationship_method,
        kind="EntityResource",
    )


def build_entity_resources() -> list[Resource]:
    return [resource_for(options) for options in entity_resources.site]


__all__ = [
    "EntityResource",
    "build_entity_resources",
    "generated_resource",
    "count_mode",
    "requested_count_mode",
    "render_context",
    "resource_for",
]
