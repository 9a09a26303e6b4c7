"""Drupal's core ``comment`` resource: results and the ``countAll``/``countNew`` actions.

Follows Services 7.x-3.x (``resources/comment_resource.inc``, 7.x-3.18):

- create ``{cid, uri}``, update ``[cid]``, delete ``[true]``;
- ``POST comment/countAll`` with ``nid`` in the body: the node's published comments, as a
  string (``["3"]``: Drupal returns ``node.comment_count``, a database value);
- ``POST comment/countNew`` with ``nid`` and optional ``since`` (Unix time) in the body: the
  node's published comments created after ``since``, never counting further back than 30 days
  (Drupal's ``NODE_NEW_LIMIT``); ``since`` 0 or absent means "since the caller last read the
  node", and as no read history is kept that is the 30-day limit. Anonymous callers get
  ``[false]`` (``comment_num_new()``).

Both need ``view`` access to comments, as Drupal's ``access comments``. Drupal answers a
missing node with ``null``; here it is ``404 Node <nid> could not be found`` (also when the
caller may not see the node). The actions read Drupal's comment columns ``nid`` (the node
reference), ``status`` and ``created``; one ``COUNT`` query each.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

import entity_resources
from entity_resources.options import ResourceOptions
from entity_resources.query import base_queryset
from services_api.drupal.core import CoreResource, core_schema
from services_api.drupal.fields import field_value
from services_api.drupal.registration import CoreOptions, core_site
from services_api.exceptions import ServicesError
from services_api.resources import Arg, action

#: Drupal's ``NODE_NEW_LIMIT``: comments older than this are never "new".
NEW_LIMIT = datetime.timedelta(days=30)


#: Drupal's ``COMMENT_NODE_OPEN``: the node's ``comment`` value that lets users post.
COMMENT_NODE_OPEN = 2


def _comment_core(node_model) -> CoreOptions | None:
    """The ``comment`` registration whose ``nid`` references ``node_model``."""
    for core in core_site:
        if core.name != "comment":
            continue
        column = core_schema(core).columns.get("nid")
        if column is not None and column.field.related_model is node_model:
            return core
    return None


def comment_statistics(node_options: ResourceOptions, nid: Any) -> dict[str, str]:
    """``comment_count`` of a node as node_load adds it (published comments, a string); ``{}``
    when no comment resource references the node model. One ``COUNT`` query."""
    core = _comment_core(node_options.model)
    if core is None:
        return {}
    schema = core_schema(core)
    queryset = core.model._default_manager.filter(**{schema.columns["nid"].attname: nid})
    status = schema.columns.get("status")
    if status is not None:
        queryset = queryset.filter(**{status.attname: True})
    return {"comment_count": str(queryset.count())}


class CommentResource(CoreResource):
    """``comment``: create ``{cid, uri}``, update ``[cid]``, delete ``[true]``; rows carry the
    author's ``name``; actions ``countAll`` and ``countNew``."""

    label = "Comment"

    def update_result(self, request, pk: Any) -> Any:
        return str(pk)

    def can_create(self, request, kwargs) -> bool:
        """Drupal's ``_comment_resource_access('create')``: the node must exist (``406 Node
        nid: <nid> does not exist.``) and, when it has a ``comment`` setting, be open to
        comments (else 403); then the model's ``add`` permission."""
        body = self.unwrapped(kwargs.get("data"))
        nid = field_value(body.get("nid")) if isinstance(body, dict) else None
        column = self.schema.columns.get("nid")
        if column is not None and isinstance(nid, int | str) and str(nid).strip().isdigit():
            node_model = column.field.related_model
            setting = "comment" if _has_field(node_model, "comment") else "pk"
            row = node_model._default_manager.filter(pk=int(nid)).values(setting).first()
            if row is None:
                raise ServicesError(f"Node nid: {nid} does not exist.", 406)
            if setting == "comment" and row["comment"] != COMMENT_NODE_OPEN:
                return False
        return super().can_create(request, kwargs)

    def rows(self, request, queryset, columns, *, with_uri: bool) -> list[dict]:
        """Rows with the author's ``name`` (a column of Drupal's comment table; DrupalGap shows
        it): one query for the page's authors."""
        rows = super().rows(request, queryset, columns, with_uri=with_uri)
        uid = self.schema.columns.get("uid")
        if not rows or uid is None or "uid" not in rows[0] or not uid.field.is_relation:
            return rows
        user_model = uid.field.related_model
        ids = {row["uid"] for row in rows if row["uid"] is not None}
        names = dict(
            user_model._default_manager.filter(pk__in=ids).values_list(
                "pk", user_model.USERNAME_FIELD
            )
        )
        for row in rows:
            row["name"] = names.get(int(row["uid"])) if row["uid"] is not None else None
        return rows

    # -- actions ---------------------------------------------------------------------------
    def _column(self, name: str):
        column = self.schema.columns.get(name)
        if column is None:
            raise ImproperlyConfigured(
                f"{self.options.opts.label}: the comment actions need a {name!r} column."
            )
        return column

    def _node_pk(self, request, nid: int) -> Any:
        """The node's pk after checking the caller can see it (404 otherwise)."""
        node_model = self._column("nid").field.related_model
        if entity_resources.is_registered(node_model):
            queryset = base_queryset(entity_resources.site.get_options(node_model), request)
        else:
            queryset = node_model._default_manager.all()
        if not queryset.filter(pk=nid).exists():
            raise ServicesError(f"Node {nid} could not be found", 404)
        return nid

    def _published(self, nid: Any):
        queryset = self.options.model._default_manager.filter(**{self._column("nid").attname: nid})
        status = self.schema.columns.get("status")
        if status is not None:
            queryset = queryset.filter(**{status.attname: True})
        return queryset

    @action(
        "countAll",
        args=[Arg("nid", int, description="The node id to count all comments.")],
        access="can_read",
    )
    def count_all(self, request, nid):
        return str(self._published(self._node_pk(request, nid)).count())

    @action(
        "countNew",
        args=[
            Arg("nid", int, description="The node id to load comments for."),
            Arg(
                "since",
                int,
                required=False,
                default=0,
                description="Timestamp to count from (defaults to the last read, 30 days).",
            ),
        ],
        access="can_read",
    )
    def count_new(self, request, nid, since):
        pk = self._node_pk(request, nid)
        if not request.user.is_authenticated:
            return False
        limit = timezone.now() - NEW_LIMIT
        try:
            start = datetime.datetime.fromtimestamp(since, tz=datetime.UTC) if since else limit
        except (OverflowError, OSError, ValueError):
            raise ServicesError(
                "Invalid value for argument since: expected a Unix timestamp.", 400
            ) from None
        start = max(start, limit)
        created = self._column("created").attname
        return str(self._published(pk).filter(**{f"{created}__gt": start}).count())


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


__all__ = ["COMMENT_NODE_OPEN", "NEW_LIMIT", "CommentResource", "comment_statistics"]
