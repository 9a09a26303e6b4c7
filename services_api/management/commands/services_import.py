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

import json
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from services_api.endpoints.drupal_export import (
    DrupalExportError,
    load_drupal_export,
    looks_like_drupal_export,
)
from services_api.endpoints.portable import EndpointImportError, run_import
from services_api.management.progress import Progress


def _type_name(value: Any) -> str:
    return {str: "a string", int: "a number", float: "a number", bool: "a boolean"}.get(
        type(value), "empty" if value is None else type(value).__name__
    )


def read_configs(path: Path) -> tuple[list[Any], list[list[str]], bool]:
    """``(configs, notes per config, is_drupal)`` from a file; ``CommandError`` if unreadable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: cannot be read as UTF-8 text ({exc}).") from None
    suffix = path.suffix.lower()
    if suffix in (".php", ".inc") or (
        suffix not in (".json", ".yaml", ".yml") and looks_like_drupal_export(text)
    ):
        try:
            endpoints = load_drupal_export(text)
        except DrupalExportError as exc:
            raise CommandError(f"{path}: not a usable Drupal endpoint export: {exc}") from None
        return [config for config, _ in endpoints], [notes for _, notes in endpoints], True
    if suffix == ".json" or (suffix not in (".yaml", ".yml") and text.lstrip()[:1] in "[{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path}: not valid JSON ({exc}).") from None
    else:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            detail = " ".join(str(exc).split())
            raise CommandError(f"{path}: not valid YAML ({detail}).") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise CommandError(
            f"{path}: expected an endpoint (a mapping) or a list of endpoints, "
            f"not {_type_name(data)}."
        )
    if not data:
        raise CommandError(f"{path}: the list of endpoints is empty.")
    return data, [[] for _ in data], False


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
