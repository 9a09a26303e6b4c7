"""The core ``comment`` resource: ``comment_body`` as a Drupal 7 field array (read and written,
JSON, form and XML) and the ``countAll``/``countNew`` actions (Services 7.x-3.x
``comment_resource.inc``; docs/core-resources.md)."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from project.demo.models import Article, Comment
from tests.entity_helpers import basic, body, make_data, send

pytestmark = pytest.mark.django_db

XML_HEAD = b'<?xml version="1.0" encoding="utf-8"?>\n'


@pytest.fixture
def data(db):
    data = make_data()
    article = data.articles[0]
    Comment.objects.filter(pk=data.comments[0].pk).update(
        body="First <em>words</em>", body_format="filtered_html"
    )
    # Not counted: unpublished, too old for countNew, on another node.
    Comment.objects.create(article=article, author=data.bob, subject="Hidden", status=False)
    old = Comment.objects.create(article=article, author=data.bob, subject="Old")
    Comment.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=40))
    Comment.objects.create(article=data.articles[1], author=data.bob, subject="Elsewhere")
    return data


def form(client, method, path, fields, user=None):
    extra = basic(user) if user is not None else {}
    return client.generic(
        method,
        path,
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
        **extra,
    )


# -- comment_body as a field array ---------------------------------------------------------------


def test_retrieve_has_comment_body_field_array(client, data):
    comment = data.comments[0]
    row = body(client.get(f"/api/comment/{comment.pk}.json"))
    assert row["comment_body"] == {
        "und": [{"value": "First <em>words</em>", "format": "filtered_html"}]
    }
    assert "body" not in row and "body_format" not in row
    # An empty field is Drupal's empty array.
    assert body(client.get(f"/api/comment/{data.comments[1].pk}.json"))["comment_body"] == []


def test_retrieve_xml_field_array(client, data):
    response = client.get(f"/api/comment/{data.comments[0].pk}.xml")
    assert response.status_code == 200
    assert (
        b'<comment_body><und is_array="true"><item><value>First &lt;em&gt;words&lt;/em&gt;'
        b"</value><format>filtered_html</format></item></und></comment_body>"
    ) in response.content


def test_index_rows_carry_the_field_array(client, data):
    comment = data.comments[0]
    rows = body(client.get(f"/api/comment.json?parameters[cid]={comment.pk}"))
    assert rows[0]["comment_body"]["und"][0]["value"] == "First <em>words</em>"
    rows = body(
        client.get(f"/api/comment.json?fields=cid,comment_body&parameters[cid]={comment.pk}")
    )
    assert rows == [
        {
            "cid": str(comment.pk),
            "comment_body": {"und": [{"value": "First <em>words</em>", "format": "filtered_html"}]},
            "uri": f"http://testserver/api/comment/{comment.pk}",
        }
    ]


def test_create_and_update_with_field_arrays_json(client, data):
    article = data.articles[0]
    payload = {
        "nid": article.pk,
        "subject": "Hello",
        "comment_body": {"und": [{"value": "Plain words", "format": "plain_text"}]},
    }
    response = send(client, "POST", "/api/comment.json", payload, data.staff)
    assert response.status_code == 200, response.reason_phrase
    cid = body(response)["cid"]
    assert body(response) == {"cid": cid, "uri": f"http://testserver/api/comment/{cid}"}
    comment = Comment.objects.get(pk=cid)
    assert (comment.body, comment.body_format, comment.author) == (
        "Plain words",
        "plain_text",
        data.staff,
    )
    # jDrupal's comment_save of an existing comment: the comment itself, unwrapped.
    changes = {"cid": cid, "subject": "Edited", "comment_body": {"und": [{"value": "New"}]}}
    response = send(client, "PUT", f"/api/comment/{cid}.json", changes, data.staff)
    assert (response.status_code, body(response)) == (200, [cid])
    comment.refresh_from_db()
    assert (comment.subject, comment.body, comment.body_format) == ("Edited", "New", "plain_text")
    # Drupal's own update wrapper, and an emptied field.
    wrapped = {"data": {"comment_body": {"und": []}}}
    response = send(client, "PUT", f"/api/comment/{cid}.json", wrapped, data.staff)
    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.body == ""


def test_create_form_encoded_field_array(client, data):
    fields = {
        "comment[nid]": str(data.articles[0].pk),
        "comment[subject]": "Form",
        "comment[comment_body][und][0][value]": "From a form",
        "comment[comment_body][und][0][format]": "plain_text",
    }
    response = form(client, "POST", "/api/comment.xml", fields, data.staff)
    assert response.status_code == 200
    comment = Comment.objects.get(subject="Form")
    assert (comment.body, comment.body_format) == ("From a form", "plain_text")
    assert response.content == (
        XML_HEAD
        + f"<result><cid>{comment.pk}</cid><uri>http://testserver/api/comment/"
        f"{comment.pk}</uri></result>\n".encode()
    )


@pytest.mark.parametrize(
    "comment_body",
    [
        {"und": [{"value": {"nested": "x"}}]},
        {"und": [{"value": "x", "format": "f" * 300}]},
    ],
)
def test_bad_field_values_are_form_errors_and_nothing_is_written(client, data, comment_body):
    before = Comment.objects.count()
    payload = {"nid": data.articles[0].pk, "subject": "Bad", "comment_body": comment_body}
    response = send(client, "POST", "/api/comment.json", payload, data.staff)
    assert response.status_code == 406
    errors = body(response)["form_errors"]
    assert list(errors) == ["comment_body"]
    assert response.reason_phrase == f"Not Acceptable : {errors['comment_body']}"
    assert Comment.objects.count() == before


def test_node_body_is_a_field_array_both_ways(client, data):
    article = data.articles[0]
    node = body(client.get(f"/api/node/{article.pk}.json"))
    assert node["body"] == {"und": [{"value": "Body of alpha river", "format": "filtered_html"}]}
    node["body"]["und"][0] = {"value": "<p>Edited</p>", "format": "full_html"}
    response = send(client, "PUT", f"/api/node/{article.pk}.json", {"node": node}, data.staff)
    assert response.status_code == 200
    article.refresh_from_db()
    assert (article.body, article.body_format) == ("<p>Edited</p>", "full_html")
    # A client that sends a plain value keeps the stored format.
    send(client, "PUT", f"/api/node/{article.pk}.json", {"body": "Plain"}, data.staff)
    article.refresh_from_db()
    assert (article.body, article.body_format) == ("Plain", "full_html")
    assert not Article.objects.filter(body_format="").exists()


# -- countAll / countNew ---------------------------------------------------------------------


def test_count_all_json_xml_and_form(client, data, django_assert_max_num_queries):
    nid = data.articles[0].pk
    send(client, "POST", "/api/comment/countAll.json", {"nid": nid})  # endpoint config cached
    with django_assert_max_num_queries(2):  # the node's visibility, one COUNT
        response = send(client, "POST", "/api/comment/countAll.json", {"nid": nid})
    assert (response.status_code, response.reason_phrase, body(response)) == (200, "OK", ["3"])
    response = send(client, "POST", "/api/comment/countAll.xml", {"nid": str(nid)})
    assert response.content == XML_HEAD + b"<result>3</result>\n"
    response = form(client, "POST", "/?q=api/comment/countAll.json", {"nid": str(nid)})
    assert body(response) == ["3"]
    empty = send(client, "POST", "/api/comment/countAll.json", {"nid": data.articles[3].pk})
    assert body(empty) == ["0"]


def test_count_new_counts_recent_published_comments(client, data):
    nid = data.articles[0].pk
    response = send(client, "POST", "/api/comment/countNew.json", {"nid": nid}, data.alice)
    assert (response.status_code, body(response)) == (200, ["2"])  # the 40-day-old one is not new
    since = int((timezone.now() - timedelta(days=60)).timestamp())
    response = send(
        client, "POST", "/api/comment/countNew.json", {"nid": nid, "since": since}, data.alice
    )
    assert body(response) == ["2"]  # never further back than 30 days (NODE_NEW_LIMIT)
    future = int((timezone.now() + timedelta(hours=1)).timestamp())
    response = send(
        client, "POST", "/api/comment/countNew.xml", {"nid": nid, "since": future}, data.alice
    )
    assert response.content == XML_HEAD + b"<result>0</result>\n"


def test_count_new_is_false_for_anonymous(client, data):
    response = send(client, "POST", "/api/comment/countNew.json", {"nid": data.articles[0].pk})
    assert (response.status_code, body(response)) == (200, [False])


@pytest.mark.parametrize(
    ("action", "payload", "status", "message"),
    [
        ("countAll", {}, 401, "Missing required argument nid"),
        ("countNew", {"since": 5}, 401, "Missing required argument nid"),
        ("countAll", {"nid": "abc"}, 400, "Invalid value for argument nid: expected an integer."),
        ("countAll", {"nid": [1, 2]}, 400, "Invalid value for argument nid: expected an integer."),
        (
            "countNew",
            {"nid": "NID", "since": "yesterday"},
            400,
            "Invalid value for argument since: expected an integer.",
        ),
        (
            "countNew",
            {"nid": "NID", "since": 10**15},
            400,
            "Invalid value for argument since: expected a Unix timestamp.",
        ),
        ("countAll", {"nid": 999999}, 404, "Node 999999 could not be found"),
    ],
)
def test_count_bad_input(client, data, action, payload, status, message):
    before = Comment.objects.count()
    if payload.get("nid") == "NID":
        payload = {**payload, "nid": data.articles[0].pk}
    for suffix in ("json", "xml"):
        response = send(client, "POST", f"/api/comment/{action}.{suffix}", payload, data.alice)
        assert response.status_code == status
        assert response.reason_phrase.endswith(f": {message}")
        if suffix == "json":
            assert body(response) == [message]
        else:
            assert response.content == XML_HEAD + f"<result>{message}</result>\n".encode()
    assert Comment.objects.count() == before


def test_count_of_an_unpublished_node_is_hidden_from_anonymous(client, data):
    hidden = data.articles[2]
    response = send(client, "POST", "/api/comment/countAll.json", {"nid": hidden.pk})
    assert response.status_code == 404
    response = send(client, "POST", "/api/comment/countAll.json", {"nid": hidden.pk}, data.staff)
    assert body(response) == ["0"]


def test_count_all_with_an_xml_body(client, data):
    response = client.post(
        "/api/comment/countAll.json",
        f"<comment><nid>{data.articles[0].pk}</nid></comment>",
        content_type="application/xml",
    )
    assert (response.status_code, body(response)) == (200, ["3"])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"field_arrays": {"nope": None}}, "'nope' is not a column"),
        ({"field_arrays": {"article": None}}, "must be a plain stored field"),
        ({"field_arrays": {"body": "created"}}, "must be a CharField"),
        ({"field_arrays": {"body": "nope"}}, "has no field 'nope'"),
        ({"field_arrays": ["body"]}, "must be a dict of Drupal column -> format field"),
    ],
)
def test_field_arrays_option_is_validated(options, message):
    from django.core.exceptions import ImproperlyConfigured

    from services_api.drupal import CoreOptions

    with pytest.raises(ImproperlyConfigured, match=message):
        CoreOptions(Comment, name="comment", id_key="cid", **options)


# -- what DrupalGap's node page reads ----------------------------------------------------------


def test_drupalgap_node_page_flow(client, data, django_assert_max_num_queries):
    """DrupalGap's node page: node_load, then (comments open and counted) comment_index with
    ``parameters[nid]``, rendering ``name``, ``subject``, ``created`` and the body field."""
    article = data.articles[0]
    node = body(client.get(f"/?q=api/node/{article.pk}.json", HTTP_ACCEPT="*/*"))
    assert (node["comment"], node["comment_count"]) == ("2", "3")  # open; 3 published
    query = f"/?q=api/comment.json&parameters[nid]={article.pk}"
    client.get(query, HTTP_ACCEPT="*/*")  # endpoint config cached
    with django_assert_max_num_queries(2):  # the comments, their authors' names
        rows = body(client.get(query, HTTP_ACCEPT="*/*"))
    assert len(rows) == 3 == int(node["comment_count"])
    first = next(row for row in rows if row["cid"] == str(data.comments[0].pk))
    assert (first["name"], first["uid"], first["subject"]) == ("bob", str(data.bob.pk), "Comment 0")
    assert first["comment_body"]["und"][0]["value"] == "First <em>words</em>"
    assert first["created"].isdigit()
    # XML carries the name too.
    xml = client.get(f"/api/comment/{data.comments[0].pk}.xml")
    assert b"<name>bob</name>" in xml.content


def test_comments_only_on_open_nodes(client, data):
    article = data.articles[0]
    before = Comment.objects.count()
    payload = {"nid": article.pk, "subject": "Hi", "comment_body": {"und": [{"value": "x"}]}}
    for setting in (0, 1):  # hidden, closed
        Article.objects.filter(pk=article.pk).update(comment=setting)
        response = send(client, "POST", "/api/comment.json", payload, data.staff)
        assert response.status_code == 403
        assert response.reason_phrase == ": Access denied for user staff"
    assert Comment.objects.count() == before
    # The setting is a node column: opening the node through node update allows posting.
    response = send(client, "PUT", f"/api/node/{article.pk}.json", {"comment": 2}, data.staff)
    assert response.status_code == 200
    assert send(client, "POST", "/api/comment.json", payload, data.staff).status_code == 200
    assert Comment.objects.count() == before + 1


def test_comment_on_a_missing_node_is_406(client, data):
    before = Comment.objects.count()
    payload = {"comment": {"nid": 999999, "subject": "Hi"}}
    for suffix in ("json", "xml"):
        response = send(client, "POST", f"/api/comment.{suffix}", payload, data.staff)
        assert response.status_code == 406
        assert response.reason_phrase == "Not Acceptable : Node nid: 999999 does not exist."
    assert body(send(client, "POST", "/api/comment.json", payload, data.staff)) == [
        "Node nid: 999999 does not exist."
    ]
    assert Comment.objects.count() == before
