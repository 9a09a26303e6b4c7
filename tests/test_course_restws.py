"""The Course document (``course-web-service-responses.txt``) against the demo's ``course``
endpoint: an endpoint with an EMPTY path (resources at the site root), the restws response
style, plain query filters, HTTP Basic auth, references with ``uuid``.

Every example of the document is reproduced below. Two deliberate deviations from the text:

* the document's first example queries ``nid=300`` but shows an enrollment of node 310 (a
  filter cannot return that): we query the node the enrollment is in (``nid=310``);
* the document's user creation and ``course_credit_awarded`` deletion are shown on those
  resources and on ``course_enrollment`` too (same shapes: 201 ``{uri, id, resource, uuid}``
  + ``Location``; 200 with an empty body).
"""

from __future__ import annotations

import base64
import uuid

import orjson
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from project.demo.models import Article, CreditAwarded, Enrollment

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
USER_UUID = "ba5bc8af-25d7-48de-bb54-87ae70ac33b5"
NODE_UUID = "9aabcf09-58c3-4679-85b3-c5f7ddc93ac6"
PASSWORD = "webservice_password"


def auth(name="restws_webservice", password=PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{name}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def body(response):
    return orjson.loads(response.content) if response.content else None


@pytest.fixture
def course(db):
    """The document's rows: user 200, course node 310, enrollment 185; plus 69 others."""
    User = get_user_model()
    service = User.objects.create_user("restws_webservice", "ws@example.com", PASSWORD)
    service.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="demo",
            codename__in=[
                "view_enrollment",
                "add_enrollment",
                "change_enrollment",
                "delete_enrollment",
                "view_article",
                "change_article",
                "delete_creditawarded",
                "view_creditawarded",
            ],
        )
    )
    student = User.objects.create_user("student200", "s200@example.com", "x", pk=200)
    student.demo_profile.uuid = uuid.UUID(USER_UUID)
    student.demo_profile.save()
    node = Article.objects.create(
        pk=310, uuid=uuid.UUID(NODE_UUID), title="Course 310", author=service
    )
    Article.objects.create(pk=400, title="Course 400", author=service)
    Article.objects.create(pk=25, title="Course 25", author=service)
    Enrollment.objects.create(
        eid=185, nid=node, uid=student, status=1, created=1459800985, timestamp=1459800985
    )
    # 69 more enrollments (70 in all): 4 pages of the endpoint's default 20.
    others = [
        User.objects.create_user(f"learner{i}", f"l{i}@example.com", "x", pk=1000 + i)
        for i in range(10)
    ]
    courses = [Article.objects.create(pk=500 + i, title=f"C{i}", author=service) for i in range(7)]
    Enrollment.objects.bulk_create(
        [
            Enrollment(eid=1000 + 10 * c + u, nid=courses[c], uid=others[u])
            for c in range(7)
            for u in range(10)
            if (c, u) != (6, 9)
        ]
    )
    assert Enrollment.objects.count() == 70
    return service


# -- Read (GET) -------------------------------------------------------------------------------


def test_response_with_values(client, course):
    response = client.get("/course_enrollment.json?uid=200&nid=310", **auth())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert body(response) == {
        "self": f"{BASE}/course_enrollment?uid=200&nid=310",
        "first": f"{BASE}/course_enrollment?uid=200&nid=310&page=0",
        "last": f"{BASE}/course_enrollment?uid=200&nid=310&page=0",
        "list": [
            {
                "eid": 185,
                "nid": {
                    "uri": f"{BASE}/node/310",
                    "id": 310,
                    "resource": "node",
                    "uuid": NODE_UUID,
                },
                "uid": {
                    "uri": f"{BASE}/user/200",
                    "id": 200,
                    "resource": "user",
                    "uuid": USER_UUID,
                },
                "enrollmenttype": "",
                "status": 1,
                "created": 1459800985,
                "timestamp": 1459800985,
                "enroll_end": 0,
                "code": "",
                "user_type": "",
                "data": None,
                "feed_nid": None,
            }
        ],
    }
    assert list(body(response)) == ["self", "first", "last", "list"]


def test_response_without_values(client, course):
    response = client.get("/course_enrollment.json?uid=200&nid=400", **auth())
    assert response.status_code == 200
    assert body(response) == {
        "self": f"{BASE}/course_enrollment?uid=200&nid=400",
        "first": f"{BASE}/course_enrollment?uid=200&nid=400&page=0",
        "last": f"{BASE}/course_enrollment?uid=200&nid=400&page=0",
        "list": [],
    }


def test_initial_response_with_multiple_pages(client, course):
    data = body(client.get("/course_enrollment.json", **auth()))
    assert {k: v for k, v in data.items() if k != "list"} == {
        "self": f"{BASE}/course_enrollment",
        "first": f"{BASE}/course_enrollment?page=0",
        "last": f"{BASE}/course_enrollment?page=3",
        "next": f"{BASE}/course_enrollment?page=1",
    }
    assert len(data["list"]) == 20
    assert data["list"][0]["eid"] == 185


