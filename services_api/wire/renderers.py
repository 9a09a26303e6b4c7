"""Response formatters with Drupal Services 3.x wire shapes (spec §5).

Each formatter is a DRF renderer plus a pure ``render_*`` function doing the work, so the
dispatcher can render without a DRF ``Response`` (errors, benchmarks). The shapes are Drupal's,
not DRF's: JSON wraps scalars in a list, XML is ``<result>`` with ``<item>`` children, JSONP is
``cb(<json>);``. Which formatters an endpoint serves and which mime types select them live in
``FORMATTERS``, ``FORMAT_MIME_TYPES`` and ``DEFAULT_FORMATTERS``; negotiation is in
``services_api.server.negotiation``.

The renderers declare ``charset = "utf-8"``; Drupal itself sends no charset (spec §5.1), so the
dispatcher passes an explicit ``content_type`` when it wants Drupal's exact header.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson
import yaml
from django.utils.functional import Promise
from rest_framework.renderers import BaseRenderer
from rest_framework_xml.renderers import XMLRenderer

from services_api.constants import default_formatters
from services_api.exceptions import ServicesError
from services_api.settings import SettingMapping

# --------------------------------------------------------------------------------------------
# JSON


# Values PHP's ``is_scalar`` would accept (Decimal and lazy strings are strings to Drupal;
# dates, times and UUIDs are what a Drupal resource would have formatted into a string).
_SCALARS = (str, int, float, Decimal, Promise, bytes, datetime.date, datetime.time, UUID)

# Non-string keys: Drupal arrays are keyed by ints (``roles`` keyed by rid).
_ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS


def _json_default(value: Any) -> Any:
    """Types orjson does not know: the string a Drupal resource would have sent."""
    if isinstance(value, Decimal | Promise):
        return str(value)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, set | frozenset):
        return list(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")


def encode_json(data: Any) -> bytes:
    """``data`` as JSON bytes, without Drupal's scalar wrapping (see ``render_json``)."""
    return orjson.dumps(data, default=_json_default, option=_ORJSON_OPTIONS)


def render_json(data: Any) -> bytes:
    """Drupal's JSON: scalars wrapped in a list (``[true]``, ``["msg"]``), ``None`` bare ``null``.

    Dicts and lists go out as they are (a Python dict stays an object even when empty, where a
    PHP empty array would be ``[]``). ``/`` is not escaped, as in Services. Non-ASCII text stays
    raw UTF-8 instead of PHP's ``\\uXXXX`` escapes: both are the same JSON to every parser, and
    orjson cannot escape. Decimals and lazy translation strings become strings; datetimes and
    UUIDs use orjson's RFC 3339 / canonical forms.
    """
    if isinstance(data, _SCALARS):
        data = [data]
    return encode_json(data)


class ServicesJSONRenderer(BaseRenderer):
    """``application/json`` in Drupal's shape (see ``render_json``)."""

    media_type = "application/json"
    format = "json"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type=None, renderer_context=None) -> bytes:
        return render_json(data)


# --------------------------------------------------------------------------------------------
# JSONP

# Beyond Drupal: Services silently filters the callback to ``[A-Za-z0-9_.-]``; we refuse anything
# that is not a dotted JavaScript identifier path so no caller-chosen text reaches the script.
_CALLBACK_RE = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*")
MAX_CALLBACK_LENGTH = 60


def validate_jsonp_callback(callback: str | None) -> str | None:
    """The callback if it is a safe identifier path, ``None`` if absent or empty.

    Raises ``ServicesError`` 400 otherwise. The dispatcher may call this before running the
    controller so a bad callback fails before any side effect.
    """
    if not callback:
        return None
    if len(callback) > MAX_CALLBACK_LENGTH or not _CALLBACK_RE.fullmatch(callback):
        raise ServicesError("Invalid JSONP callback.", 400)
    return callback


def render_jsonp(data: Any, callback: str | None) -> bytes:
    """``cb(<json>);`` or, without a callback, the plain JSON body."""
    callback = validate_jsonp_callback(callback)
    body = render_json(data)
    if callback is None:
        return body
    return b"%s(%s);" % (callback.encode("ascii"), body)


