"""Warmshowers feedback ("trust referral") created through the core-style ``node`` resource.

The Warmshowers app posts feedback as a node of type ``trust_referral``
(warmshowers-rest-api.txt)::

    POST /services/rest/node
    node[type]=trust_referral
    node[field_member_i_trust][0][uid][uid]=<username>      (the username, not the uid)
    node[field_rating][value]=Positive|Neutral|Negative
    node[body]=<text>
    node[field_guest_or_host][value]=Guest|Host|Met Traveling|Other
    node[field_hosting_date][0][value][year]=<year>
    node[field_hosting_date][0][value][month]=<1-12>

The demo registers ``create_trust_referral`` as the ``node`` resource's bundle handler
(``bundles={"trust_referral": create_trust_referral}``): it saves a ``Feedback`` and returns its
id, answered as ``{"nid": "<id>", "uri": "..."}``. Bad input is a 406 with
``{"form_errors": {"<field>": "<message>"}}`` naming the Drupal field; nothing is saved.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from entity_resources.exceptions import InvalidData

from .models import Feedback


def _first(value: Any) -> Any:
    """``[x]`` or ``{"0": x}`` (PHP's numeric keys) -> ``x``."""
    if isinstance(value, list):
        return value[0] if value else None
    if isinstance(value, dict) and "0" in value:
        return value["0"]
    return value


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        value = _first(value)
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    value = _first(value)
    return value if isinstance(value, str) else None


def _choice(errors: dict, field: str, value: str | None, choices) -> str:
    allowed = [c[0] for c in choices]
    if value is None or value == "":
        errors[field] = f"{field} field is required."
    elif value not in allowed:
        errors[field] = f"An illegal choice has been detected: {value}. Use {', '.join(allowed)}."
    return value or ""


def _hosting_date(errors: dict, data: dict) -> datetime.date | None:
    year = _dig(data.get("field_hosting_date"), "value", "year")
    month = _dig(data.get("field_hosting_date"), "value", "month")
    if not year and not month:
        return None
    try:
        return datetime.date(int(year or ""), int(month or ""), 1)
    except (TypeError, ValueError):
        errors["field_hosting_date"] = "Hosting date needs a valid year and month (1-12)."
        return None


def create_trust_referral(request: Any, data: dict) -> int:
    """Bundle handler: save the feedback ``request.user`` gives; returns its id."""
    errors: dict[str, str] = {}
    username = _dig(data.get("field_member_i_trust"), "uid", "uid")
    recipient = None
    if not username:
        errors["field_member_i_trust"] = "Member field is required."
    else:
        recipient = get_user_model()._default_manager.filter(username=username).first()
        if recipient is None:
            errors["field_member_i_trust"] = f"There is no member with the username {username}."
        elif recipient.pk == request.user.pk:
            errors["field_member_i_trust"] = "You cannot leave feedback for yourself."
    rating = _choice(
        errors, "field_rating", _dig(data.get("field_rating"), "value"), Feedback.RATINGS
    )
    guest_or_host = _choice(
        errors,
        "field_guest_or_host",
        _dig(data.get("field_guest_or_host"), "value"),
        Feedback.GUEST_OR_HOST,
    )
    body = data.get("body")
    body = _dig(body, "value") if isinstance(body, dict | list) else body
    if not isinstance(body, str) or not body.strip():
        errors["body"] = "Body field is required."
    hosting_date = _hosting_date(errors, data)
    if errors:
        raise InvalidData(errors)
    with transaction.atomic():
        feedback = Feedback.objects.create(
            author=request.user,
            recipient=recipient,
            rating=rating,
            body=body,
            guest_or_host=guest_or_host,
            hosting_date=hosting_date,
        )
    return feedback.pk


__all__ = ["create_trust_referral"]
