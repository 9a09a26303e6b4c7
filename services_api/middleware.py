"""Django's ``SessionMiddleware``, answering an outage ``503`` + ``Retry-After`` instead of 500.

Django's ``SessionMiddleware`` saves a modified session after the view has answered. When the
session store does not answer at that moment (the database restarting, or the cache server
holding the sessions down), the save raises and Django turns it into its ``500`` page with a
traceback in the log, on any page: the admin, the browsable pages, ``/rest/``, the Services
endpoints. A middleware placed before it cannot help: Django converts each middleware's
exception into a (logged) 500 response at that middleware's boundary, so the outer one only
ever sees the 500. This subclass therefore takes its place in ``MIDDLEWARE``::

    "services_api.middleware.SessionMiddleware",  # instead of Django's

and answers such a request with the one outage translation of ``server/errors.py``
(``unavailable``: ``503``, ``Retry-After``, one warning line, no traceback). A view of the
project that fails for the same reason (the admin reading its session or user while the
database restarts) is answered the same way (``process_exception``); the Services endpoints
and DRF views with ``services_api.drf.errors.exception_handler`` answer their own outages
before that.

The answer's shape: on a Services endpoint, the endpoint's error format and style
(``exception_response``); after a DRF view or a JSON answer, DRF's ``{"detail": message}``;
elsewhere the message as plain text. CORS headers of the answer it replaces are kept, so a
browser front end can read the 503.
"""

from __future__ import annotations

from typing import Any

import orjson
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse

from services_api.exceptions import ServicesError
from services_api.server.errors import (
    exception_response,
    finish_response,
    is_unavailable,
    unavailable,
)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware; an unreachable session store or database is a 503."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            return outage_response(request, unavailable(exc), response)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if not is_unavailable(exception):
            return None
        return outage_response(request, unavailable(exception))


def _is_drf_view(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return hasattr(getattr(match, "func", None), "cls")  # DRF's as_view() sets ``cls``


def outage_response(
    request: HttpRequest, error: ServicesError, replaced: HttpResponse | None = None
) -> HttpResponse:
    """``error`` (a logged outage) answered in the shape the client expects (module doc)."""
    services = getattr(request, "services", None)
    content_type = replaced.get("Content-Type", "") if replaced is not None else ""
    if services is not None and not _is_drf_view(request):
        response = exception_response(
            error, services.endpoint, fmt=services.format, media_type=services.media_type
        )
    elif _is_drf_view(request) or "json" in content_type:
        response = HttpResponse(
            orjson.dumps({"detail": error.message}),
            status=error.status,
            content_type="application/json",
        )
    else:
        response = HttpResponse(
            error.message, status=error.status, content_type="text/plain; charset=utf-8"
        )
    finish_response(response, error)
    if replaced is not None:
        for name, value in replaced.items():
            if name.lower().startswith("access-control-") or name.lower() == "vary":
                response[name] = value
    return response


__all__ = ["SessionMiddleware", "outage_response"]
