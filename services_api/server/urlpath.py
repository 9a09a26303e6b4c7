"""The REST server's URL grammar (spec §1): ``<resource>[/<part>...][.<format>]``.

Pure string work on the path after the endpoint prefix; no configuration, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Drupal's regex on the path after the endpoint: the text after the last dot of the last segment.
_SUFFIX_RE = re.compile(r"^(.+)\.([^./^]+)$")


@dataclass(frozen=True)
class ParsedPath:
    resource: str
    parts: tuple[str, ...]
    suffix: str | None


def parse_path(rest: str) -> ParsedPath | None:
    """Split ``node/1.json`` into resource ``node``, parts ``("1",)`` and suffix ``json``.

    Leading and trailing slashes are trimmed (``user/login/`` is ``user/login``). A suffix PHP
    deems empty (``.0``) is dropped. Returns ``None`` for an empty path (the endpoint itself).
    """
    rest = rest.strip("/")
    if not rest:
        return None
    suffix = None
    match = _SUFFIX_RE.match(rest)
    if match:
        rest, suffix = match.group(1), match.group(2)
        if suffix == "0":
            suffix = None
    resource, *parts = rest.split("/")
    return ParsedPath(resource=resource, parts=tuple(parts), suffix=suffix)


__all__ = ["ParsedPath", "parse_path"]
