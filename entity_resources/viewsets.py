"""Public DRF viewsets, one generated per registered model.

``viewset_for(Article)`` returns an ``EntityViewSet`` subclass (cached per registry version)
that a host project can route with a DRF router, subclass or wrap; it renders in DRF's
browsable API. It reads and writes through the same functions as other servers' endpoints
(``listing.build_listing``, ``query.retrieve_row``, ``writing.*``), so both paths answer the same
rows::

    router = routers.DefaultRouter()
    entity_resources.viewsets.register_viewsets(router)
    urlpatterns = [path("rest/", include(router.urls))]

Index answers a plain list (page/pagesize/fields/parameters/sort/direction as on other
endpoints; the query string is read by the one PHP bracket parser, ``brackets.request_query``);
create answers 201 with the saved row(s); update the saved row; delete 204. Client errors
keep their status (406 unknown parameter, 400 bad value, 404 missing entity, 403 object hook)
with ``{"detail": message}`` (validation: ``{"form_errors": ...}``): ``EntityError`` is a DRF
``APIException``, so DRF's own exception handler answers it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.urls import NoReverseMatch, reverse
from rest_framework import status, viewsets
from rest_framework.response import Response

from .brackets import request_query
from .drf import GrammarFilterBackend, GrammarPagination
from .grammar import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from .options import ResourceOptions
from .permissions import EntityPermission
from .plan import RenderContext
from .query import base_queryset, retrieve_row, rows_by_pk
from .writing import create_entities, delete_entity, get_instance, serializer_for, update_entity


class EntityViewSet(viewsets.ModelViewSet):
    """Base of the generated viewsets; ``entity_options`` is the registration."""

    entity_options: ResourceOptions
    #: ``None``: the registration's processor.
    processor: str | None = None
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    pagination_class = GrammarPagination
    filter_backends: list = [GrammarFilterBackend]

    def get_permissions(self):
        classes = self.entity_options.permission_classes or [EntityPermission]
        return [cls() for cls in classes]

    def get_queryset(self):
        return base_queryset(self.entity_options, self.request)

    def get_serializer_class(self):
        """The write serializer: the registration's (``writing.serializer_for``: exposed
        fields, ``read_only_fields``, the pk and non-editable fields read-only). Every write
        of the viewset goes through this hook, so a subclass may return its own."""
        return serializer_for(self.entity_options)

    def get_object(self):
        obj = get_instance(self.entity_options, self.request, self.kwargs[self.lookup_field])
        self.check_object_permissions(self.request, obj)
        return obj

    def get_render_context(self) -> RenderContext:
        request = self.request
        namespace = getattr(getattr(request, "resolver_match", None), "namespace", "")
        templates: dict[str, str | None] = {}

        def uri(resource: str, item_id: Any) -> str | None:
            if resource not in templates:
                name = f"{namespace}:{resource}-detail" if namespace else f"{resource}-detail"
                try:
                    templates[resource] = request.build_absolute_uri(reverse(name, args=["__id__"]))
                except NoReverseMatch:
                    templates[resource] = None
            template = templates[resource]
            return template.replace("__id__", str(item_id)) if template else None

        return RenderContext(uri_builder=uri)

    def list(self, request, *args, **kwargs):
        """DRF's hooks: the grammar filters, the paginator reads ``values()`` rows."""
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(rows)

    def retrieve(self, request, *args, **kwargs):
        row = retrieve_row(
            self.entity_options,
            kwargs[self.lookup_field],
            request,
            self.get_render_context(),
            query=request_query(request),
            processor=self.processor,
        )
        return Response(row)

    def create(self, request, *args, **kwargs):
        pks = create_entities(
            self.entity_options,
            request,
            request.data,
            serializer_class=self.get_serializer_class(),
        )
        rows = rows_by_pk(
            self.entity_options, pks, self.get_render_context(), processor=self.processor
        )
        return Response(
            rows if isinstance(request.data, list) else rows[0], status.HTTP_201_CREATED
        )

    def update(self, request, *args, **kwargs):
        pk = update_entity(
            self.entity_options,
            request,
            kwargs[self.lookup_field],
            request.data,
            partial=kwargs.pop("partial", False),
            serializer_class=self.get_serializer_class(),
        )
        rows = rows_by_pk(
            self.entity_options, [pk], self.get_render_context(), processor=self.processor
        )
        return Response(rows[0])

    def destroy(self, request, *args, **kwargs):
        delete_entity(self.entity_options, request, kwargs[self.lookup_field])
        return Response(status=status.HTTP_204_NO_CONTENT)


@lru_cache(maxsize=256)
def _viewset(options: ResourceOptions, version: int) -> type[EntityViewSet]:
    return type(
        f"{options.model.__name__}EntityViewSet",
        (EntityViewSet,),
        {
            "entity_options": options,
            "queryset": options.model._default_manager.all(),
            "__doc__": f"The {options.resource_name} resource ({options.opts.verbose_name}).",
        },
    )


def viewset_for(model: Any) -> type[EntityViewSet]:
    """The generated viewset of a registered model (``NotRegistered`` otherwise)."""
    from .registry import site

    return _viewset(site.get_options(model), site.version)


def register_viewsets(router: Any, *, prefix: str = "") -> Any:
    """Register every model's viewset with a DRF router under its resource name."""
    from .registry import site

    for options in site:
        name = options.resource_name
        router.register(f"{prefix}{name}", viewset_for(options.model), basename=name)
    return router


__all__ = ["EntityViewSet", "register_viewsets", "viewset_for"]
