"""Core-style registrations: which entity registration also serves a Services core resource
(``node``, ``comment``, ``taxonomy_term``, ...) and under which Drupal names.

``entity_resources`` knows nothing of Drupal; this is the Services side's own small registry,
shaped like ``django.contrib.admin``: a model registered with ``entity_resources`` is
registered here too, with a ``CoreOptions`` subclass::

    @entity_resources.register(Article)
    class ArticleResource(entity_resources.ResourceOptions): ...

    @register_core(Article)
    class ArticleNode(CoreOptions):
        name, id_key, wrapper = "node", "nid", "node"
        columns = {"uid": "author"}

or ``core_site.register(Article, name="node", id_key="nid")``. Everything is validated at
registration (an ``ImproperlyConfigured`` naming the option), including clashes with other
resource names. The core resources themselves are built by ``services_api.drupal.core``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

import entity_resources
from entity_resources import ModelOptions, ResourceOptions


class CoreOptions(ModelOptions):
    """Drupal names of a core-style resource; subclass it or pass the same names as keywords."""

    #: Resource name (``node``).
    name: str | None = None
    #: Drupal name of the primary key (``nid``).
    id_key: str | None = None
    #: Body wrapper key accepted on create/update (``{"node": {...}}``).
    wrapper: str | None = None
    #: Drupal column name -> model field name, for the fields whose Drupal name differs
    #: (``{"uid": "author"}``); the pk is always ``id_key``; others keep their model name.
    columns: dict[str, str] | None = None
    #: Default index order (model paths, ``-`` for descending); ``None`` uses the entity
    #: registration's default order.
    ordering: Sequence[str] | None = None
    #: The Drupal columns served and accepted as Drupal 7 field arrays
    #: (``{"und": [{"value": …, "format": …}]}``), each mapped to the model field holding its
    #: text format, or ``None``: ``{"comment_body": "body_format"}``. The format field is no
    #: column of its own.
    field_arrays: dict[str, str | None] | None = None
    #: ``{bundle: handler}``: a create whose body has ``bundle_key`` equal to ``bundle`` calls
    #: ``handler(request, data) -> id`` instead of saving this model.
    bundles: dict[str, Callable[[Any, dict], Any]] | None = None
    bundle_key: str = "type"

    option_names = (
        "name",
        "id_key",
        "wrapper",
        "columns",
        "ordering",
        "field_arrays",
        "bundles",
        "bundle_key",
    )

    unknown_label = option_label = "core option"

    @property
    def options(self) -> ResourceOptions:
        """The model's entity registration (fields, access, hooks)."""
        return entity_resources.site.get_options(self.model)

    def default_ordering(self) -> list[str]:
        """The index order: ``ordering``, else the entity registration's, made total."""
        if self.ordering is None:
            return self.options.default_ordering()
        return self.options.total_ordering(list(self.ordering))

    # -- validation ----------------------------------------------------------------------
    def validate(self) -> None:
        if not entity_resources.is_registered(self.model):
            raise ImproperlyConfigured(
                f"{self.opts.label}: register the model with entity_resources before "
                "registering its core-style resource."
            )
        if not isinstance(self.name, str) or not self.name:
            self.fail("name", "a core-style resource needs a name such as 'node'.")
        if not isinstance(self.id_key, str) or not self.id_key:
            self.fail("id_key", "a core-style resource needs an id_key such as 'nid'.")
        options = self.options
        mapping = self.columns or {}
        if not isinstance(mapping, dict):
            self.fail("columns", "must be a dict of Drupal name -> model field name.")
        exposed = options.exposed_fields()
        renamed: dict[str, str] = {}
        for column, name in mapping.items():
            if not isinstance(column, str) or not column.isidentifier():
                self.fail("columns", f"{column!r} is not a valid column name.")
            self.check_field("columns", name)
            if name not in exposed:
                self.fail("columns", f"{name!r} is not an exposed field.")
            if name == options.pk_name or column == self.id_key:
                self.fail("columns", f"the pk is always named by id_key ({self.id_key!r}).")
            renamed[name] = column
        taken: dict[str, str] = {}
        for name in exposed:
            column = self.id_key if name == options.pk_name else renamed.get(name, name)
            if column in taken:
                self.fail("columns", f"{column!r} would name both {taken[column]!r} and {name!r}.")
            taken[column] = name
        for path in self.ordering or ():
            self.check_path("ordering", path.lstrip("-"))
        self._validate_field_arrays(taken)
        for bundle, handler in (self.bundles or {}).items():
            if not isinstance(bundle, str) or not callable(handler):
                self.fail("bundles", f"{bundle!r} needs a callable handler(request, data).")
        if not isinstance(self.bundle_key, str) or not self.bundle_key:
            self.fail("bundle_key", "must be a body key such as 'type'.")

    def _validate_field_arrays(self, columns: dict[str, str]) -> None:
        """``field_arrays``: known text columns, each with an exposed char format field."""
        arrays = self.field_arrays or {}
        if not isinstance(arrays, dict):
            self.fail("field_arrays", "must be a dict of Drupal column -> format field.")
        for column, format_name in arrays.items():
            name = columns.get(column)
            if name is None:
                self.fail("field_arrays", f"{column!r} is not a column of this resource.")
            model_field = self.opts.get_field(name)
            if model_field.is_relation or not model_field.concrete or column == self.id_key:
                self.fail("field_arrays", f"{column!r} must be a plain stored field.")
            if format_name is None:
                continue
            self.check_field("field_arrays", format_name)
            format_field = self.opts.get_field(format_name)
            if not isinstance(format_field, models.CharField):
                self.fail("field_arrays", f"{format_name!r} must be a CharField.")
            if format_name == name or list(arrays.values()).count(format_name) > 1:
                self.fail("field_arrays", f"{format_name!r} can hold one field's format.")


