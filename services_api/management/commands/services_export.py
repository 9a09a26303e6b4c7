"""``manage.py services_export NAME [--format json|yaml] [--output FILE]``: one endpoint as data.

Prints the endpoint named NAME, with its resources, in the format ``services_import`` reads
(see :mod:`services_api.endpoints.portable`). The output is deterministic, so exports can be kept in
version control and compared. Without ``--format`` the format follows the ``--output`` file's
extension (``.yaml``/``.yml`` give YAML), and is JSON otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from services_api.endpoints.portable import dump, export_endpoint
from services_api.models import Endpoint


class Command(BaseCommand):
    help = "Export an endpoint and its resources as JSON or YAML (read by services_import)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="Machine name of the endpoint.")
        parser.add_argument(
            "--format",
            choices=["json", "yaml"],
            help="Output format (default: from the --output extension, else json).",
        )
        parser.add_argument("--output", "-o", help="Write to this file instead of printing.")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        output = Path(options["output"]) if options["output"] else None
        fmt = options["format"]
        if fmt is None:
            suffix = output.suffix.lower() if output else ""
            fmt = "yaml" if suffix in (".yaml", ".yml") else "json"
        endpoint = Endpoint.objects.filter(name=name).first()
        if endpoint is None:
            names = sorted(Endpoint.objects.values_list("name", flat=True))
            existing = (
                f"Existing endpoints: {', '.join(names)}." if names else "There are no endpoints."
            )
            raise CommandError(f"No endpoint named {name!r}. {existing}")
        text = dump(export_endpoint(endpoint), fmt)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{output}: cannot be written ({exc}).") from None
        self.stdout.write(f"Exported endpoint {name!r} to {output}.")
