"""Endpoint configuration as plain data: export to a dict, import (create or update) from dicts.

The dict format (``"format": "django-services-api/1"``) is what ``manage.py services_export``
writes as JSON or YAML and ``manage.py services_import`` reads back::

    {
        "format": "django-services-api/1",
        "name": "api", "path": "api", "enabled": true,
        "authentication": ["session"], "formatters": ["json", "xml"], "parsers": [...],
        "default_format": "json", "response_style": "services", "error_style": "drupal",
        "page_size": 20, "max_page_size": 100, "count_mode": "exact",
        "plain_query_filters": false, "allow_registration": true, "debug": false,
        "resources": {
            "node": {"alias": "content", "operations": ["retrieve", "index"], "actions": [],
                     "targeted_actions": [], "relationships": ["files"]},
            "user": {"alias": null, "actions": ["login", "logout"], ...,
                     "api_versions": {"login": "1.1"}}
        }
    }

``api_versions`` (Drupal's per-method ``resource_api_version``) is written only when set.
Exports are deterministic: keys in the order above, resources sorted by name, operations in
CRUD order (retrieve, create, update, delete, index) and the other lists sorted. The
authentication, formatter and parser lists keep their stored order (the first enabled formatter
is the fallback format).

On import only ``name`` and ``path`` are required; a missing key takes the model default (also
when the endpoint already exists: an import describes the whole endpoint), so the normalized
dicts of :func:`services_api.endpoints.drupal_export.load_drupal_export` are accepted as
they are. When
``default_format`` is missing and the default (``json``) is not among the formatters, the first
formatter becomes the default format (what requests fall back to anyway).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from services_api.constants import (
    OPERATIONS,
    auth_method_choices,
    formatter_choices,
    parser_choices,
)
from services_api.endpoints.drupal_export import (
    DrupalExportError,
    load_drupal_export,
    looks_like_drupal_export,
)
from services_api.models import Endpoint, EndpointResource, api_version_problems
from services_api.resources import KIND_KEYS, registry

__all__ = [
    "ENDPOINT_FIELDS",
    "FORMAT",
    "RESOURCE_KINDS",
    "EndpointImportError",
    "ImportResult",
    "dump",
    "export_endpoint",
    "parse_configs",
    "import_endpoints",
    "run_import",
]

#: Value of the ``"format"`` marker key of exports.
FORMAT = "django-services-api/1"

#: Endpoint fields in export order, with the Python type each value must have.
ENDPOINT_FIELDS: dict[str, type] = {
    "name": str,
    "path": str,
    "enabled": bool,
    "authentication": list,
    "formatters": list,
    "parsers": list,
    "default_format": str,
    "response_style": str,
    "error_style": str,
    "page_size": int,
    "max_page_size": int,
    "count_mode": str,
    "plain_query_filters": bool,
    "allow_registration": bool,
    "debug": bool,
    "throttle_rates": dict,
}
REQUIRED_FIELDS = ("name", "path")

#: Per-resource list keys and the controller kind (``Resource.controllers`` key) of each.
RESOURCE_KINDS: dict[str, str] = {key: kind for kind, key in KIND_KEYS.items()}
RESOURCE_KEYS = ("alias", *RESOURCE_KINDS, "throttle_rates", "api_versions")

_LIST_CHOICES = {
    "authentication": auth_method_choices,
    "formatters": formatter_choices,
    "parsers": parser_choices,
}
_TYPE_NAMES = {
    str: "a string",
    bool: "true or false",
    int: "an integer",
    list: "a list",
    dict: "a mapping",
}


class EndpointImportError(ValueError):
    """The configuration cannot be imported; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        if len(self.errors) == 1:
            message = self.errors[0]
        else:
            message = f"{len(self.errors)} problems:\n" + "\n".join(f"- {e}" for e in self.errors)
        super().__init__(message)


# --------------------------------------------------------------------------- export


def _sorted_controllers(key: str, names: Iterable[str]) -> list[str]:
    names = sorted({str(n) for n in names or ()})
    if key == "operations":
        rank = {op: i for i, op in enumerate(OPERATIONS)}
        names.sort(key=lambda n: (rank.get(n, len(rank)), n))
    return names


