"""The model registry, shaped like ``django.contrib.admin.site``.

``register(Model, **options)`` or ``@register(Model)`` on a ``ResourceOptions`` subclass;
``unregister``; ``is_registered``. Registrations are made from each installed app's
``resources.py``, imported by ``autodiscover()`` in ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.module_loading import autodiscover_modules

from .exceptions import AlreadyRegistered, NotRegistered
from .options import ResourceOptions


class ResourceSite:
    """A registry of models exposed as entity resources."""

    def __init__(self, name: str = "entity_resources") -> None:
        self.name = name
        self._registry: dict[type[models.Model], ResourceOptions] = {}
        #: Bumped on every change so caches built from the registry know to rebuild.
        self.version = 0

    def register(
        self,
        model_or_iterable: type[models.Model] | list[type[models.Model]],
        options_class: type[ResourceOptions] | None = None,
        **options: Any,
    ) -> None:
        models_ = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        options_class = options_class or ResourceOptions
        for model in models_:
            if model._meta.abstract:
                raise ImproperlyConfigured(
                    f"{model.__name__} is abstract and cannot be registered."
                )
            if model in self._registry:
                raise AlreadyRegistered(f"The model {model.__name__} is already registered.")
            resource_options = options_class(model, **options)
            for other in self._registry.values():
                taken = {other.resource_name, other.core_name} - {None}
                mine = {resource_options.resource_name, resource_options.core_name} - {None}
                if taken & mine:
                    raise ImproperlyConfigured(
                        f"Resource name {sorted(taken & mine)[0]!r} of {model._meta.label} "
                        f"is already used by {other.opts.label}."
                    )
            self._registry[model] = resource_options
        self.version += 1

    def unregister(self, model_or_iterable: type[models.Model] | list[type[models.Model]]) -> None:
        models_ = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        for model in models_:
            if model not in self._registry:
                raise NotRegistered(f"The model {model.__name__} is not registered.")
            del self._registry[model]
        self.version += 1

    def is_registered(self, model: type[models.Model]) -> bool:
        return model in self._registry

    def get_options(self, model: type[models.Model]) -> ResourceOptions:
        try:
            return self._registry[model]
        except KeyError:
            raise NotRegistered(f"The model {model.__name__} is not registered.") from None

    def __iter__(self) -> Iterator[ResourceOptions]:
        return iter(list(self._registry.values()))

    def __len__(self) -> int:
        return len(self._registry)


site = ResourceSite()


def register(
    *models_: type[models.Model], site: ResourceSite | None = None, **options: Any
) -> _Registration:
    """Register models with the default site.

    ``register(Model, fields=[...])`` registers at once. ``@register(Model)`` decorates a
    ``ResourceOptions`` subclass, as ``@admin.register`` decorates a ``ModelAdmin``.
    """
    target = site or globals()["site"]
    if not models_:
        raise ValueError("At least one model must be passed to register.")

    def decorator(options_class: type[ResourceOptions]) -> type[ResourceOptions]:
        if not issubclass(options_class, ResourceOptions):
            raise ValueError("Wrapped class must subclass ResourceOptions.")
        target.register(list(models_), options_class, **options)
        return options_class

    return _Registration(target, list(models_), options, decorator)


class _Registration:
    """Result of ``register(...)``: registers immediately, unless used as a decorator.

    Registration is deferred until the end of the statement only when the call is used as a
    decorator; a plain call registers straight away with ``ResourceOptions``.
    """

    def __init__(self, site_: ResourceSite, models_: list, options: dict, decorator) -> None:
        self._decorator = decorator
        site_.register(models_, ResourceOptions, **options)
        self._site, self._models = site_, models_

    def __call__(self, options_class: type[ResourceOptions]) -> type[ResourceOptions]:
        # Used as a decorator: replace the plain registration by the options class.
        self._site.unregister(self._models)
        return self._decorator(options_class)


def unregister(*models_: type[models.Model]) -> None:
    site.unregister(list(models_))


def is_registered(model: type[models.Model]) -> bool:
    return site.is_registered(model)


def autodiscover() -> None:
    """Import ``resources.py`` from every installed app."""
    autodiscover_modules("resources", register_to=site)


__all__ = ["ResourceSite", "autodiscover", "is_registered", "register", "site", "unregister"]
