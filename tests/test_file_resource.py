"""Drupal Services' ``file`` resource on the demo ``api`` endpoint (file_resource.inc, 7.x-3.x):
create (base64), retrieve, delete, create_raw (multipart), index; storage through Django's
storage API (FileSystemStorage and an in-memory storage); refusals with Drupal's messages and
nothing written."""

import base64
from pathlib import Path
from xml.etree import ElementTree

import orjson
import pytest
from django.core.files.storage import storages
from django.test.client import encode_multipart

from project.demo.models import File
from tests.entity_helpers import basic, body, make_user

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
UPLOADER_PERMS = ("add_file", "delete_file")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def users(db):
    class Users:
        uploader = make_user("uploader", perms=UPLOADER_PERMS)
        other = make_user("other", perms=UPLOADER_PERMS)
        viewer = make_user("viewer", perms=("view_file",))
        nobody = make_user("nobody")

    return Users


def post_json(client, path, payload, user=None, **extra):
    headers = basic(user) if user is not None else {}
    return client.post(
        path, orjson.dumps(payload), content_type="application/json", **headers, **extra
    )


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def create(client, user, filename="photo.png", data=PNG, **fields):
    payload = {"file": b64(data), "filename": filename, **fields}
    return post_json(client, "/api/file.json", payload, user)


# -- create ------------------------------------------------------------------------------------


def test_create_answers_fid_and_uri_and_stores_bytes(client, media, users):
    response = create(client, users.uploader, filesize=len(PNG))
    assert response.status_code == 200, response.reason_phrase
    assert response["Content-Type"] == "application/json; charset=utf-8"
    row = File.objects.get()
    assert body(response) == {"fid": str(row.fid), "uri": f"http://testserver/api/file/{row.fid}"}
    assert row.filename == "photo.png"
    assert row.uri == "public://photo.png"
    assert row.filemime == "image/png"
    assert row.filesize == len(PNG)
    assert row.status == 1
    assert row.uid_id == users.uploader.pk
    assert (media / "photo.png").read_bytes() == PNG


def test_create_xml_and_drupalgap_wrapped_body_with_filepath(client, media, users):
    """DrupalGap's image field: ``{"file": {"file", "filename", "filepath"}}``, XML answer."""
    payload = {
        "file": {
            "file": b64(PNG),
            "filename": "3_1700000000000.jpg",
            "filepath": "public://field/image/3_1700000000000.jpg",
        }
    }
    response = post_json(client, "/api/file.xml", payload, users.uploader)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    row = File.objects.get()
    assert root.findtext("fid") == str(row.fid)
    assert root.findtext("uri") == f"http://testserver/api/file/{row.fid}"
    assert row.uri == "public://field/image/3_1700000000000.jpg"
    assert row.filemime == "image/jpeg"
    assert (media / "field/image/3_1700000000000.jpg").read_bytes() == PNG


def test_same_name_twice_gets_a_new_name(client, media, users):
    first = create(client, users.uploader)
    second = create(client, users.uploader)
    assert first.status_code == second.status_code == 200
    uris = sorted(File.objects.values_list("uri", flat=True))
    assert uris[0] != uris[1]
    assert len(stored_files(media)) == 2


def test_status_zero_keeps_the_file_temporary(client, media, users):
    response = create(client, users.uploader, status="0")
    assert response.status_code == 200
    assert File.objects.get().status == 0


def test_names_are_cleaned_and_middle_extensions_munged(client, media, users):
    response = create(client, users.uploader, filename="my  photo (1).final.png")
    assert response.status_code == 200
    assert File.objects.get().filename == "my photo 1.final_.png"


def test_base64_with_line_breaks_is_accepted(client, media, users):
    encoded = b64(PNG)
    wrapped = "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    response = post_json(
        client, "/api/file.json", {"file": wrapped, "filename": "a.png"}, users.uploader
    )
    assert response.status_code == 200
    assert (media / "a.png").read_bytes() == PNG


# -- create: refusals, nothing written ---------------------------------------------------------

