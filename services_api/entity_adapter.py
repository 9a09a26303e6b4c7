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

The response of each operation goes through ``EntityResource.<op>_response`` so other response
styles can be added by overriding or branching there.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import entity_resources
from entity_resources.exceptions import EntityAccessDenied, EntityError
from entity_resources.options import ResourceOptions
from entity_resources.permissions import has_operation_permission
from entity_resources.plan import RenderContext
from entity_resources.query import IndexPage, base_queryset, build_index, retrieve_row, rows_by_pk
from entity_resources.writing import create_entities, delete_entity, update_entity

from .conf import services_settings
from .errors import access_denied
from .exceptions import ServicesError
from .resources import Arg, Resource, operation, registry, relationship

#: Entity operations -> DRF viewset actions (for registrations with ``permission_classes``).
_DRF_ACTIONS = {
    "index": "list",
    "retrieve": "retrieve",
    "relationship": "retrieve",
    "create": "create",
    "update": "update",
    "delete": "destroy",
}
_ID = Arg("id", str, source="path", index=0)


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


def to_services_error(error: EntityError, request: Any) -> ServicesError:
    if isinstance(error, EntityAccessDenied):
        return access_denied(getattr(request, "user", None))
    return ServicesError(error.message, error.status, error.data)


def allowed(options: ResourceOptions, request: Any, operation_name: str) -> bool:
    if options.permission_classes:
        view = SimpleNamespace(action=_DRF_ACTIONS[operation_name], entity_options=options)
        return all(cls().has_permission(request, view) for cls in options.permission_classes)
    return has_operation_permission(options, request.user, operation_name)


class EntityResource(Resource):
    """Base of the generated ``entity_*`` resources; ``options`` is the registration."""

    options: ResourceOptions

    # -- access ----------------------------------------------------------------------------
    def can_read(self, request, kwargs) -> bool:
        return allowed(self.options, request, "retrieve")

    def can_create(self, request, kwargs) -> bool:
        return allowed(self.options, request, "create")

    def can_update(self, request, kwargs) -> bool:
        return allowed(self.options, request, "update")

    def can_delete(self, request, kwargs) -> bool:
        return allowed(self.options, request, "delete")

    def call(self, controller, request, kwargs):
        try:
            return super().call(controller, request, kwargs)
        except EntityError as error:
            raise to_services_error(error, request) from None

    # -- operations ------------------------------------------------------------------------
    @operation("retrieve", args=[_ID], access="can_read")
    def retrieve(self, request, id):
        ctx = request.services
        row = retrieve_row(self.options, id, request, render_context(request), query=ctx.query)
        return self.retrieve_response(request, row)

    @operation("index", access="can_read")
    def index(self, request):
        page = self.build_page(request)
        return self.index_response(request, page)

    @operation("create", args=[Arg("data", None, whole_body=True)], access="can_create")
    def create(self, request, data):
        pks = create_entities(self.options, request, data)
        rows = rows_by_pk(self.options, pks, render_context(request))
        return self.create_response(request, rows, bulk=isinstance(data, list))

    @operation("update", args=[_ID, Arg("data", dict, whole_body=True)], access="can_update")
    def update(self, request, id, data):
        pk = update_entity(self.options, request, id, data)
        rows = rows_by_pk(self.options, [pk], render_context(request))
        return self.update_response(request, rows[0])

    @operation("delete", args=[_ID], access="can_delete")
    def delete(self, request, id):
        delete_entity(self.options, request, id)
        return self.delete_response(request)

    # -- shared pieces -----------------------------------------------------------------------
    def build_page(
        self, request, options: ResourceOptions | None = None, queryset: Any = None
    ) -> IndexPage:
        ctx = request.services
        return build_index(
            options or self.options,
            ctx.query,
            request,
            render_context(request),
            page_size=ctx.endpoint.page_size or services_settings.ENTITY_DEFAULT_PAGESIZE,
            max_page_size=ctx.endpoint.max_page_size or services_settings.ENTITY_MAX_PAGESIZE,
            plain_query_filters=ctx.endpoint.plain_query_filters,
            queryset=queryset,
        )

    def related_page(self, request, id, accessor: str) -> IndexPage:
        """Rows of the reverse relation ``accessor`` of entity ``id``, paged like index."""
        opts = self.options.opts
        rel = next(r for r in opts.related_objects if r.get_accessor_name() == accessor)
        child = (
            entity_resources.site.get_options(rel.related_model)
            if entity_resources.is_registered(rel.related_model)
            else ResourceOptions(rel.related_model)
        )
        if not allowed(child, request, "relationship"):
            raise access_denied(request.user)
        from entity_resources.query import coerce_pk

        pk = coerce_pk(self.options, id)
        if not base_queryset(self.options, request).filter(pk=pk).exists():
            raise ServicesError("Entity or revision not found", 404)
        queryset = base_queryset(child, request).filter(**{rel.field.name: pk})
        return self.build_page(request, child, queryset)

    # -- responses (Services Entity style) ----------------------------------------------------
    def retrieve_response(self, request, row: dict) -> Any:
        return row

    def index_response(self, request, page: IndexPage) -> Any:
        if not page.rows:
            raise ServicesError("No entities found.", 404)
        return page.rows

    def relationship_response(self, request, page: IndexPage) -> Any:
        return page.rows

    def create_response(self, request, rows: list[dict], *, bulk: bool) -> Any:
        return rows if bulk else rows[0]

    def update_response(self, request, row: dict) -> Any:
        return row

    def delete_response(self, request) -> Any:
        return None


def _relationship_method(name: str, accessor: str):
    @relationship(name, args=[_ID], access="can_read")
    def method(self, request, id):
        try:
            page = self.related_page(request, id, accessor)
        except EntityError as error:
            raise to_services_error(error, request) from None
        return self.relationship_response(request, page)

    method.__name__ = f"relationship_{name}"
    return method


def resource_for(options: ResourceOptions, base: type[EntityResource] = EntityResource) -> Resource:
    """The ``entity_<model>`` resource of a registration."""
    attrs: dict[str, Any] = {
        "name": options.resource_name,
        "id_key": options.pk_name,
        "options": options,
    }
    for name, accessor in (options.relationships or {}).items():
        attrs[f"relationship_{name}"] = _relationship_method(name, accessor)
    cls = type(f"{options.model.__name__}EntityResource", (base,), attrs)
    return cls()


def build_entity_resources() -> list[Resource]:
    return [resource_for(options) for options in entity_resources.site]


registry.add_provider(build_entity_resources, key=lambda: entity_resources.site.version)

__all__ = [
    "EntityResource",
    "build_entity_resources",
    "render_context",
    "resource_for",
    "to_services_error",
]
