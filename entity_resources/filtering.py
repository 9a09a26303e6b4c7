"""Index parameters: parsing and validating the query, and filtering with django-filter.

The query is the PHP-bracket-parsed dictionary (``parameters[status]=1`` ->
``{"parameters": {"status": "1"}}``). Recognised parameters:

- ``parameters[x]=v``: ``exact``; a comma list or a ``[]`` list means ``in``.
- ``parameters[x][op]=v``: ``op`` one of ``OPERATORS`` and allowed for ``x`` by the
  registration's ``filter_fields`` (``exact`` and ``in`` always are). ``in`` and ``range`` take
  comma lists (``range`` exactly two values); ``isnull`` takes ``1``/``0``/``true``/``false``.
- ``parameters[author.username]=v``: relation paths, dotted or with ``__``.
- ``fields=a,b`` or ``return[a]=1``: the exposed fields to render.
- ``sort=a,b`` (allowed ``sort_fields``) and ``direction=ASC|DESC`` (any case).
- ``page`` (0-based, >= 0) and ``pagesize`` (>= 1, capped at the maximum).
- ``search=text``: any of ``search_fields`` contains ``text`` (case-insensitive).
- plain filters (``?status=1``) when the caller enables ``plain_query_filters``.

Unknown filter, sort or field names raise ``UnknownParameter`` (``406 Parameter x does not
exist``); a known parameter with a bad operator or value raises ``BadParameter`` (400).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, QuerySet

from .exceptions import BadParameter, UnknownParameter
from .limits import MAX_OFFSET, parse_int
from .options import LOOKUPS, ResourceOptions

OPERATORS = LOOKUPS

#: Top-level query keys that are never plain filters.
RESERVED = frozenset(
    {
        "fields",
        "parameters",
        "options",
        "page",
        "pagesize",
        "sort",
        "direction",
        "return",
        "search",
        "format",
        "q",
        "callback",
        "json",
        "key",
        "api_key",
        "_method",
        "revision",
        "count",
        "cursor",
    }
)


@dataclass
class IndexParams:
    """A validated index request."""

    page: int = 0
    page_size: int = 20
    fields: list[str] | None = None
    #: django-filter form data: ``{"created__gte": "2024-01-01", "status__exact": "1"}``.
    filters: dict[str, Any] = field(default_factory=dict)
    #: Filter name -> parameter as the client wrote it (for error messages).
    labels: dict[str, str] = field(default_factory=dict)
    search: str | None = None
    #: ``order_by`` arguments, pk last for stable pages.
    ordering: list[str] = field(default_factory=list)
    #: Whether the sort was requested (``sort=``) rather than the default.
    sorted_by_request: bool = False


# -- FilterSet generation --------------------------------------------------------------------


def _walk(model: Any, path: str) -> tuple[Any, bool]:
    """The last field of ``path`` (``__``-separated) and whether it crosses a to-many relation."""
    multi = False
    field_ = None
    for part in path.split("__"):
        field_ = model._meta.get_field(part)
        if field_.is_relation:
            multi = multi or bool(field_.many_to_many or field_.one_to_many)
            model = field_.related_model
    return field_, multi


def _target(field_: Any) -> Any:
    """The field whose values a filter parses: a relation compares the related pk."""
    while field_.is_relation:
        field_ = field_.related_model._meta.pk
    return field_


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
    """``in`` on a boolean column: ``true,false`` text (``_set`` normalises Drupal's 1/0).

    django-filter's own ``in`` over a ``BooleanField`` reads one value as a bool and then
    splits it (a 500), and two values as nothing (no filter at all).
    """

    field_class = forms.CharField

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        wanted = sorted({part == "true" for part in value.split(",")})
        return self.get_method(qs)(**{f"{self.field_name}__in": wanted})


@lru_cache(maxsize=256)
def _filterset(options: ResourceOptions, version: int) -> type[django_filters.FilterSet]:
    filters: dict[str, Any] = {}
    for path, lookups in options.filter_lookups().items():
        last, _ = _walk(options.model, path)
        target = _target(last)
        for lookup in lookups:
            if lookup not in OPERATORS:
                continue
            if lookup == "in" and isinstance(target, models.BooleanField):
                filters[f"{path}__in"] = BooleanInFilter(field_name=path, lookup_expr="in")
                continue
            base = django_filters.FilterSet.filter_for_field(target, path, lookup)
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
    """The django-filter ``FilterSet`` generated for a registration (cached per registry
    version); filter names are ``<path>__<lookup>`` (``created__gte``, ``status__exact``)."""
    from .registry import site

    return _filterset(options, site.version)


@lru_cache(maxsize=256)
def _multi_paths(options: ResourceOptions, version: int) -> frozenset[str]:
    return frozenset(path for path in options.filter_lookups() if _walk(options.model, path)[1])


# -- parsing ---------------------------------------------------------------------------------


def _as_text(name: str, value: Any) -> str:
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            raise BadParameter(name, "expected a value or a list of values.")
        return ",".join(value)
    if isinstance(value, dict):
        raise BadParameter(name, "unexpected nested value.")
    return "" if value is None else str(value)


def _add_filter(
    options: ResourceOptions,
    lookups: dict[str, list[str]],
    params: IndexParams,
    name: str,
    value: Any,
    label: str,
) -> None:
    from .registry import site

    path = name.replace(".", "__")
    allowed = lookups.get(path)
    if allowed is None:
        raise UnknownParameter(name)
    boolean = path in _boolean_paths(options, site.version)
    if isinstance(value, dict):
        for op, op_value in value.items():
            op_label = f"{label}[{op}]"
            if op not in OPERATORS or op not in allowed:
                raise BadParameter(
                    op_label, f"operator {op!r} is not allowed; use one of {', '.join(allowed)}."
                )
            _set(params, path, op, _as_text(op_label, op_value), op_label, boolean)
        return
    text = _as_text(label, value)
    op = "in" if isinstance(value, list) or "," in text else "exact"
    _set(params, path, op, text, label, boolean)


_TRUE = frozenset({"1", "true", "on", "yes"})
_FALSE = frozenset({"0", "false", "off", "no"})


def _boolean(label: str, text: str) -> str:
    """Drupal-style booleans (``1``/``0``, ``true``/``false``) as django-filter reads them."""
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return "true"
    if lowered in _FALSE:
        return "false"
    raise BadParameter(label, "expected 1 or 0.")


@lru_cache(maxsize=256)
def _boolean_paths(options: ResourceOptions, version: int) -> frozenset[str]:
    return frozenset(
        path
        for path in options.filter_lookups()
        if isinstance(_target(_walk(options.model, path)[0]), models.BooleanField)
    )


def _set(
    params: IndexParams, path: str, op: str, text: str, label: str, boolean: bool = False
) -> None:
    if boolean and op in ("exact", "in"):
        text = ",".join(_boolean(label, part) for part in text.split(","))
    if op == "range" and len(text.split(",")) != 2:
        raise BadParameter(label, "a range needs two comma-separated values.")
    if op == "in" and any(part.strip() == "" for part in text.split(",")):
        raise BadParameter(label, "empty value in list.")
    if op == "isnull":
        text = _boolean(label, text)
    name = f"{path}__{op}"
    params.filters[name] = text
    params.labels[name] = label


def parse_fields(options: ResourceOptions, query: dict[str, Any]) -> list[str] | None:
    """``fields=a,b`` (or ``return[a]=1``) as a list of exposed fields; ``None`` for all."""
    exposed = options.exposed_fields()
    names: list[str] = []
    raw = query.get("fields")
    if raw not in (None, ""):
        if not isinstance(raw, str):
            raise BadParameter("fields", "expected a comma-separated list.")
        names += [n.strip() for n in raw.split(",") if n.strip()]
    returned = query.get("return")
    if isinstance(returned, dict):
        names += [n for n, flag in returned.items() if str(flag) not in ("0", "")]
    elif returned not in (None, ""):
        raise BadParameter("return", "expected return[field]=1.")
    if not names:
        return None
    out: list[str] = []
    for name in names:
        if name not in exposed:
            raise UnknownParameter(name)
        if name not in out:
            out.append(name)
    return out


def _ordering(options: ResourceOptions, query: dict[str, Any], params: IndexParams) -> None:
    direction = query.get("direction")
    descending = False
    if direction not in (None, ""):
        if not isinstance(direction, str) or direction.strip().upper() not in ("ASC", "DESC"):
            raise BadParameter("direction", "expected ASC or DESC.")
        descending = direction.strip().upper() == "DESC"
    sort = query.get("sort")
    ordering: list[str] = []
    if sort not in (None, ""):
        if not isinstance(sort, str):
            raise BadParameter("sort", "expected a comma-separated list of fields.")
        allowed = {name.replace(".", "__") for name in options.sort_fields}
        for name in (n.strip() for n in sort.split(",") if n.strip()):
            path = name.replace(".", "__")
            if path not in allowed:
                raise UnknownParameter(name)
            ordering.append(f"-{path}" if descending else path)
        params.sorted_by_request = True
        ordering = options.total_ordering(ordering)
    else:
        ordering = options.default_ordering()
    params.ordering = ordering


def parse_index_params(
    options: ResourceOptions,
    query: dict[str, Any],
    *,
    page_size: int,
    max_page_size: int,
    plain_query_filters: bool = False,
) -> IndexParams:
    """Validate an index query (raises ``UnknownParameter`` or ``BadParameter``)."""
    params = IndexParams()
    params.page = parse_int(query, "page", 0)
    params.page_size = parse_int(
        query, "pagesize", page_size, minimum=1, maximum=max_page_size, cap=True
    )
    if params.page * params.page_size > MAX_OFFSET:
        raise BadParameter("page", "too large.")
    params.fields = parse_fields(options, query)
    lookups = options.filter_lookups()
    parameters = query.get("parameters")
    if parameters not in (None, ""):
        if not isinstance(parameters, dict):
            raise BadParameter("parameters", "expected parameters[field]=value.")
        for name, value in parameters.items():
            _add_filter(options, lookups, params, name, value, f"parameters[{name}]")
    if plain_query_filters:
        for name, value in query.items():
            if name in RESERVED or name.replace(".", "__") not in lookups:
                continue
            _add_filter(options, lookups, params, name, value, name)
    search = query.get("search")
    if search not in (None, ""):
        if not options.search_fields:
            raise UnknownParameter("search")
        if not isinstance(search, str):
            raise BadParameter("search", "expected text.")
        params.search = search
    _ordering(options, query, params)
    return params


# -- applying --------------------------------------------------------------------------------


def apply_filters(options: ResourceOptions, queryset: QuerySet, params: IndexParams) -> QuerySet:
    """Filter ``queryset`` with the generated FilterSet; bad values raise ``BadParameter``.

    Filters across to-many relations run in a ``pk IN (subquery)`` so rows are not repeated.
    """
    if params.filters:
        filterset = filterset_for(options)(params.filters, queryset=queryset)
        if not filterset.is_valid():
            name, messages = next(iter(filterset.errors.items()))
            raise BadParameter(params.labels.get(name, name), " ".join(messages))
        from .registry import site

        multi = _multi_paths(options, site.version)
        if any(name.rsplit("__", 1)[0] in multi for name in params.filters):
            queryset = queryset.filter(pk__in=filterset.qs.values("pk"))
        else:
            queryset = filterset.qs
    if params.search:
        condition = Q()
        for name in options.search_fields:
            condition |= Q(**{f"{name}__icontains": params.search})
        queryset = queryset.filter(condition)
    return queryset


def filter_names(options: ResourceOptions) -> Sequence[str]:
    return list(filterset_for(options).base_filters)


__all__ = [
    "OPERATORS",
    "RESERVED",
    "IndexParams",
    "apply_filters",
    "filter_names",
    "filterset_for",
    "parse_fields",
    "parse_index_params",
]
