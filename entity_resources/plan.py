"""Field plans: the column schema (``schema.py``) bound to a render context: for each exposed
field, how it is read (``values()`` key) and what it refers to (resource name, uuid path).

A plan is computed once per (registration, registry version, render context) and cached, so the
per-request work is a dictionary lookup. ``entity_resources`` knows nothing of the server
in front of it: everything it needs from it (absolute URIs, where a user's uuid lives) comes in a
``RenderContext``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models

from .options import ResourceOptions
from .schema import COLUMN, FOREIGN_KEY, MANY_TO_MANY


@dataclass(frozen=True)
class RenderContext:
    """What the processors need from the caller.

    ``uri_builder(resource_name, id) -> absolute URI`` of an item of another resource (``None``:
    references carry no ``uri``); ``user_uuid_field``: lookup path on the user model to its uuid
    (``"demo_profile__uuid"``), used when the user model has no ``uuid`` field; ``user_resource``:
    resource name of users in references (``"user"``) when the user model is not registered.
    """

    uri_builder: Callable[[str, Any], str] | None = None
    user_uuid_field: str | None = None
    user_resource: str = "user"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str
    field: Any
    #: Key in ``values()`` rows: the column (``author_id`` for a foreign key); m2m: ``""``.
    attname: str
    related_model: Any = None
    #: Foreign key: ``values()`` path of the referenced uuid (``author__demo_profile__uuid``).
    #: Many-to-many: path from the through table (``tag__uuid``).
    uuid_path: str | None = None
    #: Resource name of the referenced model (``entity_tag``, ``user``).
    resource: str | None = None
    #: ``"datetime"``, ``"date"``, ``"time"``, ``"uuid"`` or ``None``: how raw values convert.
    value_kind: str | None = None
    # many-to-many only: the through model and its two foreign key columns.
    through: Any = None
    source_attname: str = ""
    target_attname: str = ""
    target_name: str = ""


def related_resource_name(model: type[models.Model], context: RenderContext) -> str:
    from .registry import site

    if site.is_registered(model):
        return site.get_options(model).resource_name
    if model is get_user_model():
        return context.user_resource
    return model._meta.model_name


def related_uuid_path(model: type[models.Model], context: RenderContext) -> str | None:
    """Path from ``model`` to its uuid: its own ``uuid`` field, or the user uuid setting."""
    try:
        field = model._meta.get_field("uuid")
    except Exception:
        field = None
    if field is not None and getattr(field, "concrete", False):
        return "uuid"
    if model is get_user_model() and context.user_uuid_field:
        return context.user_uuid_field
    return None


@lru_cache(maxsize=256)
def _plan(
    options: ResourceOptions, version: int, user_uuid_field: str | None, user_resource: str
) -> dict[str, FieldSpec]:
    from .schema import _schema

    context = RenderContext(user_uuid_field=user_uuid_field, user_resource=user_resource)
    plan: dict[str, FieldSpec] = {}
    for name, column in _schema(options, version).columns.items():
        field = column.field
        if column.kind == MANY_TO_MANY:
            through = field.remote_field.through
            source = through._meta.get_field(field.m2m_field_name())
            target = through._meta.get_field(field.m2m_reverse_field_name())
            related = column.related_model
            uuid = related_uuid_path(related, context)
            plan[name] = FieldSpec(
                name=name,
                kind=MANY_TO_MANY,
                field=field,
                attname="",
                related_model=related,
                uuid_path=f"{target.name}__{uuid}" if uuid else None,
                resource=related_resource_name(related, context),
                through=through,
                source_attname=source.attname,
                target_attname=target.attname,
                target_name=target.name,
            )
        elif column.kind == FOREIGN_KEY:
            related = column.related_model
            uuid = related_uuid_path(related, context)
            plan[name] = FieldSpec(
                name=name,
                kind=FOREIGN_KEY,
                field=field,
                attname=column.attname,
                related_model=related,
                uuid_path=f"{name}__{uuid}" if uuid else None,
                resource=related_resource_name(related, context),
            )
        else:
            plan[name] = FieldSpec(
                name=name,
                kind=COLUMN,
                field=field,
                attname=column.attname,
                value_kind=column.value_kind,
            )
    return plan


def field_plan(options: ResourceOptions, context: RenderContext) -> dict[str, FieldSpec]:
    """``{field name: FieldSpec}`` of the exposed fields, in exposed order (cached)."""
    from .registry import site

    return _plan(options, site.version, context.user_uuid_field, context.user_resource)


def format_datetime_utc(value: datetime.datetime) -> str:
    """The clean processor's one date-time format: ISO 8601 in UTC, seconds, ``Z``."""
    if value.tzinfo is not None and value.utcoffset():
        value = value.astimezone(datetime.UTC)
    # isoformat is C code; the first 19 characters are YYYY-MM-DDTHH:MM:SS.
    return value.isoformat(timespec="seconds")[:19] + "Z"


__all__ = [
    "COLUMN",
    "FOREIGN_KEY",
    "MANY_TO_MANY",
    "FieldSpec",
    "RenderContext",
    "field_plan",
    "format_datetime_utc",
    "related_resource_name",
    "related_uuid_path",
]
