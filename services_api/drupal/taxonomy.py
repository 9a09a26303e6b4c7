"""Drupal's core ``taxonomy_term`` and ``taxonomy_vocabulary`` resources and their actions.

Follows Services 7.x-3.x (``resources/taxonomy_resource.inc``, 7.x-3.18). Create, update and
delete answer Drupal's ``SAVED_NEW``/``SAVED_UPDATED``/``SAVED_DELETED`` (``[1]``, ``[2]``,
``[3]``). Terms carry the hierarchy as Drupal's ``parent`` column (``"0"`` for a root term;
``0`` or ``"0"`` is accepted on write, as is Drupal's ``[parent]`` list).

Actions (arguments from the POST body, as Drupal's ``'source' => array('data' => …)``):

- ``taxonomy_vocabulary/getTree``: ``vid`` (required), ``parent`` (0), ``maxdepth`` (all
  levels), ``load_entities`` (0): ``taxonomy_get_tree()``: the vocabulary's terms depth-first,
  siblings by weight then name, each with ``depth`` and ``parents``; no term:
  ``404 No vocabulary with id <vid> found.``. One query.
- ``taxonomy_vocabulary/retrieveByMachineName``: ``machine_name``: the vocabulary, or
  ``404 No vocabulary with machine name <name> found.``.
- ``taxonomy_term/selectNodes``: ``tid``, ``pager`` (1: pages of 10, ``?page=`` picks the
  page, as Drupal's pager), ``limit`` (without pager), ``order`` (``{"t.created": "ASC"}`` or
  ``"sticky DESC, created DESC"``, the default): the published nodes tagged with the term, as
  node rows with ``uri``; none: ``404 No nodes were found with tid <tid>``. As in 6.x-3.x,
  ``tid`` may be a comma list with ``operator`` ``or`` (default) or ``and``, and ``depth``
  (0, a number or ``all``) includes the terms below each tid. Two queries, three with depth.

The node model is the core-style registration named ``node`` that has a many-to-many field
to the term model (the demo's ``Article.tags``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from django.utils.text import slugify

import entity_resources
from entity_resources.exceptions import InvalidData
from entity_resources.grammar import page_number
from entity_resources.permissions import operation_allowed
from entity_resources.query import base_queryset, fetch_m2m
from services_api.drupal.core import (
    CoreResource,
    _m2m_spec,
    core_resource_for,
    core_schema,
)
from services_api.drupal.fields import field_value
from services_api.drupal.query import invalid_query
from services_api.drupal.registration import CoreOptions, core_site
from services_api.exceptions import ServicesError
from services_api.resources import Arg, action, registry
from services_api.server.errors import access_denied

SAVED_NEW, SAVED_UPDATED, SAVED_DELETED = 1, 2, 3
#: Drupal's ``default_nodes_main``: nodes per page of ``selectNodes`` with ``pager``.
SELECT_NODES_PAGE_SIZE = 10
#: ``selectNodes``' default order (Drupal: ``t.sticky DESC, t.created DESC``).
DEFAULT_NODE_ORDER = {"sticky": "DESC", "created": "DESC"}


class TaxonomyResource(CoreResource):
    """``taxonomy_term`` / ``taxonomy_vocabulary``: results are Drupal's ``SAVED_*`` codes."""

    def create_result(self, request, pk: Any) -> Any:
        return SAVED_NEW

    def update_result(self, request, pk: Any) -> Any:
        return SAVED_UPDATED

    def delete_result(self, request, item_id: Any) -> Any:
        return SAVED_DELETED


# -- terms -----------------------------------------------------------------------------------


def _parent_value(value: Any) -> Any:
    """Drupal's parent as sent (``0``, ``"3"``, ``[3]``, ``{"und": …}``) -> pk or ``None``."""
    value = field_value(value)
    if isinstance(value, list):
        value = value[0] if value else None
    if value in (None, "", 0, "0"):
        return None
    return value


