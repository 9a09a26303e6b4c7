"""A real gunicorn server on 127.0.0.1 for end-to-end tests.

The server gets a database of its own (a temporary SQLite file, or a dedicated PostgreSQL
database when the suite runs on PostgreSQL), migrated and seeded in a subprocess, and a Redis
cache shared by its workers. It is started and stopped by PID, and every wait is bounded.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def live_database_url(tmp_dir: Path) -> str:
    """A fresh database for the server, of the same kind the suite runs on."""
    suite_url = os.environ.get("DATABASE_URL", "")
    if suite_url.startswith("postgres"):
        import psycopg

        config = dj_database_url.parse(suite_url)
        name = f"services_api_live_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(
            host=config["HOST"],
            port=config["PORT"] or 5432,
            user=config["USER"],
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return suite_url.rsplit("/", 1)[0] + "/" + name
    return f"sqlite:///{tmp_dir / 'live.sqlite3'}"


def drop_live_database(url: str) -> None:
    if url.startswith("postgres"):
        import psycopg

        config = dj_database_url.parse(url)
        with psycopg.connect(
            host=config["HOST"],
            port=config["PORT"] or 5432,
            user=config["USER"],
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')


def npm_install(prefix: Path, *packages: str, timeout: float = 240) -> Path:
    """``npm install`` pinned ``packages`` into ``prefix`` (bounded in time); returns the
    ``node_modules`` folder for ``NODE_PATH``. Skips the test when node or npm is missing."""
    import shutil

    import pytest

    if not (shutil.which("npm") and shutil.which("node")):
        pytest.skip("node/npm are not installed")
    try:
        subprocess.run(
            ["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund", *packages],
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"npm install {' '.join(packages)} failed: {exc}")
    return prefix / "node_modules"


def call(base: str, method: str, path: str, body=None, headers=None):
    """One request on a fresh connection: ``(status, reason, headers, body)``, the reason
    phrase as the client reads it off the status line."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.reason, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def server_env(database_url: str, redis_db: int = 5, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="project.settings",
        DATABASE_URL=database_url,
        CACHE_URL=f"redis://127.0.0.1:6379/{redis_db}",
        # Engineers and CI runs share the Redis server: a prefix of its own per live server
        # keeps another run's configuration snapshot (another database) from being served.
        CACHE_KEY_PREFIX=f"live-{uuid.uuid4().hex[:12]}",
        DEBUG="0",
        SECRET_KEY="live-test-secret-key-not-for-production-0123456789",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DEMO_ADMIN_PASSWORD="admin-pass",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@contextmanager
def _server_process(
    command: list[str],
    env: dict[str, str],
    base: str,
    timeout: float,
    *,
    log: Path | None,
    flush_cache: bool,
    name: str,
    on_start: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """Start ``command``, wait until ``base`` answers, yield it, stop the process by PID.

    The server's Redis database (``CACHE_URL``) is flushed first unless ``flush_cache`` is
    off or the server has a ``CACHE_KEY_PREFIX`` of its own: a configuration snapshot left by
    an earlier run (against another database) must not be served. ``log`` receives the
    server's stderr (default: kept for the error message). ``on_start`` is called with the
    server's PID (gunicorn: the master's, to find its workers).
    """
    cache_url = env.get("CACHE_URL", "")
    # A server with a key prefix of its own (``server_env`` gives each one) cannot meet an
    # earlier run's keys, and flushing would pull sessions from under a concurrent run.
    if flush_cache and cache_url.startswith("redis") and not env.get("CACHE_KEY_PREFIX"):
        import redis

        redis.Redis.from_url(cache_url).flushdb()
    log_file = open(log, "wb") if log is not None else None  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log_file if log_file is not None else subprocess.PIPE,
    )
    if on_start is not None:
        on_start(process.pid)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                output = log.read_bytes() if log is not None else process.stderr.read()
                raise RuntimeError(f"{name} exited: {output.decode()[-2000:]}")
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not answer in time") from None
                time.sleep(0.2)
        yield base
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        if process.stderr:
            process.stderr.close()
        if log_file is not None:
            log_file.close()


@contextmanager
def gunicorn(
    env: dict[str, str],
    workers: int = 2,
    timeout: float = 30.0,
    *,
    log: Path | None = None,
    flush_cache: bool = True,
    on_start: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """Run gunicorn on a free port; yield its base URL; stop it by PID (see
    ``_server_process`` for ``log``, ``flush_cache`` and ``on_start``)."""
    port = free_port()
    command = [
        str(GUNICORN),
        "project.wsgi:application",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    with _server_process(
        command,
        env,
        f"http://127.0.0.1:{port}",
        timeout,
        log=log,
        flush_cache=flush_cache,
        name="gunicorn",
        on_start=on_start,
    ) as base:
        yield base


@contextmanager
def runserver(
    env: dict[str, str],
    timeout: float = 30.0,
    *,
    log: Path | None = None,
    flush_cache: bool = True,
) -> Iterator[str]:
    """Run ``manage.py runserver --noreload`` (the README's demo server, wsgiref underneath)
    on a free port; yield its base URL; stop it by PID."""
    port = free_port()
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    with _server_process(
        command,
        env,
        f"http://127.0.0.1:{port}",
        timeout,
        log=log,
        flush_cache=flush_cache,
        name="runserver",
    ) as base:
        yield base


#: The two servers the wire tests run on: the production one and the README's demo one.
SERVERS = {"gunicorn": gunicorn, "runserver": runserver}
