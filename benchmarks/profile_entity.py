#!/usr/bin/env python
"""Where an entity request's time goes, in-process: ``benchmarks/profile_entity.py``.

Serves the entity suite's URLs (product, raw ``values_list()`` baseline, tuned DRF baseline)
through Django's full WSGI handler in this process, on a database seeded with
``seed_demo --articles N`` (a temporary SQLite file unless ``--database-url``), and prints:

* per case, in interleaved rounds: median microseconds per request, the part spent executing
  SQL (a connection ``execute_wrapper``), queries per request, and the rest (Python);
* the split of each request (``--split``, timers around the functions that do each part):
  **query** (evaluating querysets and compiled queries: SQL compilation, execution, fetching,
  Django's converters), **rows** (the processors' row builders), **encoding** (JSON: the
  product's ``encode_json``, whose bytes are hashed for the ETag and sent, the raw views'
  ``orjson.dumps``) and **framework** (everything else: WSGI,
  middleware, dispatch, argument binding, access checks, queryset building, ETag);
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

#: ``--clock cpu`` (default): this process's CPU time, which other jobs on a shared machine
#: barely disturb (on SQLite the queries run in-process, so they are counted; PostgreSQL's own
#: work is not). ``--clock wall``: elapsed time.
clock = time.process_time


class SqlTimer:
    """``execute_wrapper`` adding up the time and number of the queries it sees."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        start = clock()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += clock() - start
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


class Split:
    """Timers wrapped around the functions that do each part of a request (``--split``)."""

    PARTS = ("query", "rows", "encoding")

    def __init__(self) -> None:
        self.seconds = dict.fromkeys(self.PARTS, 0.0)
        self.depth = 0

    def timed(self, part: str, function):
        split = self

        def wrapper(*args, **kwargs):
            if split.depth:  # nested (a row builder calling a query): count the outer only
                return function(*args, **kwargs)
            split.depth += 1
            start = clock()
            try:
                return function(*args, **kwargs)
            finally:
                split.seconds[part] += clock() - start
                split.depth -= 1

        return wrapper

    def install(self) -> None:
        import orjson
        from django.db.models.query import QuerySet

        import entity_resources.compiled as compiled
        import entity_resources.listing as listing
        import entity_resources.query as query
        import services_api.wire.renderers as renderers
        from benchmarks.bench_app import views

        QuerySet._fetch_all = self.timed("query", QuerySet._fetch_all)
        QuerySet.count = self.timed("query", QuerySet.count)
        compiled.CompiledValues._fetch = self.timed("query", compiled.CompiledValues._fetch)
        import services_api.drupal.entity as entity

        renderers.render_json = self.timed("encoding", renderers.render_json)
        renderers.encode_json = self.timed("encoding", renderers.encode_json)
        entity.encode_json = renderers.encode_json  # the ETag's encoding is the JSON body
        views.orjson = type(
            "orjson", (), {"dumps": staticmethod(self.timed("encoding", orjson.dumps))}
        )
        for module in (query, listing):
            original = module.row_builder

            def row_builder(*args, _original=original, **kwargs):
                return self.timed("rows", _original(*args, **kwargs))

            module.row_builder = row_builder

    def reset(self) -> None:
        self.seconds = dict.fromkeys(self.PARTS, 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--database-url")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=100, help="per case and round")
    parser.add_argument("--top", type=int, default=22, help="profile lines to print")
    parser.add_argument("--split", action="store_true", help="time query/rows/encoding/rest")
    parser.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    args = parser.parse_args()
    global clock
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
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
            .order_by("-sticky", "-created", "-id")
            .values_list("pk", flat=True)[50]
        )
        cases = {
            "index: product": "/api/entity_article.json?pagesize=100",
            "fields=id,title: product": "/api/entity_article.json?pagesize=100&fields=id,title",
            "fields=id,title: raw values()": "/baseline/raw/articles?pagesize=100&fields=id,title",
            "node: product": "/api/node.json",
            "node: raw values()": "/baseline/raw/node",
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
                    start = clock()
                    serve(handler, path, args.requests)
                    elapsed = clock() - start
                total[name].append(elapsed / args.requests * 1e6)
                sql[name].append(timer.seconds / args.requests * 1e6)
                queries[name] = timer.queries // args.requests
        print(
            f"\nin-process, {args.rounds} rounds x {args.requests} requests, "
            f"{connection.vendor}, {args.clock} time, load average "
            + ", ".join(f"{v:.2f}" for v in os.getloadavg())
        )
        print(f"{'case':<32}{'us/req':>9}{'vs raw':>8}{'SQL us':>9}{'queries':>9}{'other us':>10}")
        for name in cases:
            op = name.split(":")[0]
            t, s = statistics.median(total[name]), statistics.median(sql[name])
            ratio = statistics.median(total[f"{op}: raw values()"]) / t
            print(f"{name:<32}{t:>9.0f}{ratio:>7.2f}x{s:>9.0f}{queries[name]:>9}{t - s:>10.0f}")
        if args.split:
            split = Split()
            split.install()
            print("\nsplit (us per request, median of rounds; timers add a little to each)")
            print(
                f"{'case':<32}{'total':>8}{'query':>8}{'rows':>8}{'encoding':>10}{'framework':>11}"
            )
            for name, path in cases.items():
                parts: dict[str, list[float]] = {p: [] for p in (*Split.PARTS, "total")}
                for _ in range(args.rounds):
                    split.reset()
                    start = clock()
                    serve(handler, path, args.requests)
                    elapsed = clock() - start
                    parts["total"].append(elapsed / args.requests * 1e6)
                    for part in Split.PARTS:
                        parts[part].append(split.seconds[part] / args.requests * 1e6)
                med = {part: statistics.median(values) for part, values in parts.items()}
                rest = med["total"] - med["query"] - med["rows"] - med["encoding"]
                print(
                    f"{name:<32}{med['total']:>8.0f}{med['query']:>8.0f}{med['rows']:>8.0f}"
                    f"{med['encoding']:>10.0f}{rest:>11.0f}"
                )
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
