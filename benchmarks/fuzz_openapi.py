#!/usr/bin/env python
"""Schemathesis against every enabled endpoint's own OpenAPI document.

``.venv/bin/python benchmarks/fuzz_openapi.py [--cases 2000]`` migrates a temporary SQLite
database, seeds the demo (``seed_demo``), then for every endpoint fetches
``<endpoint>/openapi.json`` and lets schemathesis generate requests for every operation (spread
evenly so the total is about ``--cases``), sent through Django's WSGI handler: anonymous, then
as the demo admin with HTTP Basic on the endpoints that take it (so creates, updates and
deletes succeed), then the public DRF viewsets' schema (``/rest/schema/``) both ways. Every
other case of an item operation names a stored id. Each response is checked: no 5xx, a documented
status, a documented content type, a body matching the schema. Prints cases, failures and
successful writes per run and exits 1 on any failure.

``fuzz`` is also what ``tests/test_openapi_fuzz.py`` runs, with a small budget.
"""

from __future__ import annotations

import argparse
import base64
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: The public DRF viewsets' schema in the demo (``project/urls.py``).
REST_SCHEMA_URL = "/rest/schema/?format=json"


@dataclass
class FuzzReport:
    endpoint: str
    operations: int = 0
    cases: int = 0
    failures: list[str] = field(default_factory=list)
    #: ``"POST 201"`` -> how many answers: shows which writes really happened.
    statuses: Counter = field(default_factory=Counter)


def _checks() -> list[Any]:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]


def basic_auth(username: str, password: str) -> dict[str, str]:
    """The ``Authorization`` header of HTTP Basic credentials."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def stored_ids(models_by_name: dict[str, Any]) -> Callable[[str], list[Any]]:
    """``ids(resource name)``: a few primary keys stored now (for ``fuzz``'s ``ids``)."""

    def ids(resource: str) -> list[Any]:
        model = models_by_name.get(resource)
        if model is None:
            return []
        return list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:20])

    return ids


def endpoint_models(endpoint: Any) -> dict[str, Any]:
    """``{public resource name: model}`` of an endpoint's resources built on a registration."""
    from services_api.resources import registry

    out = {}
    for public, config in endpoint.resources.items():
        options = getattr(registry.get(config.resource), "options", None)
        if options is not None:
            out[public] = options.model
    return out


def viewset_models() -> dict[str, Any]:
    """``{resource name: model}`` of the public DRF viewsets (``/rest/``)."""
    from entity_resources import site

    return {options.resource_name: options.model for options in site}


