"""Services-core-style resources (``node``, ``comment``, ``taxonomy_term``, ...) for the core-style
registrations (``services_api.drupal.registration``), following spec §9 and the calls
jDrupal/DrupalGap make (spec §12.13).

A core-style registration such as ``core_site.register(Article, name="node", id_key="nid",
wrapper="node", columns={"uid": "author"})`` gets a resource named ``node`` beside the model's
``entity_article``:

- **Columns** use Drupal's names: the pk is ``id_key`` (``nid``), ``columns`` renames the
  others (``uid`` for ``author``), unmapped fields keep their model name. Values are strings as
  Drupal's database rows are: ids and numbers ``"5"``, booleans ``"1"``/``"0"``, date-times Unix
  timestamps ``"1704067200"``, dates ``YYYY-MM-DD``, ``NULL`` ``null``. Many-to-many fields are
  not base-table columns: they appear in retrieve only, as lists of id strings.
- **index**: ``fields=a,b``, ``parameters[col]=v`` (a comma list, CSV quotes protecting commas,
  means IN), ``options[parameters_op][col]=<SQL operator>``, ``options[orderby][col]=asc|desc``
  (replaces the default order), ``page`` (0-based) and ``pagesize`` (silently capped at the
  endpoint's page size): the one grammar of ``entity_resources.grammar`` (docs/query.md) over
  the Drupal column names. Rows carry ``uri`` (alias-aware). Empty: ``[]``.
  Unknown columns: ``406 Not Acceptable : Invalid query provided, double check that the fields and
  parameters you defined are correct and exist. <detail>``; bad operators too (named). One query.
- **retrieve**: the row (``node`` adds the absolute ``path``); a missing or invisible row is
  ``404 Node <nid> could not be found`` (``Comment``, ``Term``, ``Vocabulary`` likewise).
- **fields**: the columns named in ``field_arrays`` are Drupal 7 fields, read and written
  as ``{"und": [{"value": "x", "format": "filtered_html"}]}`` (``services_api.drupal.fields``).
- **create** (bare or wrapped body) and **update** (wrapped or bare, the URL's id wins): unknown
  keys are ignored, as Drupal ignores properties it does not store; Drupal field structures
  (``{"und": [{"value": "x"}]}``) are reduced to their first value (and format); a required
  reference to the user model that is not sent defaults to the caller (node ``uid``).
  Validation errors are ``406`` with ``{"form_errors": {"<column>": "<messages>"}}``. Writes
  are atomic.
- **results**: node (and any core name without its own class) create/update
  ``{"nid": "<id>", "uri": "<abs uri>"}``, delete ``[true]``; comment create ``{cid, uri}``,
  update ``[cid]``, delete ``[true]``; taxonomy term/vocabulary create/update/delete ``[1]``,
  ``[2]``, ``[3]`` (Drupal's ``SAVED_NEW``/``SAVED_UPDATED``/``SAVED_DELETED``).
- **bundles**: ``bundles={"trust_referral": handler}`` sends a create whose body has
  ``bundle_key`` (``type``) equal to the bundle to ``handler(request, data) -> id`` (the body
  unwrapped, Drupal names); access is ``handler.access(request)`` when the handler has one,
  otherwise any signed-in user. The result is the resource's create result for that id.
- **access**: the entity resources' rules (Django model permissions, ``anonymous_read``,
  ``permission_classes``, ``object_access``) and the ``queryset_hook`` for visible rows.

``CORE_RESOURCE_CLASSES`` maps core names to their resource classes; ``register_core_resource``
adds one (a host project: a subclass of ``CoreResource``, from its ``resources.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models

from entity_resources.compiled import compiled
from entity_resources.exceptions import EntityNotFound, InvalidData, QueryError
from entity_resources.grammar import Vocabulary, parse_query
from entity_resources.options import ResourceOptions
from entity_resources.plan import FieldSpec, RenderContext, field_plan
from entity_resources.processors import OutputColumn, value_row_builder
from entity_resources.query import base_queryset, coerce_pk, fetch_m2m, hook_key
from entity_resources.schema import Column as EntityColumn
from entity_resources.schema import column_vocabulary, schema_for
from entity_resources.writing import create_entities, delete_entity, update_entity
from services_api.drupal.entity import EntityAccess, generated_resource
from services_api.drupal.fields import field_array, field_item, field_value
from services_api.drupal.query import page_size_policy, query_error
from services_api.drupal.registration import CoreOptions, core_site, registration_version
from services_api.exceptions import ServicesError
from services_api.resources import Arg, Resource, operation, relationship
from services_api.wire.parsers import unwrap

_ID = Arg("id", str, source="path", index=0)
#: Rows a relationship answers when ``count`` is 0 or absent (Drupal's comments per page).
RELATIONSHIP_DEFAULT_COUNT = 50


# -- columns ---------------------------------------------------------------------------------


def _bool_string(value: Any) -> str:
    return "1" if value else "0"


def _timestamp_string(value: Any) -> str:
    return str(int(value.timestamp()))


def _string(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _out_converter(column: EntityColumn) -> Callable[[Any], Any] | None:
    """Stored value (never ``None``) -> Drupal's string form; ``None`` when it is a string
    already."""
    if isinstance(column.target, models.BooleanField):
        return _bool_string
    if column.value_kind == "datetime":
        return _timestamp_string
    if column.text:
        return None
    return _string


@dataclass(frozen=True)
class Column:
    """An entity column (``entity_resources.schema.Column``) under its Drupal name."""

    core: str
    column: EntityColumn
    #: A Drupal field (``field_arrays``): rows carry ``{"und": [{"value", "format"}]}``.
    array: bool = False
    #: ``values()`` key of the field's text format, if it has one.
    format_attname: str | None = None

    @property
    def name(self) -> str:
        """Model field name (``author``)."""
        return self.column.name

    @property
    def attname(self) -> str:
        """``values()`` key and filter path (``author_id``)."""
        return self.column.attname

    @property
    def field(self) -> Any:
        return self.column.field

    def output(self) -> OutputColumn:
        """How the shared row builder writes this column."""
        if self.array:
            if self.format_attname:
                return OutputColumn(self.core, self.attname, field_array, extra=self.format_attname)
            return OutputColumn(self.core, self.attname, _field_array_without_format)
        return OutputColumn(self.core, self.attname, _out_converter(self.column), skip_none=True)


def _field_array_without_format(value: Any) -> Any:
    return field_array(value, None)


@dataclass
class CoreSchema:
    """The entity column schema under Drupal's names (computed once per registry version)."""

    options: ResourceOptions
    id_key: str
    #: The core-style registration (``None``: a related model's rows under its model names).
    core: CoreOptions | None = None
    columns: dict[str, Column] = field(default_factory=dict)
    #: Many-to-many fields: core name -> model field name (retrieve only).
    m2m: dict[str, str] = field(default_factory=dict)
    #: Core name -> model field name of the writable fields.
    writable: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)
    ordering: list[str] = field(default_factory=list)
    #: Field array column -> model field of its text format (``field_arrays``).
    formats: dict[str, str] = field(default_factory=dict)


