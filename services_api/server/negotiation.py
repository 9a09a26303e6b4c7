"""Drupal Services' response-format negotiation (spec §1, §5.1): a port of its ``mimeparse``.

Each supported mime type is scored against every ``Accept`` range: type match 100, subtype 10,
each equal parameter 1, wildcards 0. A mime keeps the score and ``q`` of its best range; mimes
sort by (fitness, q, mime string) and the greatest wins. Ties therefore break on the *mime
string*, which is why ``Accept: */*`` gives ``text/xml`` (XML) with json+xml enabled.
Quirks kept from Services: ``q=0`` (or any unusable q) counts as 1, and a bare ``*`` means
``*/*``. Beyond Services: a malformed range is a 406 with an empty body, not a 500, and
types are compared case-insensitively (RFC 9110).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from services_api.exceptions import ServicesError
from services_api.wire.renderers import FORMATTERS, default_mime_type, mime_types

_Params = tuple[tuple[str, str], ...]
_Range = tuple[str, str, _Params, float]

# PHP floatval: the leading number of the string, 0 when there is none.
_FLOAT_PREFIX_RE = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_UNPRINTABLE_RE = re.compile(r"[^\x20-\x7e]")
_MAX_ECHO = 80

UNSUPPORTED_FORMAT = "Unknown or unsupported response format."


class MalformedMime(ServicesError):
    """A media type without ``type/subtype``: 406 with an empty body (Drupal answers 500)."""

    def __init__(self, value: str) -> None:
        # The value ends up in the status line: printable ASCII only, and not too long.
        shown = _UNPRINTABLE_RE.sub("?", value.strip())
        if len(shown) > _MAX_ECHO:
            shown = shown[: _MAX_ECHO - 3] + "..."
        super().__init__(f"Malformed media type: {shown}", 406, empty_body=True)
        self.value = value


def _parse(mime: str) -> tuple[str, str, _Params]:
    parts = mime.split(";")
    full_type = parts[0].strip()
    if full_type == "*":  # Java's URLConnection sends a lone "*"
        full_type = "*/*"
    pieces = full_type.split("/")
    if len(pieces) < 2 or not pieces[0].strip() or not pieces[1].strip():
        raise MalformedMime(mime)
    params = []
    for param in parts[1:]:
        if "=" in param:
            key, _, value = param.partition("=")
            params.append((key.strip().lower(), value.strip()))
    return pieces[0].strip().lower(), pieces[1].strip().lower(), tuple(params)


def parse_mime(mime: str) -> tuple[str, str, dict[str, str]]:
    """``"text/html; level=1"`` -> ``("text", "html", {"level": "1"})``.

    Raises ``MalformedMime`` (406) when there is no ``type/subtype``. Also usable for
    ``Content-Type`` headers.
    """
    main, sub, params = _parse(mime)
    return main, sub, dict(params)


def _quality(params: _Params) -> float:
    """Services' q rule: a q that is absent, 0, unparsable or outside 0..1 counts as 1."""
    raw = dict(params).get("q")
    if raw is None:
        return 1.0
    match = _FLOAT_PREFIX_RE.match(raw)
    q = float(match.group()) if match else 0.0
    return q if 0 < q <= 1 else 1.0


@functools.lru_cache(maxsize=256)
def _parse_accept(accept: str) -> tuple[_Range, ...]:
    ranges = []
    for item in accept.split(","):
        if not item.strip():  # "a/b,,c/d" or a trailing comma: nothing to parse
            continue
        main, sub, params = _parse(item)
        ranges.append((main, sub, tuple(p for p in params if p[0] != "q"), _quality(params)))
    return tuple(ranges)


def _fitness_and_quality(mime: str, ranges: tuple[_Range, ...]) -> tuple[int, float]:
    target_type, target_sub, target_params = _parse(mime)
    best_fitness, best_q = -1, 0.0
    for main, sub, params, q in ranges:
        if (main == target_type or "*" in (main, target_type)) and (
            sub == target_sub or "*" in (sub, target_sub)
        ):
            fitness = (100 if main == target_type else 0) + (10 if sub == target_sub else 0)
            fitness += sum(1 for p in target_params if p[0] != "q" and p in params)
            if fitness > best_fitness:  # the first range with the best fitness gives the q
                best_fitness, best_q = fitness, q
    return best_fitness, best_q


@functools.lru_cache(maxsize=256)
def _best_match(supported: tuple[str, ...], accept: str) -> str:
    ranges = _parse_accept(accept)
    if not supported:
        return ""
    best = max((*_fitness_and_quality(mime, ranges), mime) for mime in supported)
    return best[2] if best[1] else ""


def best_match(supported: Sequence[str], accept: str) -> str:
    """The supported mime type that best matches the ``Accept`` header, or ``""`` for none."""
    return _best_match(tuple(supported), accept)


def accept_decides(accept: str | None) -> bool:
    """Whether an ``Accept`` header names a type: not absent and not only ``*/*`` (curl's,
    PHP curl's and Java's default). Used where a request's Content-Type may pick the answer's
    format instead (RESTWS). A malformed header decides (its 406 is ``choose_format``'s)."""
    if not accept or not accept.strip():
        return False
    try:
        ranges = _parse_accept(accept)
    except MalformedMime:
        return True
    return any((main, sub) != ("*", "*") for main, sub, _params, _q in ranges)


def format_for_mime(content_type: str | None, enabled: Sequence[str]) -> str | None:
    """The enabled format whose mime types include ``content_type`` (parameters ignored):
    ``application/json; charset=utf-8`` -> ``"json"``; ``None`` when none does."""
    if not content_type:
        return None
    mime = content_type.split(";", 1)[0].strip().lower()
    for fmt in enabled:
        if fmt in FORMATTERS and mime in mime_types(fmt):
            return fmt
    return None


def choose_format(
    suffix: str | None,
    accept: str | None,
    enabled: Sequence[str],
    default: str = "json",
) -> tuple[str, str, bool]:
    """``(format, content type, negotiated)`` for a request (spec §1 "Selection").

    A path suffix wins (``""`` and ``"0"`` are empty to PHP and count as none); then the ``Accept``
    header; with no ``Accept`` the ``default`` format (or the first enabled one if the default
    is off). Only formats both enabled and implemented count. Anything unservable is
    ``406 Unknown or unsupported response format.`` with an empty body. ``negotiated`` tells
    the caller to add ``Vary: Accept``; the content type is then the negotiated mime type,
    otherwise the formatter's default one.
    """
    usable = [fmt for fmt in enabled if fmt in FORMATTERS]
    if suffix and suffix != "0":
        if suffix not in usable:
            raise ServicesError(UNSUPPORTED_FORMAT, 406, empty_body=True)
        return suffix, default_mime_type(suffix), False
    if not accept or not accept.strip():
        fmt = default if default in usable else (usable[0] if usable else None)
        if fmt is None:
            raise ServicesError(UNSUPPORTED_FORMAT, 406, empty_body=True)
        return fmt, default_mime_type(fmt), False
    mime_format = {mime: fmt for fmt in usable for mime in mime_types(fmt)}
    mime = best_match(tuple(mime_format), accept)
    if not mime:
        raise ServicesError(UNSUPPORTED_FORMAT, 406, empty_body=True)
    return mime_format[mime], mime, True


__all__ = [
    "UNSUPPORTED_FORMAT",
    "MalformedMime",
    "accept_decides",
    "best_match",
    "choose_format",
    "format_for_mime",
    "parse_mime",
]
