"""Drupal 7 field arrays, read and written by the core-style resources.

Drupal keeps a field's values per language and delta: ``node.body`` is
``{"und": [{"value": "Text", "format": "filtered_html"}]}`` and an empty field is ``[]``.
jDrupal and DrupalGap read ``entity[field][language][0].value`` and send the same structure
back (JSON, or ``comment_body[und][0][value]=…`` form-encoded). A registration names its
field columns in ``CoreOptions.field_arrays`` (``{"comment_body": "body_format"}``: the Drupal
column and the model field holding its text format, or ``None``); every other column stays a
plain database value. Only single-value fields are modelled: the first item is the value.

This module is the one implementation of both directions: ``field_array`` builds the
structure for rows, ``field_item`` and ``field_value`` reduce what a client sends.
"""

from __future__ import annotations

from typing import Any

#: Drupal's ``LANGUAGE_NONE``: the language key of untranslated field values.
LANGUAGE_NONE = "und"
_MAX_DEPTH = 4


def field_array(value: Any, text_format: str | None = None) -> Any:
    """A stored value as Drupal's field structure; ``None`` or ``""`` is an empty field.
    ``format`` is ``null`` for a field without one, as Drupal's plain text fields."""
    if value is None or value == "":
        return []
    return {LANGUAGE_NONE: [{"value": value, "format": text_format}]}


def _first_item(value: Any) -> Any:
    """Descend ``{"und": [item]}`` / ``{"und": {"0": item}}`` / ``[item]`` to the first item."""
    for _ in range(_MAX_DEPTH):
        if isinstance(value, list):
            if not value:
                return None
            value = value[0]
        elif isinstance(value, dict) and "value" not in value and len(value) == 1:
            value = next(iter(value.values()))
        else:
            return value
    return value


def field_item(value: Any) -> tuple[Any, str | None]:
    """What a client sent for a field column, as ``(value, format)``.

    ``{"und": [{"value": "x", "format": "plain_text"}]}`` -> ``("x", "plain_text")``; a bare
    ``"x"`` (clients that send back a plain column) -> ``("x", None)``; an empty field
    (``[]``, ``{"und": []}``) -> ``("", None)``. A format that is not a string is ``None``.
    """
    item = _first_item(value)
    if item is None:
        return "", None
    if isinstance(item, dict) and "value" in item:
        text_format = item.get("format")
        return item["value"], text_format if isinstance(text_format, str) else None
    return item, None


def field_value(value: Any) -> Any:
    """Drupal field structures reduced to their value: ``{"und": [{"value": "x"}]}`` -> ``x``;
    structures without ``value`` (``{"und": [{"tid": "5"}]}``) to their only leaf."""
    for _ in range(_MAX_DEPTH):
        if isinstance(value, dict):
            if "value" in value:
                value = value["value"]
            elif len(value) == 1:
                value = next(iter(value.values()))
            else:
                return value
        elif isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict | list):
            value = value[0]
        else:
            return value
    return value


__all__ = ["LANGUAGE_NONE", "field_array", "field_item", "field_value"]