def _with_stored_id(case: Any, index: int, ids: Callable[[str], list[Any]]) -> Any:
    """Every other case (even ``index``, counted over the run) of an operation on one item
    names a stored one (random ids almost never do), so that retrieve, update and delete
    really run; the others keep the generated id. The resource is the path's last segment
    before its first parameter."""
    path = case.operation.path
    if index % 2 or "{" not in path:
        return case
    resource = path.split("{", 1)[0].strip("/").split("/")[-1]
    first = path.split("{", 1)[1].split("}", 1)[0]
    values = ids(resource)
    if values and first != "format" and first in (case.path_parameters or {}):
        case.path_parameters[first] = values[(index // 2) % len(values)]
    return case


def fuzz(
    app: Any,
    schema_url: str,
    name: str,
    *,
    per_operation: int,
    seed: int = 0,
    headers: dict[str, str] | None = None,
    ids: Callable[[str], list[Any]] | None = None,
) -> FuzzReport:
    """Generate ``per_operation`` cases for every operation of the schema at ``schema_url``
    (served by the WSGI ``app``), send them to ``app`` (with ``headers``: e.g. HTTP Basic
    credentials, so that writes succeed) and collect every failed check. ``ids(resource)``
    lists stored ids: then every other case of an item operation uses one of them."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed

    schema = schemathesis.openapi.from_wsgi(schema_url, app)
    report = FuzzReport(name)
    checks = _checks()
    seen: set[str] = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        report.operations += 1

        @hseed(seed)
        @settings(
            max_examples=per_operation,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            if ids is not None:  # every operation gets at least one
                case = _with_stored_id(case, report.cases, ids)
            report.cases += 1
            try:
                response = case.call(headers=headers)
                report.statuses[f"{case.method} {response.status_code}"] += 1
                case.validate_response(response, checks=checks)
            # A failed check (several at once: schemathesis' FailureGroup, a BaseExceptionGroup):
            # record it, keep fuzzing.
            except (Exception, BaseExceptionGroup) as exc:
                text = f"{case.method} {case.formatted_path} {case.query or ''}: " + (
                    str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
                )
                if isinstance(exc, BaseExceptionGroup):
                    text += " (" + "; ".join(type(e).__name__ for e in exc.exceptions) + ")"
                if text not in seen:
                    seen.add(text)
                    report.failures.append(text)

        run()
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000, help="total cases (approximate)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, root)
    tmp = tempfile.mkdtemp(prefix="fuzz_openapi_")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/db.sqlite3"
    os.environ.setdefault("CACHE_URL", "locmem")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "fuzz-secret-key-0123456789-0123456789-not-for-production")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    os.environ.setdefault("DEMO_ADMIN_PASSWORD", "fuzz-admin-password")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    logging.disable(logging.WARNING)  # every 4xx is logged by django.request
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    from services_api.endpoints.snapshot import get_snapshot
    from services_api.openapi.views import endpoint_url

    admin = basic_auth(
        os.environ.get("DEMO_ADMIN_USERNAME", "admin"), os.environ["DEMO_ADMIN_PASSWORD"]
    )
    app = get_wsgi_application()
    # (label, schema URL, headers, stored ids): every endpoint anonymous, then as the admin
    # with HTTP Basic where the endpoint takes it (writes succeed), then the DRF viewsets.
    runs: list[tuple[str, str, dict[str, str] | None, Callable[[str], list[Any]]]] = []
    endpoints = get_snapshot().endpoints
    for endpoint in endpoints:
        url = f"{endpoint_url(endpoint)}/openapi.json"
        runs.append((endpoint.name, url, None, stored_ids(endpoint_models(endpoint))))
    for endpoint in endpoints:
        if "basic" in endpoint.authentication:
            url = f"{endpoint_url(endpoint)}/openapi.json"
            ids = stored_ids(endpoint_models(endpoint))
            runs.append((f"{endpoint.name} (admin)", url, admin, ids))
    rest_ids = stored_ids(viewset_models())
    runs.append(("rest", REST_SCHEMA_URL, None, rest_ids))
    runs.append(("rest (admin)", REST_SCHEMA_URL, admin, rest_ids))
    client = Client()
    operations = sum(len(_operations(client.get(url).json())) for _, url, _, _ in runs)
    per_operation = max(1, -(-args.cases // max(operations, 1)))
    total_cases = total_failures = 0
    started = time.monotonic()
    for label, url, headers, ids in runs:
        report = fuzz(
            app, url, label, per_operation=per_operation, seed=args.seed, headers=headers, ids=ids
        )
        total_cases += report.cases
        total_failures += len(report.failures)
        writes = sum(
            count
            for key, count in report.statuses.items()
            if key.split()[0] in ("POST", "PUT", "PATCH", "DELETE") and key.split()[1] < "300"
        )
        print(
            f"{report.endpoint:>22}: {report.operations:4d} operations {report.cases:6d} cases "
            f"{len(report.failures):4d} failures {writes:5d} 2xx POST/PUT/PATCH/DELETE"
        )
        for failure in report.failures[:20]:
            print(f"    {failure}")
    print(
        f"total: {total_cases} cases, {total_failures} failures "
        f"({time.monotonic() - started:.0f} s)"
    )
    return 1 if total_failures else 0


def _operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(path, method) for path, item in document["paths"].items() for method in item]


if __name__ == "__main__":
    sys.exit(main())
