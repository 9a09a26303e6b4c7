"""Serve an endpoint's OpenAPI document (JSON, YAML), Swagger UI and Redoc.

``docs_response(request, endpoint, rest)`` is asked by the dispatcher before it answers "no such
resource": ``<endpoint>/openapi.json``, ``<endpoint>/openapi.yaml``, ``<endpoint>/docs`` and
``<endpoint>/redoc`` by default (``SERVICES_API["OPENAPI_SCHEMA_PATH"]``, ``OPENAPI_DOCS_PATH``,
``OPENAPI_REDOC_PATH``; ``None`` turns one off). A resource of the same name enabled on the
endpoint wins. The pages load their scripts from the ``drf-spectacular-sidecar`` package through
``asset`` (no CDN, works offline); without that package they say how to install it (501). On an
endpoint with session authentication, Swagger UI's writes carry the session's ``X-CSRF-Token``
(``CSRF_INTERCEPTOR``).
"""

from __future__ import annotations

import mimetypes
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
import yaml
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import get_script_prefix, reverse
from django.utils.html import escape

from services_api.endpoints.snapshot import EndpointConfig, get_snapshot
from services_api.openapi.schema import build_openapi
from services_api.server.urlpath import parse_path
from services_api.settings import services_settings

#: The sidecar files the pages use, by the name ``asset`` serves them under.
ASSETS = {
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js": "swagger-ui-dist/swagger-ui-standalone-preset.js",
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
    "favicon-32x32.png": "swagger-ui-dist/favicon-32x32.png",
    "redoc.standalone.js": "redoc/bundles/redoc.standalone.js",
}
MISSING_SIDECAR = (
    "The API documentation pages need the drf-spectacular-sidecar package "
    "(pip install 'django-services-api[docs]'). The schema itself is at {url}.\n"
)


def sidecar_dir() -> Path | None:
    """The sidecar's static directory, or ``None`` when the package is not installed."""
    try:
        import drf_spectacular_sidecar
    except ImportError:
        return None
    return Path(drf_spectacular_sidecar.__file__).parent / "static" / "drf_spectacular_sidecar"


def asset(request: HttpRequest, name: str) -> HttpResponse:
    """One whitelisted sidecar file, cacheable for a day."""
    base = sidecar_dir()
    if name not in ASSETS or base is None:
        raise Http404("No such asset.")
    path = base / ASSETS[name]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


def endpoint_url(endpoint: EndpointConfig) -> str:
    """The endpoint's URL path under the script prefix (no trailing slash)."""
    prefix = get_script_prefix().rstrip("/")
    return f"{prefix}/{endpoint.path}" if endpoint.path else prefix


@lru_cache(maxsize=64)
def _document(snapshot_version: str, registry_version: int, name: str, url: str) -> bytes:
    endpoint = get_snapshot().by_name(name)
    return orjson.dumps(build_openapi(endpoint, url or "/"), option=orjson.OPT_INDENT_2)


def openapi_document(endpoint: EndpointConfig) -> dict[str, Any]:
    return orjson.loads(_json(endpoint))


def _json(endpoint: EndpointConfig) -> bytes:
    import entity_resources

    snapshot = get_snapshot()
    return _document(
        snapshot.version, entity_resources.site.version, endpoint.name, endpoint_url(endpoint)
    )


def _page(title: str, head: str, body: str) -> HttpResponse:
    html = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title>{head}</head><body>{body}</body></html>"
    )
    return HttpResponse(html, content_type="text/html; charset=utf-8")


#: Swagger UI's ``requestInterceptor`` on endpoints with session authentication: before a
#: write ("Try it out" with POST, PUT, DELETE...), fetch the session's token from
#: ``/services/session/token`` (same origin, with the session cookie) and send it as
#: ``X-CSRF-Token``, which the endpoint requires on session writes. Reads go unchanged.
CSRF_INTERCEPTOR = """async (request) => {
  const method = (request.method || "GET").toUpperCase();
  if (request.loadSpec || ["GET", "HEAD", "OPTIONS", "TRACE"].includes(method)) return request;
  request.credentials = "same-origin";
  const answer = await fetch(%s, {credentials: "same-origin", cache: "no-store"});
  if (answer.ok) request.headers["X-CSRF-Token"] = (await answer.text()).trim();
  return request;
}"""


