"""The Warmshowers mobile API on the demo endpoint ``services/rest`` (warmshowers-rest-api.txt):
hosts search, private messages and the profile fields, through the Django test client."""

import io
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from project.demo.endpoints import apply_demo_endpoints
from project.demo.models import HostProfile, Message, MessageThread, ThreadParticipant
from project.demo.warmshowers import profile_fields
from services_api.models import Endpoint, EndpointResource

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
BOX = {
    "minlat": "40",
    "maxlat": "60",
    "minlon": "-10",
    "maxlon": "30",
    "centerlat": "52.5",
    "centerlon": "13.4",
}


def make_host(username, lat, lon, **fields):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw")
    fields.setdefault("fullname", username.title() + " Host")
    fields.setdefault("city", "Town")
    fields.setdefault("country", "de")
    HostProfile.objects.create(user=user, latitude=lat, longitude=lon, **fields)
    return user


@pytest.fixture(autouse=True)
def endpoints():
    apply_demo_endpoints(Endpoint, EndpointResource)


@pytest.fixture
def hosts():
    """Hosts at known distances north of the centre (52.5, 13.4), one outside the box."""
    return {
        "near": make_host("near", 52.51, 13.4, city="Berlin", fullname="Nina Near"),
        "mid": make_host("mid", 52.6, 13.4, city="Bernau", fullname="Max Mid"),
        "far": make_host("far", 53.5, 13.4, city="Neubrandenburg", fullname="Fritz Far"),
        "out": make_host("out", 10.0, 13.4, city="Lagos", fullname="Olu Outside"),
    }


class Member:
    """A signed-in member: session cookie plus the services token."""

    def __init__(self, client, user):
        self.client, self.user = client, user
        client.force_login(user)
        self.token = client.get("/services/session/token").content.decode()

    def post(self, path, data=None, accept=JSON, token=True):
        headers = {"HTTP_ACCEPT": accept} if accept else {}
        if token:
            headers["HTTP_X_CSRF_TOKEN"] = self.token
        return self.client.post(
            f"/services/rest/{path}", urlencode(data or {}), content_type=FORM, **headers
        )

    def json(self, path, data=None):
        response = self.post(path, data)
        assert response.status_code == 200, (response.status_code, response.content)
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return response.json()


@pytest.fixture
def alice(client, hosts):
    user = get_user_model().objects.create_user("alice", "alice@example.com", "pw")
    return Member(client, user)


# --------------------------------------------------------------------------------------------
# hosts/by_location


def test_by_location_orders_by_distance_with_total(alice):
    data = alice.json("hosts/by_location", BOX)
    assert data["status"] == {"delivered": 3, "totalresults": "3", "status": "complete"}
    names = [account["name"] for account in data["accounts"]]
    assert names == ["near", "mid", "far"]
    near = data["accounts"][0]
    user = alice.user.__class__.objects.get(username="near")
    assert near == {
        "uid": str(user.pk),
        "name": "near",
        "created": str(int(user.date_joined.timestamp())),
        "access": "0",  # never logged in
        "login": "0",
        "fullname": "Nina Near",
        "street": "",
        "city": "Berlin",
        "province": "",
        "postal_code": "",
        "countryCode": "de",  # the app's by_location model reads countryCode
        "latitude": "52.51",
        "longitude": "13.4",
        "notcurrentlyavailable": "0",
        "maxcyclists": "1",
        "source": "0",
        "picture": "0",
        "distance": near["distance"],
        "profile_image_profile_picture": "",
        "profile_image_mobile_profile_photo_std": "",
        "profile_image_mobile_photo_456": "",
        "profile_image_map_infoWindow": "",
    }
    distances = [float(account["distance"]) for account in data["accounts"]]
    assert distances[0] == pytest.approx(1.112, abs=0.01)  # 0.01 degree of latitude
    assert distances[2] == pytest.approx(111.195, abs=0.1)


def test_by_location_limit_and_offset_page_through(alice):
    first = alice.json("hosts/by_location", {**BOX, "limit": "2"})
    second = alice.json("hosts/by_location", {**BOX, "limit": "2", "offset": "2"})
    assert [a["name"] for a in first["accounts"]] == ["near", "mid"]
    assert [a["name"] for a in second["accounts"]] == ["far"]
    assert first["status"]["totalresults"] == second["status"]["totalresults"] == "3"
    assert (first["status"]["delivered"], second["status"]["delivered"]) == (2, 1)
    beyond = alice.json("hosts/by_location", {**BOX, "offset": "10"})
    assert beyond["accounts"] == [] and beyond["status"]["totalresults"] == "3"