def _build_schema(options: ResourceOptions, core: CoreOptions | None = None) -> CoreSchema:
    """Rename the registration's columns (``schema_for``): the pk is ``id_key``, ``columns``
    renames others, the format fields of ``field_arrays`` are part of their field."""
    entity = schema_for(options)
    id_key = core.id_key if core is not None else options.pk_name
    schema = CoreSchema(options=options, id_key=id_key, core=core)
    renamed = {name: key for key, name in ((core and core.columns) or {}).items()}
    arrays = (core and core.field_arrays) or {}
    format_of = {fmt: key for key, fmt in arrays.items() if fmt}
    pk = entity.pk
    schema.columns[id_key] = Column(id_key, pk)
    schema.by_name[pk.name] = id_key
    for name, column in entity.columns.items():
        if name == pk.name:
            continue
        if name in format_of:  # part of its field array, no column of its own
            schema.by_name[name] = format_of[name]
            continue
        key = renamed.get(name, name)
        schema.by_name[name] = key
        if not column.stored:
            schema.m2m[key] = name
        else:
            fmt = arrays.get(key)
            schema.columns[key] = Column(
                key,
                column,
                array=key in arrays,
                format_attname=options.opts.get_field(fmt).attname if fmt else None,
            )
            if fmt:
                schema.formats[key] = fmt
        if column.writable:
            schema.writable[key] = name
    schema.ordering = core.default_ordering() if core is not None else options.default_ordering()
    return schema


@lru_cache(maxsize=256)
def _schema(core: CoreOptions, version: tuple[int, int]) -> CoreSchema:
    return _build_schema(core.options, core)


def core_schema(core: CoreOptions) -> CoreSchema:
    """The (cached) Drupal column map of a core-style registration."""
    return _schema(core, registration_version())


