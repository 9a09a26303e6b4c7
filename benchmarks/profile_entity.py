#!/usr/bin/env python
"""Where an entity request's time goes, in-process: ``benchmarks/profile_entity.py``.

Serves the entity suite's URLs (product, raw ``values_list()`` baseline, tuned DRF baseline)
through Django's full WSGI handler in this process, on a database seeded with
``seed_demo --articles N`` (a temporary SQLite file unless ``--database-url``), and prints:

* per case, in interleaved rounds: median microseconds per request, the part spent executing
  SQL (a connection ``execute_wrapper``), queries per request, and the rest (Python);
* a ``cProfile`` of the product's index and retrieve (functions by own time).

No network and no concurrency, so it is steadier than the HTTP suite on a shared machine; the
HTTP suite (``run.py --suite entity``) remains the number the targets are judged on.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class SqlTimer:
    """``execute_wrapper`` adding up the time and number of the queries it sees."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.queries += 1


def environ(path: str) -> dict:
    path, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT": "*/*",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }


def serve(handler, path: str, count: int) -> None:
    def start_response(status, headers, exc_info=None):
        if not status.startswith("200"):
            raise RuntimeError(f"{path} answered {status}")

    for _ in range(count):
        body = handler(environ(path), start_response)
        b"".join(body)
        if hasattr(body, "close"):
            body.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--database-url")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=100, help="per case and round")
    parser.add_argument("--top", type=int, default=22, help="profile lines to print")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'profile.sqlite3'}"
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="benchmarks.settings",
            DATABASE_URL=url,
            DEMO_ADMIN_PASSWORD="profile-admin",
        )
        for command in (["migrate", "-v0"], ["seed_demo", "--articles", str(args.articles)]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                timeout=300,
            )
        os.environ.update(env)
        import django

        django.setup()
        from django.core.handlers.wsgi import WSGIHandler
        from django.db import connection

        from project.demo.models import Article

        handler = WSGIHandler()
        pk = (
            Article.objects.filter(status=True)
            .order_by("-sticky", "-created", "id")
            .values_list("pk", flat=True)[50]
        )
        cases = {
            "index: product": "/api/entity_article.json?pagesize=100",
            "index: raw values()": "/baseline/raw/articles?pagesize=100",
            "index: tuned DRF": "/baseline/drf/articles?pagesize=100",
            "retrieve: product": f"/api/entity_article/{pk}.json",
            "retrieve: raw values()": f"/baseline/raw/articles/{pk}",
            "retrieve: tuned DRF": f"/baseline/drf/articles/{pk}",
        }
        for path in cases.values():
            serve(handler, path, 5)
        total: dict[str, list[float]] = {name: [] for name in cases}
        sql: dict[str, list[float]] = {name: [] for name in cases}
        queries: dict[str, int] = {}
        for _ in range(args.rounds):
            for name, path in cases.items():
                timer = SqlTimer()
                with connection.execute_wrapper(timer):
                    start = time.perf_counter()
                    serve(handler, path, args.requests)
                    elapsed = time.perf_counter() - start
                total[name].append(elapsed / args.requests * 1e6)
                sql[name].append(timer.seconds / args.requests * 1e6)
                queries[name] = timer.queries // args.requests
        print(f"\nin-process, {args.rounds} rounds x {args.requests} requests, {connection.vendor}")
        print(f"{'case':<24}{'us/req':>9}{'vs raw':>8}{'SQL us':>9}{'queries':>9}{'other us':>10}")
        for name in cases:
            op = name.split(":")[0]
            t, s = statistics.median(total[name]), statistics.median(sql[name])
            ratio = statistics.median(total[f"{op}: raw values()"]) / t
            print(f"{name:<24}{t:>9.0f}{ratio:>7.2f}x{s:>9.0f}{queries[name]:>9}{t - s:>10.0f}")
        for name in ("index: product", "retrieve: product"):
            profiler = cProfile.Profile()
            profiler.enable()
            serve(handler, cases[name], args.requests)
            profiler.disable()
            out = io.StringIO()
            order = os.environ.get("PROFILE_SORT", "tottime")
            stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order)
            stats.print_stats(args.top)
            print(f"\ncProfile of {args.requests} x {name} (by own time):")
            print(out.getvalue().split("\n", 4)[-1].rstrip())


if __name__ == "__main__":
    main()
