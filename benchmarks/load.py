#!/usr/bin/env python
"""Load and fault command: do acknowledged writes survive load and a database restart?

    .venv/bin/python benchmarks/load.py                           # 16 clients, 30 s
    .venv/bin/python benchmarks/load.py --fault pg-restart@10     # restart PostgreSQL at 10 s
    .venv/bin/python benchmarks/load.py --requests 10000 --memory # worker memory over a run

It starts a **private** PostgreSQL cluster in a temporary directory (``initdb``/``pg_ctl``
from ``/usr/lib/postgresql/*/bin``, on a free port, as the ``postgres`` system user when run
as root; never the machine's own cluster), migrates it, creates one user per client, and runs
gunicorn (4 workers, ``DEBUG`` off) on it with Redis as the cache (``--redis-db``, flushed
first). Each client logs in through ``user/login`` (session cookie + CSRF token), then for
``--duration`` seconds (or until ``--requests`` in all) creates, updates, deletes and reads
its own ``entity_article`` rows. Afterwards every row of the run is read back from the
database and compared with what the server acknowledged:

* lost: an acknowledged create, update or delete whose effect is not in the database;
* phantom: a row in the database whose create was never acknowledged;
* in doubt: requests without an answer (or with a 5xx) whose effect may or may not have
  landed; they are not counted as lost or phantom, and shown.

It prints acknowledged writes, lost, phantom, 5xx by code, p50/p95/p99 latency, throughput,
and the login latencies (the first, concurrent logins). ``--fault pg-restart@T`` restarts the
private cluster (``pg_ctl restart -m fast``) T seconds in and reports the 503s, any 500, and
the recovery time (from the restart's start to the first success of a request sent after
it). ``--memory`` samples each worker's resident memory after a warm-up (the first 10 % of
requests) and at the end. ``--database-url`` uses an existing database instead of a private
cluster (no fault injection then); the test suite runs a short plain version that way.
"""

from __future__ import annotations

import argparse
import collections
import glob
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live import free_port, gunicorn, manage, server_env  # noqa: E402

ARTICLES = "/api/entity_article"
HASHERS = {
    "argon2": "django.contrib.auth.hashers.Argon2PasswordHasher",
    "argon2-owasp": "load_settings.OWASPArgon2PasswordHasher",  # docs/deployment.md#passwords
    "pbkdf2_sha256": "django.contrib.auth.hashers.PBKDF2PasswordHasher",
}
PASSWORD = "load-test-password"


# -- a private PostgreSQL cluster ------------------------------------------------------------


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise SystemExit(f"{name} not found under /usr/lib/postgresql/*/bin")
    return found[-1]


