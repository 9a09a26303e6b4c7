"""The CiviCRM 3.2-style keyed REST on the demo endpoint ``civicrm`` (civicrm-3.2-rest.txt):
contact search with plain query parameters, ``return[field]=1``, XML by default and JSON with
``json=1``, create and update through one command, site key + API key authentication."""

from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from project.demo.endpoints import apply_demo_endpoints
from project.demo.models import Contact
from services_api.auth.tokens import create_api_key
from services_api.models import Endpoint, EndpointResource

pytestmark = pytest.mark.django_db

SITE_KEY = "my-civicrm-site-key"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(autouse=True)
def setup(settings):
    settings.SERVICES_API = {**settings.SERVICES_API, "SITE_KEY": SITE_KEY}
    apply_demo_endpoints(Endpoint, EndpointResource)


@pytest.fixture
def api_key():
    user = get_user_model().objects.create_user("alice", "alice@example.com", "pw")
    return create_api_key(user, "civicrm test")[1]


@pytest.fixture
def contacts():
    rows = [
        ("Individual", "John", "Smith", "john@example.org", "London", "United Kingdom"),
        ("Individual", "Jane", "Smith", "jane@example.org", "Leeds", "United Kingdom"),
        ("Individual", "Maria", "Rossi", "maria@example.org", "Rome", "Italy"),
        ("Organization", "", "Friends", "info@example.org", "Philadelphia", "United States"),
    ]
    return [
        Contact.objects.create(
            contact_type=t, first_name=f, last_name=la, email=e, city=c, country=co
        )
        for t, f, la, e, c, co in rows
    ]


def search(client, api_key, params=(), site_key=SITE_KEY, path="/civicrm/contact"):
    query = [("key", site_key), ("api_key", api_key), *params]
    return client.get(f"{path}?{urlencode(query)}")


def xml(response):
    return ElementTree.fromstring(response.content)


def test_search_all_is_xml_by_default(client, api_key, contacts):
    response = search(client, api_key)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    root = xml(response)
    assert root.findtext("is_error") == "0" and root.findtext("count") == "4"
    items = root.find("values").findall("item")
    assert [item.findtext("last_name") for item in items] == ["Smith", "Smith", "Rossi", "Friends"]
    first = items[0]
    assert first.findtext("contact_id") == str(contacts[0].pk)
    assert first.findtext("sort_name") == "Smith, John"
    assert first.findtext("display_name") == "John Smith"
    assert first.findtext("email") == "john@example.org"


def test_search_json_with_json_1(client, api_key, contacts):
    response = search(client, api_key, [("last_name", "Smith"), ("json", "1")])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = response.json()
    assert (data["is_error"], data["count"]) == (0, 2)
    assert [v["first_name"] for v in data["values"]] == ["John", "Jane"]
    assert data["values"][0]["contact_id"] == str(contacts[0].pk)
    assert set(data["values"][0]) == {
        "contact_id",
        "contact_type",
        "first_name",
        "last_name",
        "email",
        "phone",
        "city",
        "country",
        "sort_name",
        "display_name",
        "created",
        "modified",
    }


def test_search_by_email_and_other_fields(client, api_key, contacts):
    data = search(client, api_key, [("email", "maria@example.org"), ("json", "1")]).json()
    assert [v["last_name"] for v in data["values"]] == ["Rossi"]
    data = search(client, api_key, [("country", "United Kingdom"), ("json", "1")]).json()
    assert data["count"] == 2
    data = search(
        client, api_key, [("contact_type", "Organization"), ("city", "Philadelphia"), ("json", "1")]
    ).json()
    assert [v["last_name"] for v in data["values"]] == ["Friends"]
    data = search(client, api_key, [("contact_id", str(contacts[2].pk)), ("json", "1")]).json()
    assert [v["first_name"] for v in data["values"]] == ["Maria"]
    data = search(client, api_key, [("last_name", "Nobody"), ("json", "1")]).json()
    assert data == {"is_error": 0, "count": 0, "values": []}


