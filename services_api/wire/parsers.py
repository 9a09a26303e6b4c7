"""Request body parsers with Drupal Services' wire behaviour (spec §3, §4).

* ``parse_php_query`` reproduces PHP's ``parse_str``/``$_POST`` bracket rules, because clients
  written against Drupal (jDrupal, Warmshowers apps) send ``node[field_x][und][0][value]=...``;
  the one implementation is ``entity_resources.brackets`` (the DRF viewsets read their query
  strings with it too), used here with entity_resources' ``MAX_NESTING_DEPTH`` setting.
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

from entity_resources import brackets, entity_settings
from entity_resources.brackets import BODY_TOO_DEEP, QUERY_TOO_DEEP
from entity_resources.exceptions import NestedTooDeeply
from services_api.constants import default_parsers
from services_api.exceptions import ServicesError
from services_api.server.negotiation import best_match
from services_api.settings import SettingMapping, services_settings

FORM_MIME = "application/x-www-form-urlencoded"
TOO_DEEP = BODY_TOO_DEEP
TOO_LARGE = "Request body too large."
INVALID_JSON = "Invalid JSON."
XML_FORBIDDEN = "XML with DTD or entities is not allowed."

_XML_POSITION_RE = re.compile(r":\s*line \d+, column \d+$")


def _too_deep(message: str = TOO_DEEP) -> ServicesError:
    return ServicesError(message, 400)


def _depth_limit(max_depth: int | None) -> int:
    return entity_settings.MAX_NESTING_DEPTH if max_depth is None else max_depth


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


def parse_php_query(
    data: str | bytes,
    *,
    max_depth: int | None = None,
    encoding: str = "utf-8",
    errors: str = "replace",
    too_deep: str = TOO_DEEP,
) -> dict[str, Any]:
    """``entity_resources.brackets.parse_php_query`` (PHP's ``parse_str``, spec §3, §4) with the
    ``MAX_NESTING_DEPTH`` setting as the default depth and ``ServicesError`` (400 ``too_deep``,
    ``Request body nested too deeply.`` unless the caller passes ``QUERY_TOO_DEEP``) for a key
    nested deeper. PHP's ``max_input_vars`` cap is not reproduced: the body size limit bounds
    the work instead."""
    try:
        return brackets.parse_php_query(
            data,
            max_depth=_depth_limit(max_depth),
            encoding=encoding,
            errors=errors,
            too_deep=too_deep,
        )
    except NestedTooDeeply as exc:
        raise _too_deep(exc.message) from None


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
        pairs = (
            (name, value)
            for source in (fields, files)
            for name, values in source.lists()
            for value in values
        )
        try:
            return brackets.php_arrays(pairs, max_depth=_depth_limit(None))
        except NestedTooDeeply as exc:
            raise _too_deep(exc.message) from None


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
        limit = _depth_limit(None)
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
