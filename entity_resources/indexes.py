"""Which orderings of a registration an index can serve (read in order, no sort), per database.

A listing is only as fast as its ``ORDER BY``: without an index delivering rows in that order
the database reads and sorts every visible row for every page. ``entity_resources.W003``
(``checks.py``) uses ``unserved_orderings`` to name each ordering a registration lists by (its
default ordering, each ``sort_fields`` entry, and the orders other apps list it in, added with
``add_ordering_source``) that no index of the model can serve, with the ``Meta.indexes`` line
that would.

An index serves an ordering ``k1, ..., kn, pk`` when, after skipping the columns the listing's
filter pins to one value (``status = true`` for anonymous visitors), its columns are
``k1, ..., kn`` all in the same direction relative to the ordering (the database may scan it
backwards), followed by the primary key in that direction too. The primary key may be left out
when one of the keys is unique, or on SQLite when the pk is the rowid (every SQLite index ends
with it, ascending). Orderings through a relation (``author__username``, or a foreign key whose
model has ``Meta.ordering``) are joins that no index of this table can serve.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models, router
from django.db.models.lookups import Exact

from .options import ResourceOptions

#: An index as ``((field name, descending), ...)`` plus the equality pairs of its condition
#: (``None`` for a full index; a partial index whose condition is not plain equalities is
#: skipped).
Columns = tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class KnownIndex:
    columns: Columns
    condition: frozenset[tuple[str, Any]] | None = None


@dataclass(frozen=True)
class Unserved:
    """An ordering no index serves: ``source`` says where it comes from (``"default
    ordering"``, ``"sort_fields entry 'title'"``), ``suggestion`` the index that would serve it
    (``None`` when no index of this table can: the ordering goes through a relation)."""

    source: str
    ordering: tuple[str, ...]
    suggestion: models.Index | None
    reason: str = ""
    vendor: str = ""


def _field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _equalities(q: Any, model: type[models.Model]) -> frozenset[tuple[str, Any]] | None:
    """Equality pairs of a partial index's ``Q`` condition, or ``None`` when it has others."""
    if q is None:
        return frozenset()
    if q.negated or (q.connector != "AND" and len(q.children) > 1):
        return None
    pairs: set[tuple[str, Any]] = set()
    for child in q.children:
        if isinstance(child, tuple):
            name, value = child
            if name.endswith("__exact"):
                name = name[: -len("__exact")]
            field_ = _field(model, name)
            if field_ is None or "__" in name:
                return None
            pairs.add((field_.name, value))
        else:
            inner = _equalities(child, model)
            if inner is None:
                return None
            pairs |= inner
    return frozenset(pairs)


def known_indexes(model: type[models.Model]) -> list[KnownIndex]:
    """Every index Django creates for ``model``: pk, ``unique``/``db_index`` fields (foreign
    keys included), ``Meta.indexes``, unique constraints and ``unique_together``."""
    opts = model._meta
    found: list[KnownIndex] = []
    for field_ in opts.concrete_fields:
        if field_.primary_key or field_.unique or field_.db_index:
            found.append(KnownIndex(((field_.name, False),)))
    for index in opts.indexes:
        if index.expressions or not index.fields:
            continue
        condition = _equalities(index.condition, model)
        if condition is None:
            continue
        columns = tuple((name.lstrip("-"), name.startswith("-")) for name in index.fields)
        found.append(KnownIndex(tuple((_canonical(model, n), d) for n, d in columns), condition))
    for constraint in opts.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            if constraint.expressions:
                continue
            condition = _equalities(constraint.condition, model)
            if condition is None:
                continue
            columns = tuple((_canonical(model, n), False) for n in constraint.fields)
            found.append(KnownIndex(columns, condition))
    for fields in opts.unique_together:
        found.append(KnownIndex(tuple((_canonical(model, n), False) for n in fields)))
    return found


def _canonical(model: type[models.Model], name: str) -> str:
    """The field name for a name or attname (``author_id`` -> ``author``); ``pk`` -> pk name."""
    if name == "pk":
        return model._meta.pk.name
    field_ = _field(model, name)
    return field_.name if field_ is not None else name


def _unique(model: type[models.Model], name: str) -> bool:
    field_ = _field(model, name)
    return bool(field_ is not None and (field_.primary_key or field_.unique))


def rowid_pk(model: type[models.Model], vendor: str) -> bool:
    """SQLite: an ``integer`` primary key is the rowid, which ends every index ascending."""
    if vendor != "sqlite":
        return False
    connection = connections[router.db_for_read(model)]
    db_type = model._meta.pk.db_type(connection) or ""
    return db_type.lower().startswith("integer")


def serves(
    index: KnownIndex,
    ordering: Sequence[tuple[str, bool]],
    pinned: frozenset[tuple[str, Any]],
    model: type[models.Model],
    vendor: str,
) -> bool:
    """Whether ``index`` delivers rows in ``ordering`` when ``pinned`` equalities hold."""
    if index.condition is not None and not index.condition <= pinned:
        return False
    fixed = {name for name, _ in pinned}
    keys = [(name, desc) for name, desc in ordering if name not in fixed]
    pk = model._meta.pk.name
    columns = [(name, desc) for name, desc in index.columns if name not in fixed]
    if not keys:
        return True
    *body, last = keys
    if last[0] != pk:  # not made total by the pk: every key must be matched
        body, last = keys, None
    flip: bool | None = None
    for position, (name, desc) in enumerate(body):
        if position >= len(columns) or columns[position][0] != name:
            return False
        relative = desc != columns[position][1]
        if flip is None:
            flip = relative
        elif flip != relative:
            return False
    if last is None:
        return True
    if any(_unique(model, name) for name, _ in body):
        return True
    rest = columns[len(body) :]
    if rest and rest[0][0] == pk:
        return flip is None or flip == (last[1] != rest[0][1])
    if not rest and rowid_pk(model, vendor):
        return flip is None or flip == last[1]
    return False


def _parsed(model: type[models.Model], ordering: Iterable[str]) -> tuple[list, str]:
    """``[(field name, descending)]`` and ``""``, or ``[]`` and why no index can serve it."""
    out = []
    for key in ordering:
        name = key.lstrip("-")
        if "__" in name:
            return [], f"{key!r} orders through a relation (a join)"
        field_ = _field(model, _canonical(model, name))
        if field_ is None:
            return [], f"{key!r} is not a field"
        if field_.is_relation and name == field_.name and field_.related_model._meta.ordering:
            return [], (
                f"{key!r} orders by {field_.related_model._meta.label}'s Meta.ordering "
                f"(a join); order by {field_.attname!r} to use the column"
            )
        out.append((field_.name, key.startswith("-")))
    return out, ""


def _stand_in_request(authenticated: bool) -> Any:
    if not authenticated:
        return SimpleNamespace(user=AnonymousUser(), META={}, GET={}, query_params={})
    user = SimpleNamespace(
        pk=None,
        id=None,
        is_authenticated=True,
        is_anonymous=False,
        is_active=True,
        is_staff=False,
        is_superuser=False,
        has_perm=lambda *args, **kwargs: False,
    )
    return SimpleNamespace(user=user, META={}, GET={}, query_params={})


def _where_equalities(queryset: Any, model: type[models.Model]) -> frozenset[tuple[str, Any]]:
    """Equality filters ANDed at the top of a queryset's WHERE (``status = true``)."""
    where = queryset.query.where
    if where.connector != "AND" or where.negated:
        return frozenset()
    pairs = set()
    table = model._meta.db_table
    for child in where.children:
        if isinstance(child, Exact) and getattr(child.lhs, "alias", None) == table:
            target = getattr(child.lhs, "target", None)
            if target is not None and not hasattr(child.rhs, "resolve_expression"):
                pairs.add((target.name, child.rhs))
    return frozenset(pairs)


def listing_filters(options: ResourceOptions) -> list[frozenset[tuple[str, Any]]]:
    """The equality filters the ``queryset_hook`` applies, for an anonymous and for a signed-in
    visitor (stand-in requests; a hook that cannot run on them counts as no filter)."""
    if options.queryset_hook is None:
        return [frozenset()]
    variants = []
    for authenticated in (False, True):
        try:
            queryset = options.queryset_hook(
                options.model._default_manager.all(), _stand_in_request(authenticated)
            )
            pinned = _where_equalities(queryset, options.model)
        except Exception:  # a hook that needs a real request: assume it filters nothing
            pinned = frozenset()
        if pinned not in variants:
            variants.append(pinned)
    return variants


def suggested_index(model: type[models.Model], ordering: Sequence[tuple[str, bool]]) -> Any:
    """An index serving ``ordering`` (as its forward scan), named as Django would name it."""
    fields = [f"-{name}" if desc else name for name, desc in ordering]
    if fields and fields[0].startswith("-"):  # store ascending; scanned backwards
        fields = [f[1:] if f.startswith("-") else f"-{f}" for f in fields]
    index = models.Index(fields=fields)
    index.set_name_with_model(model)
    return index


def index_line(index: models.Index) -> str:
    """``models.Index(fields=[...], name="...")``, as it goes into ``Meta.indexes``."""
    fields = ", ".join(f'"{name}"' for name in index.fields)
    return f'models.Index(fields=[{fields}], name="{index.name}")'


#: ``(source, ordering)`` pairs of a registration that another app lists rows in.
OrderingSource = Callable[[ResourceOptions], Iterable[tuple[str, list[str]]]]
_ORDERING_SOURCES: list[OrderingSource] = []


def add_ordering_source(source: OrderingSource) -> None:
    """Have ``W003`` also check the orders ``source(options)`` names for a registration (an app
    that serves the registration elsewhere, in an order of its own). Adding twice adds once."""
    if source not in _ORDERING_SOURCES:
        _ORDERING_SOURCES.append(source)


def listed_orderings(options: ResourceOptions) -> list[tuple[str, list[str]]]:
    """``(source, ordering)`` of every order a registration lists rows in."""
    found = [("default ordering", options.default_ordering())]
    for source in _ORDERING_SOURCES:
        for name, ordering in source(options):
            if all(ordering != known for _, known in found):
                found.append((name, list(ordering)))
    for name in options.sort_fields:
        path = name.replace(".", "__")
        found.append((f"sort_fields entry {name!r}", options.total_ordering([path])))
    return found


def unserved_orderings(options: ResourceOptions) -> list[Unserved]:
    """The orderings of ``options`` no index serves on the model's database."""
    model = options.model
    vendor = connections[router.db_for_read(model)].vendor
    indexes = known_indexes(model)
    variants = listing_filters(options)
    out = []
    for source, ordering in listed_orderings(options):
        parsed, reason = _parsed(model, ordering)
        if reason:
            out.append(Unserved(source, tuple(ordering), None, reason, vendor))
            continue
        if all(
            any(serves(index, parsed, pinned, model, vendor) for index in indexes)
            for pinned in variants
        ):
            continue
        out.append(Unserved(source, tuple(ordering), suggested_index(model, parsed), "", vendor))
    return out


__all__ = [
    "KnownIndex",
    "OrderingSource",
    "add_ordering_source",
    "Unserved",
    "index_line",
    "known_indexes",
    "listed_orderings",
    "listing_filters",
    "serves",
    "suggested_index",
    "unserved_orderings",
]
