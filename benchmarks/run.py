#!/usr/bin/env python
"""Benchmarks, one command: ``.venv/bin/python benchmarks/run.py [--rounds N] [--requests N]``.

Each suite measures the product against baselines *in the same run*, in interleaved rounds, and
prints a table of medians and ratios. Timings go through Django's full WSGI handler in-process
(middleware, URL resolution, DRF), so the ratio is the cost of what we add.

Suites:
* ``dispatch``: ``GET /bench/ping/1.json`` through a Services endpoint against a plain DRF
  ``APIView`` returning the same payload (target: ratio <= 1.10), with the endpoint
  configuration in each kind of cache (the per-request version check is the difference).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(db_path: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from services_api.models import Endpoint, EndpointResource

    endpoint, _ = Endpoint.objects.get_or_create(
        name="bench", path="bench", defaults={"authentication": ["session", "basic"]}
    )
    EndpointResource.objects.get_or_create(
        endpoint=endpoint, resource="ping", defaults={"operations": ["retrieve"]}
    )


def make_environ(path: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }


def time_requests(handler, path: str, count: int) -> float:
    """Median-friendly: mean microseconds per request over ``count`` requests."""

    def start_response(status, headers, exc_info=None):
        if not status.startswith("200"):
            raise RuntimeError(f"{path} answered {status}")

    start = time.perf_counter()
    for _ in range(count):
        body = handler(make_environ(path), start_response)
        b"".join(body)
        if hasattr(body, "close"):
            body.close()
    return (time.perf_counter() - start) / count * 1e6


DISPATCH_CASES = {
    # name: (path, configuration cache alias, CONFIG_CHECK_INTERVAL)
    "plain DRF view": ("/plain/1", "default", 0.0),
    "endpoint, locmem cache": ("/bench/ping/1.json", "default", 0.0),
    "endpoint, file cache": ("/bench/ping/1.json", "file", 0.0),
    "endpoint, redis cache": ("/bench/ping/1.json", "redis", 0.0),
    "endpoint, redis, 1s check": ("/bench/ping/1.json", "redis", 1.0),
}


def dispatch_suite(rounds: int, requests: int) -> list[tuple[str, float, float]]:
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings

    from services_api.config import forget_local_snapshot

    handler = WSGIHandler()

    def run(case: str, count: int) -> float:
        path, alias, interval = DISPATCH_CASES[case]
        config = {"CONFIG_CACHE_ALIAS": alias, "CONFIG_CHECK_INTERVAL": interval}
        with override_settings(SERVICES_API=config):
            forget_local_snapshot()
            time_requests(handler, path, 20)  # warm: snapshot built and cached
            return time_requests(handler, path, count)

    samples: dict[str, list[float]] = {name: [] for name in DISPATCH_CASES}
    for _ in range(rounds):
        for name in DISPATCH_CASES:
            samples[name].append(run(name, requests))
    baseline = statistics.median(samples["plain DRF view"])
    return [
        (name, statistics.median(values), statistics.median(values) / baseline)
        for name, values in samples.items()
    ]


def print_table(title: str, rows: list[tuple[str, float, float]], target: str) -> None:
    print(f"\n{title}  (target: {target})")
    print(f"{'case':<30}{'median us/req':>16}{'ratio':>10}")
    for name, value, ratio in rows:
        print(f"{name:<30}{value:>16.1f}{ratio:>10.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        rows = dispatch_suite(args.rounds, args.requests)
        print_table(
            "dispatch overhead: endpoint vs plain DRF view",
            rows,
            "ratio <= 1.10",
        )


if __name__ == "__main__":
    main()