class PrivateCluster:
    """``initdb`` in a temporary directory, started on a free port; removed on ``stop``."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="services-api-load-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *args: str, timeout: float = 120) -> None:
        command = list(args)
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        # No pipes: a postmaster started by pg_ctl would hold them open.
        subprocess.run(
            command,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
        )

    def start(self) -> str:
        self._run(
            _pg_bin("initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._run(
            _pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.dir / "server.log"),
            "-w",
            "start",
        )
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def restart(self) -> None:
        self._run(
            _pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-m",
            "fast",
            "-w",
            "-l",
            str(self.dir / "server.log"),
            "restart",
        )

    def stop(self) -> None:
        try:
            self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


# -- clients ---------------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    logins: list[float] = field(default_factory=list)
    statuses: collections.Counter = field(default_factory=collections.Counter)
    acknowledged: int = 0
    in_doubt: int = 0
    requests: int = 0
    first_success_after: dict[float, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    """One user: a keep-alive connection, a session, its rows and what was acknowledged."""

    def __init__(self, base: str, index: int, run: str, stats: Stats, fault: dict) -> None:
        self.host, self.port = base.removeprefix("http://").split(":")
        self.username = f"load{index}"
        self.prefix = f"{run}-{index}-"
        self.stats = stats
        self.fault = fault
        self.headers: dict[str, str] = {"Content-Type": "application/json"}
        self.uid = 0
        self.sent_creates: set[str] = set()
        self.rows: dict[int, str] = {}  # id -> acknowledged body
        self.deleted: set[int] = set()
        self.doubtful: set[int] = set()  # rows whose last write got no answer
        self.seq = 0
        self.random = random.Random(index)

    def request(
        self, method: str, path: str, payload=None, *, count: bool = True
    ) -> tuple[int, dict | list | None]:
        body = json.dumps(payload).encode() if payload is not None else None
        started = time.monotonic()
        status = 0
        data = None
        # One attempt, never retried (a write must not be sent twice); no answer is status 0.
        conn = http.client.HTTPConnection(self.host, int(self.port), timeout=30)
        try:
            conn.request(method, path, body=body, headers=self.headers)
            response = conn.getresponse()
            raw = response.read()
            status = response.status
            try:
                data = json.loads(raw) if raw else None
            except ValueError:
                data = None
        except (OSError, http.client.HTTPException):
            status = 0
        finally:
            conn.close()
        elapsed = time.monotonic() - started
        if not count:
            return status, data
        with self.stats.lock:
            self.stats.requests += 1
            self.stats.statuses[status] += 1
            self.stats.latencies.append(elapsed)
            restart = self.fault.get("started")
            if (
                200 <= status < 300
                and restart is not None
                and started >= restart
                and restart not in self.stats.first_success_after
            ):
                self.stats.first_success_after[restart] = time.monotonic()
        return status, data

    def login(self) -> None:
        deadline = time.monotonic() + 120
        while True:
            started = time.monotonic()
            status, data = self.request(
                "POST",
                "/api/user/login.json",
                {"username": self.username, "password": PASSWORD},
                count=False,
            )
            if status == 200:
                with self.stats.lock:
                    self.stats.logins.append(time.monotonic() - started)
                self.headers["Cookie"] = f"{data['session_name']}={data['sessid']}"
                self.headers["X-CSRF-Token"] = data["token"]
                self.uid = int(data["user"]["uid"])
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.username} could not log in: {status} {data}")
            time.sleep(0.5)

    def _acknowledge(self) -> None:
        with self.stats.lock:
            self.stats.acknowledged += 1

    def _doubt(self) -> None:
        with self.stats.lock:
            self.stats.in_doubt += 1

    def step(self) -> None:
        live = [pk for pk in self.rows if pk not in self.deleted]
        choice = self.random.random()
        if not live or choice < 0.35:
            self.seq += 1
            title = f"{self.prefix}{self.seq}"
            self.sent_creates.add(title)
            status, data = self.request(
                "POST",
                f"{ARTICLES}.json",
                {"title": title, "body": "v0", "status": 1, "author": {"id": self.uid}},
            )
            if status == 200 and isinstance(data, dict):
                self.rows[int(data["id"])] = "v0"
                self._acknowledge()
            elif status == 0 or status >= 500:
                self._doubt()
            return
        pk = self.random.choice(live)
        if choice < 0.65:
            version = f"v{self.seq}-{self.random.randrange(10**6)}"
            status, _ = self.request("PUT", f"{ARTICLES}/{pk}.json", {"body": version})
            if status == 200:
                self.rows[pk] = version
                self.doubtful.discard(pk)
                self._acknowledge()
            elif status == 0 or status >= 500:
                self.doubtful.add(pk)
                self._doubt()
        elif choice < 0.8:
            status, _ = self.request("DELETE", f"{ARTICLES}/{pk}.json")
            if status == 200:
                self.deleted.add(pk)
                self._acknowledge()
            elif status == 0 or status >= 500:
                self.doubtful.add(pk)
                self._doubt()
        elif choice < 0.93:
            self.request("GET", f"{ARTICLES}/{pk}.json")
        else:
            self.request("GET", f"{ARTICLES}.json?pagesize=20&parameters[author]={self.uid}")


# -- the run ---------------------------------------------------------------------------------


def worker_pids(master: int) -> list[int]:
    pids = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.split("/")[2]))
    return sorted(pids)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def prepare(env: dict[str, str], clients: int) -> None:
    manage(env, "migrate", "--noinput")
    script = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
perms = list(Permission.objects.filter(content_type__app_label="demo", codename__in=[
    "view_article", "add_article", "change_article", "delete_article"]))
password = make_password({PASSWORD!r})  # the first of PASSWORD_HASHERS
for i in range({clients}):
    user, _ = get_user_model().objects.update_or_create(
        username=f"load{{i}}", defaults={{"password": password, "email": f"load{{i}}@example.com"}})
    user.user_permissions.set(perms)
"""
    manage(env, "shell", "-c", script)