def test_return_selects_fields_and_contact_id_is_always_returned(client, api_key, contacts):
    params = [("last_name", "Smith"), ("return[email]", "1"), ("return[sort_name]", "1")]
    data = search(client, api_key, [*params, ("json", "1")]).json()
    assert data["values"] == [
        {
            "contact_id": str(contacts[0].pk),
            "email": "john@example.org",
            "sort_name": "Smith, John",
        },
        {
            "contact_id": str(contacts[1].pk),
            "email": "jane@example.org",
            "sort_name": "Smith, Jane",
        },
    ]
    root = xml(search(client, api_key, params))
    item = root.find("values").find("item")
    assert [child.tag for child in item] == ["contact_id", "email", "sort_name"]


def test_the_documents_command_urls_work(client, api_key, contacts):
    """``?q=civicrm/contact/search&...`` as in the document, and ``contact/get``."""
    query = urlencode(
        {"q": "civicrm/contact/search", "key": SITE_KEY, "api_key": api_key, "json": 1}
    )
    response = client.get(f"/?{query}&last_name=Rossi")
    assert response.status_code == 200, response.content
    assert [v["first_name"] for v in response.json()["values"]] == ["Maria"]
    response = search(client, api_key, [("json", "1")], path="/civicrm/contact/get")
    assert response.json()["count"] == 4
    response = search(client, api_key, [("json", "1")], path="/civicrm/contact/nope")
    assert response.status_code == 404
    assert response.json() == {"is_error": 1, "error_message": "Unknown command contact/nope."}


def test_paging_with_offset_and_rowcount(client, api_key, contacts):
    data = search(client, api_key, [("offset", "1"), ("rowCount", "2"), ("json", "1")]).json()
    assert [v["first_name"] for v in data["values"]] == ["Jane", "Maria"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ([("nickname", "x"), ("shoe_size", "9")], "Unknown search field(s): nickname, shoe_size."),
        ([("return[favourite]", "1")], "Unknown return field(s): favourite."),
        ([("return", "email")], "Invalid value for return: use return[field_name]=1."),
        ([("contact_id", "abc")], "Invalid value for contact_id: expected an integer."),
        ([("last_name[]", "a")], "Invalid value for last_name: expected a single value."),
        ([("rowCount", "0")], "Invalid value for rowCount: must be at least 1."),
        ([("offset", "-1")], "Invalid value for offset: must be at least 0."),
    ],
)
def test_bad_search_input_is_400_in_both_formats(client, api_key, contacts, params, message):
    response = search(client, api_key, [*params, ("json", "1")])
    assert response.status_code == 400
    assert response.reason_phrase == f": {message}"
    assert response.json() == {"is_error": 1, "error_message": message}
    response = search(client, api_key, params)
    assert response.status_code == 400
    root = xml(response)
    assert (root.findtext("is_error"), root.findtext("error_message")) == ("1", message)


def test_search_is_one_query(client, api_key, contacts):
    with CaptureQueriesContext(connection) as ctx:
        assert search(client, api_key, [("json", "1")]).status_code == 200
    assert len([q for q in ctx.captured_queries if "demo_contact" in q["sql"]]) == 1


# --------------------------------------------------------------------------------------------
# Keys


@pytest.mark.parametrize(
    ("site_key", "user_key", "message"),
    [
        (SITE_KEY, "wrong-api-key", "Invalid API key."),
        ("wrong-site-key", None, "Invalid site key."),
        ("", None, "Invalid site key."),
    ],
)
def test_wrong_keys_are_401_in_both_formats(client, api_key, site_key, user_key, message):
    user_key = user_key or api_key
    # Raised by the authenticator, before any command runs: still in CiviCRM's shape.
    response = search(client, user_key, [("json", "1")], site_key=site_key)
    assert response.status_code == 401
    assert response.reason_phrase == f"Unauthorized : {message}"
    assert response.json() == {"is_error": 1, "error_message": message}
    response = search(client, user_key, site_key=site_key)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    root = xml(response)
    assert (root.findtext("is_error"), root.findtext("error_message")) == ("1", message)


def test_no_api_key_is_401_in_both_formats(client, contacts):
    message = "Authentication required: pass the site key as key= and your API key as api_key="
    response = client.get("/civicrm/contact?json=1")
    assert response.status_code == 401
    assert response.json() == {"is_error": 1, "error_message": message + "."}
    response = client.get(f"/civicrm/contact?key={SITE_KEY}")
    assert response.status_code == 401
    assert xml(response).findtext("error_message") == message + "."


def test_revoked_key_is_refused(client, api_key, contacts):
    from services_api.models import ApiKey

    ApiKey.objects.update(revoked=True)
    assert search(client, api_key, [("json", "1")]).status_code == 401


