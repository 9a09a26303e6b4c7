"""Benchmark settings: the demo project, production-like (DEBUG off), plus the bench app."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-secret-key-0123456789-not-for-production")

from project.settings import *  # noqa: E402,F403
from project.settings import INSTALLED_APPS  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks.bench_app"]
ROOT_URLCONF = "benchmarks.urls"
ALLOWED_HOSTS = ["*"]
