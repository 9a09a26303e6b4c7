"""The file resource through a real gunicorn: a base64 upload larger than MAX_BODY_BYTES (the
file resource's own body limit), multipart create_raw, retrieve and delete with the bytes on
disk under MEDIA_ROOT (removed when the delete commits)."""

import base64
import json
import os

import pytest

from tests import live

pytestmark = pytest.mark.live

CREATE_USER = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
user = get_user_model().objects.create_user("filer", "filer@example.com", "filer-pass")
user.user_permissions.add(*Permission.objects.filter(
    content_type__app_label="demo", codename__in=["add_file", "delete_file"]))
"""
AUTH = {"Authorization": "Basic " + base64.b64encode(b"filer:filer-pass").decode()}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live-files")
    media = tmp / "media"
    database_url = live.live_database_url(tmp)
    env = live.server_env(database_url, redis_db=13, MEDIA_ROOT=str(media))
    live.manage(env, "migrate", "--noinput")
    live.manage(env, "shell", "-c", CREATE_USER)
    try:
        with live.gunicorn(env) as base:
            yield base, media
    finally:
        live.drop_live_database(database_url)


def test_large_base64_upload_retrieve_delete(server):
    base, media = server
    content = os.urandom(2_500_000)  # base64: 3.3 MB, over MAX_BODY_BYTES (2 MB)
    payload = {"file": {"file": base64.b64encode(content).decode(), "filename": "big.png"}}
    status, reason, headers, body = live.call(
        base,
        "POST",
        "/?q=api/file.json",
        json.dumps(payload).encode(),
        {"Content-Type": "application/json", "Accept": "*/*", **AUTH},
    )
    assert status == 200, reason
    created = json.loads(body)
    fid = created["fid"]
    assert created["uri"] == f"{base}/api/file/{fid}"
    assert (media / "big.png").read_bytes() == content

    status, _, _, body = live.call(base, "GET", f"/api/file/{fid}.json", headers=AUTH)
    assert status == 200
    loaded = json.loads(body)
    assert loaded["uri"] == "public://big.png"
    assert loaded["filesize"] == str(len(content))
    assert base64.b64decode(loaded["file"]) == content

    status, _, _, body = live.call(base, "DELETE", f"/api/file/{fid}.json", headers=AUTH)
    assert (status, body) == (200, b"[true]")
    assert not (media / "big.png").exists()


def test_multipart_create_raw(server):
    base, media = server
    boundary = "LiveBoundary"
    parts = []
    for field, name, data in (("files[a]", "one.txt", b"first"), ("files[b]", "two.txt", b"2nd")):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{name}"\r\nContent-Type: text/plain\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    status, reason, _, answer = live.call(
        base,
        "POST",
        "/api/file/create_raw.json",
        body,
        {"Content-Type": f"multipart/form-data; boundary={boundary}", **AUTH},
    )
    assert status == 200, reason
    rows = json.loads(answer)
    assert [row["uri"].rsplit("/", 1)[0] for row in rows] == [f"{base}/api/file"] * 2
    assert (media / "one.txt").read_bytes() == b"first"
    assert (media / "two.txt").read_bytes() == b"2nd"

    status, reason, _, answer = live.call(
        base,
        "POST",
        "/api/file.json",
        json.dumps({"file": "eA==", "filename": "../../escape.txt"}).encode(),
        {"Content-Type": "application/json", **AUTH},
    )
    assert status == 406
    assert reason == (
        "Not Acceptable : The specified file ../../escape.txt could not be uploaded. The "
        "destination may not be an absolute path or climb out of its directory."
    )
    assert not (media.parent / "escape.txt").exists()
