"""The endpoint admin: operation matrix, example requests, export, import (dry-run diff, every
problem at once) and clone."""

from __future__ import annotations

import json

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from services_api.endpoints.portable import export_endpoint
from services_api.models import Endpoint, EndpointResource

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/services_api/endpoint/"
IMPORT = CHANGELIST + "import/"


@pytest.fixture
def endpoint():
    endpoint = Endpoint.objects.create(
        name="api2", path="api2", authentication=["session"], formatters=["json", "xml"]
    )
    EndpointResource.objects.create(
        endpoint=endpoint, resource="node", operations=["retrieve", "index"]
    )
    EndpointResource.objects.create(
        endpoint=endpoint, resource="user", alias="people", operations=["retrieve"]
    )
    return endpoint


def test_change_page_has_the_matrix_try_it_links_and_format_choices(admin_client, endpoint):
    page = admin_client.get(reverse("admin:services_api_endpoint_change", args=[endpoint.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "services-matrix" in html and "services_api/admin/matrix.js" in html
    # One table row per resource, not a block each.
    assert html.count('class="form-row') >= 3
    assert '<a href="/api2/node.json" target="_blank"><code>/api2/node.json</code></a>' in html
    assert "<code>/api2/people/1.json</code>" in html
    assert 'href="/api2/docs"' in html and 'href="/api2/openapi.json"' in html
    assert '<select name="default_format"' in html and '<option value="yaml"' in html


def test_default_format_must_be_a_known_formatter(admin_client, endpoint):
    url = reverse("admin:services_api_endpoint_change", args=[endpoint.pk])
    response = admin_client.post(
        url, {"name": "api2", "path": "api2", "default_format": "pdf", "formatters": ["json"]}
    )
    assert response.status_code == 200
    assert "Select a valid choice. pdf is not one of the available choices." in (
        response.content.decode()
    )
    endpoint.refresh_from_db()
    assert endpoint.default_format == "json"


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_export_action_downloads_the_endpoint(admin_client, endpoint, fmt):
    response = admin_client.post(
        CHANGELIST, {"action": f"export_{fmt}", "_selected_action": [endpoint.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="api2.{fmt}"'
    text = response.content.decode()
    data = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    assert data == export_endpoint(endpoint)


def test_export_of_several_endpoints_is_a_list(admin_client, endpoint):
    other = Endpoint.objects.create(name="zz", path="zz")
    response = admin_client.post(
        CHANGELIST, {"action": "export_json", "_selected_action": [endpoint.pk, other.pk]}
    )
    assert [item["name"] for item in json.loads(response.content)] == ["api2", "zz"]


def test_clone_action_makes_a_disabled_copy_with_resources(admin_client, endpoint):
    response = admin_client.post(
        CHANGELIST, {"action": "clone_endpoints", "_selected_action": [endpoint.pk]}, follow=True
    )
    assert response.status_code == 200
    copy = Endpoint.objects.get(name="api2_copy")
    assert copy.path == "api2-copy" and copy.enabled is False
    assert export_endpoint(copy)["resources"] == export_endpoint(endpoint)["resources"]
    assert "Created api2_copy" in response.content.decode()
    admin_client.post(CHANGELIST, {"action": "clone_endpoints", "_selected_action": [endpoint.pk]})
    assert Endpoint.objects.filter(name="api2_copy2", path="api2-copy2").exists()


def _upload(data, name="endpoint.json"):
    text = data if isinstance(data, str) else json.dumps(data)
    return SimpleUploadedFile(name, text.encode(), content_type="application/json")


def test_import_dry_run_shows_a_diff_and_writes_nothing(admin_client, endpoint):
    changed = export_endpoint(endpoint)
    changed["resources"]["node"]["operations"] = ["retrieve"]
    response = admin_client.post(IMPORT, {"file": _upload(changed), "dry_run": "on"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dry run: nothing was written" in html
    assert "Would update endpoint &#x27;api2&#x27; (2 resources)." in html
    assert "-    - index" in html  # the unified diff of the YAML export
    assert EndpointResource.objects.get(endpoint=endpoint, resource="node").operations == [
        "retrieve",
        "index",
    ]
    # The dry run carries the text into an "Import for real" form.
    assert 'name="text"' in html and "Import for real" in html
    response = admin_client.post(
        IMPORT, {"text": json.dumps(changed), "name": "endpoint.json"}, follow=True
    )
    assert response.redirect_chain[-1][0] == CHANGELIST
    assert "Updated endpoint &#x27;api2&#x27; (2 resources)." in response.content.decode()
    assert EndpointResource.objects.get(endpoint=endpoint, resource="node").operations == [
        "retrieve"
    ]


def test_import_creates_from_yaml(admin_client):
    text = yaml.safe_dump({"name": "fresh", "path": "fresh", "resources": {"node": {}}})
    response = admin_client.post(IMPORT, {"file": _upload(text, "fresh.yaml")}, follow=True)
    assert response.status_code == 200
    assert Endpoint.objects.get(name="fresh").resources.get().resource == "node"


def test_import_lists_every_problem_and_writes_nothing(admin_client):
    bad = [
        {"name": "one", "path": "admin", "resources": {"nope": {}}},
        {"name": "two", "path": "two", "page_size": "20"},
    ]
    response = admin_client.post(IMPORT, {"file": _upload(bad)})
    html = response.content.decode()
    assert "Nothing was imported: 3 problems." in html
    assert "resource &#x27;nope&#x27; is not registered" in html
    assert "would shadow the site&#x27;s own URLs" in html
    assert "page_size must be an integer" in html
    assert not Endpoint.objects.filter(name__in=["one", "two"]).exists()


def test_import_rejects_unreadable_files(admin_client):
    response = admin_client.post(IMPORT, {"file": _upload("{not json")})
    assert "not valid JSON" in response.content.decode()
    binary = SimpleUploadedFile("x.json", b"\xff\xfe\x00", content_type="application/json")
    response = admin_client.post(IMPORT, {"file": binary})
    assert "The file is not UTF-8 text." in response.content.decode()
    response = admin_client.post(IMPORT, {})
    assert "Choose a file to import." in response.content.decode()


def test_import_needs_add_and_change_permissions(client):
    user = get_user_model().objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_endpoint"))
    client.force_login(user)
    assert client.get(IMPORT).status_code == 403
    assert client.get(CHANGELIST).status_code == 200
    assert b'href="import/"' not in client.get(CHANGELIST).content


def test_changelist_links_the_import_page(admin_client):
    response = admin_client.get(CHANGELIST)
    assert b'<a href="import/" class="addlink">Import</a>' in response.content
    assert admin_client.get(IMPORT).status_code == 200