def test_by_location_limit_is_capped(alice, monkeypatch):
    from project.demo import warmshowers

    assert warmshowers.MAX_LIMIT == 500
    for i in range(3):
        make_host(f"extra{i}", 52.7 + i / 100, 13.4)
    data = alice.json("hosts/by_location", {**BOX, "limit": "100000"})
    assert data["status"]["delivered"] == 6
    monkeypatch.setattr(warmshowers, "MAX_LIMIT", 2)
    data = alice.json("hosts/by_location", {**BOX, "limit": "100000"})
    assert data["status"]["delivered"] == 2 and data["status"]["totalresults"] == "6"


def test_by_location_runs_two_queries(alice):
    for i in range(10):
        make_host(f"many{i}", 50 + i / 10, 10 + i / 10)
    with CaptureQueriesContext(connection) as ctx:
        data = alice.json("hosts/by_location", BOX)
    assert data["status"]["delivered"] == 13
    host_queries = [q["sql"] for q in ctx.captured_queries if "demo_hostprofile" in q["sql"]]
    assert len(host_queries) == 2  # one for the page of rows, one for the total


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"minlat": "abc"}, 400, "Invalid value for argument minlat: expected a number."),
        ({"maxlon": "1e999"}, 400, "Invalid value for argument maxlon: expected a finite number."),
        ({"minlat": "-91"}, 400, "Invalid value for argument minlat: must be between -90 and 90."),
        ({"maxlat": "90.5"}, 400, "Invalid value for argument maxlat: must be between -90 and 90."),
        (
            {"centerlat": "100"},
            400,
            "Invalid value for argument centerlat: must be between -90 and 90.",
        ),
        (
            {"minlon": "-181"},
            400,
            "Invalid value for argument minlon: must be between -180 and 180.",
        ),
        (
            {"centerlon": "200"},
            400,
            "Invalid value for argument centerlon: must be between -180 and 180.",
        ),
        ({"minlat": "61"}, 400, "Invalid value for argument minlat: greater than maxlat."),
        ({"minlon": "31"}, 400, "Invalid value for argument minlon: greater than maxlon."),
        ({"limit": "0"}, 400, "Invalid value for argument limit: must be at least 1."),
        ({"limit": "ten"}, 400, "Invalid value for argument limit: expected an integer."),
        ({"offset": "-1"}, 400, "Invalid value for argument offset: must not be negative."),
        ({"offset": "1.5"}, 400, "Invalid value for argument offset: expected an integer."),
        ({"centerlon": None}, 401, "Missing required argument centerlon"),
        ({"minlat": None}, 401, "Missing required argument minlat"),
    ],
)
def test_by_location_validation(alice, change, status, message):
    data = {k: v for k, v in {**BOX, **change}.items() if v is not None}
    response = alice.post("hosts/by_location", data)
    assert response.status_code == status
    assert response.json() == [message]
    assert message in response.reason_phrase


def test_by_location_needs_a_signed_in_member(client, hosts):
    response = client.post(
        "/services/rest/hosts/by_location", urlencode(BOX), content_type=FORM, HTTP_ACCEPT=JSON
    )
    assert (response.status_code, response.json()) == (403, ["Access denied for user anonymous"])


def test_by_location_needs_the_csrf_token(alice):
    response = alice.post("hosts/by_location", BOX, token=False)
    assert (response.status_code, response.json()) == (401, ["CSRF validation failed"])


def test_xml_is_the_default_and_json_on_request(alice):
    response = alice.post("hosts/by_location", {**BOX, "limit": "1"}, accept=None)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response.content.startswith(
        b'<?xml version="1.0" encoding="utf-8"?>\n<result><status><delivered>1</delivered>'
        b"<totalresults>3</totalresults><status>complete</status></status>"
        b'<accounts is_array="true"><item><uid>'
    )
    response = alice.post("message/unreadCount", accept=None)
    assert response.content == b'<?xml version="1.0" encoding="utf-8"?>\n<result>0</result>\n'
    response = alice.post("message/unreadCount", accept=JSON)
    assert (response["Content-Type"], response.content) == (
        "application/json; charset=utf-8",
        b"[0]",
    )
    # Errors follow the same rule.
    response = alice.post("hosts/by_location", {**BOX, "limit": "0"}, accept=None)
    assert response.content == (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b"<result>Invalid value for argument limit: must be at least 1.</result>\n"
    )


