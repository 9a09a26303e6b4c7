"""Controller resolution (spec §2): which declared controller a method and path parts reach.

Checks run in Drupal's order (index, retrieve, relationship, update, delete, create, action,
targeted action) and the last match wins. Only controllers enabled on the endpoint count.
"""

from __future__ import annotations

from services_api.endpoints.snapshot import ResourceConfig
from services_api.resources import Controller, Resource

#: Methods a client may ask for with X-HTTP-Method-Override or ?_method on a real POST.
OVERRIDABLE = frozenset({"PUT", "DELETE", "GET", "POST", "PATCH"})


def effective_method(method: str, query_method: str | None, header_method: str | None) -> str:
    """The method the controller is chosen by: a real POST may be overridden (query wins)."""
    if method != "POST":
        return method
    override = query_method or header_method
    if override and override in OVERRIDABLE:
        return override
    return method


def resolve_controller(
    resource: Resource, config: ResourceConfig, method: str, parts: tuple[str, ...]
) -> tuple[Controller, tuple[str, ...]] | None:
    """Return the controller and the path parts its ``path`` arguments index into."""
    n = len(parts)
    ops = resource.operations
    enabled_ops = config.operations
    match: tuple[Controller, tuple[str, ...]] | None = None

    def op(name: str) -> Controller | None:
        return ops.get(name) if name in enabled_ops else None

    if method == "GET":
        index = op("index")
        if index and index.fits(n):
            match = (index, parts)
        retrieve = op("retrieve")
        if retrieve and n >= 1 and parts[0] and retrieve.fits(n):
            match = (retrieve, parts)
        if n >= 2 and parts[1] in config.relationships:
            rel = resource.relationships.get(parts[1])
            rel_parts = (parts[0], *parts[2:])
            if rel and rel.fits(len(rel_parts)):
                match = (rel, rel_parts)
    elif method in ("PUT", "PATCH", "DELETE"):
        controller = op("update" if method != "DELETE" else "delete")
        if controller and n >= 1 and parts[0] and controller.fits(n):
            match = (controller, parts)
        elif controller and n == 0 and controller.fits(0):
            # Beyond Drupal: a controller whose id is optional also answers the collection
            # (entity resources' bulk update, ``PUT entity_<model>``).
            match = (controller, parts)
    elif method == "POST":
        create = op("create")
        if create and create.fits(n):
            match = (create, parts)
        if n >= 1 and parts[0] in config.actions:
            act = resource.actions.get(parts[0])
            if act and act.fits(n - 1):
                match = (act, parts[1:])
        if n >= 2 and parts[0] and parts[1] in config.targeted_actions:
            targeted = resource.targeted_actions.get(parts[1])
            targeted_parts = (parts[0], *parts[2:])
            if targeted and targeted.fits(len(targeted_parts)):
                match = (targeted, targeted_parts)
    return match


__all__ = ["effective_method", "resolve_controller"]