def first_hasher_settings(env: dict[str, str], hasher: str) -> Path:
    """The demo's settings with ``hasher`` first in ``PASSWORD_HASHERS`` (a temporary module)."""
    directory = Path(tempfile.mkdtemp(prefix="services-api-load-settings-"))
    (directory / "load_settings.py").write_text(
        "from project.settings import *  # noqa\n"
        "from project.settings import PASSWORD_HASHERS\n"
        "from django.contrib.auth.hashers import Argon2PasswordHasher\n"
        "class OWASPArgon2PasswordHasher(Argon2PasswordHasher):\n"
        "    memory_cost, time_cost, parallelism = 19456, 2, 1\n"
        f"PASSWORD_HASHERS = [{HASHERS[hasher]!r}, "
        f"*[h for h in PASSWORD_HASHERS if h not in {set(HASHERS.values())!r}]]\n"
    )
    env["DJANGO_SETTINGS_MODULE"] = "load_settings"
    env["PYTHONPATH"] = os.pathsep.join([str(directory), str(ROOT), env.get("PYTHONPATH", "")])
    return directory


def read_back(database_url: str, run: str) -> dict[str, tuple[int, str]]:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as conn:
        rows = conn.execute(
            "SELECT id, title, body FROM demo_article WHERE title LIKE %s", (f"{run}-%",)
        ).fetchall()
    return {title: (pk, body) for pk, title, body in rows}


def read_back_sqlite(database_url: str, run: str) -> dict[str, tuple[int, str]]:
    import sqlite3

    path = database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT id, title, body FROM demo_article WHERE title LIKE ?", (f"{run}-%",)
        ).fetchall()
    return {title: (pk, body) for pk, title, body in rows}


def verify(clients: list[Client], found: dict[str, tuple[int, str]]) -> tuple[int, int, int]:
    """(lost, phantom, in-doubt rows present)."""
    lost = phantom = doubtful_present = 0
    by_pk = {pk: (title, body) for title, (pk, body) in found.items()}
    acknowledged_pks = {pk for c in clients for pk in c.rows}
    for client in clients:
        for pk, body in client.rows.items():
            present = by_pk.get(pk)
            if pk in client.doubtful:
                continue  # its last write got no answer: either outcome is right
            if pk in client.deleted:
                lost += present is not None
            elif present is None or present[1] != body:
                lost += 1
    sent = {title for c in clients for title in c.sent_creates}
    for title, (pk, _body) in found.items():
        if pk in acknowledged_pks:
            continue
        if title in sent:
            phantom += 1  # applied although the client was told it failed (or got no answer)
            doubtful_present += 1
        else:
            phantom += 1
    return lost, phantom, doubtful_present


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


@contextmanager
def database(args):
    if args.database_url:
        yield args.database_url, None
        return
    cluster = PrivateCluster()
    try:
        yield cluster.start(), cluster
    finally:
        cluster.stop()


