"""System checks over the registry (ids ``entity_resources.E0xx`` and ``W0xx``).

Registered by ``EntityResourcesConfig.ready()`` (``CHECKS``), not on import.
"""

from __future__ import annotations

from typing import Any

from django.core import checks

from .registry import site
from .settings import SETTINGS_NAME, entity_settings


def check_registered_models(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for options in site:
        label = options.opts.label
        if options.opts.app_config is None:
            errors.append(
                checks.Error(
                    f"{label} is registered as an entity resource but its app "
                    f"{options.opts.app_label!r} is not in INSTALLED_APPS.",
                    hint="Add the app to INSTALLED_APPS or unregister the model.",
                    obj=options.model,
                    id="entity_resources.E001",
                )
            )
        if options.opts.swapped:
            errors.append(
                checks.Error(
                    f"{label} is swapped out (by {options.opts.swapped}) and cannot be served.",
                    obj=options.model,
                    id="entity_resources.E002",
                )
            )
        if not options.opts.managed:
            errors.append(
                checks.Warning(
                    f"{label} is unmanaged; writes through the resource may fail.",
                    obj=options.model,
                    id="entity_resources.W001",
                )
            )
    return errors


def check_relationships(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A relationship serves the related model's rows with that model's registration."""
    warnings: list[checks.CheckMessage] = []
    for options in site:
        for relation, accessor in (options.relationships or {}).items():
            rel = next(
                (r for r in options.opts.related_objects if r.get_accessor_name() == accessor),
                None,
            )
            if rel is not None and not site.is_registered(rel.related_model):
                warnings.append(
                    checks.Warning(
                        f"{options.opts.label} relationship {relation!r} serves "
                        f"{rel.related_model._meta.label}, which is not registered; it is "
                        "served with default options (every field, no anonymous read).",
                        hint="Register the related model to choose its fields and access.",
                        obj=options.model,
                        id="entity_resources.W002",
                    )
                )
    return warnings


def check_listing_indexes(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every order a registration lists rows in has an index serving it on its database.

    Without one the database sorts every visible row for every page (docs/registry.md).
    """
    from .indexes import index_line, unserved_orderings

    warnings: list[checks.CheckMessage] = []
    for options in site:
        if options.opts.app_config is None or options.opts.swapped or not options.opts.managed:
            continue
        for unserved in unserved_orderings(options):
            ordering = ", ".join(unserved.ordering)
            if unserved.suggestion is None:
                hint = (
                    f"{unserved.reason}; no index of {options.opts.db_table} can serve it. "
                    "Order by columns of this table, or drop the entry."
                )
            else:
                hint = f"Add to {options.model.__name__}.Meta.indexes: " + index_line(
                    unserved.suggestion
                )
            warnings.append(
                checks.Warning(
                    f"The {unserved.source} (order {ordering}) of entity resource "
                    f"{options.resource_name!r} has no index that can serve it on "
                    f"{unserved.vendor}: every page sorts all visible rows.",
                    hint=hint,
                    obj=options.model,
                    id="entity_resources.W003",
                )
            )
    return warnings


#: The checks ``EntityResourcesConfig.ready()`` registers (all tagged ``models``).
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``ENTITY_RESOURCES``: no unknown keys, a positive whole ``MAX_NESTING_DEPTH``."""
    errors = [
        checks.Error(
            f"{SETTINGS_NAME}[{key!r}] is not a known setting.",
            hint="See docs/entity-resources.md#settings; check the spelling.",
            id="entity_resources.E003",
        )
        for key in entity_settings.unknown_keys()
    ]
    depth = entity_settings.MAX_NESTING_DEPTH
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
        errors.append(
            checks.Error(
                f"{SETTINGS_NAME}['MAX_NESTING_DEPTH'] must be a positive integer, not {depth!r}.",
                id="entity_resources.E004",
            )
        )
    return errors


CHECKS = (check_registered_models, check_relationships, check_listing_indexes, check_settings)
