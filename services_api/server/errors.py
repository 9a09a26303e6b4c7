"""One function turns every failure into the endpoint's error shape.

Drupal style (Services 3.8+): status line ``401 Unauthorized : <message>`` for 401/404/406,
``<code> : <message>`` for the other 4xx/5xx, body ``[message]`` (JSON) or
``<result>message</result>`` (XML), or no body for routing errors. The legacy style reproduces
Services 3.6-3.7 (``401 Unauthorized: msg``, ``403 :msg``); the ``problem`` style answers
RFC 7807 ``application/problem+json``. Nothing internal (traceback, SQL) reaches the client
unless ``DEBUG`` is on.
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

import orjson
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from rest_framework import exceptions as drf_exceptions

from services_api.exceptions import ServicesError

logger = logging.getLogger("services_api")

_NAMED = {401: "Unauthorized", 404: "Not found", 406: "Not Acceptable"}
_SUCCESS_NAMED = {204: "No Content", 304: "Not Modified"}
_TAGS_RE = re.compile(r"<[^>]*>")
EMPTY_BODY_CONTENT_TYPE = "text/html; charset=utf-8"


def _clean(message: str) -> str:
    """Status-line safe: tags and CR/LF stripped, Latin-1 only (WSGI's rule)."""
    text = _TAGS_RE.sub("", message).replace("\r", " ").replace("\n", " ").strip()
    return text.encode("latin-1", "replace").decode("latin-1")


def reason_phrase(status: int, message: str, style: str = "drupal") -> str:
    """The text after the status code on the status line."""
    message = _clean(message)
    if style == "problem":
        return _standard_phrase(status)
    if style == "drupal_legacy":
        named = _NAMED.get(status)
        return f"{named}: {message}" if named else f":{message}"
    named = _NAMED.get(status) or _SUCCESS_NAMED.get(status)
    if named:
        return f"{named} : {message}"
    if 200 <= status < 300 or 400 <= status < 600:
        return f": {message}"
    return f"Internal Server Error : An error occurred ({status}): {message}"


def _standard_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def to_services_error(exc: BaseException, user: Any = None) -> ServicesError:
    """Map Django/DRF exceptions onto ``ServicesError``; anything else becomes a bare 500."""
    if isinstance(exc, ServicesError):
        return exc
    if isinstance(exc, drf_exceptions.Throttled):
        headers = {"Retry-After": str(int(exc.wait))} if exc.wait is not None else {}
        return ServicesError("Too many requests. Try again later.", 429, headers=headers)
    if isinstance(exc, (drf_exceptions.NotAuthenticated, drf_exceptions.AuthenticationFailed)):
        return ServicesError(str(exc.detail), 401)
    if isinstance(exc, (drf_exceptions.PermissionDenied, PermissionDenied)):
        return access_denied(user)
    if isinstance(exc, (drf_exceptions.NotFound, Http404)):
        return ServicesError("Not found", 404)
    if isinstance(exc, drf_exceptions.ValidationError):
        return ServicesError("Validation failed.", 406, data={"form_errors": exc.detail})
    if isinstance(exc, drf_exceptions.APIException):
        return ServicesError(str(exc.detail), exc.status_code)
    logger.exception("Unhandled error in a Services request")
    detail = f"{type(exc).__name__}: {exc}" if settings.DEBUG else "An error occurred."
    return ServicesError(detail, 500)


def access_denied(user: Any) -> ServicesError:
    name = getattr(user, "get_username", None)
    who = name() if name and getattr(user, "is_authenticated", False) else "anonymous"
    return ServicesError(f"Access denied for user {who}", 403)


def error_response(
    error: ServicesError,
    *,
    style: str = "drupal",
    renderer: Any = None,
    media_type: str | None = None,
    renderer_context: dict | None = None,
) -> HttpResponse:
    """Build the response for ``error`` in the endpoint's style and the negotiated format."""
    status = error.status
    if style == "problem":
        body = {
            "type": "about:blank",
            "title": _standard_phrase(status),
            "status": status,
            "detail": error.message,
        }
        if not isinstance(error.data, str):
            body["errors"] = error.data
        response = HttpResponse(
            orjson.dumps(body, default=str),
            status=status,
            content_type="application/problem+json; charset=utf-8",
        )
    elif error.empty_body or renderer is None:
        response = HttpResponse(b"", status=status, content_type=EMPTY_BODY_CONTENT_TYPE)
    else:
        content = renderer.render(error.data, media_type, renderer_context or {})
        charset = getattr(renderer, "charset", None)
        content_type = f"{media_type}; charset={charset}" if charset else media_type
        response = HttpResponse(content, status=status, content_type=content_type)
    response.reason_phrase = reason_phrase(status, error.message, style)
    for name, value in error.headers.items():
        response[name] = value
    return response


__all__ = ["access_denied", "error_response", "reason_phrase", "to_services_error"]
