"""Core-style resources ``node``, ``comment``, ``taxonomy_term``, ``taxonomy_vocabulary`` on the
demo ``api`` endpoint (spec §9 and §12; docs/core-resources.md)."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

import entity_resources
from entity_resources.options import ResourceOptions
from project.demo.models import Article, Comment, Tag, Vocabulary
from services_api.drupal import CoreOptions
from services_api.drupal.query import INVALID_QUERY
from tests.entity_helpers import basic, body, make_data, make_user, send
from tests.testapp.models import Gadget

pytestmark = pytest.mark.django_db

NODE = "/api/node"


@pytest.fixture
def data(db):
    return make_data()


def get(client, path, user=None, **extra):
    headers = basic(user) if user is not None else {}
    return client.get(path, **headers, **extra)


def titles(response) -> list[str]:
    assert response.status_code == 200, (response.status_code, response.reason_phrase)
    return [row["title"] for row in body(response)]


def ts(value: datetime) -> str:
    return str(int(value.timestamp()))


# -- retrieve --------------------------------------------------------------------------------


def test_node_retrieve_uses_drupal_names_and_strings(client, data):
    article = data.articles[0]
    response = get(client, f"{NODE}/{article.pk}.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert body(response) == {
        "nid": str(article.pk),
        "uuid": str(article.uuid),
        "type": "article",
        "title": "Alpha river",
        "body": {"und": [{"value": "Body of alpha river", "format": "filtered_html"}]},
        "comment": "2",
        "status": "1",
        "sticky": "0",
        "created": ts(datetime(2024, 1, 1, tzinfo=UTC)),
        "changed": ts(datetime(2024, 1, 1, tzinfo=UTC)),
        "uid": str(data.alice.pk),
        "tags": [str(data.tags[0].pk), str(data.tags[1].pk)],
        "path": f"http://testserver/node/{article.pk}",
        "comment_count": "2",
    }


def test_q_url_with_accept_any_and_csrf_header_is_json(client, data):
    article = data.articles[0]
    response = client.get(
        f"/?q=api/node/{article.pk}.json", HTTP_ACCEPT="*/*", HTTP_X_CSRF_TOKEN="not-a-token"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert body(response)["nid"] == str(article.pk)


@pytest.mark.parametrize("nid", ["999999", "abc"])
def test_missing_node_is_404_with_drupal_message(client, data, nid):
    response = get(client, f"{NODE}/{nid}.json")
    assert response.status_code == 404
    assert response.reason_phrase == f"Not found : Node {nid} could not be found"
    assert body(response) == [f"Node {nid} could not be found"]


def test_unpublished_node_hidden_from_anonymous_only(client, data):
    unpublished = data.articles[2]
    assert get(client, f"{NODE}/{unpublished.pk}.json").status_code == 404
    assert get(client, f"{NODE}/{unpublished.pk}.json", data.staff).status_code == 200


def test_comment_term_vocabulary_retrieve(client, data):
    comment = data.comments[0]
    row = body(get(client, f"/api/comment/{comment.pk}.json"))
    assert row["cid"] == str(comment.pk)
    assert row["nid"] == str(data.articles[0].pk)
    assert row["uid"] == str(data.bob.pk)
    assert "path" not in row
    term = body(get(client, f"/api/taxonomy_term/{data.tags[1].pk}.json"))
    assert term["tid"] == str(data.tags[1].pk)
    assert term["vid"] == str(data.vocabulary.pk)
    assert term["weight"] == "1"
    vocabulary = body(get(client, f"/api/taxonomy_vocabulary/{data.vocabulary.pk}.json"))
    assert vocabulary["vid"] == str(data.vocabulary.pk)
    assert vocabulary["machine_name"] == "tags"
    missing = get(client, "/api/taxonomy_term/999999.json")
    assert missing.reason_phrase == "Not found : Term 999999 could not be found"


# -- index -----------------------------------------------------------------------------------


def test_jdrupal_index_call_through_q(client, data):
    response = client.get(
        "/?q=api/node.json&fields=nid,title&parameters[status]=1"
        "&options[orderby][created]=desc&page=0&pagesize=5",
        HTTP_ACCEPT="*/*",
        HTTP_X_CSRF_TOKEN="ignored",
    )
    assert response.status_code == 200
    assert body(response) == [
        {"nid": str(a.pk), "title": a.title, "uri": f"http://testserver/api/node/{a.pk}"}
        for a in (data.articles[3], data.articles[1], data.articles[0])
    ]


def test_default_order_is_sticky_then_created_desc(client, data):
    assert titles(get(client, f"{NODE}.json", data.staff)) == [
        "Beta mountain",
        "Delta city",
        "Gamma river",
        "Alpha river",
    ]


def test_anonymous_index_sees_published_only(client, data):
    assert "Gamma river" not in titles(get(client, f"{NODE}.json"))
    assert "Gamma river" in titles(get(client, f"{NODE}.json", data.staff))


def test_index_rows_have_every_column_and_uri(client, data):
    rows = body(get(client, f"{NODE}.json?parameters[nid]={data.articles[0].pk}"))
    assert list(rows[0]) == [
        "nid",
        "uuid",
        "type",
        "title",
        "body",
        "comment",
        "status",
        "sticky",
        "created",
        "changed",
        "uid",
        "uri",
    ]


def test_parameters_comma_list_is_in(client, data):
    a, b = data.articles[0], data.articles[3]
    response = get(client, f"{NODE}.json?fields=nid&parameters[nid]={a.pk},{b.pk}")
    assert {row["nid"] for row in body(response)} == {str(a.pk), str(b.pk)}
    # CSV quotes protect commas.
    Article.objects.filter(pk=a.pk).update(title="Alpha, river")
    response = get(client, f'{NODE}.json?parameters[title]="Alpha, river",Delta city')
    assert titles(response) == ["Delta city", "Alpha, river"]


@pytest.mark.parametrize(
    ("column", "value", "op", "expected"),
    [
        ("title", "Alpha river", "=", {"Alpha river"}),
        ("title", "Alpha river", "<>", {"Beta mountain", "Gamma river", "Delta city"}),
        ("title", "Alpha river", "!=", {"Beta mountain", "Gamma river", "Delta city"}),
        ("sticky", "1", "=", {"Beta mountain"}),
        ("created", "2024-03-01T00:00:00Z", ">", {"Delta city"}),
        ("created", "1709251200", ">=", {"Gamma river", "Delta city"}),
        ("created", "1706745600", "<", {"Alpha river"}),
        ("created", "1706745600", "<=", {"Alpha river", "Beta mountain"}),
        ("title", "Alpha river,Delta city", "IN", {"Alpha river", "Delta city"}),
        ("title", "Alpha river,Delta city", "not in", {"Beta mountain", "Gamma river"}),
        ("title", "%river", "LIKE", {"Alpha river", "Gamma river"}),
        ("title", "%RIVER%", "like", {"Alpha river", "Gamma river"}),
        ("title", "beta%", "LIKE", {"Beta mountain"}),
        ("title", "delta city", "LIKE", {"Delta city"}),
        ("title", "A%r%r", "LIKE", {"Alpha river"}),
        ("title", "_amma river", "LIKE", {"Gamma river"}),
        ("title", "%river", "NOT LIKE", {"Beta mountain", "Delta city"}),
        ("created", "1706745600,1709251200", "BETWEEN", {"Beta mountain", "Gamma river"}),
        ("body", "", "IS NOT NULL", {"Alpha river", "Beta mountain", "Gamma river", "Delta city"}),
        ("body", "", "IS NULL", set()),
    ],
)
def test_parameters_op(client, data, column, value, op, expected):
    path = f"{NODE}.json?parameters[{column}]={value}&options[parameters_op][{column}]={op}"
    response = get(client, path.replace("%", "%25"), data.staff)
    assert set(titles(response)) == expected


def test_orderby_replaces_default_order(client, data):
    response = get(client, f"{NODE}.json?options[orderby][title]=asc", data.staff)
    assert titles(response) == ["Alpha river", "Beta mountain", "Delta city", "Gamma river"]
    response = get(client, f"{NODE}.json?options[orderby][title]=DeSc", data.staff)
    assert titles(response) == ["Gamma river", "Delta city", "Beta mountain", "Alpha river"]
    # Anything but DESC is ascending, as in Drupal's orderBy().
    response = get(client, f"{NODE}.json?options[orderby][title]=sideways", data.staff)
    assert titles(response)[0] == "Alpha river"


def test_top_level_parameters_op_and_orderby_are_ignored(client, data):
    response = get(
        client,
        f"{NODE}.json?fields=nid,title&parameters[title]=Alpha river"
        "&parameters_op[]=LIKE&orderby[]=desc&parameters_op[title]=LIKE",
    )
    assert titles(response) == ["Alpha river"]


def test_pagesize_silently_capped_at_the_default(client, data):
    for i in range(25):
        Article.objects.create(title=f"Extra {i:02d}", author=data.alice)
    response = get(client, f"{NODE}.json?pagesize=500&fields=nid")
    assert response.status_code == 200
    assert len(body(response)) == 20
    assert len(body(get(client, f"{NODE}.json?pagesize=500&page=1&fields=nid"))) == 8
    assert len(body(get(client, f"{NODE}.json?pagesize=5&page=1&fields=nid"))) == 5


def test_empty_index_is_an_empty_list_with_200(client, data):
    response = get(client, f"{NODE}.json?parameters[title]=nothing")
    assert response.status_code == 200
    assert body(response) == []
    xml = get(client, f"{NODE}.xml?parameters[title]=nothing")
    assert xml.status_code == 200
    assert xml.content == b'<?xml version="1.0" encoding="utf-8"?>\n<result/>\n'


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("fields=nid,nope", "Unknown column 'nope' in fields."),
        ("fields=tags", "Unknown column 'tags' in fields."),
        ("fields=author", "Unknown column 'author' in fields."),
        ("parameters[nope]=1", "Unknown column 'nope' in parameters."),
        ("options[orderby][nope]=asc", "Unknown column 'nope' in orderby."),
        (
            "parameters[title]=x&options[parameters_op][title]=EXISTS",
            "Unknown operator 'EXISTS' for parameter title.",
        ),
        (
            "parameters[title]=x&options[parameters_op][title]=~",
            "Unknown operator '~' for parameter title.",
        ),
        ("parameters[status]=maybe", "Invalid value 'maybe' for column status."),
        ("parameters[nid]=abc", "Invalid value 'abc' for column nid."),
        (
            "parameters[nid]=99999999999999999999",
            "Invalid value '99999999999999999999' for column nid.",
        ),
        ("parameters[created]=yesterday", "Invalid value 'yesterday' for column created."),
        (
            "parameters[created]=1&options[parameters_op][created]=BETWEEN",
            "Operator BETWEEN on column created takes two values.",
        ),
        (
            "parameters[nid]=1,2&options[parameters_op][nid]=>",
            "Operator > on column nid takes one value.",
        ),
        (
            "parameters[nid]=1&options[parameters_op][nid]=LIKE",
            "Operator LIKE needs a text column, not nid.",
        ),
        (
            "parameters[title][x]=1",
            "Unknown operator 'x' for parameter title; use one of "
            "exact, iexact, in, gt, gte, lt, lte, contains, icontains, startswith, istartswith, "
            "endswith, iendswith, isnull, range.",
        ),
        ("parameters[title][in][x]=1", "Unexpected nested value for parameter title."),
        ("parameters[title]=a%00", "Null characters are not allowed in parameter title."),
        (
            "parameters[title]=a%00&options[parameters_op][title]=LIKE",
            "Null characters are not allowed in parameter title.",
        ),
    ],
)
def test_bad_query_is_406_invalid_query(client, data, query, detail):
    response = get(client, f"{NODE}.json?{query}")
    assert response.status_code == 406
    message = f"{INVALID_QUERY} {detail}"
    assert response.reason_phrase == f"Not Acceptable : {message}"
    assert body(response) == [message]


@pytest.mark.parametrize("query", ["page=-1", "page=x", "pagesize=0", "pagesize=ten"])
def test_bad_page_numbers_are_400(client, data, query):
    response = get(client, f"{NODE}.json?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.reason_phrase


def test_comment_term_vocabulary_index(client, data):
    rows = body(get(client, "/api/comment.json?fields=cid,nid"))
    assert {row["cid"] for row in rows} == {str(c.pk) for c in data.comments}
    assert list(rows[0]) == ["cid", "nid", "uri"]
    assert rows[0]["uri"] == f"http://testserver/api/comment/{rows[0]['cid']}"
    terms = body(get(client, "/api/taxonomy_term.json?fields=tid,name"))
    assert [t["name"] for t in terms] == ["rest", "django", "drupal"]  # vid, weight, name DESC
    assert terms[0]["uri"] == f"http://testserver/api/taxonomy_term/{data.tags[2].pk}"
    filtered = body(get(client, f"/api/taxonomy_term.json?parameters[vid]={data.vocabulary.pk}"))
    assert len(filtered) == 3
    vocabularies = body(get(client, "/api/taxonomy_vocabulary.json"))
    assert [v["machine_name"] for v in vocabularies] == ["tags"]


def test_index_uri_uses_the_alias(client, data, django_capture_on_commit_callbacks):
    from services_api.models import EndpointResource

    with django_capture_on_commit_callbacks(execute=True):
        config = EndpointResource.objects.get(endpoint__name="api", resource="node")
        config.alias = "content"
        config.save()
    rows = body(get(client, "/api/content.json?fields=nid"))
    assert rows[0]["uri"].startswith("http://testserver/api/content/")


def test_relationship_comments(client, data):
    article = data.articles[0]
    rows = body(get(client, f"{NODE}/{article.pk}/comments.json"))
    assert [row["cid"] for row in rows] == [str(c.pk) for c in data.comments]
    assert "uri" not in rows[0]
    rows = body(get(client, f"{NODE}/{article.pk}/comments.json?count=1&offset=1"))
    assert [row["cid"] for row in rows] == [str(data.comments[1].pk)]
    assert body(get(client, f"{NODE}/{data.articles[1].pk}/comments.json")) == []
    missing = get(client, f"{NODE}/999999/comments.json")
    assert missing.reason_phrase == "Not found : Node 999999 could not be found"
    assert get(client, f"{NODE}/{article.pk}/comments.json?count=-1").status_code == 400


# -- query counts (run on SQLite and on PostgreSQL with DATABASE_URL) -------------------------


def test_index_and_retrieve_query_counts(client, data, django_assert_max_num_queries):
    for i in range(30):
        Article.objects.create(title=f"Extra {i}", author=data.bob)
    get(client, f"{NODE}.json")  # warm the endpoint configuration cache
    with django_assert_max_num_queries(1):
        response = get(client, f"{NODE}.json?pagesize=20")
    assert len(body(response)) == 20
    with django_assert_max_num_queries(1):
        get(client, f"{NODE}.json?fields=nid,uid&parameters[status]=1,0")
    with django_assert_max_num_queries(2):  # the rows + their authors' names
        get(client, "/api/comment.json")
    with django_assert_max_num_queries(3):  # the row + its tags + its comment count
        assert get(client, f"{NODE}/{data.articles[0].pk}.json").status_code == 200
    with django_assert_max_num_queries(2):  # the node exists + its comments
        get(client, f"{NODE}/{data.articles[0].pk}/comments.json")


# -- writes ----------------------------------------------------------------------------------


def test_create_bare_then_update_wrapped_by_nid(client, data):
    response = send(
        client,
        "POST",
        f"{NODE}.json",
        {"type": "article", "title": "New", "language": "und"},
        data.staff,
    )
    assert response.status_code == 200
    result = body(response)
    article = Article.objects.get(title="New")
    assert result == {"nid": str(article.pk), "uri": f"http://testserver/api/node/{article.pk}"}
    assert article.author == data.staff  # uid defaults to the caller
    update = {"node": {"nid": result["nid"], "title": "Renamed", "status": "0", "path": "x"}}
    response = send(client, "PUT", f"{NODE}/{article.pk}.json", update, data.staff)
    assert response.status_code == 200
    assert body(response) == result
    article.refresh_from_db()
    assert (article.title, article.status) == ("Renamed", False)
    # Bare update bodies work too; uid maps onto the author.
    response = send(client, "PUT", f"{NODE}/{article.pk}.json", {"uid": data.bob.pk}, data.staff)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.author == data.bob


def test_create_wrapped_with_drupal_field_structure(client, data):
    payload = {"node": {"type": "article", "title": "T", "body": {"und": [{"value": "Hi"}]}}}
    response = send(client, "POST", f"{NODE}.json", payload, data.staff)
    assert response.status_code == 200
    assert Article.objects.get(pk=body(response)["nid"]).body == "Hi"


def test_create_without_type_and_empty_body(client, data):
    response = client.post(
        f"{NODE}.json", b'""', content_type="application/json", **basic(data.staff)
    )
    assert response.status_code == 406
    assert response.reason_phrase == "Not Acceptable : Node type is required"
    assert body(response) == ["Node type is required"]
    response = send(client, "POST", f"{NODE}.json", {"title": "No type"}, data.staff)
    assert response.reason_phrase == "Not Acceptable : Node type is required"


@pytest.mark.parametrize("payload", [["a"], [{"type": "article", "title": "x"}], "text"])
def test_create_with_a_non_object_body_is_a_form_error(client, data, payload):
    response = send(client, "POST", f"{NODE}.json", payload, data.staff)
    assert response.status_code == 406
    assert body(response) == {"form_errors": {"": "Expected an object of field values."}}
    response = send(client, "PUT", f"{NODE}/{data.articles[0].pk}.json", payload, data.staff)
    assert response.status_code == 406


def test_create_form_errors(client, data):
    response = send(client, "POST", f"{NODE}.json", {"type": "article"}, data.staff)
    assert response.status_code == 406
    assert body(response) == {"form_errors": {"title": "This field is required."}}
    assert response.reason_phrase == "Not Acceptable : This field is required."
    payload = {"type": "article", "title": "x", "uid": 999999}
    response = send(client, "POST", f"{NODE}.json", payload, data.staff)
    assert response.status_code == 406
    assert list(body(response)["form_errors"]) == ["uid"]
    assert not Article.objects.filter(title="x").exists()


def test_update_and_delete_missing_node(client, data):
    response = send(client, "PUT", f"{NODE}/999999.json", {"title": "x"}, data.staff)
    assert response.reason_phrase == "Not found : Node 999999 could not be found"
    response = send(client, "DELETE", f"{NODE}/999999.json", None, data.staff)
    assert response.reason_phrase == "Not found : Node 999999 could not be found"


def test_delete_node_returns_true(client, data):
    article = data.articles[1]
    response = send(client, "DELETE", f"{NODE}/{article.pk}.json", None, data.staff)
    assert response.status_code == 200
    assert body(response) == [True]
    assert not Article.objects.filter(pk=article.pk).exists()
    xml = send(client, "DELETE", f"{NODE}/{data.articles[0].pk}.xml", None, data.staff)
    assert xml.content == b'<?xml version="1.0" encoding="utf-8"?>\n<result>1</result>\n'


def test_comment_create_update_delete(client, data):
    article = data.articles[1]
    payload = {"comment": {"nid": str(article.pk), "subject": "Hello", "body": "text"}}
    response = send(client, "POST", "/api/comment.json", payload, data.staff)
    assert response.status_code == 200
    comment = Comment.objects.get(subject="Hello")
    assert body(response) == {
        "cid": str(comment.pk),
        "uri": f"http://testserver/api/comment/{comment.pk}",
    }
    assert comment.author == data.staff and comment.article == article
    for wrapper in ("comment", "data"):
        payload = {wrapper: {"cid": str(comment.pk), "subject": f"By {wrapper}"}}
        response = send(client, "PUT", f"/api/comment/{comment.pk}.json", payload, data.staff)
        assert body(response) == [str(comment.pk)]
        comment.refresh_from_db()
        assert comment.subject == f"By {wrapper}"
    response = send(client, "DELETE", f"/api/comment/{comment.pk}.json", None, data.staff)
    assert body(response) == [True]
    response = send(client, "POST", "/api/comment.json", {"subject": "x"}, data.staff)
    assert response.status_code == 406
    assert "nid" in body(response)["form_errors"]


def test_taxonomy_term_and_vocabulary_results_are_saved_codes(client, data):
    payload = {"vocabulary": {"name": "Topics", "machine_name": "topics"}}
    assert body(send(client, "POST", "/api/taxonomy_vocabulary.json", payload, data.staff)) == [1]
    vocabulary = Vocabulary.objects.get(machine_name="topics")
    path = f"/api/taxonomy_vocabulary/{vocabulary.pk}.json"
    update = {"vocabulary": {"vid": vocabulary.pk, "name": "Subjects"}}
    assert body(send(client, "PUT", path, update, data.staff)) == [2]
    term = {"term": {"vid": str(vocabulary.pk), "name": "Cycling", "weight": "3"}}
    assert body(send(client, "POST", "/api/taxonomy_term.json", term, data.staff)) == [1]
    tag = Tag.objects.get(name="Cycling")
    assert (tag.vocabulary, tag.weight) == (vocabulary, 3)
    term_path = f"/api/taxonomy_term/{tag.pk}.json"
    assert body(send(client, "PUT", term_path, {"name": "Touring"}, data.staff)) == [2]
    assert body(send(client, "DELETE", term_path, None, data.staff)) == [3]
    assert body(send(client, "DELETE", path, None, data.staff)) == [3]
    assert not Vocabulary.objects.filter(pk=vocabulary.pk).exists()


# -- permissions -----------------------------------------------------------------------------


def test_anonymous_may_read_but_not_write(client, data):
    # The api endpoint has HTTP Basic enabled: an anonymous 403 is a 401 challenge.
    response = send(client, "POST", f"{NODE}.json", {"type": "article", "title": "x"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic realm=")
    assert send(client, "DELETE", f"{NODE}/{data.articles[0].pk}.json").status_code == 401
    assert send(client, "POST", "/api/taxonomy_term.json", {"name": "x"}).status_code == 401
    assert not Article.objects.filter(title="x").exists()


def test_user_without_permissions_is_denied(client, data):
    response = send(client, "POST", f"{NODE}.json", {"type": "article", "title": "x"}, data.alice)
    assert response.status_code == 403
    assert response.reason_phrase == ": Access denied for user alice"
    path = f"{NODE}/{data.articles[0].pk}.json"
    assert send(client, "PUT", path, {"title": "x"}, data.alice).status_code == 403
    editor = make_user("editor", perms=("change_article",))
    assert send(client, "PUT", path, {"title": "Edited"}, editor).status_code == 200
    assert send(client, "DELETE", path, None, editor).status_code == 403


def test_xml_shapes(client, data):
    article = data.articles[0]
    response = get(client, f"{NODE}.xml?fields=nid,title&parameters[nid]={article.pk}")
    assert response.content == (
        b'<?xml version="1.0" encoding="utf-8"?>\n<result is_array="true"><item>'
        + f"<nid>{article.pk}</nid><title>Alpha river</title>"
        f"<uri>http://testserver/api/node/{article.pk}</uri>".encode()
        + b"</item></result>\n"
    )
    response = send(client, "POST", f"{NODE}.xml", {"type": "article", "title": "X"}, data.staff)
    nid = Article.objects.get(title="X").pk
    assert (
        response.content
        == (
            f'<?xml version="1.0" encoding="utf-8"?>\n<result><nid>{nid}</nid>'
            f"<uri>http://testserver/api/node/{nid}</uri></result>\n"
        ).encode()
    )


# -- registration options --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"id_key": "nid"}, "core option 'name': a core-style resource needs a name"),
        ({"name": "gadget"}, "core option 'id_key': a core-style resource needs an id_key"),
        ({"name": "node", "id_key": "nid", "columns": {"uid": "nope"}}, "no field"),
        ({"name": "node", "id_key": "nid", "columns": {"nid": "title"}}, "id_key"),
        ({"name": "node", "id_key": "nid", "columns": {"type": "title"}}, "both"),
        ({"name": "node", "id_key": "nid", "ordering": ["-nope"]}, "'ordering':.*'nope'"),
        ({"name": "node", "id_key": "nid", "bundles": {"x": "not callable"}}, "callable"),
        ({"name": "node", "id_key": "nid", "colour": "red"}, "Unknown core option"),
    ],
)
def test_core_options_are_validated(options, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        CoreOptions(Article, **options)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"name": "node", "id_key": "nid", "colour": "red"},
            "Unknown core option(s) for demo.Article: colour.",
        ),
        (
            {"name": "node", "id_key": "nid", "ordering": ["author.nope"]},
            "demo.Article: core option 'ordering': auth.User has no field 'nope' (in "
            "'author.nope').",
        ),
        (
            {"name": "node", "id_key": "nid", "columns": {"uid": "nope"}},
            "demo.Article: core option 'columns': demo.Article has no field 'nope'.",
        ),
    ],
)
def test_core_option_messages_in_full(options, message):
    """The wording of the shared ``entity_resources.ModelOptions`` checks, as core options."""
    with pytest.raises(ImproperlyConfigured) as caught:
        CoreOptions(Article, **options)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "option", ["core_name", "id_key", "wrapper", "core_fields", "bundles", "bundle_key"]
)
def test_core_options_are_not_entity_options(option):
    with pytest.raises(ImproperlyConfigured, match="Unknown registration option"):
        ResourceOptions(Article, **{option: "x"})


def test_core_registration_needs_the_entity_registration_and_a_free_name():
    from services_api.drupal.registration import CoreSite

    site = CoreSite()
    with pytest.raises(ImproperlyConfigured, match="register the model with entity_resources"):
        site.register(Gadget, name="gadget", id_key="gid")
    with pytest.raises(ImproperlyConfigured, match="'entity_article' .* already used by demo"):
        site.register(Tag, name="entity_article", id_key="tid")
    site.register(Tag, name="term", id_key="tid")
    with pytest.raises(ImproperlyConfigured, match="'term' .* already used by demo.Tag"):
        site.register(Vocabulary, name="term", id_key="vid")
    with pytest.raises(ImproperlyConfigured, match="already has a core-style resource"):
        site.register(Tag, name="other", id_key="tid")
    assert [core.name for core in site] == ["term"]


def test_an_entity_name_taken_by_a_core_resource_fails_the_system_check():
    from services_api.checks import check_core_names

    assert check_core_names() == []
    entity_resources.register(Gadget, name="node")
    try:
        [error] = check_core_names()
    finally:
        entity_resources.unregister(Gadget)
    assert error.id == "services_api.E006"
    assert "'node' of demo.Article's core-style resource is already used by" in error.msg
