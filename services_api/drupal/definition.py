"""The built-in ``definition`` resource: the endpoint describes its resources to clients.

Drupal Services clients could read an endpoint's resources, their controllers and arguments in
the shape of ``hook_services_resources`` (Services 7.x-3.x): per resource, ``operations``,
``actions``, ``targeted_actions`` and ``relationships``, each controller with ``help`` and
``args`` (``name``, ``optional``, ``source`` — ``{"path": 0}``, ``{"param": "page"}``,
``{"data": "name"}`` or ``"data"`` for the whole body — ``type``, ``default value``,
``description``). Enabled per endpoint like any resource (``definition``: ``index``,
``retrieve``); it lists only what that endpoint enables, under its aliases, from the same
description that feeds the OpenAPI document (``services_api.openapi.describe``).

* ``GET <endpoint>/definition``: every enabled resource, by public name.
* ``GET <endpoint>/definition/<resource>``: one, or ``404 Could not find resource <name>.``.
"""

from __future__ import annotations

from typing import Any

from services_api.exceptions import ServicesError
from services_api.resources import KIND_KEYS, Arg, Resource, operation

#: ``Arg.type`` -> the type names Services' resource definitions use.
DRUPAL_TYPES = {
    str: "string",
    int: "int",
    float: "float",
    bool: "boolean",
    list: "array",
    dict: "struct",
    None: "array",
}


def arg_definition(arg: Arg) -> dict[str, Any]:
    """One argument as ``hook_services_resources`` declares it."""
    if arg.source == "path":
        source: Any = {"path": arg.index}
    elif arg.source == "query":
        source = {"param": arg.lookup_key}
    elif arg.whole_body:
        source = "data"
    else:
        source = {"data": arg.lookup_key}
    out: dict[str, Any] = {
        "name": arg.name,
        "optional": not arg.required,
        "source": source,
        "type": DRUPAL_TYPES.get(arg.type, "array"),
        "description": arg.description,
    }
    if not arg.required:
        out["default value"] = arg.default
    return out


def resource_definition(description: Any) -> dict[str, Any]:
    """One ``ResourceDescription`` as Services' definition of that resource."""
    out: dict[str, Any] = {}
    for op in description.operations:
        method = getattr(description.resource, op.controller.method)
        help_text = (method.__doc__ or "").strip().split("\n\n")[0]
        out.setdefault(KIND_KEYS[op.kind], {})[op.name] = {
            "help": " ".join(help_text.split()),
            "args": [arg_definition(a) for a in op.args],
        }
    return out


def endpoint_definition(endpoint: Any) -> dict[str, Any]:
    from services_api.openapi.describe import describe_endpoint

    return {
        res.public_name: resource_definition(res) for res in describe_endpoint(endpoint).resources
    }


#: One resource's definition: controller kind -> controller name -> ``{help, args}``.
RESOURCE_SCHEMA = {
    "type": "object",
    "additionalProperties": {
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "properties": {"help": {"type": "string"}, "args": {"type": "array"}},
        },
    },
}


class DefinitionResource(Resource):
    """``definition``: the resources this endpoint enables, their controllers and arguments."""

    name = "definition"

    @operation("index", returns={"type": "object", "additionalProperties": RESOURCE_SCHEMA})
    def index(self, request):
        """Every resource the endpoint enables, with its controllers and arguments."""
        return endpoint_definition(request.services.endpoint)

    @operation(
        "retrieve",
        args=[Arg("name", str, source="path", index=0, description="A resource's public name.")],
        returns=RESOURCE_SCHEMA,
    )
    def retrieve(self, request, name):
        """One resource of the endpoint, with its controllers and arguments."""
        endpoint = request.services.endpoint
        config = endpoint.resources.get(name)
        if config is None:
            raise ServicesError(f"Could not find resource {name}.", 404)
        from services_api.openapi.describe import describe_resource
        from services_api.resources import registry

        resource = registry.get(config.resource)
        if resource is None:
            raise ServicesError(f"Could not find resource {name}.", 404)
        return resource_definition(describe_resource(name, resource, config))


__all__ = ["DefinitionResource", "arg_definition", "endpoint_definition"]
