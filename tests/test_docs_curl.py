"""Every ``curl`` example in README.md and docs/*.md runs against a live demo server.

Each fenced shell block that calls curl is run with bash, as written, against gunicorn serving
the seeded demo project: ``https://example.org`` and ``http://127.0.0.1:8000`` become the live
server's address, nothing else changes (no ``-g`` is added: an example that needs it must say
so). curl is wrapped only to report each response's status. The documented result is the
status in the comment that ends the command (``# 404, empty body``) or in the comment line that
follows it (``# -> 401 Unauthorized : CSRF validation failed``); a command without one must not
fail (status below 400). A block must also exit 0: a curl error (bad URL, globbing) fails it.

Two shell variables are set for the API key examples: ``API_KEY`` (a key created for ``alice``
with ``services_apikey``) and ``SITE_KEY``.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import live

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
HOSTS = ("https://example.org", "http://127.0.0.1:8000")
FENCE = re.compile(r"^```(\w*)\s*$")
STATUS = re.compile(r"\b([1-5]\d\d)\b")
MARK = "@@status "


@dataclass
class Block:
    where: str
    lines: list[str]
    expected: list[int | None]


def _commands(lines: list[str]) -> list[list[str]]:
    """Shell commands with their continuation lines joined."""
    commands: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        current.append(line)
        if not line.rstrip().endswith("\\"):
            commands.append(current)
            current = []
    if current:
        commands.append(current)
    return commands


def _expectations(lines: list[str]) -> list[int | None]:
    """The documented status of each curl call, in order (None: any status below 400)."""
    expected: list[int | None] = []
    commands = _commands(lines)
    for index, command in enumerate(commands):
        text = " ".join(command)
        calls = len(re.findall(r"(?:^|[\s$(;|&])curl\s", text))
        if not calls:
            continue
        comment = text.split(" #", 1)[1] if " #" in text else ""
        following = commands[index + 1] if index + 1 < len(commands) else []
        if following and following[0].lstrip().startswith("# ->"):
            comment = following[0]
        found = STATUS.search(comment)
        expected.extend([int(found.group(1)) if found else None] * calls)
    return expected


def doc_blocks() -> list[Block]:
    blocks: list[Block] = []
    for path in DOCS:
        lang, start, body = None, 0, []
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            fence = FENCE.match(line)
            if fence and lang is None:
                lang, start, body = fence.group(1), number, []
            elif line.startswith("```") and lang is not None:
                if lang in ("sh", "bash", "shell") and any("curl " in b for b in body):
                    where = f"{path.relative_to(ROOT)}:{start}"
                    blocks.append(Block(where, body, _expectations(body)))
                lang = None
            elif lang is not None:
                body.append(line)
    return blocks


BLOCKS = doc_blocks()


@pytest.fixture(scope="module")
def docs_server(tmp_path_factory):
    database_url = live.live_database_url(tmp_path_factory.mktemp("docs"))
    env = live.server_env(database_url, redis_db=7, DEMO_ADMIN_PASSWORD="admin")
    live.manage(env, "migrate", "--noinput")
    live.manage(env, "seed_demo", "--articles", "30")
    output = live.manage(env, "services_apikey", "create", "alice", "--name", "docs")
    api_key = output.strip()
    try:
        with live.gunicorn(env) as base:
            yield base, api_key
    finally:
        live.drop_live_database(database_url)


def test_every_doc_with_curl_examples_is_collected():
    where = {block.where.split(":")[0] for block in BLOCKS}
    assert {"README.md", "docs/authentication.md", "docs/user-resource.md"} <= where
    assert sum(len(block.expected) for block in BLOCKS) >= 20


@pytest.mark.parametrize("block", BLOCKS, ids=[block.where for block in BLOCKS])
def test_curl_example_gives_the_documented_result(block, docs_server, tmp_path):
    base, api_key = docs_server
    script = "\n".join(block.lines)
    for host in HOSTS:
        script = script.replace(host, base)
    wrapper = (
        "set -eo pipefail\n"
        f"curl() {{ command curl -w '%{{stderr}}{MARK}%{{http_code}}\\n' \"$@\"; }}\n"
        f"API_KEY={api_key}\nSITE_KEY=demo-site-key\n"
    )
    result = subprocess.run(
        ["bash", "-c", wrapper + script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    statuses = [
        int(line[len(MARK) :]) for line in result.stderr.splitlines() if line.startswith(MARK)
    ]
    report = f"{block.where}\n{script}\nstdout: {result.stdout[-1500:]}\nstderr: {result.stderr}"
    assert result.returncode == 0, report
    assert len(statuses) == len(block.expected), report
    for status, expected in zip(statuses, block.expected, strict=True):
        if expected is None:
            assert status < 400, report
        else:
            assert status == expected, report
