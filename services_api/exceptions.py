"""The one error type of the Services server.

Every failure a client can see is a ``ServicesError`` (or is turned into one by the exception
handler): it carries the HTTP status, the message that goes into the status line (Drupal's
``401 Unauthorized : <message>``) and the body data (by default ``[message]``). Routing errors
(unknown resource/controller, unknown format) have an empty body, as in Drupal.

It is a DRF ``APIException``, so a ``ServicesError`` raised under a plain DRF view (a helper
shared with the viewsets, a host's own authenticator) is answered with its status by DRF's
exception handler instead of a 500. Authenticators raise DRF's ``AuthenticationFailed``
(``services_api.auth.authentication.AuthenticationFailed`` adds the challenge), which both
handlers understand.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import APIException

_UNSET = object()


class ServicesError(APIException):
    """An error answered in the endpoint's format with Drupal's status line.

    ``data`` replaces the default body (the message); ``empty_body`` sends no body at all;
    ``headers`` are added to the response. ``logged`` marks an error already logged (an
    outage), so that Django does not log its response a second time.
    """

    def __init__(
        self,
        message: str,
        status: int = 400,
        data: Any = _UNSET,
        *,
        empty_body: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message
        self.status = status
        self.data = message if data is _UNSET else data
        self.empty_body = empty_body
        self.headers = headers or {}
        self.logged = False
        super().__init__(detail=self.data if isinstance(self.data, dict | list) else message)

    @property
    def status_code(self) -> int:  # type: ignore[override]
        return self.status

    def __str__(self) -> str:
        return self.message


def not_found(message: str, **kwargs: Any) -> ServicesError:
    return ServicesError(message, 404, **kwargs)


def not_acceptable(message: str, **kwargs: Any) -> ServicesError:
    return ServicesError(message, 406, **kwargs)


def bad_request(message: str, **kwargs: Any) -> ServicesError:
    return ServicesError(message, 400, **kwargs)


__all__ = ["ServicesError", "bad_request", "not_acceptable", "not_found"]
