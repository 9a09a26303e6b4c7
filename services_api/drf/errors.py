"""DRF's exception handler with the Services outage translation, for plain DRF views.

The public viewsets (``entity_resources.viewsets``, ``services_api.drf.user``) answer through
DRF's own exception handler: ``{"detail": message}`` with the error's status. DRF leaves
anything that is not an ``APIException`` to Django, so a database restart (``OperationalError``,
``InterfaceError``) or an unreachable cache holding the sessions was Django's ``500`` with a
traceback per request. This handler runs the one translation of ``server/errors.py``
(``is_unavailable`` / ``unavailable``) first, so those requests are ``503`` with
``Retry-After`` and ``{"detail": "Service Unavailable: try again later."}``, logged as one
warning line, exactly as on the Services endpoints. Set it in the host's settings::

    REST_FRAMEWORK = {"EXCEPTION_HANDLER": "services_api.drf.errors.exception_handler"}

It also keeps the headers a ``ServicesError`` carries (``Retry-After`` of a throttled login,
a challenge), which DRF's handler alone would drop.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from services_api.exceptions import ServicesError
from services_api.server.errors import finish_response, is_unavailable, unavailable


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's answer to ``exc``, with outages answered ``503`` + ``Retry-After``."""
    if not isinstance(exc, APIException) and is_unavailable(exc):
        exc = unavailable(exc)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ServicesError):
        finish_response(response, exc)
    return response


__all__ = ["exception_handler"]
