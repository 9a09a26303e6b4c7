"""The Warmshowers Android app (wsandroid 3.1.9) against the demo through a real gunicorn.

Every call of its Retrofit interfaces (``WarmshowersWebservice``,
``WarmshowersAccountWebservice``) is sent as OkHttp sends it: ``User-Agent: WarmshowersApp``,
``Accept: application/json`` and the app's own ``Authorization: Basic`` API credential on every
request (``DefaultInterceptor``), the session cookie as OkHttp's ``Cookie.toString()``
(``SESS...=...; domain=127.0.0.1; path=/``) and ``X-CSRF-Token`` on POSTs
(``HeaderInterceptor``), ``@FormUrlEncoded`` bodies percent-encoded by ``FormBody`` with Java's
``String.valueOf`` numbers, and ``message/get`` with no body and no Content-Type. Every reply is
read with the app's Gson models (``tests/gson.py``): a field Gson cannot read fails the test.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

from tests import gson, live

pytestmark = pytest.mark.live

APP_CREDENTIAL = "Basic " + base64.b64encode(b"wsandroid:app-api-key").decode()
ADMIN = ("admin", "admin-pass")  # tests/live.py's DEMO_ADMIN_PASSWORD
SEARCH_USER_DEFAULT_LIMIT = 800  # WarmshowersAccountWebservice


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live-wsandroid")
    database_url = live.live_database_url(tmp)
    env = live.server_env(database_url, redis_db=14)
    live.manage(env, "migrate", "--noinput")
    live.manage(env, "seed_demo", "--articles", "5")
    try:
        with live.gunicorn(env) as url:
            yield url
    finally:
        live.drop_live_database(database_url)


def form(fields: list[tuple[str, object]]) -> bytes:
    """OkHttp's ``FormBody``: names and values percent-encoded (brackets too, space as %20)."""
    return "&".join(f"{quote(k, safe='')}={quote(str(v), safe='')}" for k, v in fields).encode()