class TermResource(TaxonomyResource):
    """``taxonomy_term`` with the hierarchy (``parent``) and ``selectNodes``."""

    label = "Term"

    def rows(self, request, queryset, columns, *, with_uri: bool) -> list[dict]:
        rows = super().rows(request, queryset, columns, with_uri=with_uri)
        if "parent" in self.schema.columns:
            for row in rows:
                if "parent" in row and row["parent"] is None:
                    row["parent"] = "0"
        return rows

    def retrieve_response(self, request, row: dict) -> Any:
        vid = self.schema.columns.get("vid")
        if vid is not None and vid.field.is_relation and row.get("vid") is not None:
            vocabulary = vid.field.related_model
            if any(f.name == "machine_name" for f in vocabulary._meta.concrete_fields):
                row["vocabulary_machine_name"] = (
                    vocabulary._default_manager.filter(pk=row["vid"])
                    .values_list("machine_name", flat=True)
                    .first()
                )
        return row

    def model_data(self, request, data: Any, *, creating: bool) -> dict:
        values = super().model_data(request, data, creating=creating)
        column = self.schema.columns.get("parent")
        if column is not None and column.name in values:
            values[column.name] = _parent_value(data.get("parent"))
        return values

    def validate_values(self, request, values: dict, pk: Any) -> None:
        """The parent must be a term of the same vocabulary, and not the term or below it."""
        schema = self.schema
        parent, vid = schema.columns.get("parent"), schema.columns.get("vid")
        if parent is None or values.get(parent.name) is None:
            return
        manager = self.options.model._default_manager
        wanted = values[parent.name]
        keys = [parent.attname] + ([vid.attname] if vid is not None else [])
        row = manager.filter(pk=wanted).values(*keys).first() if str(wanted).isdigit() else None
        if row is None:
            raise InvalidData({parent.name: [f"There is no term with id {wanted}."]})
        if vid is not None:
            vocabulary = values.get(vid.name)
            if vocabulary is None and pk is not None:
                vocabulary = manager.filter(pk=pk).values_list(vid.attname, flat=True).first()
            if vocabulary is not None and str(row[vid.attname]) != str(vocabulary):
                raise InvalidData(
                    {parent.name: [f"Term {wanted} is not in the vocabulary of this term."]}
                )
        seen: set[str] = set()
        current: Any = wanted
        while current is not None and str(current) not in seen:
            if pk is not None and str(current) == str(pk):
                raise InvalidData({parent.name: ["A term cannot be below itself."]})
            seen.add(str(current))
            current = manager.filter(pk=current).values_list(parent.attname, flat=True).first()

    # -- selectNodes -------------------------------------------------------------------------
    def _node_core(self) -> tuple[CoreOptions, str]:
        """The node registration and its many-to-many field to this term model."""
        for core in core_site:
            if core.name != "node":
                continue
            for model_field in core.opts.many_to_many:
                if model_field.related_model is self.options.model:
                    return core, model_field.name
        raise ServicesError("No node resource is tagged with terms.", 404)

    def _tids(self, tid: str) -> list[int]:
        parts = [p.strip() for p in tid.split(",")]
        if not parts or not all(p.isdigit() for p in parts):
            raise ServicesError(
                "Invalid value for argument tid: expected term ids separated by commas.", 400
            )
        return [int(p) for p in parts]

    def _with_descendants(self, tids: list[int], depth: Any) -> list[set[int]]:
        """Each tid with the terms below it, ``depth`` levels down (``all``: every level)."""
        if depth in (None, "", 0, "0"):
            return [{t} for t in tids]
        if isinstance(depth, str) and depth.strip().lower() == "all":
            levels = None
        else:
            try:
                levels = int(str(depth).strip())
            except ValueError:
                raise ServicesError(
                    'Invalid value for argument depth: expected a number or "all".', 400
                ) from None
            if levels < 0:
                raise ServicesError(
                    'Invalid value for argument depth: expected a number or "all".', 400
                )
        parent = self.schema.columns.get("parent")
        if parent is None:
            return [{t} for t in tids]
        children: dict[int, list[int]] = defaultdict(list)
        pk = self.options.opts.pk.attname
        for child, parent_pk in self.options.model._default_manager.filter(
            **{f"{parent.attname}__isnull": False}
        ).values_list(pk, parent.attname):
            children[parent_pk].append(child)
        out = []
        for tid in tids:
            found, level, frontier = {tid}, 0, [tid]
            while frontier and (levels is None or level < levels):
                frontier = [c for p in frontier for c in children.get(p, ()) if c not in found]
                found.update(frontier)
                level += 1
            out.append(found)
        return out

    def _node_order(self, schema, order: Any) -> list[str]:
        if order in (None, "", [], {}):
            order = DEFAULT_NODE_ORDER
        if isinstance(order, str):
            pairs = []
            for part in order.split(","):
                words = part.split()
                if not words or len(words) > 2:
                    raise invalid_query(f"Invalid order clause {part.strip()!r}.")
                pairs.append((words[0], words[1] if len(words) == 2 else "ASC"))
        elif isinstance(order, dict):
            pairs = list(order.items())
        else:
            raise invalid_query("Invalid order clause.")
        ordering = []
        for name, direction in pairs:
            column = schema.columns.get(re.sub(r"^[a-z]\.", "", str(name)))
            if column is None:
                raise invalid_query(f"Unknown column {name!r} in order.")
            descending = isinstance(direction, str) and direction.strip().upper() == "DESC"
            ordering.append(f"-{column.attname}" if descending else column.attname)
        ordering.append(f"-{schema.options.opts.pk.attname}")
        return ordering

    @action(
        "selectNodes",
        args=[
            Arg("tid", str, description="The term id (6.x-3.x: ids separated by commas)."),
            Arg("pager", bool, required=False, default=True),
            Arg("limit", int, required=False, default=None),
            Arg("order", None, required=False, default=None),
            Arg("operator", str, required=False, default="or"),
            Arg("depth", None, required=False, default=0),
        ],
        access="can_read",
    )
    def select_nodes(self, request, tid, pager, limit, order, operator, depth):
        node_core, m2m = self._node_core()
        node_options = node_core.options
        if not operation_allowed(node_options, request, "retrieve"):
            raise access_denied(request.user)
        tids = self._tids(tid)
        if operator.strip().lower() not in ("or", "and"):
            raise ServicesError('Invalid value for argument operator: expected "or" or "and".', 400)
        if limit is not None and limit < 0:
            raise ServicesError("Invalid value for argument limit: must not be negative.", 400)
        groups = self._with_descendants(tids, depth)
        node_schema = core_schema(node_core)
        queryset = node_options.model._default_manager.all()
        status = node_schema.columns.get("status")
        if status is not None:  # Drupal's taxonomy_index holds published nodes only
            queryset = queryset.filter(**{status.attname: True})
        if operator.strip().lower() == "and":
            for group in groups:
                queryset = queryset.filter(
                    pk__in=node_options.model._default_manager.filter(
                        **{f"{m2m}__in": sorted(group)}
                    ).values("pk")
                )
        else:
            union = sorted(set().union(*groups))
            queryset = queryset.filter(
                pk__in=node_options.model._default_manager.filter(**{f"{m2m}__in": union}).values(
                    "pk"
                )
            )
        queryset = queryset.order_by(*self._node_order(node_schema, order))
        if pager:
            page = page_number(request.services.query, SELECT_NODES_PAGE_SIZE)
            start = page * SELECT_NODES_PAGE_SIZE
            queryset = queryset[start : start + SELECT_NODES_PAGE_SIZE]
        elif limit:
            queryset = queryset[:limit]
        rows = _node_rows(node_core, request, queryset)
        if not rows:
            raise ServicesError(f"No nodes were found with tid {tid}", 404)
        return rows


