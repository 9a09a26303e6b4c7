"""DRF's browsable API for Services endpoints (the ``api`` format).

DRF's own renderer knows only the one ``ServicesView`` behind every controller, so it would
title every page "Services", show that view's docstring and offer every write button to
everyone. This subclass reads the request's ``RequestContext`` instead:

* title ``<resource>: <controller>`` and the resource class's docstring (none for the base);
* write forms and the DELETE button only for the methods whose controller exists on this path
  *and* whose access check lets the caller in (the same ``Resource.check_access`` the
  dispatcher runs);
* a Filters form from the resource's query vocabulary (``Resource.query_vocabulary``, the one
  grammar's names) and pagination links (``page`` +/- 1, or the ``Link: rel="next"`` header
  of keyset pages);
* the page's AJAX writes send the endpoint's ``X-CSRF-Token`` (the session's Services token,
  as ``/services/session/token`` answers), not Django's ``csrftoken``.

Errors reach this renderer through ``server/errors.py`` like every other format.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.utils import formatting
from rest_framework.utils.urls import remove_query_param, replace_query_param

from entity_resources.drf import filter_form_html, filters_modal
from services_api.auth.authentication import csrf_token

WRITE_METHODS = ("POST", "PUT", "DELETE")
_NEXT_RE = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


def _context(view: Any) -> Any:
    return getattr(view, "request_ctx", None)


class Pager:
    """The object DRF's ``get_pagination_html`` tag renders: previous/next links."""

    display_page_controls = True

    def __init__(self, previous: str | None, following: str | None) -> None:
        self.previous, self.following = previous, following

    def to_html(self) -> str:
        items = []
        if self.previous:
            items.append(
                format_html('<li><a href="{}" rel="prev">« Previous</a></li>', self.previous)
            )
        if self.following:
            items.append(format_html('<li><a href="{}" rel="next">Next »</a></li>', self.following))
        return format_html('<ul class="pager">{}</ul>', mark_safe("".join(items)))


class ServicesBrowsableAPIRenderer(BrowsableAPIRenderer):
    """The browsable page of a Services controller (see the module docstring)."""

    # -- title and description -------------------------------------------------------------

    def get_name(self, view: Any) -> str:
        ctx = _context(view)
        if ctx is None:
            return super().get_name(view)
        return f"{ctx.resource.name}: {ctx.controller.name}"

    def get_description(self, view: Any, status_code: int) -> str:
        ctx = _context(view)
        if ctx is None:
            return super().get_description(view, status_code)
        if status_code in (401, 403):
            return ""
        from services_api.resources import Resource

        doc = type(ctx.resource).__doc__
        if not doc or doc == Resource.__doc__:
            return ""
        return formatting.markup_description(formatting.dedent(doc))

    # -- which writes the caller may make ----------------------------------------------------

    def allowed_writes(self, view: Any, request: Any) -> list[str]:
        """Write methods with a controller on this path that the caller passes."""
        cached = getattr(view, "_browsable_writes", None)
        if cached is not None:
            return cached
        ctx = _context(view)
        allowed: list[str] = []
        if ctx is not None:
            from services_api.resources import arguments
            from services_api.server.controllers import resolve_controller

            for method in WRITE_METHODS:
                resolved = resolve_controller(
                    ctx.resource, ctx.resource_config, method, ctx.route_parts
                )
                if resolved is None:
                    continue
                controller, parts = resolved
                try:
                    kwargs = arguments.gather(controller, parts, ctx.query, {})
                except Exception:
                    kwargs = {}
                try:
                    if ctx.resource.check_access(controller, request, kwargs):
                        allowed.append(method)
                except Exception:  # an access check that needs the body: no form
                    continue
        view._browsable_writes = allowed
        return allowed

    def show_form_for_method(self, view: Any, method: str, request: Any, obj: Any) -> bool:
        if _context(view) is None:
            return super().show_form_for_method(view, method, request, obj)
        return method in self.allowed_writes(view, request)

    # -- filters and pages -------------------------------------------------------------------

    def get_filter_form(self, data: Any, view: Any, request: Any) -> str | None:
        ctx = _context(view)
        if ctx is None or ctx.controller.name != "index":
            return super().get_filter_form(data, view, request)
        vocabulary = ctx.resource.query_vocabulary()
        if vocabulary is None:
            return None
        return filters_modal(
            filter_form_html(vocabulary, ctx.query, request._request.path, format="api")
        )

    def get_pager(self, data: Any, view: Any, request: Any, response: Any) -> Pager | None:
        ctx = _context(view)
        if ctx is None or ctx.controller.name != "index" or response.status_code != 200:
            return None
        url = request.build_absolute_uri()
        link = _NEXT_RE.search(response.get("Link", "") or "")
        if link:
            return Pager(None, link.group(1))
        rows = data.get("list") if isinstance(data, dict) else data
        if not isinstance(rows, list):
            return None
        page_text = ctx.query.get("page")
        page = int(page_text) if isinstance(page_text, str) and page_text.isdigit() else 0
        previous = None
        if page == 1:
            previous = remove_query_param(url, "page")
        elif page > 1:
            previous = replace_query_param(url, "page", page - 1)
        following = replace_query_param(url, "page", page + 1) if rows else None
        return Pager(previous, following) if previous or following else None

    # -- the page ----------------------------------------------------------------------------

    def get_context(self, data: Any, accepted_media_type: Any, renderer_context: dict) -> dict:
        context = super().get_context(data, accepted_media_type, renderer_context)
        view = renderer_context["view"]
        ctx = _context(view)
        if ctx is None:
            return context
        request = renderer_context["request"]
        writes = self.allowed_writes(view, request)
        context["allowed_methods"] = ["GET", *writes]
        context["options_form"] = None
        if "DELETE" not in writes:
            context["delete_form"] = None
        context["pager"] = context["paginator"] = self.get_pager(
            data, view, request, renderer_context["response"]
        )
        # The endpoint's CSRF check reads X-CSRF-Token with the session's Services token.
        context["csrf_header_name"] = "X-CSRF-Token"
        context["csrf_token"] = csrf_token(request._request)
        return context


__all__ = ["Pager", "ServicesBrowsableAPIRenderer"]
