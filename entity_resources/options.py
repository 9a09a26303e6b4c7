"""Registration options for a model exposed as an entity resource.

A ``ResourceOptions`` subclass (or keyword arguments to ``register``) says which fields are
exposed, writable, filterable and sortable, which processor shapes rows, and how the resource is
named. Everything is validated when the model is registered so that a typo fails at start-up with
an ``ImproperlyConfigured`` naming the option and the field, not at the first request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, NoReturn

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models

from .grammar import LOOKUPS, total_ordering

PROCESSORS = ("generic", "clean")


class ModelOptions:
    """Declarative options of one model, validated when made: the base of ``ResourceOptions``
    and of any per-model options a server keeps beside a registration.

    A subclass declares its options as class attributes (the defaults) and lists them in
    ``option_names``; keyword arguments of the same names override them. An unknown keyword,
    or what ``validate`` finds wrong (``fail``, ``check_field``, ``check_path``), is an
    ``ImproperlyConfigured`` naming the model and the option, so a typo fails at start-up with
    a clear message instead of at the first request.
    """

    #: The options keyword arguments may set.
    option_names: tuple[str, ...] = ()
    #: How errors name an option: ``Unknown <unknown_label>(s) for <model>: ...`` and
    #: ``<model>: <option_label> '<option>': ...``.
    unknown_label = "option"
    option_label = "option"

    def __init__(self, model: type[models.Model], **overrides: Any) -> None:
        unknown = sorted(set(overrides) - set(self.option_names))
        if unknown:
            raise ImproperlyConfigured(
                f"Unknown {self.unknown_label}(s) for {model._meta.label}: {', '.join(unknown)}."
            )
        self.model = model
        self.opts = model._meta
        for key, value in overrides.items():
            setattr(self, key, value)
        self.validate()

    def validate(self) -> None:
        """Check the options (the base has none); ``fail`` on the first problem."""

    def fail(self, option: str, detail: str) -> NoReturn:
        raise ImproperlyConfigured(f"{self.opts.label}: {self.option_label} {option!r}: {detail}")

    def check_field(self, option: str, name: str) -> None:
        """``name`` is a field of the model."""
        try:
            self.opts.get_field(name)
        except FieldDoesNotExist:
            self.fail(option, f"{self.opts.label} has no field {name!r}.")

    def path_error(self, path: str) -> str | None:
        """Why ``path`` (``.`` or ``__`` separated) names no field of the model, or ``None``."""
        model = self.model
        parts = path.replace(".", "__").split("__")
        for index, part in enumerate(parts):
            try:
                field = model._meta.get_field(part)
            except FieldDoesNotExist:
                return f"{model._meta.label} has no field {part!r} (in {path!r})."
            if index < len(parts) - 1:
                if not field.is_relation or field.related_model is None:
                    return f"{part!r} in {path!r} is not a relation."
                model = field.related_model
        return None

    def check_path(self, option: str, path: str) -> None:
        """``path`` (``.`` or ``__`` separated) names a field of the model or of a related one."""
        error = self.path_error(path)
        if error:
            self.fail(option, error)


class ResourceOptions(ModelOptions):
    """Declarative options; subclass it or pass the same names as keyword arguments."""

    #: Resource name; defaults to ``entity_<model_name>``.
    name: str | None = None
    #: Fields exposed; ``None`` means every concrete field and many-to-many.
    fields: Sequence[str] | None = None
    exclude: Sequence[str] = ()
    read_only_fields: Sequence[str] = ()
    #: ``["status", "created"]`` (exact + comma IN) or ``{"created": ["gte", "lt"]}``;
    #: relation paths use ``__`` or ``.`` (``"author.username"``).
    filter_fields: Sequence[str] | dict[str, Sequence[str]] = ()
    sort_fields: Sequence[str] = ()
    search_fields: Sequence[str] = ()
    ordering: Sequence[str] = ()
    processor: str = "generic"
    #: DRF permission classes; ``None`` uses the app's default (Django model permissions,
    #: anonymous read when the endpoint allows it).
    permission_classes: Sequence[type] | None = None
    #: ``callable(queryset, request) -> queryset`` to restrict rows (e.g. published only).
    queryset_hook: Callable[[Any, Any], Any] | None = None
    #: ``callable(request) -> hashable``: requests with equal keys get the same filter from
    #: ``queryset_hook`` (e.g. ``is_authenticated``), so their retrieve query can be compiled
    #: once and reused. Without it a hooked resource builds its query on every request.
    queryset_hook_key: Callable[[Any], Any] | None = None
    #: ``callable(request, obj, operation) -> bool`` object-level access hook.
    object_access: Callable[[Any, Any, str], bool] | None = None
    #: Anonymous users may read (retrieve/index) without the ``view`` permission.
    anonymous_read: bool = False
    #: Reverse relations served as relationships: ``{"comments": "comment_set"}``.
    relationships: dict[str, str] | None = None

    option_names = (
        "name",
        "fields",
        "exclude",
        "read_only_fields",
        "filter_fields",
        "sort_fields",
        "search_fields",
        "ordering",
        "processor",
        "permission_classes",
        "queryset_hook",
        "queryset_hook_key",
        "object_access",
        "anonymous_read",
        "relationships",
    )

    unknown_label = "registration option"

    # -- derived names -------------------------------------------------------------------
    @property
    def resource_name(self) -> str:
        return self.name or f"entity_{self.opts.model_name}"

    @property
    def pk_name(self) -> str:
        return self.opts.pk.name

    def exposed_fields(self) -> list[str]:
        """Names of the fields rendered, in model order."""
        if self.fields is not None:
            return [f for f in self.fields if f not in self.exclude]
        names = [f.name for f in self.opts.concrete_fields] + [
            f.name for f in self.opts.many_to_many
        ]
        return [n for n in names if n not in self.exclude]

    def total_ordering(self, keys: Sequence[str]) -> list[str]:
        """``keys`` (``.`` or ``__`` paths, ``-`` for descending) made total by the primary key,
        in the direction of the last key unless a key already is the pk: ``["-created"]`` ->
        ``["-created", "-id"]``. One direction throughout lets one index serve an ordering
        and its reverse, and lets keyset pages continue with a row-value comparison."""
        return total_ordering(keys, self.pk_name, self.opts.pk.attname)

    def default_ordering(self) -> list[str]:
        """The order of an index without ``sort``: ``ordering``, else the model's
        ``Meta.ordering`` (expressions skipped), made total by the pk."""
        default = self.ordering or self.opts.ordering or ()
        return self.total_ordering([key for key in default if isinstance(key, str)])

    def filter_lookups(self) -> dict[str, list[str]]:
        """Normalised ``{path: [lookups]}``; ``exact`` and ``in`` are always allowed."""
        raw = self.filter_fields
        items: Iterable[tuple[str, Sequence[str]]]
        items = raw.items() if isinstance(raw, dict) else ((name, ()) for name in raw)
        out: dict[str, list[str]] = {}
        for path, lookups in items:
            merged = ["exact", "in"]
            merged += [lk for lk in lookups if lk not in merged]
            out[path.replace(".", "__")] = merged
        return out

    # -- validation ----------------------------------------------------------------------
    def validate(self) -> None:
        if self.processor not in PROCESSORS:
            self.fail(
                "processor", f"must be one of {', '.join(PROCESSORS)}, not {self.processor!r}."
            )
        for option in ("fields", "exclude", "read_only_fields", "search_fields"):
            for name in getattr(self, option) or ():
                self.check_field(option, name)
        for path in self.filter_fields:
            self.check_path("filter_fields", path)
        for path, lookups in self.filter_lookups().items():
            unknown = [lookup for lookup in lookups if lookup not in LOOKUPS]
            if unknown:
                self.fail(
                    "filter_fields",
                    f"unknown lookup(s) {', '.join(map(repr, unknown))} for {path!r}; "
                    f"use {', '.join(LOOKUPS)}.",
                )
        for name in self.sort_fields:
            self.check_path("sort_fields", name)
        for name in self.ordering:
            self.check_path("ordering", name.lstrip("-"))
        for relation, accessor in (self.relationships or {}).items():
            if not any(rel.get_accessor_name() == accessor for rel in self.opts.related_objects):
                self.fail("relationships", f"{relation!r}: no reverse relation {accessor!r}.")
        for hook in ("queryset_hook", "queryset_hook_key", "object_access"):
            value = getattr(self, hook)
            if value is not None and not callable(value):
                self.fail(hook, "must be callable.")


__all__ = ["LOOKUPS", "PROCESSORS", "ModelOptions", "ResourceOptions"]
