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

The response of each operation goes through ``EntityResource.<op>_response``, which asks the
request's response style (``services_api.drupal.styles``: one small class per style, chosen by
the endpoint's ``response_style``).
"""

from __future__ import annotations

from typing import Any

import entity_resources
from entity_resources.exceptions import EntityNotFound
from entity_resources.filtering import vocabulary_for
from entity_resources.grammar import COUNT_MODES
from entity_resources.listing import Listing, build_listing
from entity_resources.options import ResourceOptions
from entity_resources.permissions import operation_allowed
from entity_resources.plan import (
    RenderContext,
)
from entity_resources.query import base_queryset, coerce_pk, retrieve_row
from entity_resources.writing import (
    create_entities,
    delete_entity,
    update_entities,
    update_entity,
)
from services_api.drupal.query import page_size_policy
from services_api.drupal.styles import style_for
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


def count_mode(request: Any) -> str:
    """How the request's index counts: the ``Prefer`` header, else its response style's rule."""
    return style_for(request).count_mode(request)


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
        return self.create_response(request, pks, bulk=isinstance(data, list))

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
        return self.update_response(request, [pk], bulk=False)

    def bulk_update(self, request, items):
        """``PUT entity_<model>`` with a list of partial entities, each with its id: all or
        none; the answer is the updated entities (restws style: an empty body)."""
        pks = update_entities(
            self.options, request, items, max_items=services_settings.ENTITY_MAX_BULK_ITEMS
        )
        return self.update_response(request, pks, bulk=True)

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
        if style_for(request).accepts_limit_alias and "limit" in query and "pagesize" not in query:
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

    # -- responses: the request's response style (``services_api.drupal.styles``) ----------------
    def retrieve_response(self, request, row: dict) -> Any:
        return style_for(request).retrieve(self, request, row)

    def index_response(self, request, page: Listing) -> Any:
        return style_for(request).index(self, request, page)

    def relationship_response(self, request, page: Listing) -> Any:
        return style_for(request).relationship(self, request, page)

    def create_response(self, request, pks: list[Any], *, bulk: bool) -> Any:
        return style_for(request).created(self, request, pks, bulk=bulk)

    def update_response(self, request, pks: list[Any], *, bulk: bool) -> Any:
        return style_for(request).updated(self, request, pks, bulk=bulk)

    def delete_response(self, request) -> Any:
        return style_for(request).deleted(self, request)


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
    **extra: Any,
) -> Resource:
    """The one factory of registration resources: ``base`` subclassed with the registration,
    its name and id key, ``extra`` class attributes, and one
    ``relationship_method(name, accessor)`` per relationship."""
    attrs: dict[str, Any] = {
        "name": name,
        "id_key": id_key,
        "options": options,
        "__doc__": f"{str(options.opts.verbose_name_plural).capitalize()}.",
        **extra,
    }
    for relation, accessor in (options.relationships or {}).items():
        attrs[f"relationship_{relation}"] = relationship_method(relation, accessor)
    cls = type(f"{options.model.__name__}{kind}", (base,), attrs)
    return cls()


def resource_for(options: ResourceOptions) -> Resource:
    """The ``entity_<model>`` resource of a registration (always ``EntityResource``: a host
    shapes answers with a response style, rows with options, or serves a model through a
    custom resource of its own)."""
    return generated_resource(
        EntityResource,
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