# --------------------------------------------------------------------------------------------
# hosts/by_keyword


def keyword_names(data):
    """``accounts`` is an object keyed by uid (PHP's array keyed by uid)."""
    accounts = data["accounts"]
    assert isinstance(accounts, dict)
    assert all(key == account["uid"] for key, account in accounts.items())
    return [account["name"] for account in accounts.values()]


def test_by_keyword_searches_name_fullname_and_city(alice):
    assert keyword_names(alice.json("hosts/by_keyword", {"keyword": "ber"})) == [
        "mid",
        "near",
    ]  # Bernau, Berlin; ordered by username
    data = alice.json("hosts/by_keyword", {"keyword": "fritz"})
    assert keyword_names(data) == ["far"]
    (far,) = data["accounts"].values()
    assert "distance" not in far and far["country"] == "de"
    data = alice.json("hosts/by_keyword", {"keyword": "OUT"})
    assert keyword_names(data) == ["out"]
    assert alice.json("hosts/by_keyword", {"keyword": "nobody"}) == {
        "status": {"delivered": 0, "totalresults": "0", "status": "complete"},
        "accounts": {},
    }


def test_by_keyword_paging_and_total(alice):
    data = alice.json("hosts/by_keyword", {"keyword": "e", "limit": "2", "offset": "1"})
    everyone = alice.json("hosts/by_keyword", {"keyword": "e"})
    names = keyword_names(everyone)
    assert keyword_names(data) == names[1:3]
    assert data["status"] == {
        "delivered": 2,
        "totalresults": str(len(names)),
        "status": "complete",
    }


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"keyword": "   "}, 400, "Invalid value for argument keyword: must not be empty."),
        ({"keyword": ""}, 400, "Invalid value for argument keyword: must not be empty."),
        (
            {"keyword": "x", "limit": "-3"},
            400,
            "Invalid value for argument limit: must be at least 1.",
        ),
        (
            {"keyword": "x", "offset": "z"},
            400,
            "Invalid value for argument offset: expected an integer.",
        ),
        ({}, 401, "Missing required argument keyword"),
    ],
)
def test_by_keyword_validation(alice, data, status, message):
    response = alice.post("hosts/by_keyword", data)
    assert (response.status_code, response.json()) == (status, [message])


# --------------------------------------------------------------------------------------------
# message/*


@pytest.fixture
def bob(hosts):
    """The host Alice writes to (username "near")."""
    return hosts["near"]


def as_member(client, user):
    return Member(client, user)


def send(alice, recipients="near", subject="Hello", body="Can I stay?"):
    return alice.post("message/send", {"recipients": recipients, "subject": subject, "body": body})


def only_thread_id(member):
    threads = member.json("message/get")
    assert len(threads) == 1
    return threads[0]["thread_id"]


def test_send_then_the_recipient_reads_and_marks_the_thread(client, alice, bob):
    response = send(alice, recipients=" near , mid,near")
    assert (response.status_code, response.json()) == (200, [True])
    thread = MessageThread.objects.get()
    assert thread.subject == "Hello"
    assert sorted(thread.participants.values_list("user__username", "is_new")) == [
        ("alice", False),
        ("mid", True),
        ("near", True),
    ]
    assert alice.json("message/unreadCount") == [0]

    recipient = as_member(client, bob)
    assert recipient.json("message/unreadCount") == [1]
    (listed,) = recipient.json("message/get")
    assert listed["subject"] == "Hello" and listed["is_new"] == "1"
    assert listed["message_count"] == "1" and listed["last_updated"].isdigit()
    # The author first, then the recipients in the order given.
    assert [p["name"] for p in listed["participants"]] == ["alice", "near", "mid"]
    tid = listed["thread_id"]

    shown = recipient.json("message/getThread", {"thread_id": tid})
    assert shown["thread_id"] == tid and shown["subject"] == "Hello"
    assert shown["is_new"] == "1"  # reading does not mark read; markThreadRead does
    assert [m["body"] for m in shown["messages"]] == ["Can I stay?"]
    assert shown["pmtid"] == tid
    assert shown["messages"][0]["author"] == str(alice.user.pk)  # the uid, as privatemsg sends
    assert shown["messages"][0]["is_new"] == "1"
    assert shown["message_count"] == "1"

    assert recipient.json("message/markThreadRead", {"thread_id": tid}) == [True]
    assert recipient.json("message/unreadCount") == [0]
    shown = recipient.json("message/getThread", {"thread_id": tid})
    assert shown["is_new"] == "0" and shown["messages"][0]["is_new"] == "0"
    assert recipient.json("message/markThreadRead", {"thread_id": tid, "status": "1"}) == [True]
    assert recipient.json("message/unreadCount") == [1]
    assert recipient.json("message/markThreadRead", {"thread_id": tid, "status": "0"}) == [True]

    assert recipient.json("message/reply", {"thread_id": tid, "body": "Sure!"}) == [True]
    assert recipient.json("message/unreadCount") == [0]
    back = as_member(client, alice.user)
    assert back.json("message/unreadCount") == [1]
    shown = back.json("message/getThread", {"thread_id": tid})
    near = str(get_user_model().objects.get(username="near").pk)
    assert [(m["author"], m["body"], m["is_new"]) for m in shown["messages"]] == [
        (str(alice.user.pk), "Can I stay?", "0"),  # one's own message is never new
        (near, "Sure!", "1"),
    ]
    assert shown["message_count"] == "2"


