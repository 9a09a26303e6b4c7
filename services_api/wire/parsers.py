"""Request body parsers with Drupal Services' wire behaviour (spec §3, §4).

* ``parse_php_query`` reproduces PHP's ``parse_str``/``$_POST`` bracket rules, because clients
  written against Drupal (jDrupal, Warmshowers apps) send ``node[field_x][und][0][value]=...``.
* The parser classes are DRF parsers, but raise ``ServicesError`` so the status codes are
  Drupal's: bad JSON ``400 : Invalid JSON.``, bad XML ``406 Not Acceptable : Line L, Col C: ...``,
  an unknown Content-Type ``406 ... Unsupported request content type <mime>`` (never 415).
* Beyond Drupal: bodies are capped at ``MAX_BODY_BYTES`` (413) and parsed values at
  ``MAX_NESTING_DEPTH`` (400), and XML with a DTD or entities is refused (406), so a client
  cannot exhaust memory or recursion. The PHP-serialized parser is deliberately absent (Services
  removed it in 3.19 for object injection), so such requests get the 406 above.

PHP arrays become Python values the way Drupal's JSON formatter renders them: an array whose
keys are exactly ``0..n-1`` in insertion order is a ``list``, any other array a ``dict`` with
string keys. The top level of a query or form is always a ``dict``.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from typing import IO, Any
from urllib.parse import unquote_plus, unquote_to_bytes
from xml.etree.ElementTree import Element, ParseError
from xml.parsers.expat import ErrorString

import orjson
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files import uploadhandler
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from rest_framework.parsers import BaseParser

from services_api.constants import default_parsers
from services_api.exceptions import ServicesError
from services_api.server.negotiation import best_match
from services_api.settings import SettingMapping, services_settings

FORM_MIME = "application/x-www-form-urlencoded"
TOO_DEEP = "Request body nested too deeply."
QUERY_TOO_DEEP = "Query string nested too deeply."
TOO_LARGE = "Request body too large."
INVALID_JSON = "Invalid JSON."
XML_FORBIDDEN = "XML with DTD or entities is not allowed."

_LONG_MAX = 2**63 - 1
_LONG_MIN = -(2**63)
# PHP's ZEND_HANDLE_NUMERIC_STR: canonical decimal integers are integer keys ("0", "-3", not "03").
_NUMERIC_KEY_RE = re.compile(r"-?[1-9][0-9]*|0")
# C isspace(): PHP skips one of these right after "[" when looking for "[]".
_C_SPACE = frozenset(" \t\n\v\f\r")
_UNTERMINATED_MANGLE = str.maketrans(" .[", "___")
_XML_POSITION_RE = re.compile(r":\s*line \d+, column \d+$")


def _too_deep(message: str = TOO_DEEP) -> ServicesError:
    return ServicesError(message, 400)


def _depth_limit(max_depth: int | None) -> int:
    return services_settings.MAX_NESTING_DEPTH if max_depth is None else max_depth


def check_depth(value: Any, max_depth: int | None = None) -> None:
    """Raise 400 when ``value`` nests containers deeper than ``max_depth`` (default: setting).

    A scalar has depth 0 and a dict/list 1 + its deepest child, so ``{"a": {"b": "1"}}`` has
    depth 2. Iterative, so a hostile body cannot hit Python's recursion limit here.
    """
    limit = _depth_limit(max_depth)
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth > limit:
            raise _too_deep()
        stack.extend((child, depth + 1) for child in children)


# --- PHP parse_str -------------------------------------------------------------------------


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
        """Drupal's JSON view: keys exactly ``0..n-1`` in order -> list, else string-keyed dict."""
        if list(self.items) == list(range(len(self.items))):
            return [_to_python(v) for v in self.items.values()]
        return {str(k): _to_python(v) for k, v in self.items.items()}


def _to_python(value: Any) -> Any:
    return value.to_python() if isinstance(value, _PHPArray) else value


def _root_to_python(root: _PHPArray) -> dict[str, Any]:
    return {str(k): _to_python(v) for k, v in root.items.items()}


