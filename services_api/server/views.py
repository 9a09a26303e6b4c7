"""Site-level views: the endpoint catch-all, ``/`` and ``/index.php`` with Drupal's non-clean
``?q=`` URLs, and ``/services/session/token``."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from services_api.auth.authentication import csrf_token
from services_api.server.dispatch import serve
from services_api.settings import services_settings

TOKEN_PATH = "services/session/token"


@never_cache
def session_token(request: HttpRequest) -> HttpResponse:
    """The CSRF token as bare ``text/plain`` (no newline), bound to the caller's session."""
    return HttpResponse(csrf_token(request), content_type="text/plain; charset=utf-8")


@csrf_exempt
def endpoint(request: HttpRequest, path: str) -> HttpResponse:
    return serve(request, path)


@csrf_exempt
def site_root(request: HttpRequest) -> HttpResponse:
    """``/?q=api/node/1.json`` is ``/api/node/1.json``; without ``q`` the host's home page."""
    q = request.GET.get("q")
    if q is not None:
        q = q.strip("/")
        if q == TOKEN_PATH:
            return session_token(request)
        return serve(request, q)
    root_view = services_settings.ROOT_VIEW
    if root_view is not None:
        return root_view(request)
    try:
        return serve(request, "")
    except Http404:
        raise Http404("No page at the site root.") from None