def test_unknown_recipients_are_406_and_nothing_is_written(alice):
    response = send(alice, recipients="near,ghost,mid,phantom")
    assert response.status_code == 406
    assert response.reason_phrase == "Not Acceptable : Unknown recipients: ghost, phantom."
    assert response.json() == ["Unknown recipients: ghost, phantom."]
    get_user_model().objects.filter(username="mid").update(is_active=False)
    response = send(alice, recipients="mid")
    assert response.json() == ["Unknown recipients: mid."]
    assert (MessageThread.objects.count(), Message.objects.count()) == (0, 0)
    assert ThreadParticipant.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (
            {"recipients": " , ", "subject": "s", "body": "b"},
            406,
            "You must include at least one valid recipient.",
        ),
        (
            {"recipients": "near", "subject": " ", "body": "b"},
            406,
            "Invalid value for argument subject: must not be empty.",
        ),
        (
            {"recipients": "near", "subject": "s", "body": ""},
            406,
            "Invalid value for argument body: must not be empty.",
        ),
        ({"subject": "s", "body": "b"}, 401, "Missing required argument recipients"),
        ({"recipients": "near", "body": "b"}, 401, "Missing required argument subject"),
    ],
)
def test_send_validation_writes_nothing(alice, data, status, message):
    response = alice.post("message/send", data)
    assert (response.status_code, response.json()) == (status, [message])
    assert MessageThread.objects.count() == 0 and Message.objects.count() == 0


def test_only_participants_read_reply_or_mark(client, alice, bob):
    send(alice)
    tid = only_thread_id(alice)
    outsider = as_member(client, get_user_model().objects.get(username="far"))
    for path, data in [
        ("message/getThread", {"thread_id": tid}),
        ("message/reply", {"thread_id": tid, "body": "me too"}),
        ("message/markThreadRead", {"thread_id": tid}),
        ("message/getThread", {"thread_id": "9999"}),
    ]:
        response = outsider.post(path, data)
        thread = data["thread_id"]
        assert (response.status_code, response.json()) == (
            403,
            [f"Access denied to thread {thread}."],
        ), path
    assert outsider.json("message/get") == []
    assert outsider.json("message/unreadCount") == [0]
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    ("path", "data", "status", "message"),
    [
        (
            "message/getThread",
            {"thread_id": "abc"},
            400,
            "Invalid value for argument thread_id: expected an integer.",
        ),
        ("message/getThread", {}, 401, "Missing required argument thread_id"),
        ("message/reply", {"thread_id": "1"}, 401, "Missing required argument body"),
        (
            "message/reply",
            {"thread_id": "x", "body": "b"},
            400,
            "Invalid value for argument thread_id: expected an integer.",
        ),
        (
            "message/markThreadRead",
            {"thread_id": "1", "status": "2"},
            400,
            "Invalid value for argument status: expected 0 or 1.",
        ),
        (
            "message/markThreadRead",
            {"thread_id": "1", "status": "read"},
            400,
            "Invalid value for argument status: expected an integer.",
        ),
    ],
)
def test_message_argument_errors(alice, path, data, status, message):
    send(alice)
    response = alice.post(path, data)
    assert (response.status_code, response.json()) == (status, [message])
    assert Message.objects.count() == 1


def test_messages_need_a_signed_in_member(client, hosts):
    for action in ("send", "reply", "unreadCount", "get", "getThread", "markThreadRead"):
        response = client.post(f"/services/rest/message/{action}", "", content_type=FORM)
        assert response.status_code in (401, 403), action
    response = client.post("/services/rest/message/unreadCount", "", content_type=FORM)
    assert response.status_code == 403
    assert response.content == (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b"<result>Access denied for user anonymous</result>\n"
    )


