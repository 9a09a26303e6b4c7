"""Baselines the benchmarks measure the product against.

* ``PlainView``: the dispatch suite's plain DRF view returning the same payload as ``ping``.
* ``raw_index`` / ``raw_retrieve``: hand-written Django views serving exactly the rows and the
  JSON of ``GET /api/entity_article.json`` (``raw_index`` also ``/api/node.json``: it takes
  the resource) and ``GET /api/entity_article/<id>.json`` (clean processor, anonymous
  visitor: published articles only) as fast as plain Django goes: one
  ``values_list()`` query over the needed columns (author uuid joined in), one query over the
  tags' through table (tag uuid joined in), dictionaries built inline, orjson.
* ``ArticleViewSet``: a tuned hand-written DRF ``ModelViewSet`` with serializers,
  ``select_related``/``prefetch_related`` and ``only()``, serving the same page and shape.
"""

from __future__ import annotations

import orjson
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from rest_framework import serializers, viewsets
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from project.demo.models import Article, Tag

from .resources import PAYLOAD


class PlainView(APIView):
    authentication_classes = [SessionAuthentication, BasicAuthentication]
    permission_classes: list = []
    renderer_classes = [JSONRenderer]

    def get(self, request, id):
        return Response(PAYLOAD)


# -- shared --------------------------------------------------------------------------------

#: The product's default ordering for articles (model ``Meta.ordering`` plus the pk, in the
#: direction of the last key).
ORDERING = ("-sticky", "-created", "-id")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
#: The Services endpoint the product answers on: references point at its resources.
ENDPOINT_PATH = "/api/"


def visible_articles(request):
    """What the demo's ``queryset_hook`` lets the request see."""
    queryset = Article.objects.all()
    if not request.user.is_authenticated:
        queryset = queryset.filter(status=True)
    return queryset


def page_bounds(query) -> tuple[int, int]:
    try:
        page = int(query.get("page", 0))
        size = int(query.get("pagesize", DEFAULT_PAGE_SIZE))
    except ValueError:
        raise ValidationError("page and pagesize must be whole numbers") from None
    if page < 0 or size < 0:
        raise ValidationError("page and pagesize must be >= 0")
    size = min(size, MAX_PAGE_SIZE)
    return page * size, page * size + size


# -- (a) raw Django: values_list() + one through-table query + orjson -----------------------

RAW_COLUMNS = (
    "id",
    "uuid",
    "type",
    "title",
    "body",
    "body_format",
    "comment",
    "status",
    "sticky",
    "created",
    "changed",
    "author_id",
    "author__demo_profile__uuid",
)
#: orjson writes UUIDs natively and UTC date-times as ``2024-01-01T00:00:00Z``: the clean
#: processor's format.
ORJSON_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_OMIT_MICROSECONDS
Through = Article.tags.through


def raw_rows(request, queryset) -> list[dict]:
    base = request.build_absolute_uri(ENDPOINT_PATH)
    user_uri, tag_uri = base + "user/", base + "entity_tag/"
    rows = list(queryset.values_list(*RAW_COLUMNS))
    tags: dict[int, list[dict]] = {}
    if rows:
        pairs = (
            Through.objects.filter(article_id__in=[row[0] for row in rows])
            .order_by("article_id", "tag_id")
            .values_list("article_id", "tag_id", "tag__uuid")
        )
        for article_id, tag_id, tag_uuid in pairs:
            ref = {"uri": f"{tag_uri}{tag_id}", "id": tag_id, "resource": "entity_tag"}
            ref["uuid"] = tag_uuid
            tags.setdefault(article_id, []).append(ref)
    return [
        {
            "id": pk,
            "uuid": uuid,
            "type": type_,
            "title": title,
            "body": body,
            "body_format": body_format,
            "comment": comment,
            "status": status,
            "sticky": sticky,
            "created": created,
            "changed": changed,
            "author": {
                "uri": f"{user_uri}{author_id}",
                "id": author_id,
                "resource": "user",
                "uuid": author_uuid,
            },
            "tags": tags.get(pk, []),
        }
        for (
            pk,
            uuid,
            type_,
            title,
            body,
            body_format,
            comment,
            status,
            sticky,
            created,
            changed,
            author_id,
            author_uuid,
        ) in rows
    ]


def json_response(data, status: int = 200) -> HttpResponse:
    return HttpResponse(
        orjson.dumps(data, option=ORJSON_OPTIONS),
        content_type="application/json; charset=utf-8",
        status=status,
    )


def entity_rows(request, page) -> list[dict]:
    """``GET /api/entity_article.json`` rows: all columns, or ``fields=id,title`` (the one
    field list the suite asks for)."""
    if request.GET.get("fields") == "id,title":
        return [{"id": pk, "title": title} for pk, title in page.values_list("id", "title")]
    return raw_rows(request, page)


