"""A registration's query vocabulary, and the same vocabulary as a django-filter ``FilterSet``.

``vocabulary_for(options)`` says which names an index query on the registration may use
(``filter_fields`` with their lookups, ``sort_fields``, the exposed fields, ``search_fields``,
the default ordering); ``entity_resources.grammar`` parses and applies the query with it.
``filterset_for(options)`` is that vocabulary as a django-filter ``FilterSet`` for DRF's
``filter_backends``. Both are cached per registry version.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .grammar import LOOKUPS, TRUE_STRINGS, Vocabulary
from .options import ResourceOptions
from .schema import _schema, build_schema

OPERATORS = LOOKUPS


def build_vocabulary(options: ResourceOptions) -> Vocabulary:
    """The registration's vocabulary, from its column schema (``schema.build_schema``)."""
    return build_schema(options).vocabulary


def _vocabulary(options: ResourceOptions, version: int) -> Vocabulary:
    return _schema(options, version).vocabulary


def vocabulary_for(options: ResourceOptions) -> Vocabulary:
    """The (cached) query vocabulary of a registration."""
    from .registry import site

    return _vocabulary(options, site.version)


# -- django-filter ---------------------------------------------------------------------------


def _bounds(target: Any) -> dict[str, Any]:
    """Integer fields: whole numbers within the column's range (no 500 on overflow)."""
    if not isinstance(target, models.IntegerField | models.AutoField):
        return {}
    extra: dict[str, Any] = {"decimal_places": 0}
    for validator in target.validators:
        if isinstance(validator, MinValueValidator):
            extra["min_value"] = validator.limit_value
        elif isinstance(validator, MaxValueValidator):
            extra["max_value"] = validator.limit_value
    return extra


class BooleanInFilter(django_filters.Filter):
    """``in`` on a boolean column: ``true,false`` text.

    django-filter's own ``in`` over a ``BooleanField`` reads one value as a bool and then
    splits it (a 500), and two values as nothing (no filter at all).
    """

    field_class = forms.CharField

    def filter(self, qs: Any, value: Any) -> Any:
        if not value:
            return qs
        wanted = sorted({part.strip().lower() in TRUE_STRINGS for part in value.split(",")})
        return self.get_method(qs)(**{f"{self.field_name}__in": wanted})


@lru_cache(maxsize=256)
def _filterset(options: ResourceOptions, version: int) -> type[django_filters.FilterSet]:
    filters: dict[str, Any] = {}
    for path, column in _vocabulary(options, version).filters.items():
        target = column.target
        for lookup in sorted(column.lookups or (), key=LOOKUPS.index):
            if lookup == "in" and isinstance(target, models.BooleanField):
                filters[f"{path}__in"] = BooleanInFilter(field_name=column.path, lookup_expr="in")
                continue
            base = django_filters.FilterSet.filter_for_field(target, column.path, lookup)
            if base is not None and issubclass(base.field_class, forms.DecimalField):
                base.extra.update(_bounds(target))
            if base is not None:
                filters[f"{path}__{lookup}"] = base
    meta = type("Meta", (), {"model": options.model, "fields": []})
    return type(
        f"{options.model.__name__}EntityFilterSet",
        (django_filters.FilterSet,),
        {**filters, "Meta": meta},
    )


def filterset_for(options: ResourceOptions) -> type[django_filters.FilterSet]:
    """The registration's vocabulary as a django-filter ``FilterSet`` (for DRF's
    ``filter_backends``); filter names are ``<path>__<lookup>`` (``created__gte``)."""
    from .registry import site

    return _filterset(options, site.version)


def filter_names(options: ResourceOptions) -> Sequence[str]:
    return list(filterset_for(options).base_filters)


__all__ = ["OPERATORS", "build_vocabulary", "filter_names", "filterset_for", "vocabulary_for"]
