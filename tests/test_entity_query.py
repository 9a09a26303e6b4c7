"""entity_resources read path: processors, filters/operators, sort, paging, fields, queries."""

from datetime import datetime

import pytest
from django.core.management import call_command

from entity_resources import ResourceOptions, site
from entity_resources.exceptions import BadParameter, EntityNotFound, UnknownParameter
from entity_resources.filtering import filterset_for, vocabulary_for
from entity_resources.grammar import LOOKUPS, PageSize, parse_query
from entity_resources.listing import build_listing
from entity_resources.plan import RenderContext, format_datetime_utc
from entity_resources.query import render_rows, retrieve_row, rows_by_pk
from project.demo.models import Article
from tests.entity_helpers import make_data
from tests.testapp.models import Widget

CONTEXT = RenderContext(
    uri_builder=lambda resource, pk: f"http://h/api/{resource}/{pk}",
    user_uuid_field="demo_profile__uuid",
)


@pytest.fixture
def data(db):
    return make_data()


@pytest.fixture
def options():
    """Article with every lookup allowed (not registered: functions take options directly)."""
    return ResourceOptions(
        Article,
        filter_fields={
            "title": list(LOOKUPS),
            "created": ["gt", "gte", "lt", "lte", "range", "isnull"],
            "status": [],
            "author": ["isnull"],
            "author.username": ["startswith"],
            "tags": [],
            "tags.name": ["icontains"],
        },
        sort_fields=["title", "created", "sticky", "author.username"],
        search_fields=["title", "body"],
        processor="clean",
    )


def index(options, query, *, page_size=20, count=False, **kwargs):
    policy = PageSize(page_size, 100)
    mode = "exact" if count else "none"
    return build_listing(options, query, None, CONTEXT, page_size=policy, count_mode=mode, **kwargs)


def titles(options, query, **kwargs):
    return [row["title"] for row in index(options, query, **kwargs).rows]


# -- processors ------------------------------------------------------------------------------


def test_clean_processor_row(data, options):
    row = retrieve_row(options, data.articles[0].pk, None, CONTEXT)
    article = data.articles[0]
    assert row["author"] == {
        "uri": f"http://h/api/user/{data.alice.pk}",
        "id": data.alice.pk,
        "resource": "user",
        "uuid": str(data.alice.demo_profile.uuid),
    }
    assert row["tags"] == [
        {
            "uri": f"http://h/api/entity_tag/{tag.pk}",
            "id": tag.pk,
            "resource": "entity_tag",
            "uuid": str(tag.uuid),
        }
        for tag in data.tags[:2]
    ]
    assert row["created"] == "2024-01-01T00:00:00Z"
    assert row["uuid"] == str(article.uuid)
    assert row["status"] is True
    assert list(row) == [f.name for f in Article._meta.concrete_fields] + ["tags"]


def test_generic_processor_row(data, options):
    row = retrieve_row(options, data.articles[3].pk, None, CONTEXT, processor="generic")
    assert row["author"] == data.bob.pk
    assert sorted(row["tags"]) == sorted([data.tags[2].pk, data.tags[0].pk])
    assert row["created"] == "2024-04-01T12:30:00+00:00"
    assert row["uuid"] == str(data.articles[3].uuid)


def test_clean_omits_empty_references_and_uses_user_uuid_setting(db, data):
    options = ResourceOptions(Widget, processor="clean")
    empty = Widget.objects.create(name="a")
    owned = Widget.objects.create(name="b", owner=data.alice)
    assert "owner" not in retrieve_row(options, empty.pk, None, CONTEXT)
    assert retrieve_row(options, owned.pk, None, CONTEXT)["owner"]["uuid"] == str(
        data.alice.demo_profile.uuid
    )
    bare = RenderContext()  # no uri builder, no user uuid path
    assert retrieve_row(options, owned.pk, None, bare)["owner"] == {
        "id": data.alice.pk,
        "resource": "user",
    }


def test_datetime_format_is_utc_z():
    from zoneinfo import ZoneInfo

    local = datetime(2024, 6, 1, 14, 0, 5, 123, tzinfo=ZoneInfo("Europe/Paris"))
    assert format_datetime_utc(local) == "2024-06-01T12:00:05Z"


def test_retrieve_fields_and_return_alias(data, options):
    pk = data.articles[0].pk
    assert retrieve_row(options, pk, None, CONTEXT, query={"fields": "title,status"}) == {
        "title": "Alpha river",
        "status": True,
    }
    assert list(retrieve_row(options, pk, None, CONTEXT, query={"return": {"title": "1"}})) == [
        "title"
    ]
    with pytest.raises(UnknownParameter, match="Parameter nope does not exist"):
        retrieve_row(options, pk, None, CONTEXT, query={"fields": "title,nope"})


@pytest.mark.parametrize("pk", ["999999", "abc", ""])
def test_retrieve_missing(data, options, pk):
    with pytest.raises(EntityNotFound, match="Entity or revision not found"):
        retrieve_row(options, pk, None, CONTEXT)


