"""entity_resources stands alone: it imports and serves with no ``services_api`` and no demo."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings

import entity_resources

ROOT = Path(__file__).resolve().parents[2]


def test_only_contrib_drf_django_filter_and_entity_resources_are_installed():
    installed = set(settings.INSTALLED_APPS)
    assert "services_api" not in installed
    assert not [app for app in installed if app.startswith("project")]
    assert {"rest_framework", "django_filters", "entity_resources"} <= installed
    assert apps.is_installed("entity_resources")


def test_every_module_imports_without_services_api_or_the_project():
    """Each module of the package imports in a fresh interpreter that cannot import
    ``services_api`` or ``project`` (an import of either fails there)."""
    names = [
        f"entity_resources.{info.name}" for info in pkgutil.iter_modules(entity_resources.__path__)
    ]
    assert "entity_resources.viewsets" in names and "entity_resources.brackets" in names
    script = (
        "import sys, django\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('services_api', 'project'):\n"
        "            raise ImportError(f'blocked: {name}')\n"
        "sys.meta_path.insert(0, Block())\n"
        "django.setup()\n"
        f"for name in {names!r}:\n"
        "    __import__(name)\n"
        "print('ok', sorted(m for m in sys.modules if m.startswith(('services_api', 'project'))))\n"
    )
    env = {"DJANGO_SETTINGS_MODULE": "tests.standalone.settings", "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok []"


def test_this_process_never_loaded_services_api():
    for name in ("entity_resources.viewsets", "entity_resources.drf", "entity_resources.writing"):
        import_module(name)
    assert not [name for name in sys.modules if name.split(".")[0] in ("services_api", "project")]


def test_resources_py_was_autodiscovered():
    from tests.standalone.shelf.models import Book, Label, Writer

    assert all(entity_resources.is_registered(m) for m in (Book, Label, Writer))
    names = sorted(options.resource_name for options in entity_resources.site)
    assert names == ["entity_book", "entity_writer", "labels"]
