"""The load command (``benchmarks/load.py``), short and without a fault: gunicorn, logins,
creates/updates/deletes, and a read-back with nothing lost, nothing phantom, no 5xx."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests import live

pytestmark = pytest.mark.live


def test_short_load_run_loses_nothing(tmp_path):
    database_url = live.live_database_url(tmp_path)
    # SQLite takes one writer at a time: one worker, so no request waits out its lock timeout
    # (which would rightly be a 503) on a busy machine.
    workers = "2" if database_url.startswith("postgres") else "1"
    try:
        result = subprocess.run(
            [
                sys.executable,
                str(live.ROOT / "benchmarks" / "load.py"),
                "--clients", "3",
                "--duration", "3",
                "--workers", workers,
                "--redis-db", "14",
                "--database-url", database_url,
                "--json",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=live.ROOT,
        )  # fmt: skip
    finally:
        live.drop_live_database(database_url)
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["acknowledged_writes"] > 0
    assert report["lost"] == 0 and report["phantom"] == 0
    assert report["server_errors"] == {} and report["no_answer"] == 0
    assert report["logins"] == 3
    assert report["tracebacks_in_server_log"] == 0