def export_endpoint(
    endpoint: Endpoint, rows: Iterable[EndpointResource] | None = None
) -> dict[str, Any]:
    """The endpoint and its resource rows as plain, JSON/YAML-safe data (deterministic).

    ``rows`` replaces the saved resource rows (an import's dry run has unsaved ones)."""
    data: dict[str, Any] = {"format": FORMAT}
    for name, kind in ENDPOINT_FIELDS.items():
        value = getattr(endpoint, name)
        if kind is dict:
            if value:  # optional keys are written only when set
                data[name] = dict(sorted(value.items()))
            continue
        data[name] = list(value or ()) if kind is list else value
    resources: dict[str, dict[str, Any]] = {}
    rows = endpoint.resources.all() if rows is None else rows
    for row in sorted(rows, key=lambda r: r.resource):
        resources[row.resource] = {
            "alias": row.alias or None,
            **{key: _sorted_controllers(key, getattr(row, key)) for key in RESOURCE_KINDS},
        }
        if row.throttle_rates:
            resources[row.resource]["throttle_rates"] = dict(sorted(row.throttle_rates.items()))
        if row.api_versions:
            resources[row.resource]["api_versions"] = dict(sorted(row.api_versions.items()))
    data["resources"] = resources
    return data


def dump(data: Any, fmt: str) -> str:
    """Deterministic JSON (indent 2) or YAML text, ending with a newline."""
    if fmt == "yaml":
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- import


def _type_name(value: Any) -> str:
    return {str: "a string", int: "a number", float: "a number", bool: "a boolean"}.get(
        type(value), "empty" if value is None else type(value).__name__
    )


