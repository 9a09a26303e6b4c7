"""entity_* resources on the demo ``api`` endpoint (Services Entity semantics, spec §10)."""

import pytest
from django.core.management import call_command

from entity_resources import site
from project.demo.models import Article, Comment, Tag
from services_api.models import Endpoint
from tests.entity_helpers import basic, body, make_data, send

ARTICLES = "/api/entity_article"


@pytest.fixture
def data(db):
    return make_data()


def get(client, path, user=None, **extra):
    headers = basic(user) if user is not None else {}
    return client.get(path, **headers, **extra)


def reason(response) -> str:
    return response.reason_phrase


@pytest.fixture
def endpoint_settings(db, django_capture_on_commit_callbacks):
    """Change the ``api`` endpoint's settings (published to the config cache on commit)."""

    def change(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            endpoint = Endpoint.objects.get(name="api")
            for key, value in fields.items():
                setattr(endpoint, key, value)
            endpoint.save()

    return change


# -- retrieve --------------------------------------------------------------------------------


def test_retrieve_clean_entity(client, data):
    article = data.articles[0]
    response = get(client, f"{ARTICLES}/{article.pk}.json")
    assert response.status_code == 200
    row = body(response)
    assert row["title"] == "Alpha river"
    assert row["author"] == {
        "uri": f"http://testserver/api/user/{data.alice.pk}",
        "id": data.alice.pk,
        "resource": "user",
        "uuid": str(data.alice.demo_profile.uuid),
    }
    assert row["tags"][0]["uri"] == f"http://testserver/api/entity_tag/{data.tags[0].pk}"
    assert row["created"] == "2024-01-01T00:00:00Z"
    assert "uri" not in row


def test_retrieve_fields(client, data):
    response = get(client, f"{ARTICLES}/{data.articles[0].pk}.json?fields=title,status")
    assert body(response) == {"title": "Alpha river", "status": True}
    response = get(client, f"{ARTICLES}/{data.articles[0].pk}.json?return[title]=1")
    assert body(response) == {"title": "Alpha river"}


def test_retrieve_generic_processor(client, data):
    response = get(client, f"/api/entity_tag/{data.tags[0].pk}.json")
    assert body(response)["vocabulary"] == data.vocabulary.pk


def test_retrieve_xml(client, data):
    response = get(client, f"{ARTICLES}/{data.articles[0].pk}.xml")
    assert response.status_code == 200
    assert b"<title>Alpha river</title>" in response.content


@pytest.mark.parametrize("pk", ["999999", "nope"])
def test_retrieve_missing(client, data, pk):
    response = get(client, f"{ARTICLES}/{pk}.json")
    assert response.status_code == 404
    assert reason(response) == "Not found : Entity or revision not found"


def test_anonymous_cannot_see_unpublished(client, data):
    unpublished = data.articles[2]
    assert get(client, f"{ARTICLES}/{unpublished.pk}.json").status_code == 404
    assert get(client, f"{ARTICLES}/{unpublished.pk}.json", data.alice).status_code == 200
    titles = [row["title"] for row in body(get(client, f"{ARTICLES}.json?fields=title"))]
    assert "Gamma river" not in titles and len(titles) == 3


# -- index -----------------------------------------------------------------------------------


def test_index_is_a_plain_list_without_uri(client, data):
    response = get(client, f"{ARTICLES}.json?sort=title&direction=desc&fields=id,title")
    assert response.status_code == 200
    assert body(response) == [
        {"id": data.articles[3].pk, "title": "Delta city"},
        {"id": data.articles[1].pk, "title": "Beta mountain"},
        {"id": data.articles[0].pk, "title": "Alpha river"},
    ]


def test_index_parameters(client, data):
    path = (
        f"{ARTICLES}.json?fields=title&sort=title"
        "&parameters[created][gte]=2024-01-15&parameters[title][icontains]=A"
    )
    assert [r["title"] for r in body(get(client, path))] == ["Beta mountain", "Delta city"]
    path = f"{ARTICLES}.json?fields=title&parameters[author.username]=alice"
    assert [r["title"] for r in body(get(client, path, data.staff))] == [
        "Gamma river",
        "Alpha river",
    ]


def test_index_via_query_path(client, data):
    response = client.get("/", {"q": "api/entity_article.json", "fields": "title", "pagesize": 1})
    assert response.status_code == 200
    assert len(body(response)) == 1


def test_empty_index_is_404(client, data):
    response = get(client, f"{ARTICLES}.json?parameters[title]=nothing")
    assert response.status_code == 404
    assert reason(response) == "Not found : No entities found."
    assert get(client, f"{ARTICLES}.json?page=99").status_code == 404


def test_endpoint_page_sizes(client, data, endpoint_settings):
    endpoint_settings(page_size=2, max_page_size=3)
    assert len(body(get(client, f"{ARTICLES}.json", data.staff))) == 2
    assert len(body(get(client, f"{ARTICLES}.json?pagesize=100", data.staff))) == 3


def test_plain_query_filters_endpoint_setting(client, data, endpoint_settings):
    path = f"{ARTICLES}.json?fields=title&status=0"
    assert len(body(get(client, path, data.staff))) == 4
    endpoint_settings(plain_query_filters=True)
    assert body(get(client, path, data.staff)) == [{"title": "Gamma river"}]


# -- bad input: one row per bad parameter ---------------------------------------------------

BAD_INDEX = [
    ("parameters[nope]=1", 406, "Not Acceptable : Parameter nope does not exist"),
    ("parameters[body]=x", 406, "Not Acceptable : Parameter body does not exist"),
    ("sort=body", 406, "Not Acceptable : Parameter body does not exist"),
    ("sort=title,nope", 406, "Not Acceptable : Parameter nope does not exist"),
    ("fields=title,nope", 406, "Not Acceptable : Parameter nope does not exist"),
    ("return[nope]=1", 406, "Not Acceptable : Parameter nope does not exist"),
    ("search=x", 406, "Not Acceptable : Parameter search does not exist"),  # comments: none
    ("parameters[status][gte]=1", 400, "parameters[status][gte]"),
    ("parameters[title][regex]=x", 400, "parameters[title][regex]"),
    ("parameters[created][gte]=yesterday", 400, "parameters[created][gte]"),
    ("parameters[created][range]=2024-01-01", 400, "parameters[created][range]"),
    ("parameters[status]=maybe", 400, "parameters[status]"),
    ("parameters[author][isnull]=maybe", 400, "parameters[author][isnull]"),
    ("parameters[tags]=x", 400, "parameters[tags]"),
    ("parameters=1", 400, "parameter parameters"),
    ("page=-1", 400, "parameter page"),
    ("page=first", 400, "parameter page"),
    ("pagesize=0", 400, "parameter pagesize"),
    ("pagesize=-5", 400, "parameter pagesize"),
    ("pagesize=ten", 400, "parameter pagesize"),
    ("direction=sideways", 400, "parameter direction"),
    ("sort[]=title", 400, "parameter sort"),
]


@pytest.mark.parametrize("query, status, message", BAD_INDEX)
def test_bad_index_parameter(client, data, query, status, message):
    resource = "entity_comment" if query.startswith("search") else "entity_article"
    response = get(client, f"/api/{resource}.json?{query}")
    assert response.status_code == status
    assert message in reason(response)
    assert message.split(" : ")[-1] in body(response)[0]


# -- permissions matrix ----------------------------------------------------------------------

OPERATIONS = ["retrieve", "index", "create", "update", "delete"]
EXPECTED = {
    # anonymous: reads only; writes need authentication (basic auth on the endpoint: 401)
    "anonymous": {"retrieve": 200, "index": 200, "create": 401, "update": 401, "delete": 401},
    "user": {"retrieve": 200, "index": 200, "create": 403, "update": 403, "delete": 403},
    "staff": {"retrieve": 200, "index": 200, "create": 200, "update": 200, "delete": 200},
}


def run(client, operation, data, user):
    article = data.articles[1]
    if operation == "retrieve":
        return send(client, "GET", f"{ARTICLES}/{article.pk}.json", user=user)
    if operation == "index":
        return send(client, "GET", f"{ARTICLES}.json", user=user)
    if operation == "create":
        payload = {"title": "New", "author": data.alice.pk}
        return send(client, "POST", f"{ARTICLES}.json", payload, user=user)
    if operation == "update":
        return send(client, "PUT", f"{ARTICLES}/{article.pk}.json", {"title": "X"}, user=user)
    return send(client, "DELETE", f"{ARTICLES}/{article.pk}.json", user=user)


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("who", list(EXPECTED))
def test_permissions_matrix(client, data, who, operation):
    user = {"anonymous": None, "user": data.alice, "staff": data.staff}[who]
    before = list(Article.objects.order_by("pk").values_list("pk", "title"))
    response = run(client, operation, data, user)
    assert response.status_code == EXPECTED[who][operation], response.reason_phrase
    after = list(Article.objects.order_by("pk").values_list("pk", "title"))
    if response.status_code != 200 or operation in ("retrieve", "index"):
        assert after == before  # nothing written
    if response.status_code == 403:
        assert reason(response) == f": Access denied for user {user.username}"


def test_view_permission_without_anonymous_read(client, data, monkeypatch):
    options = site.get_options(Tag)
    monkeypatch.setattr(options, "anonymous_read", False)
    path = f"/api/entity_tag/{data.tags[0].pk}.json"
    assert get(client, path).status_code == 401
    assert get(client, path, data.alice).status_code == 403
    assert get(client, path, data.staff).status_code == 200


def test_object_access_hook(client, data, monkeypatch):
    options = site.get_options(Article)
    monkeypatch.setattr(
        options, "object_access", lambda request, obj, op: obj.author_id == request.user.pk
    )
    theirs, mine = data.articles[0], data.articles[1]  # alice's, bob's
    data.bob.user_permissions.set(data.staff.user_permissions.all())
    response = send(client, "PUT", f"{ARTICLES}/{theirs.pk}.json", {"title": "Z"}, user=data.bob)
    assert response.status_code == 403
    assert reason(response) == ": Access denied for user bob"
    response = send(client, "PUT", f"{ARTICLES}/{mine.pk}.json", {"title": "Z"}, user=data.bob)
    assert response.status_code == 200
    response = send(client, "DELETE", f"{ARTICLES}/{theirs.pk}.json", user=data.bob)
    assert response.status_code == 403
    payload = {"title": "Forged", "author": data.alice.pk}
    response = send(client, "POST", f"{ARTICLES}.json", payload, user=data.bob)
    assert response.status_code == 403
    assert not Article.objects.filter(title="Forged").exists()


# -- create / update / delete ----------------------------------------------------------------


def test_create_returns_the_saved_entity(client, data):
    tag_ref = body(get(client, f"{ARTICLES}/{data.articles[0].pk}.json"))["tags"][0]
    payload = {
        "title": "Created",
        "status": False,
        "author": {"id": data.bob.pk},
        "tags": [data.tags[2].pk, tag_ref],
        "uuid": "00000000-0000-0000-0000-000000000000",  # read-only: ignored
    }
    response = send(client, "POST", f"{ARTICLES}.json", payload, user=data.staff)
    assert response.status_code == 200
    row = body(response)
    article = Article.objects.get(pk=row["id"])
    assert article.title == "Created" and article.author == data.bob and not article.status
    assert {t.pk for t in article.tags.all()} == {data.tags[2].pk, data.tags[0].pk}
    assert row["uuid"] == str(article.uuid) != payload["uuid"]
    assert row["author"]["id"] == data.bob.pk


def test_create_references_as_clean_objects(client, data):
    author = body(get(client, f"{ARTICLES}/{data.articles[0].pk}.json"))["author"]
    payload = {"title": "With object", "author": author}
    response = send(client, "POST", f"{ARTICLES}.json", payload, user=data.staff)
    assert response.status_code == 200
    assert Article.objects.get(title="With object").author == data.alice


BAD_WRITES = [
    (
        {"title": "x", "author": 1, "colour": "red", "size": 2},
        "Unknown data properties: colour size.",
    ),
    ({"author": 1}, "Validation failed."),
    ({"title": "x", "author": 999999}, "Validation failed."),
    ({"title": "x", "author": {"uri": "http://x"}}, "Validation failed."),
    ({"title": "x", "author": 1, "tags": [999999]}, "Validation failed."),
    (
        {"title": "x", "author": 1, "created": "not a date", "status": "perhaps"},
        "Validation failed.",
    ),
    (["not", "objects"], "Validation failed."),
]


@pytest.mark.parametrize("payload, message", BAD_WRITES)
def test_bad_create(client, data, payload, message):
    count = Article.objects.count()
    response = send(client, "POST", f"{ARTICLES}.json", payload, user=data.staff)
    assert response.status_code == 406
    assert reason(response) == f"Not Acceptable : {message}"
    assert Article.objects.count() == count


def test_validation_errors_shape(client, data):
    payload = {"author": data.alice.pk, "tags": [999999]}
    response = send(client, "POST", f"{ARTICLES}.json", payload, user=data.staff)
    errors = body(response)["form_errors"]
    assert set(errors) == {"title", "tags"}
    assert isinstance(errors["title"], list) and isinstance(errors["title"][0], str)


def test_update_is_partial(client, data):
    article = data.articles[1]
    response = send(
        client, "PUT", f"{ARTICLES}/{article.pk}.json", {"title": "Renamed"}, data.staff
    )
    assert response.status_code == 200
    row = body(response)
    assert row["title"] == "Renamed" and row["body"] == article.body
    article.refresh_from_db()
    assert article.title == "Renamed" and [t.pk for t in article.tags.all()] == [data.tags[1].pk]


def test_update_with_the_retrieved_entity(client, data):
    path = f"{ARTICLES}/{data.articles[0].pk}.json"
    entity = body(get(client, path, data.staff))
    entity["title"] = "Round trip"
    response = send(client, "PUT", path, entity, user=data.staff)
    assert response.status_code == 200
    assert body(response) == {**entity, "changed": body(response)["changed"]}


def test_update_must_target_the_url_entity(client, data):
    article = data.articles[0]
    payload = {"id": data.articles[1].pk, "title": "Hijack"}
    response = send(client, "PUT", f"{ARTICLES}/{article.pk}.json", payload, user=data.staff)
    assert response.status_code == 406
    assert reason(response) == (
        "Not Acceptable : Invalid Entity Identifier. "
        "You can only update the entity referenced in the URL."
    )
    assert not Article.objects.filter(title="Hijack").exists()


def test_update_is_atomic(client, data):
    article = data.articles[0]
    payload = {"title": "Half", "tags": [data.tags[2].pk, 999999]}
    response = send(client, "PUT", f"{ARTICLES}/{article.pk}.json", payload, user=data.staff)
    assert response.status_code == 406
    article.refresh_from_db()
    assert article.title == "Alpha river"
    assert {t.pk for t in article.tags.all()} == {data.tags[0].pk, data.tags[1].pk}


def test_update_and_delete_missing(client, data):
    path = f"{ARTICLES}/999999.json"
    response = send(client, "PUT", path, {"title": "x"}, user=data.staff)
    assert response.status_code == 404
    assert reason(response) == "Not found : Entity or revision not found"
    assert send(client, "DELETE", path, user=data.staff).status_code == 404


def test_delete_returns_null(client, data):
    article = data.articles[0]
    response = send(client, "DELETE", f"{ARTICLES}/{article.pk}.json", user=data.staff)
    assert response.status_code == 200
    assert response.content == b"null"
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not Comment.objects.filter(article_id=article.pk).exists()


def test_bulk_create_all(client, data):
    payload = [{"title": f"Bulk {i}", "author": data.alice.pk} for i in range(3)]
    response = send(client, "POST", f"{ARTICLES}.json", payload, user=data.staff)
    assert response.status_code == 200
    assert [row["title"] for row in body(response)] == ["Bulk 0", "Bulk 1", "Bulk 2"]
    assert Article.objects.filter(title__startswith="Bulk").count() == 3


def test_bulk_create_none_when_one_fails(client, data):
    payload = [
        {"title": "Bulk ok", "author": data.alice.pk},
        {"title": "Bulk bad", "author": 999999},
        {"title": "Bulk unknown", "author": data.alice.pk, "colour": "red"},
    ]
    count = Article.objects.count()
    response = send(client, "POST", f"{ARTICLES}.json", payload, user=data.staff)
    assert response.status_code == 406
    errors = body(response)["form_errors"]
    assert set(errors) == {"1", "2"}
    assert "author" in errors["1"]
    assert Article.objects.count() == count


# -- relationships ---------------------------------------------------------------------------


def test_relationship_comments(client, data):
    article = data.articles[0]
    response = get(client, f"{ARTICLES}/{article.pk}/comments.json")
    assert response.status_code == 200
    rows = body(response)
    assert {row["id"] for row in rows} == {c.pk for c in data.comments}
    assert rows[0]["article"]["uri"] == f"http://testserver/api/entity_article/{article.pk}"


def test_relationship_is_paged_like_index(client, data):
    path = f"{ARTICLES}/{data.articles[0].pk}/comments.json"
    rows = body(get(client, f"{path}?pagesize=1&page=1&fields=subject&sort=id"))
    assert rows == [{"subject": "Comment 1"}]
    assert get(client, f"{path}?sort=nope").status_code == 406
    assert body(get(client, f"{ARTICLES}/{data.articles[1].pk}/comments.json")) == []


def test_relationship_of_missing_or_hidden_parent(client, data):
    assert get(client, f"{ARTICLES}/999999/comments.json").status_code == 404
    Comment.objects.create(article=data.articles[2], author=data.bob, subject="Hidden")
    path = f"{ARTICLES}/{data.articles[2].pk}/comments.json"
    assert get(client, path).status_code == 404  # unpublished parent, anonymous
    assert len(body(get(client, path, data.alice))) == 1


# -- browsable API through the endpoint ------------------------------------------------------


def test_browsable_api_format(client, data):
    response = client.get(f"{ARTICLES}/{data.articles[0].pk}", {"format": "api"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"Alpha river" in response.content


# -- queries ---------------------------------------------------------------------------------


@pytest.fixture
def seeded(db, client):
    call_command("seed_demo", articles="120", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client.get("/api/entity_article/1.json")  # warm the endpoint configuration cache


@pytest.mark.parametrize("pagesize", ["5", "100"])
@pytest.mark.parametrize(
    "fields", ["", "&fields=title", "&fields=author,tags", "&fields=id,title,author,tags,created"]
)
def test_index_query_count(client, seeded, django_assert_max_num_queries, pagesize, fields):
    with django_assert_max_num_queries(3):
        response = get(client, f"{ARTICLES}.json?pagesize={pagesize}{fields}")
    assert response.status_code == 200
    assert len(body(response)) == int(pagesize)


@pytest.mark.parametrize("fields", ["", "?fields=title", "?fields=author,tags"])
def test_retrieve_query_count(client, seeded, django_assert_max_num_queries, fields):
    pk = Article.objects.filter(status=True, tags__isnull=False).values_list("pk", flat=True)[0]
    with django_assert_max_num_queries(2):
        response = get(client, f"{ARTICLES}/{pk}.json{fields}")
    assert response.status_code == 200


NEVER_500 = [
    ("parameters[tags]=99999999999999999999999", 400),
    ("parameters[tags][in]=1,99999999999999999999999", 400),
    ("parameters[tags]=1.5", 400),
    ("page=99999999999999999999999", 400),
    ("pagesize=99999999999999999999999", 200),  # capped
    ("parameters[title]=%00", 400),
    ("sort=%00", 406),
    ("sort=%E6%BC%A2", 406),
    ("parameters[x][y][z]=1", 406),
    ("parameters[title][contains][deeper]=1", 400),
    ("fields[]=title", 400),
    ("direction[]=x&sort=title", 400),
    ("parameters[created][gte]=9999-12-31T23:59:59Z", 404),
]


@pytest.mark.parametrize("query, status", NEVER_500)
def test_odd_input_is_never_a_500(client, data, query, status):
    assert get(client, f"{ARTICLES}.json?{query}").status_code == status


@pytest.mark.parametrize("pk", ["99999999999999999999999", "-1", "1.5", "%00", "%E6%BC%A2"])
def test_odd_ids_are_404(client, data, pk):
    assert get(client, f"{ARTICLES}/{pk}.json").status_code == 404
    assert get(client, f"{ARTICLES}/{pk}/comments.json").status_code == 404
    assert (
        send(client, "PUT", f"{ARTICLES}/{pk}.json", {"title": "x"}, data.staff).status_code == 404
    )


def test_create_from_form_data(client, data):
    body_ = f"title=Form&author={data.alice.pk}&tags[]={data.tags[0].pk}&tags[]={data.tags[2].pk}"
    response = client.generic(
        "POST",
        f"{ARTICLES}.json",
        body_,
        content_type="application/x-www-form-urlencoded",
        **basic(data.staff),
    )
    assert response.status_code == 200, response.reason_phrase
    article = Article.objects.get(title="Form")
    assert {t.pk for t in article.tags.all()} == {data.tags[0].pk, data.tags[2].pk}


def test_create_with_the_empty_string_body(client, data):
    # jDrupal posts "" when it has no data: a validation error, not a crash.
    response = client.generic(
        "POST", f"{ARTICLES}.json", b'""', content_type="application/json", **basic(data.staff)
    )
    assert response.status_code == 406
    assert "title" in body(response)["form_errors"]


def test_relationship_query_count(client, data, django_assert_max_num_queries):
    path = f"{ARTICLES}/{data.articles[0].pk}/comments.json"
    client.get(path)  # warm the endpoint configuration cache
    with django_assert_max_num_queries(2):
        assert len(body(client.get(path))) == 2


def test_permission_classes_option(client, data, monkeypatch):
    from rest_framework.permissions import IsAdminUser

    from project.demo.models import Vocabulary

    monkeypatch.setattr(site.get_options(Vocabulary), "permission_classes", [IsAdminUser])
    path = f"/api/entity_vocabulary/{data.vocabulary.pk}.json"
    assert get(client, path).status_code == 401  # anonymous_read no longer applies
    assert get(client, path, data.alice).status_code == 403
    assert get(client, path, data.staff).status_code == 200
    payload = {"name": "Topics", "machine_name": "topics"}
    response = send(client, "POST", "/api/entity_vocabulary.json", payload, user=data.staff)
    assert response.status_code == 200
    assert body(response)["machine_name"] == "topics"
