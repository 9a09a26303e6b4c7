"""The one error path of the Services server: every failure becomes the endpoint's error shape.

Whatever raised it (routing, negotiation, a parser, argument gathering, an authenticator, an
access check, the query grammar, an ``entity_resources`` function or a custom resource's
callback), an exception reaches ``exception_response``, which

1. translates it into a ``ServicesError`` (``to_services_error``: ``ServicesError`` as is,
   ``EntityError`` through ``entity_error``, DRF and Django exceptions by kind, anything else a
   logged 500);
2. applies the endpoint's authentication rules (HTTP Basic's challenge on 401, an anonymous
   403 answered as a 401 challenge that keeps the 403's message and body);
3. lets the project's ``ERROR_ALTER_HOOKS`` reshape it (Drupal's
   ``hook_rest_server_execute_errors_alter``), with an ``ErrorContext``;
4. renders it in the endpoint's style and the negotiated format (``error_response``).

Drupal style (Services 3.8+): status line ``401 Unauthorized : <message>`` for 401/404/406,
``<code> : <message>`` for the other 4xx/5xx, body ``[message]`` (JSON) or
``<result>message</result>`` (XML), or no body for routing errors. The legacy style reproduces
Services 3.6-3.7 (``401 Unauthorized: msg``, ``403 :msg``); the ``problem`` style answers
RFC 7807 ``application/problem+json``. Nothing internal (traceback, SQL) reaches the client
unless ``DEBUG`` is on.

A request that fails because a backing service is unreachable (the database restarting, the
cache holding sessions or throttles down) is not a bug: it is answered ``503`` with
``Retry-After`` (``UNAVAILABLE_RETRY_AFTER``) in the same shape, and logged as one warning
line without a traceback. Django reconnects on the next request, so service resumes by itself.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import orjson
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from rest_framework import exceptions as drf_exceptions

from entity_resources.exceptions import EntityAccessDenied, EntityError
from services_api.exceptions import ServicesError
from services_api.settings import services_settings
from services_api.wire.renderers import renderer_for

logger = logging.getLogger("services_api")

_NAMED = {401: "Unauthorized", 404: "Not found", 406: "Not Acceptable"}
_SUCCESS_NAMED = {204: "No Content", 304: "Not Modified"}
_TAGS_RE = re.compile(r"<[^>]*>")
EMPTY_BODY_CONTENT_TYPE = "text/html; charset=utf-8"
UNAVAILABLE = "Service Unavailable: try again later."


def _cache_error_types() -> tuple[type[BaseException], ...]:
    """What a cache backend raises when its server does not answer: the OS's connection
    errors, and redis-py's when Redis is installed."""
    types: list[type[BaseException]] = [ConnectionError, TimeoutError]
    try:
        from redis import exceptions as redis_exceptions
    except ImportError:
        pass
    else:
        types += [redis_exceptions.ConnectionError, redis_exceptions.TimeoutError]
    return tuple(types)


_CACHE_DOWN = _cache_error_types()
_DATABASE_DOWN = (OperationalError, InterfaceError)


def _chain(exc: BaseException):
    """``exc`` and the exceptions it was raised from (bounded)."""
    current: BaseException | None = exc
    for _ in range(8):
        if current is None:
            return
        yield current
        current = current.__cause__ or current.__context__


def is_cache_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the cache server (Redis) did not answer."""
    return any(isinstance(e, _CACHE_DOWN) for e in _chain(exc))


@contextmanager
def cache_outage_tolerated(what: str) -> Iterator[None]:
    """Run the block; if the cache server does not answer, log one line and go on without it
    (``what`` names what is skipped, e.g. "Login throttle")."""
    try:
        yield
    except Exception as exc:
        if not is_cache_unavailable(exc):
            raise
        logger.warning("%s skipped: cache unreachable (%s)", what, type(exc).__name__)


def _outage(exc: BaseException) -> BaseException | None:
    """The error in ``exc``'s chain that says a backing service is down, if any."""
    for error in _chain(exc):
        if isinstance(error, _DATABASE_DOWN) and not str(error).startswith("no such "):
            return error
        if isinstance(error, _CACHE_DOWN):
            return error
    return None


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says a backing service is down: the database's connection errors
    (``OperationalError``/``InterfaceError``; SQLite's "no such table/column" are bugs, not
    outages) or the cache server's, raised directly or as the cause of another error (the
    session store's ``SessionInterrupted`` around a failed save)."""
    return _outage(exc) is not None