class CoreSite:
    """The core-style registrations, one per model, named uniquely among all resources."""

    def __init__(self) -> None:
        self._registry: dict[type[models.Model], CoreOptions] = {}
        self.version = 0

    def register(
        self,
        model: type[models.Model],
        options_class: type[CoreOptions] | None = None,
        **options: Any,
    ) -> CoreOptions:
        if model in self._registry:
            raise ImproperlyConfigured(
                f"{model._meta.label} already has a core-style resource "
                f"({self._registry[model].name!r})."
            )
        core = (options_class or CoreOptions)(model, **options)
        self.check_name(core.name, model)
        self._registry[model] = core
        self.version += 1
        return core

    def check_name(self, name: str | None, model: type[models.Model]) -> None:
        """``ImproperlyConfigured`` when ``name`` is another resource's name (an entity
        registration's, or another model's core-style resource)."""
        for options in entity_resources.site:
            if options.resource_name == name:
                raise ImproperlyConfigured(
                    f"Resource name {name!r} of {model._meta.label} is already used by "
                    f"{options.opts.label}."
                )
        for other in self._registry.values():
            if other.name == name and other.model is not model:
                raise ImproperlyConfigured(
                    f"Resource name {name!r} of {model._meta.label} is already used by "
                    f"{other.opts.label}."
                )

    def unregister(self, model: type[models.Model]) -> None:
        if self._registry.pop(model, None) is None:
            raise ImproperlyConfigured(f"{model._meta.label} has no core-style resource.")
        self.version += 1

    def get(self, model: type[models.Model]) -> CoreOptions | None:
        return self._registry.get(model)

    def named(self, name: str) -> CoreOptions | None:
        """The registration serving the core name ``name`` (``node``), if any."""
        return next((core for core in self._registry.values() if core.name == name), None)

    def __iter__(self) -> Iterator[CoreOptions]:
        """Registrations whose model is still registered with ``entity_resources``."""
        return iter(
            [core for core in self._registry.values() if entity_resources.is_registered(core.model)]
        )


core_site = CoreSite()


def register_core(
    model: type[models.Model], *, site: CoreSite | None = None
) -> Callable[[type[CoreOptions]], type[CoreOptions]]:
    """``@register_core(Model)`` on a ``CoreOptions`` subclass, as ``@admin.register`` on a
    ``ModelAdmin``: registers the model's core-style resource with that class."""
    target = site or core_site

    def wrapper(options_class: type[CoreOptions]) -> type[CoreOptions]:
        if not (isinstance(options_class, type) and issubclass(options_class, CoreOptions)):
            raise ValueError("Wrapped class must subclass CoreOptions.")
        target.register(model, options_class)
        return options_class

    return wrapper


def core_orderings(options: ResourceOptions) -> list[tuple[str, list[str]]]:
    """The core-style index order of a registration, for ``entity_resources.W003`` (added by
    ``ServicesApiConfig.ready()`` with ``entity_resources.indexes.add_ordering_source``)."""
    core = core_site.get(options.model)
    if core is None or not entity_resources.is_registered(options.model):
        return []
    if core.options is not options:
        return []
    return [(f"{core.name!r} core-style ordering", core.default_ordering())]


def name_clashes() -> list[str]:
    """Entity resource names that a core-style resource uses too (an entity registration made
    after the core one; ``services_api.E006``)."""
    names = {options.resource_name: options for options in entity_resources.site}
    return [
        f"Resource name {core.name!r} of {core.opts.label}'s core-style resource is already "
        f"used by {names[core.name].opts.label}."
        for core in core_site
        if core.name in names
    ]


def registration_version() -> tuple[int, int]:
    """Changes whenever either registry does: the key of every cache built from them."""
    return (entity_resources.site.version, core_site.version)


__all__ = [
    "CoreOptions",
    "CoreSite",
    "core_orderings",
    "core_site",
    "name_clashes",
    "register_core",
    "registration_version",
]
