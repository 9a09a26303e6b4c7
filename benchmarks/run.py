#!/usr/bin/env python
"""Benchmarks, one command: ``.venv/bin/python benchmarks/run.py [--suite dispatch|entity|all]``.

Each suite measures the product against baselines *in the same run*, in interleaved rounds, and
prints a table of medians and ratios. The dispatch suite's timings go through Django's full WSGI
handler in-process (middleware, URL resolution, DRF), so the ratio is the cost of what we add.

Suites:
* ``dispatch``: ``GET /bench/ping/1.json`` through a Services endpoint against a plain DRF
  ``APIView`` returning the same payload (target: ratio <= 1.10), with the endpoint
  configuration in each kind of cache (the per-request version check is the difference).
* ``entity``: over HTTP against a real gunicorn (2 workers, ``DEBUG`` off, endpoint
  configuration in Redis or a file cache) serving ``benchmarks.settings`` on a database seeded
  with ``seed_demo --articles 20000``: the demo's ``entity_article`` index (page of 100, author +
  tags, clean processor) and retrieve against (a) raw Django ``values_list()`` + orjson views and
  (b) a tuned DRF ``ModelViewSet`` serving the same rows (checked before timing), and page 190
  against page 0 (keyset ``cursor=`` pagination when the server offers it, else offset).
  Load comes from ``wrk`` (or, without it, a bounded Python keep-alive client), in interleaved
  rounds. Targets: index >= 0.60x raw req/s, retrieve >= 0.90x raw, page 190 <= 1.3x page 0.

``--suite dispatch|entity|all`` (default all). ``--database-url postgres://...`` runs the entity
suite on that database (migrated and seeded in place, idempotently) instead of a temporary
SQLite file.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The suite's own helpers for subprocess management commands and free ports.
from tests.live import gunicorn, manage  # noqa: E402


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

    from services_api.endpoints.snapshot import forget_local_snapshot

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


# -- entity suite: a real gunicorn under load --------------------------------------------------

GUNICORN = Path(sys.executable).with_name("gunicorn")
WRK = shutil.which("wrk") or ("/usr/bin/wrk" if Path("/usr/bin/wrk").exists() else None)
INDEX_QUERY = "?pagesize=100"
FIELDS_QUERY = "?pagesize=100&fields=id,title"
#: Minimum req/s ratio to the raw baseline doing the same work; ``keyset``: maximum time of
#: the deep cursor page over the first page's.
ENTITY_TARGETS = {"index": 0.80, "fields": 0.90, "retrieve": 1.00, "node": 0.80, "keyset": 1.10}


class Sample(tuple):
    """``(req/s, p50 ms, p99 ms)`` of one timed case."""

    @property
    def rps(self) -> float:
        return self[0]


def redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/9", socket_timeout=1).ping())
    except Exception:
        return False


def check_interval(args: argparse.Namespace) -> float:
    """The entity suite server's ``CONFIG_CHECK_INTERVAL``: asked for, else the default."""
    from services_api.settings import DEFAULTS

    interval = args.check_interval
    return DEFAULTS["CONFIG_CHECK_INTERVAL"] if interval is None else interval


def entity_env(
    tmp: Path, database_url: str, cache: str, check_interval: float | None
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY="benchmark-secret-key-0123456789-not-for-production",
        BENCH_CONFIG_CACHE=cache,
        BENCH_CONFIG_CHECK_INTERVAL="" if check_interval is None else str(check_interval),
        BENCH_FILE_CACHE_DIR=str(tmp / "file-cache"),
        # A fresh key space: no configuration snapshot of another run's database is served.
        BENCH_CACHE_PREFIX=f"bench-{os.getpid()}-{secrets.token_hex(4)}",
        DEMO_ADMIN_USERNAME="admin",
        DEMO_ADMIN_PASSWORD=secrets.token_urlsafe(12),
    )
    return env


def fetch(base: str, path: str, cookie: str | None = None) -> tuple[int, dict, object]:
    """``(status, headers, parsed JSON body)`` of a GET."""
    request = urllib.request.Request(base + path, headers={"Accept": "application/json"})
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), None