def test_message_queries_do_not_grow_with_threads(alice, bob):
    for i in range(6):
        send(alice, recipients="near,mid,far", subject=f"Trip {i}")
    tid = alice.json("message/get")[-1]["thread_id"]  # the oldest thread
    for i in range(4):
        alice.json("message/reply", {"thread_id": tid, "body": f"more {i}"})
    with CaptureQueriesContext(connection) as ctx:
        threads = alice.json("message/get")
    assert len(threads) == 6 and all(len(t["participants"]) == 4 for t in threads)
    assert threads[0]["thread_id"] == tid  # the most recently active first
    assert len(pm_queries(ctx)) == 2  # threads (with counts) + participants
    with CaptureQueriesContext(connection) as ctx:
        shown = alice.json("message/getThread", {"thread_id": tid})
    assert len(shown["messages"]) == 5
    assert len(pm_queries(ctx)) == 3  # membership + participants + messages
    with CaptureQueriesContext(connection) as ctx:
        alice.json("message/unreadCount")
    assert len(pm_queries(ctx)) == 1
    with CaptureQueriesContext(connection) as ctx:
        assert send(alice, recipients="near,mid,far").status_code == 200
    assert len(pm_queries(ctx)) == 3  # thread + message + participants (one bulk insert)
    recipients = [q["sql"] for q in ctx.captured_queries if "IN (" in q["sql"]]
    assert len(recipients) == 1 and "auth_user" in recipients[0]  # one look-up for all names


def pm_queries(ctx):
    """Queries on the private message tables (the session and user loading aside)."""
    tables = ("demo_message", "demo_threadparticipant", "demo_messagethread")
    return [q["sql"] for q in ctx.captured_queries if any(t in q["sql"] for t in tables)]


# --------------------------------------------------------------------------------------------
# Profile fields (the user resource calls the hook)


def test_profile_fields_hook(rf, hosts):
    near = hosts["near"]
    request = rf.get("/")
    request.user = near
    fields = profile_fields(near, request)
    assert fields["fullname"] == "Nina Near" and fields["city"] == "Berlin"
    assert (fields["latitude"], fields["longitude"]) == ("52.51", "13.4")
    assert fields["notcurrentlyavailable"] == "0" and fields["maxcyclists"] == "1"
    plain = get_user_model().objects.create_user("plain")
    # No host profile: empty text, and null numbers (the app parses them as numbers).
    empty = profile_fields(plain, request)
    numbers = {"latitude", "longitude", "maxcyclists", "source"}
    assert {empty[key] for key in numbers} == {None}
    assert {value for key, value in empty.items() if key not in numbers} == {""}
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    public = profile_fields(near, request)
    assert public["city"] == "Berlin" and public["latitude"] is None and public["street"] == ""


def test_user_retrieve_carries_the_profile(alice):
    HostProfile.objects.create(
        user=alice.user,
        fullname="Alice A",
        city="Berlin",
        country="de",
        latitude=52.51,
        longitude=13.4,
    )
    response = alice.client.get(f"/services/rest/user/{alice.user.pk}", HTTP_ACCEPT=JSON)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["name"] == "alice"
    assert (data["fullname"], data["city"], data["country"]) == ("Alice A", "Berlin", "de")
    assert (data["latitude"], data["longitude"]) == ("52.51", "13.4")
    assert data["notcurrentlyavailable"] == "0"


def test_seed_demo_adds_host_profiles_and_contacts_once(client):
    from django.core.management import call_command

    from project.demo.models import Contact

    call_command("seed_demo", articles="0", stdout=io.StringIO())
    profiles = list(
        HostProfile.objects.order_by("user__username").values_list("user__username", "city")
    )
    assert len(profiles) == 10 and ("alice", "Berlin") in profiles
    assert Contact.objects.count() == 5
    call_command("seed_demo", articles="0", stdout=io.StringIO())
    assert HostProfile.objects.count() == 10 and Contact.objects.count() == 5
    member = Member(client, get_user_model().objects.get(username="alice"))
    data = member.json("hosts/by_location", {**BOX, "limit": "3"})
    assert [a["name"] for a in data["accounts"]] == ["alice", "judy", "bob"]


def test_accept_any_is_xml(alice):
    response = alice.post("message/unreadCount", accept="*/*")
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.endswith(b"<result>0</result>\n")
