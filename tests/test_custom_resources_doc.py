"""``docs/custom-resources.md``: the example resource, executed exactly as written and called
through every controller (formats, access, argument errors)."""

import json
import re
import types
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from services_api.models import Endpoint
from services_api.resources import registry

DOC = Path(__file__).resolve().parent.parent / "docs" / "custom-resources.md"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def doc_blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), re.S)


@pytest.fixture(scope="module")
def example():
    """Run the documented module once; unregister its resource afterwards."""
    (source,) = doc_blocks("python")
    module = types.ModuleType("docs_custom_resources_example")
    registry.unregister("bookmark")
    exec(compile(source, str(DOC), "exec"), module.__dict__)  # noqa: S102 (our own docs)
    try:
        yield module
    finally:
        registry.unregister("bookmark")


@pytest.fixture
def api(example, make_endpoint):
    """The documented endpoint configuration, created as written in the doc."""
    example.BOOKMARKS.clear()
    (config,) = doc_blocks("json")
    config = json.loads(config)
    # The demo's own "api" endpoint (created by a migration) makes way for the documented one.
    Endpoint.objects.filter(path=config["path"]).delete()
    make_endpoint(
        config["name"],
        path=config["path"],
        resources=config["resources"],
        authentication=config["authentication"],
        formatters=config["formatters"],
    )
    return example


def session(user):
    """A signed-in client's headers: the session cookie (on ``client``) + X-CSRF-Token."""
    client = Client()
    client.force_login(user)
    token = client.get("/services/session/token").content.decode()
    return client, {"HTTP_X_CSRF_TOKEN": token}


@pytest.fixture
def users(db):
    User = get_user_model()
    return {
        name: User.objects.create_user(name, f"{name}@example.com", "pw")
        for name in ("alice", "bob")
    }


def post_json(client, path, data, **headers):
    return client.post(path, json.dumps(data), content_type=JSON, **headers)


def post_form(client, path, data, **headers):
    return client.post(path, urlencode(data), content_type=FORM, **headers)


def expect(response, status, body=None, reason=None):
    assert response.status_code == status, (response.status_code, response.content)
    if body is not None:
        assert response.json() == body
    if reason is not None:
        assert response.reason_phrase == reason


def test_the_resource_is_registered_with_every_kind_of_controller(api):
    resource = registry.get("bookmark")
    assert set(resource.operations) == {"index", "retrieve", "create", "update", "delete"}
    assert set(resource.actions) == {"search", "count"}
    assert set(resource.targeted_actions) == {"rate"}
    assert set(resource.relationships) == {"tags"}


