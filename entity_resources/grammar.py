"""The one query grammar: an index request's query -> one typed ``QuerySpec``.

Every listing (the entity resources, the core-style resources built on them, a ``user``
resource, the DRF viewsets) parses its query here, so the same parameter gets the same answer
everywhere. The query is the PHP-bracket-parsed dictionary (``parameters[status]=1`` ->
``{"parameters": {"status": "1"}}``); what names a resource accepts comes from its
``Vocabulary`` (the filterable, sortable and renderable columns of its schema).

Accepted (docs/query.md has the full table and the decisions behind it):

- ``parameters[x]=v``: ``x = v``; a comma list (CSV: double quotes protect commas, spaces kept)
  or a ``[]`` list means ``x IN (...)``.
- ``options[parameters_op][x]=<SQL operator>`` (the core dialect: ``=``, ``<>``, ``>``,
  ``IN``, ``LIKE``, ``BETWEEN``, ``IS NULL``, ...) or ``parameters[x][<lookup>]=v`` (the
  entity dialect: ``gte``, ``icontains``, ``range``, ...). A vocabulary may restrict the
  lookups of a column (the registration's ``filter_fields``).
- ``options[orderby][x]=ASC|DESC`` and/or ``sort=a,b`` with ``direction=ASC|DESC``.
- ``fields=a,b`` or ``return[a]=1`` (``*`` or nothing: every column).
- ``page`` (0-based) and ``pagesize`` (whole numbers read by ``limits.parse_int``; an empty
  value is the default); a ``pagesize`` above the ``PageSize`` maximum is silently capped
  (spec §9/§10).
- ``cursor`` (keyset pages), ``search`` (when the vocabulary has search columns), and plain
  ``?x=v`` filters when the caller enables them.

Errors are ``QueryError``s naming the parameter as the client wrote it: ``UnknownParameter``
(406) for a name the resource does not have, ``InvalidFilter`` (400; a bad operator or value in
``parameters``/``options``) and ``BadParameter`` (400; a malformed page, pagesize, cursor,
direction, ``fields`` ... ). A server turns them into its own dialect's status lines.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Lookup, Q, QuerySet
from django.utils import timezone

from .exceptions import BadParameter, InvalidFilter, UnknownParameter
from .limits import MAX_INTEGER, MAX_OFFSET, parse_int, to_int

#: Index page sizes used when the caller has no policy of its own (spec §10: 20, capped at 100).
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
#: How a listing counts its rows: ``COUNT(*)``, PostgreSQL's planner estimate, or not at all.
COUNT_MODES = ("exact", "estimated", "none")
#: Strings read as booleans (query values, flags), compared lower-cased and stripped.
TRUE_STRINGS = frozenset({"1", "true", "on", "yes"})
FALSE_STRINGS = frozenset({"0", "false", "off", "no"})

#: Lookups ``parameters[x][<lookup>]=v`` may name (and ``filter_fields`` may allow).
LOOKUPS = (
    "exact",
    "iexact",
    "in",
    "gt",
    "gte",
    "lt",
    "lte",
    "contains",
    "icontains",
    "startswith",
    "istartswith",
    "endswith",
    "iendswith",
    "isnull",
    "range",
)

#: Lookups that compare text as text (their value is not parsed as the column's type); a
#: column allowing any of them also takes ``options[parameters_op][x]=LIKE``.
TEXT_LOOKUPS = frozenset(
    {"iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith"}
)

#: ``options[parameters_op][x]`` (core dialect, spec §9) -> (lookup, negated). ``=`` with
#: several values is ``in``; ``IS NULL`` takes no value.
SQL_OPERATORS: dict[str, tuple[str, bool]] = {
    "=": ("exact", False),
    "<=>": ("exact", False),
    "<>": ("exact", True),
    "!=": ("exact", True),
    ">": ("gt", False),
    ">=": ("gte", False),
    "<": ("lt", False),
    "<=": ("lte", False),
    "IN": ("in", False),
    "NOT IN": ("in", True),
    "LIKE": ("like", False),
    "NOT LIKE": ("like", True),
    "IS NULL": ("isnull", False),
    "IS NOT NULL": ("isnull", True),
    "BETWEEN": ("range", False),
}

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
        "offset",
    }
)


def truthy(value: Any) -> bool:
    """``True`` for ``True`` and the ``TRUE_STRINGS`` (any case, spaces ignored)."""
    if isinstance(value, bool):
        return value
    return value is not None and str(value).strip().lower() in TRUE_STRINGS


# -- what a resource accepts -----------------------------------------------------------------


@dataclass(frozen=True)
class QueryColumn:
    """A name a query may filter or sort by.

    ``path`` is the ORM path filters and ``order_by`` use (``author_id``, ``author__username``);
    ``field`` the model field at the end of ``path`` (``target`` is the one whose values a
    filter parses: for a relation, the field it refers to, ``schema.target_field``);
    ``lookups`` the lookups allowed (``None``: all, including the SQL operators' ``like``);
    ``multi`` whether the path crosses a to-many relation (matches are de-duplicated).
    """

    name: str
    path: str
    field: Any
    lookups: frozenset[str] | None = None
    multi: bool = False

    @cached_property
    def target(self) -> Any:
        """The field whose values a filter on this column parses (``schema.target_field``)."""
        from .schema import target_field

        return target_field(self.field)

    @property
    def text(self) -> bool:
        return isinstance(self.target, models.CharField | models.TextField)

    def allows(self, lookup: str) -> bool:
        if self.lookups is None:
            return True
        if lookup == "like":
            return bool(self.lookups & TEXT_LOOKUPS)
        return lookup in self.lookups or (lookup == "exact" and "in" in self.lookups)


@dataclass(frozen=True)
class Vocabulary:
    """The names one resource's queries may use (built once per schema, then reused)."""

    #: Names ``fields=`` / ``return[]`` accept, in output order.
    fields: tuple[str, ...]
    filters: Mapping[str, QueryColumn]
    sorts: Mapping[str, QueryColumn]
    #: Default ``order_by`` (made total with ``pk``).
    ordering: tuple[str, ...]
    #: ORM path of the primary key (appended to every ordering for stable pages).
    pk: str
    search: tuple[str, ...] = ()

    def filter_column(self, name: str) -> QueryColumn | None:
        column = self.filters.get(name)
        if column is None and "." in name:
            column = self.filters.get(name.replace(".", "__"))
        return column

    def sort_column(self, name: str) -> QueryColumn | None:
        column = self.sorts.get(name)
        if column is None and "." in name:
            column = self.sorts.get(name.replace(".", "__"))
        return column


@dataclass(frozen=True)
class PageSize:
    """The one page-size policy: ``pagesize`` defaults to ``default`` and anything above
    ``maximum`` is silently capped (spec §9/§10), never refused."""

    default: int = DEFAULT_PAGE_SIZE
    maximum: int = MAX_PAGE_SIZE

    def size(self, requested: int | None) -> int:
        if requested is None:
            return min(self.default, self.maximum)
        return min(requested, self.maximum)


# -- the parsed query ------------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    """One condition: ``column lookup values`` (``negate``: NOT), as the client's ``parameter``."""

    parameter: str
    column: QueryColumn
    lookup: str
    values: tuple[Any, ...]
    negate: bool = False

    def q(self) -> Q:
        path, lookup, values = self.column.path, self.lookup, self.values
        if lookup == "like":
            q = Q()
            for pattern in values:
                q |= like_q(path, pattern)
        elif lookup == "isnull":
            q = Q(**{f"{path}__isnull": values[0]})
        elif lookup in ("in", "range"):
            q = Q(**{f"{path}__{lookup}": list(values)})
        elif lookup == "exact" and len(values) != 1:
            q = Q(**{f"{path}__in": list(values)})
        else:
            q = Q(**{f"{path}__{lookup}": values[0]})
        return ~q if self.negate else q


@dataclass
class QuerySpec:
    """A validated index query."""

    page: int = 0
    page_size: int = DEFAULT_PAGE_SIZE
    #: Names to render; ``None`` for all.
    fields: list[str] | None = None
    filters: list[Filter] = field(default_factory=list)
    search: str | None = None
    search_paths: tuple[str, ...] = ()
    #: ``order_by`` arguments, the pk last for stable pages.
    ordering: list[str] = field(default_factory=list)
    #: Whether the client chose the order (``sort`` or ``options[orderby]``).
    sorted_by_request: bool = False
    #: ``None``: page numbers; a string (``""`` = from the top): keyset pages.
    cursor: str | None = None
    count: str = "none"

    @property
    def offset(self) -> int:
        return self.page * self.page_size

    def condition(self) -> Q:
        q = Q()
        for item in self.filters:
            q &= item.q()
        if self.search:
            any_of = Q()
            for path in self.search_paths:
                any_of |= Q(**{f"{path}__icontains": self.search})
            q &= any_of
        return q

    def filter(self, queryset: QuerySet) -> QuerySet:
        """``queryset`` filtered (not ordered). Filters across a to-many relation run in a
        ``pk IN (subquery)`` so rows are not repeated."""
        if self.filters or self.search:
            condition = self.condition()
            if any(item.column.multi for item in self.filters):
                return queryset.filter(pk__in=queryset.filter(condition).values("pk"))
            return queryset.filter(condition)
        return queryset

    def apply(self, queryset: QuerySet) -> QuerySet:
        """``queryset`` filtered and ordered (not sliced)."""
        return self.filter(queryset).order_by(*self.ordering)


# -- values ----------------------------------------------------------------------------------


def page_number(query: Mapping[str, Any], page_size: int) -> int:
    """``page`` (0-based): a whole number (``limits.parse_int``) whose first row is within
    ``MAX_OFFSET``; empty or absent is 0."""
    page = parse_int(query, "page", 0)
    if page * page_size > MAX_OFFSET:
        raise BadParameter("page", "too large.")
    return page


def split_csv(text: str) -> list[str]:
    """PHP-style CSV (spec §9): comma-separated, double quotes protect commas, spaces
    after a comma are part of the value."""
    if "," not in text and '"' not in text:
        return [text]
    try:
        return next(csv.reader([text], skipinitialspace=False)) or [""]
    except (csv.Error, StopIteration):
        return [text]


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in TRUE_STRINGS:
        return True
    if lowered in FALSE_STRINGS:
        return False
    raise ValueError(text)


def parse_value(column: QueryColumn, text: str) -> Any:
    """``text`` as a value of ``column`` (``ValueError``/``ValidationError`` when it is not one).

    Booleans are ``1``/``0``/``true``/``false``/``on``/``off``/``yes``/``no``; date-times Unix
    timestamps (as PHP applications store them) or ISO 8601 (``2024-01-01``,
    ``...T00:00:00Z``; naive is UTC); integers must fit the column (no overflow reaches the
    database).
    """
    target = column.target
    if isinstance(target, models.BooleanField):
        return _boolean(text)
    if isinstance(target, models.DateTimeField):
        stripped = text.strip()
        if stripped.lstrip("-").isdigit() and stripped.isascii():
            value = datetime.datetime.fromtimestamp(to_int(stripped), tz=datetime.UTC)
        else:
            value = target.to_python(stripped)
            if value is not None and timezone.is_naive(value):
                value = value.replace(tzinfo=datetime.UTC)
        if value is not None and not settings.USE_TZ:
            value = timezone.make_naive(value, datetime.UTC)
        return value
    if isinstance(target, models.IntegerField | models.AutoField):
        value = to_int(text)  # ASCII digits only, 64-bit at most
        target.run_validators(value)  # the column's own range
        return value
    return target.to_python(text)


# -- LIKE ------------------------------------------------------------------------------------


class Like(Lookup):
    """SQL ``LIKE`` with the client's own ``%``/``_`` wildcards (``\\`` escapes), case-insensitive
    as the reference implementation's is on MySQL (collation) and PostgreSQL (``ILIKE``)."""

    lookup_name = "client_like"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        operator = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
        if connection.vendor not in ("postgresql", "sqlite"):
            lhs, rhs = f"UPPER({lhs})", f"UPPER({rhs})"
        return f"{lhs} {operator} {rhs} ESCAPE '\\'", [*lhs_params, *rhs_params]


def like_q(path: str, pattern: str) -> Q:
    """``path LIKE pattern`` as portable lookups when the pattern allows, else ``Like``."""
    tokens: list[str] = []  # literal runs, alternating with "%" or "_" wildcards
    literal: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            literal.append(pattern[i + 1])
            i += 2
            continue
        if char in "%_":
            tokens.append("".join(literal))
            tokens.append(char)
            literal = []
        else:
            literal.append(char)
        i += 1
    tokens.append("".join(literal))
    wildcards = tokens[1::2]
    texts = tokens[0::2]
    if "_" not in wildcards and all(t == "" for t in texts[1:-1]):
        lead = bool(wildcards) and texts[0] == ""
        trail = bool(wildcards) and texts[-1] == ""
        core = "".join(texts)
        if not wildcards:
            return Q(**{f"{path}__iexact": core})
        if lead and trail:
            return Q(**{f"{path}__icontains": core}) if core else Q(**{f"{path}__isnull": False})
        if lead:
            return Q(**{f"{path}__iendswith": core})
        if trail:
            return Q(**{f"{path}__istartswith": core})
    return Q(Like(F(path), pattern))


# -- parsing ---------------------------------------------------------------------------------


def _invalid(label: str, detail: str) -> InvalidFilter:
    return InvalidFilter(label, detail)


def _values_of(label: str, name: str, value: Any, *, split: bool) -> list[str]:
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            raise _invalid(label, f"Unexpected nested value for parameter {name}.")
        values = list(value)
    elif isinstance(value, str):
        values = split_csv(value) if split else [value]
    elif value is None:
        values = [""]
    else:
        raise _invalid(label, f"Unexpected nested value for parameter {name}.")
    if any("\x00" in v for v in values):
        raise _invalid(label, f"Null characters are not allowed in parameter {name}.")
    return values


def _filter(
    column: QueryColumn, label: str, lookup: str, negate: bool, op: str, texts: list[str]
) -> Filter:
    name = column.name
    if lookup == "isnull":
        if op == "isnull":  # parameters[x][isnull]=1|0
            if len(texts) != 1:
                raise _invalid(label, f"Operator isnull on column {name} takes one value.")
            try:
                return Filter(label, column, "isnull", (_boolean(texts[0]),))
            except ValueError:
                raise _invalid(label, f"Invalid value {texts[0]!r} for column {name}.") from None
        return Filter(label, column, "isnull", (not negate,))
    if lookup == "like":
        if not column.text:
            raise _invalid(label, f"Operator {op} needs a text column, not {name}.")
        return Filter(label, column, "like", tuple(texts), negate)
    if lookup == "range" and len(texts) != 2:
        raise _invalid(label, f"Operator {op} on column {name} takes two values.")
    if lookup not in ("exact", "in", "range") and len(texts) != 1:
        raise _invalid(label, f"Operator {op} on column {name} takes one value.")
    text_lookup = lookup in TEXT_LOOKUPS
    values = []
    for text in texts:
        if text_lookup:
            values.append(text)
            continue
        try:
            values.append(parse_value(column, text))
        except (ValidationError, ValueError, TypeError, OverflowError, OSError):
            raise _invalid(label, f"Invalid value {text!r} for column {name}.") from None
    return Filter(label, column, lookup, tuple(values), negate)


def _add_filters(
    vocabulary: Vocabulary,
    spec: QuerySpec,
    name: str,
    value: Any,
    label: str,
    sql_op: Any,
) -> None:
    column = vocabulary.filter_column(name)
    if column is None:
        raise UnknownParameter(name, "parameters")
    if isinstance(value, dict):  # parameters[x][gte]=v
        for op, op_value in value.items():
            op_label = f"{label}[{op}]"
            if op not in LOOKUPS or not column.allows(op):
                allowed = [lk for lk in LOOKUPS if column.allows(lk)]
                raise _invalid(
                    op_label,
                    f"Unknown operator {op!r} for parameter {name}; use one of "
                    f"{', '.join(allowed)}.",
                )
            texts = _values_of(op_label, name, op_value, split=op in ("in", "range"))
            spec.filters.append(_filter(column, op_label, op, False, op, texts))
        return
    texts = _values_of(label, name, value, split=True)
    if sql_op is None:
        lookup, negate, op = ("exact" if len(texts) == 1 else "in"), False, "="
    else:
        op = " ".join(sql_op.split()).upper() if isinstance(sql_op, str) else ""
        if op not in SQL_OPERATORS:
            raise _invalid(label, f"Unknown operator {sql_op!r} for parameter {name}.")
        lookup, negate = SQL_OPERATORS[op]
        if not column.allows(lookup):
            raise _invalid(label, f"Operator {op} is not allowed for parameter {name}.")
    spec.filters.append(_filter(column, label, lookup, negate, op, texts))


def _map(query: Mapping[str, Any], key: str) -> dict[str, Any]:
    options = query.get("options")
    if options in (None, ""):
        return {}
    if not isinstance(options, dict):
        raise BadParameter("options", "expected options[orderby] or options[parameters_op].")
    value = options.get(key)
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise BadParameter(f"options[{key}]", f"expected options[{key}][column]=value.")
    return value


def parse_fields(vocabulary: Vocabulary, query: Mapping[str, Any]) -> list[str] | None:
    """``fields=a,b`` (or ``return[a]=1``) as a list of known names; ``None`` for all."""
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
    names = [n for n in names if n != "*"]
    if not names:
        return None
    known = set(vocabulary.fields)
    out: list[str] = []
    for name in names:
        if name not in known:
            raise UnknownParameter(name, "fields")
        if name not in out:
            out.append(name)
    return out


def _ordering(vocabulary: Vocabulary, query: Mapping[str, Any], spec: QuerySpec) -> None:
    ordering: list[str] = []
    for name, direction in _map(query, "orderby").items():
        column = vocabulary.sort_column(name)
        if column is None:
            raise UnknownParameter(name, "orderby")
        descending = isinstance(direction, str) and direction.strip().upper() == "DESC"
        ordering.append(f"-{column.path}" if descending else column.path)
    direction = query.get("direction")
    descending = False
    if direction not in (None, ""):
        if not isinstance(direction, str) or direction.strip().upper() not in ("ASC", "DESC"):
            raise BadParameter("direction", "expected ASC or DESC.")
        descending = direction.strip().upper() == "DESC"
    sort = query.get("sort")
    if sort not in (None, ""):
        if not isinstance(sort, str):
            raise BadParameter("sort", "expected a comma-separated list of fields.")
        for name in (n.strip() for n in sort.split(",") if n.strip()):
            column = vocabulary.sort_column(name)
            if column is None:
                raise UnknownParameter(name, "sort")
            ordering.append(f"-{column.path}" if descending else column.path)
    if ordering:
        spec.sorted_by_request = True
        ordering = total_ordering(ordering, vocabulary.pk)
    else:
        ordering = total_ordering(vocabulary.ordering, vocabulary.pk)
    spec.ordering = ordering


def total_ordering(keys: Sequence[str], pk: str, *aliases: str) -> list[str]:
    """``keys`` (``.`` or ``__`` paths, ``-`` for descending) made total by the primary key, in
    the direction of the last key unless a key already is the pk: ``["-created"]`` ->
    ``["-created", "-id"]``. One direction throughout lets one index serve an ordering and its
    reverse, and lets keyset pages continue with a row-value comparison."""
    ordering = [key.replace(".", "__") for key in keys]
    names = {pk, "pk", *aliases}
    if not any(key.lstrip("-") in names for key in ordering):
        descending = bool(ordering) and ordering[-1].startswith("-")
        ordering.append(f"-{pk}" if descending else pk)
    return ordering


def parse_query(
    vocabulary: Vocabulary,
    query: Mapping[str, Any],
    *,
    page_size: PageSize | None = None,
    plain_filters: bool = False,
    count: str = "none",
) -> QuerySpec:
    """Validate an index query into a ``QuerySpec`` (raises a ``QueryError`` naming the
    parameter). ``plain_filters``: top-level ``?x=v`` keys that name a filter are filters."""
    if count not in COUNT_MODES:
        raise ValueError(f"count must be one of {', '.join(COUNT_MODES)}")
    policy = page_size or PageSize()
    spec = QuerySpec(count=count)
    maximum = policy.size(MAX_INTEGER)
    size = parse_int(query, "pagesize", policy.size(None), minimum=1, maximum=maximum, cap=True)
    spec.page_size = policy.size(size)
    spec.page = page_number(query, spec.page_size)
    cursor = query.get("cursor")
    if cursor is not None:
        if not isinstance(cursor, str):
            raise BadParameter("cursor", "expected the cursor of a previous page.")
        if spec.page:
            raise BadParameter("page", "cannot be combined with cursor.")
        spec.cursor = cursor
    spec.fields = parse_fields(vocabulary, query)
    operators = _map(query, "parameters_op")
    parameters = query.get("parameters")
    if parameters not in (None, ""):
        if not isinstance(parameters, dict):
            raise BadParameter("parameters", "expected parameters[column]=value.")
        for name, value in parameters.items():
            label = f"parameters[{name}]"
            _add_filters(vocabulary, spec, name, value, label, operators.get(name))
    if plain_filters:
        for name, value in query.items():
            if name in RESERVED or vocabulary.filter_column(name) is None:
                continue
            _add_filters(vocabulary, spec, name, value, name, None)
    search = query.get("search")
    if search not in (None, ""):
        if not vocabulary.search:
            raise UnknownParameter("search", "search")
        if not isinstance(search, str):
            raise BadParameter("search", "expected text.")
        spec.search = search
        spec.search_paths = vocabulary.search
    _ordering(vocabulary, query, spec)
    return spec


__all__ = [
    "COUNT_MODES",
    "DEFAULT_PAGE_SIZE",
    "FALSE_STRINGS",
    "LOOKUPS",
    "MAX_PAGE_SIZE",
    "RESERVED",
    "SQL_OPERATORS",
    "TEXT_LOOKUPS",
    "TRUE_STRINGS",
    "Filter",
    "Like",
    "PageSize",
    "QueryColumn",
    "QuerySpec",
    "Vocabulary",
    "like_q",
    "page_number",
    "parse_fields",
    "parse_query",
    "parse_value",
    "split_csv",
    "total_ordering",
    "truthy",
]