def drive(stop, stats, memory, warm, masters, fault, fault_at, cluster, started, args) -> None:
    """The main thread during the load: memory samples, the fault, the end of the run."""
    while not stop.is_set():
        elapsed = time.monotonic() - started
        if args.memory and "warm" not in memory and stats.requests >= warm:
            memory["warm"] = [rss_kib(p) for p in worker_pids(masters[0])]
        if fault_at is not None and "started" not in fault and elapsed >= fault_at:
            fault["started"] = time.monotonic()
            cluster.restart()
            fault["took"] = time.monotonic() - fault["started"]
        if not args.requests and elapsed >= args.duration:
            stop.set()
        time.sleep(0.05)


def run(args) -> dict:
    run_id = f"load-{uuid.uuid4().hex[:8]}"
    fault_at = None
    if args.fault:
        kind, _, when = args.fault.partition("@")
        if kind != "pg-restart" or not when:
            raise SystemExit("--fault takes pg-restart@SECONDS")
        if args.database_url:
            raise SystemExit("--fault needs the private cluster (no --database-url)")
        fault_at = float(when)
    with database(args) as (database_url, cluster):
        env = server_env(database_url, redis_db=args.redis_db)
        if args.no_redis:
            env["CACHE_URL"] = ""  # the demo's file cache, shared by the workers
        settings_dir = first_hasher_settings(env, args.hasher)
        prepare(env, args.clients)
        stats = Stats()
        fault: dict = {}
        report: dict = {
            "run": run_id,
            "clients": args.clients,
            "workers": args.workers,
            "hasher": args.hasher,
        }
        log = Path(tempfile.mkdtemp(prefix="services-api-load-")) / "gunicorn.log"
        masters: list[int] = []
        with gunicorn(env, workers=args.workers, log=log, on_start=masters.append) as base:
            clients = [Client(base, i, run_id, stats, fault) for i in range(args.clients)]
            # Warm every worker up (imports, URLconf, database connection) before timing.
            warmers = [
                threading.Thread(
                    target=clients[0].request,
                    args=("GET", f"{ARTICLES}.json?pagesize=1"),
                    kwargs={"count": False},
                )
                for _ in range(4 * args.workers)
            ]
            for t in warmers:
                t.start()
            for t in warmers:
                t.join()
            threads = [threading.Thread(target=c.login, daemon=True) for c in clients]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            stop = threading.Event()
            memory: dict[str, list[int]] = {}
            warm = max(1, (args.requests or 0) // 10)

            def loop(client: Client) -> None:
                while not stop.is_set():
                    client.step()
                    if args.requests and stats.requests >= args.requests:
                        stop.set()

            started = time.monotonic()
            threads = [threading.Thread(target=loop, args=(c,), daemon=True) for c in clients]
            for t in threads:
                t.start()
            restart_took = None
            try:
                drive(stop, stats, memory, warm, masters, fault, fault_at, cluster, started, args)
            finally:
                stop.set()
                for t in threads:
                    t.join(timeout=60)
            restart_took = fault.get("took")
            duration = time.monotonic() - started
            if args.memory:
                memory["end"] = [rss_kib(p) for p in worker_pids(masters[0])]
            server_log = log.read_text(errors="replace")
        shutil.rmtree(log.parent, ignore_errors=True)
        shutil.rmtree(settings_dir, ignore_errors=True)
        reader = read_back_sqlite if database_url.startswith("sqlite") else read_back
        lost, phantom, doubtful_present = verify(clients, reader(database_url, run_id))
    statuses = stats.statuses
    recovery = None
    if fault.get("started") in stats.first_success_after:
        recovery = stats.first_success_after[fault["started"]] - fault["started"]
    report.update(
        duration=round(duration, 1),
        requests=stats.requests,
        throughput=round(stats.requests / duration, 1),
        acknowledged_writes=stats.acknowledged,
        lost=lost,
        phantom=phantom,
        in_doubt=stats.in_doubt,
        in_doubt_applied=doubtful_present,
        statuses=dict(sorted(statuses.items())),
        server_errors={code: n for code, n in statuses.items() if code >= 500},
        no_answer=statuses.get(0, 0),
        p50_ms=round(percentile(stats.latencies, 0.50) * 1000, 1),
        p95_ms=round(percentile(stats.latencies, 0.95) * 1000, 1),
        p99_ms=round(percentile(stats.latencies, 0.99) * 1000, 1),
        logins=len(stats.logins),
        login_p50_ms=round(percentile(stats.logins, 0.50) * 1000, 1),
        login_p99_ms=round(percentile(stats.logins, 0.99) * 1000, 1),
        login_max_ms=round(max(stats.logins, default=0) * 1000, 1),
        tracebacks_in_server_log=server_log.count("Traceback"),
        unavailable_log_lines=server_log.count("Service unavailable:"),
    )
    if fault_at is not None:
        report.update(
            fault=args.fault,
            restart_took_s=round(restart_took, 2) if restart_took else None,
            recovery_s=round(recovery, 2) if recovery is not None else None,
        )
    if args.memory:
        report["memory_kib"] = memory
        report["memory_growth_pct"] = [
            round(100.0 * (end - warm_) / warm_, 1)
            for warm_, end in zip(memory.get("warm", []), memory["end"], strict=False)
            if warm_
        ]
    return report


def print_report(report: dict) -> None:
    print(
        f"load run {report['run']}: {report['clients']} clients, gunicorn {report['workers']} "
        f"workers, {report['duration']} s"
    )
    print(f"  requests           {report['requests']} ({report['throughput']} req/s)")
    print(f"  acknowledged writes {report['acknowledged_writes']}")
    print(f"  lost               {report['lost']}")
    print(f"  phantom            {report['phantom']}")
    print(
        f"  in doubt           {report['in_doubt']} (writes without a 2xx/4xx answer; "
        f"{report['in_doubt_applied']} creates among them landed)"
    )
    print(f"  statuses           {report['statuses']}")
    print(f"  5xx by code        {report['server_errors'] or 'none'}")
    print(
        f"  latency ms         p50 {report['p50_ms']}  p95 {report['p95_ms']}  "
        f"p99 {report['p99_ms']}"
    )
    print(
        f"  logins ({report['hasher']})  {report['logins']} concurrent: "
        f"p50 {report['login_p50_ms']} ms, p99 {report['login_p99_ms']} ms, "
        f"max {report['login_max_ms']} ms"
    )
    print(
        f"  server log         {report['tracebacks_in_server_log']} tracebacks, "
        f"{report['unavailable_log_lines']} 'Service unavailable' lines"
    )
    if "fault" in report:
        errors = report["server_errors"]
        print(
            f"  fault              {report['fault']}: restart took {report['restart_took_s']} s; "
            f"503: {errors.get(503, 0)}, 500: {errors.get(500, 0)}, "
            f"recovery {report['recovery_s']} s after the restart began"
        )
    if "memory_kib" in report:
        print(
            f"  worker RSS KiB     after warm-up {report['memory_kib'].get('warm')}, "
            f"end {report['memory_kib']['end']}, growth % {report['memory_growth_pct']}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load")
    parser.add_argument("--requests", type=int, default=0, help="stop after this many requests")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--fault", help="pg-restart@SECONDS")
    parser.add_argument("--memory", action="store_true", help="sample worker RSS")
    parser.add_argument("--database-url", help="an existing database instead of a private one")
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--no-redis", action="store_true", help="file cache instead of Redis")
    parser.add_argument(
        "--hasher",
        choices=sorted(HASHERS),
        default="argon2",
        help="first of PASSWORD_HASHERS, and the users' stored hashes (default: the demo's)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    report = run(args)
    if args.json:
        print(json.dumps(report))
    else:
        print_report(report)
    failed = report["lost"] or report["phantom"] or report["server_errors"].get(500)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