ALLOWED = "jpg jpeg gif png txt doc xls pdf ppt pps odt ods odp"


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        (
            {"filename": "evil.php"},
            406,
            "The specified file evil.php could not be uploaded. For security reasons, your "
            "upload has been rejected.",
        ),
        (
            {"filename": "evil.php.png"},
            406,
            "The specified file evil.php.png could not be uploaded. For security reasons, your "
            "upload has been rejected.",
        ),
        (
            {"filename": "x.PHTML"},
            406,
            "The specified file x.PHTML could not be uploaded. For security reasons, your "
            "upload has been rejected.",
        ),
        (
            {"filename": "run.sh"},
            406,
            "The specified file run.sh could not be uploaded. For security reasons, your "
            "upload has been rejected.",
        ),
        (
            {"filename": "tool.exe"},
            406,
            "The specified file tool.exe could not be uploaded. For security reasons, your "
            "upload has been rejected.",
        ),
        (
            {"filename": "page.html"},
            406,
            "The specified file page.html could not be uploaded. Only files with the "
            f"following extensions are allowed: {ALLOWED}.",
        ),
        (
            {"filename": "../../etc/passwd.txt"},
            406,
            "The specified file ../../etc/passwd.txt could not be uploaded. The destination "
            "may not be an absolute path or climb out of its directory.",
        ),
        (
            {"filename": "a.png", "filepath": "public://../outside.png"},
            406,
            "The specified file public://../outside.png could not be uploaded. The "
            "destination may not be an absolute path or climb out of its directory.",
        ),
        (
            {"filename": "a.png", "filepath": "/etc/cron.d/x.txt"},
            406,
            "The specified file /etc/cron.d/x.txt could not be uploaded. The destination may "
            "not be an absolute path or climb out of its directory.",
        ),
        (
            {"filename": "..\\..\\win.txt"},
            406,
            "The specified file ..\\..\\win.txt could not be uploaded. The destination may "
            "not be an absolute path or climb out of its directory.",
        ),
        (
            {"filename": "a.txt\x00.png"},
            406,
            "The specified file a.txt.png could not be uploaded. The file name may not "
            "contain NUL characters.",
        ),
        ({"filename": ""}, 406, "Missing data the file upload can not be completed"),
        ({"file": ""}, 406, "Missing data the file upload can not be completed"),
        (
            {"file": "not base64 at all!"},
            400,
            "Invalid value for argument file: expected base64 data.",
        ),
        ({"filename": ["a.png"]}, 400, "Invalid value for argument filename: expected a string."),
        ({"filesize": "big"}, 400, "Invalid value for argument filesize: expected an integer."),
        (
            {"filesize": 3},
            406,
            f"The file size {len(PNG)} does not match the filesize 3 that was sent.",
        ),
        ({"status": "yes"}, 400, "Invalid value for argument status: expected 0 or 1."),
    ],
)
def test_bad_create_is_refused_and_writes_nothing(client, media, users, fields, status, message):
    payload = {"file": b64(PNG), "filename": "ok.png", **fields}
    for fmt in ("json", "xml"):
        response = post_json(client, f"/api/file.{fmt}", payload, users.uploader)
        assert response.status_code == status
        named = {406: "Not Acceptable : ", 400: ": "}[status]
        assert response.reason_phrase == f"{named}{message}".replace("\x00", "")
        if fmt == "json":
            assert body(response) == [message]
        else:
            assert ElementTree.fromstring(response.content).text == message
    assert File.objects.count() == 0
    assert stored_files(media) == []


def test_oversized_upload_is_413_with_drupal_message(client, media, users, settings):
    settings.SERVICES_API = {**settings.SERVICES_API, "FILE_MAX_BYTES": 1024}
    response = create(client, users.uploader, data=b"x" * 3000, filename="big.txt")
    assert response.status_code == 413
    assert response.reason_phrase == (
        ": The file is 2.93 KB exceeding the maximum file size of 1 KB."
    )
    assert body(response) == ["The file is 2.93 KB exceeding the maximum file size of 1 KB."]
    assert File.objects.count() == 0
    assert stored_files(media) == []


def test_body_limit_follows_the_file_limit(client, media, users, settings):
    """A base64 body larger than MAX_BODY_BYTES is fine for file create when the file fits."""
    settings.SERVICES_API = {
        **settings.SERVICES_API,
        "MAX_BODY_BYTES": 1024,
        "FILE_MAX_BYTES": 64 * 1024,
    }
    response = create(client, users.uploader, data=b"y" * 20_000, filename="big.txt")
    assert response.status_code == 200
    # Other resources keep the general limit.
    other = post_json(client, "/api/node.json", {"title": "x" * 5000}, users.uploader)
    assert other.status_code == 413