def test_queryset_hook_applies(data):
    options = site.get_options(Article)  # demo: anonymous sees published rows only
    with pytest.raises(EntityNotFound):
        retrieve_row(options, data.articles[2].pk, None, CONTEXT)
    assert len(index(options, {}).rows) == 3


def test_rows_by_pk_keeps_order(data, options):
    pks = [data.articles[2].pk, data.articles[0].pk]
    assert [r["title"] for r in rows_by_pk(options, pks, CONTEXT)] == ["Gamma river", "Alpha river"]


# -- filters and operators ---------------------------------------------------------------------

OPERATOR_CASES = [
    ({"title": "Alpha river"}, ["Alpha river"]),
    ({"title": "Alpha river,Delta city"}, ["Alpha river", "Delta city"]),
    ({"title": ["Alpha river", "Beta mountain"]}, ["Alpha river", "Beta mountain"]),
    ({"title": {"exact": "Beta mountain"}}, ["Beta mountain"]),
    ({"title": {"iexact": "beta MOUNTAIN"}}, ["Beta mountain"]),
    ({"title": {"in": "Gamma river,Delta city"}}, ["Delta city", "Gamma river"]),
    ({"title": {"contains": "river"}}, ["Alpha river", "Gamma river"]),
    ({"title": {"icontains": "RIVER"}}, ["Alpha river", "Gamma river"]),
    ({"title": {"startswith": "Del"}}, ["Delta city"]),
    ({"title": {"istartswith": "del"}}, ["Delta city"]),
    ({"title": {"endswith": "city"}}, ["Delta city"]),
    ({"title": {"iendswith": "CITY"}}, ["Delta city"]),
    ({"title": {"gt": "Delta city"}}, ["Gamma river"]),
    ({"title": {"gte": "Delta city"}}, ["Delta city", "Gamma river"]),
    ({"title": {"lt": "Beta mountain"}}, ["Alpha river"]),
    ({"title": {"lte": "Beta mountain"}}, ["Alpha river", "Beta mountain"]),
    ({"title": {"range": "B,D"}}, ["Beta mountain"]),
    ({"created": {"gte": "2024-02-01T00:00:00Z"}}, ["Beta mountain", "Delta city", "Gamma river"]),
    ({"created": {"lt": "2024-02-01"}}, ["Alpha river"]),
    ({"created": {"gt": "2024-03-01T00:00:00Z", "lte": "2024-12-31"}}, ["Delta city"]),
    ({"created": {"range": "2024-01-15,2024-03-15"}}, ["Beta mountain", "Gamma river"]),
    ({"created": {"isnull": "1"}}, []),
    ({"author": {"isnull": "0"}}, ["Alpha river", "Beta mountain", "Delta city", "Gamma river"]),
    ({"status": "0"}, ["Gamma river"]),
    ({"status": "true"}, ["Alpha river", "Beta mountain", "Delta city"]),
    ({"author.username": "bob"}, ["Beta mountain", "Delta city"]),
    ({"author__username": "bob"}, ["Beta mountain", "Delta city"]),
    ({"author.username": {"startswith": "al"}}, ["Alpha river", "Gamma river"]),
    ({"title": {"contains": "a"}, "status": "1", "author.username": "alice"}, ["Alpha river"]),
]


@pytest.mark.parametrize("parameters, expected", OPERATOR_CASES)
def test_operators(data, options, parameters, expected):
    query = {"parameters": parameters, "sort": "title"}
    assert titles(options, query) == expected


def test_foreign_key_and_many_to_many_filters(data, options):
    tag_ids = f"{data.tags[0].pk},{data.tags[1].pk}"
    # Alpha has tags 0 and 1: it appears once although it matches twice.
    assert titles(options, {"parameters": {"tags": tag_ids}, "sort": "title"}) == [
        "Alpha river",
        "Beta mountain",
        "Delta city",
    ]
    assert titles(options, {"parameters": {"tags.name": {"icontains": "REST"}}}) == ["Delta city"]
    assert titles(options, {"parameters": {"author": str(data.bob.pk)}, "sort": "title"}) == [
        "Beta mountain",
        "Delta city",
    ]


def test_filterset_is_django_filter(options):
    filterset = filterset_for(options)
    assert {"title__exact", "title__in", "created__gte", "author__username__startswith"} <= set(
        filterset.base_filters
    )


def test_plain_query_filters(data, options):
    query = {"status": "0", "fields": "title", "key": "site-key"}
    assert titles(options, query, plain_query_filters=True) == ["Gamma river"]
    assert len(titles(options, query)) == 4  # off: plain keys are not filters


def test_search(data, options):
    assert titles(options, {"search": "MOUNTAIN"}) == ["Beta mountain"]


# -- sort, direction, paging, fields --------------------------------------------------------


def test_default_order_is_the_models(data, options):
    # Meta.ordering: -sticky, -created
    assert titles(options, {}) == ["Beta mountain", "Delta city", "Gamma river", "Alpha river"]


@pytest.mark.parametrize("direction", ["DESC", "desc", "Desc"])
def test_sort_and_direction(data, options, direction):
    assert titles(options, {"sort": "title", "direction": direction}) == [
        "Gamma river",
        "Delta city",
        "Beta mountain",
        "Alpha river",
    ]


