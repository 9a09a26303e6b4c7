"""The REST server: from a request path to a controller call, in Drupal's order (spec §3).

resource (404) -> controller (404) -> response format (406) -> body (406/400/413) ->
arguments (401) -> authentication incl. CSRF (401) -> access (403) -> callback.

``serve(request, path)`` does the routing with the cached configuration and hands the request
to ``ServicesView``, a DRF ``APIView``, so DRF's authentication, throttling and browsable API
apply to every resource.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from services_api.auth.authentication import AUTHENTICATORS
from services_api.drupal.styles import style_class
from services_api.endpoints.snapshot import EndpointConfig, ResourceConfig, get_snapshot
from services_api.exceptions import ServicesError
from services_api.openapi.views import docs_response
from services_api.resources import Controller, Resource, arguments, registry
from services_api.resources.results import Result
from services_api.server import cors
from services_api.server.controllers import effective_method, resolve_controller
from services_api.server.errors import (
    ErrorContext,
    access_denied,
    cache_outage_tolerated,
    error_response,
    exception_response,
    is_unavailable,
    unavailable,
)
from services_api.server.negotiation import accept_decides, choose_format, format_for_mime
from services_api.server.throttling import throttles_for
from services_api.server.urlpath import parse_path
from services_api.wire.parsers import (
    QUERY_TOO_DEEP,
    parse_php_query,
    parse_request_body,
    request_content_type,
)
from services_api.wire.renderers import renderer_for, validate_jsonp_callback

logger = logging.getLogger("services_api")


@dataclass
class RequestContext:
    """Everything routing decided about a request; read by the view and the authenticators."""

    endpoint: EndpointConfig
    resource: Resource
    resource_config: ResourceConfig
    controller: Controller
    path_parts: tuple[str, ...]
    format: str
    media_type: str
    negotiated: bool
    method: str
    query: dict[str, Any] = field(default_factory=dict)
    request: Any = None
    #: The path parts after the resource name as requested (the browsable page resolves the
    #: other methods' controllers on the same path).
    route_parts: tuple[str, ...] = ()

    @cached_property
    def base_url(self) -> str:
        """``scheme://host`` of the request, computed only when a URI is built."""
        return f"{self.request.scheme}://{self.request.get_host()}" if self.request else ""

    @property
    def skips_csrf(self) -> bool:
        """``user/token`` is the one write exempt from the CSRF check (spec §7)."""
        return self.resource.name == "user" and self.controller.name == "token"

    def uri(self, *parts: Any) -> str:
        """Absolute URI of an item of this endpoint: ``<base>/<ep>/<resource-or-alias>/<id>``."""
        return "/".join([self.endpoint_url, *(str(p) for p in parts)])

    @property
    def endpoint_url(self) -> str:
        path = self.endpoint.path
        return f"{self.base_url}/{path}" if path else self.base_url

    def resource_uri(self, resource_name: str, item_id: Any) -> str:
        """URI of an item of another resource on the same endpoint (its alias if aliased)."""
        config = self.endpoint.resource_config(resource_name)
        public = config.public_name if config else resource_name
        return f"{self.endpoint_url}/{public}/{item_id}"


def _text(value: Any) -> str | None:
    """A query value as text; bracketed (array) values do not count."""
    return value if isinstance(value, str) else None


def requested_version(
    meta: dict[str, Any], resource: str, config: ResourceConfig, method: str
) -> str | None:
    """Drupal's resource API version of a call: the ``services_<resource>_<method>_version``
    header (sent as ``Services-User-Login-Version``: servers such as gunicorn and nginx drop
    header names with underscores), else the endpoint's ``api_versions`` setting, else none
    (1.0)."""
    key = f"HTTP_SERVICES_{resource}_{method}_VERSION".replace("-", "_").upper()
    header = meta.get(key)
    if header:
        return header
    return config.api_versions.get(method)


def routing_error(
    request: HttpRequest,
    endpoint: EndpointConfig,
    message: str,
    status: int,
    *,
    resource: str | None = None,
    suffix: str | None = None,
) -> HttpResponse:
    """Drupal's routing errors: status line only, no body. The ``ERROR_ALTER_HOOKS`` see them
    with the format the request would have been answered in, so a hook can give one a body."""
    try:
        query = parse_php_query(
            get_bytes_from_wsgi(request.META, "QUERY_STRING", ""), too_deep=QUERY_TOO_DEEP
        )
        fmt, media_type, _ = _negotiate(endpoint, suffix, query, request.META, request.method)
    except ServicesError:  # an unusable query or format: the routing error stands as is
        query, fmt, media_type = {}, None, "application/json"
    context = ErrorContext(
        request=request, endpoint=endpoint, resource=resource, format=fmt, query=query
    )
    return exception_response(
        ServicesError(message, status, empty_body=True),
        endpoint,
        fmt=fmt or "json",
        media_type=media_type,
        context=context,
    )