def test_database_failure_removes_the_stored_bytes(client, media, users, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(File.objects, "create", fail)
    response = create(client, users.uploader)
    assert response.status_code == 500
    assert stored_files(media) == []
    assert File.objects.count() == 0


def test_create_access(client, media, users):
    anonymous = create(client, None)
    assert anonymous.status_code == 401  # Basic auth endpoint: an anonymous 403 asks to log in
    denied = create(client, users.nobody)
    assert denied.status_code == 403
    assert denied.reason_phrase == ": Access denied for user nobody"
    assert File.objects.count() == 0
    assert stored_files(media) == []


# -- retrieve ------------------------------------------------------------------------------------


def make_file(client, user, **fields) -> File:
    response = create(client, user, **fields)
    assert response.status_code == 200, response.reason_phrase
    return File.objects.get(fid=body(response)["fid"])


def test_retrieve_returns_row_and_base64_contents(client, media, users):
    row = make_file(client, users.uploader)
    response = client.get(f"/api/file/{row.fid}.json", **basic(users.uploader))
    assert response.status_code == 200
    assert body(response) == {
        "fid": str(row.fid),
        "uid": str(users.uploader.pk),
        "filename": "photo.png",
        "uri": "public://photo.png",
        "filemime": "image/png",
        "filesize": str(len(PNG)),
        "status": "1",
        "timestamp": str(row.timestamp),
        "uri_full": "http://testserver/media/photo.png",
        "target_uri": "photo.png",
        "file": b64(PNG),
        "image_styles": [],
    }


def test_retrieve_without_contents_and_in_xml(client, media, users):
    row = make_file(client, users.uploader)
    response = client.get(f"/api/file/{row.fid}.xml?file_contents=0", **basic(users.viewer))
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    assert root.findtext("fid") == str(row.fid)
    assert root.findtext("filename") == "photo.png"
    assert root.find("file") is None
    assert root.find("image_styles") is not None


def test_retrieve_access_rules(client, media, users):
    row = make_file(client, users.uploader)
    assert client.get(f"/api/file/{row.fid}.json", **basic(users.viewer)).status_code == 200
    denied = client.get(f"/api/file/{row.fid}.json", **basic(users.other))
    assert denied.status_code == 403
    assert denied.reason_phrase == ": Access denied for user other"


@pytest.mark.parametrize("fid", ["999999", "abc", "²", "١٢", "99999999999999999999999", "-1"])
def test_retrieve_unknown_fid_is_406(client, media, users, fid):
    response = client.get(f"/api/file/{fid}.json", **basic(users.viewer))
    assert response.status_code == 406
    # The status line is Latin-1 (WSGI): other characters become "?"; the body keeps them.
    shown = fid.encode("latin-1", "replace").decode("latin-1")
    assert response.reason_phrase == f"Not Acceptable : There is no file with ID {shown}"
    assert body(response) == [f"There is no file with ID {fid}"]


def test_retrieve_counts_queries(client, media, users, django_assert_max_num_queries):
    row = make_file(client, users.uploader)
    headers = basic(users.uploader)
    client.get(f"/api/file/{row.fid}.json", **headers)
    with django_assert_max_num_queries(6):
        assert client.get(f"/api/file/{row.fid}.json", **headers).status_code == 200


# -- delete --------------------------------------------------------------------------------------


def test_delete_removes_row_and_bytes(client, media, users, django_capture_on_commit_callbacks):
    row = make_file(client, users.uploader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"/api/file/{row.fid}.json", **basic(users.uploader))
    assert response.status_code == 200
    assert body(response) == [True]
    assert not File.objects.exists()
    assert stored_files(media) == []


def test_delete_needs_the_owner_and_reports_unknown_fid(client, media, users):
    row = make_file(client, users.uploader)
    denied = client.delete(f"/api/file/{row.fid}.xml", **basic(users.other))
    assert denied.status_code == 403
    assert ElementTree.fromstring(denied.content).text == "Access denied for user other"
    missing = client.delete("/api/file/424242.json", **basic(users.uploader))
    assert missing.status_code == 406
    assert missing.reason_phrase == "Not Acceptable : There is no file with ID 424242"
    assert File.objects.count() == 1
    assert stored_files(media) == ["photo.png"]


def test_no_update_controller(client, media, users):
    row = make_file(client, users.uploader)
    response = client.put(
        f"/api/file/{row.fid}.json",
        b"{}",
        content_type="application/json",
        **basic(users.uploader),
    )
    assert response.status_code == 404
    assert response.reason_phrase == "Not found : Could not find the controller."


# -- create_raw ----------------------------------------------------------------------------------


def multipart(files: dict, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {**fields}
    for key, (name, content) in files.items():
        data[key] = SimpleUploadedFile(name, content)
    boundary = "BoUnDaRy"
    return encode_multipart(boundary, data), f"multipart/form-data; boundary={boundary}"


def test_create_raw_saves_several_files(client, media, users):
    content, content_type = multipart(
        {"files[one]": ("a.txt", b"first"), "files[two]": ("b.png", PNG)}
    )
    response = client.post(
        "/api/file/create_raw.json", content, content_type=content_type, **basic(users.uploader)
    )
    assert response.status_code == 200, response.reason_phrase
    rows = list(File.objects.order_by("fid"))
    assert body(response) == [
        {"fid": str(r.fid), "uri": f"http://testserver/api/file/{r.fid}"} for r in rows
    ]
    assert [r.filename for r in rows] == ["a.txt", "b.png"]
    assert [r.filesize for r in rows] == [5, len(PNG)]
    assert stored_files(media) == ["a.txt", "b.png"]


def test_create_raw_one_bad_file_writes_nothing(client, media, users):
    content, content_type = multipart(
        {"files[one]": ("a.txt", b"first"), "files[two]": ("shell.php", b"<?php")}
    )
    response = client.post(
        "/api/file/create_raw.xml", content, content_type=content_type, **basic(users.uploader)
    )
    assert response.status_code == 406
    assert ElementTree.fromstring(response.content).text == (
        "The specified file shell.php could not be uploaded. For security reasons, your upload "
        "has been rejected."
    )
    assert File.objects.count() == 0
    assert stored_files(media) == []


def test_create_raw_traversal_in_upload_name_stays_inside(client, media, users):
    content, content_type = multipart({"files[x]": ("../../escape.txt", b"data")})
    response = client.post(
        "/api/file/create_raw.json", content, content_type=content_type, **basic(users.uploader)
    )
    assert response.status_code == 200
    assert stored_files(media) == ["escape.txt"]


def test_create_raw_oversized_and_missing(client, media, users, settings):
    settings.SERVICES_API = {**settings.SERVICES_API, "FILE_MAX_BYTES": 10}
    content, content_type = multipart({"files[x]": ("a.txt", b"x" * 11)})
    big = client.post(
        "/api/file/create_raw.json", content, content_type=content_type, **basic(users.uploader)
    )
    assert big.status_code == 413
    assert body(big) == ["The file is 11 bytes exceeding the maximum file size of 10 bytes."]
    content, content_type = multipart({}, note="no files")
    none = client.post(
        "/api/file/create_raw.json", content, content_type=content_type, **basic(users.uploader)
    )
    assert none.status_code == 401
    assert none.reason_phrase == "Unauthorized : Missing required argument files"
    assert File.objects.count() == 0
    assert stored_files(media) == []


# -- index ---------------------------------------------------------------------------------------


def test_index_pages_newest_first_with_fields(client, media, users):
    rows = [make_file(client, users.uploader, filename=f"f{i}.txt", data=b"x") for i in range(3)]
    File.objects.filter(fid=rows[0].fid).update(timestamp=100)
    File.objects.filter(fid=rows[1].fid).update(timestamp=300)
    File.objects.filter(fid=rows[2].fid).update(timestamp=200)
    response = client.get(
        "/?q=api/file.json&fields=fid,filename&pagesize=2&page=0", **basic(users.viewer)
    )
    assert response.status_code == 200
    assert body(response) == [
        {"fid": str(r.fid), "filename": r.filename, "uri": f"http://testserver/api/file/{r.fid}"}
        for r in (rows[1], rows[2])
    ]
    second = body(client.get("/api/file.json?fields=fid&page=1&pagesize=2", **basic(users.viewer)))
    assert [r["fid"] for r in second] == [str(rows[0].fid)]
    filtered = client.get(
        f"/api/file.xml?parameters[filename]={rows[2].filename}", **basic(users.viewer)
    )
    root = ElementTree.fromstring(filtered.content)
    assert [item.findtext("fid") for item in root] == [str(rows[2].fid)]
    assert body(client.get("/api/file.json?page=5", **basic(users.viewer))) == []


def test_index_needs_view_permission(client, media, users):
    make_file(client, users.uploader)
    response = client.get("/api/file.json", **basic(users.uploader))
    assert response.status_code == 403


# -- another storage -----------------------------------------------------------------------------


def test_any_storage_backend(client, media, users, settings, django_capture_on_commit_callbacks):
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.SERVICES_API = {**settings.SERVICES_API, "FILE_STORAGE": "uploads"}
    row = make_file(client, users.uploader, filename="mem.txt", data=b"in memory")
    storage = storages["uploads"]
    assert storage.exists("mem.txt")
    assert stored_files(media) == []
    got = body(client.get(f"/api/file/{row.fid}.json", **basic(users.uploader)))
    assert base64.b64decode(got["file"]) == b"in memory"
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.delete(f"/api/file/{row.fid}.json", **basic(users.uploader))
    assert deleted.status_code == 200
    assert not storage.exists("mem.txt")


# -- jDrupal / DrupalGap, exactly as they send it ------------------------------------------------


def test_jdrupal_and_drupalgap_file_calls(client, media, users, django_capture_on_commit_callbacks):
    """jDrupal 7.x-1.x ``file_save``/``file_load``/``file_delete`` (services.file.js ->
    entity_create/retrieve/delete) with DrupalGap's image-field body (image.js): ``?q=`` URLs
    with ``.json``, ``Accept: */*``, the session cookie and ``X-CSRF-Token`` on every call,
    ``Content-type: application/json`` on the POST only, no body on GET and DELETE."""
    from urllib.parse import urlencode

    login = client.post(
        "/?q=api/user/login.json",
        urlencode({"username": "uploader", "password": "secret-pass"}),
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT="*/*",
    )
    assert login.status_code == 200
    token = client.get("/?q=services/session/token", HTTP_ACCEPT="*/*").content.decode()
    headers = {"HTTP_ACCEPT": "*/*", "HTTP_X_CSRF_TOKEN": token}
    file = {
        "file": {
            "file": b64(PNG),
            "filename": f"{users.uploader.pk}_1700000000000.jpg",
            "filepath": f"public://{users.uploader.pk}_1700000000000.jpg",
        }
    }
    saved = client.generic(
        "POST",
        "/?q=api/file.json",
        orjson.dumps(file),
        content_type="application/json",
        **headers,
    )
    assert saved.status_code == 200, saved.reason_phrase
    assert "application/json" in saved["Content-Type"]
    result = orjson.loads(saved.content)
    fid = result["fid"]
    loaded = client.generic("GET", f"/?q=api/file/{fid}.json", **headers)
    assert loaded.status_code == 200
    entity = orjson.loads(loaded.content)
    assert entity["fid"] == fid
    assert entity["uri"] == f"public://{users.uploader.pk}_1700000000000.jpg"
    assert base64.b64decode(entity["file"]) == PNG
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.generic("DELETE", f"/?q=api/file/{fid}.json", **headers)
    assert deleted.status_code == 200
    assert orjson.loads(deleted.content) == [True]
    assert not File.objects.exists()
    assert stored_files(media) == []
    # Without the token the session write is refused, nothing stored.
    refused = client.generic(
        "POST",
        "/?q=api/file.json",
        orjson.dumps(file),
        content_type="application/json",
        HTTP_ACCEPT="*/*",
    )
    assert refused.status_code == 401
    assert refused.reason_phrase == "Unauthorized : CSRF validation failed"
    assert stored_files(media) == []


# -- node/<nid>/attach_file and node/<nid>/files -------------------------------------------------


@pytest.fixture
def node(db, users):
    from django.contrib.auth.models import Permission

    from project.demo.models import Article

    users.uploader.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="demo", codename__in=("change_article", "view_article")
        )
    )
    return Article.objects.create(title="With images", author=users.uploader)


