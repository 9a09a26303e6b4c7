"""What jDrupal/DrupalGap (and the Warmshowers app) send, replayed through the test client
(spec §12.13, warmshowers-rest-api.txt): ``?q=`` URLs with ``.json``, ``Accept: */*`` on every
call, ``X-CSRF-Token`` on every call once known, form-encoded login, ``""`` bodies, node create
bare and update wrapped, and Warmshowers feedback through ``node``."""

from urllib.parse import urlencode

import orjson
import pytest

from project.demo.models import Article, Feedback
from tests.entity_helpers import PASSWORD, make_data, make_user

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
EDITOR_PERMS = ("view_article", "add_article", "change_article", "delete_article")


class JDrupal:
    """A client behaving as jDrupal 7.x-1.x does on the wire."""

    def __init__(self, client, endpoint="api"):
        self.client, self.endpoint, self.token = client, endpoint, None

    def headers(self) -> dict:
        headers = {"HTTP_ACCEPT": "*/*"}
        if self.token:
            headers["HTTP_X_CSRF_TOKEN"] = self.token
        return headers

    def url(self, path: str) -> str:
        return f"/?q={self.endpoint}/{path}"

    def call(self, method, path, payload=None, *, form=False):
        if form:
            content, content_type = urlencode(payload or {}), FORM
        else:
            content = b'""' if payload is None else orjson.dumps(payload)
            content_type = JSON
        response = self.client.generic(
            method, self.url(path), content, content_type=content_type, **self.headers()
        )
        return response

    def get(self, path):
        return self.client.get(self.url(path), **self.headers())

    def fetch_token(self):
        response = self.client.get("/?q=services/session/token", **self.headers())
        assert response.status_code == 200
        self.token = response.content.decode()
        return self.token


def ok(response):
    assert response.status_code == 200, (response.status_code, response.reason_phrase)
    assert "application/json" in response["Content-Type"]
    return orjson.loads(response.content)


def test_jdrupal_session_flow(client):
    data = make_data()
    editor = make_user("editor", perms=EDITOR_PERMS)
    app = JDrupal(client)
    # Anonymous: connect with a stale token header (ignored), read a published node.
    app.token = "stale-token-from-a-previous-run"
    connect = ok(app.call("POST", "system/connect.json"))
    assert connect["user"]["uid"] == 0
    assert ok(app.get(f"node/{data.articles[0].pk}.json"))["title"] == "Alpha river"
    # Login form-urlencoded, then refetch the token (the session id changed).
    login = ok(
        app.call("POST", "user/login.json", {"username": "editor", "password": PASSWORD}, form=True)
    )
    assert login["user"]["name"] == "editor"
    app.fetch_token()
    assert app.token == login["token"]
    # node_save: no nid -> create with a bare body.
    created = ok(
        app.call(
            "POST", "node.json", {"type": "article", "title": "From jDrupal", "language": "und"}
        )
    )
    nid = created["nid"]
    assert created == {"nid": nid, "uri": f"http://testserver/api/node/{nid}"}
    assert Article.objects.get(pk=nid).author == editor
    # node_save: nid set -> update with the wrapped node (as retrieved, plus changes).
    node = ok(app.get(f"node/{nid}.json"))
    node["title"] = "Edited in jDrupal"
    node["body"] = {"und": [{"value": "Body text", "format": "plain_text"}]}
    updated = ok(app.call("PUT", f"node/{nid}.json", {"node": node}))
    assert updated == created
    node = ok(app.get(f"node/{nid}.json"))
    assert (node["title"], node["body"], node["uid"]) == (
        "Edited in jDrupal",
        {"und": [{"value": "Body text", "format": "plain_text"}]},
        str(editor.pk),
    )
    assert node["path"] == f"http://testserver/node/{nid}"
    # Index as jDrupal calls it.
    rows = ok(
        app.get(
            "node.json&fields=nid,title&parameters[status]=1"
            "&options[orderby][created]=desc&page=0&pagesize=5"
        )
    )
    assert {"nid": nid, "title": "Edited in jDrupal", "uri": created["uri"]} in rows
    assert len(rows) == 4
    # Delete, then logout (needs the token).
    assert ok(app.call("DELETE", f"node/{nid}.json")) == [True]
    assert not Article.objects.filter(pk=nid).exists()
    missing = app.get(f"node/{nid}.json")
    assert missing.reason_phrase == f"Not found : Node {nid} could not be found"
    assert ok(app.call("POST", "user/logout.json")) == [True]
    # Logged out: writes are refused again.
    app.token = None
    assert app.call("POST", "node.json", {"type": "article", "title": "x"}).status_code in (
        401,
        403,
    )


def test_writes_need_the_csrf_token_with_a_session(client):
    make_data()
    make_user("editor", perms=EDITOR_PERMS)
    app = JDrupal(client)
    ok(app.call("POST", "user/login.json", {"username": "editor", "password": PASSWORD}, form=True))
    response = app.call("POST", "node.json", {"type": "article", "title": "No token"})
    assert response.status_code == 401
    assert response.reason_phrase == "Unauthorized : CSRF validation failed"
    # GETs with the session need none, and a wrong one on a GET is ignored.
    app.token = "wrong"
    assert app.get("node.json&fields=nid").status_code == 200
    app.fetch_token()
    assert app.call("POST", "node.json", {"type": "article", "title": "T"}).status_code == 200