def _row_builder(columns: list[Column]) -> Callable[[dict], dict]:
    return value_row_builder([column.output() for column in columns])


def value_keys(columns: list[Column]) -> list[str]:
    """The ``values()`` keys the row builder reads for ``columns`` (formats included)."""
    keys = [c.attname for c in columns]
    keys.extend(c.format_attname for c in columns if c.format_attname)
    return keys


# -- index queries ---------------------------------------------------------------------------


def _build_vocabulary(schema: CoreSchema) -> Vocabulary:
    """Every base-table column filters (any operator) and sorts under its Drupal name."""
    return column_vocabulary(
        {name: column.column for name, column in schema.columns.items()},
        ordering=schema.ordering,
        pk=schema.options.opts.pk.attname,
    )


@lru_cache(maxsize=256)
def _vocabulary(core: CoreOptions, version: tuple[int, int]) -> Vocabulary:
    return _build_vocabulary(_schema(core, version))


def core_vocabulary(core: CoreOptions) -> Vocabulary:
    """What a core index query may name: the registration's Drupal columns (cached)."""
    return _vocabulary(core, registration_version())


# -- access ----------------------------------------------------------------------------------


# -- writes ----------------------------------------------------------------------------------


def _form_errors(schema: CoreSchema, error: InvalidData) -> InvalidData:
    """The same validation error with Drupal's column names and one-line messages."""
    errors = error.errors if isinstance(error.errors, dict) else {"": error.errors}
    out: dict[str, str] = {}
    for key, messages in errors.items():
        if isinstance(messages, list):
            text = " ".join(str(m) for m in messages)
        else:
            text = str(messages)
        out[schema.by_name.get(key, key)] = text
    message = " ".join(out.values()) or error.message
    return InvalidData(out, message)


class CompiledPage:
    """A page of an unfiltered index, standing in for its queryset in ``CoreResource.rows``:
    ``values(*keys)`` runs SQL compiled once per ``shape`` (options, database, hook key,
    ordering, offset, size) and keys, so the queryset is built only the first time."""

    def __init__(self, shape: tuple, build: Callable[[], Any]) -> None:
        self.shape, self.build = shape, build

    def values(self, *keys: str) -> list[dict]:
        entry = compiled((*self.shape, keys), lambda: self.build().values(*keys), False)
        return entry.dicts() if entry is not None else list(self.build().values(*keys))