def attach(client, user, nid, files, fmt="json", **fields):
    content, content_type = multipart(files, **fields)
    headers = basic(user) if user is not None else {}
    return client.post(
        f"/api/node/{nid}/attach_file.{fmt}", content, content_type=content_type, **headers
    )


def image_items(node):
    from project.demo.models import ArticleImage

    return list(
        ArticleImage.objects.filter(article=node)
        .order_by("delta")
        .values_list("delta", "file__filename", "display")
    )


def test_attach_file_as_drupal_documents_it(client, media, users, node):
    """``<input name="files[anything1]" type="file">``, ``field_name``, ``attach``."""
    response = attach(
        client,
        users.uploader,
        node.pk,
        {"files[anything1]": ("one.png", PNG), "files[anything2]": ("two.jpg", b"jpeg")},
        field_name="field_image",
    )
    assert response.status_code == 200, response.reason_phrase
    rows = list(File.objects.order_by("fid"))
    assert body(response) == [
        {"fid": str(r.fid), "uri": f"http://testserver/api/file/{r.fid}"} for r in rows
    ]
    assert [r.uri for r in rows] == ["public://field/image/one.png", "public://field/image/two.jpg"]
    assert image_items(node) == [(0, "one.png", True), (1, "two.jpg", True)]
    assert stored_files(media) == ["field/image/one.png", "field/image/two.jpg"]
    # attach (default 1) adds after the existing items, with field_values per file.
    more = attach(
        client,
        users.uploader,
        node.pk,
        {"files[x]": ("three.gif", b"GIF89a")},
        fmt="xml",
        field_name="field_image",
        **{"field_values[0][display]": "0"},
    )
    assert more.status_code == 200
    root = ElementTree.fromstring(more.content)
    assert root.find("item").findtext("fid") == str(File.objects.get(filename="three.gif").fid)
    assert image_items(node)[-1] == (2, "three.gif", False)
    # attach=0 replaces every item.
    replaced = attach(
        client,
        users.uploader,
        node.pk,
        {"files[x]": ("four.png", PNG)},
        field_name="field_image",
        attach="0",
    )
    assert replaced.status_code == 200
    assert image_items(node) == [(0, "four.png", True)]


