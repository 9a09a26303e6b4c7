"""Benchmark settings: the demo project, production-like (DEBUG off), plus the bench app."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-secret-key-0123456789-not-for-production")

from project.settings import *  # noqa: E402,F403
from project.settings import INSTALLED_APPS  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks.bench_app"]
ROOT_URLCONF = "benchmarks.urls"
ALLOWED_HOSTS = ["*"]

import tempfile  # noqa: E402

# Configuration caches the dispatch suite compares (the endpoint picks one per case).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "file": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": tempfile.mkdtemp(prefix="services-api-bench-"),
    },
    "redis": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/9",
    },
}