def unavailable(exc: BaseException) -> ServicesError:
    """The 503 for an outage, logged as one line naming the driver's error (the first line of
    its message), not the wrapper it reached us in."""
    cause = _outage(exc) or exc
    detail = (str(cause).strip().splitlines() or [""])[0][:200]
    logger.warning("Service unavailable: %s: %s", type(cause).__name__, detail)
    retry = str(int(services_settings.UNAVAILABLE_RETRY_AFTER))
    error = ServicesError(UNAVAILABLE, 503, headers={"Retry-After": retry})
    error.logged = True
    return error


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
    """The ``ServicesError`` answering ``exc``; an unexpected exception is a logged bare 500."""
    if isinstance(exc, ServicesError):
        return exc
    if isinstance(exc, EntityError):
        return entity_error(exc, user)
    if isinstance(exc, drf_exceptions.Throttled):
        headers = {"Retry-After": str(int(exc.wait))} if exc.wait is not None else {}
        return ServicesError("Too many requests. Try again later.", 429, headers=headers)
    if isinstance(exc, (drf_exceptions.NotAuthenticated, drf_exceptions.AuthenticationFailed)):
        challenge = getattr(exc, "auth_header", None)
        headers = {"WWW-Authenticate": challenge} if challenge else {}
        return ServicesError(str(exc.detail), 401, headers=headers)
    if isinstance(exc, (drf_exceptions.PermissionDenied, PermissionDenied)):
        return access_denied(user)
    if isinstance(exc, (drf_exceptions.NotFound, Http404)):
        return ServicesError("Not found", 404)
    if isinstance(exc, drf_exceptions.ValidationError):
        return ServicesError("Validation failed.", 406, data={"form_errors": exc.detail})
    if isinstance(exc, drf_exceptions.APIException):
        return ServicesError(str(exc.detail), exc.status_code)
    if is_unavailable(exc):
        return unavailable(exc)
    logger.exception("Unhandled error in a Services request")
    detail = f"{type(exc).__name__}: {exc}" if settings.DEBUG else "An error occurred."
    return ServicesError(detail, 500)


def entity_error(error: EntityError, user: Any = None) -> ServicesError:
    """The one translation of ``entity_resources`` errors: their status, message and body;
    an object-level refusal is Drupal's ``403 : Access denied for user <name>``."""
    if isinstance(error, EntityAccessDenied):
        return access_denied(user)
    return ServicesError(error.message, error.status, error.data)


def access_denied(user: Any) -> ServicesError:
    name = getattr(user, "get_username", None)
    who = name() if name and getattr(user, "is_authenticated", False) else "anonymous"
    return ServicesError(f"Access denied for user {who}", 403)


@dataclass(frozen=True)
class ErrorContext:
    """What the server knew when an error happened, for ``ERROR_ALTER_HOOKS``.

    ``endpoint`` is the endpoint's configuration (``name``, ``path``, ...); ``resource`` and
    ``controller`` are names, ``None`` when routing failed before finding them; ``format`` is
    the response format (``"json"``, ``"xml"``, ...) or ``None`` when it could not be settled;
    ``query`` the parsed query string. Errors raised before a controller runs (routing,
    authentication, arguments, access) carry as much of this as is known.
    """

    request: Any = None
    endpoint: Any = None
    resource: str | None = None
    controller: str | None = None
    format: str | None = None
    query: dict[str, Any] = field(default_factory=dict)


def alter_error(error: ServicesError, context: ErrorContext) -> ServicesError:
    """Run every ``ERROR_ALTER_HOOKS`` hook in order; a hook returning an error replaces it."""
    for hook in services_settings.ERROR_ALTER_HOOKS:
        altered = hook(error, context)
        if altered is not None:
            error = altered
    return error


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
        charset = getattr(renderer, "charset", None)
        content_type = f"{media_type}; charset={charset}" if charset else media_type
        response = HttpResponse(b"", status=status, content_type=content_type)
        # The browsable API renders the response's status and headers into its page.
        context = {**(renderer_context or {}), "response": response}
        response.content = renderer.render(error.data, media_type, context)
    response.reason_phrase = reason_phrase(status, error.message, style)
    return finish_response(response, error)


def finish_response(response: HttpResponse, error: ServicesError) -> HttpResponse:
    """Add ``error``'s headers to ``response`` (any server's answer to it, e.g. DRF's) and,
    for an error already logged (an outage), keep Django from logging the response again."""
    for name, value in error.headers.items():
        response[name] = value
    if error.logged:
        response._has_been_logged = True  # django.utils.log.log_response: one line is enough
    return response


def exception_response(
    exc: BaseException,
    endpoint: Any,
    *,
    user: Any = None,
    fmt: str = "json",
    media_type: str = "application/json",
    renderer_context: dict | None = None,
    context: ErrorContext | None = None,
) -> HttpResponse:
    """The response to any exception raised while serving ``endpoint`` (the one handler).

    ``fmt``/``media_type``: the negotiated format; before one is settled, plain JSON.
    ``user``: the authenticated user if authentication ran (names the 403).
    ``context``: what the server knew, for the ``ERROR_ALTER_HOOKS`` (which run last, so
    they see the final status and headers and may change anything).
    """
    error = to_services_error(exc, user)
    basic = "basic" in endpoint.authentication
    if basic and error.status == 403 and not getattr(user, "is_authenticated", False):
        # A challenge browsers and curl --anyauth answer, keeping Drupal's message in the
        # status line and the body: "401 Unauthorized : Access denied for user anonymous".
        error = ServicesError(error.message, 401, error.data, headers=dict(error.headers))
    if basic and error.status == 401:
        error.headers.setdefault("WWW-Authenticate", f'Basic realm="{services_settings.SITE_NAME}"')
    if services_settings.ERROR_ALTER_HOOKS:
        error = alter_error(error, context or ErrorContext(endpoint=endpoint, format=fmt))
    return error_response(
        error,
        style=endpoint.error_style,
        renderer=None if error.empty_body else renderer_for(fmt),
        media_type=media_type,
        renderer_context=renderer_context,
    )


__all__ = [
    "ErrorContext",
    "access_denied",
    "cache_outage_tolerated",
    "alter_error",
    "entity_error",
    "error_response",
    "exception_response",
    "finish_response",
    "is_cache_unavailable",
    "is_unavailable",
    "reason_phrase",
    "to_services_error",
    "unavailable",
]