def test_attach_file_refusals_write_nothing(client, media, users, node):
    cases = [
        (
            {"files[a]": ("a.png", PNG)},
            {"field_name": "field_nope"},
            406,
            "Not Acceptable : Field name 'field_nope' not found on node type 'article'",
        ),
        (
            {"files[a]": ("a.txt", b"text")},
            {"field_name": "field_image"},
            406,
            "Not Acceptable : The specified file a.txt could not be uploaded. Only files with "
            "the following extensions are allowed: png gif jpg jpeg.",
        ),
        (
            {"files[a]": ("a.php.png", PNG)},
            {"field_name": "field_image"},
            406,
            "Not Acceptable : The specified file a.php.png could not be uploaded. For security "
            "reasons, your upload has been rejected.",
        ),
        (
            {f"files[{i}]": (f"{i}.png", PNG) for i in range(4)},
            {"field_name": "field_image"},
            406,
            "Not Acceptable : You cannot upload so many files.",
        ),
        (
            {"files[a]": ("a.png", PNG)},
            {"field_name": "field_image", "field_values[0][file]": "1"},
            406,
            "Not Acceptable : Unknown data properties: file.",
        ),
        (
            {"files[a]": ("a.png", PNG)},
            {},
            401,
            "Unauthorized : Missing required argument field_name",
        ),
    ]
    for files, fields, status, reason in cases:
        response = attach(client, users.uploader, node.pk, files, **fields)
        assert (response.status_code, response.reason_phrase) == (status, reason)
    assert File.objects.count() == 0
    assert image_items(node) == []
    assert stored_files(media) == []


