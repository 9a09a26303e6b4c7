"""``manage.py services_resources``: what resources exist and which endpoints enable what.

Answers the questions people ask before editing an endpoint: which resources are registered
(custom, built-in and generated ``entity_*`` ones), which controllers each declares with their
arguments, and, per endpoint, which of those controllers are switched on (and under which
alias). ``--format json`` prints the same as data for scripts.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from services_api.models import Endpoint
from services_api.resources import KIND_KEYS, KINDS, Resource, registry


def describe_resource(resource: Resource) -> dict[str, Any]:
    """The declaration of one resource as plain data."""
    return {
        "name": resource.name,
        "class": f"{type(resource).__module__}.{type(resource).__qualname__}",
        "controllers": {
            kind: {
                name: [
                    {
                        "name": arg.name,
                        "source": arg.source,
                        "type": getattr(arg.type, "__name__", "any"),
                        "required": arg.required,
                    }
                    for arg in controller.args
                ]
                for name, controller in sorted(resource.controllers[kind].items())
            }
            for kind in KINDS
            if resource.controllers[kind]
        },
    }


def endpoint_usage() -> dict[str, dict[str, dict[str, Any]]]:
    """``{resource: {endpoint name: {"alias": ..., kind: [enabled names]}}}`` from the database."""
    usage: dict[str, dict[str, dict[str, Any]]] = {}
    endpoints = Endpoint.objects.prefetch_related("resources").order_by("name")
    for endpoint in endpoints:
        for row in endpoint.resources.all():
            enabled = {kind: list(getattr(row, field)) for kind, field in KIND_KEYS.items()}
            entry = {"path": endpoint.path, "alias": row.alias or None, **enabled}
            usage.setdefault(row.resource, {})[endpoint.name] = entry
    return usage


class Command(BaseCommand):
    help = "List registered resources, their controllers and which endpoints enable them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("resource", nargs="*", help="Only these resources (default: all).")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = options["resource"]
        unknown = [name for name in wanted if registry.get(name) is None]
        if unknown:
            raise CommandError(
                f"Unknown resource(s): {', '.join(unknown)}. Registered: "
                f"{', '.join(registry.names())}."
            )
        resources = [r for r in registry if not wanted or r.name in wanted]
        usage = endpoint_usage()
        data = [
            {**describe_resource(resource), "endpoints": usage.get(resource.name, {})}
            for resource in resources
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, indent=2))
            return
        for item in data:
            self.stdout.write(self.style.MIGRATE_HEADING(item["name"]) + f"  ({item['class']})")
            for kind, controllers in item["controllers"].items():
                for name, arguments in controllers.items():
                    signature = ", ".join(
                        f"{a['name']}{'' if a['required'] else '?'}:{a['type']}@{a['source']}"
                        for a in arguments
                    )
                    self.stdout.write(f"  {kind:<16} {name:<24} {signature}")
            if not item["endpoints"]:
                self.stdout.write("  endpoints: none")
            for endpoint, entry in item["endpoints"].items():
                enabled = [f"{kind}: {', '.join(entry[kind])}" for kind in KIND_KEYS if entry[kind]]
                alias = f" as {entry['alias']!r}" if entry["alias"] else ""
                self.stdout.write(
                    f"  endpoint {endpoint!r} (/{entry['path']}){alias}: "
                    + ("; ".join(enabled) or "nothing enabled")
                )
