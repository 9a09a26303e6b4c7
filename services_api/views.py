"""Site-level views: ``/`` and ``/index.php`` honour Drupal's non-clean ``?q=`` URLs."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from .conf import services_settings


def site_root(request: HttpRequest) -> HttpResponse:
    root_view = services_settings.ROOT_VIEW
    if root_view is not None:
        return root_view(request)
    raise Http404("No page at the site root.")
