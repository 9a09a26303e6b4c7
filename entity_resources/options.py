"""Registration options for a model exposed as an entity resource.

A ``ResourceOptions`` subclass (or keyword arguments to ``register``) says which fields are
exposed, writable, filterable and sortable, which processor shapes rows, and how the resource is
named. Everything is validated when the model is registered so that a typo fails at start-up with
an ``ImproperlyConfigured`` naming the option and the field, not at the first request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models

from .grammar import LOOKUPS, total_ordering

PROCESSORS = ("generic", "clean")


class ResourceOptions:
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
    #: Core-style (Services core) resource: e.g. ``core_name = "node"`` with ``id_key = "nid"``.
    core_name: str | None = None
    id_key: str | None = None
    #: Body wrapper key accepted on create/update by the core-style resource (``{"node": {...}}``).
    wrapper: str | None = None
    #: Reverse relations served as relationships: ``{"comments": "comment_set"}``.
    relationships: dict[str, str] | None = None
    #: Core-style resource only: Drupal column name -> model field name, for the fields whose
    #: Drupal name differs (``{"uid": "author"}``); the pk is always ``id_key``. Unmapped
    #: fields keep their model name.
    core_fields: dict[str, str] | None = None
    #: Core-style resource only: default index order (model paths, ``-`` for descending);
    #: ``None`` uses ``ordering``, then the model's ``Meta.ordering``.
    core_ordering: Sequence[str] | None = None
    #: Core-style resource only: the Drupal columns served and accepted as Drupal 7 field
    #: arrays (``{"und": [{"value": …, "format": …}]}``), each mapped to the model field that
    #: holds its text format, or ``None`` for a field without one:
    #: ``{"comment_body": "body_format"}``. The format field is no column of its own.
    core_field_arrays: dict[str, str | None] | None = None
    #: Core-style resource only: ``{bundle: handler}``; a create whose body has
    #: ``bundle_key`` equal to ``bundle`` calls ``handler(request, data) -> id`` instead of
    #: saving this model (see docs/core-resources.md).
    bundles: dict[str, Callable[[Any, dict], Any]] | None = None
    bundle_key: str = "type"

    _OPTION_NAMES = (
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
        "core_name",
        "id_key",
        "wrapper",
        "relationships",
        "core_fields",
        "core_ordering",
        "core_field_arrays",
        "bundles",
        "bundle_key",
    )

    def __init__(self, model: type[models.Model], **overrides: Any) -> None:
        unknown = sorted(set(overrides) - set(self._OPTION_NAMES))
        if unknown:
            raise ImproperlyConfigured(
                f"Unknown registration option(s) for {model._meta.label}: {', '.join(unknown)}."
            )
        self.model = model
        for key, value in overrides.items():
            setattr(self, key, value)
        self.opts = model._meta
        self.validate()

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

    def core_default_ordering(self) -> list[str]:
        """The core-style index order: ``core_ordering``, else ``default_ordering()``."""
        if self.core_ordering is None:
            return self.default_ordering()
        return self.total_ordering(list(self.core_ordering))

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
    def _fail(self, option: str, detail: str) -> None:
        raise ImproperlyConfigured(f"{self.opts.label}: option {option!r}: {detail}")

    def _check_field(self, option: str, name: str) -> None:
        try:
            self.opts.get_field(name)
        except FieldDoesNotExist:
            self._fail(option, f"{self.opts.label} has no field {name!r}.")

    def _check_path(self, option: str, path: str) -> None:
        model = self.model
        parts = path.replace(".", "__").split("__")
        for index, part in enumerate(parts):
            try:
                field = model._meta.get_field(part)
            except FieldDoesNotExist:
                self._fail(option, f"{model._meta.label} has no field {part!r} (in {path!r}).")
            if index < len(parts) - 1:
                if not field.is_relation or field.related_model is None:
                    self._fail(option, f"{part!r} in {path!r} is not a relation.")
                model = field.related_model

    def validate(self) -> None:
        if self.processor not in PROCESSORS:
            self._fail(
                "processor", f"must be one of {', '.join(PROCESSORS)}, not {self.processor!r}."
            )
        for option in ("fields", "exclude", "read_only_fields", "search_fields"):
            for name in getattr(self, option) or ():
                self._check_field(option, name)
        for path in self.filter_fields:
            self._check_path("filter_fields", path)
        for path, lookups in self.filter_lookups().items():
            unknown = [lookup for lookup in lookups if lookup not in LOOKUPS]
            if unknown:
                self._fail(
                    "filter_fields",
                    f"unknown lookup(s) {', '.join(map(repr, unknown))} for {path!r}; "
                    f"use {', '.join(LOOKUPS)}.",
                )
        for name in self.sort_fields:
            self._check_path("sort_fields", name)
        for name in self.ordering:
            self._check_path("ordering", name.lstrip("-"))
        for relation, accessor in (self.relationships or {}).items():
            if not any(rel.get_accessor_name() == accessor for rel in self.opts.related_objects):
                self._fail("relationships", f"{relation!r}: no reverse relation {accessor!r}.")
        if self.core_name and not self.id_key:
            self._fail("id_key", "a core-style resource (core_name) needs an id_key such as 'nid'.")
        self._validate_core()
        for hook in ("queryset_hook", "queryset_hook_key", "object_access"):
            value = getattr(self, hook)
            if value is not None and not callable(value):
                self._fail(hook, "must be callable.")

    def _validate_core(self) -> None:
        core_only = ("core_fields", "core_ordering", "core_field_arrays", "bundles")
        if not self.core_name:
            for option in core_only:
                if getattr(self, option):
                    self._fail(option, "only applies to a core-style resource (set core_name).")
            return
        mapping = self.core_fields or {}
        if not isinstance(mapping, dict):
            self._fail("core_fields", "must be a dict of Drupal name -> model field name.")
        exposed = self.exposed_fields()
        taken: dict[str, str] = {}
        for drupal, name in mapping.items():
            if not isinstance(drupal, str) or not drupal.isidentifier():
                self._fail("core_fields", f"{drupal!r} is not a valid column name.")
            self._check_field("core_fields", name)
            if name not in exposed:
                self._fail("core_fields", f"{name!r} is not an exposed field.")
            if name == self.pk_name or drupal == self.id_key:
                self._fail("core_fields", f"the pk is always named by id_key ({self.id_key!r}).")
        renamed = {name: drupal for drupal, name in mapping.items()}
        for name in exposed:
            core = self.id_key if name == self.pk_name else renamed.get(name, name)
            if core in taken:
                self._fail("core_fields", f"{core!r} would name both {taken[core]!r} and {name!r}.")
            taken[core] = name
        for name in self.core_ordering or ():
            self._check_path("core_ordering", name.lstrip("-"))
        self._validate_field_arrays(taken)
        for bundle, handler in (self.bundles or {}).items():
            if not isinstance(bundle, str) or not callable(handler):
                self._fail("bundles", f"{bundle!r} needs a callable handler(request, data).")
        if not isinstance(self.bundle_key, str) or not self.bundle_key:
            self._fail("bundle_key", "must be a body key such as 'type'.")

    def _validate_field_arrays(self, columns: dict[str, str]) -> None:
        """``core_field_arrays``: known text columns, each with an exposed char format field."""
        arrays = self.core_field_arrays or {}
        if not isinstance(arrays, dict):
            self._fail("core_field_arrays", "must be a dict of Drupal column -> format field.")
        for core, format_name in arrays.items():
            name = columns.get(core)
            if name is None:
                self._fail("core_field_arrays", f"{core!r} is not a column of this resource.")
            model_field = self.opts.get_field(name)
            if model_field.is_relation or not model_field.concrete or core == self.id_key:
                self._fail("core_field_arrays", f"{core!r} must be a plain stored field.")
            if format_name is None:
                continue
            self._check_field("core_field_arrays", format_name)
            format_field = self.opts.get_field(format_name)
            if not isinstance(format_field, models.CharField):
                self._fail("core_field_arrays", f"{format_name!r} must be a CharField.")
            if format_name == name or list(arrays.values()).count(format_name) > 1:
                self._fail("core_field_arrays", f"{format_name!r} can hold one field's format.")


__all__ = ["LOOKUPS", "PROCESSORS", "ResourceOptions"]