def test_the_documented_calls(client, api, users):
    as_alice, alice = session(users["alice"])
    as_bob, bob = session(users["bob"])
    expect(client.get("/api/bookmark.json"), 200, [])

    # create: access callable, whole-body dict argument, Result with a header
    url = "https://djangoproject.com"
    expect(
        post_json(client, "/api/bookmark.json", {"url": url}),
        403,
        ["Access denied for user anonymous"],
        ": Access denied for user anonymous",
    )
    response = post_json(as_alice, "/api/bookmark.json", {"url": url, "tags": ["django"]}, **alice)
    expect(response, 200, {"bid": 1, "uri": "http://testserver/api/bookmark/1"})
    assert response["Location"] == "http://testserver/api/bookmark/1"
    expect(
        post_json(as_alice, "/api/bookmark.json", {"url": url}),
        401,
        ["CSRF validation failed"],
        "Unauthorized : CSRF validation failed",
    )
    wrapped = {"bookmark": {"url": "https://drupal.org", "tags": ["drupal", "php"]}}
    expect(post_json(as_alice, "/api/bookmark.json", wrapped, **alice), 200)
    expect(
        post_json(as_alice, "/api/bookmark.json", {}, **alice),
        406,
        {"form_errors": {"url": "URL field is required."}},
        "Not Acceptable : URL field is required.",
    )

    # index with typed query arguments
    assert [b["bid"] for b in client.get("/api/bookmark.json").json()] == [1, 2]
    assert [b["bid"] for b in client.get("/api/bookmark.json?tag=php").json()] == [2]
    assert [b["bid"] for b in client.get("/api/bookmark.json?page=1&pagesize=1").json()] == [2]
    expect(
        client.get("/api/bookmark.json?page=x"),
        400,
        ["Invalid value for argument page: expected an integer."],
        ": Invalid value for argument page: expected an integer.",
    )
    expect(
        client.get("/api/bookmark.json?pagesize=0"),
        400,
        ["Invalid value for argument pagesize: use 1 to 100."],
    )

    # retrieve in JSON and XML; typed path argument
    expect(
        client.get("/api/bookmark/1.json"),
        200,
        {"bid": 1, "url": url, "tags": ["django"], "owner": "alice", "stars": 0},
    )
    response = client.get("/api/bookmark/1.xml")
    assert response.status_code == 200
    assert response.content == (
        b'<?xml version="1.0" encoding="utf-8"?>\n<result><bid>1</bid>'
        b'<url>https://djangoproject.com</url><tags is_array="true"><item>django</item></tags>'
        b"<owner>alice</owner><stars>0</stars></result>\n"
    )
    expect(
        client.get("/api/bookmark/abc.json"),
        400,
        ["Invalid value for argument bid: expected an integer."],
    )
    expect(
        client.get("/api/bookmark/9.json"),
        404,
        ["Bookmark 9 could not be found"],
        "Not found : Bookmark 9 could not be found",
    )

    # update: access by method name
    change = json.dumps({"tags": ["django", "python"]})
    expect(
        as_bob.put("/api/bookmark/1.json", change, content_type=JSON, **bob),
        403,
        ["Access denied for user bob"],
    )
    response = as_alice.put("/api/bookmark/1.json", change, content_type=JSON, **alice)
    expect(response, 200)
    assert response.json()["tags"] == ["django", "python"]

    # actions: typed body arguments (str, int, bool), defaults, missing and wrong values
    search = "/api/bookmark/search.json"
    data = post_form(client, search, {"q": "django", "limit": "5"}).json()
    assert data["count"] == 1 and data["results"][0]["bid"] == 1
    assert post_form(client, search, {"q": "org"}).json()["count"] == 1
    assert post_form(client, search, {"q": "org", "exact": "1"}).json()["count"] == 0
    assert (
        post_json(client, search, {"q": "https://drupal.org", "exact": True}).json()["count"] == 1
    )
    assert post_form(client, search, {"q": "s", "limit": "1"}).json()["count"] == 2
    assert len(post_form(client, search, {"q": "s", "limit": "1"}).json()["results"]) == 1
    expect(
        post_form(client, search, {"limit": "5"}),
        401,
        ["Missing required argument q"],
        "Unauthorized : Missing required argument q",
    )
    expect(
        post_form(client, search, {"q": "x", "exact": "maybe"}),
        400,
        ["Invalid value for argument exact: expected a boolean (1 or 0)."],
    )
    expect(
        post_form(client, search, {"q": "x", "limit": "many"}),
        400,
        ["Invalid value for argument limit: expected an integer."],
    )
    expect(
        post_json(client, search, {"q": {"nested": 1}}),
        400,
        ["Invalid value for argument q: expected a string."],
    )
    expect(post_form(client, "/api/bookmark/count.json", {}), 200, [2])
    response = post_form(client, "/api/bookmark/count.xml", {})
    assert response.content == b'<?xml version="1.0" encoding="utf-8"?>\n<result>2</result>\n'

    # targeted action: path + body arguments, access callable
    rate = "/api/bookmark/1/rate.json"
    expect(post_form(client, rate, {"stars": "4"}), 403, ["Access denied for user anonymous"])
    expect(post_form(as_alice, rate, {"stars": "4"}, **alice), 200, {"bid": 1, "stars": 4})
    expect(
        post_form(as_alice, rate, {"stars": "6"}, **alice),
        400,
        ["Invalid value for argument stars: use 1 to 5."],
    )
    expect(
        post_form(as_alice, rate, {"stars": "four"}, **alice),
        400,
        ["Invalid value for argument stars: expected an integer."],
    )
    expect(post_form(as_alice, rate, {}, **alice), 401, ["Missing required argument stars"])
    expect(
        post_form(as_alice, "/api/bookmark/x/rate.json", {"stars": "4"}, **alice),
        400,
        ["Invalid value for argument bid: expected an integer."],
    )
    expect(
        post_form(as_alice, "/api/bookmark/9/rate.json", {"stars": "4"}, **alice),
        404,
        ["Bookmark 9 could not be found"],
    )

    # relationship: path + query arguments
    expect(client.get("/api/bookmark/1/tags.json"), 200, ["django", "python"])
    expect(client.get("/api/bookmark/1/tags.json?prefix=py"), 200, ["python"])
    expect(
        client.get("/api/bookmark/x/tags.json"),
        400,
        ["Invalid value for argument bid: expected an integer."],
    )

    # delete: owner only
    expect(as_bob.delete("/api/bookmark/1.json", **bob), 403)
    expect(as_alice.delete("/api/bookmark/1.json", **alice), 200, [True])
    expect(client.get("/api/bookmark/1.json"), 404)
    assert [b["bid"] for b in client.get("/api/bookmark.json").json()] == [2]


def test_unenabled_controllers_are_not_served(client, example, make_endpoint, users):
    example.BOOKMARKS.clear()
    make_endpoint("narrow", resources={"bookmark": {"operations": ["index"]}})
    assert client.get("/narrow/bookmark.json").status_code == 200
    assert client.get("/narrow/bookmark/1.json").status_code == 404
    assert client.post("/narrow/bookmark/count.json").status_code == 404