def test_session_cookies_do_not_authenticate(client, contacts):
    user = get_user_model().objects.create_user("bob", "bob@example.com", "pw")
    client.force_login(user)
    assert client.get("/civicrm/contact?json=1").status_code == 401


# --------------------------------------------------------------------------------------------
# Create and update


def create(client, api_key, fields, json=True, content_type=FORM):
    query = {"key": SITE_KEY, "api_key": api_key, **({"json": 1} if json else {})}
    body = urlencode(fields) if content_type == FORM else fields
    return client.post(
        f"/civicrm/contact/create?{urlencode(query)}", body, content_type=content_type
    )


def test_create_then_update_through_the_same_command(client, api_key):
    response = create(
        client,
        api_key,
        {"contact_type": "Individual", "first_name": "Ada", "last_name": "Lovelace"},
    )
    assert response.status_code == 200, response.content
    data = response.json()
    contact = Contact.objects.get()
    assert data["is_error"] == 0 and data["count"] == 1
    assert data["id"] == data["contact_id"] == str(contact.pk)
    assert data["values"][0]["display_name"] == "Ada Lovelace"
    assert (contact.first_name, contact.last_name, contact.email) == ("Ada", "Lovelace", "")

    response = create(
        client,
        api_key,
        {"contact_type": "Individual", "contact_id": str(contact.pk), "email": "ada@example.org"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["contact_id"] == str(contact.pk)
    contact.refresh_from_db()
    assert (contact.first_name, contact.email) == ("Ada", "ada@example.org")
    assert Contact.objects.count() == 1


def test_create_answers_xml_by_default_and_takes_json_bodies(client, api_key):
    response = create(
        client,
        api_key,
        {"contact_type": "Organization", "last_name": "ACME"},
        json=False,
        content_type="application/json",
    )
    assert response.status_code == 200
    root = xml(response)
    assert root.findtext("is_error") == "0"
    assert root.findtext("contact_id") == str(Contact.objects.get().pk)


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"first_name": "No type"}, 400, "Mandatory parameter missing: contact_type."),
        (
            {"contact_type": "Robot", "first_name": "R2"},
            400,
            "Invalid value for contact_type: use one of Household, Individual, Organization.",
        ),
        (
            {"contact_type": "Individual"},
            400,
            "Mandatory parameter missing: first_name, last_name or email.",
        ),
        ({"contact_type": "Individual", "shoe_size": "9"}, 400, "Unknown field(s): shoe_size."),
        (
            {"contact_type": "Individual", "first_name": "x" * 65},
            400,
            "Invalid value for first_name: at most 64 characters.",
        ),
        (
            {"contact_type": "Individual", "contact_id": "abc", "email": "a@b.c"},
            400,
            "Invalid value for contact_id: expected an integer.",
        ),
        (
            {"contact_type": "Individual", "contact_id": "999999", "email": "a@b.c"},
            404,
            "Contact 999999 does not exist.",
        ),
    ],
)
def test_bad_create_input_writes_nothing(client, api_key, fields, status, message):
    response = create(client, api_key, fields)
    assert response.status_code == status
    assert response.json() == {"is_error": 1, "error_message": message}
    assert Contact.objects.count() == 0


def test_update_requires_contact_type(client, api_key, contacts):
    response = create(client, api_key, {"contact_id": str(contacts[0].pk), "email": "x@y.z"})
    assert response.status_code == 400
    contacts[0].refresh_from_db()
    assert contacts[0].email == "john@example.org"


def test_create_needs_keys(client):
    response = client.post(
        "/civicrm/contact/create?json=1",
        urlencode({"contact_type": "Individual", "first_name": "Eve"}),
        content_type=FORM,
    )
    assert response.status_code == 401
    assert Contact.objects.count() == 0


# --------------------------------------------------------------------------------------------
# $_REQUEST: commands as GET URLs, POSTs with their fields in the query string


def keys(api_key, **extra):
    return {"key": SITE_KEY, "api_key": api_key, **extra}


