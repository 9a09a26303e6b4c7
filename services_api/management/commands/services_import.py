"""``manage.py services_import FILE [--dry-run]``: create or update endpoints from a file.

FILE is one of:

- JSON or YAML written by ``services_export`` (one endpoint object, or a list of them);
- a Drupal 7 Services endpoint export (the PHP text of the ctools Export page or a Features
  ``*.services.inc`` file), which is parsed, never executed. What cannot be carried over
  (settings, formatters, authentication modules and resources that do not exist here) is
  listed as ``Ignored: ...`` lines.

The format follows the extension (``.json``, ``.yaml``/``.yml``, ``.php``/``.inc``), or the
content for any other name. Endpoints are matched by name: an existing one is updated and its
resources are replaced by the imported ones. Everything is validated first and written in one
transaction, so any problem aborts the whole import and nothing changes. ``--dry-run`` does
the same checks and reports what would be imported without writing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from services_api.endpoints.portable import EndpointImportError, parse_configs, run_import
from services_api.management.progress import Progress


def read_configs(path: Path) -> tuple[list[Any], list[list[str]], bool]:
    """``(configs, notes per config, is_drupal)`` from a file; ``CommandError`` if unreadable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: cannot be read as UTF-8 text ({exc}).") from None
    try:
        return parse_configs(text, path.suffix)
    except EndpointImportError as exc:
        raise CommandError(f"{path}: {exc}") from None


class Command(BaseCommand):
    help = (
        "Create or update endpoints from a services_export JSON/YAML file or a Drupal 7 "
        "Services endpoint export (PHP)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON, YAML or Drupal PHP export file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        dry_run = options["dry_run"]
        configs, parse_notes, drupal = read_configs(path)
        progress = Progress(self.stdout, verbosity=options["verbosity"])
        try:
            with progress.stage("endpoints", total=len(configs)) as stage:
                results = run_import(configs, skip_unknown_resources=drupal, dry_run=dry_run)
                stage.advance(len(configs))
        except EndpointImportError as exc:
            raise CommandError(f"{path}: {exc}") from None
        multiple = len(results) > 1
        for result, notes in zip(results, parse_notes, strict=True):
            prefix = f"endpoint {result.endpoint.name!r}: " if multiple else ""
            for note in [*notes, *result.notes]:
                self.stdout.write(f"Ignored: {prefix}{note}")
        verb = "Would import" if dry_run else "Imported"
        for result in results:
            endpoint = result.endpoint
            count = len(result.rows)
            self.stdout.write(
                f"{verb} endpoint {endpoint.name!r} (path {endpoint.path!r}, "
                f"{count} resource{'' if count == 1 else 's'})."
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