def parse_configs(text: str, suffix: str = "") -> tuple[list[Any], list[list[str]], bool]:
    """``(configs, notes per config, is_drupal)`` from the text of an export file.

    ``suffix`` (the file name's extension) picks the format: ``.json``, ``.yaml``/``.yml``,
    ``.php``/``.inc`` (a Drupal export); any other is guessed from the content. Unreadable
    text raises :class:`EndpointImportError`.
    """
    suffix = suffix.lower()
    if suffix in (".php", ".inc") or (
        suffix not in (".json", ".yaml", ".yml") and looks_like_drupal_export(text)
    ):
        try:
            endpoints = load_drupal_export(text)
        except DrupalExportError as exc:
            raise EndpointImportError([f"not a usable Drupal endpoint export: {exc}"]) from None
        return [config for config, _ in endpoints], [notes for _, notes in endpoints], True
    if suffix == ".json" or (suffix not in (".yaml", ".yml") and text.lstrip()[:1] in "[{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise EndpointImportError([f"not valid JSON ({exc})."]) from None
    else:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            detail = " ".join(str(exc).split())
            raise EndpointImportError([f"not valid YAML ({detail})."]) from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise EndpointImportError(
            [f"expected an endpoint (a mapping) or a list of endpoints, not {_type_name(data)}."]
        )
    if not data:
        raise EndpointImportError(["the list of endpoints is empty."])
    return data, [[] for _ in data], False


@dataclass
class ImportResult:
    """One imported endpoint: the saved ``endpoint``, its new resource ``rows``, whether it was
    ``created`` (rather than updated) and the ``notes`` on what was skipped."""

    endpoint: Endpoint
    rows: list[EndpointResource] = field(default_factory=list)
    created: bool = True
    notes: list[str] = field(default_factory=list)


def _quote_all(names: Iterable[Any]) -> str:
    return ", ".join(repr(n) for n in names)


def _check_type(value: Any, kind: type, what: str, errors: list[str]) -> bool:
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if not ok:
        errors.append(f"{what} must be {_TYPE_NAMES[kind]}, not {value!r}")
    return ok


def _check_names(value: Any, what: str, errors: list[str]) -> bool:
    """A list of distinct strings."""
    if not _check_type(value, list, what, errors):
        return False
    bad = [item for item in value if not isinstance(item, str)]
    if bad:
        errors.append(f"{what} must list strings, not {_quote_all(bad)}")
        return False
    duplicates = sorted({item for item in value if value.count(item) > 1})
    if duplicates:
        errors.append(f"{what} lists {_quote_all(duplicates)} more than once")
        return False
    return True


def _validation_messages(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    out = []
    for name, field_errors in exc.message_dict.items():
        for message in field_errors:
            out.append(message if name == "__all__" else f"{name}: {message}")
    return out


def _prepare_resources(
    raw: Any, where: str, errors: list[str], notes: list[str], skip_unknown: bool
) -> list[EndpointResource]:
    if raw is None:
        return []
    if not isinstance(raw, dict):
        errors.append(f"{where}: resources must be a mapping of resource names, not {raw!r}")
        return []
    rows: list[EndpointResource] = []
    public_names: dict[str, str] = {}
    for name, conf in raw.items():
        what = f"{where}: resource {name!r}"
        if not isinstance(name, str):
            errors.append(f"{what}: resource names must be strings")
            continue
        if conf is None:
            conf = {}
        if not isinstance(conf, dict):
            errors.append(f"{what} must be a mapping, not {conf!r}")
            continue
        unknown = [key for key in conf if key not in RESOURCE_KEYS]
        if unknown:
            errors.append(
                f"{what}: unknown key(s) {_quote_all(unknown)} "
                f"(expected {', '.join(RESOURCE_KEYS)})"
            )
            continue
        resource = registry.get(name)
        if resource is None:
            if skip_unknown:
                notes.append(f"resource {name!r} is not available here; skipped")
            else:
                known = ", ".join(registry.names()) or "none"
                errors.append(f"{what} is not registered (registered resources: {known})")
            continue
        alias = conf.get("alias")
        if alias is not None and not _check_type(alias, str, f"{what}: alias", errors):
            continue
        values: dict[str, list[str]] = {}
        for key, kind in RESOURCE_KINDS.items():
            enabled = conf.get(key)
            enabled = [] if enabled is None else enabled
            if not _check_names(enabled, f"{what}: {key}", errors):
                continue
            label = kind.replace("_", " ")
            missing = [op for op in enabled if op not in resource.controllers[kind]]
            for op in missing:
                if skip_unknown:
                    # A Drupal export may enable controllers ours does not declare
                    # (node/attach_file): drop them, say so, import the rest.
                    notes.append(f"resource {name!r} has no {label} {op!r}; skipped")
                else:
                    errors.append(f"{where}: resource {name!r} has no {label} {op!r}")
            enabled = [op for op in enabled if op not in missing] if skip_unknown else enabled
            values[key] = _sorted_controllers(key, enabled)
        if len(values) != len(RESOURCE_KINDS):
            continue
        rates = conf.get("throttle_rates") or {}
        if not _check_type(rates, dict, f"{what}: throttle_rates", errors):
            continue
        api_versions = conf.get("api_versions") or {}
        problems = api_version_problems(name, api_versions)
        if problems:
            errors.extend(f"{what}: api_versions: {problem}" for problem in problems)
            continue
        row = EndpointResource(
            resource=name,
            alias=alias or "",
            throttle_rates=rates,
            api_versions=dict(api_versions),
            **values,
        )
        try:
            row.full_clean(exclude=["endpoint"])
        except ValidationError as exc:
            errors.extend(f"{what}: {message}" for message in _validation_messages(exc))
            continue
        public = row.public_name
        if public in public_names:
            errors.append(
                f"{what}: the public name {public!r} is already used by resource "
                f"{public_names[public]!r}"
            )
            continue
        public_names[public] = name
        rows.append(row)
    return rows


def _prepare(config: Any, index: int, errors: list[str], skip_unknown: bool) -> ImportResult | None:
    where = f"endpoint #{index}"
    if not isinstance(config, dict):
        errors.append(f"{where}: expected a mapping of endpoint settings, not {config!r}")
        return None
    if isinstance(config.get("name"), str) and config["name"]:
        where = f"endpoint {config['name']!r}"
    start = len(errors)
    notes: list[str] = []
    allowed = ("format", *ENDPOINT_FIELDS, "resources")
    unknown = [key for key in config if key not in allowed]
    if unknown:
        errors.append(
            f"{where}: unknown key(s) {_quote_all(unknown)} (expected {', '.join(allowed)})"
        )
    if "format" in config and config["format"] != FORMAT:
        errors.append(
            f"{where}: format {config['format']!r} is not supported (expected {FORMAT!r})"
        )
    for key in REQUIRED_FIELDS:
        if key not in config:
            errors.append(f"{where}: missing key {key!r}")
    values: dict[str, Any] = {}
    for key, kind in ENDPOINT_FIELDS.items():
        if key not in config:
            continue
        value = config[key]
        if kind is list:
            if not _check_names(value, f"{where}: {key}", errors):
                continue
            choices = [name for name, _ in _LIST_CHOICES[key]()]
            unknown_values = [item for item in value if item not in choices]
            if unknown_values:
                errors.append(
                    f"{where}: unknown {key} {_quote_all(unknown_values)} "
                    f"(available: {', '.join(choices)})"
                )
                continue
            values[key] = list(value)
        elif _check_type(value, kind, f"{where}: {key}", errors):
            values[key] = value
    rows = _prepare_resources(config.get("resources"), where, errors, notes, skip_unknown)
    if "name" not in values:
        return None
    # The endpoint's own validation runs even when a resource failed, so one import reports
    # every problem at once.
    endpoint = Endpoint(**values)
    if "default_format" not in values and endpoint.formatters:
        if endpoint.default_format not in endpoint.formatters:
            # Drupal has no default format: fall back to the first enabled one, as requests do.
            endpoint.default_format = endpoint.formatters[0]
    existing = Endpoint.objects.filter(name=values["name"]).values_list("pk", flat=True).first()
    if existing is not None:
        endpoint.pk = existing
        endpoint._state.adding = False
    try:
        endpoint.full_clean()
    except ValidationError as exc:
        errors.extend(f"{where}: {message}" for message in _validation_messages(exc))
    if len(errors) > start:
        return None
    return ImportResult(endpoint=endpoint, rows=rows, created=existing is None, notes=notes)


def _check_batch(prepared: list[ImportResult], errors: list[str]) -> None:
    """Names and paths must also be distinct, and paths not nested, within one import."""
    seen_names: set[str] = set()
    for item in prepared:
        name = item.endpoint.name
        if name in seen_names:
            errors.append(f"endpoint {name!r} appears more than once")
        seen_names.add(name)
    for i, first in enumerate(prepared):
        for second in prepared[i + 1 :]:
            a, b = first.endpoint.path, second.endpoint.path
            if first.endpoint.name == second.endpoint.name:
                continue
            if a == b or (a and b and (a.startswith(b + "/") or b.startswith(a + "/"))):
                errors.append(
                    f"endpoints {first.endpoint.name!r} and {second.endpoint.name!r}: the paths "
                    f"{a!r} and {b!r} overlap"
                )


def run_import(
    configs: list[dict[str, Any]],
    *,
    skip_unknown_resources: bool = False,
    dry_run: bool = False,
) -> list[ImportResult]:
    """Validate then write ``configs``; :func:`import_endpoints` with a result per endpoint."""
    if not isinstance(configs, list):
        raise EndpointImportError([f"expected a list of endpoint configs, not {configs!r}"])
    if not configs:
        raise EndpointImportError(["no endpoint to import"])
    errors: list[str] = []
    results = []
    for index, config in enumerate(configs, start=1):
        result = _prepare(config, index, errors, skip_unknown_resources)
        if result is not None:
            results.append(result)
    _check_batch(results, errors)
    if errors:
        raise EndpointImportError(errors)

    try:
        with transaction.atomic():
            for result in results:
                result.endpoint.save()
                result.endpoint.resources.all().delete()
                for row in result.rows:
                    row.endpoint = result.endpoint
                    row.save()
            if dry_run:
                transaction.set_rollback(True)
    except DatabaseError as exc:
        raise EndpointImportError([f"the database refused the import: {exc}"]) from exc
    if dry_run:  # nothing was kept: forget the ids the rolled-back inserts got
        for result in results:
            for obj in [*result.rows, *([result.endpoint] if result.created else [])]:
                obj.pk = None
                obj._state.adding = True
    return results


def import_endpoints(
    configs: list[dict[str, Any]],
    *,
    skip_unknown_resources: bool = False,
    dry_run: bool = False,
) -> tuple[list[Endpoint], list[str]]:
    """Create or update (by ``name``) each endpoint and replace its resource rows.

    Every config is validated before anything is written: unknown keys, value types, the
    model's own validation (``full_clean``), formatter/parser/authentication names, resource
    names (they must be registered) and enabled operations/actions/... (the resource must
    declare them). Any problem raises :class:`EndpointImportError` listing all of them, and
    nothing is written; the writes themselves happen in one transaction.

    ``skip_unknown_resources`` (used for Drupal exports) skips resources that are not
    registered here and reports them as notes instead of failing. ``dry_run`` runs the whole
    import, writes included, in a transaction that is rolled back.

    Returns the endpoints (saved, unless ``dry_run``) and the notes, each prefixed with its
    endpoint: ``"endpoint 'api': resource 'views' is not available here; skipped"``.
    """
    results = run_import(configs, skip_unknown_resources=skip_unknown_resources, dry_run=dry_run)
    notes = [f"endpoint {r.endpoint.name!r}: {note}" for r in results for note in r.notes]
    return [r.endpoint for r in results], notes
