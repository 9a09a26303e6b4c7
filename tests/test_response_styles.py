"""Response styles through the server: ETags (304/412), count modes (``Prefer: count=``),
keyset pages (``?cursor=``), the restws style on an endpoint of its own, query counts.

Runs on SQLite and PostgreSQL; ``estimated`` counts are only an estimate on PostgreSQL.
"""

from __future__ import annotations

import orjson
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from project.demo.models import Article
from services_api.drupal.styles import RestwsStyle, ServicesStyle
from tests.entity_helpers import PASSWORD, basic, body, make_data, send

ARTICLES = "/api/entity_article"
CRUD = {
    "operations": ["retrieve", "create", "update", "delete", "index"],
    "actions": [],
    "targeted_actions": [],
    "relationships": ["comments"],
}


@pytest.fixture
def data(db):
    return make_data()


def published_ids():
    return set(Article.objects.filter(status=True).values_list("pk", flat=True))


def follow_links(client, url, **headers):
    """Walk a keyset listing through ``Link: <...>; rel="next"``; return (ids, responses)."""
    ids, responses = [], []
    while url:
        response = client.get(url, **headers)
        assert response.status_code == 200, response.content
        responses.append(response)
        ids += [row.get("id", row.get("title")) for row in body(response)]
        link = response.get("Link")
        url = link[1 : link.index(">")].removeprefix("http://testserver") if link else None
    return ids, responses


# -- ETags ------------------------------------------------------------------------------------


