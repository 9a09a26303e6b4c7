"""The one PHP bracket parser: query strings and form bodies as PHP's ``parse_str`` reads them.

Clients written against PHP servers, and anyone filtering an index, send
``parameters[created][gte]=1&fields[]=title``; this module turns such text into nested dicts
and lists, for the query grammar (``entity_resources.grammar``) and for any server built on
it. ``request_query(request)`` is the parsed query string of a Django or DRF request (parsed
once per request); ``parse_php_query`` parses any text.

PHP arrays become Python values the way PHP's ``json_encode`` renders them: an array whose
keys are exactly ``0..n-1`` in insertion order is a ``list``, any other array a ``dict`` with
string keys. The top level is always a ``dict``. Nesting deeper than the ``MAX_NESTING_DEPTH``
setting (``entity_settings``; the top-level dict counting as one) is refused with
``NestedTooDeeply`` (400).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import unquote_plus, unquote_to_bytes

from django.core.handlers.wsgi import get_bytes_from_wsgi

from .exceptions import NestedTooDeeply
from .settings import entity_settings

QUERY_TOO_DEEP = "Query string nested too deeply."
BODY_TOO_DEEP = "Request body nested too deeply."

_LONG_MAX = 2**63 - 1
_LONG_MIN = -(2**63)
# PHP's ZEND_HANDLE_NUMERIC_STR: canonical decimal integers are integer keys ("0", "-3", not "03").
_NUMERIC_KEY_RE = re.compile(r"-?[1-9][0-9]*|0")
# C isspace(): PHP skips one of these right after "[" when looking for "[]".
_C_SPACE = frozenset(" \t\n\v\f\r")
_UNTERMINATED_MANGLE = str.maketrans(" .[", "___")
_QUERY_ATTR = "_entity_php_query"


def _php_key(key: str) -> int | str:
    """Array key as PHP stores it: canonical integers in the 64-bit range become ints."""
    if _NUMERIC_KEY_RE.fullmatch(key):
        number = int(key)
        if _LONG_MIN <= number <= _LONG_MAX:
            return number
    return key


class _PHPArray:
    """An ordered PHP array: keys are ints or strings, ``[]`` appends at the next free index."""

    __slots__ = ("items", "next_index")

    def __init__(self) -> None:
        self.items: dict[int | str, Any] = {}
        self.next_index = 0  # PHP < 8.3: negative keys never move it

    def _store(self, key: int | str, value: Any) -> None:
        self.items[key] = value  # an existing key keeps its position, as in a PHP hash
        if isinstance(key, int) and key >= self.next_index:
            self.next_index = min(key + 1, _LONG_MAX)

    def set(self, key: str, value: Any) -> None:
        self._store(_php_key(key), value)

    def append(self, value: Any) -> bool:
        """``$a[] = value``; False when the next index is taken (only at PHP_INT_MAX)."""
        if self.next_index in self.items:
            return False
        self._store(self.next_index, value)
        return True

    def child(self, key: str | None) -> _PHPArray | None:
        """The array at ``key`` (``None``: a new appended one); a scalar there is replaced."""
        array = _PHPArray()
        if key is None:
            return array if self.append(array) else None
        php_key = _php_key(key)
        existing = self.items.get(php_key)
        if isinstance(existing, _PHPArray):
            return existing
        self._store(php_key, array)
        return array

    def to_python(self) -> list[Any] | dict[str, Any]:
        """``json_encode``'s view: keys exactly ``0..n-1`` in order -> list, else a string-keyed
        dict."""
        if list(self.items) == list(range(len(self.items))):
            return [_to_python(v) for v in self.items.values()]
        return {str(k): _to_python(v) for k, v in self.items.items()}


def _to_python(value: Any) -> Any:
    return value.to_python() if isinstance(value, _PHPArray) else value


def _root_to_python(root: _PHPArray) -> dict[str, Any]:
    return {str(k): _to_python(v) for k, v in root.items.items()}


def _register(root: _PHPArray, name: str, value: Any, max_depth: int, too_deep: str) -> None:
    """Store ``name=value`` into ``root`` like PHP's ``php_register_variable_ex`` (PHP 8).

    Leading spaces are dropped and a NUL ends the name; in the top-level name ``.`` and space
    become ``_``; ``[key]`` segments nest (``[]`` appends), anything after a ``]`` that is not
    ``[`` is ignored; a ``[`` without a closing ``]`` in the first segment is not a bracket:
    it and any later space, ``.`` or ``[`` become ``_`` (``a[b.c`` -> ``a_b_c``). A scalar in
    the way of a nested key is replaced by an array; a plain key overwrites (last wins).
    """
    name = name.split("\x00", 1)[0].lstrip(" ")
    bracket = name.find("[")
    top = (name if bracket < 0 else name[:bracket]).replace(" ", "_").replace(".", "_")
    if not top:
        return
    target = root
    key: str | None = top
    pos = bracket  # index of the "[" opening the next segment, or -1
    level = 0
    while pos >= 0:
        start = pos + 1
        probe = start + 1 if name[start : start + 1] in _C_SPACE else start
        if name[probe : probe + 1] == "]":
            index, close = None, probe
        else:
            close = name.find("]", probe)
            if close < 0:
                if level == 0:
                    key = f"{top}_{name[start:].translate(_UNTERMINATED_MANGLE)}"
                break
            index = name[start:close]
        level += 1
        if level + 1 > max_depth:  # the root counts as one level
            raise NestedTooDeeply(too_deep)
        nested = target.child(key)
        if nested is None:
            return
        target, key = nested, index
        pos = close + 1 if name[close + 1 : close + 2] == "[" else -1
    if key is None:
        target.append(value)
    else:
        target.set(key, value)


def parse_php_query(
    data: str | bytes,
    *,
    max_depth: int | None = None,
    encoding: str = "utf-8",
    errors: str = "replace",
    too_deep: str = QUERY_TOO_DEEP,
) -> dict[str, Any]:
    """Parse a query string or form body exactly like PHP's ``parse_str`` (spec §3, §4).

    ``a[b]=1`` -> ``{"a": {"b": "1"}}``; ``a[]=1&a[]=2`` -> ``{"a": ["1", "2"]}``;
    ``a[0][x]=1&a[1][x]=2`` -> ``{"a": [{"x": "1"}, {"x": "2"}]}``; repeated plain keys: last
    wins; ``.``/space in top-level names -> ``_``; ``+`` is a space; pairs without a name are
    skipped and a pair without ``=`` has the value ``""``. Values are always strings.
    Percent-decoded bytes are decoded with ``encoding``/``errors`` (``errors="strict"`` raises
    ``UnicodeDecodeError``). Nesting deeper than ``max_depth`` (default: the ``MAX_NESTING_DEPTH``
    setting; the top-level dict counts as 1)
    raises ``NestedTooDeeply`` (400) with the message ``too_deep`` (``Query string nested too
    deeply.``; a form body passes ``BODY_TOO_DEEP``), where PHP would silently drop the
    variable.
    """
    if isinstance(data, bytes):
        raw_pairs = data.split(b"&")

        def decode(raw: Any) -> str:
            return unquote_to_bytes(raw.replace(b"+", b" ")).decode(encoding, errors)
    else:
        raw_pairs = data.split("&")

        def decode(raw: Any) -> str:
            return unquote_plus(raw, encoding=encoding, errors=errors)

    def pairs() -> Iterator[tuple[str, str]]:
        for pair in raw_pairs:
            if pair:
                name, sep, value = pair.partition(b"=" if isinstance(pair, bytes) else "=")
                yield decode(name), decode(value) if sep else ""

    return php_arrays(pairs(), max_depth=max_depth, too_deep=too_deep)


def php_arrays(
    pairs: Iterable[tuple[str, Any]],
    *,
    max_depth: int | None = None,
    too_deep: str = BODY_TOO_DEEP,
) -> dict[str, Any]:
    """Decoded ``(name, value)`` pairs stored by PHP's bracket rules (values kept as they are,
    e.g. uploaded files of a multipart body); ``parse_php_query`` is this over a query string."""
    if max_depth is None:
        max_depth = entity_settings.MAX_NESTING_DEPTH
    root = _PHPArray()
    for name, value in pairs:
        _register(root, name, value, max_depth, too_deep)
    return _root_to_python(root)


def request_query(request: Any, *, max_depth: int | None = None) -> dict[str, Any]:
    """The query string of ``request`` (Django's or DRF's) as ``parse_php_query`` reads it,
    parsed once per request (kept on the request)."""
    django_request = getattr(request, "_request", request)
    query = getattr(django_request, _QUERY_ATTR, None)
    if query is None:
        raw = get_bytes_from_wsgi(django_request.META, "QUERY_STRING", "")
        query = parse_php_query(raw, max_depth=max_depth)
        setattr(django_request, _QUERY_ATTR, query)
    return query


__all__ = ["BODY_TOO_DEEP", "QUERY_TOO_DEEP", "parse_php_query", "php_arrays", "request_query"]
