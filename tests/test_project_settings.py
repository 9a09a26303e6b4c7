"""The demo project's environment-driven settings and a database-free URLconf import."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parent.parent


def settings_in_subprocess(**env):
    code = (
        "import django, json; from django.conf import settings; django.setup();"
        "print(json.dumps({'debug': settings.DEBUG, 'engine': settings.DATABASES['default']"
        "['ENGINE'], 'name': str(settings.DATABASES['default']['NAME']),"
        " 'hosts': settings.ALLOWED_HOSTS}))"
    )
    full_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    full_env.update(DJANGO_SETTINGS_MODULE="project.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_off_without_secret_key_refuses_to_start():
    result = settings_in_subprocess(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_environment_configures_database_and_hosts():
    import json

    result = settings_in_subprocess(
        DEBUG="0",
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://u@db.example:5432/site",
        ALLOWED_HOSTS="api.example.org",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "debug": False,
        "engine": "django.db.backends.postgresql",
        "name": "site",
        "hosts": ["api.example.org"],
    }


def test_sqlite_file_is_the_default_database():
    import json

    result = settings_in_subprocess()
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("db.sqlite3")


@pytest.mark.django_db
def test_importing_the_urlconf_reads_no_database():
    import services_api.urls

    with CaptureQueriesContext(connection) as queries:
        importlib.reload(services_api.urls)
        importlib.reload(importlib.import_module("project.urls"))
    assert len(queries) == 0


def test_demo_site_key_from_env_else_generated_once(tmp_path, monkeypatch):
    """The demo's CiviCRM site key: CIVICRM_SITE_KEY, else a key generated into
    .civicrm-site-key on first use (owner-only) and read back afterwards."""
    import stat

    from project.sitekey import FILE_NAME, demo_site_key

    monkeypatch.setenv("CIVICRM_SITE_KEY", "from-the-environment")
    assert demo_site_key(tmp_path) == "from-the-environment"
    assert not (tmp_path / FILE_NAME).exists()
    monkeypatch.delenv("CIVICRM_SITE_KEY")
    first = demo_site_key(tmp_path)
    assert len(first) >= 40
    assert stat.S_IMODE((tmp_path / FILE_NAME).stat().st_mode) == 0o600
    assert demo_site_key(tmp_path) == first
