"""Who may do what: Django model permissions per operation, anonymous read, object hook.

- ``retrieve``/``index``/relationships need ``view_<model>`` (or ``change_<model>``, which
  implies it, as in the admin) unless the registration sets ``anonymous_read``; then anyone may
  read (row visibility is the ``queryset_hook``'s job, e.g. published rows only).
- ``create`` needs ``add_<model>``, ``update`` ``change_<model>``, ``delete`` ``delete_<model>``.
- ``object_access(request, obj, operation)`` is asked before ``create`` (with the unsaved
  instance), ``update`` and ``delete`` (with the stored instance); ``False`` is a 403. Reads do
  not call it (they never build instances): restrict reads with ``queryset_hook``.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from rest_framework.permissions import BasePermission

from .exceptions import EntityAccessDenied
from .options import ResourceOptions

READ_OPERATIONS = frozenset({"retrieve", "index", "relationship"})
_CODENAMES = {"create": "add", "update": "change", "delete": "delete"}

#: DRF viewset actions -> entity operations.
VIEWSET_ACTIONS = {
    "list": "index",
    "retrieve": "retrieve",
    "create": "create",
    "update": "update",
    "partial_update": "update",
    "destroy": "delete",
    "metadata": "index",
}


def _perm(options: ResourceOptions, codename: str) -> str:
    return f"{options.opts.app_label}.{codename}_{options.opts.model_name}"


def has_operation_permission(options: ResourceOptions, user: Any, operation: str) -> bool:
    """Whether ``user`` may run ``operation`` on the resource (before object checks)."""
    if operation in READ_OPERATIONS:
        if options.anonymous_read:
            return True
        if user is None or not user.is_authenticated:
            return False
        return user.has_perm(_perm(options, "view")) or user.has_perm(_perm(options, "change"))
    codename = _CODENAMES.get(operation)
    if codename is None or user is None or not user.is_authenticated:
        return False
    return user.has_perm(_perm(options, codename))


#: Resource operation -> the DRF viewset action ``permission_classes`` expect.
DRF_ACTIONS = {
    "index": "list",
    "retrieve": "retrieve",
    "relationship": "retrieve",
    "create": "create",
    "update": "update",
    "delete": "destroy",
}


def operation_allowed(options: ResourceOptions, request: Any, operation: str) -> bool:
    """The access rule of every path serving ``options``: its ``permission_classes`` (asked
    as a viewset action would ask them) or else Django model permissions."""
    if options.permission_classes:
        view = SimpleNamespace(action=DRF_ACTIONS[operation], entity_options=options)
        return all(cls().has_permission(request, view) for cls in options.permission_classes)
    return has_operation_permission(options, request.user, operation)


def check_object_access(options: ResourceOptions, request: Any, obj: Any, operation: str) -> None:
    """Run the registration's ``object_access`` hook; raises ``EntityAccessDenied``."""
    hook = options.object_access
    if hook is not None and not hook(request, obj, operation):
        raise EntityAccessDenied(operation)


class EntityPermission(BasePermission):
    """DRF permission for the public viewsets: ``has_operation_permission`` by action."""

    def has_permission(self, request, view) -> bool:
        options = view.entity_options
        operation = VIEWSET_ACTIONS.get(getattr(view, "action", None) or "", None)
        if operation is None:
            operation = "index" if request.method in ("GET", "HEAD", "OPTIONS") else "update"
        return has_operation_permission(options, request.user, operation)


__all__ = [
    "READ_OPERATIONS",
    "VIEWSET_ACTIONS",
    "EntityPermission",
    "check_object_access",
    "has_operation_permission",
]
