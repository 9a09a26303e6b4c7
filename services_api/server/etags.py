"""Entity tags for conditional requests.

``ETag`` is a weak validator over the response data (what the client sees, independent of
the format it asked for), so ``If-None-Match`` can answer 304 and ``If-Match`` on a write can
answer 412 when the client's copy is stale.
"""

from __future__ import annotations

import hashlib
from typing import Any

from services_api.exceptions import ServicesError
from services_api.wire.renderers import encode_json


def etag_for(data: Any) -> str:
    """Rows are built in a fixed field order, so the same representation always serialises to
    the same bytes: no key sorting needed (it doubled the cost on a page of 100 rows)."""
    return etag_for_json(encode_json(data))


def etag_for_json(body: bytes) -> str:
    """The tag of data already encoded by ``encode_json`` (the JSON body of a list or dict):
    a JSON response hashes the bytes it sends instead of encoding the data twice."""
    return f'W/"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


def _tags(header: str) -> set[str]:
    tags = set()
    for part in header.split(","):
        tag = part.strip()
        if tag:
            tags.add(tag if tag.startswith("W/") or tag == "*" else f"W/{tag}")
    return tags


def not_modified(request_meta: dict[str, Any], etag: str) -> bool:
    """``If-None-Match`` names the current tag (or ``*``)."""
    header = request_meta.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    tags = _tags(header)
    return "*" in tags or etag in tags


def check_if_match(request_meta: dict[str, Any], current: Any) -> None:
    """Refuse a write with ``412`` when ``If-Match`` does not name the current representation."""
    header = request_meta.get("HTTP_IF_MATCH")
    if not header:
        return
    tags = _tags(header)
    if "*" in tags:
        return
    if etag_for(current) not in tags:
        raise ServicesError("Precondition Failed: the entity has changed.", 412)


__all__ = ["check_if_match", "etag_for", "etag_for_json", "not_modified"]