#: ``GET /api/node.json``: Drupal's column names, every value a string, the node's ``uri``
#: (the entity columns without the author's uuid).
NODE_COLUMNS = RAW_COLUMNS[:-1]


def node_rows(request, page) -> list[dict]:
    """The core-style ``node`` index rows, as raw as they go."""
    node_uri = request.build_absolute_uri(f"{ENDPOINT_PATH}node/")
    return [
        {
            "nid": str(pk),
            "uuid": str(uuid),
            "type": type_,
            "title": title,
            "body": {"und": [{"value": body, "format": body_format}]},
            "comment": str(comment),
            "status": "1" if status else "0",
            "sticky": "1" if sticky else "0",
            "created": str(int(created.timestamp())),
            "changed": str(int(changed.timestamp())),
            "uid": str(author_id),
            "uri": f"{node_uri}{pk}",
        }
        for (
            pk,
            uuid,
            type_,
            title,
            body,
            body_format,
            comment,
            status,
            sticky,
            created,
            changed,
            author_id,
        ) in page.values_list(*NODE_COLUMNS)
    ]


#: The indexes ``raw_index`` serves: their rows, and the answer to an empty page.
INDEXES = {
    "entity_article": (entity_rows, (["No entities found."], 404)),
    "node": (node_rows, ([], 200)),
}


def raw_index(request, resource: str = "entity_article"):
    """One page of ``resource``'s index (``page``/``pagesize``, the default order)."""
    rows_of, empty = INDEXES[resource]
    try:
        start, stop = page_bounds(request.GET)
    except ValidationError:
        return json_response(["page and pagesize must be whole numbers >= 0"], 400)
    rows = rows_of(request, visible_articles(request).order_by(*ORDERING)[start:stop])
    return json_response(rows) if rows else json_response(*empty)


def raw_retrieve(request, pk):
    rows = raw_rows(request, visible_articles(request).filter(pk=pk))
    if not rows:
        raise Http404
    return json_response(rows[0])


# -- (b) tuned DRF ModelViewSet -------------------------------------------------------------


class ZeroBasedPagination(BasePagination):
    """``page`` (0-based) and ``pagesize`` (capped at 100); answers a plain list."""

    def paginate_queryset(self, queryset, request, view=None):
        start, stop = page_bounds(request.query_params)
        rows = list(queryset[start:stop])
        if not rows:
            raise NotFound("No entities found.")
        return rows

    def get_paginated_response(self, data):
        return Response(data)


class ReferenceMixin:
    def uri_prefix(self, resource: str) -> str:
        cache = self.context.setdefault("uri_prefixes", {})
        prefix = cache.get(resource)
        if prefix is None:
            request = self.context["request"]
            prefix = cache[resource] = request.build_absolute_uri(f"{ENDPOINT_PATH}{resource}/")
        return prefix


class TagReferenceSerializer(ReferenceMixin, serializers.ModelSerializer):
    uri = serializers.SerializerMethodField()
    resource = serializers.SerializerMethodField()

    class Meta:
        model = Tag
        fields = ["uri", "id", "resource", "uuid"]

    def get_uri(self, tag) -> str:
        return f"{self.uri_prefix('entity_tag')}{tag.pk}"

    def get_resource(self, tag) -> str:
        return "entity_tag"


class ArticleSerializer(ReferenceMixin, serializers.ModelSerializer):
    created = serializers.DateTimeField(format="%Y-%m-%dT%H:%M:%SZ", read_only=True)
    changed = serializers.DateTimeField(format="%Y-%m-%dT%H:%M:%SZ", read_only=True)
    author = serializers.SerializerMethodField()
    tags = TagReferenceSerializer(many=True, read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "uuid",
            "type",
            "title",
            "body",
            "body_format",
            "comment",
            "status",
            "sticky",
            "created",
            "changed",
            "author",
            "tags",
        ]

    def get_author(self, article) -> dict:
        profile = getattr(article.author, "demo_profile", None)
        return {
            "uri": f"{self.uri_prefix('user')}{article.author_id}",
            "id": article.author_id,
            "resource": "user",
            "uuid": None if profile is None else str(profile.uuid),
        }


class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ArticleSerializer
    authentication_classes = [SessionAuthentication, BasicAuthentication]
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    pagination_class = ZeroBasedPagination

    def get_queryset(self):
        return (
            visible_articles(self.request)
            .select_related("author__demo_profile")
            .only(*RAW_COLUMNS[:-2], "author", "author__id", "author__demo_profile__uuid")
            .prefetch_related(
                Prefetch("tags", queryset=Tag.objects.only("id", "uuid").order_by("id"))
            )
            .order_by(*ORDERING)
        )


drf_index = ArticleViewSet.as_view({"get": "list"})
drf_retrieve = ArticleViewSet.as_view({"get": "retrieve"})
