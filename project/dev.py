#!/usr/bin/env python3
"""The README's two set-up commands, needing nothing but ``python3``.

    python3 project/dev.py demo    # venv, install, migrate, seed, serve on 127.0.0.1:8000
    python3 project/dev.py test    # venv, install (+ chromium), ruff, pytest on SQLite, PostgreSQL
                                   # (the main suite, then entity_resources' standalone suite)

Both create ``.venv`` in the repository (once) and install ``requirements.txt`` into it when
that file changed since the last install. Standard library only: it runs before anything is
installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = VENV / ".requirements.sha256"
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/services_api")
#: The standalone suite of entity_resources (docs/entity-resources.md#testing-it-standalone).
STANDALONE_DIR = "tests/standalone"
STANDALONE_INI = "tests/standalone/pytest.ini"


def run(*args: object, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_venv() -> None:
    if not PYTHON.exists():
        print(f"Creating virtualenv in {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != digest:
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PYTHON, "-m", "pip", "install", "--quiet", "-r", REQUIREMENTS)
        STAMP.write_text(digest)


def ensure_browser() -> None:
    """Debian's chromium + chromedriver for the real-browser tests (tests/test_browser.py),
    installed with apt-get when missing and we may (root); otherwise those tests say how."""
    import shutil

    if shutil.which("chromium") and shutil.which("chromedriver"):
        return
    if os.name == "posix" and os.geteuid() == 0 and shutil.which("apt-get"):
        env = base_env(DEBIAN_FRONTEND="noninteractive")
        run("apt-get", "update", "-qq", env=env)
        run("apt-get", "install", "-y", "-qq", "chromium", "chromium-driver", env=env)
    else:
        print("chromium/chromedriver missing: install them for the browser tests", flush=True)


def base_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env


def demo(args: list[str]) -> None:
    ensure_venv()
    port = args[0] if args else os.environ.get("PORT", "8000")
    sys.path.insert(0, str(ROOT))
    from project.sitekey import ENV_NAME, demo_site_key

    site_key = demo_site_key(ROOT)
    env = base_env(DJANGO_SETTINGS_MODULE="project.settings", **{ENV_NAME: site_key})
    password = env.setdefault("DEMO_ADMIN_PASSWORD", "admin")
    run(PYTHON, "manage.py", "migrate", "--noinput", env=env)
    run(PYTHON, "manage.py", "seed_demo", "--articles", "2000", env=env)
    print(
        f"\nDemo ready: open http://127.0.0.1:{port}/ (admin: http://127.0.0.1:{port}/admin/,"
        f" login admin / {password}; API users alice, bob, ... with password"
        f" {env.get('DEMO_USER_PASSWORD', 'demo')}).\n"
        f"Try: curl http://127.0.0.1:{port}/api/node.json\n"
        f"CiviCRM site key: {site_key} (key=...; set {ENV_NAME} to choose it; create API keys"
        f" with manage.py services_apikey or get one from civicrm/login).\n",
        flush=True,
    )
    os.chdir(ROOT)
    os.execve(str(PYTHON), [str(PYTHON), "manage.py", "runserver", f"127.0.0.1:{port}"], env)


def test(args: list[str]) -> None:
    ensure_venv()
    ensure_browser()
    # pytest takes its settings module from pyproject.toml (tests.settings).
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    # Paths among the arguments go to the suite they belong to; options go to both.
    paths = [a for a in args if not a.startswith("-") and (ROOT / a.split("::")[0]).exists()]
    alone = [p for p in paths if Path(p).as_posix().startswith(STANDALONE_DIR)]
    main_args = [a for a in args if a not in alone]
    alone_args = [a for a in args if a not in paths] + (alone or [STANDALONE_DIR])
    databases = {"SQLite": "", "PostgreSQL": POSTGRES_URL}
    if not paths or len(alone) < len(paths):
        for name, url in databases.items():
            print(f"\n== pytest on {name} ==", flush=True)
            env = base_env(CACHE_URL="locmem", DATABASE_URL=url)
            run(PYTHON, "-m", "pytest", *main_args, env=env)
    if not paths or alone:
        # entity_resources alone: its own settings and test app, no services_api, no demo.
        for name, url in databases.items():
            print(f"\n== pytest: entity_resources standalone on {name} ==", flush=True)
            env = base_env(DATABASE_URL=url)
            run(PYTHON, "-m", "pytest", "-c", STANDALONE_INI, *alone_args, env=env)


def main() -> None:
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: python3 {Path(__file__).name} demo [PORT] | test [pytest args]")
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
