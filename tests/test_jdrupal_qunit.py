"""jDrupal's own QUnit suite (jDrupal 7.x-1.x ``tests/*.test.js``, vendored unchanged in
``tests/js/jdrupal/``) against the live demo server, driven under node by
``tests/js/jdrupal_qunit.js`` (jsdom for the browser, QUnit 1.x): system, user, node, comment,
taxonomy vocabulary and term CRUD, as jDrupal's ``tests.html`` runs them as user 1."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.live import npm_install

pytestmark = [pytest.mark.live, pytest.mark.usefixtures("no_password_leaks")]

HARNESS = Path(__file__).parent / "js" / "jdrupal_qunit.js"
ADMIN = ("admin", "admin-pass")  # user 1, seeded by tests/live.py's environment
#: Every test of the suite, in the order jDrupal chains them (each starts from the previous
#: one's success callback, so a failure anywhere cuts the list short).
EXPECTED_TESTS = [
    "system_connect",
    "user_logout",
    "user_login - bad credentials",
    "user_register",
    "user_login - logging back in",
    "user_delete - deleting newly registered user",
    "user_save - create new",
    "user_load",
    "user_save - update existing",
    "user_load - after update",
    "user_delete",
    "user_index",
    "node_save - create new",
    "node_load",
    "node_save - update existing",
    "node_load - after update",
    "node_delete",
    "node_index",
    "node_save - create new node to post comments onto",
    "comment_save - create new",
    "comment_load",
    "comment_save - update existing",
    "comment_index",
    "comment_delete",
    "node_delete - delete node after comments",
    "taxonomy_vocabulary_save - create new",
    "taxonomy_vocabulary_index",
    "taxonomy_vocabulary_load",
    "taxonomy_vocabulary_save - update existing",
    "taxonomy_vocabulary_load - after update",
    "taxonomy_vocabulary_delete",
    "taxonomy_vocabulary_save - create new ",
    "taxonomy_vocabulary_index ",
    "taxonomy_term_save - create new",
    "taxonomy_term_index",
    "taxonomy_term_load",
    "taxonomy_term_save - update existing",
    "taxonomy_term_load - after update",
    "taxonomy_term_delete",
    "taxonomy_vocabulary_delete ",
]


@pytest.fixture(scope="session")
def qunit_modules(tmp_path_factory):
    return npm_install(tmp_path_factory.mktemp("qunit"), "jsdom@26.1.0", "qunitjs@1.23.1")


def run_suite(base: str, modules: Path) -> dict:
    result = subprocess.run(
        ["node", str(HARNESS), base, "api", *ADMIN],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NODE_PATH": str(modules)},
    )
    assert result.stdout, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_jdrupal_qunit_suite_passes(live_server_url, qunit_modules, no_password_leaks):
    out = run_suite(live_server_url, qunit_modules)
    failures = {t["name"]: t["failures"] for t in out["tests"] if t["failed"]}
    assert failures == {}, out["logs"]
    # QUnit names repeat ("taxonomy_vocabulary_delete" twice): compare lists, trailing spaces
    # as jDrupal wrote them.
    assert [t["name"] for t in out["tests"]] == EXPECTED_TESTS, out["logs"]
    assert out["finished"] is True and out["reason"] == "done"
    assert (out["total"], out["failed"]) == (60, 0)
    no_password_leaks(json.dumps(out).encode(), "jDrupal QUnit output")