def _callback_from_context(renderer_context: Mapping[str, Any] | None) -> str | None:
    if not renderer_context:
        return None
    if renderer_context.get("callback") is not None:
        return renderer_context["callback"]
    request = renderer_context.get("request")
    params = getattr(request, "query_params", None)
    if params is None:
        params = getattr(request, "GET", None)
    return params.get("callback") if params is not None else None


class JSONPRenderer(BaseRenderer):
    """``text/javascript``: ``cb(<json>);`` with ``cb`` from ``?callback`` (off by default).

    The callback comes from ``renderer_context["callback"]`` or else the request's ``callback``
    query parameter; an invalid one raises ``ServicesError`` 400. The server sets
    ``X-Content-Type-Options: nosniff`` so the body is never sniffed as something else.
    """

    media_type = "text/javascript"
    format = "jsonp"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type=None, renderer_context=None) -> bytes:
        return render_jsonp(data, _callback_from_context(renderer_context))


# --------------------------------------------------------------------------------------------
# XML

# PHP ``is_numeric`` (PHP 8: surrounding whitespace allowed; no hex, no "inf").
_NUMERIC_RE = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*", re.ASCII)
_NAME_BAD_CHAR_RE = re.compile(r"[^A-Za-z0-9_]")
# Text needing work: markup characters, CR (libxml writes ``&#13;``) and characters XML 1.0
# cannot carry at all, which are dropped (beyond Drupal, whose output would not parse).
_TEXT_SPECIAL_RE = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT_INVALID_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'


@functools.lru_cache(maxsize=2048)
def _str_key_element(key: str) -> tuple[str, bool]:
    """``(element name, numeric)`` for a string key, Services' way.

    Numeric keys (PHP ``is_numeric``) are ``item``; other keys get each byte outside
    ``[A-Za-z0-9_]`` replaced by ``_`` and a ``_`` before a leading digit; ``""`` means skip.
    """
    if _NUMERIC_RE.fullmatch(key):
        return "item", True
    name = _NAME_BAD_CHAR_RE.sub(lambda m: "_" * len(m.group().encode("utf-8", "replace")), key)
    if name[:1].isdigit():
        name = "_" + name
    return name, False


def _escape_text(text: str) -> str:
    if not _TEXT_SPECIAL_RE.search(text):
        return text
    text = _TEXT_INVALID_RE.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _php_float(value: float) -> str:
    """PHP's string form of a float, close enough: ``1.0`` -> ``1``, ``inf`` -> ``INF``."""
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _scalar_text(value: Any) -> str:
    """Text of a leaf the way PHP casts it: ``True`` -> ``1``, ``False`` -> empty."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        return _php_float(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _key_element(key: Any) -> tuple[str, bool]:
    if type(key) is str:
        return _str_key_element(key)
    if isinstance(key, int | float):  # bool included: PHP casts it to an int key
        return "item", True
    if key is None:  # PHP's "" key
        return "", False
    return _str_key_element(_scalar_text(key))


def _write_xml(parts: list[str], name: str, data: Any) -> None:
    """Append element ``name`` holding ``data`` to ``parts`` (Services' ``xml_recurse``)."""
    kind = type(data)
    if kind is str:  # the common leaf first
        parts.append(f"<{name}>{_escape_text(data)}</{name}>")
        return
    if kind is dict or (kind is not list and isinstance(data, Mapping)):
        items = data.items()
    elif kind is list or isinstance(data, list | tuple | set | frozenset):
        items = None
    elif data is None:
        parts.append(f"<{name}/>")
        return
    else:
        parts.append(f"<{name}>{_escape_text(_scalar_text(data))}</{name}>")
        return
    if not data:
        parts.append(f"<{name}/>")
        return
    head = len(parts)
    parts.append("")  # the start tag, known once we know whether a key was non-numeric
    is_array = True
    if items is None:
        for value in data:
            _write_xml(parts, "item", value)
    else:
        for key, value in items:
            child, numeric = _key_element(key)
            if not numeric:
                is_array = False
            if child:  # PHP cannot create an element with an empty name: skipped
                _write_xml(parts, child, value)
    if len(parts) == head + 1:  # only skipped keys: no children
        parts[head] = f"<{name}/>"
        return
    parts[head] = f'<{name} is_array="true">' if is_array else f"<{name}>"
    parts.append(f"</{name}>")


class DrupalXMLRenderer(XMLRenderer):
    """``application/xml`` exactly as Services' ``ServicesXMLFormatter`` (spec §5.3).

    ``<result>`` root, no indentation, keys as element names (numeric keys -> ``<item>``),
    ``is_array="true"`` on non-empty all-numeric arrays (every list), ``True`` -> ``1``,
    ``False`` -> ``<x></x>``, ``None`` and empty containers -> ``<x/>``. Scalars are not wrapped.
    """

    media_type = "application/xml"
    format = "xml"
    charset = "utf-8"
    root_tag_name = "result"
    item_tag_name = "item"

    def render(self, data: Any, accepted_media_type=None, renderer_context=None) -> bytes:
        return render_xml(data)

    def _to_xml(self, parts: list[str], data: Any) -> None:  # type: ignore[override]
        """Element writing of the base class, replaced: ``data`` as ``<result>`` into ``parts``."""
        _write_xml(parts, self.root_tag_name, data)


def render_xml(data: Any) -> bytes:
    """The Services XML document for ``data`` (see ``DrupalXMLRenderer``)."""
    parts = [_XML_HEAD]
    _write_xml(parts, "result", data)
    parts.append("\n")
    return "".join(parts).encode("utf-8")


# --------------------------------------------------------------------------------------------
# YAML

_YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _plain(value: Any) -> Any:
    """Plain dict/list/str/number tree safe_dump accepts (no OrderedDict, Decimal, UUID...)."""
    kind = type(value)
    if value is None or kind is str or kind is bool or kind is int or kind is float:
        return value
    # Subclasses (SafeString, enums) are not safe_dump-able: down to the base type.
    for base in (str, int, float):
        if isinstance(value, base):
            return base(value)
    if isinstance(value, Mapping):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)  # Decimal, UUID, lazy strings


