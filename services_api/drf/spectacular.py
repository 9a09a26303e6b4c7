"""drf-spectacular schema of ``UserViewSet`` and of the Services session authentication.

Loaded by ``ServicesApiConfig.ready()`` when drf-spectacular is installed. Each action's body
is its ``user`` resource controller's declared ``Arg``s (the same ``openapi.schema`` functions
as the endpoints' own documents); the answers are the callbacks' (any JSON value, as the
endpoints' documents say for actions) and DRF's ``{"detail": ...}`` errors. The session method
is documented as the session cookie plus the ``X-CSRF-Token`` header it requires on writes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiViewExtension
from drf_spectacular.openapi import AutoSchema

from services_api.openapi.schema import arg_schema, body_args_schema

#: Statuses the actions answer besides success (DRF's error body).
ERRORS = {
    "400": "Bad request: a malformed body.",
    "401": "Wrong credentials, or CSRF validation failed.",
    "403": "Access denied (e.g. register while registration is off).",
    "404": "No endpoint configured for the actions.",
    "406": "Already logged in, not logged in, or a body that does not validate.",
    "415": "Unsupported request Content-Type.",
    "429": "Too many failed logins (throttled).",
}


class UserActionsSchema(AutoSchema):
    """The request body from the controller's ``Arg``s; any JSON value back."""

    def _controller(self) -> Any:
        from services_api.resources import registry

        resource = registry.get("user")
        return resource.actions.get(self.view.action) if resource is not None else None

    def get_tags(self) -> list[str]:
        return ["user"]

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False

    def _get_request_body(self, direction: str = "request") -> dict[str, Any] | None:
        controller = self._controller()
        args = tuple(a for a in controller.args if a.source == "body") if controller else ()
        if not args:
            return None
        whole = next((a for a in args if a.whole_body), None)
        if whole is not None:
            schema, required = arg_schema(whole) or {"type": "object"}, whole.required
        else:
            schema, required = body_args_schema(args)
        media_types = ("application/json", "application/x-www-form-urlencoded")
        return {
            "required": required,
            "content": {media_type: {"schema": schema} for media_type in media_types},
        }

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        error = {"type": "object", "properties": {"detail": {}, "form_errors": {}}}
        responses: dict[str, Any] = {
            "200": {
                "description": "The callback's answer (see the user resource).",
                "content": {"application/json": {"schema": {}}},
            }
        }
        for status, text in ERRORS.items():
            responses[status] = {
                "description": text,
                "content": {"application/json": {"schema": error}},
            }
        return responses


class UserViewSetSchema(OpenApiViewExtension):
    target_class = "services_api.drf.user.UserViewSet"
    match_subclasses = True

    def view_replacement(self) -> type:
        return type(self.target.__name__, (self.target,), {"schema": UserActionsSchema()})


class ServicesSessionScheme(OpenApiAuthenticationExtension):
    """The session cookie; writes also need ``X-CSRF-Token`` (``user/token``)."""

    target_class = "services_api.auth.authentication.SessionAuthentication"
    name = ["servicesSession", "servicesCsrf"]

    def get_security_requirement(self, auto_schema: Any) -> Any:
        if auto_schema.method in ("GET", "HEAD", "OPTIONS"):
            return {"servicesSession": []}
        return {"servicesSession": [], "servicesCsrf": []}

    def get_security_definition(self, auto_schema: Any) -> Any:
        return [
            {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME},
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-CSRF-Token",
                "description": "The session's token (`user/token`, `services/session/token`).",
            },
        ]


__all__ = ["ServicesSessionScheme", "UserActionsSchema", "UserViewSetSchema"]