def test_sort_multiple_and_across_relation(data, options):
    assert titles(options, {"sort": "author.username,created", "direction": "asc"}) == [
        "Alpha river",
        "Gamma river",
        "Beta mountain",
        "Delta city",
    ]


def test_pages(data, options):
    query = {"sort": "title", "pagesize": "3"}
    assert titles(options, query) == ["Alpha river", "Beta mountain", "Delta city"]
    assert titles(options, {**query, "page": "1"}) == ["Gamma river"]
    assert titles(options, {**query, "page": "2"}) == []
    assert titles(options, {"sort": "title"}, page_size=2) == ["Alpha river", "Beta mountain"]


def test_pagesize_is_capped(options):
    spec = parse_query(vocabulary_for(options), {"pagesize": "5000"}, page_size=PageSize(20, 100))
    assert spec.page_size == 100


def test_fields_trim_the_select(data, options, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        page = index(options, {"fields": "title", "sort": "title"})
    sql = captured.captured_queries[0]["sql"]
    assert "body" not in sql and "uuid" not in sql
    assert page.rows[0] == {"title": "Alpha river"}


def test_count(data, options):
    page = index(options, {"pagesize": "1", "parameters": {"status": "1"}}, count=True)
    assert page.total == 3 and len(page.rows) == 1


# -- bad input -------------------------------------------------------------------------------

BAD = [
    ({"parameters": {"nope": "1"}}, UnknownParameter, "Parameter nope does not exist"),
    ({"parameters": {"body": "x"}}, UnknownParameter, "Parameter body does not exist"),
    ({"sort": "body"}, UnknownParameter, "Parameter body does not exist"),
    ({"fields": "title,secret"}, UnknownParameter, "Parameter secret does not exist"),
    ({"return": {"secret": "1"}}, UnknownParameter, "Parameter secret does not exist"),
    ({"search": "x"}, None, None),
    ({"parameters": {"status": {"gte": "1"}}}, BadParameter, r"parameters\[status\]\[gte\]"),
    ({"parameters": {"title": {"regex": "x"}}}, BadParameter, r"parameters\[title\]\[regex\]"),
    ({"parameters": {"created": {"gte": "yesterday"}}}, BadParameter, "created"),
    ({"parameters": {"created": {"range": "2024-01-01"}}}, BadParameter, "range"),
    ({"parameters": {"author": "bob"}}, BadParameter, r"parameters\[author\]"),
    ({"parameters": {"author": {"isnull": "maybe"}}}, BadParameter, "isnull"),
    ({"parameters": {"tags": "1,,2"}}, BadParameter, r"parameters\[tags\]"),
    ({"parameters": "status"}, BadParameter, "parameters"),
    ({"page": "-1"}, BadParameter, "parameter page"),
    ({"page": "x"}, BadParameter, "parameter page"),
    ({"pagesize": "0"}, BadParameter, "parameter pagesize"),
    ({"pagesize": "1.5"}, BadParameter, "parameter pagesize"),
    ({"direction": "up"}, BadParameter, "parameter direction"),
    ({"sort": ["title"]}, BadParameter, "parameter sort"),
]


@pytest.mark.parametrize("query, error, message", BAD)
def test_bad_input(data, options, query, error, message):
    if error is None:  # search is allowed here; see the next test for a resource without it
        index(options, query)
        return
    with pytest.raises(error, match=message):
        index(options, query)


def test_search_without_search_fields_is_unknown(data):
    with pytest.raises(UnknownParameter, match="Parameter search does not exist"):
        index(ResourceOptions(Article), {"search": "x"})


# -- queries ---------------------------------------------------------------------------------

FIELD_SETS = [None, "title", "id,author", "tags", "title,author,tags,created", "author,tags"]


@pytest.fixture
def seeded(db):
    call_command("seed_demo", articles="120", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.parametrize("pagesize", ["5", "100"])
@pytest.mark.parametrize("fields", FIELD_SETS)
@pytest.mark.parametrize("processor", ["clean", "generic"])
def test_index_queries(seeded, options, django_assert_max_num_queries, pagesize, fields, processor):
    query = {"pagesize": pagesize, "parameters": {"status": "1"}}
    if fields:
        query["fields"] = fields
    with django_assert_max_num_queries(3):
        page = index(options, query, count=True, processor=processor)
    assert len(page.rows) == int(pagesize)
    assert page.total > 100


@pytest.mark.parametrize("fields", FIELD_SETS)
def test_retrieve_queries(seeded, options, django_assert_max_num_queries, fields):
    pk = Article.objects.filter(tags__isnull=False).values_list("pk", flat=True).first()
    with django_assert_max_num_queries(2):
        row = retrieve_row(options, pk, None, CONTEXT, query={"fields": fields} if fields else {})
    assert row


def test_render_rows_of_any_queryset(data, options):
    rows = render_rows(options, Article.objects.filter(title__startswith="A"), ["title"], CONTEXT)
    assert rows == [{"title": "Alpha river"}]
