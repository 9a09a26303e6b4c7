"""Request throttling on endpoints: DRF's throttles plus per-endpoint and per-resource rates.

Three layers apply to every controller call, each counted in Django's default cache (Redis in
production), so every worker shares the counts:

1. DRF's own ``DEFAULT_THROTTLE_CLASSES`` / ``DEFAULT_THROTTLE_RATES`` (``REST_FRAMEWORK``
   setting), exactly as on any DRF view; a resource class may replace them with its own
   ``throttles = [SomeThrottle, ...]`` (DRF's ``throttle_classes``).
2. The endpoint's ``throttle_rates`` (admin, export/import): one budget per caller for the
   whole endpoint.
3. The resource row's ``throttle_rates``: one budget per caller for that resource on that
   endpoint.

Rates are DRF rate strings; ``anon`` counts anonymous callers by IP address, ``user`` counts
signed-in users by account. A caller over a limit gets ``429`` with ``Retry-After``, in the
endpoint's error format. Throttles run after authentication (Drupal's order: the body and the
arguments are checked first), so a user is counted as a user.
"""

from __future__ import annotations

from typing import Any

from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

__all__ = ["ConfiguredRateThrottle", "throttles_for"]


class ConfiguredRateThrottle(SimpleRateThrottle):
    """A rate from endpoint configuration rather than from ``DEFAULT_THROTTLE_RATES``."""

    def __init__(self, scope: str, kind: str, rate: str) -> None:  # noqa: D107
        # SimpleRateThrottle.__init__ looks the rate up by scope in DRF's settings: skipped.
        self.scope = scope
        self.kind = kind
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        authenticated = bool(getattr(request.user, "is_authenticated", False))
        if authenticated != (self.kind == "user"):
            return None  # the other kind of caller: not this throttle's business
        ident = request.user.pk if authenticated else self.get_ident(request)
        return f"throttle_services_{self.scope}_{self.kind}_{ident}"


def throttles_for(ctx: Any) -> list[BaseThrottle]:
    """The throttle instances for one request's routing context (``RequestContext``)."""
    classes = getattr(ctx.resource, "throttles", None)
    if classes is None:
        classes = api_settings.DEFAULT_THROTTLE_CLASSES
    throttles: list[BaseThrottle] = [cls() for cls in classes]
    layers = (
        (ctx.endpoint.name, ctx.endpoint.throttle_rates),
        (f"{ctx.endpoint.name}.{ctx.resource_config.resource}", ctx.resource_config.throttle_rates),
    )
    for scope, rates in layers:
        for kind, rate in sorted(rates.items()):
            throttles.append(ConfiguredRateThrottle(scope, kind, rate))
    return throttles