def test_attach_file_access_and_missing_node(client, media, users, node):
    files = {"files[a]": ("a.png", PNG)}
    denied = attach(client, users.other, node.pk, files, field_name="field_image")
    assert denied.status_code == 403
    for nid in ("999999", "99999999999999999999999", "²"):
        missing = attach(client, users.uploader, nid, files, field_name="field_image")
        assert missing.status_code == 404
        assert missing.reason_phrase == f"Not found : Node {nid} could not be found"
    assert File.objects.count() == 0
    assert stored_files(media) == []


def test_node_files_relationship(client, media, users, node):
    attach(
        client,
        users.uploader,
        node.pk,
        {"files[a]": ("a.png", PNG), "files[b]": ("b.jpg", b"jpeg")},
        field_name="field_image",
    )
    response = client.get(f"/api/node/{node.pk}/files.json")
    assert response.status_code == 200
    files = body(response)
    assert [f["filename"] for f in files] == ["a.png", "b.jpg"]
    assert base64.b64decode(files[0]["file"]) == PNG
    assert files[1]["uri"] == "public://field/image/b.jpg"
    assert files[1]["uri_full"] == "http://testserver/media/field/image/b.jpg"
    # node/<nid>/files/<file_contents>: 0 leaves the contents out.
    light = body(client.get(f"/api/node/{node.pk}/files/0.json"))
    assert [sorted(f) for f in light][0] == sorted(
        [
            "fid",
            "uid",
            "filename",
            "uri",
            "filemime",
            "filesize",
            "status",
            "timestamp",
            "uri_full",
            "target_uri",
            "image_styles",
        ]
    )
    xml = client.get(f"/api/node/{node.pk}/files/0.xml")
    root = ElementTree.fromstring(xml.content)
    assert [item.findtext("filename") for item in root] == ["a.png", "b.jpg"]
    assert body(client.get(f"/api/node/{data_free_node(node)}/files.json")) == []
    missing = client.get("/api/node/999999/files.json")
    assert missing.reason_phrase == "Not found : Node 999999 could not be found"


