"""Endpoint configuration: cached, no database reads when warm, admin edits applied live."""

import pytest

from services_api.models import Endpoint, EndpointResource

pytestmark = pytest.mark.django_db


def test_warm_request_reads_no_configuration(client, echo_endpoint, django_assert_num_queries):
    assert client.get("/test/echo/1.json").status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/test/echo/1.json").status_code == 200


def test_orm_change_applies_on_next_request(
    client, echo_endpoint, django_capture_on_commit_callbacks
):
    assert client.get("/test/echo.json").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        resource = EndpointResource.objects.get(endpoint=echo_endpoint, resource="echo")
        resource.operations = ["retrieve"]
        resource.save()
    assert client.get("/test/echo.json").status_code == 404


def test_admin_save_applies_on_next_request(
    admin_client, client, echo_endpoint, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    assert client.get("/test/echo/1.json").status_code == 200
    url = reverse("admin:services_api_endpoint_change", args=[echo_endpoint.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b'name="resources-0-operations"' in page.content
    form = page.context["adminform"].form
    inline = page.context["inline_admin_formsets"][0].formset
    post = {
        "name": "test",
        "path": "moved",
        "enabled": "on",
        "authentication": ["session"],
        "formatters": ["json"],
        "parsers": ["application/json"],
        "default_format": "json",
        "response_style": "services",
        "error_style": "drupal",
        "page_size": "20",
        "max_page_size": "100",
        "count_mode": "exact",
        "allow_registration": "on",
    }
    prefix = inline.prefix
    forms = inline.forms
    post.update(
        {
            f"{prefix}-TOTAL_FORMS": str(len(forms)),
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    )
    for i, inline_form in enumerate(forms):
        # Extra rows are offered for every other registered resource, pre-filled as a
        # browser would post them; left unchanged they are not saved.
        post[f"{prefix}-{i}-resource"] = inline_form.initial.get("resource", "")
        if inline_form.instance.pk:
            post[f"{prefix}-{i}-id"] = str(inline_form.instance.pk)
            post[f"{prefix}-{i}-endpoint"] = str(echo_endpoint.pk)
            post[f"{prefix}-{i}-resource"] = "echo"
            post[f"{prefix}-{i}-operations"] = ["retrieve"]
    assert form is not None
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, post)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert client.get("/test/echo/1.json").status_code == 404
    assert client.get("/moved/echo/1.json").status_code == 200
    assert client.get("/moved/echo.json").status_code == 404


def add_endpoint(admin_client, **fields):
    """POST the admin's add form for an endpoint named ``other`` (no resource rows)."""
    data = {
        "name": "other",
        "default_format": "json",
        "response_style": "services",
        "error_style": "drupal",
        "page_size": "20",
        "max_page_size": "100",
        "count_mode": "exact",
        "formatters": ["json"],
        "resources-TOTAL_FORMS": "0",
        "resources-INITIAL_FORMS": "0",
        **fields,
    }
    return admin_client.post("/admin/services_api/endpoint/add/", data)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("admin", "would shadow"),
        ("static/api", "would shadow"),
        ("api//x", "Use letters"),
        ("/api", "Use letters"),
        ("a pi", "Use letters"),
        ("test/sub", "overlaps"),
    ],
)
def test_admin_path_validation(admin_client, echo_endpoint, path, message):
    response = add_endpoint(admin_client, path=path)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Endpoint.objects.filter(name="other").exists()


def test_admin_duplicate_path(admin_client, echo_endpoint):
    response = add_endpoint(admin_client, path="test")
    assert "Endpoint with this Path already exists." in response.content.decode()


def test_admin_refuses_undeclared_action(admin_client):
    response = add_endpoint(
        admin_client,
        path="other",
        **{
            "resources-TOTAL_FORMS": "1",
            "resources-0-resource": "echo",
            "resources-0-actions": ["fly"],
        },
    )
    assert response.status_code == 200
    assert "fly" in response.content.decode()
    assert not Endpoint.objects.filter(name="other").exists()


def test_new_endpoint_has_drupal_defaults(db):
    endpoint = Endpoint.objects.create(name="fresh", path="fresh")
    assert endpoint.authentication == []
    assert endpoint.formatters == ["json", "xml"]
    assert "application/x-www-form-urlencoded" not in endpoint.parsers
    assert list(endpoint.resources.all()) == []


def test_demo_endpoint_exists_after_migrate(db):
    endpoint = Endpoint.objects.get(name="api")
    assert endpoint.path == "api"
    assert set(endpoint.authentication) == {"session", "basic"}
    assert "application/x-www-form-urlencoded" in endpoint.parsers


def test_check_interval_trusts_the_snapshot_until_it_expires(client, echo_endpoint, monkeypatch):
    """An edit made by another worker (its version published in the shared cache, nothing
    done in this process) applies here once the interval has passed."""
    from django.core.cache import cache
    from django.test import override_settings

    from services_api.endpoints import snapshot as config

    clock = [1000.0]
    monkeypatch.setattr(config.time, "monotonic", lambda: clock[0])
    with override_settings(SERVICES_API={"CONFIG_CHECK_INTERVAL": 5.0}):
        assert client.get("/test/echo.json").status_code == 200
        # Another worker's edit: rows changed without this process's signals, new version.
        EndpointResource.objects.filter(endpoint=echo_endpoint).update(operations=[])
        cache.set(config.VERSION_KEY, "another-workers-version", timeout=None)
        clock[0] += 4.0
        assert client.get("/test/echo.json").status_code == 200  # within the interval
        clock[0] += 2.0
        assert client.get("/test/echo.json").status_code == 404  # checked again


def test_an_edit_applies_at_once_in_the_process_that_saved_it(
    client, echo_endpoint, django_capture_on_commit_callbacks, monkeypatch
):
    """The default interval (1 s) never delays an edit in the process that made it."""
    from services_api.endpoints import snapshot as config
    from services_api.settings import services_settings

    assert services_settings.CONFIG_CHECK_INTERVAL == 1.0
    clock = [1000.0]
    monkeypatch.setattr(config.time, "monotonic", lambda: clock[0])
    assert client.get("/test/echo.json").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        EndpointResource.objects.filter(endpoint=echo_endpoint).update(operations=[])
        Endpoint.objects.get(pk=echo_endpoint.pk).save()
    assert client.get("/test/echo.json").status_code == 404  # same instant: no interval wait


def test_check_interval_zero_reads_the_version_on_every_request(client, echo_endpoint):
    from django.core.cache import cache
    from django.test import override_settings

    from services_api.endpoints import snapshot as config

    with override_settings(SERVICES_API={"CONFIG_CHECK_INTERVAL": 0}):
        assert client.get("/test/echo.json").status_code == 200
        EndpointResource.objects.filter(endpoint=echo_endpoint).update(operations=[])
        cache.set(config.VERSION_KEY, "another-workers-version", timeout=None)
        assert client.get("/test/echo.json").status_code == 404


def test_debug_flag_logs_calls_without_changing_responses(client, make_endpoint, caplog):
    import logging

    make_endpoint("loud", debug=True)
    with caplog.at_level(logging.INFO, logger="services_api"):
        response = client.get("/loud/echo/1.json")
    assert response.status_code == 200
    assert "services loud GET echo/1.json -> 200" in caplog.text


def test_snapshots_of_other_code_versions_are_never_read(client, echo_endpoint):
    """A snapshot pickled by a release with other fields (rolling deploy, shared cache) is
    stored under another key: this worker builds its own instead of unpickling it."""
    from django.core.cache import cache

    from services_api.endpoints import snapshot

    version = "old-release"
    cache.set(snapshot.VERSION_KEY, version, timeout=None)
    cache.set(f"services_api:config:snapshot:{version}", "a snapshot of another release")
    snapshot.forget_local_snapshot()
    assert client.get("/test/echo/1.json").status_code == 200
    assert snapshot.SNAPSHOT_KEY.format(version) != f"services_api:config:snapshot:{version}"
    assert isinstance(cache.get(snapshot.SNAPSHOT_KEY.format(version)), snapshot.Snapshot)