def _register(
    root: _PHPArray, name: str, value: Any, max_depth: int, too_deep: str = TOO_DEEP
) -> None:
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
            raise _too_deep(too_deep)
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
    too_deep: str = TOO_DEEP,
) -> dict[str, Any]:
    """Parse a query string or form body exactly like PHP's ``parse_str`` (spec §3, §4).

    ``a[b]=1`` -> ``{"a": {"b": "1"}}``; ``a[]=1&a[]=2`` -> ``{"a": ["1", "2"]}``;
    ``a[0][x]=1&a[1][x]=2`` -> ``{"a": [{"x": "1"}, {"x": "2"}]}``; repeated plain keys: last
    wins; ``.``/space in top-level names -> ``_``; ``+`` is a space; pairs without a name are
    skipped and a pair without ``=`` has the value ``""``. Values are always strings.
    Percent-decoded bytes are decoded with ``encoding``/``errors`` (``errors="strict"`` raises
    ``UnicodeDecodeError``). Nesting deeper than ``max_depth`` (default ``MAX_NESTING_DEPTH``;
    the top-level dict counts as 1) raises 400 with the message ``too_deep`` (``Request body
    nested too deeply.``; the server passes ``QUERY_TOO_DEEP`` for the query string), where
    PHP would silently drop the variable. PHP's ``max_input_vars`` cap is not reproduced: the body
    size limit bounds the work instead.
    """
    limit = _depth_limit(max_depth)
    root = _PHPArray()
    if isinstance(data, bytes):
        pairs = data.split(b"&")

        def decode(raw: Any) -> str:
            return unquote_to_bytes(raw.replace(b"+", b" ")).decode(encoding, errors)
    else:
        pairs = data.split("&")

        def decode(raw: Any) -> str:
            return unquote_plus(raw, encoding=encoding, errors=errors)

    for pair in pairs:
        if not pair:
            continue
        name, sep, value = pair.partition(b"=" if isinstance(pair, bytes) else "=")
        _register(root, decode(name), decode(value) if sep else "", limit, too_deep)
    return _root_to_python(root)


# --- reading bodies ------------------------------------------------------------------------