def login_cookie(base: str, env: dict[str, str]) -> str:
    """A session cookie of the seeded admin (sees unpublished articles: all 200 pages)."""
    body = json.dumps(
        {"username": env["DEMO_ADMIN_USERNAME"], "password": env["DEMO_ADMIN_PASSWORD"]}
    ).encode()
    request = urllib.request.Request(
        base + "/api/user/login.json",
        data=body,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        data = json.loads(response.read())
    return f"{data['session_name']}={data['sessid']}"


def next_link(headers: dict) -> str | None:
    """The ``rel="next"`` target of a ``Link`` header, as a path + query."""
    for key, value in headers.items():
        if key.lower() != "link":
            continue
        for part in value.split(","):
            match = re.search(r'<([^>]*)>\s*;\s*rel="?next"?', part)
            if match:
                url = urllib.parse.urlsplit(match.group(1))
                return url.path + (f"?{url.query}" if url.query else "")
    return None


def ids_of(body: object) -> list:
    rows = body if isinstance(body, list) else [body]
    return [row.get("id") for row in rows if isinstance(row, dict)]


def sorted_tags(body: object) -> object:
    """DRF's prefetch orders tags its own way; compare the rest exactly."""
    rows = body if isinstance(body, list) else [body]
    return [{**row, "tags": sorted(row["tags"], key=lambda t: t["id"])} for row in rows]


def verify_same_rows(base: str, *paths: str) -> str:
    """Fail unless the three answer the same ids; say how close the bodies are."""
    names = ("product", "raw", "drf")
    answers = {name: fetch(base, path) for name, path in zip(names, paths, strict=True)}
    for name, (status, _, _body) in answers.items():
        if status != 200:
            raise RuntimeError(f"{name} ({paths}) answered {status}")
    ids = ids_of(answers["product"][2])
    for name in ("raw", "drf"):
        if ids_of(answers[name][2]) != ids:
            raise RuntimeError(f"{name} baseline serves other rows than the product: {paths}")
    product_body = answers["product"][2]

    def likeness(body: object) -> str:
        if body == product_body:
            return "identical"
        return (
            "identical up to tag order"
            if sorted_tags(body) == sorted_tags(product_body)
            else "DIFFERS"
        )

    return (
        f"{len(ids)} rows, same ids; raw body {likeness(answers['raw'][2])}, "
        f"DRF body {likeness(answers['drf'][2])}"
    )


def verify_same_body(base: str, product: str, raw: str) -> str:
    """Fail unless product and raw baseline answer the same parsed body."""
    answers = [fetch(base, path) for path in (product, raw)]
    for path, (status, _, _) in zip((product, raw), answers, strict=True):
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    if answers[0][2] != answers[1][2]:
        raise RuntimeError(f"the raw baseline serves another body than the product: {raw}")
    return f"{len(answers[0][2])} rows, bodies identical"


def keyset_paths(base: str, cookie: str, page: int) -> tuple[str, str, str]:
    """``(mode, page 0 path, page N path)``: keyset when index answers a next cursor."""
    first = f"/api/entity_article.json{INDEX_QUERY}&cursor="
    status, headers, body = fetch(base, first, cookie)
    link = next_link(headers) if status == 200 else None
    if link is None or "cursor=" not in link:
        return (
            "offset (keyset not available yet)",
            f"/api/entity_article.json{INDEX_QUERY}&page=0",
            f"/api/entity_article.json{INDEX_QUERY}&page={page}",
        )
    path = first
    for _ in range(page):
        status, headers, _ = fetch(base, path, cookie)
        path = next_link(headers) if status == 200 else None
        if path is None:
            raise RuntimeError(f"keyset walk ended before page {page}")
    status, _, deep = fetch(base, path, cookie)
    _, _, offset_deep = fetch(base, f"/api/entity_article.json{INDEX_QUERY}&page={page}", cookie)
    if status != 200 or ids_of(deep) != ids_of(offset_deep):
        raise RuntimeError(f"keyset page {page} differs from offset page {page}")
    return "keyset (cursor)", first, path


def _ms(text: str) -> float:
    """wrk's ``1.23ms`` / ``450.00us`` / ``1.02s`` as milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[unit]


def run_wrk(
    url: str,
    seconds: float,
    threads: int,
    connections: int,
    cookie: str | None,
    script: Path | None = None,
) -> Sample:
    args = [WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s"]
    args.append("--latency")
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    if script is not None:
        args += ["-s", str(script)]
    result = subprocess.run(
        [*args, url], capture_output=True, text=True, timeout=seconds + 30, check=True
    )
    out = result.stdout
    bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    if bad:
        raise RuntimeError(f"{url}: {bad.group(1)} non-2xx responses under load")
    errors = re.search(r"Socket errors:.*timeout (\d+)", out)
    if errors and int(errors.group(1)):
        raise RuntimeError(f"{url}: {errors.group(1)} timeouts under load")
    rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\n\s*50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\n\s*99%\s+(\S+)", out).group(1))
    return Sample((rps, p50, p99))


def run_python_load(
    url: str,
    seconds: float,
    threads: int,
    connections: int,
    cookie: str | None,
    script: Path | None = None,
) -> Sample:
    """Fallback load: ``connections`` threads, each a keep-alive http.client connection."""
    parts = urllib.parse.urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Cookie": cookie} if cookie else {}
    stop_at = time.monotonic() + seconds
    counts = [0] * connections
    latencies: list[float] = []
    failures: list[str] = []
    method, body = "GET", None
    if script is not None:  # the login case: the JSON body wrk's script posts
        method, body = "POST", LOGIN_BODY.read_text()
        headers = {**headers, "Content-Type": "application/json"}

    def worker(slot: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            while time.monotonic() < stop_at:
                sent = time.perf_counter()
                conn.request(method, target, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                latencies.append((time.perf_counter() - sent) * 1e3)
                if response.status != 200:
                    failures.append(f"{response.status}")
                    return
                counts[slot] += 1
        except OSError as error:
            failures.append(repr(error))
        finally:
            conn.close()

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=seconds + 15)
    if failures:
        raise RuntimeError(f"{url}: {failures[0]} under load")
    latencies.sort()

    def percentile(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else 0.0

    return Sample((sum(counts) / (time.monotonic() - started), percentile(0.5), percentile(0.99)))


#: Set by ``entity_suite``: the login body the Python load client posts.
LOGIN_BODY = Path()


def login_script(tmp: Path, env: dict[str, str]) -> Path:
    """A wrk script posting the admin's JSON login (a new session each time)."""
    body = json.dumps(
        {"username": env["DEMO_ADMIN_USERNAME"], "password": env["DEMO_ADMIN_PASSWORD"]}
    )
    global LOGIN_BODY
    LOGIN_BODY = tmp / "login.json"
    LOGIN_BODY.write_text(body)
    script = tmp / "login.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        'wrk.headers["Accept"] = "application/json"\n'
        f"wrk.body = {json.dumps(body)}\n"
    )
    return script


