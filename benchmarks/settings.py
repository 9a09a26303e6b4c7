"""Benchmark settings: the demo project, production-like (DEBUG off), plus the bench app.

Environment (set by ``benchmarks/run.py`` for the gunicorn server of the entity suite):
``BENCH_CONFIG_CACHE`` (``default``, ``file`` or ``redis``: the cache the Services endpoint
configuration lives in), ``BENCH_FILE_CACHE_DIR`` (shared by every worker) and
``BENCH_CACHE_PREFIX`` (keeps a run's Redis keys apart from other runs'),
``BENCH_CONFIG_CHECK_INTERVAL`` (``SERVICES_API['CONFIG_CHECK_INTERVAL']``; unset: the
product's default).
"""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-secret-key-0123456789-not-for-production")

from project.settings import *  # noqa: E402,F403
from project.settings import INSTALLED_APPS, SERVICES_API  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks.bench_app"]
ROOT_URLCONF = "benchmarks.urls"
ALLOWED_HOSTS = ["*"]

import tempfile  # noqa: E402

# Configuration caches the dispatch suite compares (the endpoint picks one per case).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "file": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("BENCH_FILE_CACHE_DIR")
        or tempfile.mkdtemp(prefix="services-api-bench-"),
    },
    "redis": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/9",
        "KEY_PREFIX": os.environ.get("BENCH_CACHE_PREFIX", ""),
    },
}
SERVICES_API = {
    **SERVICES_API,
    "CONFIG_CACHE_ALIAS": os.environ.get("BENCH_CONFIG_CACHE", "default"),
}
if os.environ.get("BENCH_CONFIG_CHECK_INTERVAL"):
    SERVICES_API["CONFIG_CHECK_INTERVAL"] = float(os.environ["BENCH_CONFIG_CHECK_INTERVAL"])
