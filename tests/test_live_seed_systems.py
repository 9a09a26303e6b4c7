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
    # The demo's own settings: the CiviCRM site key comes from the environment.
    env = live.server_env(database_url, redis_db=11, CIVICRM_SITE_KEY=SITE_KEY)
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
            accounts = data["accounts"]  # by_keyword: an object keyed by uid
            rows = accounts.values() if isinstance(accounts, dict) else accounts
            return data["status"], [a["name"] for a in rows]
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
        {"is_error": 1, "error_message": "Invalid API key."},
    )
    status, reason, headers, body = get({"key": "wrong"})
    assert (status, reason) == (401, "Unauthorized : Invalid site key.")
    assert ElementTree.fromstring(body).findtext("error_message") == "Invalid site key."
    status, _, _, body = get({"nickname": "x", "json": "1"})
    assert (
        status == 400 and json.loads(body)["error_message"] == "Unknown search field(s): nickname."
    )


def php_get(base, url):
    """PHP's ``file_get_contents($url)`` / a curl GET: no Accept of consequence, no body."""
    return live.call(base, "GET", url, None, {"User-Agent": "PHP", "Accept": "*/*"})


def test_civicrm_documented_commands(server):
    base, api_key = server
    keys = {"key": SITE_KEY, "api_key": api_key, "json": "1"}

    # A GET URL command that writes, through Drupal's ?q= and CiviCRM's rest.php.
    query = urlencode(
        {
            "q": "civicrm/contact/create",
            **keys,
            "contact_type": "Individual",
            "first_name": "Grace",
            "last_name": "Hopper",
        }
    )
    status, _, headers, body = php_get(base, f"/?{query}")
    assert status == 200 and headers["Content-Type"].startswith("application/json"), body
    grace = json.loads(body)["contact_id"]
    query = urlencode({"q": "civicrm/contact/get", **keys, "contact_id": grace})
    status, _, _, body = php_get(base, f"/sites/all/modules/civicrm/extern/rest.php?{query}")
    assert status == 200 and json.loads(body)["values"][0]["display_name"] == "Grace Hopper"

    # curl -X POST with every field in the query string: no body, no Content-Type.
    query = urlencode(
        {
            **keys,
            "contact_type": "Individual",
            "contact_id": grace,
            "email[1][email]": "grace@example.org",
            "email[1][location_type_id]": "1",
        }
    )
    status, _, _, body = live.call(
        base, "POST", f"/civicrm/contact/create?{query}", None, {"Accept": "*/*"}
    )
    assert status == 200, body
    status, _, _, body = php_get(
        base, f"/civicrm/contact/get?{urlencode({**keys, 'contact_id': grace})}"
    )
    assert json.loads(body)["values"][0]["email"] == "grace@example.org"

    # Groups: create (active), get, add the contact, list its groups, remove it.
    query = urlencode({**keys, "title": "Pioneers", "is_active": "1"})
    status, _, _, body = live.call(base, "POST", f"/civicrm/group/create?{query}", None, {})
    assert status == 200, body
    group_id = json.loads(body)["id"]
    status, _, _, body = php_get(base, f"/civicrm/group/get?{urlencode(keys)}")
    assert [g["title"] for g in json.loads(body)["values"]] == ["Pioneers"]
    query = urlencode({**keys, "group_id": group_id, "contact_id": grace})
    status, _, _, body = php_get(base, f"/civicrm/group_contact/add?{query}")
    assert json.loads(body) == {"is_error": 0, "not_added": 0, "added": 1, "total_count": 1}
    status, _, _, body = php_get(
        base, f"/civicrm/group_contact/get?{urlencode({**keys, 'contact_id': grace})}"
    )
    assert [g["title"] for g in json.loads(body)["values"]] == ["Pioneers"]
    status, _, _, body = php_get(base, f"/civicrm/group_contact/remove?{query}")
    assert json.loads(body)["removed"] == 1

    # civicrm/login: name + pass + site key give an API key that works (XML by default).
    query = urlencode({"q": "civicrm/login", "name": "bob", "pass": "demo", "key": SITE_KEY})
    status, _, headers, body = php_get(base, f"/sites/all/modules/civicrm/extern/rest.php?{query}")
    # Accept: */* negotiates XML as Services does (text/xml wins the tie).
    assert status == 200 and headers["Content-Type"].startswith("text/xml"), body
    root = ElementTree.fromstring(body)
    assert root.findtext("is_error") == "0"
    bobs_key = root.findtext("api_key")
    query = urlencode({"key": SITE_KEY, "api_key": bobs_key, "last_name": "Rossi"})
    status, _, _, body = php_get(base, f"/civicrm/contact/get?{query}")
    assert status == 200 and ElementTree.fromstring(body).findtext("count") == "1"

    # Errors raised before a command runs have CiviCRM's shape, in the requested format.
    for params, message in (
        ({"key": "wrong", "api_key": api_key}, "Invalid site key."),
        ({"key": SITE_KEY, "api_key": "wrong"}, "Invalid API key."),
    ):
        status, reason, _, body = php_get(base, f"/civicrm/contact/get?{urlencode(params)}")
        assert (status, reason) == (401, f"Unauthorized : {message}")
        root = ElementTree.fromstring(body)
        assert (root.findtext("is_error"), root.findtext("error_message")) == ("1", message)
        status, _, _, body = php_get(
            base, f"/civicrm/contact/get?{urlencode({**params, 'json': 1})}"
        )
        assert json.loads(body) == {"is_error": 1, "error_message": message}
    status, _, _, body = php_get(base, f"/civicrm/nothing/get?{urlencode(keys)}")
    assert status == 404
    assert json.loads(body) == {"is_error": 1, "error_message": "Could not find resource nothing."}
