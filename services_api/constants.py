"""Choices shared by the models, the admin, import/export and the server."""

from __future__ import annotations

from entity_resources import grammar

AUTH_METHODS = [
    ("session", "Session (cookie + X-CSRF-Token)"),
    ("basic", "HTTP Basic"),
    ("api_key", "API key (site key + user key)"),
    ("bearer", "Bearer token"),
]
RESPONSE_STYLES = [
    ("services", "Services (Drupal Services / Services Entity)"),
    ("restws", "RESTWS (paged envelope, 201 on create)"),
]
ERROR_STYLES = [
    ("drupal", "Drupal Services 3.8+ ('401 Unauthorized : msg')"),
    ("drupal_legacy", "Drupal Services 3.0-3.7 ('401 Unauthorized: msg')"),
    ("problem", "RFC 7807 application/problem+json"),
]
_COUNT_LABELS = {"exact": "Exact COUNT", "estimated": "Planner estimate", "none": "No count"}
COUNT_MODES = [(mode, _COUNT_LABELS[mode]) for mode in grammar.COUNT_MODES]
FORMATTER_CHOICES = [
    ("json", "json"),
    ("xml", "xml"),
    ("jsonp", "jsonp"),
    ("yaml", "yaml"),
    ("api", "browsable API (text/html)"),
]
PARSER_CHOICES = [
    ("application/json", "application/json"),
    ("application/x-www-form-urlencoded", "application/x-www-form-urlencoded"),
    ("multipart/form-data", "multipart/form-data"),
    ("application/xml", "application/xml"),
    ("text/xml", "text/xml"),
]
OPERATIONS = ("retrieve", "create", "update", "delete", "index")


def _with_setting(builtin: list[tuple[str, str]], setting: str) -> list[tuple[str, str]]:
    """The built-in choices the setting keeps (with their labels), then the names it adds."""
    from services_api.settings import services_settings

    available = getattr(services_settings, setting)
    labels = dict(builtin)
    return [(k, v) for k, v in builtin if k in available] + [
        (name, name) for name in available if name not in labels
    ]


def auth_method_choices() -> list[tuple[str, str]]:
    """Authentication methods an endpoint can enable (``SERVICES_API["AUTHENTICATORS"]``)."""
    return _with_setting(AUTH_METHODS, "AUTHENTICATORS")


def formatter_choices() -> list[tuple[str, str]]:
    """Response formats an endpoint can enable (``SERVICES_API["FORMATTERS"]``)."""
    return _with_setting(FORMATTER_CHOICES, "FORMATTERS")


def parser_choices() -> list[tuple[str, str]]:
    """Request parsers an endpoint can enable (``SERVICES_API["PARSERS"]``)."""
    return _with_setting(PARSER_CHOICES, "PARSERS")


def response_style_choices() -> list[tuple[str, str]]:
    """Response styles an endpoint can use (``SERVICES_API["RESPONSE_STYLES"]``)."""
    return _with_setting(RESPONSE_STYLES, "RESPONSE_STYLES")


def default_formatters() -> list[str]:
    """New endpoints answer JSON and XML, as Drupal's (php/bencode are not provided).

    Services also enables yaml when Spyc is installed; yaml would then win ``Accept: */*``
    with ``text/yaml`` and break "*/* -> XML" (spec §12.2), so yaml and jsonp are opt-in.
    """
    return ["json", "xml"]


def default_parsers() -> list[str]:
    """Every parser but form-urlencoded, as in Drupal (spec §4)."""
    return ["application/json", "multipart/form-data", "application/xml", "text/xml"]
