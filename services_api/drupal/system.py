"""Drupal's ``system`` resource: ``connect`` and the variable actions (spec §8).

Variables live in ``SystemVariable`` (Drupal's ``variable`` table). Reading needs the
``services_api.view_systemvariable`` permission or staff status (Drupal's ``get a system
variable``); writing needs a superuser or ``services_api.change_systemvariable`` (``set a
system variable``). Everyone else gets ``403 : Access denied for user <name>``.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import transaction

from services_api.drupal.user import account_data, anonymous_data
from services_api.models import SystemVariable
from services_api.resources import Arg, Resource, action


def can_read_variables(request, kwargs) -> bool:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        getattr(user, "is_staff", False)
        or getattr(user, "is_superuser", False)
        or user.has_perm("services_api.view_systemvariable")
    )


def can_write_variables(request, kwargs) -> bool:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        getattr(user, "is_superuser", False) or user.has_perm("services_api.change_systemvariable")
    )


class SystemResource(Resource):
    name = "system"

    @action()
    def connect(self, request) -> dict[str, Any]:
        """``{sessid, session_name, user}``; anonymous callers get a throw-away ``sessid``
        (no session is created for them, as Drupal's lazy sessions don't)."""
        session = getattr(request._request, "session", None)
        sessid = session.session_key if session is not None else None
        user = request.user
        if getattr(user, "is_authenticated", False):
            data = account_data(user, request, with_mail=True)
        else:
            data = anonymous_data(request)
        return {
            "sessid": sessid or secrets.token_hex(16),
            "session_name": settings.SESSION_COOKIE_NAME,
            "user": data,
        }

    @action(
        args=[Arg("name"), Arg("default", None, required=False, default=None)],
        access=can_read_variables,
    )
    def get_variable(self, request, name, default):
        row = SystemVariable.objects.filter(name=name).values_list("value", flat=True).first()
        exists = row is not None or SystemVariable.objects.filter(name=name).exists()
        return row if exists else default

    @action(args=[Arg("name"), Arg("value", None, required=False)], access=can_write_variables)
    def set_variable(self, request, name, value):
        with transaction.atomic():
            SystemVariable.objects.update_or_create(name=name, defaults={"value": value})
        return None

    @action(args=[Arg("name")], access=can_write_variables)
    def del_variable(self, request, name):
        with transaction.atomic():
            SystemVariable.objects.filter(name=name).delete()
        return None


__all__ = ["SystemResource", "can_read_variables", "can_write_variables"]
