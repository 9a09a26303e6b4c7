"""Gather a controller's declared arguments from the path, the query string and the body.

Drupal passes strings through untouched; we convert to the declared type so callbacks get
Python values, and a value that does not convert is a 400 naming the argument.
"""

from __future__ import annotations

from typing import Any

from entity_resources.grammar import FALSE_STRINGS, TRUE_STRINGS
from entity_resources.limits import to_int
from services_api.exceptions import ServicesError
from services_api.resources import Arg, Controller
from services_api.settings import services_settings
from services_api.wire.parsers import unwrap

_TRUE = TRUE_STRINGS
_FALSE = FALSE_STRINGS | {""}  # an empty flag is off


def missing_argument(name: str) -> ServicesError:
    return ServicesError(
        f"Missing required argument {name}", services_settings.MISSING_ARGUMENT_STATUS
    )


def _type_error(arg: Arg, expected: str) -> ServicesError:
    return ServicesError(f"Invalid value for argument {arg.name}: expected {expected}.", 400)


def coerce(arg: Arg, value: Any) -> Any:
    """Convert ``value`` to ``arg.type``; ``None`` type accepts anything."""
    kind = arg.type
    if kind is None or value is None:
        return value
    if kind is str:
        if isinstance(value, (dict, list)):
            raise _type_error(arg, "a string")
        return value if isinstance(value, str) else str(value)
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise _type_error(arg, "a boolean (1 or 0)")
    if kind is int:
        try:
            return to_int(value)  # ASCII digits within the 64-bit range, as every number
        except ValueError:
            raise _type_error(arg, "an integer") from None
    if kind is float:
        if isinstance(value, bool) or isinstance(value, (dict, list)):
            raise _type_error(arg, "a number")
        try:
            number = float(str(value).strip())
        except ValueError:
            raise _type_error(arg, "a number") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise _type_error(arg, "a finite number")
        return number
    if kind is list:
        # Drupal's only coercion: a scalar becomes a one-element array.
        if isinstance(value, list):
            return value
        if isinstance(value, dict):
            return list(value.values())
        return [value]
    if kind is dict:
        if isinstance(value, dict):
            return value
        if value == "" or value == []:
            return {}
        raise _type_error(arg, "an object")
    return kind(value)


def gather(
    controller: Controller, path_parts: tuple[str, ...], query: dict[str, Any], body: Any
) -> dict[str, Any]:
    """Return the keyword arguments of the controller call, in declaration order."""
    values: dict[str, Any] = {}
    for arg in controller.args:
        if arg.source == "path":
            value = path_parts[arg.index] if arg.index < len(path_parts) else None
        elif arg.source == "query":
            value = query.get(arg.lookup_key)
        elif arg.whole_body:
            # A whole-body argument is never missing (an empty body is "no data").
            values[arg.name] = (
                coerce(arg, unwrap(body, arg.wrapper))
                if body != ""
                else ({} if arg.type is dict else body)
            )
            continue
        else:
            value = body.get(arg.lookup_key) if isinstance(body, dict) else None
        if value is None:
            if arg.required:
                raise missing_argument(arg.name)
            values[arg.name] = arg.default
            continue
        values[arg.name] = coerce(arg, value)
    return values


__all__ = ["coerce", "gather", "missing_argument"]
