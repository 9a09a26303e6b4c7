"""``pip install .`` gives importable packages with their data files, and nothing else."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        cwd=out,
        timeout=300,
    )
    (path,) = out.glob("django_services_api-*.whl")
    return path


def test_wheel_contains_both_packages_and_their_data(wheel):
    import services_api

    assert wheel.name.startswith(f"django_services_api-{services_api.__version__}-")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "services_api/__init__.py",
        "services_api/migrations/0001_initial.py",
        "entity_resources/__init__.py",
    ):
        assert required in names
    assert not [n for n in names if n.startswith(("project/", "tests/", "benchmarks/"))]


def test_installed_wheel_imports_outside_the_repository(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    code = (
        "import services_api, entity_resources, sys;"
        "print(services_api.__file__); print(entity_resources.__file__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert all(line.startswith(str(target)) for line in result.stdout.split())