def test_create_as_a_get_url_command(client, api_key):
    query = urlencode(
        {
            "q": "civicrm/contact/create",
            **keys(api_key, json=1),
            "contact_type": "Individual",
            "first_name": "Grace",
            "last_name": "Hopper",
        }
    )
    response = client.get(f"/?{query}")
    assert response.status_code == 200, response.content
    contact = Contact.objects.get()
    assert response.json()["contact_id"] == str(contact.pk)
    assert (contact.first_name, contact.last_name) == ("Grace", "Hopper")


def test_post_with_every_field_in_the_query_string(client, api_key):
    query = urlencode({**keys(api_key, json=1), "contact_type": "Individual", "first_name": "Ada"})
    response = client.generic("POST", f"/civicrm/contact/create?{query}", b"")
    assert response.status_code == 200, response.content
    assert Contact.objects.get().first_name == "Ada"
    # The body wins over the query string, as in $_REQUEST.
    response = client.post(
        f"/civicrm/contact/create?{query}",
        urlencode({"first_name": "Augusta"}),
        content_type=FORM,
    )
    assert response.status_code == 200, response.content
    assert Contact.objects.get(pk=response.json()["contact_id"]).first_name == "Augusta"


def test_nested_email_as_the_documentation_recommends(client, api_key, contacts):
    john = contacts[0]
    fields = [
        ("contact_type", "Individual"),
        ("contact_id", str(john.pk)),
        ("email[1][email]", "john.home@example.org"),
        ("email[1][location_type_id]", "1"),
    ]
    response = client.post(
        f"/civicrm/contact/create?{urlencode(keys(api_key, json=1))}",
        urlencode(fields),
        content_type=FORM,
    )
    assert response.status_code == 200, response.content
    john.refresh_from_db()
    assert john.email == "john.home@example.org"
    bad = [*fields[:2], ("email[1][email]", "x@y.z"), ("email[1][location_type_id]", "9")]
    response = client.post(
        f"/civicrm/contact/create?{urlencode(keys(api_key, json=1))}",
        urlencode(bad),
        content_type=FORM,
    )
    assert response.status_code == 400
    assert response.json()["error_message"].startswith(
        "Invalid value for email[location_type_id]: use one of 1 (Home)"
    )
    john.refresh_from_db()
    assert john.email == "john.home@example.org"


def test_the_rest_php_entry_url(client, api_key, contacts):
    query = urlencode({"q": "civicrm/contact/get", **keys(api_key), "last_name": "Rossi"})
    response = client.get(f"/sites/all/modules/civicrm/extern/rest.php?{query}")
    assert response.status_code == 200
    root = xml(response)
    assert [item.findtext("first_name") for item in root.find("values")] == ["Maria"]
    assert client.get("/sites/all/modules/civicrm/extern/rest.php?q=api/node").status_code == 404


# --------------------------------------------------------------------------------------------
# Errors the server raises before a command runs, in CiviCRM's shape


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/civicrm/nothing?json=1", 404, "Could not find resource nothing."),
        ("/civicrm/contact/get/extra?json=1", 404, "Could not find the controller."),
        ("/civicrm/contact.yaml", 406, "Unknown or unsupported response format."),
    ],
)
def test_routing_and_format_errors_have_civicrms_shape(client, path, status, message):
    response = client.get(path)
    assert response.status_code == status
    assert response.json() == {"is_error": 1, "error_message": message}


def test_routing_error_in_xml_by_default(client):
    response = client.get("/civicrm/nothing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert xml(response).findtext("error_message") == "Could not find resource nothing."


def test_other_endpoints_keep_drupals_errors(client):
    response = client.get("/api/nothing.json")
    assert (response.status_code, response.content) == (404, b"")


# --------------------------------------------------------------------------------------------
# civicrm/login


def login(client, **params):
    return client.get(f"/civicrm/login?{urlencode(params)}")


def test_login_gives_an_api_key_that_works(client, contacts):
    get_user_model().objects.create_user("carol", "carol@example.com", "secret")
    response = login(client, name="carol", **{"pass": "secret"}, key=SITE_KEY, json=1)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["is_error"] == 0 and len(data["api_key"]) >= 32
    assert search(client, data["api_key"], [("json", "1")]).json()["count"] == 4
    # A second login rotates the key: the first stops working.
    response = client.post(
        f"/civicrm/login?{urlencode({'key': SITE_KEY, 'json': 1})}",
        urlencode({"name": "carol", "pass": "secret"}),
        content_type=FORM,
    )
    second = response.json()["api_key"]
    assert second != data["api_key"]
    assert search(client, data["api_key"], [("json", "1")]).status_code == 401
    assert search(client, second, [("json", "1")]).status_code == 200


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"name": "carol", "pass": "secret"}, 401, "Invalid site key."),
        (
            {"name": "carol", "pass": "wrong", "key": SITE_KEY},
            401,
            "Could not authenticate user, invalid name or password.",
        ),
        (
            {"name": "carol", "key": SITE_KEY},
            400,
            "This API call requires the following parameters: name, pass",
        ),
    ],
)
def test_login_errors(client, params, status, message):
    get_user_model().objects.create_user("carol", "carol@example.com", "secret")
    response = login(client, **params, json=1)
    assert response.status_code == status
    assert response.json() == {"is_error": 1, "error_message": message}
    assert "api_key" not in response.json()