class App:
    """The app's OkHttp client: the interceptors' headers, then Gson on the body."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookie: str | None = None
        self.csrf: str | None = None

    def send(self, method: str, path: str, fields=None, *, expect: int = 200):
        headers = {
            "User-Agent": "WarmshowersApp",
            "Accept": "application/json",
            "Authorization": APP_CREDENTIAL,
            "Accept-Encoding": "gzip",
            "Connection": "Keep-Alive",
        }
        if self.cookie:
            headers["Cookie"] = self.cookie
        if method == "POST" and self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        body = None
        if fields is not None:
            body = form(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, reason, response_headers, raw = live.call(
            self.base, method, "/" + path, body, headers
        )
        assert status == expect, (path, status, reason, raw[:300])
        if status == 200:
            assert response_headers["Content-Type"].startswith("application/json"), path
        return json.loads(raw) if raw else None

    def login(self, username: str, password: str) -> dict:
        # WarmshowersWebservice.login: no session yet.
        self.cookie = self.csrf = None
        data = gson.read(
            self.send(
                "POST", "services/rest/user/login", [("username", username), ("password", password)]
            ),
            gson.LOGIN_RESPONSE,
        )
        # HeaderInterceptor.setSessionCookie: okhttp3.Cookie(name, value, domain).toString()
        self.cookie = f"{data['session_name']}={data['sessid']}; domain=127.0.0.1; path=/"
        self.csrf = data["token"]
        return data["user"]


@pytest.fixture
def app(base):
    return App(base)


def test_login_and_profiles_of_members_with_and_without_a_host_profile(app):
    user = app.login("alice", "demo")
    assert user["name"] == "alice" and isinstance(user["uid"], int)
    assert isinstance(user["latitude"], float) and isinstance(user["maxcyclists"], int)
    assert user["homephone"] and user["preferred_notice"] in ("One day", "Two days", "A week")
    assert "workphone" in user and user["profile_image_profile_picture"] == ""
    alice_uid = user["uid"]

    # admin has no host profile: its numbers are null, which Gson leaves at 0.
    admin = App(app.base).login(*ADMIN)
    assert admin["name"] == "admin" and admin["latitude"] is None
    assert admin["maxcyclists"] is None and admin["fullname"] == ""

    # fetchUser: GET services/rest/user/{userId}
    fetched = gson.read(app.send("GET", f"services/rest/user/{admin['uid']}"), gson.API_USER)
    assert fetched["uid"] == admin["uid"] and fetched["longitude"] is None
    fetched = gson.read(app.send("GET", f"services/rest/user/{alice_uid}"), gson.API_USER)
    assert (fetched["city"], fetched["country"]) == ("Berlin", "de")
    assert fetched["created"] is not None and isinstance(fetched["bed"], bool)


def test_search_by_location_and_keyword(app):
    app.login("bob", "demo")
    # searchUsersByLocation: doubles as String.valueOf prints them, the app's limit of 800.
    fields = [
        ("minlat", gson.java_double(52.0)),
        ("minlon", gson.java_double(12.5)),
        ("maxlat", gson.java_double(53.0)),
        ("maxlon", gson.java_double(14.0)),
        ("centerlat", gson.java_double(52.52)),
        ("centerlon", gson.java_double(13.4)),
        ("limit", SEARCH_USER_DEFAULT_LIMIT),
    ]
    found = gson.read(
        app.send("POST", "services/rest/hosts/by_location", fields), gson.SEARCH_BY_LOCATION
    )
    assert [u["name"] for u in found["accounts"]] == ["alice", "judy", "bob"]
    assert found["status"] == {"delivered": 3, "totalresults": 3, "status": "complete"}
    alice = found["accounts"][0]
    assert alice["countryCode"] == "de" and isinstance(alice["distance"], float)
    assert isinstance(alice["latitude"], float) and alice["created"] is not None
    assert isinstance(alice["uid"], int) and alice["picture"] == 0

    # searchUsersByKeyword: accounts is Map<Integer, ApiUser>.
    fields = [("keyword", "berlin"), ("offset", 0), ("limit", SEARCH_USER_DEFAULT_LIMIT)]
    found = gson.read(
        app.send("POST", "services/rest/hosts/by_keyword", fields), gson.SEARCH_BY_KEYWORD
    )
    assert found["status"] == {"delivered": 2, "status": "complete"}
    assert sorted(u["name"] for u in found["accounts"].values()) == ["alice", "judy"]
    assert all(uid == user["uid"] for uid, user in found["accounts"].items())
    fields = [("keyword", "nobody-at-all"), ("offset", 0), ("limit", SEARCH_USER_DEFAULT_LIMIT)]
    empty = gson.read(
        app.send("POST", "services/rest/hosts/by_keyword", fields), gson.SEARCH_BY_KEYWORD
    )
    assert empty["accounts"] == {} and empty["status"]["delivered"] == 0


def test_messages(app, base):
    sender = App(base)
    sender_uid = sender.login("carol", "demo")["uid"]
    # createMessageThread
    sent = sender.send(
        "POST",
        "services/rest/message/send",
        [("recipients", "dave"), ("subject", "Staying over?"), ("body", "Hi Dave, may I stay?")],
    )
    assert gson.send_message_response(sent) is True

    dave_uid = app.login("dave", "demo")["uid"]
    # fetchMessageThreads: a POST without parameters, so no body and no Content-Type.
    threads = gson.read(app.send("POST", "services/rest/message/get"), gson.THREAD_LIST)
    (thread,) = threads
    assert thread["subject"] == "Staying over?" and thread["is_new"] == 1
    assert thread["count"] == 1
    assert thread["thread_started"] is not None and thread["last_updated"] is not None
    assert {p["uid"] for p in thread["participants"]} == {sender_uid, dave_uid}
    assert {p["fullname"] for p in thread["participants"]} == {"Carol Chevalier", "Dave Dubois"}

    # fetchMessageThread: the thread id comes from pmtid, authors are uids.
    shown = gson.read(
        app.send("POST", "services/rest/message/getThread", [("thread_id", thread["thread_id"])]),
        gson.THREAD_RESPONSE,
    )
    assert shown["pmtid"] == thread["thread_id"]
    assert [(m["author"], m["body"], m["is_new"]) for m in shown["messages"]] == [
        (sender_uid, "Hi Dave, may I stay?", True)
    ]

    # setMessageThreadReadStatus (a Completable: any 2xx), then sendMessage (reply).
    app.send(
        "POST",
        "services/rest/message/markThreadRead",
        [("thread_id", thread["thread_id"]), ("status", 0)],
    )
    replied = app.send(
        "POST",
        "services/rest/message/reply",
        [("thread_id", thread["thread_id"]), ("body", "Sure, welcome!")],
    )
    assert gson.send_message_response(replied) is True
    (thread,) = gson.read(app.send("POST", "services/rest/message/get"), gson.THREAD_LIST)
    assert thread["is_new"] == 0 and thread["count"] == 2
    shown = gson.read(
        sender.send(
            "POST", "services/rest/message/getThread", [("thread_id", thread["thread_id"])]
        ),
        gson.THREAD_RESPONSE,
    )
    assert [(m["author"], m["is_new"]) for m in shown["messages"]] == [
        (sender_uid, False),
        (dave_uid, True),
    ]


def test_feedback_give_and_read(app, base):
    recipient = App(base)
    recipient_uid = recipient.login("frank", "demo")["uid"]
    author_uid = app.login("erin", "demo")["uid"]
    # giveFeedback: the node resource with the app's bracketed field names.
    fields = [
        ("node[type]", "trust_referral"),
        ("node[field_member_i_trust][0][uid][uid]", "frank"),
        ("node[body]", "Frank was a wonderful host, we had a great time in Vancouver together."),
        ("node[field_guest_or_host][value]", "Met Traveling"),
        ("node[field_rating][value]", "Positive"),
        ("node[field_hosting_date][0][value][year]", 2025),
        ("node[field_hosting_date][0][value][month]", 7),
    ]
    posted = gson.read(app.send("POST", "services/rest/node", fields), gson.POST_FEEDBACK_RESPONSE)
    assert isinstance(posted["nid"], int) and posted["uri"].endswith(f"/node/{posted['nid']}")

    # fetchFeedbackForRecipient: GET user/{userId}/json_recommendations (outside services/rest).
    feedback = gson.feedback_response(app.send("GET", f"user/{recipient_uid}/json_recommendations"))
    assert len(feedback) == 1
    (item,) = feedback
    assert (item["nid"], item["uid"], item["uid_1"]) == (posted["nid"], author_uid, recipient_uid)
    assert (item["field_guest_or_host"], item["field_rating"]) == ("Met Traveling", "Positive")
    assert (item["field_hosting_date"].year, item["field_hosting_date"].month) == (2025, 7)
    assert item["name"] == "erin" and item["fullname"] == "Erin Evans"
    assert gson.feedback_response(app.send("GET", f"user/{author_uid}/json_recommendations")) == []

    # GET /user/<uid>/json (warmshowers-rest-api.txt): {"users": [{"user": {...}}]}
    users = app.send("GET", f"user/{recipient_uid}/json")["users"]
    assert gson.read(users[0]["user"], gson.API_USER)["name"] == "frank"
    assert app.send("GET", "user/99999/json") == {"users": []}


def test_stale_session_and_csrf_recovery(app):
    app.login("grace", "demo")
    good_cookie, good_token = app.cookie, app.csrf

    # ResponseInterceptor: a 403 whose body starts with "Access denied for user anonymous"
    # makes the app log in again; the cookie it sent still names the session.
    app.cookie = good_cookie.replace("=", "=stale", 1)
    for method, path in (
        ("POST", "services/rest/message/get"),
        ("GET", "services/rest/user/1"),
        ("GET", "user/1/json_recommendations"),
    ):
        body = app.send(method, path, expect=403)
        assert body == ["Access denied for user anonymous"]

    # A 401 "CSRF validation failed" makes it fetch a new token (renewCsrfToken) and retry.
    app.cookie, app.csrf = good_cookie, "not-the-token"
    assert app.send("POST", "services/rest/message/get", expect=401) == ["CSRF validation failed"]
    status, _, headers, token = live.call(
        app.base,
        "GET",
        "/services/session/token",
        None,
        {"User-Agent": "WarmshowersApp", "Accept": "application/json", "Cookie": good_cookie},
    )
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert token.decode() == good_token
    app.csrf = token.decode()
    assert isinstance(
        gson.read(app.send("POST", "services/rest/message/get"), gson.THREAD_LIST), list
    )
