"""The one integer parser and the one set of numeric and nesting limits of the query grammar.

Every number a client sends in a query (``page``, ``pagesize``, ``offset``, ``count``, ids in
filters, Unix timestamps) goes through ``to_int``: ASCII digits only (``int()`` would also take
``"١٢"``, ``"1_000"`` or thousands of digits and fail later as a 500), at most ``MAX_DIGITS``
digits, and within the range a 64-bit database column holds. ``parse_int`` is the same for a
named query parameter, raising ``BadParameter`` (400 naming it).

The limits are constants, not settings: they are what databases and Python can take, not a
policy. The nesting limit is a policy: the ``MAX_NESTING_DEPTH`` setting
(``entity_resources.settings``).
"""

from __future__ import annotations

import re
from typing import Any

from .exceptions import BadParameter

#: The range of a 64-bit signed integer (PostgreSQL ``bigint``, SQLite ``INTEGER``).
MIN_INTEGER = -(2**63)
MAX_INTEGER = 2**63 - 1
#: Digits beyond this cannot fit ``MAX_INTEGER``; longer strings are refused before ``int()``.
MAX_DIGITS = 19
#: Largest row offset a page may start at (beyond it databases overflow).
MAX_OFFSET = 2**53

_INT_RE = re.compile(r"[+-]?[0-9]+", re.ASCII)
_WHITESPACE = " \t\r\n\f\v"


def to_int(value: Any, *, minimum: int = MIN_INTEGER, maximum: int = MAX_INTEGER) -> int:
    """``value`` (text or int) as an int in ``[minimum, maximum]``; ``ValueError`` otherwise.

    Text is ASCII digits with an optional sign, surrounding ASCII whitespace ignored.
    """
    if isinstance(value, bool):
        raise ValueError("a boolean is not a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip(_WHITESPACE)
        if not _INT_RE.fullmatch(text) or len(text.lstrip("+-")) > MAX_DIGITS:
            raise ValueError(f"not a whole number: {value[:40]!r}")
        number = int(text)
    else:
        raise ValueError(f"not a whole number: {type(value).__name__}")
    if not minimum <= number <= maximum:
        raise ValueError(f"out of range: {number}")
    return number


def parse_int(
    query: dict[str, Any],
    name: str,
    default: int,
    *,
    minimum: int = 0,
    maximum: int = MAX_INTEGER,
    cap: bool = False,
) -> int:
    """The whole number ``query[name]``; ``default`` when absent or empty; else ``BadParameter``.

    With ``cap`` a well-formed number above ``maximum`` (however long) is ``maximum`` (the
    spec caps ``pagesize`` silently). ``parse_int(query, "page", 0)``;
    ``parse_int(query, "pagesize", 20, minimum=1, maximum=100, cap=True)``.
    """
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return to_int(raw, minimum=minimum, maximum=maximum)
    except ValueError:
        if _too_large(raw, maximum):
            if cap:
                return maximum
            raise BadParameter(name, f"expected a whole number <= {maximum}.") from None
        raise BadParameter(name, f"expected a whole number >= {minimum}.") from None


def _too_large(raw: Any, maximum: int) -> bool:
    """Whether ``raw`` is a well-formed whole number above ``maximum`` (for the message)."""
    text = raw.strip(_WHITESPACE) if isinstance(raw, str) else ""
    if not _INT_RE.fullmatch(text) or text.startswith("-"):
        return False
    return len(text.lstrip("+")) > MAX_DIGITS or int(text) > maximum


__all__ = [
    "MAX_DIGITS",
    "MAX_INTEGER",
    "MAX_OFFSET",
    "MIN_INTEGER",
    "parse_int",
    "to_int",
]