def test_view_page_response(client, course):
    data = body(client.get("/course_enrollment.json?page=1", **auth()))
    assert list(data) == ["self", "first", "last", "prev", "next", "list"]
    assert {k: v for k, v in data.items() if k != "list"} == {
        "self": f"{BASE}/course_enrollment?page=1",
        "first": f"{BASE}/course_enrollment?page=0",
        "last": f"{BASE}/course_enrollment?page=3",
        "prev": f"{BASE}/course_enrollment?page=0",
        "next": f"{BASE}/course_enrollment?page=2",
    }
    assert len(data["list"]) == 20
    last = body(client.get("/course_enrollment.json?page=3", **auth()))
    assert "next" not in last and len(last["list"]) == 10


def test_following_next_walks_every_row(client, course):
    url, seen = "/course_enrollment.json", []
    while url:
        data = body(client.get(url, **auth()))
        seen += [row["eid"] for row in data["list"]]
        url = data.get("next", "").removeprefix(BASE)
        if url:
            url = url.replace("/course_enrollment?", "/course_enrollment.json?")
    assert sorted(seen) == sorted(Enrollment.objects.values_list("eid", flat=True))


def test_xml_and_no_suffix(client, course):
    response = client.get("/course_enrollment.xml?uid=200&nid=400", **auth())
    assert response["Content-Type"].startswith("application/xml")
    assert b"<self>http://testserver/course_enrollment?uid=200&amp;nid=400</self>" in (
        response.content
    )
    assert body(client.get("/course_enrollment?uid=200&nid=310", **auth()))["list"][0]["eid"] == (
        185
    )


def test_retrieve_as_usual(client, course):
    response = client.get("/course_enrollment/185.json", **auth())
    assert response.status_code == 200
    row = body(response)
    assert row["eid"] == 185 and row["nid"]["resource"] == "node"
    assert response["ETag"].startswith('W/"')


# -- Create (POST) ----------------------------------------------------------------------------


def test_create_answers_201_with_uri_id_resource_uuid(client, course):
    response = client.post(
        "/course_enrollment.json",
        orjson.dumps({"uid": 200, "nid": 400}),
        content_type="application/json",
        **auth(),
    )
    assert response.status_code == 201, response.content
    created = Enrollment.objects.get(uid_id=200, nid_id=400)
    assert body(response) == {
        "uri": f"{BASE}/course_enrollment/{created.eid}",
        "id": created.eid,
        "resource": "course_enrollment",
        "uuid": str(created.uuid),
    }
    assert response["Location"] == f"{BASE}/course_enrollment/{created.eid}"


def test_create_accepts_reference_objects(client, course):
    payload = {"uid": {"id": 200, "resource": "user"}, "nid": {"id": 25, "resource": "node"}}
    response = client.post(
        "/course_enrollment", orjson.dumps(payload), content_type="application/json", **auth()
    )
    assert response.status_code == 201, response.content
    assert Enrollment.objects.filter(uid_id=200, nid_id=25).exists()


# -- Update (PUT) -----------------------------------------------------------------------------


def test_update_course_title_answers_200_with_empty_body(client, course):
    """The document's PHP example: PUT /node/25 with {"title": ...}, Basic auth."""
    response = client.put(
        "/node/25",
        orjson.dumps({"title": "My Title Update"}),
        content_type="application/json",
        **auth(),
    )
    assert response.status_code == 200
    assert response.content == b""
    assert body(response) is None  # json_decode('') -> empty($response)
    assert Article.objects.get(pk=25).title == "My Title Update"


def test_update_enrollment_answers_empty(client, course):
    response = client.put(
        "/course_enrollment/185.json",
        orjson.dumps({"status": 0}),
        content_type="application/json",
        **auth(),
    )
    assert (response.status_code, response.content) == (200, b"")
    assert Enrollment.objects.get(eid=185).status == 0


# -- Delete (DELETE) --------------------------------------------------------------------------


def test_delete_answers_200_with_empty_body(client, course):
    Enrollment.objects.filter(eid=1000).update(eid=214)
    response = client.delete("/course_enrollment/214", content_type="application/json", **auth())
    assert (response.status_code, response.content) == (200, b"")
    assert not Enrollment.objects.filter(eid=214).exists()


# -- Basic auth -------------------------------------------------------------------------------