def test_empty_string_body_on_create_is_no_data(client):
    make_data()
    make_user("editor", perms=EDITOR_PERMS)
    app = JDrupal(client)
    ok(app.call("POST", "user/login.json", {"username": "editor", "password": PASSWORD}, form=True))
    app.fetch_token()
    response = app.call("POST", "node.json")  # body: ""
    assert response.status_code == 406
    assert response.reason_phrase == "Not Acceptable : Node type is required"


# -- Warmshowers feedback through node on services/rest ---------------------------------------


FEEDBACK = {
    "node[type]": "trust_referral",
    "node[field_member_i_trust][0][uid][uid]": "host",
    "node[field_rating][value]": "Positive",
    "node[body]": "Great host, warm shower.",
    "node[field_guest_or_host][value]": "Guest",
    "node[field_hosting_date][0][value][year]": "2016",
    "node[field_hosting_date][0][value][month]": "4",
}


@pytest.fixture
def member(client):
    """A Warmshowers member logged in through ``/services/rest/user/login`` (form)."""
    guest = make_user("guest")
    make_user("host")
    response = client.post(
        "/services/rest/user/login",
        urlencode({"username": "guest", "password": PASSWORD}),
        content_type=FORM,
        HTTP_ACCEPT=JSON,
    )
    assert response.status_code == 200
    return guest, orjson.loads(response.content)["token"]


def post_feedback(client, token, fields, accept=JSON):
    headers = {"HTTP_X_CSRF_TOKEN": token} if token else {}
    if accept:
        headers["HTTP_ACCEPT"] = accept
    return client.post("/services/rest/node", urlencode(fields), content_type=FORM, **headers)


def test_feedback_created_through_node(client, member):
    guest, token = member
    response = post_feedback(client, token, FEEDBACK)
    assert response.status_code == 200, response.reason_phrase
    feedback = Feedback.objects.get()
    assert orjson.loads(response.content) == {
        "nid": str(feedback.pk),
        "uri": f"http://testserver/services/rest/node/{feedback.pk}",
    }
    assert feedback.author == guest
    assert feedback.recipient.username == "host"
    assert (feedback.rating, feedback.guest_or_host) == ("Positive", "Guest")
    assert feedback.body == "Great host, warm shower."
    assert feedback.hosting_date.isoformat() == "2016-04-01"
    assert not Article.objects.exists()


def test_feedback_xml_by_default(client, member):
    _, token = member
    response = post_feedback(client, token, FEEDBACK, accept=None)
    assert response.status_code == 200
    pk = Feedback.objects.get().pk
    assert (
        response.content
        == (
            f'<?xml version="1.0" encoding="utf-8"?>\n<result><nid>{pk}</nid>'
            f"<uri>http://testserver/services/rest/node/{pk}</uri></result>\n"
        ).encode()
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"node[field_member_i_trust][0][uid][uid]": "nobody"}, "field_member_i_trust"),
        ({"node[field_member_i_trust][0][uid][uid]": "guest"}, "field_member_i_trust"),
        ({"node[field_member_i_trust][0][uid][uid]": ""}, "field_member_i_trust"),
        ({"node[field_rating][value]": "Great"}, "field_rating"),
        ({"node[field_guest_or_host][value]": ""}, "field_guest_or_host"),
        ({"node[body]": " "}, "body"),
        ({"node[field_hosting_date][0][value][month]": "13"}, "field_hosting_date"),
    ],
)
def test_bad_feedback_is_a_406_form_error(client, member, change, field):
    _, token = member
    response = post_feedback(client, token, {**FEEDBACK, **change})
    assert response.status_code == 406
    errors = orjson.loads(response.content)["form_errors"]
    assert list(errors) == [field]
    assert response.reason_phrase == f"Not Acceptable : {errors[field]}"
    assert not Feedback.objects.exists()


def test_unknown_recipient_message_names_the_username(client, member):
    _, token = member
    response = post_feedback(
        client, token, {**FEEDBACK, "node[field_member_i_trust][0][uid][uid]": "nobody"}
    )
    assert orjson.loads(response.content) == {
        "form_errors": {"field_member_i_trust": "There is no member with the username nobody."}
    }


def test_feedback_needs_a_member_and_the_token(client, member):
    _, token = member
    assert post_feedback(client, None, FEEDBACK).status_code == 401  # CSRF
    client.logout()
    response = post_feedback(client, None, FEEDBACK)
    assert response.status_code == 403
    assert response.reason_phrase == ": Access denied for user anonymous"
    assert not Feedback.objects.exists()


def test_services_rest_node_is_create_only_and_articles_need_permission(client, member):
    _, token = member
    response = post_feedback(client, token, {"node[type]": "article", "node[title]": "x"})
    assert response.status_code == 403  # guest has no add_article permission
    assert client.get("/services/rest/node/1", HTTP_ACCEPT=JSON).status_code == 404