def core_resource(core: CoreOptions) -> CoreResource:
    """The served core-style resource of a registration (the registry's instance)."""
    resource = registry.get(core.name or "")
    if isinstance(resource, CoreResource) and resource.core is core:
        return resource
    return core_resource_for(core)


def _node_rows(node_core: CoreOptions, request, queryset) -> list[dict]:
    """Node rows as ``node_load`` gives them (columns and many-to-many ids) plus ``uri``."""
    node_options = node_core.options
    schema = core_schema(node_core)
    rows = core_resource(node_core).rows(
        request, queryset, list(schema.columns.values()), with_uri=True
    )
    if rows and schema.m2m:
        to_pk = node_options.opts.pk.to_python
        pks = [to_pk(row[schema.id_key]) for row in rows]
        for core, name in schema.m2m.items():
            pairs = fetch_m2m(_m2m_spec(node_options, name), pks, "generic")
            for row, pk in zip(rows, pks, strict=True):
                row[core] = [str(pair[0]) for pair in pairs.get(pk, [])]
    return rows


# -- vocabularies ----------------------------------------------------------------------------


def machine_name_for(name: str, taken: set[str]) -> str:
    """Drupal-style machine name from a vocabulary name, unique among ``taken``."""
    base = slugify(name).replace("-", "_")[:200] or "vocabulary"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    return candidate


