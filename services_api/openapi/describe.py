"""One description of what an endpoint serves, read from the declarations (never written twice).

``describe_endpoint(endpoint)`` walks the endpoint's configuration snapshot (only the resources
and controllers it enables, under their aliases) and the resource registry (each controller's
kind, HTTP method, declared ``Arg``s) and adds, per resource, the query grammar's
``Vocabulary`` (fields, filters with their lookups, sorts) and the row shape
(``openapi.types``). The OpenAPI document and the ``definition`` resource both read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from entity_resources.grammar import Vocabulary
from services_api.endpoints.snapshot import EndpointConfig, ResourceConfig
from services_api.resources import Arg, Controller, Resource, registry

#: HTTP method of each controller kind; operations by name (Drupal's mapping, spec §2).
OPERATION_METHODS = {
    "retrieve": "GET",
    "index": "GET",
    "create": "POST",
    "update": "PUT",
    "delete": "DELETE",
}
KIND_METHODS = {"action": "POST", "targeted_action": "POST", "relationship": "GET"}
#: Order of controllers in descriptions (Drupal's resolution order).
KIND_ORDER = ("operation", "action", "targeted_action", "relationship")


@dataclass(frozen=True)
class OperationDescription:
    """One enabled controller: its HTTP method and the path templates that reach it."""

    kind: str
    name: str
    method: str
    controller: Controller
    #: Each a tuple of segments after the resource name; ``{arg}`` marks a path argument.
    paths: tuple[tuple[str, ...], ...]

    @property
    def args(self) -> tuple[Arg, ...]:
        return self.controller.args

    @property
    def query_args(self) -> tuple[Arg, ...]:
        return tuple(a for a in self.args if a.source == "query")

    @property
    def body_args(self) -> tuple[Arg, ...]:
        return tuple(a for a in self.args if a.source == "body")

    @property
    def path_args(self) -> tuple[Arg, ...]:
        return tuple(sorted(self.controller.path_args, key=lambda a: a.index))


@dataclass(frozen=True)
class ResourceDescription:
    public_name: str
    resource: Resource
    config: ResourceConfig
    operations: tuple[OperationDescription, ...]
    vocabulary: Vocabulary | None = None
    #: JSON Schema of one row (``openapi.types.row_schema``); ``None``: no known shape.
    row: dict[str, Any] | None = None
    #: Whether index answers the RESTWS envelope on a ``restws`` endpoint (entity resources).
    restws: bool = False


@dataclass(frozen=True)
class EndpointDescription:
    endpoint: EndpointConfig
    resources: tuple[ResourceDescription, ...] = field(default_factory=tuple)


def _segments(controller: Controller, count: int, name_at: int | None) -> tuple[str, ...]:
    """Path segments with the first ``count`` path arguments; ``name_at`` inserts the
    controller's name after that many arguments (actions: 0, targeted/relationships: 1)."""
    args = sorted(controller.path_args, key=lambda a: a.index)[:count]
    segments = [f"{{{a.name}}}" for a in args]
    if name_at is not None:
        segments.insert(min(name_at, len(segments)), controller.name)
    return tuple(segments)


def controller_paths(controller: Controller) -> tuple[tuple[str, ...], ...]:
    """Every path shape the controller fits (Drupal's ``fits``: required..all path args)."""
    path_args = controller.path_args
    required = sum(1 for a in path_args if a.required)
    name_at = {"action": 0, "targeted_action": 1, "relationship": 1}.get(controller.kind)
    low = max(required, 1) if name_at == 1 else required
    return tuple(_segments(controller, n, name_at) for n in range(low, len(path_args) + 1))


def _enabled(config: ResourceConfig, kind: str) -> frozenset[str]:
    return {
        "operation": config.operations,
        "action": config.actions,
        "targeted_action": config.targeted_actions,
        "relationship": config.relationships,
    }[kind]


def describe_resource(public_name: str, resource: Resource, config: ResourceConfig):
    from services_api.openapi.types import resource_shape

    operations = []
    for kind in KIND_ORDER:
        enabled = _enabled(config, kind)
        for name, controller in sorted(resource.controllers[kind].items()):
            if name not in enabled:
                continue
            method = OPERATION_METHODS[name] if kind == "operation" else KIND_METHODS[kind]
            operations.append(
                OperationDescription(kind, name, method, controller, controller_paths(controller))
            )
    vocabulary, row, restws = resource_shape(resource)
    return ResourceDescription(
        public_name, resource, config, tuple(operations), vocabulary, row, restws
    )


def describe_endpoint(endpoint: EndpointConfig) -> EndpointDescription:
    """The resources and controllers ``endpoint`` enables, in public-name order."""
    resources = []
    for public_name, config in sorted(endpoint.resources.items()):
        resource = registry.get(config.resource)
        if resource is None:
            continue
        resources.append(describe_resource(public_name, resource, config))
    return EndpointDescription(endpoint, tuple(resources))


__all__ = [
    "EndpointDescription",
    "OperationDescription",
    "ResourceDescription",
    "controller_paths",
    "describe_endpoint",
]
