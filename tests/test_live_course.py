"""The Course document's flow through a real gunicorn on 127.0.0.1: the demo's ``course``
endpoint at the site root (empty path), HTTP Basic auth, restws responses."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlsplit

import pytest

from tests import live

pytestmark = pytest.mark.live

ADMIN = base64.b64encode(b"admin:admin-pass").decode()
JSON = {"Content-Type": "application/json", "Authorization": f"Basic {ADMIN}"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live-course")
    database_url = live.live_database_url(tmp)
    env = live.server_env(database_url, redis_db=11)
    live.manage(env, "migrate", "--noinput")
    live.manage(env, "seed_demo", "--articles", "12")
    try:
        with live.gunicorn(env) as base:
            yield base
    finally:
        live.drop_live_database(database_url)


def test_course_flow(server):
    base = server
    auth = {"Authorization": f"Basic {ADMIN}"}

    # Read: the envelope with absolute URLs at the site root.
    status, _, headers, raw = live.call(base, "GET", "/course_enrollment.json", headers=auth)
    assert status == 200, raw
    envelope = json.loads(raw)
    assert envelope["self"] == f"{base}/course_enrollment"
    assert envelope["first"] == f"{base}/course_enrollment?page=0"
    assert envelope["last"] == f"{base}/course_enrollment?page=0"
    assert envelope["list"], "seed_demo enrolls users"
    row = envelope["list"][0]
    assert row["nid"]["uri"] == f"{base}/node/{row['nid']['id']}"
    assert row["nid"]["resource"] == "node" and row["nid"]["uuid"]
    assert row["uid"]["uri"] == f"{base}/user/{row['uid']['id']}"
    assert isinstance(row["created"], int)

    # Conditional GET through the real server.
    etag = headers["ETag"]
    status, reason, _, raw = live.call(
        base, "GET", "/course_enrollment.json", headers={**auth, "If-None-Match": etag}
    )
    assert (status, reason, raw) == (304, "Not Modified", b"")

    # Filters as plain query keys; a user and course with no enrollment.
    uid, nid = row["uid"]["id"], row["nid"]["id"]
    query = f"/course_enrollment.json?uid={uid}&nid={nid}"
    status, _, _, raw = live.call(base, "GET", query, headers=auth)
    found = json.loads(raw)
    assert found["self"] == f"{base}/course_enrollment?uid={uid}&nid={nid}"
    assert [r["eid"] for r in found["list"]] == [row["eid"]]

    # Create: 201 {uri, id, resource, uuid} + Location; then the enrollment is readable there.
    others = [r for r in envelope["list"] if r["nid"]["id"] != nid]
    payload = json.dumps({"uid": uid, "nid": others[0]["nid"]["id"]}).encode()
    status, _, headers, raw = live.call(base, "POST", "/course_enrollment.json", payload, JSON)
    assert status == 201, raw
    created = json.loads(raw)
    assert set(created) == {"uri", "id", "resource", "uuid"}
    assert headers["Location"] == created["uri"] == f"{base}/course_enrollment/{created['id']}"
    status, _, _, raw = live.call(base, "GET", urlsplit(created["uri"]).path, headers=auth)
    assert status == 200 and json.loads(raw)["eid"] == created["id"]

    # Update the course title: 200, empty body.
    status, _, _, raw = live.call(
        base, "PUT", f"/node/{nid}", json.dumps({"title": "My Title Update"}).encode(), JSON
    )
    assert (status, raw) == (200, b"")
    status, _, _, raw = live.call(base, "GET", f"/node/{nid}.json", headers=auth)
    assert json.loads(raw)["title"] == "My Title Update"

    # Delete: 200, empty body.
    status, _, _, raw = live.call(base, "DELETE", f"/course_enrollment/{created['id']}", None, JSON)
    assert (status, raw) == (200, b"")
    assert (
        live.call(base, "GET", f"/course_enrollment/{created['id']}.json", headers=auth)[0] == 404
    )

    # Wrong password: 401 with the Basic challenge.
    wrong = base64.b64encode(b"admin:nope").decode()
    status, _, headers, _ = live.call(
        base, "GET", "/course_enrollment.json", headers={"Authorization": f"Basic {wrong}"}
    )
    assert status == 401 and headers["WWW-Authenticate"].startswith("Basic realm=")


def test_site_urls_are_not_shadowed(server):
    base = server
    status, _, headers, _ = live.call(base, "GET", "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert live.call(base, "GET", "/admin/")[0] == 302
    assert live.call(base, "GET", "/services/session/token")[0] == 200
    assert live.call(base, "GET", "/api/entity_article.json")[0] == 200
    status, reason, _, _ = live.call(base, "GET", "/nothing-here")
    assert (status, reason) == (404, "Not found : Could not find resource nothing-here.")


def php_curl(base, method, path, payload=None):
    """The document's PHP curl calls: CURLAUTH_BASIC (sent up front), curl's default
    ``Accept: */*``, ``Content-Type: application/json`` set by CURLOPT_HTTPHEADER."""
    headers = {
        "Authorization": f"Basic {ADMIN}",
        "Accept": "*/*",
        "Content-Type": "application/json",
    }
    body = json.dumps(payload).encode() if payload is not None else None
    return live.call(base, method, path, body, headers)


def test_the_documents_php_curl_calls(server):
    base = server
    # json_decode() of a POST answer: JSON although Accept is */* (RESTWS follows the body).
    status, _, headers, raw = php_curl(base, "GET", "/course_enrollment.json?limit=2&page=1")
    assert status == 200
    page = json.loads(raw)
    assert len(page["list"]) == 2
    assert page["self"] == f"{base}/course_enrollment?limit=2&page=1"
    row = page["list"][0]
    status, _, headers, raw = php_curl(
        base, "POST", "/course_enrollment", {"uid": row["uid"]["id"], "nid": 12}
    )
    assert status == 201 and headers["Content-Type"].startswith("application/json"), raw
    assert json.loads(raw)["resource"] == "course_enrollment"

    # Creating a user (the document's create example).
    status, _, headers, raw = php_curl(
        base, "POST", "/user", {"name": "curl_user", "mail": "curl@example.com", "pass": "pw-12345"}
    )
    assert status == 201, raw
    created = json.loads(raw)
    assert set(created) == {"uri", "id", "resource", "uuid"} and created["resource"] == "user"
    assert headers["Location"] == created["uri"] == f"{base}/user/{created['id']}"

    # Updating a course title: 200 and empty($response).
    status, _, _, raw = php_curl(base, "PUT", f"/node/{row['nid']['id']}", {"title": "Updated"})
    assert (status, raw) == (200, b"")

    # Deleting awarded credit: DELETE with the JSON header and no body; 200, empty.
    status, _, _, raw = php_curl(base, "GET", "/course_credit_awarded.json")
    credit = json.loads(raw)["list"][0]["cid"]
    status, _, _, raw = php_curl(base, "DELETE", f"/course_credit_awarded/{credit}")
    assert (status, raw) == (200, b"")
    assert php_curl(base, "GET", f"/course_credit_awarded/{credit}.json")[0] == 404