def test_failed_logins_are_throttled(client, settings):
    settings.SERVICES_API = {**settings.SERVICES_API, "LOGIN_ATTEMPTS_PER_USERNAME": 2}
    get_user_model().objects.create_user("carol", "carol@example.com", "secret")
    for _ in range(2):
        assert login(client, name="carol", key=SITE_KEY, json=1, **{"pass": "x"}).status_code == 401
    response = login(client, name="carol", key=SITE_KEY, json=1, **{"pass": "secret"})
    assert response.status_code == 429 and response.has_header("Retry-After")
    assert response.json() == {
        "is_error": 1,
        "error_message": "Too many login attempts. Try again later.",
    }


# --------------------------------------------------------------------------------------------
# group and group_contact


def command(client, api_key, entity, name, method="GET", **fields):
    query = urlencode({**keys(api_key, json=1), **fields})
    if method == "GET":
        return client.get(f"/civicrm/{entity}/{name}?{query}")
    return client.generic("POST", f"/civicrm/{entity}/{name}?{query}", b"")


def test_groups_and_memberships(client, api_key, contacts):
    john, jane, maria, _ = contacts
    response = command(
        client,
        api_key,
        "group",
        "create",
        "POST",
        title="Newsletter",
        is_active="1",
        description="Monthly news",
    )
    assert response.status_code == 200, response.content
    newsletter = response.json()["id"]
    assert response.json()["values"][0]["name"] == "newsletter"
    # Without is_active the group is created inactive and get does not find it.
    hidden = command(client, api_key, "group", "create", title="Drafts").json()["id"]
    found = command(client, api_key, "group", "get").json()
    assert [g["id"] for g in found["values"]] == [newsletter]
    assert found["values"][0]["where_clause"] == ""
    assert command(client, api_key, "group", "get", title="Drafts").json()["count"] == 0
    assert command(client, api_key, "group", "create", title="Newsletter").status_code == 400

    added = command(
        client,
        api_key,
        "group_contact",
        "add",
        "POST",
        group_id=newsletter,
        contact_id=john.pk,
        **{"contact_id.2": jane.pk},
    ).json()
    assert added == {"is_error": 0, "not_added": 0, "added": 2, "total_count": 2}
    again = command(
        client, api_key, "group_contact", "add", group_id=newsletter, contact_id=john.pk
    ).json()
    assert again == {"is_error": 0, "not_added": 1, "added": 0, "total_count": 2}
    groups = command(client, api_key, "group_contact", "get", contact_id=john.pk).json()
    assert [(g["group_id"], g["title"], g["in_method"]) for g in groups["values"]] == [
        (newsletter, "Newsletter", "API")
    ]
    removed = command(
        client,
        api_key,
        "group_contact",
        "remove",
        "POST",
        group_id=newsletter,
        contact_id=john.pk,
    ).json()
    assert removed == {"is_error": 0, "not_removed": 0, "removed": 1, "total_count": 1}
    assert command(client, api_key, "group_contact", "get", contact_id=john.pk).json() == {
        "is_error": 0,
        "count": 0,
        "values": [],
    }
    missing = command(client, api_key, "group_contact", "add", group_id=hidden, contact_id=999999)
    assert missing.status_code == 404
    assert missing.json() == {"is_error": 1, "error_message": "Contact(s) 999999 do not exist."}
    unknown = command(client, api_key, "group_contact", "frobnicate", group_id=hidden)
    assert unknown.json() == {
        "is_error": 1,
        "error_message": "Unknown command group_contact/frobnicate.",
    }