class CoreResource(EntityAccess, Resource):
    """Base of the generated core-style resources; ``options`` is the model's entity
    registration, ``core`` its core-style registration (Drupal names)."""

    options: ResourceOptions
    core: CoreOptions

    def query_vocabulary(self) -> Vocabulary:
        return core_vocabulary(self.core)

    #: First word of ``404 <label> <id> could not be found``.
    label = "Entity"

    @property
    def schema(self) -> CoreSchema:
        return core_schema(self.core)

    # -- access ----------------------------------------------------------------------------
    def can_create(self, request, kwargs) -> bool:
        handler = self.bundle_handler(self.unwrapped(kwargs.get("data")))
        if handler is not None:
            check = getattr(handler, "access", None)
            if check is not None:
                return bool(check(request))
            return bool(request.user.is_authenticated)
        return super().can_create(request, kwargs)

    def call(self, controller, request, kwargs):
        try:
            return super().call(controller, request, kwargs)
        except InvalidData as error:
            raise _form_errors(self.schema, error) from None
        except EntityNotFound:
            raise self.not_found(kwargs.get("id")) from None
        except QueryError as error:
            raise query_error(error, core=True) from None

    def not_found(self, item_id: Any) -> ServicesError:
        return ServicesError(f"{self.label} {item_id} could not be found", 404)

    # -- helpers ---------------------------------------------------------------------------
    def unwrapped(self, data: Any, *, update: bool = False) -> Any:
        """The body without its legacy wrapper (``{"node": {...}}``); an update also accepts
        Drupal's ``data`` wrapper (comment and user update) unless ``data`` is a column."""
        if data in ("", None, []):
            return {}
        if self.core.wrapper:
            data = unwrap(data, self.core.wrapper)
        if update and "data" not in self.schema.writable:
            data = unwrap(data, "data")
        return data

    def bundle_handler(self, data: Any) -> Callable | None:
        bundles = self.core.bundles
        if not bundles or not isinstance(data, dict):
            return None
        bundle = data.get(self.core.bundle_key)
        return bundles.get(bundle) if isinstance(bundle, str) else None

    def model_data(self, request, data: Any, *, creating: bool) -> dict:
        """A Drupal-named body as model field values: unknown keys dropped (Drupal ignores
        them), field structures reduced, a missing required user reference = the caller."""
        if not isinstance(data, dict):
            raise InvalidData({"": ["Expected an object of field values."]})
        schema = self.schema
        writable = schema.writable
        values = {}
        for key, value in data.items():
            name = writable.get(key)
            if name is None:
                continue
            column = schema.columns.get(key)
            if column is not None and column.array:
                values[name], text_format = field_item(value)
                if text_format is not None and key in schema.formats:
                    values[schema.formats[key]] = text_format
            else:
                values[name] = field_value(value)
        if creating and request.user.is_authenticated:
            user_model = get_user_model()
            for name in writable.values():
                model_field = self.options.opts.get_field(name)
                if (
                    name not in values
                    and model_field.many_to_one
                    and model_field.related_model is user_model
                    and not model_field.null
                ):
                    values[name] = request.user.pk
        return values

    def item_uri(self, request, item_id: Any) -> str:
        return request.services.resource_uri(self.name, item_id)

    def rows(self, request, queryset, columns: list[Column], *, with_uri: bool) -> list[dict]:
        pk_attname = self.options.opts.pk.attname
        keys = value_keys(columns)
        if pk_attname not in keys:
            keys.append(pk_attname)
        build = _row_builder(columns)
        raw = list(queryset.values(*keys))
        if not with_uri:
            return [build(row) for row in raw]
        prefix = self.item_uri(request, "")
        out = []
        for row in raw:
            item = build(row)
            item["uri"] = f"{prefix}{row[pk_attname]}"
            out.append(item)
        return out

    # -- operations ------------------------------------------------------------------------
    @operation("retrieve", args=[_ID], access="can_read")
    def retrieve(self, request, id):
        pk = coerce_pk(self.options, id)
        schema = self.schema
        queryset = base_queryset(self.options, request).filter(pk=pk)
        rows = self.rows(request, queryset, list(schema.columns.values()), with_uri=False)
        if not rows:
            raise EntityNotFound()
        row = rows[0]
        for core, name in schema.m2m.items():
            spec = _m2m_spec(self.options, name)
            pairs = fetch_m2m(spec, [pk], "generic").get(pk, [])
            row[core] = [str(pair[0]) for pair in pairs]
        return self.retrieve_response(request, row)

    @operation("index", access="can_read")
    def index(self, request):
        spec = parse_query(
            core_vocabulary(self.core),
            request.services.query,
            page_size=page_size_policy(request, core=True),
        )
        columns = self.schema.columns
        wanted = [columns[name] for name in spec.fields] if spec.fields else list(columns.values())

        def page():
            queryset = spec.apply(base_queryset(self.options, request))
            return queryset[spec.offset : spec.offset + spec.page_size]

        same_rows, key = hook_key(self.options, request)
        if same_rows and not spec.filters and not spec.search:
            alias = self.options.model._default_manager.db
            shape = ("core-page", self.options, alias, key, tuple(spec.ordering), spec.offset)
            page_ = CompiledPage((*shape, spec.page_size), page)
            return self.rows(request, page_, wanted, with_uri=True)
        return self.rows(request, page(), wanted, with_uri=True)

    @operation("create", args=[Arg("data", None, whole_body=True)], access="can_create")
    def create(self, request, data):
        body = self.unwrapped(data)
        handler = self.bundle_handler(body)
        if handler is not None:
            pk = handler(request, body)
            return self.create_result(request, pk)
        if not isinstance(body, dict):
            raise InvalidData({"": ["Expected an object of field values."]})
        self.validate_create(request, body)
        values = self.model_data(request, body, creating=True)
        self.validate_values(request, values, None)
        pks = create_entities(self.options, request, values)
        return self.create_result(request, pks[0])

    @operation("update", args=[_ID, Arg("data", None, whole_body=True)], access="can_update")
    def update(self, request, id, data):
        body = self.unwrapped(data, update=True)
        values = self.model_data(request, body, creating=False)
        self.validate_values(request, values, id)
        pk = update_entity(self.options, request, id, values)
        return self.update_result(request, pk)

    @operation("delete", args=[_ID], access="can_delete")
    def delete(self, request, id):
        delete_entity(self.options, request, id)
        return self.delete_result(request, id)

    # -- results (override per core resource) ------------------------------------------------
    def validate_create(self, request, body: dict) -> None:
        """Checks before saving (node: the type is required)."""

    def validate_values(self, request, values: dict, pk: Any) -> None:
        """Checks of the model values before a create (``pk`` None) or an update; raise
        ``InvalidData`` for a form error (taxonomy_term: the parent)."""

    def retrieve_response(self, request, row: dict) -> Any:
        return row

    def id_result(self, request, pk: Any) -> dict:
        return {self.schema.id_key: str(pk), "uri": self.item_uri(request, pk)}

    def create_result(self, request, pk: Any) -> Any:
        return self.id_result(request, pk)

    def update_result(self, request, pk: Any) -> Any:
        return self.id_result(request, pk)

    def delete_result(self, request, item_id: Any) -> Any:
        return True


