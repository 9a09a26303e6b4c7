"""DRF's own hooks over the one query grammar: a filter backend and a pagination class.

The public viewsets (``entity_resources.viewsets``) set ``filter_backends =
[GrammarFilterBackend]`` and ``pagination_class = GrammarPagination``, so ``list`` is DRF's
``filter_queryset`` -> ``paginate_queryset`` -> ``get_paginated_response``:

* ``GrammarFilterBackend`` parses the request's query (PHP brackets read by
  ``brackets.request_query``, ``parameters[...]``,
  ``sort``/``direction``, ``fields``, ``page``/``pagesize``/``cursor``) with
  ``grammar.parse_query`` over the registration's ``Vocabulary`` (once per request, kept on
  the request), filters the queryset with it, documents the parameters for schema generators
  (``get_schema_operation_parameters``, from ``entity_resources.openapi``) and renders the
  browsable API's Filters form (``to_html``, the same ``filter_form_html`` other servers'
  pages use);
* ``GrammarPagination`` reads the page with ``listing.read_page`` (``values()`` rows, one
  query, keyset cursors) from the filtered queryset and answers the rows with ``Link``
  headers (``rel="next"``/``rel="prev"``); the page-size policy is the viewset's ``PageSize``.

Nothing here imports ``services_api``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from rest_framework.filters import BaseFilterBackend
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .brackets import request_query
from .filtering import vocabulary_for
from .grammar import PageSize, QuerySpec, Vocabulary, parse_query
from .listing import Listing, read_page
from .openapi import cursor_parameter, filter_parameters, page_parameters

_SPEC_ATTR = "_entity_query_spec"


def filter_form_html(
    vocabulary: Vocabulary, query: Mapping[str, Any], action: str, **hidden: str
) -> str:
    """An HTML GET form for an index query: one ``parameters[<name>]`` box per filterable
    column, ``sort``/``direction`` over the sortable ones, ``fields`` and ``pagesize``."""

    def text(value: Any) -> str:
        return value if isinstance(value, str) else ""

    parameters = query.get("parameters")
    parameters = parameters if isinstance(parameters, Mapping) else {}
    hidden_inputs = format_html_join(
        "", '<input type="hidden" name="{}" value="{}">', hidden.items()
    )
    rows = format_html_join(
        "",
        '<div class="form-group"><label>{}</label>'
        '<input class="form-control" name="parameters[{}]" value="{}"></div>',
        ((name, name, text(parameters.get(name))) for name in vocabulary.filters),
    )
    sort = text(query.get("sort"))
    sort_options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((name, mark_safe(" selected") if sort == name else "", name) for name in vocabulary.sorts),
    )
    desc = text(query.get("direction")).upper() == "DESC"
    return format_html(
        '<form method="get" action="{}">{}{}'
        '<div class="form-group"><label>sort</label><select class="form-control" name="sort">'
        '<option value=""></option>{}</select></div>'
        '<div class="form-group"><label>direction</label>'
        '<select class="form-control" name="direction"><option>ASC</option>'
        "<option{}>DESC</option></select></div>"
        '<div class="form-group"><label>fields</label>'
        '<input class="form-control" name="fields" value="{}"></div>'
        '<div class="form-group"><label>pagesize</label>'
        '<input class="form-control" name="pagesize" value="{}"></div>'
        '<button class="btn btn-primary" type="submit">Apply</button></form>',
        action,
        hidden_inputs,
        rows,
        sort_options,
        mark_safe(" selected") if desc else "",
        text(query.get("fields")),
        text(query.get("pagesize")),
    )


def filters_modal(form: str) -> str:
    """``form`` in the dialog DRF's page opens from its Filters button (``#filtersModal``)."""
    return format_html(
        '<div class="modal fade" id="filtersModal" tabindex="-1" role="dialog" '
        'aria-labelledby="filtersTitle" aria-hidden="true"><div class="modal-dialog">'
        '<div class="modal-content"><div class="modal-header">'
        '<button type="button" class="close" data-dismiss="modal" aria-label="Close">'
        '<span aria-hidden="true">&times;</span></button>'
        '<h4 class="modal-title" id="filtersTitle">Filters</h4></div>'
        '<div class="modal-body">{}</div></div></div></div>',
        form,
    )


def query_spec(view: Any, request: Any) -> QuerySpec:
    """The request's parsed index query (parsed once; a ``QueryError`` names the parameter)."""
    spec = getattr(request, _SPEC_ATTR, None)
    if spec is None:
        spec = parse_query(
            vocabulary_for(view.entity_options),
            request_query(request),
            page_size=PageSize(view.page_size, view.max_page_size),
        )
        setattr(request, _SPEC_ATTR, spec)
    return spec


class GrammarFilterBackend(BaseFilterBackend):
    """Filters (``parameters[...]`` with operators, ``search``) by the one grammar."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        return query_spec(view, request).filter(queryset)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """The grammar's filter, field and sort parameters (``openapi.filter_parameters``)."""
        return filter_parameters(vocabulary_for(view.entity_options))

    def to_html(self, request: Any, queryset: Any, view: Any) -> str:
        return filters_modal(
            filter_form_html(
                vocabulary_for(view.entity_options),
                request_query(request),
                request.path,
            )
        )


class GrammarPagination(BasePagination):
    """``page``/``pagesize`` (or ``cursor``) pages of ``values()`` rows with ``Link`` headers."""

    display_page_controls = False
    listing: Listing | None = None

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any]:
        spec = query_spec(view, request)
        # The filters are in ``queryset`` already (the filter backend): page and order only.
        page_spec = dataclasses.replace(spec, filters=[], search=None)
        self.request = request
        self.spec = spec
        self.listing = read_page(
            view.entity_options,
            page_spec,
            request,
            view.get_render_context(),
            processor=view.processor,
            queryset=queryset,
        )
        return self.listing.rows

    def links(self) -> dict[str, str]:
        listing, url = self.listing, self.request.build_absolute_uri()
        out: dict[str, str] = {}
        if listing.keyset:
            if listing.next_cursor:
                out["next"] = replace_query_param(url, "cursor", listing.next_cursor)
            return out
        if listing.has_next:
            out["next"] = replace_query_param(url, "page", self.spec.page + 1)
        if self.spec.page == 1:
            out["prev"] = remove_query_param(url, "page")
        elif self.spec.page > 1:
            out["prev"] = replace_query_param(url, "page", self.spec.page - 1)
        return out

    def get_paginated_response(self, data: Any) -> Response:
        links = self.links()
        headers = {}
        if links:
            headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
        return Response(data, headers=headers)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return schema  # a plain list; the pages are in the Link header

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """``page``, ``pagesize`` (the viewset's policy) and ``cursor``."""
        page_size = PageSize(view.page_size, view.max_page_size)
        return [*page_parameters(page_size), cursor_parameter()]


__all__ = [
    "GrammarFilterBackend",
    "GrammarPagination",
    "filter_form_html",
    "filters_modal",
    "query_spec",
]
