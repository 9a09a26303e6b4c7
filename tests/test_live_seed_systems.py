"""The Warmshowers and CiviCRM flows end to end through a real gunicorn on 127.0.0.1, against
the seeded demo (``seed_demo --articles 30``: users alice…judy with password ``demo`` and host
profiles around Berlin, Paris, Portland, …)."""

import json
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest

from tests import live

pytestmark = pytest.mark.live

SITE_KEY = "live-civicrm-site-key"
FORM = "application/x-www-form-urlencoded"
CREATE_KEY = (
    "from django.contrib.auth import get_user_model; "
    "from services_api.auth.tokens import create_api_key; "
    "print(create_api_key(get_user_model().objects.get(username='alice'), 'live')[1])"
)
BERLIN = {
    "minlat": "52",
    "maxlat": "53",
    "minlon": "12.5",
    "maxlon": "14",
    "centerlat": "52.52",
    "centerlon": "13.40",
    "limit": "10",
    "offset": "0",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live-seed-systems")
    database_url = live.live_database_url(tmp)
    env = live.server_env(
        database_url, redis_db=11, DJANGO_SETTINGS_MODULE="tests.seed_systems_settings"
    )
    live.manage(env, "migrate", "--noinput")
    live.manage(env, "seed_demo", "--articles", "30")
    # The last line: Django's shell may print a banner about auto-imported objects first.
    api_key = live.manage(env, "shell", "-c", CREATE_KEY).strip().splitlines()[-1]
    try:
        with live.gunicorn(env) as base:
            yield base, api_key
    finally:
        live.drop_live_database(database_url)


class Client:
    """A mobile app: XML unless it sends ``Accept: application/json``, as the document says."""

    def __init__(self, base, fmt):
        self.base, self.fmt = base, fmt
        self.cookie = self.token = None

    def decode(self, body):
        if self.fmt == "json":
            return json.loads(body)
        return ElementTree.fromstring(body)

    def post(self, path, data=None, expect=200):
        headers = {"Content-Type": FORM}
        if self.fmt == "json":
            headers["Accept"] = "application/json"
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.token:
            headers["X-CSRF-Token"] = self.token
        status, reason, response_headers, body = live.call(
            self.base, "POST", f"/services/rest/{path}", urlencode(data or {}), headers
        )
        assert status == expect, (path, status, reason, body)
        wanted = "application/json" if self.fmt == "json" else "application/xml"
        assert response_headers["Content-Type"].startswith(wanted)
        return self.decode(body)

    def login(self, username):
        status, _, headers, token = live.call(self.base, "GET", "/services/session/token")
        assert status == 200 and headers["Content-Type"].startswith("text/plain") and token
        data = self.post("user/login", {"username": username, "password": "demo"})
        if self.fmt == "json":
            sessid, name, token = data["sessid"], data["session_name"], data["token"]
            assert data["user"]["name"] == username and data["user"]["city"]
        else:
            sessid, name = data.findtext("sessid"), data.findtext("session_name")
            token = data.findtext("token")
            assert data.find("user").findtext("name") == username
        self.cookie, self.token = f"{name}={sessid}", token

    def logout(self):
        assert self.scalar(self.post("user/logout")) in (True, "1")
        self.cookie = self.token = None

    def scalar(self, data):
        return data[0] if self.fmt == "json" else data.text

    def number(self, data):
        return int(self.scalar(data))

    def accounts(self, data):
        if self.fmt == "json":
            return data["status"], [a["name"] for a in data["accounts"]]
        status = {child.tag: child.text for child in data.find("status")}
        return status, [item.findtext("name") for item in data.find("accounts")]

    def threads(self, data):
        if self.fmt == "json":
            return [(t["thread_id"], t["subject"], t["is_new"]) for t in data]
        return [
            (t.findtext("thread_id"), t.findtext("subject"), t.findtext("is_new")) for t in data
        ]

    def bodies(self, data):
        if self.fmt == "json":
            return [m["body"] for m in data["messages"]]
        return [m.findtext("body") for m in data.find("messages")]


@pytest.mark.parametrize(
    ("fmt", "sender", "recipient"), [("json", "alice", "bob"), ("xml", "carol", "dave")]
)
def test_warmshowers_flow(server, fmt, sender, recipient):
    base, _ = server
    app = Client(base, fmt)
    app.login(sender)

    status, names = app.accounts(app.post("hosts/by_location", BERLIN))
    # alice and judy live in Berlin, bob in Potsdam: nearest first, with a total count.
    assert names == ["alice", "judy", "bob"]
    assert str(status["delivered"]) == "3" and status["totalresults"] == "3"
    status, names = app.accounts(app.post("hosts/by_location", {**BERLIN, "limit": "1"}))
    assert names == ["alice"] and status["totalresults"] == "3"
    status, names = app.accounts(app.post("hosts/by_keyword", {"keyword": "berlin"}))
    assert names == ["alice", "judy"]
    app.post("hosts/by_location", {**BERLIN, "minlat": "-95"}, expect=400)

    subject = f"Staying in {fmt}"
    sent = app.post("message/send", {"recipients": recipient, "subject": subject, "body": "Hi!"})
    assert app.scalar(sent) in (True, "1")
    app.post("message/send", {"recipients": "nobody-here", "subject": "x", "body": "y"}, 406)
    app.logout()

    app.login(recipient)
    assert app.number(app.post("message/unreadCount")) == 1
    threads = app.threads(app.post("message/get"))
    assert [(s, n) for _, s, n in threads] == [(subject, "1")]
    thread_id = threads[0][0]
    assert app.bodies(app.post("message/getThread", {"thread_id": thread_id})) == ["Hi!"]
    assert app.scalar(app.post("message/markThreadRead", {"thread_id": thread_id})) in (True, "1")
    assert app.number(app.post("message/unreadCount")) == 0
    app.post("message/reply", {"thread_id": thread_id, "body": "Welcome!"})
    app.logout()
    app.post("message/unreadCount", expect=403)


def test_civicrm_flow(server):
    base, api_key = server
    keys = {"key": SITE_KEY, "api_key": api_key}

    def get(params):
        return live.call(base, "GET", f"/civicrm/contact?{urlencode({**keys, **params})}")

    status, _, headers, body = get({"last_name": "Smith", "return[email]": "1"})
    assert status == 200 and headers["Content-Type"].startswith("application/xml"), body
    root = ElementTree.fromstring(body)
    assert root.findtext("count") == "2"
    emails = [item.findtext("email") for item in root.find("values")]
    assert emails == ["john.smith@example.org", "jane.smith@example.org"]

    status, _, headers, body = get({"email": "maria.rossi@example.org", "json": "1"})
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    (maria,) = json.loads(body)["values"]
    assert maria["display_name"] == "Maria Rossi"

    path = f"/civicrm/contact/create?{urlencode({**keys, 'json': 1})}"
    fields = {"contact_type": "Individual", "first_name": "Ada", "last_name": "Lovelace"}
    status, _, _, body = live.call(base, "POST", path, urlencode(fields), {"Content-Type": FORM})
    assert status == 200, body
    contact_id = json.loads(body)["contact_id"]
    update = {"contact_type": "Individual", "contact_id": contact_id, "email": "ada@example.org"}
    status, _, _, body = live.call(base, "POST", path, urlencode(update), {"Content-Type": FORM})
    assert status == 200 and json.loads(body)["contact_id"] == contact_id
    status, _, _, body = get({"contact_id": contact_id, "json": "1"})
    assert json.loads(body)["values"][0]["email"] == "ada@example.org"

    status, reason, headers, body = get({"api_key": "wrong", "json": "1"})
    assert (status, reason, json.loads(body)) == (
        401,
        "Unauthorized : Invalid API key.",
        ["Invalid API key."],
    )
    status, reason, headers, body = get({"key": "wrong"})
    assert (status, reason) == (401, "Unauthorized : Invalid site key.")
    assert ElementTree.fromstring(body).text == "Invalid site key."
    status, _, _, body = get({"nickname": "x", "json": "1"})
    assert (
        status == 400 and json.loads(body)["error_message"] == "Unknown search field(s): nickname."
    )
