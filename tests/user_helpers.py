"""Shared helpers of the user/system resource tests (requests in JSON, XML and form bodies)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape

import orjson
from django.contrib.auth import get_user_model

from tests.conftest import ALL_PARSERS

USER_ALL = {
    "operations": ["retrieve", "create", "update", "delete", "index"],
    "actions": [
        "login",
        "logout",
        "token",
        "register",
        "request_new_password",
        "user_pass_reset",
    ],
    "targeted_actions": ["password_reset", "resend_welcome_email", "cancel"],
    "relationships": [],
}
SYSTEM_ALL = {
    "operations": [],
    "actions": ["connect", "get_variable", "set_variable", "del_variable"],
    "targeted_actions": [],
    "relationships": [],
}


def make_api(make_endpoint, **fields):
    fields.setdefault("allow_registration", True)
    fields.setdefault("parsers", ALL_PARSERS)
    return make_endpoint("svc", resources={"user": USER_ALL, "system": SYSTEM_ALL}, **fields)


def make_user(username: str, password: str = "secret-pass", **fields: Any):
    fields.setdefault("email", f"{username}@example.com")
    return get_user_model().objects.create_user(username, password=password, **fields)


def to_xml(data: dict[str, Any], root: str = "data") -> str:
    def element(name: str, value: Any) -> str:
        if isinstance(value, dict):
            inner = "".join(element(k, v) for k, v in value.items())
        else:
            inner = escape(str(value))
        return f"<{name}>{inner}</{name}>"

    return '<?xml version="1.0" encoding="utf-8"?>' + element(root, data)


def form_encode(data: dict[str, Any], prefix: str = "") -> str:
    """PHP bracket form encoding: ``{"account": {"name": "x"}}`` -> ``account[name]=x``."""
    pairs: list[tuple[str, str]] = []

    def walk(value: Any, key: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{key}[{k}]" if key else k)
        else:
            pairs.append((key, str(value)))

    walk(data, prefix)
    return urlencode(pairs)


def send(
    client,
    method: str,
    path: str,
    data: Any = None,
    *,
    body: str = "json",
    token: str | None = None,
    **extra: Any,
):
    """``body``: ``json``, ``xml`` or ``form``; ``path`` carries the format suffix if any."""
    if token is not None:
        extra["HTTP_X_CSRF_TOKEN"] = token
    if data is None:
        payload, content_type = b"", "application/x-www-form-urlencoded"
    elif body == "json":
        payload, content_type = json.dumps(data), "application/json"
    elif body == "xml":
        payload, content_type = to_xml(data), "application/xml"
    else:
        payload, content_type = form_encode(data), "application/x-www-form-urlencoded"
    return client.generic(
        method, path, payload, content_type=content_type, CONTENT_TYPE=content_type, **extra
    )


def js(response) -> Any:
    return orjson.loads(response.content)


def login(client, username: str, password: str = "secret-pass", **extra: Any):
    response = send(
        client, "POST", "/svc/user/login.json", {"username": username, "password": password}
    )
    assert response.status_code == 200, (response.reason_phrase, response.content)
    return js(response)