def test_retrieve_etag_and_304(client, data):
    path = f"{ARTICLES}/{data.articles[0].pk}.json"
    first = client.get(path)
    etag = first["ETag"]
    assert etag.startswith('W/"')
    again = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again.reason_phrase == "Not Modified"
    assert again["ETag"] == etag
    # The strong form of the same tag, a list, and * all match; another tag does not.
    assert client.get(path, HTTP_IF_NONE_MATCH=etag[2:]).status_code == 304
    assert client.get(path, HTTP_IF_NONE_MATCH=f'"x", {etag}').status_code == 304
    assert client.get(path, HTTP_IF_NONE_MATCH="*").status_code == 304
    assert client.get(path, HTTP_IF_NONE_MATCH='W/"other"').status_code == 200
    # The tag follows the data, not the format.
    assert client.get(f"{ARTICLES}/{data.articles[0].pk}.xml")["ETag"] == etag
    Article.objects.filter(pk=data.articles[0].pk).update(title="Changed")
    assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_index_etag_and_304(client, data):
    first = client.get(f"{ARTICLES}.json")
    assert first.status_code == 200
    response = client.get(f"{ARTICLES}.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert (response.status_code, response.content) == (304, b"")
    other = client.get(f"{ARTICLES}.json?pagesize=1", HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code == 200


def test_if_match_on_update_and_delete(client, data):
    article = data.articles[0]
    path = f"{ARTICLES}/{article.pk}.json"
    etag = client.get(path, **basic(data.staff))["ETag"]
    stale = 'W/"0000"'

    response = client.put(
        path,
        b'{"title": "New"}',
        content_type="application/json",
        HTTP_IF_MATCH=stale,
        **basic(data.staff),
    )
    assert response.status_code == 412
    assert response.reason_phrase.startswith(": Precondition Failed")
    assert Article.objects.get(pk=article.pk).title == "Alpha river"

    response = client.put(
        path,
        b'{"title": "New"}',
        content_type="application/json",
        HTTP_IF_MATCH=etag,
        **basic(data.staff),
    )
    assert response.status_code == 200
    assert Article.objects.get(pk=article.pk).title == "New"

    # The old tag is stale now.
    response = client.delete(path, HTTP_IF_MATCH=etag, **basic(data.staff))
    assert response.status_code == 412
    assert Article.objects.filter(pk=article.pk).exists()
    response = client.delete(path, HTTP_IF_MATCH="*", **basic(data.staff))
    assert response.status_code == 200
    assert not Article.objects.filter(pk=article.pk).exists()


def test_if_match_on_missing_entity_is_404(client, data):
    response = client.delete(f"{ARTICLES}/999999.json", HTTP_IF_MATCH="*", **basic(data.staff))
    assert response.status_code == 404


# -- count modes ------------------------------------------------------------------------------


def test_services_style_counts_only_when_asked(client, data):
    plain = client.get(f"{ARTICLES}.json?pagesize=1")
    assert "X-Total-Count" not in plain
    response = client.get(f"{ARTICLES}.json?pagesize=1", HTTP_PREFER="count=exact")
    assert response["X-Total-Count"] == str(len(published_ids()))
    assert response["Preference-Applied"] == "count=exact"
    none = client.get(f"{ARTICLES}.json?pagesize=1", HTTP_PREFER="count=none")
    assert "X-Total-Count" not in none
    filtered = client.get(
        f"{ARTICLES}.json?parameters[title][contains]=river",
        HTTP_PREFER="return=minimal, count=exact",
    )
    assert filtered["X-Total-Count"] == "1"  # the unpublished river is invisible


def test_estimated_count(client, data):
    response = client.get(f"{ARTICLES}.json", HTTP_PREFER="count=estimated")
    assert response.status_code == 200
    total = int(response["X-Total-Count"])
    if connection.vendor == "postgresql":
        assert total >= 1  # the planner's estimate: never a table scan
    else:
        assert total == len(published_ids())  # no statistics: an exact count


@pytest.mark.parametrize("value", ["count=lots", "count=", "count=EXACTLY"])
def test_bad_prefer_count_is_400(client, data, value):
    response = client.get(f"{ARTICLES}.json", HTTP_PREFER=value)
    assert response.status_code == 400
    assert "Prefer" in response.reason_phrase


def test_unrelated_preferences_are_ignored(client, data):
    response = client.get(f"{ARTICLES}.json", HTTP_PREFER="return=minimal")
    assert response.status_code == 200 and "X-Total-Count" not in response


# -- keyset pages -----------------------------------------------------------------------------


@pytest.fixture
def many(db):
    call_command("seed_demo", articles="45", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_keyset_walks_every_row_once(client, many):
    ids, responses = follow_links(client, f"{ARTICLES}.json?pagesize=7&cursor=")
    assert len(ids) == len(set(ids)) == len(published_ids())
    assert set(ids) == published_ids()
    assert "Link" not in responses[-1]
    assert all(len(body(r)) == 7 for r in responses[:-1])


@pytest.mark.parametrize(
    "query",
    [
        "sort=title&direction=DESC",
        "sort=created",
        "sort=sticky,created&direction=DESC",
        "parameters[sticky]=0&sort=created",
        "fields=title",
    ],
)
def test_keyset_follows_the_requested_sort(client, many, query):
    url = f"{ARTICLES}.json?pagesize=6&{query}&cursor="
    ids, responses = follow_links(client, url)
    assert len(ids) == len(set(ids))
    unpaged = body(client.get(f"{ARTICLES}.json?pagesize=100&{query}"))
    if "fields=title" in query:
        assert len(ids) == len(unpaged)
        return
    assert sorted(ids) == sorted(row["id"] for row in unpaged)
    first_link = responses[0]["Link"]
    assert "pagesize=6" in first_link and ".json?" in first_link and 'rel="next"' in first_link


def test_keyset_order_matches_the_sort(client, many):
    ids, _ = follow_links(client, f"{ARTICLES}.json?pagesize=5&sort=title&cursor=")
    titles = dict(Article.objects.values_list("pk", "title"))
    seen = [titles[pk] for pk in ids]
    assert seen == sorted(seen)


@pytest.mark.parametrize(
    "cursor", ["nonsense!", "eyJvIjpbInRpdGxlIl0sInYiOlsieCJdfQ", "e30", "W10", "%00"]
)
def test_bad_cursor_is_400_naming_cursor(client, many, cursor):
    response = client.get(f"{ARTICLES}.json?cursor={cursor}")
    assert response.status_code == 400
    assert "cursor" in response.reason_phrase


def test_cursor_of_another_sort_or_type_is_400(client, many):
    link = client.get(f"{ARTICLES}.json?pagesize=2&sort=title&cursor=")["Link"]
    cursor = link.split("cursor=")[1].split(">")[0].split("&")[0]
    assert client.get(f"{ARTICLES}.json?pagesize=2&sort=title&cursor={cursor}").status_code == 200
    response = client.get(f"{ARTICLES}.json?pagesize=2&sort=created&cursor={cursor}")
    assert response.status_code == 400 and "cursor" in response.reason_phrase
    # A well-formed cursor whose value does not fit the column's type.
    from entity_resources.pagination import encode_cursor

    bad = encode_cursor(["created", "id"], ["not a date", 1])
    response = client.get(f"{ARTICLES}.json?sort=created&cursor={bad}")
    assert response.status_code == 400 and "cursor" in response.reason_phrase
    response = client.get(f"{ARTICLES}.json?page=2&cursor=")
    assert response.status_code == 400 and "page" in response.reason_phrase


def test_deep_keyset_page_uses_a_filter_not_offset(client, many):
    url = f"{ARTICLES}.json?pagesize=5&sort=created&cursor="
    for _ in range(4):
        link = client.get(url)["Link"]
        url = link[1 : link.index(">")].removeprefix("http://testserver")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200 and len(body(response)) == 5
    selects = [q["sql"] for q in queries.captured_queries if "demo_article" in q["sql"]]
    main = selects[0]
    assert "OFFSET" not in main.upper()
    # One row-value comparison: an index on (created, id) starts right after the cursor.
    assert '("demo_article"."created", "demo_article"."id") > (' in main.replace("`", '"')
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{ARTICLES}.json?pagesize=5&sort=created&page=4")
    assert any("OFFSET" in q["sql"].upper() for q in queries.captured_queries)


def test_keyset_query_count(client, many, django_assert_max_num_queries):
    client.get(f"{ARTICLES}/1.json")  # warm the configuration cache
    link = client.get(f"{ARTICLES}.json?pagesize=10&cursor=")["Link"]
    url = link[1 : link.index(">")].removeprefix("http://testserver")
    with django_assert_max_num_queries(2):  # rows (+ keys) and the tags
        assert len(body(client.get(url))) == 10
    with django_assert_max_num_queries(3):  # + COUNT
        client.get(url, HTTP_PREFER="count=exact")


# -- the restws style on an endpoint -----------------------------------------------------------


@pytest.fixture
def restws(make_endpoint, data):
    return make_endpoint(
        "rw",
        resources={"entity_article": CRUD, "entity_comment": CRUD},
        response_style="restws",
        plain_query_filters=True,
    )


def test_restws_index_envelope(client, restws, data):
    response = client.get("/rw/entity_article.json?pagesize=2&status=1")
    assert response.status_code == 200
    envelope = body(response)
    base = "http://testserver/rw/entity_article"
    assert {k: v for k, v in envelope.items() if k != "list"} == {
        "self": f"{base}?pagesize=2&status=1",
        "first": f"{base}?pagesize=2&status=1&page=0",
        "last": f"{base}?pagesize=2&status=1&page=1",
        "next": f"{base}?pagesize=2&status=1&page=1",
    }
    assert len(envelope["list"]) == 2
    assert response["ETag"]
    again = client.get(
        "/rw/entity_article.json?pagesize=2&status=1", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304


def test_restws_empty_index_is_200(client, restws, data):
    envelope = body(client.get("/rw/entity_article.json?title=none"))
    assert envelope["list"] == [] and envelope["last"].endswith("page=0")


def test_restws_count_none_has_no_last(client, restws, data):
    envelope = body(client.get("/rw/entity_article.json?pagesize=2", HTTP_PREFER="count=none"))
    assert "last" not in envelope and "next" in envelope


def test_restws_endpoint_count_mode_none(client, make_endpoint, data):
    make_endpoint(
        "rwn", resources={"entity_article": CRUD}, response_style="restws", count_mode="none"
    )
    envelope = body(client.get("/rwn/entity_article.json?pagesize=2"))
    assert "last" not in envelope
    # The header wins over the endpoint setting.
    envelope = body(client.get("/rwn/entity_article.json?pagesize=2", HTTP_PREFER="count=exact"))
    assert envelope["last"].endswith("page=1")


def test_restws_keyset_next(client, restws, data):
    envelope = body(client.get("/rw/entity_article.json?pagesize=2&cursor="))
    assert "cursor=" in envelope["next"] and "page=" not in envelope["next"]
    following = (
        envelope["next"]
        .removeprefix("http://testserver")
        .replace("entity_article?", "entity_article.json?")
    )
    second = body(client.get(following))
    assert len(second["list"]) == 1 and "next" not in second
    ids = {row["id"] for row in envelope["list"] + second["list"]}
    assert ids == published_ids()


def test_restws_writes(client, restws, data):
    payload = {"title": "Fresh", "author": data.alice.pk}
    response = send(client, "POST", "/rw/entity_article.json", payload, data.staff)
    assert response.status_code == 201
    created = Article.objects.get(title="Fresh")
    assert body(response) == {
        "uri": f"http://testserver/rw/entity_article/{created.pk}",
        "id": created.pk,
        "resource": "entity_article",
        "uuid": str(created.uuid),
    }
    assert response["Location"] == body(response)["uri"]
    response = send(client, "PUT", f"/rw/entity_article/{created.pk}", {"title": "F2"}, data.staff)
    assert (response.status_code, response.content) == (200, b"")
    response = send(client, "DELETE", f"/rw/entity_article/{created.pk}", None, data.staff)
    assert (response.status_code, response.content) == (200, b"")
    bulk = send(
        client,
        "POST",
        "/rw/entity_article.json",
        [{"title": "B1", "author": data.alice.pk}, {"title": "B2", "author": data.alice.pk}],
        data.staff,
    )
    assert bulk.status_code == 201 and [i["resource"] for i in body(bulk)] == ["entity_article"] * 2


def test_restws_relationship_envelope(client, restws, data):
    envelope = body(client.get(f"/rw/entity_article/{data.articles[0].pk}/comments.json"))
    assert envelope["self"] == f"http://testserver/rw/entity_article/{data.articles[0].pk}/comments"
    assert len(envelope["list"]) == 2


def test_restws_index_query_count(client, restws, data, django_assert_max_num_queries):
    client.get("/rw/entity_article.json")  # warm
    with django_assert_max_num_queries(3):  # rows, tags, COUNT
        response = client.get("/rw/entity_article.json?pagesize=100")
    assert len(body(response)["list"]) == len(published_ids())


# -- offset pages link the keyset cursor --------------------------------------------------------


@pytest.mark.parametrize("query", ["", "&sort=title&direction=DESC", "&fields=id,title"])
def test_offset_page_links_the_cursor_of_the_rows_after_it(client, many, query):
    offset_ids = [row["id"] for row in body(client.get(f"{ARTICLES}.json?pagesize=100{query}"))]
    page = client.get(f"{ARTICLES}.json?pagesize=6&page=2{query}")
    assert [row["id"] for row in body(page)] == offset_ids[12:18]
    link = page["Link"]
    assert 'rel="next"' in link and "cursor=" in link and "page=" not in link
    url = link[1 : link.index(">")].removeprefix("http://testserver")
    ids, responses = follow_links(client, url)
    # The cursor continues exactly where page 2 ended, in the same order, to the end.
    assert ids == offset_ids[18:]
    assert "Link" not in responses[-1]


def test_last_offset_page_has_no_link(client, many):
    count = len(published_ids())
    last = client.get(f"{ARTICLES}.json?pagesize=10&page={(count - 1) // 10}")
    assert last.status_code == 200 and "Link" not in last


@pytest.mark.parametrize("fields", ["", "&fields=id,title", "&fields=tags", "&fields=id,author"])
@pytest.mark.parametrize("size", ["1", "100"])
def test_at_most_three_queries_at_any_page_size_and_fields(
    client, many, django_assert_max_num_queries, fields, size
):
    client.get(f"{ARTICLES}/1.json")  # warm the configuration cache
    link = client.get(f"{ARTICLES}.json?pagesize=2&page=3{fields}")["Link"]
    deep = link[1 : link.index(">")].removeprefix("http://testserver")
    urls = [
        f"{ARTICLES}.json?pagesize={size}{fields}",
        f"{ARTICLES}.json?pagesize={size}&page={2 if size == '1' else 0}{fields}",
        f"{ARTICLES}.json?pagesize={size}&cursor={fields}",
        deep.replace("pagesize=2", f"pagesize={size}"),
    ]
    for url in urls:
        with django_assert_max_num_queries(3):  # rows (+ cursor keys), tags, nothing else
            response = client.get(url)
        assert response.status_code == 200, url
    with django_assert_max_num_queries(3):  # + COUNT
        assert client.get(urls[0], HTTP_PREFER="count=exact").status_code == 200
    node_fields = fields.replace("id,", "nid,").replace("author", "uid").replace("&fields=tags", "")
    with django_assert_max_num_queries(3):
        assert client.get(f"/api/node.json?pagesize={size}{node_fields}").status_code == 200


# -- styles swapped by setting (SERVICES_API["RESPONSE_STYLES"]) ---------------------------------


class WrappedStyle(ServicesStyle):
    """A project's own style: index rows under ``items`` with the page number."""

    def index(self, resource, request, page):
        return {"page": page.page, "items": page.rows}


class QuietDeleteStyle(RestwsStyle):
    """A replaced ``restws``: deletes answer ``{"deleted": true}``."""

    def deleted(self, resource, request):
        return {"deleted": True}


CUSTOM_STYLES = {
    "RESPONSE_STYLES": {
        "wrapped": "tests.test_response_styles.WrappedStyle",
        "restws": "tests.test_response_styles.QuietDeleteStyle",
    }
}


def test_a_style_added_by_setting_is_used(client, make_endpoint, data):
    with override_settings(SERVICES_API=CUSTOM_STYLES):
        make_endpoint("wr", resources={"entity_article": CRUD}, response_style="wrapped")
        make_endpoint("sv", resources={"entity_article": CRUD})
        response = client.get("/wr/entity_article.json?pagesize=1")
        assert response.status_code == 200
        answer = body(response)
        assert answer["page"] == 0 and len(answer["items"]) == 1
        assert set(answer["items"][0]) >= {"id", "title"}
        # The built-in styles stay: a services endpoint still answers a plain list.
        assert isinstance(body(client.get("/sv/entity_article.json?pagesize=1")), list)


def test_a_style_replaced_by_setting_is_used(client, make_endpoint, data):
    with override_settings(SERVICES_API=CUSTOM_STYLES):
        make_endpoint("rq", resources={"entity_article": CRUD}, response_style="restws")
        pk = data.articles[0].pk
        response = send(client, "DELETE", f"/rq/entity_article/{pk}.json", None, data.staff)
        assert (response.status_code, body(response)) == (200, {"deleted": True})
        assert not Article.objects.filter(pk=pk).exists()
        # The rest of the replaced style is RESTWS's (its envelope).
        assert "list" in body(client.get("/rq/entity_article.json"))


def test_the_endpoint_style_choices_follow_the_setting(db):
    from django.core.exceptions import ValidationError

    from services_api.models import Endpoint

    endpoint = Endpoint(name="styled", path="styled", response_style="wrapped")
    with pytest.raises(ValidationError) as caught:
        endpoint.full_clean()
    assert "response_style" in caught.value.message_dict
    with override_settings(SERVICES_API=CUSTOM_STYLES):
        endpoint.full_clean()


def test_response_style_setting_is_checked():
    from services_api.checks import check_settings

    bad = {"RESPONSE_STYLES": {"services": None, "odd": "collections.OrderedDict"}}
    with override_settings(SERVICES_API=bad):
        messages = [m.msg for m in check_settings() if m.id == "services_api.E007"]
    assert len(messages) == 2
    assert "must keep a 'services' style" in messages[0]
    assert "'odd'" in messages[1] and "not a ServicesStyle subclass" in messages[1]


@pytest.mark.parametrize(
    "query_string",
    [
        "",
        "pagesize=100",
        "pagesize=100&fields=id,title",
        "q=api/entity_article.json&pagesize=2&_method=GET&page=3&cursor=abc",
        "a&&b=&=c&d=1=2&e=%20x+y&f=%C3%A9t%C3%A9&g=été&h=%ZZ&parameters[title]=A%26B",
        "cursor=&cursor=x&page=&sort=-title,id",
    ],
)
def test_next_cursor_url_equals_the_query_pairs_url(query_string):
    """The Link header's URL built from cached pieces is byte for byte the URL of the whole
    query string parsed and encoded again (``query_pairs`` + ``page_url``)."""
    from django.test import RequestFactory

    from services_api.drupal.styles import next_cursor_url, page_url, query_pairs

    request = RequestFactory().get("/api/entity_article.json", QUERY_STRING=query_string)
    base = "http://testserver/api/entity_article.json"
    cursor = "eyJvIjpbIi1pZCJdLCJ2IjpbMl19"
    expected = page_url(base, query_pairs(request), cursor=cursor, page=None)
    for _ in range(2):  # computed, then from the cache
        assert next_cursor_url(base, request.META["QUERY_STRING"], cursor) == expected


@pytest.mark.parametrize("sort", ["", "&sort=created", "&sort=sticky,created&direction=DESC"])
def test_cursor_is_the_same_whatever_the_fields(client, many, sort):
    """Ordering values read beside the fields (not among them: read as the database sends
    them, converted for the last row only) make the same cursor as the rendered columns."""
    import re

    def cursor(query: str) -> str:
        link = client.get(f"{ARTICLES}.json?pagesize=5&page=1{sort}{query}")["Link"]
        return re.search(r"cursor=([^&>]+)", link).group(1)

    full = cursor("")
    assert cursor("&fields=id,title") == full
    assert cursor("&fields=title") == full


class CourseStyle(RestwsStyle):
    """RESTWS under another name: every RESTWS behaviour follows the class, not the name."""

    name = "course_style"


RENAMED_RESTWS = {"RESPONSE_STYLES": {"course_style": "tests.test_response_styles.CourseStyle"}}


USER_CRUD = {**CRUD, "relationships": []}


@pytest.fixture
def renamed(make_endpoint, data):
    """One endpoint in the renamed RESTWS style, one in the services style to compare with."""
    with override_settings(SERVICES_API=RENAMED_RESTWS):
        for name, style in (("cs", "course_style"), ("sv", "services")):
            make_endpoint(
                name,
                resources={"entity_article": CRUD, "user": USER_CRUD},
                response_style=style,
            )
        yield data


def test_renamed_restws_answers_post_in_the_body_format(client, renamed):
    """Negotiation: an undeciding ``Accept: */*`` gives way to the JSON body (services: XML)."""
    payload = {"title": "Negotiated", "author": renamed.staff.pk}
    answers = {
        name: send_accepting(client, f"/{name}/entity_article", payload, renamed.staff)
        for name in ("cs", "sv")
    }
    assert answers["cs"].status_code == 201, answers["cs"].content
    assert answers["cs"]["Content-Type"].startswith("application/json")
    assert answers["cs"]["Location"].startswith("http://testserver/cs/entity_article/")
    assert answers["sv"].status_code == 200
    assert answers["sv"]["Content-Type"].startswith(("application/xml", "text/xml"))


def send_accepting(client, path, payload, user, accept="*/*"):
    return client.post(
        path,
        orjson.dumps(payload),
        content_type="application/json",
        HTTP_ACCEPT=accept,
        **basic(user),
    )


def test_renamed_restws_takes_limit_as_the_page_size(client, renamed):
    answer = body(client.get("/cs/entity_article.json?limit=1"))
    assert len(answer["list"]) == 1
    assert answer["next"] == "http://testserver/cs/entity_article?limit=1&page=1"
    # The services style has no ``limit`` alias: its default page size applies.
    assert len(body(client.get("/sv/entity_article.json?limit=1"))) == len(published_ids())


def test_renamed_restws_creates_users_with_201_and_location(client, renamed):
    admin = get_user_model().objects.create_superuser("siteadmin", "a@example.com", PASSWORD)
    payload = {"name": "newlearner", "mail": "new@example.com", "pass": "secret-pass"}
    response = send(client, "POST", "/cs/user.json", payload, admin)
    assert response.status_code == 201, response.content
    user = get_user_model().objects.get(username="newlearner")
    assert body(response)["uri"] == f"http://testserver/cs/user/{user.pk}"
    assert (body(response)["id"], body(response)["resource"]) == (user.pk, "user")
    assert response["Location"] == f"http://testserver/cs/user/{user.pk}"
    other = send(
        client,
        "POST",
        "/sv/user.json",
        {**payload, "name": "other", "mail": "other@example.com"},
        admin,
    )
    assert other.status_code == 200 and body(other)["uid"]


def test_renamed_restws_is_documented_like_restws(client, renamed):
    def operations(name):
        doc = orjson.loads(client.get(f"/{name}/openapi.json").content)
        return doc["paths"]["/entity_article.{format}"], doc["paths"][
            "/entity_article/{id}.{format}"
        ]

    collection, item = operations("cs")
    index = collection["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert index["required"] == ["self", "first", "list"]
    assert "Location" in collection["post"]["responses"]["201"]["headers"]
    assert item["put"]["responses"]["200"] == {"description": "Success (empty body)."}
    collection, item = operations("sv")
    index = collection["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert index["type"] == "array"
    assert "201" not in collection["post"]["responses"]