def render_yaml(data: Any) -> bytes:
    """Block-style YAML of ``data`` as is (no scalar wrapping), keys in their given order."""
    return yaml.dump(
        _plain(data),
        Dumper=_YAML_DUMPER,
        allow_unicode=True,
        default_flow_style=False,
        sort_keys=False,
        encoding="utf-8",
    )


class YAMLRenderer(BaseRenderer):
    """YAML (off by default). Served as ``application/x-yaml`` unless ``text/plain`` or
    ``text/yaml`` was negotiated: Services lists ``text/plain`` first, but a YAML body labelled
    ``text/plain`` by default would mislead clients."""

    media_type = "application/x-yaml"
    format = "yaml"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type=None, renderer_context=None) -> bytes:
        return render_yaml(data)


# --------------------------------------------------------------------------------------------
# Registry

#: Renderer classes by format: a view of ``SERVICES_API["FORMATTERS"]``.
FORMATTERS = SettingMapping("FORMATTERS")

# Spec §5.1, in Services' order (negotiation ties break on the mime string, not this order).
FORMAT_MIME_TYPES: dict[str, tuple[str, ...]] = {
    "xml": ("application/xml", "text/xml"),
    "json": ("application/json",),
    "jsonp": ("text/javascript", "application/javascript"),
    "yaml": ("text/plain", "application/x-yaml", "text/yaml"),
    "api": ("text/html",),
}

#: Formatters on for a new endpoint (defined in ``constants.default_formatters``).
DEFAULT_FORMATTERS: tuple[str, ...] = tuple(default_formatters())


def mime_types(fmt: str) -> tuple[str, ...]:
    """The media types format ``fmt`` answers to: Services' list, else its renderer's type."""
    return FORMAT_MIME_TYPES.get(fmt) or (FORMATTERS[fmt].media_type,)


def renderer_for(fmt: str) -> BaseRenderer:
    """A renderer instance for the format ``fmt``."""
    return FORMATTERS[fmt]()


def default_mime_type(fmt: str) -> str:
    """Content-Type of ``fmt`` when it was not negotiated (the renderer's ``media_type``)."""
    return FORMATTERS[fmt].media_type


__all__ = [
    "DEFAULT_FORMATTERS",
    "FORMATTERS",
    "FORMAT_MIME_TYPES",
    "MAX_CALLBACK_LENGTH",
    "DrupalXMLRenderer",
    "JSONPRenderer",
    "ServicesJSONRenderer",
    "YAMLRenderer",
    "default_mime_type",
    "mime_types",
    "render_json",
    "render_jsonp",
    "render_xml",
    "render_yaml",
    "renderer_for",
    "validate_jsonp_callback",
]