def test_wrong_password_is_401_with_challenge(client, course):
    response = client.get("/course_enrollment.json", **auth(password="wrong"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic realm=")
    response = client.put(
        "/node/25", b'{"title": "x"}', content_type="application/json", **auth(password="nope")
    )
    assert response.status_code == 401
    assert Article.objects.get(pk=25).title == "Course 25"


def test_anonymous_is_challenged(client, course):
    response = client.get("/course_enrollment.json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic realm=")


# -- the empty path never shadows the host's URLs --------------------------------------------


def test_site_urls_keep_working_with_an_empty_path_endpoint(client, course):
    assert client.get("/").status_code == 200
    assert b"django-services-api demo" in client.get("/").content
    admin = client.get("/admin/")
    assert admin.status_code == 302 and "/admin/login/" in admin["Location"]
    token = client.get("/services/session/token")
    assert token.status_code == 200 and token["Content-Type"].startswith("text/plain")
    api = client.get("/api/entity_article/310.json")
    assert api.status_code == 200 and body(api)["title"] == "Course 310"
    assert client.get("/?q=api/entity_article/310.json").status_code == 200
    # Unknown root paths are the course endpoint's 404s, as Drupal answers them.
    missing = client.get("/no-such-thing")
    assert missing.status_code == 404
    assert missing.reason_phrase == "Not found : Could not find resource no-such-thing."


def test_query_counts(client, course, django_assert_max_num_queries):
    client.get("/course_enrollment.json", **auth())  # warm caches
    # auth (user + permissions) + rows + COUNT
    with django_assert_max_num_queries(6):
        response = client.get("/course_enrollment.json?pagesize=50", **auth())
    assert len(body(response)["list"]) == 50


# -- The document's other calls ----------------------------------------------------------------


def test_delete_course_credit_awarded(client, course):
    """``DELETE /course_credit_awarded/214`` as the document's PHP curl sends it."""
    CreditAwarded.objects.create(cid=214, nid_id=310, uid_id=200, value=2.0)
    response = client.delete(
        "/course_credit_awarded/214", content_type="application/json", **auth()
    )
    assert (response.status_code, response.content) == (200, b"")
    assert body(response) is None
    assert not CreditAwarded.objects.filter(cid=214).exists()
    assert client.delete("/course_credit_awarded/214", **auth()).status_code == 404


def test_create_user_answers_201_with_uri_id_resource_uuid(client, course):
    """A user creation (the document's create example) by an administrator."""
    admin = get_user_model().objects.create_superuser("siteadmin", "a@example.com", "pw")
    payload = {"name": "newlearner", "mail": "new@example.com", "pass": "secret-pass"}
    response = client.post(
        "/user",
        orjson.dumps(payload),
        content_type="application/json",
        HTTP_ACCEPT="*/*",
        **auth(admin.username, "pw"),
    )
    assert response.status_code == 201, response.content
    assert response["Content-Type"].startswith("application/json")
    user = get_user_model().objects.get(username="newlearner")
    assert body(response) == {
        "uri": f"{BASE}/user/{user.pk}",
        "id": user.pk,
        "resource": "user",
        "uuid": str(user.demo_profile.uuid),
    }
    assert response["Location"] == f"{BASE}/user/{user.pk}"
    assert user.check_password("secret-pass")
    # The web service account may not create users.
    response = client.post(
        "/user", orjson.dumps({**payload, "name": "x"}), content_type="application/json", **auth()
    )
    assert response.status_code == 403


def test_post_answers_in_the_format_of_its_content_type(client, course):
    """PHP curl's default ``Accept: */*`` does not decide: the JSON body gets a JSON answer
    (``json_decode`` works), as RESTWS does; an explicit Accept still wins."""
    for accept in ("*/*", None):
        extra = {"HTTP_ACCEPT": accept} if accept else {}
        response = client.post(
            "/course_enrollment",
            orjson.dumps({"uid": 200, "nid": 400 if accept else 25}),
            content_type="application/json",
            **extra,
            **auth(),
        )
        assert response.status_code == 201, response.content
        assert response["Content-Type"].startswith("application/json")
        assert body(response)["resource"] == "course_enrollment"
    response = client.post(
        "/course_enrollment",
        orjson.dumps({"uid": 1000, "nid": 310}),
        content_type="application/json",
        HTTP_ACCEPT="application/xml",
        **auth(),
    )
    assert response.status_code == 201
    assert response["Content-Type"].startswith("application/xml")
    # GETs keep Services' negotiation (*/* is XML).
    response = client.get("/course_enrollment/185", HTTP_ACCEPT="*/*", **auth())
    assert response["Content-Type"].startswith(("application/xml", "text/xml"))


def test_limit_is_the_page_size(client, course):
    data = body(client.get("/course_enrollment.json?limit=5&page=1", **auth()))
    assert len(data["list"]) == 5
    assert [row["eid"] for row in data["list"]] == [1004, 1005, 1006, 1007, 1008]
    assert data["next"] == f"{BASE}/course_enrollment?limit=5&page=2"
    assert data["last"] == f"{BASE}/course_enrollment?limit=5&page=13"
    assert len(body(client.get("/course_enrollment.json?limit=500", **auth()))["list"]) <= 100
