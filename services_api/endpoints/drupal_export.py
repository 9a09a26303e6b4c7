"""Read Drupal 7 Services endpoint exports (ctools Export page text or Features ``*.services.inc``).

Sites moving off Drupal already hold their endpoint configuration as PHP: ``$endpoint = new
stdClass(); $endpoint->name = 'api'; ...``. Executing that text is out of the question (it is
untrusted and we have no PHP), so this module tokenizes and parses exactly the subset such exports
use -- object creation, property and array-element assignments of literals (strings, numbers,
``TRUE``/``FALSE``/``NULL``, ``array()``/``[]``), the Features ``function ... { ... return $x; }``
wrapper and comments -- and refuses everything else with a line-numbered ``DrupalExportError``.

``normalize_endpoint`` then maps the Drupal settings (spec §11) onto the import format applied by
the ``services_import`` command, listing in plain words everything it had to leave out.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from services_api.resources import KIND_KEYS

__all__ = [
    "DrupalExportError",
    "load_drupal_export",
    "looks_like_drupal_export",
    "normalize_endpoint",
    "parse_php_export",
]


class DrupalExportError(ValueError):
    """The export is not valid PHP of the supported subset, or not a usable endpoint."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"Line {line}: {message}" if line is not None else message)


# --------------------------------------------------------------------------- tokenizer

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+|<\?php\b|<\?|\?>)                 # PHP open/close tags count as blanks
    |(?P<comment>//[^\n]*|\#[^\n]*|/\*.*?\*/)
    |(?P<var>\$[A-Za-z_][A-Za-z0-9_]*)
    |(?P<num>0[xX][0-9A-Fa-f]+|(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
    |(?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    |(?P<op>->|=>|[()\[\]{},;=+-])
    """,
    re.VERBOSE | re.DOTALL,
)
_DQ_ESCAPE_RE = re.compile(
    r"\\(?:([nrtvef\\$\"])|([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|u\{([0-9A-Fa-f]+)\})"
)
_DQ_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "v": "\v", "e": "\x1b", "f": "\f"}
_INTERPOLATION_RE = re.compile(r"\\.|\$[A-Za-z_{]|\{\$", re.DOTALL)
_MAX_DEPTH = 64


class _Token(NamedTuple):
    kind: str  # var, num, ident, str, op, eof
    text: str
    line: int


def _tokenize(text: str) -> list[_Token]:
    """Split PHP source into tokens with their starting line; comments and tags are dropped."""
    tokens: list[_Token] = []
    pos, line = 0, 1
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if match is None:
            char = text[pos]
            if char in "'\"":
                raise DrupalExportError("unterminated string", line)
            if text.startswith("/*", pos):
                raise DrupalExportError("unterminated comment", line)
            raise DrupalExportError(f"unexpected character {char!r}", line)
        kind = match.lastgroup or ""
        if kind not in ("ws", "comment"):
            tokens.append(_Token(kind, match.group(), line))
        line += match.group().count("\n")
        pos = match.end()
    tokens.append(_Token("eof", "", line))
    return tokens


def _string_value(token: _Token) -> str:
    """Decode a quoted literal the way PHP does; interpolation cannot be evaluated, so it fails."""
    body, quote = token.text[1:-1], token.text[0]
    if quote == "'":
        return re.sub(r"\\([\\'])", r"\1", body)
    for match in _INTERPOLATION_RE.finditer(body):
        if match.group()[0] != "\\":
            raise DrupalExportError(
                "variables inside double-quoted strings are not supported", token.line
            )
    # PHP strings are bytes: \x and octal escapes are bytes, the rest is UTF-8.
    out, pos = bytearray(), 0
    for match in _DQ_ESCAPE_RE.finditer(body):
        out += body[pos : match.start()].encode()
        simple, octal, hexa, uni = match.groups()
        if simple:
            out += _DQ_SIMPLE.get(simple, simple).encode()
        elif octal:
            out.append(int(octal, 8) & 0xFF)
        elif hexa:
            out.append(int(hexa, 16))
        else:
            out += chr(min(int(uni, 16), 0x10FFFF)).encode("utf-8", "surrogatepass")
        pos = match.end()
    out += body[pos:].encode()
    return out.decode("utf-8", "replace")


# --------------------------------------------------------------------------- parser


class _Object(dict):
    """A ``stdClass`` instance (kept apart from arrays so ``->`` on an array is refused)."""


def _describe(token: _Token) -> str:
    if token.kind == "eof":
        return "end of input"
    text = token.text if len(token.text) <= 30 else token.text[:27] + "..."
    return f"'{text}'"


def _array_key(value: Any, line: int) -> str | int:
    """Cast an array key as PHP does ("1" -> 1, TRUE -> 1, NULL -> "", 1.5 -> 1)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return int(value) if re.fullmatch(r"0|-?[1-9][0-9]*", value) else value
    raise DrupalExportError("arrays cannot be array keys", line)


class _Parser:
    """Recursive descent over the token list; statements may only build objects and arrays."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0
        self.vars: dict[str, Any] = {}
        self.objects: list[_Object] = []

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def next(self) -> _Token:
        token = self.tokens[self.pos]
        if token.kind != "eof":
            self.pos += 1
        return token

    def accept(self, text: str) -> bool:
        token = self.peek()
        if token.kind in ("op", "ident") and token.text.lower() == text:
            self.pos += 1
            return True
        return False

    def expect(self, text: str, what: str | None = None) -> _Token:
        token = self.peek()
        if not self.accept(text):
            raise DrupalExportError(
                f"expected {what or repr(text)} but found {_describe(token)}", token.line
            )
        return token

    def expect_kind(self, kind: str, what: str) -> _Token:
        token = self.next()
        if token.kind != kind:
            raise DrupalExportError(f"expected {what} but found {_describe(token)}", token.line)
        return token

    # statements ------------------------------------------------------------------------

    def program(self) -> list[dict]:
        self.block(closing=False)
        return [dict(obj) for obj in self.objects]

    def block(self, closing: bool, depth: int = 0) -> None:
        """Statements up to ``}`` (inside a function) or the end of the text."""
        while True:
            token = self.peek()
            if token.kind == "eof":
                if closing:
                    raise DrupalExportError("expected '}' but found end of input", token.line)
                return
            if closing and self.accept("}"):
                return
            self.statement(depth)

    def statement(self, depth: int) -> None:
        token = self.peek()
        if self.accept(";"):
            return
        if token.kind == "ident" and token.text.lower() == "function" and depth < 4:
            self.next()
            self.expect_kind("ident", "a function name")
            self.expect("(")
            self.expect(")")
            self.expect("{")
            self.block(closing=True, depth=depth + 1)
        elif token.kind == "ident" and token.text.lower() == "return" and depth > 0:
            self.next()
            if self.peek().text != ";":
                self.operand()
            self.expect(";")
        elif token.kind == "var":
            self.assignment()
        else:
            raise DrupalExportError(
                f"unexpected {_describe(token)}: only endpoint assignments are supported",
                token.line,
            )

    def assignment(self) -> None:
        var = self.next()
        if self.accept("->"):
            prop = self.expect_kind("ident", "a property name").text
            self.expect("=")
            value = self.operand()
            self.expect(";")
            target = self.vars.get(var.text)
            if not isinstance(target, _Object):
                raise DrupalExportError(f"{var.text} is not a 'new stdClass()' object", var.line)
            target[prop] = value
        elif self.accept("["):
            target = self.vars.setdefault(var.text, {})  # PHP creates the array on first use
            if not isinstance(target, dict) or isinstance(target, _Object):
                raise DrupalExportError(f"{var.text} is not an array", var.line)
            if self.accept("]"):  # $export[] = ...
                key: str | int = max([k + 1 for k in target if isinstance(k, int)], default=0)
            else:
                key = _array_key(self.value(), var.line)
                self.expect("]")
            self.expect("=")
            value = self.operand()
            self.expect(";")
            target[key] = value
        else:
            self.expect("=", "'=', '->' or '['")
            if self.accept("new"):
                cls = self.expect_kind("ident", "'stdClass'")
                if cls.text.lower() != "stdclass":
                    raise DrupalExportError(
                        f"only stdClass objects are supported, not {cls.text}", cls.line
                    )
                if self.accept("("):
                    self.expect(")")
                value: Any = _Object()
                self.objects.append(value)
            else:
                value = self.operand()
            self.expect(";")
            self.vars[var.text] = value

    # expressions -----------------------------------------------------------------------

    def operand(self) -> Any:
        """A literal, or a variable assigned earlier (``$export['api'] = $endpoint;``)."""
        token = self.peek()
        if token.kind != "var":
            return self.value()
        self.next()
        if token.text not in self.vars:
            raise DrupalExportError(f"undefined variable {token.text}", token.line)
        return self.vars[token.text]

    def value(self, depth: int = 0) -> Any:
        token = self.next()
        if token.kind == "str":
            return _string_value(token)
        if token.kind == "op" and token.text in "+-" and self.peek().kind == "num":
            number = self.value(depth)
            return -number if token.text == "-" else number
        if token.kind == "num":
            text = token.text
            if text[:2].lower() == "0x":
                return int(text, 16)
            if re.fullmatch(r"0[0-7]+", text):
                return int(text, 8)
            return int(text) if text.isdigit() else float(text)
        if token.kind == "ident":
            word = token.text.lower()
            if word in ("true", "false", "null"):
                return {"true": True, "false": False, "null": None}[word]
            if word == "array":
                self.expect("(")
                return self.array(")", depth + 1, token.line)
        if token.kind == "op" and token.text == "[":
            return self.array("]", depth + 1, token.line)
        raise DrupalExportError(f"expected a value but found {_describe(token)}", token.line)

    def array(self, closing: str, depth: int, line: int) -> dict[str | int, Any]:
        """Elements up to ``closing``; unkeyed elements get PHP's next integer index."""
        if depth > _MAX_DEPTH:
            raise DrupalExportError("arrays are nested too deeply", line)
        result: dict[str | int, Any] = {}
        next_index = 0
        while not self.accept(closing):
            item_line = self.peek().line
            item = self.value(depth)
            if self.accept("=>"):
                key = _array_key(item, item_line)
                item = self.value(depth)
            else:
                key = next_index
            if isinstance(key, int) and key >= next_index:
                next_index = key + 1
            result[key] = item
            if not self.accept(","):
                self.expect(closing)
                break
        return result


def parse_php_export(text: str) -> list[dict]:
    """Every ``new stdClass()`` object the text builds, in order, with arrays as dicts."""
    return _Parser(text).program()


# --------------------------------------------------------------------------- normalizing

_FORMATTERS = ("json", "xml", "jsonp", "yaml")  # ours, in output order
_DRUPAL_ONLY_FORMATTERS = ("php", "bencode")
_PARSERS = (
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "application/xml",
    "text/xml",
)
_DRUPAL_ONLY_PARSERS = ("application/vnd.php.serialized", "application/x-yaml")
_AUTH = {
    "services": "session",
    "services_sessauth": "session",  # the 3.0 pre-releases' name for session authentication
    "services_basic_auth": "basic",
    "basic_auth": "basic",
}
_OP_CLASSES = tuple(KIND_KEYS.values())
_KNOWN_PROPS = {"disabled", "api_version", "name", "server", "path", "debug", "eid"}
_KNOWN_PROPS |= {"authentication", "server_settings", "resources"}


def _truthy(value: Any) -> bool:
    """PHP truthiness, which is what Drupal applies to ``enabled`` flags and checkboxes."""
    return value not in (None, False, 0, 0.0, "", "0") and value != {}


def _array(value: Any, what: str) -> dict:
    if not _truthy(value):  # NULL, '' and 0 are how older exports spell "nothing"
        return {}
    if not isinstance(value, dict):
        raise DrupalExportError(f"{what} must be an array")
    return value


def _switches(
    settings: Any,
    what: str,
    ours: tuple[str, ...],
    default_off: tuple[str, ...],
    drupal_only: tuple[str, ...],
    notes: list[str],
) -> list[str]:
    """Enabled names of a formatters/parsers map: missing keys are on, except ``default_off``."""
    settings = _array(settings, f"server_settings {what}")
    for key, value in settings.items():
        if key in drupal_only and _truthy(value):
            notes.append(f"{what[:-1]} {key!r} is not available here; ignored")
        elif key not in ours and key not in drupal_only:
            notes.append(f"unknown {what[:-1]} {key!r} dropped")
    return [
        name
        for name in ours
        if (_truthy(settings[name]) if name in settings else name not in default_off)
    ]


def _api_version(resource: str, op: Any, values: dict, out: dict[str, Any]) -> bool:
    """Keep ``services.resource_api_version`` as ``api_versions[op]`` when our resource declares
    that version of the method; otherwise the setting is reported as ignored."""
    from services_api.models import api_version_problems

    version = values.get("resource_api_version")
    if version is None:
        return False
    version = str(version)
    if api_version_problems(resource, {str(op): version}):
        return False
    out.setdefault("api_versions", {})[str(op)] = version
    return True


def _resources(raw: Any, endpoint: str, notes: list[str]) -> dict[str, dict]:
    """Enabled operations per resource; settings are collected into one note per kind."""
    ignored_settings: dict[str, list[str]] = {}
    resources: dict[str, dict] = {}
    for name, conf in _array(raw, "resources").items():
        conf = _array(conf, f"resource {name!r}")
        alias = conf.get("alias") or None
        if alias is not None and not (
            isinstance(alias, str) and re.fullmatch(r"[0-9a-z_-]+", alias)
        ):
            raise DrupalExportError(
                f"endpoint {endpoint!r}, resource {name!r}: alias {alias!r} must match [0-9a-z_-]+"
            )
        out: dict[str, Any] = {"alias": alias}
        for op_class in _OP_CLASSES:
            out[op_class] = []
            for op, op_conf in _array(conf.get(op_class), f"resource {name!r} {op_class}").items():
                op_conf = _array(op_conf, f"resource {name!r} {op_class} {op!r}")
                if not _truthy(op_conf.get("enabled")):
                    continue
                out[op_class].append(str(op))
                for module, values in _array(op_conf.get("settings"), "settings").items():
                    if not _truthy(values):
                        continue
                    is_services = module == "services" and isinstance(values, dict)
                    if is_services and _api_version(name, op, values, out):
                        values = {k: v for k, v in values.items() if k != "resource_api_version"}
                        if not values:
                            continue
                    for kind in [f"services/{sub}" for sub in values] if is_services else [module]:
                        ignored_settings.setdefault(kind, []).append(f"{name}.{op}")
        for key in conf:
            if key not in _OP_CLASSES and key != "alias":
                notes.append(f"resource {name!r}: unknown key {key!r} ignored")
        if any(out[op_class] for op_class in _OP_CLASSES):
            resources[str(name)] = out
        else:
            notes.append(f"resource {name!r} has no enabled operations; skipped")
    for kind, where in ignored_settings.items():
        if kind.startswith("services/"):
            what = f"operation setting {kind.split('/', 1)[1]!r}"
        else:
            what = f"operation settings of {kind!r}"
        notes.append(f"{what} ignored on {', '.join(where)}")
    return resources


def normalize_endpoint(raw: dict) -> tuple[dict, list[str]]:
    """Map one parsed endpoint object onto our import format (spec §11), with notes on losses."""
    notes: list[str] = []
    name = raw.get("name")
    if not (isinstance(name, str) and re.fullmatch(r"[a-z0-9_]+", name)):
        raise DrupalExportError(f"endpoint name {name!r} must match [a-z0-9_]+")
    path = raw.get("path")
    if not isinstance(path, str) or not path.strip("/ "):
        raise DrupalExportError(f"endpoint {name!r}: path must be a non-empty string")
    if path.strip("/ ") != path:
        notes.append(f"path {path!r} trimmed to {path.strip('/ ')!r}")
        path = path.strip("/ ")
    if raw.get("api_version", 3) not in (3, "3"):
        notes.append(f"api_version {raw['api_version']!r} is not 3; imported as Services 3.x")
    server = raw.get("server", "rest_server")
    if server != "rest_server":
        notes.append(f"server {server!r} is not available; imported as a REST endpoint")
    for key in raw:
        if key not in _KNOWN_PROPS:
            notes.append(f"property {key!r} ignored")

    authentication: list[str] = []
    auth = raw.get("authentication")
    auth = {auth: auth} if isinstance(auth, str) and auth else auth  # 3.0-era single module name
    for module, settings in _array(auth, "authentication").items():
        module = settings if isinstance(module, int) else module  # array('services') form
        ours = _AUTH.get(module) if isinstance(module, str) else None
        if ours is None:
            notes.append(f"authentication {module!r} is not available; ignored")
        elif ours not in authentication:
            authentication.append(ours)

    server_settings = _array(raw.get("server_settings"), "server_settings")
    first = next(iter(server_settings), None)
    if isinstance(first, str) and (first == server or first.endswith("_server")):
        # Services 3.0-3.1 kept the settings under the server's name.
        server_settings = _array(server_settings.get(server, server_settings[first]), first)
    for key in server_settings:
        if key not in ("formatters", "parsers"):
            notes.append(f"server setting {key!r} ignored")
    if "formatters" in server_settings:
        formatters = _switches(
            server_settings["formatters"],
            "formatters",
            _FORMATTERS,
            ("yaml",),  # Drupal lists yaml only when Spyc is installed: no key means none
            _DRUPAL_ONLY_FORMATTERS,
            notes,
        )
    else:
        formatters = ["json", "xml"]
        notes.append(
            "no formatters set: Drupal enables all but jsonp; imported json and xml "
            "(php and bencode are not available, yaml needed the Spyc library in Drupal)"
        )
    if "parsers" in server_settings:
        parsers = _switches(
            server_settings["parsers"], "parsers", _PARSERS, (), _DRUPAL_ONLY_PARSERS, notes
        )
    else:
        parsers = [p for p in _PARSERS if p != "application/x-www-form-urlencoded"]
        notes.append("no parsers set: Drupal enables all but application/x-www-form-urlencoded")

    config = {
        "name": name,
        "path": path,
        "enabled": not _truthy(raw.get("disabled", False)),
        "authentication": authentication,
        "formatters": formatters,
        "parsers": parsers,
        "debug": _truthy(raw.get("debug", 0)),
        "resources": _resources(raw.get("resources"), name, notes),
    }
    return config, notes


def load_drupal_export(text: str) -> list[tuple[dict, list[str]]]:
    """Parse and normalize every endpoint of an export; names and paths must be unique."""
    endpoints = [normalize_endpoint(raw) for raw in parse_php_export(text)]
    if not endpoints:
        raise DrupalExportError("no endpoint found (expected '$endpoint = new stdClass();')")
    for field in ("name", "path"):
        seen = [config[field] for config, _ in endpoints]
        for value in seen:
            if seen.count(value) > 1:
                raise DrupalExportError(f"two endpoints share the {field} {value!r}")
    return endpoints


def looks_like_drupal_export(text: str) -> bool:
    """Whether ``text`` is a PHP endpoint export rather than our own JSON/YAML import format."""
    return bool(re.search(r"new\s+stdClass\b", text, re.IGNORECASE)) and "->" in text
