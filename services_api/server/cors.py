"""Cross-origin requests (CORS) per endpoint, off unless configured.

Browsers let a web front end on another origin call an endpoint only when the answer says
so. ``SERVICES_API["CORS"]`` maps endpoint names to a policy with django-cors-headers'
semantics::

    "CORS": {
        "api": {
            "allowed_origins": ["https://app.example.com"],   # or ["*"] (no credentials)
            "allow_credentials": True,       # the session cookie crosses origins
            "allowed_headers": [...],        # default: DEFAULT_HEADERS
            "allowed_methods": [...],        # default: DEFAULT_METHODS
            "expose_headers": [],
            "max_age": 86400,                # seconds a browser caches a preflight
        },
    }

A request from an allowed ``Origin`` gets ``Access-Control-Allow-Origin: <origin>`` (``*``
for ``["*"]``), ``Vary: Origin`` and, with credentials, ``Access-Control-Allow-Credentials:
true``; a preflight (``OPTIONS`` with ``Access-Control-Request-Method``) is answered ``200``
with the allowed methods, headers and max age before any routing. Any other origin gets no
CORS header at all (the browser then refuses the answer); an endpoint without a policy never
sends one. Native clients (mobile apps, curl, PHP) send no ``Origin`` and see no difference.

A setting, not a field of the endpoint in the admin: origins belong to a deployment (as
``ALLOWED_HOSTS`` do) while endpoint configurations travel between sites by export and import,
and a policy with credentials is a security boundary reviewed with the code and checked at
start-up (docs/deployment.md, "CORS").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from services_api.settings import services_settings

#: django-cors-headers' defaults, plus Drupal's ``X-CSRF-Token``.
DEFAULT_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "user-agent",
    "x-csrftoken",
    "x-csrf-token",
    "x-requested-with",
)
DEFAULT_METHODS = ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")
DEFAULT_MAX_AGE = 86400
KEYS = frozenset(
    {
        "allowed_origins",
        "allow_credentials",
        "allowed_headers",
        "allowed_methods",
        "expose_headers",
        "max_age",
    }
)


def policy_for(endpoint_name: str) -> Mapping[str, Any] | None:
    """The endpoint's CORS policy, or ``None`` (no CORS headers)."""
    policies = services_settings.CORS
    return policies.get(endpoint_name) if policies else None


def _allowed_origin(policy: Mapping[str, Any], origin: str) -> str | None:
    origins = policy.get("allowed_origins") or ()
    if "*" in origins and not policy.get("allow_credentials"):
        return "*"
    return origin if origin in origins else None


def is_preflight(request: HttpRequest) -> bool:
    meta = request.META
    return (
        request.method == "OPTIONS"
        and "HTTP_ORIGIN" in meta
        and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in meta
    )


def preflight_response(policy: Mapping[str, Any], request: HttpRequest) -> HttpResponse:
    """``200`` with an empty body; the CORS headers only when the origin is allowed."""
    response = HttpResponse(b"", content_type="text/html; charset=utf-8")
    response["Content-Length"] = "0"
    if add_headers(policy, request, response):
        headers = policy.get("allowed_headers") or DEFAULT_HEADERS
        methods = policy.get("allowed_methods") or DEFAULT_METHODS
        response["Access-Control-Allow-Headers"] = ", ".join(headers)
        response["Access-Control-Allow-Methods"] = ", ".join(methods)
        max_age = policy.get("max_age", DEFAULT_MAX_AGE)
        if max_age:
            response["Access-Control-Max-Age"] = str(int(max_age))
    return response


def add_headers(policy: Mapping[str, Any], request: HttpRequest, response: HttpResponse) -> bool:
    """Add the CORS headers for the request's ``Origin``; whether it was allowed."""
    origin = request.META.get("HTTP_ORIGIN")
    if not origin:
        return False
    patch_vary_headers(response, ("Origin",))
    allowed = _allowed_origin(policy, origin)
    if allowed is None:
        return False
    response["Access-Control-Allow-Origin"] = allowed
    if policy.get("allow_credentials"):
        response["Access-Control-Allow-Credentials"] = "true"
    exposed = policy.get("expose_headers")
    if exposed:
        response["Access-Control-Expose-Headers"] = ", ".join(exposed)
    return True


def policy_errors(policies: Any) -> list[str]:
    """What is wrong with a ``CORS`` setting (for the system check)."""
    if policies in (None, {}):
        return []
    if not isinstance(policies, Mapping):
        return [" must be a dict of endpoint name -> policy dict"]
    problems = []
    for name, policy in policies.items():
        if not isinstance(policy, Mapping):
            problems.append(f"[{name!r}] must be a dict")
            continue
        unknown = sorted(set(policy) - KEYS)
        if unknown:
            problems.append(f"[{name!r}] has unknown keys {unknown}")
        origins = policy.get("allowed_origins") or []
        if isinstance(origins, str) or not all(isinstance(o, str) for o in origins):
            problems.append(f"[{name!r}]['allowed_origins'] must be a list of origins")
        elif "*" in origins and policy.get("allow_credentials"):
            problems.append(
                f"[{name!r}] allows every origin ('*') with credentials, which browsers refuse"
            )
        else:
            for origin in origins:
                if origin != "*" and (origin.endswith("/") or "://" not in origin):
                    problems.append(
                        f"[{name!r}] origin {origin!r} must be scheme://host[:port], no path"
                    )
    return problems


__all__ = ["add_headers", "is_preflight", "policy_errors", "policy_for", "preflight_response"]