def swagger_page(endpoint: EndpointConfig, schema_url: str) -> HttpResponse:
    asset_url = reverse("services_api:openapi_asset", args=["x"])[:-1]
    head = (
        f"<link rel='stylesheet' href='{asset_url}swagger-ui.css'>"
        f"<link rel='icon' href='{asset_url}favicon-32x32.png'>"
    )
    interceptor = ""
    if "session" in endpoint.authentication:
        token_url = orjson.dumps(reverse("services_api:session_token")).decode()
        interceptor = f", requestInterceptor: {CSRF_INTERCEPTOR % token_url}"
    body = (
        "<div id='swagger-ui'></div>"
        f"<script src='{asset_url}swagger-ui-bundle.js'></script>"
        f"<script src='{asset_url}swagger-ui-standalone-preset.js'></script>"
        "<script>window.ui = SwaggerUIBundle({url: "
        f"{orjson.dumps(schema_url).decode()}, dom_id: '#swagger-ui', deepLinking: true, "
        "presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], "
        f"layout: 'StandaloneLayout'{interceptor}}});</script>"
    )
    return _page(f"{endpoint.name}: Swagger UI", head, body)


def redoc_page(endpoint: EndpointConfig, schema_url: str) -> HttpResponse:
    asset_url = reverse("services_api:openapi_asset", args=["x"])[:-1]
    body = (
        f"<redoc spec-url='{escape(schema_url)}'></redoc>"
        f"<script src='{asset_url}redoc.standalone.js'></script>"
    )
    return _page(f"{endpoint.name}: Redoc", "", body)


def docs_paths() -> dict[str, str]:
    """``{path after the endpoint: kind}`` for the configured paths."""
    out: dict[str, str] = {}
    schema = services_settings.OPENAPI_SCHEMA_PATH
    if schema:
        schema = schema.strip("/")
        out[f"{schema}.json"] = "json"
        out[f"{schema}.yaml"] = "yaml"
    if services_settings.OPENAPI_DOCS_PATH:
        out[services_settings.OPENAPI_DOCS_PATH.strip("/")] = "docs"
    if services_settings.OPENAPI_REDOC_PATH:
        out[services_settings.OPENAPI_REDOC_PATH.strip("/")] = "redoc"
    return out


def docs_response(request: HttpRequest, endpoint: EndpointConfig, rest: str) -> HttpResponse | None:
    """The schema or a docs page for ``rest``, or ``None`` (the dispatcher answers 404)."""
    if request.method not in ("GET", "HEAD"):
        return None
    kind = docs_paths().get(rest)
    if kind is None:
        return None
    parsed = parse_path(rest)
    if parsed is not None and parsed.resource in endpoint.resources:
        return None  # a resource of that name wins
    if kind == "json":
        return HttpResponse(_json(endpoint), content_type="application/json")
    if kind == "yaml":
        text = yaml.safe_dump(openapi_document(endpoint), sort_keys=False, allow_unicode=True)
        return HttpResponse(text, content_type="application/yaml; charset=utf-8")
    schema_url = f"{endpoint_url(endpoint)}/{services_settings.OPENAPI_SCHEMA_PATH}.json"
    if not services_settings.OPENAPI_SCHEMA_PATH:
        raise Http404("The OpenAPI schema is turned off (OPENAPI_SCHEMA_PATH).")
    if sidecar_dir() is None:
        return HttpResponse(
            MISSING_SIDECAR.format(url=schema_url),
            status=501,
            content_type="text/plain; charset=utf-8",
        )
    if kind == "docs":
        return swagger_page(endpoint, schema_url)
    return redoc_page(endpoint, schema_url)


__all__ = ["asset", "docs_response", "openapi_document"]