class VocabularyResource(TaxonomyResource):
    """``taxonomy_vocabulary`` with ``getTree`` and ``retrieveByMachineName``."""

    label = "Vocabulary"

    def model_data(self, request, data: Any, *, creating: bool) -> dict:
        """A create without ``machine_name`` gets one from the name (Drupal would store an
        empty machine name, which the next such create then collides with)."""
        values = super().model_data(request, data, creating=creating)
        column = self.schema.columns.get("machine_name")
        if creating and column is not None and not values.get(column.name):
            name = values.get(self.schema.writable.get("name", "name"))
            if isinstance(name, str) and name.strip():
                manager = self.options.model._default_manager
                prefix = slugify(name).replace("-", "_")[:200]
                taken = set(
                    manager.filter(**{f"{column.attname}__startswith": prefix}).values_list(
                        column.attname, flat=True
                    )
                )
                values[column.name] = machine_name_for(name, taken)
        return values

    def _term_core(self) -> CoreOptions:
        core = core_site.named("taxonomy_term")
        if core is not None and entity_resources.is_registered(core.model):
            return core
        raise ServicesError("No taxonomy_term resource is registered.", 404)

    @action(
        "retrieveByMachineName",
        args=[Arg("machine_name", str, description="The vocabulary's machine name.")],
        access="can_read",
    )
    def retrieve_by_machine_name(self, request, machine_name):
        schema = self.schema
        column = schema.columns.get("machine_name")
        rows = []
        if column is not None:
            queryset = base_queryset(self.options, request).filter(**{column.attname: machine_name})
            rows = self.rows(request, queryset, list(schema.columns.values()), with_uri=False)
        if not rows:
            raise ServicesError(f"No vocabulary with machine name {machine_name} found.", 404)
        return self.retrieve_response(request, rows[0])

    @action(
        "getTree",
        args=[
            Arg("vid", int, description="The vocabulary id to retrieve."),
            Arg("parent", int, required=False, default=0),
            Arg("maxdepth", int, required=False, default=None),
            Arg("load_entities", bool, required=False, default=False),
        ],
        access="can_read",
    )
    def get_tree(self, request, vid, parent, maxdepth, load_entities):
        term_core = self._term_core()
        if not operation_allowed(term_core.options, request, "retrieve"):
            raise access_denied(request.user)
        terms = core_resource(term_core)
        schema = terms.schema
        vid_column, parent_column = schema.columns.get("vid"), schema.columns.get("parent")
        if vid_column is None:
            raise ServicesError(f"No vocabulary with id {vid} found.", 404)
        if load_entities:
            columns = list(schema.columns.values())
        else:  # taxonomy_get_tree()'s partial terms: the term_data columns
            partial = (schema.id_key, "vid", "name", "description", "format", "weight")
            columns = [schema.columns[c] for c in partial if c in schema.columns]
            if parent_column is not None:
                columns.append(parent_column)
        queryset = (
            base_queryset(term_core.options, request)
            .filter(**{vid_column.attname: vid})
            .order_by(*_sibling_order(schema))
        )
        rows = terms.rows(request, queryset, columns, with_uri=False)
        tree = _tree(rows, schema.id_key, str(parent), maxdepth)
        if not tree:
            raise ServicesError(f"No vocabulary with id {vid} found.", 404)
        if load_entities and rows and "vocabulary_machine_name" not in rows[0]:
            machine = (
                self.options.model._default_manager.filter(pk=vid)
                .values_list("machine_name", flat=True)
                .first()
                if "machine_name" in self.schema.columns
                else None
            )
            for item in tree:
                item["vocabulary_machine_name"] = machine
        return tree


def _sibling_order(schema) -> list[str]:
    order = [schema.columns[c].attname for c in ("weight", "name") if c in schema.columns]
    return [*order, schema.options.opts.pk.attname]


def _tree(rows: list[dict], id_key: str, parent: str, maxdepth: int | None) -> list[dict]:
    """``taxonomy_get_tree()``: depth-first from ``parent``, rows already in sibling order;
    items get ``depth`` and ``parents``, and lose the ``parent`` column."""
    children: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        children[row.get("parent", "0") or "0"].append(row)
    tree: list[dict] = []
    seen: set[str] = set()

    def walk(pid: str, depth: int) -> None:
        if maxdepth is not None and depth >= maxdepth:
            return
        for row in children.get(pid, ()):
            tid = row[id_key]
            if tid in seen:  # a cycle in bad data must not loop forever
                continue
            seen.add(tid)
            item = {k: v for k, v in row.items() if k != "parent"}
            item["depth"] = depth
            item["parents"] = [row.get("parent", "0") or "0"]
            tree.append(item)
            walk(tid, depth + 1)

    walk(parent, 0)
    return tree


__all__ = [
    "SAVED_DELETED",
    "SAVED_NEW",
    "SAVED_UPDATED",
    "TaxonomyResource",
    "TermResource",
    "VocabularyResource",
    "machine_name_for",
]
