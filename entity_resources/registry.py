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
        #: Plain ``register(Model, **options)`` calls, validated but not yet stored: they are
        #: stored on the next read, unless the call turns out to be a decorator (see below).
        self._pending: list[_Registration] = []
        self._version = 0

    @property
    def version(self) -> int:
        """Bumped on every change so caches built from the registry know to rebuild."""
        if self._pending:
            self._store_pending()
        return self._version

    @version.setter
    def version(self, value: int) -> None:
        self._version = value

    def _store_pending(self) -> None:
        while self._pending:
            self._pending.pop(0).store(ResourceOptions)

    def register(
        self,
        model_or_iterable: type[models.Model] | list[type[models.Model]],
        options_class: type[ResourceOptions] | None = None,
        **options: Any,
    ) -> None:
        models_ = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        options_class = options_class or ResourceOptions
        self._store_pending()
        for model in models_:
            if model._meta.abstract:
                raise ImproperlyConfigured(
                    f"{model.__name__} is abstract and cannot be registered."
                )
            if model in self._registry:
                raise AlreadyRegistered(f"The model {model.__name__} is already registered.")
            resource_options = options_class(model, **options)
            for other in self._registry.values():
                if other.resource_name == resource_options.resource_name:
                    raise ImproperlyConfigured(
                        f"Resource name {other.resource_name!r} of {model._meta.label} "
                        f"is already used by {other.opts.label}."
                    )
            self._registry[model] = resource_options
        self._version += 1

    def unregister(self, model_or_iterable: type[models.Model] | list[type[models.Model]]) -> None:
        models_ = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        self._store_pending()
        for model in models_:
            if model not in self._registry:
                raise NotRegistered(f"The model {model.__name__} is not registered.")
            del self._registry[model]
        self._version += 1

    def is_registered(self, model: type[models.Model]) -> bool:
        self._store_pending()
        return model in self._registry

    def get_options(self, model: type[models.Model]) -> ResourceOptions:
        self._store_pending()
        try:
            return self._registry[model]
        except KeyError:
            raise NotRegistered(f"The model {model.__name__} is not registered.") from None

    def options_for(self, model: type[models.Model]) -> ResourceOptions:
        """The registration of ``model``, or default options for an unregistered model (a
        relationship's child rows, a reference's target)."""
        options = self._registry.get(model)
        return options if options is not None else ResourceOptions(model)

    def __iter__(self) -> Iterator[ResourceOptions]:
        self._store_pending()
        return iter(list(self._registry.values()))

    def __len__(self) -> int:
        self._store_pending()
        return len(self._registry)


site = ResourceSite()


def register(
    *models_: type[models.Model], site: ResourceSite | None = None, **options: Any
) -> _Registration:
    """Register models with the default site (or ``site``), once.

    ``register(Model, fields=[...])`` registers with these options. ``@register(Model)``
    decorates a ``ResourceOptions`` subclass, as ``@admin.register`` decorates a ``ModelAdmin``:
    the model is registered with that class.
    """
    target = site if site is not None else globals()["site"]  # an empty site is falsy (len 0)
    if not models_:
        raise ValueError("At least one model must be passed to register.")
    return _Registration(target, list(models_), options)


class _Registration:
    """The result of ``register(...)``: one registration, stored exactly once.

    A call cannot know whether it is a decorator. So the options are validated at once (a bad
    option or an already registered model raises here, at the call), and the registration is
    stored either by the decorator, with its options class, or, for a plain call, with
    ``ResourceOptions`` on the site's next read (``is_registered``, ``get_options``, iteration,
    ``version``, another ``register``/``unregister``).
    """

    def __init__(self, site_: ResourceSite, models_: list, options: dict) -> None:
        self._site, self._models, self._options = site_, models_, options
        site_._store_pending()
        for model in models_:
            if model in site_._registry:
                raise AlreadyRegistered(f"The model {model.__name__} is already registered.")
            ResourceOptions(model, **options)  # validates the options now
        site_._pending.append(self)

    def store(self, options_class: type[ResourceOptions]) -> None:
        self._site.register(self._models, options_class, **self._options)

    def __call__(self, options_class: type[ResourceOptions]) -> type[ResourceOptions]:
        # Used as a decorator: register with the options class instead of the defaults.
        self._site._pending.remove(self)
        if not (isinstance(options_class, type) and issubclass(options_class, ResourceOptions)):
            raise ValueError("Wrapped class must subclass ResourceOptions.")
        self.store(options_class)
        return options_class


def unregister(*models_: type[models.Model]) -> None:
    site.unregister(list(models_))


def is_registered(model: type[models.Model]) -> bool:
    return site.is_registered(model)


def autodiscover() -> None:
    """Import ``resources.py`` from every installed app; their registrations are stored now."""
    autodiscover_modules("resources", register_to=site)
    site._store_pending()


__all__ = ["ResourceSite", "autodiscover", "is_registered", "register", "site", "unregister"]
