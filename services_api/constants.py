"""Choices shared by the models, the admin, import/export and the server."""

from __future__ import annotations

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
COUNT_MODES = [("exact", "Exact COUNT"), ("estimated", "Planner estimate"), ("none", "No count")]
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


def default_formatters() -> list[str]:
    """New endpoints answer JSON and XML, as Drupal's (php/bencode are not provided)."""
    return ["json", "xml"]


def default_parsers() -> list[str]:
    """Every parser but form-urlencoded, as in Drupal (spec §4)."""
    return ["application/json", "multipart/form-data", "application/xml", "text/xml"]
