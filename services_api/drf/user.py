"""``UserViewSet``: the Services ``user`` resource's ``login``, ``logout``, ``register`` and
``token`` as DRF viewset actions.

Each action runs the very callback of ``services_api.drupal.user.UserResource`` with its own
access check and argument gathering (``resources.arguments``), so the two ways in cannot drift:
same validation, same throttled login, same session cookie, same CSRF token, same bearer
tokens. What an action needs from an endpoint (registration allowed, bearer tokens enabled,
the ``uri`` of a new account) comes from the endpoint named ``endpoint_name``::

    router.register("user", UserViewSet, basename="drf-user")

Errors are DRF's: ``ServicesError`` is an ``APIException``, so the answer is
``{"detail": message}`` with the Services status (401 wrong password, 406 already logged in,
406 validation with ``form_errors``...) and its headers; an outage (database, session cache)
is ``503`` with ``Retry-After`` (``services_api.drf.errors.exception_handler``, whatever the
project's ``REST_FRAMEWORK`` says).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from services_api.auth.authentication import SessionAuthentication
from services_api.drf.errors import exception_handler
from services_api.endpoints.snapshot import get_snapshot
from services_api.resources import arguments, registry
from services_api.resources.results import Result
from services_api.server.errors import access_denied
from services_api.wire.parsers import parse_php_query

ACTIONS = ("login", "logout", "register", "token")


class UserViewSet(viewsets.ViewSet):
    """Log in, log out, register and get the CSRF token, as the Services ``user`` resource."""

    #: The endpoint whose configuration the actions follow.
    endpoint_name = "api"
    authentication_classes = [SessionAuthentication]
    permission_classes: list = []

    def get_exception_handler(self):
        return exception_handler

    def _context(self, request: Any, name: str) -> Any:
        from services_api.server.dispatch import RequestContext

        endpoint = get_snapshot().by_name(self.endpoint_name)
        resource = registry.get("user")
        if endpoint is None or resource is None:
            raise NotFound(f"No endpoint named {self.endpoint_name}.")
        config = endpoint.resource_config("user")
        ctx = RequestContext(
            endpoint=endpoint,
            resource=resource,
            resource_config=config,
            controller=resource.actions[name],
            path_parts=(),
            format="json",
            media_type="application/json",
            negotiated=False,
            method="POST",
            query=parse_php_query(request._request.META.get("QUERY_STRING", "").encode()),
            request=request._request,
        )
        request._request.services = ctx
        return ctx

    def initial(self, request, *args, **kwargs):
        # Before authentication: the session method reads the context (``token`` skips CSRF).
        if self.action in ACTIONS:
            self._context(request, self.action)
        super().initial(request, *args, **kwargs)

    def _run(self, request: Any) -> Any:
        ctx = request._request.services
        controller = ctx.controller
        body = request.data if controller.args else {}
        if hasattr(body, "dict"):  # a form body: one value per key, as the Services parsers
            body = body.dict()
        kwargs = arguments.gather(controller, (), ctx.query, body)
        user = request.user  # authentication (session + X-CSRF-Token) before the access check
        if not ctx.resource.check_access(controller, request, kwargs):
            raise access_denied(user)
        result = ctx.resource.call(controller, request, kwargs)
        return self._response(result)

    @staticmethod
    def _response(result: Any) -> Any:
        if isinstance(result, HttpResponse | Response):
            return result
        if isinstance(result, Result):
            return result.finish(Response(result.data, status=result.status))
        return Response(result)

    @action(detail=False, methods=["post"])
    def login(self, request):
        """``username``, ``password`` (and ``bearer``): the session, its token and the user."""
        return self._run(request)

    @action(detail=False, methods=["post"])
    def logout(self, request):
        return self._run(request)

    @action(detail=False, methods=["post"])
    def register(self, request):
        """``name``, ``mail``, ``pass``: a new account (if the endpoint allows registration)."""
        return self._run(request)

    @action(detail=False, methods=["post"])
    def token(self, request):
        """The session's CSRF token (``X-CSRF-Token`` for writes)."""
        return self._run(request)


__all__ = ["UserViewSet"]