def read_body(stream: IO[bytes] | None, limit: int | None = None) -> bytes:
    """The whole body, reading at most ``limit + 1`` bytes (default ``MAX_BODY_BYTES``); 413 above.

    Content-Length is checked by the server before parsing; this catches bodies that lie about
    it or have none (chunked).
    """
    limit = services_settings.MAX_BODY_BYTES if limit is None else limit
    if stream is None:
        return b""
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = stream.read(limit + 1 - total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise ServicesError(TOO_LARGE, 413)
    return b"".join(chunks)


class _LimitedStream:
    """File-like wrapper raising 413 once more than ``limit`` bytes have been read."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream = stream
        self.remaining = limit

    def read(self, size: int = -1) -> bytes:
        want = self.remaining + 1 if size is None or size < 0 else min(size, self.remaining + 1)
        data = self.stream.read(want)
        self.remaining -= len(data)
        if self.remaining < 0:
            raise ServicesError(TOO_LARGE, 413)
        return data


def _context_encoding(parser_context: dict | None) -> str:
    return (parser_context or {}).get("encoding") or "utf-8"


def _context_limit(parser_context: dict | None) -> int:
    """The body limit the server chose for this controller (``Resource.max_body_bytes``)."""
    limit = (parser_context or {}).get("max_body_bytes")
    return services_settings.MAX_BODY_BYTES if limit is None else limit


# --- parsers -------------------------------------------------------------------------------


class ServicesJSONParser(BaseParser):
    """JSON via orjson. An empty body and the JSON string ``""`` (jDrupal's "no data") are
    ``""``; ``null`` or undecodable JSON is ``400 : Invalid JSON.`` (Services 3.13+)."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        body = read_body(stream, _context_limit(parser_context))
        if not body.strip():
            return ""
        try:
            encoding = _context_encoding(parser_context)
            if codecs.lookup(encoding).name != "utf-8":  # a declared charset other than UTF-8
                body = body.decode(encoding)
            data = orjson.loads(body)
        except (orjson.JSONDecodeError, LookupError, UnicodeDecodeError):
            raise ServicesError(INVALID_JSON, 400) from None
        if data is None:
            raise ServicesError(INVALID_JSON, 400)
        check_depth(data)
        return data


class PHPFormParser(BaseParser):
    """``application/x-www-form-urlencoded`` with PHP's bracket rules (see ``parse_php_query``).

    Off on new endpoints (as in Drupal) but needed by jDrupal's login and seed:ws clients.
    """

    media_type = FORM_MIME

    def parse(self, stream, media_type=None, parser_context=None) -> dict[str, Any]:
        body = read_body(stream, _context_limit(parser_context))
        encoding = _context_encoding(parser_context)
        try:
            return parse_php_query(body, encoding=encoding, errors="strict")
        except (UnicodeDecodeError, LookupError):
            raise ServicesError("Invalid form data encoding.", 400) from None


class ServicesMultiPartParser(BaseParser):
    """``multipart/form-data``: Django's parser, then PHP bracket rules on the field names.

    Uploads are stored under their (bracketed) field names next to the fields, so
    ``files[file]`` gives ``{"files": {"file": <UploadedFile>}}``; a file wins over a field of
    the same name. Repeated names are grouped by Django, so an exotic mix of ``x[]`` and
    ``x[5]`` can number differently from PHP. ``parser_context`` needs the ``request`` (for
    ``META`` and upload handlers) or a ``meta`` dict.
    """

    media_type = "multipart/form-data"

    def parse(self, stream, media_type=None, parser_context=None) -> dict[str, Any]:
        context = parser_context or {}
        request = context.get("request")
        meta = dict(context.get("meta") or getattr(request, "META", None) or {})
        if media_type:
            meta["CONTENT_TYPE"] = media_type
        limit = _context_limit(context)
        try:
            too_big = int(meta.get("CONTENT_LENGTH") or 0) > limit
        except ValueError:
            raise ServicesError("Invalid Content-Length.", 400) from None
        if too_big:
            raise ServicesError(TOO_LARGE, 413)
        handlers = getattr(request, "upload_handlers", None) or [
            uploadhandler.load_handler(path, request) for path in settings.FILE_UPLOAD_HANDLERS
        ]
        encoding = context.get("encoding") or settings.DEFAULT_CHARSET
        if stream is None:
            return {}
        try:
            body = _LimitedStream(stream, limit)
            fields, files = DjangoMultiPartParser(meta, body, handlers, encoding).parse()
        except MultiPartParserError as exc:
            raise ServicesError(str(exc), 400) from None
        except RequestDataTooBig:
            raise ServicesError(TOO_LARGE, 413) from None
        except (TooManyFieldsSent, TooManyFilesSent) as exc:
            raise ServicesError(str(exc), 400) from None
        depth = services_settings.MAX_NESTING_DEPTH
        root = _PHPArray()
        for source in (fields, files):
            for name, values in source.lists():
                for value in values:
                    _register(root, name, value, depth)
        return _root_to_python(root)


def _xml_value(element: Element) -> Any:
    """Root name ignored; children -> keys; leaf -> text (``""`` if empty);
    ``is_array="true"`` -> list of the children's values; repeated names -> list."""
    children = list(element)
    if element.get("is_array") == "true":
        return [_xml_value(child) for child in children]
    if not children:
        return element.text or ""
    result: dict[str, Any] = {}
    repeated: set[str] = set()
    for child in children:
        name = child.tag.rpartition("}")[2]  # local name, as SimpleXML's getName()
        value = _xml_value(child)
        if name in repeated:
            result[name].append(value)
        elif name in result:
            result[name] = [result[name], value]
            repeated.add(name)
        else:
            result[name] = value
    return result


_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']{0,40})""")


def _declared_encoding(body: bytes) -> str:
    """libxml's wording for an XML declaration naming an encoding it cannot read."""
    match = _XML_ENCODING_RE.match(body)
    name = match.group(1).decode("ascii", "replace") if match else ""
    return f"Unsupported encoding {name}".rstrip()


class ServicesXMLParser(BaseParser):
    """XML via defusedxml (DTDs and entities refused with 406). An empty body is ``""``.

    Bad XML is ``406 Not Acceptable : Line L, Col C: <message>`` like Services' libxml report;
    the message is expat's and the column is 1-based, as libxml counts.
    """

    media_type = "application/xml"

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        body = read_body(stream, _context_limit(parser_context))
        if not body.strip():
            return ""
        try:
            root = SafeElementTree.fromstring(body, forbid_dtd=True)
        except DefusedXmlException:
            raise ServicesError(XML_FORBIDDEN, 406) from None
        except (LookupError, ValueError):
            # expat refuses the declared encoding before parsing (unknown or multi-byte).
            raise ServicesError(f"Line 1, Col 1: {_declared_encoding(body)}", 406) from None
        except ParseError as exc:
            line, column = getattr(exc, "position", (0, 0))
            code = getattr(exc, "code", None)
            message = ErrorString(code) if code else _XML_POSITION_RE.sub("", str(exc))
            raise ServicesError(f"Line {line}, Col {column + 1}: {message}", 406) from None
        limit = services_settings.MAX_NESTING_DEPTH
        # Bound the conversion's recursion first: n nested elements give depth >= n - 1.
        stack = [(root, 1)]
        while stack:
            element, depth = stack.pop()
            if depth > limit + 1:
                raise _too_deep()
            stack.extend((child, depth + 1) for child in element)
        data = _xml_value(root)
        check_depth(data, limit)  # repeated names add list levels
        return data


class ServicesTextXMLParser(ServicesXMLParser):
    media_type = "text/xml"


#: Parser classes by media type: a view of ``SERVICES_API["PARSERS"]``.
PARSERS = SettingMapping("PARSERS")

#: On for a new endpoint (spec §4; defined in ``constants.default_parsers``).
DEFAULT_PARSERS: tuple[str, ...] = tuple(default_parsers())


def select_parser(content_type: str | None, enabled: Sequence[str]) -> type[BaseParser]:
    """The parser class for a request's Content-Type among the endpoint's ``enabled`` mimes.

    Parameters are dropped and case ignored; no Content-Type means form-urlencoded. Matching
    is Services' mimeparse (so a wildcard Content-Type matches too). A value without ``/`` is
    ``406 Malformed media type`` with an empty body (Drupal: a 500); no match is
    ``406 Not Acceptable : Unsupported request content type <mime>`` (never 415).
    """
    mime = (content_type or "").split(";", 1)[0].strip().lower() or FORM_MIME
    usable = tuple(m for m in enabled if m in PARSERS)
    match = best_match(usable, mime)  # raises MalformedMime for "json" and the like
    if not match:
        raise ServicesError(f"Unsupported request content type {mime}", 406)
    return PARSERS[match]


#: What wsgiref's simple server (``manage.py runserver``) puts into ``CONTENT_TYPE`` when the
#: request has no Content-Type header at all; it tells the two apart only by SERVER_SOFTWARE.
_WSGIREF_INVENTED = "text/plain"
_WSGIREF_SOFTWARE = "WSGIServer/"


def request_content_type(meta: dict) -> str | None:
    """The Content-Type the client sent, or ``None`` when it sent none.

    Under wsgiref (Django's ``runserver``) a request without the header arrives with a bare
    ``text/plain`` (``email.message``'s default): that is taken as "none", so Drupal's rule
    (no Content-Type: the body is form-urlencoded) holds on every server. The price: a client
    sending an explicit bare ``text/plain`` to runserver is treated the same way.
    """
    value = (meta.get("CONTENT_TYPE") or "").strip()
    if not value:
        return None
    if value == _WSGIREF_INVENTED and str(meta.get("SERVER_SOFTWARE", "")).startswith(
        _WSGIREF_SOFTWARE
    ):
        return None
    return value


def parse_request_body(request: Any, enabled: Sequence[str], context: dict) -> Any:
    """Parse a POST/PUT body the way Drupal's REST server does: the one place a parser is chosen.

    The parser follows the request's Content-Type (``select_parser``); a request without one is
    form-urlencoded. An empty body without a Content-Type needs no parser (PHP's ``$_POST``
    is simply empty): it is ``{}`` even where the form parser is off, so ``POST user/logout``
    or ``POST message/get`` with no body and no header works on every endpoint.
    """
    meta = request.META
    content_type = request_content_type(meta)
    if content_type is None and FORM_MIME not in enabled:
        length = meta.get("CONTENT_LENGTH") or ""
        if length in ("", "0") and not read_body(request, _context_limit(context)):
            return {}
    parser_class = select_parser(content_type, enabled)
    return parser_class().parse(request, content_type or FORM_MIME, context)


def unwrap(body: Any, wrapper: str) -> Any:
    """Legacy unwrapping (spec §3): ``{"node": {...}}`` -> ``{...}`` when ``node`` is the only
    key and holds an array (dict or list); anything else is returned unchanged."""
    if isinstance(body, dict) and len(body) == 1 and wrapper in body:
        inner = body[wrapper]
        if isinstance(inner, dict | list):
            return inner
    return body


__all__ = [
    "DEFAULT_PARSERS",
    "PARSERS",
    "PHPFormParser",
    "QUERY_TOO_DEEP",
    "ServicesJSONParser",
    "ServicesMultiPartParser",
    "ServicesTextXMLParser",
    "ServicesXMLParser",
    "check_depth",
    "parse_php_query",
    "parse_request_body",
    "read_body",
    "request_content_type",
    "select_parser",
    "unwrap",
]