def hasher_ms() -> float:
    """Milliseconds of one password check with Django's default hasher (PBKDF2-SHA256)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    times = []
    for _ in range(3):
        start = time.perf_counter()
        hasher.encode("benchmark-password", "benchmarksalt0123")
        times.append((time.perf_counter() - start) * 1e3)
    return min(times)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} CPUs)"


def entity_suite(args: argparse.Namespace, tmp: Path) -> list[tuple]:
    if not GUNICORN.exists():
        raise SystemExit(f"gunicorn not found next to {sys.executable}")
    cache = args.cache if args.cache != "auto" else ("redis" if redis_reachable() else "file")
    database_url = args.database_url or f"sqlite:///{tmp / 'entity.sqlite3'}"
    env = entity_env(tmp, database_url, cache, args.check_interval)
    load = run_wrk if (WRK and args.load != "python") else run_python_load
    load_name = (
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s"
        if load is run_wrk
        else f"Python http.client keep-alive, {args.connections} threads, {args.duration:g}s"
    )
    t0 = time.monotonic()
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "seed_demo", "--articles", str(args.articles))
    print(
        f"\nentity suite: {args.articles} articles on "
        f"{'PostgreSQL' if database_url.startswith('postgres') else 'SQLite'} "
        f"(seeded in {time.monotonic() - t0:.1f}s), gunicorn 2 sync workers, "
        f"configuration cache {cache} (check interval {check_interval(args):g}s), "
        f"load: {load_name}"
    )
    print(f"  machine before: {load_average()}")
    with gunicorn(env, log=tmp / "gunicorn.log", flush_cache=False) as base:
        status, _, page0 = fetch(base, f"/api/entity_article.json{INDEX_QUERY}")
        if status != 200:
            raise RuntimeError(f"product index answered {status}")
        retrieve_id = ids_of(page0)[len(page0) // 2]
        index = (
            f"/api/entity_article.json{INDEX_QUERY}",
            f"/baseline/raw/articles{INDEX_QUERY}",
            f"/baseline/drf/articles{INDEX_QUERY}",
        )
        fields = (
            f"/api/entity_article.json{FIELDS_QUERY}",
            f"/baseline/raw/articles{FIELDS_QUERY}",
        )
        retrieve = (
            f"/api/entity_article/{retrieve_id}.json",
            f"/baseline/raw/articles/{retrieve_id}",
            f"/baseline/drf/articles/{retrieve_id}",
        )
        node = ("/api/node.json", "/baseline/raw/node")
        print(f"  verified index page 0: {verify_same_rows(base, *index)}")
        print(f"  verified fields=id,title: {verify_same_body(base, *fields)}")
        print(f"  verified retrieve {retrieve_id}: {verify_same_rows(base, *retrieve)}")
        print(f"  verified node index: {verify_same_body(base, *node)}")
        cookie = login_cookie(base, env)
        mode, shallow, deep = keyset_paths(base, cookie, args.deep_page)
        print(f"  page {args.deep_page} vs page 0 (logged-in admin): {mode}")
        deep_name = f"page {args.deep_page}"
        offset_deep = f"/api/entity_article.json{INDEX_QUERY}&page={args.deep_page}"
        script = login_script(tmp, env)
        # Groups are timed back to back, so each ratio compares neighbours in time (the
        # machine may be shared: the ratio of each round is taken, then the median).
        groups = {
            "index": {
                "index: product": (index[0], None),
                "index: raw values()": (index[1], None),
                "index: tuned DRF": (index[2], None),
            },
            "fields": {
                "fields=id,title: product": (fields[0], None),
                "fields=id,title: raw values()": (fields[1], None),
            },
            "retrieve": {
                "retrieve: product": (retrieve[0], None),
                "retrieve: raw values()": (retrieve[1], None),
                "retrieve: tuned DRF": (retrieve[2], None),
            },
            "node": {
                "node: product": (node[0], None),
                "node: raw values()": (node[1], None),
            },
            "pages": {
                "page 0": (shallow, cookie),
                deep_name: (deep, cookie),
                f"offset {deep_name}": (offset_deep, cookie),
            },
        }
        cases = {name: case for group in groups.values() for name, case in group.items()}
        for path, cookie_ in cases.values():  # warm every worker's caches and connections
            load(base + path, 1, args.threads, args.connections, cookie_)
        samples: dict[str, list[Sample]] = {name: [] for name in cases}
        for round_ in range(args.entity_rounds):
            for group in groups.values():
                names = list(group)
                shift = round_ % len(names)  # rotate who goes first
                for name in names[shift:] + names[:shift]:
                    path, cookie_ = group[name]
                    samples[name].append(
                        load(base + path, args.duration, args.threads, args.connections, cookie_)
                    )
        # Login: one connection per worker (a password check is CPU-bound), own timing.
        samples["login"] = [
            load(base + "/api/user/login.json", args.duration, 1, 2, None, script) for _ in range(2)
        ]
    print(f"  machine after:  {load_average()}")

    def paired(numerator: str, denominator: str) -> float:
        return statistics.median(
            n.rps / d.rps for n, d in zip(samples[numerator], samples[denominator], strict=True)
        )

    def stats(name: str) -> tuple[float, float, float]:
        values = samples[name]
        return (
            statistics.median(v[0] for v in values),
            statistics.median(v[1] for v in values),
            statistics.median(v[2] for v in values),
        )

    rows: list[tuple] = []
    for op, kinds in (
        ("index", ("product", "raw values()", "tuned DRF")),
        ("fields=id,title", ("product", "raw values()")),
        ("retrieve", ("product", "raw values()", "tuned DRF")),
        ("node", ("product", "raw values()")),
    ):
        key = op.split("=")[0]
        raw = f"{op}: raw values()"
        target = f">= {ENTITY_TARGETS[key]:.2f}x raw"
        for kind in kinds:
            name = f"{op}: {kind}"
            ratio = paired(name, raw)
            verdict = ""
            if kind == "product":
                verdict = "met" if ratio >= ENTITY_TARGETS[key] else "MISSED"
            rows.append((name, *stats(name), f"{ratio:.2f}x raw", f"{target} {verdict}".strip()))
    keyset = mode.startswith("keyset")
    slowdown = paired("page 0", deep_name)  # time of a deep page / time of page 0
    label = "keyset" if keyset else "offset"
    rows.append((f"{label} page 0", *stats("page 0"), "1.00x", ""))
    verdict = ("met" if slowdown <= ENTITY_TARGETS["keyset"] else "MISSED") if keyset else "n/a"
    rows.append(
        (
            f"{label} {deep_name}",
            *stats(deep_name),
            f"{slowdown:.2f}x p0 time",
            f"<= {ENTITY_TARGETS['keyset']:.2f}x (keyset) {verdict}",
        )
    )
    offset_slowdown = paired("page 0", f"offset {deep_name}")
    rows.append(
        (
            f"offset {deep_name}",
            *stats(f"offset {deep_name}"),
            f"{offset_slowdown:.2f}x p0 time",
            "",
        )
    )
    rows.append(("login (JSON, 2 conns)", *stats("login"), f"hash {hasher_ms():.0f} ms", ""))
    spread = ", ".join(
        f"{name} {min(v.rps for v in values):.0f}-{max(v.rps for v in values):.0f}"
        for name, values in samples.items()
    )
    print(f"  {args.entity_rounds} rounds; req/s range per case: {spread}")
    print("  ratios: median over rounds of each round's ratio (neighbours in time)")
    return rows


def print_entity_table(rows: list[tuple]) -> None:
    print("\nentity resources over HTTP: req/s and wrk latency (medians of rounds)")
    print(f"{'case':<32}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}  {'ratio':<15}{'target'}")
    for name, rps, p50, p99, ratio, target in rows:
        print(f"{name:<32}{rps:>8.1f}{p50:>8.1f}{p99:>8.1f}  {ratio:<15}{target}")


def print_table(title: str, rows: list[tuple[str, float, float]], target: str) -> None:
    print(f"\n{title}  (target: {target})")
    print(f"{'case':<30}{'median us/req':>16}{'ratio':>10}")
    for name, value, ratio in rows:
        print(f"{name:<30}{value:>16.1f}{ratio:>10.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suite", choices=["dispatch", "entity", "all"], default="all")
    parser.add_argument("--rounds", type=int, default=7, help="dispatch suite rounds")
    parser.add_argument("--requests", type=int, default=1000, help="dispatch requests per round")
    parser.add_argument("--entity-rounds", type=int, default=5, help="entity suite rounds")
    parser.add_argument("--duration", type=float, default=3.0, help="seconds of load per case")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--deep-page", type=int, default=180)
    parser.add_argument("--database-url", help="PostgreSQL URL for the entity suite")
    parser.add_argument("--cache", choices=["auto", "redis", "file"], default="auto")
    parser.add_argument("--load", choices=["wrk", "python"], default="wrk")
    parser.add_argument(
        "--check-interval",
        type=float,
        default=None,
        help="SERVICES_API CONFIG_CHECK_INTERVAL of the entity suite's server (default: the "
        "product's default; 0 reads the configuration version on every request)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.suite in ("dispatch", "all"):
            setup_django(Path(tmp) / "bench.sqlite3")
            rows = dispatch_suite(args.rounds, args.requests)
            print_table(
                "dispatch overhead: endpoint vs plain DRF view",
                rows,
                "ratio <= 1.10",
            )
        if args.suite in ("entity", "all"):
            print_entity_table(entity_suite(args, Path(tmp)))


if __name__ == "__main__":
    main()
