"""Endpoint configuration as immutable snapshots, cached across worker processes.

Every worker keeps the last snapshot it built together with the version it was built for. It
trusts that snapshot for ``CONFIG_CHECK_INTERVAL`` seconds (default 1), then reads one small
key (the version) from Django's cache; only when that changed does the worker fetch the new
snapshot from the cache, and only when the cache has none does it read the database. Saving or
deleting an endpoint or one of its resources writes a new version (after the transaction
commits) and makes the saving process check on its very next request, so an admin edit applies
at once in the process that made it and within the interval in every other worker. With the
interval at 0 every request reads the version key: one cache round trip per request (with
Redis, a network round trip and most of a millisecond of a small page's time).

When the cache server does not answer (Redis down), requests go on: a worker keeps serving
the snapshot it has (or builds one from the database when it has none) and does not ask the
cache again for ``CACHE_RETRY_INTERVAL`` seconds; one warning is logged per such interval.
An admin edit made meanwhile reaches the other workers once the cache is back and the
endpoint is saved again (its version key could not be published).
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
import uuid
from dataclasses import dataclass, field, fields
from typing import Any

from django.core.cache import caches
from django.db import transaction

from services_api.server.errors import is_cache_unavailable
from services_api.settings import services_settings

logger = logging.getLogger("services_api")
#: Seconds a worker serves without asking the cache again after it did not answer.
CACHE_RETRY_INTERVAL = 5.0

VERSION_KEY = "services_api:config:version"


@dataclass(frozen=True)
class ResourceConfig:
    resource: str
    alias: str
    operations: frozenset[str]
    actions: frozenset[str]
    targeted_actions: frozenset[str]
    relationships: frozenset[str]
    throttle_rates: dict[str, str] = field(default_factory=dict)
    #: Drupal resource API version per method name (``{"login": "1.1"}``).
    api_versions: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def public_name(self) -> str:
        return self.alias or self.resource


@dataclass(frozen=True)
class EndpointConfig:
    name: str
    path: str
    authentication: tuple[str, ...]
    formatters: tuple[str, ...]
    parsers: tuple[str, ...]
    default_format: str
    response_style: str
    error_style: str
    page_size: int
    max_page_size: int
    count_mode: str
    plain_query_filters: bool
    allow_registration: bool
    debug: bool
    throttle_rates: dict[str, str] = field(default_factory=dict)
    #: Keyed by the public name (the alias when there is one).
    resources: dict[str, ResourceConfig] = field(default_factory=dict)

    def resource_config(self, resource: str) -> ResourceConfig | None:
        """The settings of a resource by its registered name (not the alias)."""
        for config in self.resources.values():
            if config.resource == resource:
                return config
        return None


@dataclass(frozen=True)
class Snapshot:
    version: str
    #: Enabled endpoints, longest path first; the empty path (site root) last.
    endpoints: tuple[EndpointConfig, ...]

    def resolve(self, path: str) -> tuple[EndpointConfig, str] | None:
        """The endpoint owning ``path`` (no leading slash) and the rest of the path."""
        for endpoint in self.endpoints:
            prefix = endpoint.path
            if not prefix:
                return endpoint, path
            if path == prefix:
                return endpoint, ""
            if path.startswith(prefix) and path[len(prefix)] == "/":
                return endpoint, path[len(prefix) + 1 :]
        return None

    def by_name(self, name: str) -> EndpointConfig | None:
        for endpoint in self.endpoints:
            if endpoint.name == name:
                return endpoint
        return None


def _schema_tag() -> str:
    """A digest of the snapshot classes' fields, part of the snapshot's cache key: a worker
    never unpickles a snapshot written by code with other fields (during a rolling deploy, or
    servers of two releases sharing one cache); it builds its own from the database."""
    names = ",".join(
        f"{cls.__name__}.{f.name}"
        for cls in (Snapshot, EndpointConfig, ResourceConfig)
        for f in fields(cls)
    )
    return hashlib.sha256(names.encode()).hexdigest()[:12]


SNAPSHOT_KEY = "services_api:config:snapshot:{}:" + _schema_tag()


def _cache():
    return caches[services_settings.CONFIG_CACHE_ALIAS]


def build_snapshot(version: str) -> Snapshot:
    """Read every enabled endpoint and its resources from the database (2 queries)."""
    from services_api.models import Endpoint, EndpointResource

    rows = list(Endpoint.objects.filter(enabled=True).values())
    resources: dict[int, dict[str, ResourceConfig]] = {row["id"]: {} for row in rows}
    for res in EndpointResource.objects.filter(endpoint_id__in=list(resources)).values():
        config = ResourceConfig(
            resource=res["resource"],
            alias=res["alias"],
            operations=frozenset(res["operations"] or ()),
            actions=frozenset(res["actions"] or ()),
            targeted_actions=frozenset(res["targeted_actions"] or ()),
            relationships=frozenset(res["relationships"] or ()),
            throttle_rates=dict(res["throttle_rates"] or {}),
            api_versions=dict(res.get("api_versions") or {}),
        )
        resources[res["endpoint_id"]][config.public_name] = config
    endpoints = [
        EndpointConfig(
            name=row["name"],
            path=row["path"],
            authentication=tuple(row["authentication"] or ()),
            formatters=tuple(row["formatters"] or ()),
            parsers=tuple(row["parsers"] or ()),
            default_format=row["default_format"],
            response_style=row["response_style"],
            error_style=row["error_style"],
            page_size=row["page_size"],
            max_page_size=row["max_page_size"],
            count_mode=row["count_mode"],
            plain_query_filters=row["plain_query_filters"],
            allow_registration=row["allow_registration"],
            debug=row["debug"],
            throttle_rates=dict(row["throttle_rates"] or {}),
            resources=resources[row["id"]],
        )
        for row in rows
    ]
    endpoints.sort(key=lambda e: (-len(e.path), e.path))
    return Snapshot(version=version, endpoints=tuple(endpoints))


class _Local:
    """The snapshot this process last used (shared by its threads)."""

    snapshot: Snapshot | None = None
    checked_at: float = 0.0
    cache_down_until: float = 0.0
    lock = threading.Lock()


def get_snapshot() -> Snapshot:
    current = _Local.snapshot
    interval = services_settings.CONFIG_CHECK_INTERVAL
    now = time.monotonic()
    if current is not None and interval and now - _Local.checked_at < interval:
        return current
    if now < _Local.cache_down_until:
        return current if current is not None else _uncached_snapshot()
    try:
        return _checked_snapshot(current, now)
    except Exception as exc:
        if not is_cache_unavailable(exc):
            raise
        _Local.cache_down_until = now + CACHE_RETRY_INTERVAL
        logger.warning(
            "Configuration cache unreachable (%s: %s); serving the last configuration for %ss",
            type(exc).__name__,
            str(exc).splitlines()[0][:200] if str(exc) else "",
            CACHE_RETRY_INTERVAL,
        )
        return current if current is not None else _uncached_snapshot()


def _uncached_snapshot() -> Snapshot:
    """Built from the database while the cache is down; replaced once the cache answers."""
    with _Local.lock:
        if _Local.snapshot is None:
            _Local.snapshot = build_snapshot(f"uncached-{uuid.uuid4().hex}")
        return _Local.snapshot


def _checked_snapshot(current: Snapshot | None, now: float) -> Snapshot:
    cache = _cache()
    version = cache.get(VERSION_KEY)
    _Local.checked_at = now
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    if current is not None and current.version == version:
        return current
    with _Local.lock:
        snapshot: Any = cache.get(SNAPSHOT_KEY.format(version))
        if not isinstance(snapshot, Snapshot):
            snapshot = build_snapshot(version)
            cache.set(
                SNAPSHOT_KEY.format(version), snapshot, services_settings.CONFIG_CACHE_TIMEOUT
            )
        _Local.snapshot = snapshot
        return snapshot


def bump_version() -> None:
    """Publish a new configuration version once the current transaction commits."""

    def publish() -> None:
        # This process checks on its next request, whatever the interval: the process that
        # saved (the admin's request, a management command, a test) sees its edit at once.
        _Local.checked_at = -math.inf
        try:
            _cache().set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        except Exception as exc:
            if not is_cache_unavailable(exc):
                raise
            logger.warning("Configuration cache unreachable; the new version is not published")

    transaction.on_commit(publish)


def forget_local_snapshot() -> None:
    """Drop this process's copy (tests that clear the cache call it)."""
    _Local.snapshot = None
    _Local.checked_at = 0.0
    _Local.cache_down_until = 0.0


__all__ = [
    "EndpointConfig",
    "ResourceConfig",
    "Snapshot",
    "bump_version",
    "get_snapshot",
]