def _negotiate(
    endpoint: EndpointConfig, suffix: str | None, query: dict, meta: dict, method: str
) -> tuple[str, str, bool]:
    """The response format (spec §1): the suffix, CiviCRM's ``json=1``, ``format=api``, then
    ``Accept``; when the endpoint's style has ``body_format_fallback`` (``restws``), a POST/PUT
    whose ``Accept`` does not decide (none, or only ``*/*`` as curl sends) is answered in the
    format of its Content-Type, as RESTWS does."""
    if suffix is None and query.get("json") == "1" and "json" in endpoint.formatters:
        suffix = "json"  # CiviCRM's json=1 flag
    if suffix is None and query.get("format") == "api" and "api" in endpoint.formatters:
        suffix = "api"
    accept = meta.get("HTTP_ACCEPT")
    if (
        suffix is None
        and method in ("POST", "PUT")
        and not accept_decides(accept)
        and style_class(endpoint.response_style).body_format_fallback
    ):
        suffix = format_for_mime(request_content_type(meta), endpoint.formatters)
    return choose_format(suffix, accept, endpoint.formatters, endpoint.default_format)


def serve(request: HttpRequest, path: str) -> HttpResponse:
    """Route ``path`` (without leading slash) to an endpoint's resource, or raise Http404."""
    try:
        found = get_snapshot().resolve(path.strip("/"))
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        # No endpoint known yet (its configuration could not be read): plain JSON.
        return error_response(
            unavailable(exc), renderer=renderer_for("json"), media_type="application/json"
        )
    if found is None:
        raise Http404("No Services endpoint at this path.")
    endpoint, rest = found
    cors_policy = cors.policy_for(endpoint.name)
    if cors_policy is not None and cors.is_preflight(request):
        return cors.preflight_response(cors_policy, request)
    response = _serve(request, endpoint, rest)
    if cors_policy is not None:
        cors.add_headers(cors_policy, request, response)
    if endpoint.debug:
        # Drupal's endpoint "debug" flag: log the call, never change the response.
        logger.info(
            "services %s %s %s -> %s %s",
            endpoint.name,
            request.method,
            rest,
            response.status_code,
            response.reason_phrase,
        )
    return response


def _serve(request: HttpRequest, endpoint: EndpointConfig, rest: str) -> HttpResponse:
    parsed = parse_path(rest)
    if parsed is None:
        response = HttpResponse(
            f'Services Endpoint "{endpoint.name}" has been setup successfully.',
            content_type="text/plain; charset=utf-8",
        )
        return response
    resource_config = endpoint.resources.get(parsed.resource)
    resource = registry.get(resource_config.resource) if resource_config else None
    if resource is None:
        docs = docs_response(request, endpoint, rest)  # openapi.json, docs, redoc
        if docs is not None:
            return docs
        return routing_error(
            request,
            endpoint,
            f"Could not find resource {parsed.resource}.",
            404,
            resource=parsed.resource,
            suffix=parsed.suffix,
        )
    if request.method == "HEAD":
        response = HttpResponse(b"", content_type="text/html; charset=utf-8")
        response.reason_phrase = ": OK"
        return response
    if request.method == "OPTIONS":
        return HttpResponse(b"", content_type="text/html; charset=utf-8")
    # Headers are read from META and the query from one parse: request.headers and
    # request.GET each cost a full pass over the request on the hot path.
    meta = request.META
    try:
        query = parse_php_query(
            get_bytes_from_wsgi(meta, "QUERY_STRING", ""), too_deep=QUERY_TOO_DEEP
        )
    except ServicesError as exc:  # before the format is settled: plain JSON
        return exception_response(exc, endpoint)
    method = effective_method(
        request.method, _text(query.get("_method")), meta.get("HTTP_X_HTTP_METHOD_OVERRIDE")
    )
    resolved = resolve_controller(resource, resource_config, method, parsed.parts)
    if resolved is None:
        return routing_error(
            request,
            endpoint,
            "Could not find the controller.",
            404,
            resource=resource.name,
            suffix=parsed.suffix,
        )
    controller, path_parts = resolved
    if controller.versions:
        controller = controller.for_version(
            requested_version(meta, resource.name, resource_config, controller.name)
        )
    try:
        fmt, media_type, negotiated = _negotiate(endpoint, parsed.suffix, query, meta, method)
        if fmt == "jsonp":
            validate_jsonp_callback(_text(query.get("callback")))
    except ServicesError as exc:
        # Before a format is settled (or for a bad JSONP callback) errors are plain JSON.
        context = ErrorContext(
            request=request,
            endpoint=endpoint,
            resource=resource.name,
            controller=controller.name,
            format="json",
            query=query,
        )
        return exception_response(exc, endpoint, context=context)
    request.services = RequestContext(
        endpoint=endpoint,
        resource=resource,
        resource_config=resource_config,
        controller=controller,
        path_parts=path_parts,
        format=fmt,
        media_type=media_type,
        negotiated=negotiated,
        method=method,
        query=query,
        request=request,
        route_parts=tuple(parsed.parts),
    )
    return services_view(request)