def data_free_node(node):
    from project.demo.models import Article

    return Article.objects.create(title="No images", author=node.author).pk


def test_attached_file_cannot_be_deleted(client, media, users, node):
    attach(client, users.uploader, node.pk, {"files[a]": ("a.png", PNG)}, field_name="field_image")
    fid = File.objects.get().fid
    response = client.delete(f"/api/file/{fid}.json", **basic(users.uploader))
    assert response.status_code == 406
    assert response.reason_phrase == f"Not Acceptable : File {fid} is in use and cannot be deleted."
    assert File.objects.count() == 1
    assert stored_files(media) == ["field/image/a.png"]


def test_create_from_xml_and_form_bodies(client, media, users):
    """The body parsers all feed the same argument: XML (root name ignored) and form."""
    from urllib.parse import urlencode

    xml = f"<file><file>{b64(PNG)}</file><filename>from-xml.png</filename></file>"
    response = client.post(
        "/api/file.xml", xml, content_type="application/xml", **basic(users.uploader)
    )
    assert response.status_code == 200, response.reason_phrase
    fid = ElementTree.fromstring(response.content).findtext("fid")
    assert File.objects.get(fid=fid).filename == "from-xml.png"
    form = urlencode({"file[file]": b64(b"form"), "file[filename]": "form.txt"})
    response = client.post(
        "/api/file.json",
        form,
        content_type="application/x-www-form-urlencoded",
        **basic(users.uploader),
    )
    assert response.status_code == 200, response.reason_phrase
    assert (media / "form.txt").read_bytes() == b"form"


def test_other_schemes_fall_back_to_public(client, media, users):
    """DrupalGap sends ``private://`` when the site has a private path; Services replaces a
    scheme it cannot use with the default one."""
    response = create(client, users.uploader, filepath="private://field/image/p.png")
    assert response.status_code == 200
    assert File.objects.get().uri == "public://field/image/p.png"
    assert stored_files(media) == ["field/image/p.png"]


def test_node_files_queries_do_not_grow_per_file(
    client, media, users, node, django_assert_max_num_queries
):
    files = {f"files[{i}]": (f"{i}.png", PNG) for i in range(3)}
    assert (
        attach(client, users.uploader, node.pk, files, field_name="field_image").status_code == 200
    )
    with django_assert_max_num_queries(4):  # node visible, items, files (+ session-less auth)
        response = client.get(f"/api/node/{node.pk}/files/0.json")
    assert [f["filename"] for f in body(response)] == ["0.png", "1.png", "2.png"]