def _m2m_spec(options: ResourceOptions, name: str) -> FieldSpec:
    """The read plan of a many-to-many field (its through table), for ``fetch_m2m``."""
    return field_plan(options, RenderContext())[name]


class NodeResource(CoreResource):
    """``node``: ``406 Node type is required`` on create; retrieve adds the absolute ``path``
    and, when a ``comment`` resource references the node, ``comment_count`` (node_load's
    comment statistics, ``services_api.drupal.comment``)."""

    label = "Node"

    def validate_create(self, request, body: dict) -> None:
        if not body.get(self.core.bundle_key):
            raise ServicesError("Node type is required", 406)

    def retrieve_response(self, request, row: dict) -> Any:
        from services_api.drupal.comment import comment_statistics  # comment imports core

        nid = row[self.schema.id_key]
        row["path"] = f"{request.services.base_url}/node/{nid}"
        row.update(comment_statistics(self.options, nid))
        return row


#: Core name -> resource class; other core names get ``CoreResource`` (node-like results).
#: ``comment`` and the taxonomy resources add themselves from their modules
#: (``services_api.drupal.comment``, ``services_api.drupal.taxonomy``).
CORE_RESOURCE_CLASSES: dict[str, type[CoreResource]] = {"node": NodeResource}


def register_core_resource(name: str, resource_class: type[CoreResource]) -> None:
    """Serve the core-style registration named ``name`` through ``resource_class`` (a
    ``CoreResource`` subclass); a later call for the same name replaces the earlier one."""
    if not (isinstance(resource_class, type) and issubclass(resource_class, CoreResource)):
        raise TypeError(f"{resource_class!r} is not a CoreResource subclass.")
    CORE_RESOURCE_CLASSES[name] = resource_class


def _relationship_method(name: str, accessor: str):
    @relationship(
        name,
        args=[
            _ID,
            Arg("count", int, source="query", required=False, default=0),
            Arg("offset", int, source="query", required=False, default=0),
        ],
        access="can_read",
    )
    def method(self, request, id, count, offset):
        if count < 0 or offset < 0:
            which = "count" if count < 0 else "offset"
            raise ServicesError(f"Invalid value for argument {which}: must not be negative.", 400)
        child, related = self.related_rows(request, id, accessor)
        child_core = core_site.get(child.model)
        schema = core_schema(child_core) if child_core is not None else _build_schema(child)
        limit = min(count or RELATIONSHIP_DEFAULT_COUNT, 10_000)
        queryset = related.order_by(child.opts.pk.attname)[offset : offset + limit]
        build = _row_builder(list(schema.columns.values()))
        keys = value_keys(list(schema.columns.values()))
        return [build(row) for row in queryset.values(*keys)]

    method.__name__ = f"relationship_{name}"
    return method


def core_resource_for(core: CoreOptions) -> CoreResource:
    """The resource of a core-style registration."""
    return generated_resource(
        CORE_RESOURCE_CLASSES.get(core.name or "", CoreResource),
        core.options,
        name=core.name or "",
        id_key=core.id_key or core.options.pk_name,
        relationship_method=_relationship_method,
        kind="CoreResource",
        core=core,
    )


def build_core_resources() -> list[Resource]:
    return [core_resource_for(core) for core in core_site]


__all__ = [
    "CORE_RESOURCE_CLASSES",
    "register_core_resource",
    "CoreResource",
    "CoreSchema",
    "NodeResource",
    "build_core_resources",
    "core_resource_for",
    "core_schema",
    "core_vocabulary",
    "field_value",
    "value_keys",
]