class ServicesView(APIView):
    """The DRF view behind every controller; configured per request by its ``RequestContext``."""

    permission_classes: list = []

    @property
    def default_response_headers(self) -> dict[str, str]:
        """No ``Allow`` and no blanket ``Vary: Accept``: added only when we negotiated."""
        return {}

    @property
    def ctx(self) -> RequestContext:
        return self.request_ctx

    def initialize_request(self, request, *args, **kwargs):
        self.request_ctx = request.services
        drf_request = super().initialize_request(request, *args, **kwargs)
        # Read a dozen times per request: set on DRF's Request itself, each read would go
        # through ``Request.__getattr__`` (a failed lookup, then a proxy to the Django request).
        drf_request.services = request.services
        drf_request.META = request.META
        return drf_request

    def get_authenticators(self):
        return [
            AUTHENTICATORS[name]()
            for name in self.ctx.endpoint.authentication
            if name in AUTHENTICATORS
        ]

    def get_parsers(self):
        return []

    def get_renderers(self):
        return [renderer_for(self.ctx.format)]

    def perform_content_negotiation(self, request, force=False):
        renderer = renderer_for(self.ctx.format)
        return renderer, self.ctx.media_type

    def perform_authentication(self, request) -> None:
        """Deferred: Drupal authenticates after parsing the body and gathering arguments."""

    def get_throttles(self):
        return throttles_for(self.ctx)

    def check_throttles(self, request) -> None:
        """Deferred like authentication: ``handle_request`` throttles once the user is known."""

    def _throttle(self, request) -> None:
        # Counters live in the cache: while it does not answer, requests go unthrottled.
        with cache_outage_tolerated("Throttle"):
            super().check_throttles(request)

    # Every method reaches the same handler: routing already chose the controller.
    def handle_request(self, request, *args, **kwargs):
        ctx = self.ctx
        controller = ctx.controller
        body: Any = ""
        if controller.reads_body and ctx.method != "DELETE":
            body = self.parse_body(request)
        kwargs_ = arguments.gather(controller, ctx.path_parts, ctx.query, body)
        user = request.user  # authenticators run here, CSRF included
        self._throttle(request)
        if not ctx.resource.check_access(controller, request, kwargs_):
            raise access_denied(user)
        if controller.kind != "operation" or ctx.method in SAFE_METHODS:
            return self.to_response(ctx.resource.call(controller, request, kwargs_))
        # A create/update/delete and the read-back its answer carries commit together: an
        # answer that cannot be built (the database gone after the write) rolls the write
        # back, so a client told "failed" never finds the write applied.
        with transaction.atomic():
            return self.to_response(ctx.resource.call(controller, request, kwargs_))

    get = post = put = patch = delete = handle_request

    def parse_body(self, request) -> Any:
        django_request = request._request
        length = django_request.META.get("CONTENT_LENGTH") or "0"
        limit = self.ctx.resource.max_body_bytes(self.ctx.controller)
        try:
            too_big = int(length) > limit
        except ValueError:
            raise ServicesError("Invalid Content-Length.", 400) from None
        if too_big:
            raise ServicesError("Request body too large.", 413)
        context = {
            "request": django_request,
            "encoding": django_request.encoding or "utf-8",
            "view": self,
            "max_body_bytes": limit,
        }
        return parse_request_body(django_request, self.ctx.endpoint.parsers, context)

    def to_response(self, result: Any) -> Response:
        if isinstance(result, Response):
            return result
        if isinstance(result, HttpResponse):
            return result
        if isinstance(result, Result):
            if result.empty:
                response = HttpResponse(
                    b"", status=result.status, content_type=self.content_type_header()
                )
            elif result.json is not None and self.ctx.format == "json":
                response = HttpResponse(
                    result.json, status=result.status, content_type=self.content_type_header()
                )
            else:
                response = Response(
                    result.data, status=result.status, content_type=self.content_type_header()
                )
            return result.finish(response)
        return Response(result, content_type=self.content_type_header())

    def content_type_header(self) -> str:
        renderer = renderer_for(self.ctx.format)
        charset = getattr(renderer, "charset", None)
        return f"{self.ctx.media_type}; charset={charset}" if charset else self.ctx.media_type

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.ctx.negotiated:
            response["Vary"] = "Accept"
        if self.ctx.format == "jsonp":
            response["X-Content-Type-Options"] = "nosniff"
        return response

    def handle_exception(self, exc):
        """Every exception from authentication to the callback: the one error handler."""
        ctx = self.ctx
        context = ErrorContext(
            request=ctx.request,
            endpoint=ctx.endpoint,
            resource=ctx.resource.name,
            controller=ctx.controller.name,
            format=ctx.format,
            query=ctx.query,
        )
        return exception_response(
            exc,
            ctx.endpoint,
            user=getattr(self.request, "_user", None),
            fmt=ctx.format,
            media_type=ctx.media_type,
            renderer_context={"request": self.request, "view": self},
            context=context,
        )


services_view = ServicesView.as_view()

__all__ = ["RequestContext", "ServicesView", "serve"]
