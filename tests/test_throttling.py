"""DRF throttles, per-endpoint and per-resource rates apply on Services endpoints: 429 with
Retry-After in the endpoint's format, counted per caller in the shared cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from services_api.models import Endpoint, EndpointResource

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def endpoint():
    endpoint = Endpoint.objects.create(
        name="thr",
        path="thr",
        authentication=["session", "basic"],
        formatters=["json", "xml"],
        parsers=["application/json"],
    )
    EndpointResource.objects.create(endpoint=endpoint, resource="system", actions=["connect"])
    EndpointResource.objects.create(
        endpoint=endpoint, resource="user", operations=["retrieve", "index"]
    )
    return endpoint


def connect(client, fmt="json", **extra):
    return client.post(
        f"/thr/system/connect.{fmt}", data="{}", content_type="application/json", **extra
    )


def test_drf_default_throttle_rates_apply_on_endpoints(client, endpoint, monkeypatch):
    monkeypatch.setattr(api_settings, "DEFAULT_THROTTLE_CLASSES", [AnonRateThrottle])
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    statuses = [connect(client).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = connect(client)
    # Drupal names only 401, 404 and 406 on the status line; others read ": <message>".
    assert response.reason_phrase == ": Too many requests. Try again later."
    assert response.json() == ["Too many requests. Try again later."]
    assert 0 < int(response["Retry-After"]) <= 60


def test_endpoint_rate_counts_every_resource_of_the_endpoint(client, endpoint):
    endpoint.throttle_rates = {"anon": "2/min"}
    endpoint.save()
    assert connect(client).status_code == 200
    assert client.get("/thr/user.json").status_code in (200, 401, 403)
    response = connect(client, "xml")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/xml")
    assert b"<result>Too many requests. Try again later.</result>" in response.content
    assert "Retry-After" in response


def test_resource_rate_is_its_own_budget(client, endpoint):
    EndpointResource.objects.filter(endpoint=endpoint, resource="system").update(
        throttle_rates={"anon": "1/min"}
    )
    from services_api.endpoints.snapshot import bump_version

    bump_version()
    assert connect(client).status_code == 200
    assert connect(client).status_code == 429
    # Other resources of the endpoint are not limited by the system resource's budget.
    assert client.get("/thr/user/1.json").status_code != 429


def test_user_rate_counts_signed_in_users_not_anonymous_ones(client, endpoint, django_user_model):
    endpoint.throttle_rates = {"user": "1/min"}
    endpoint.save()
    for _ in range(3):
        assert connect(client).status_code == 200  # anonymous: no anon rate set
    django_user_model.objects.create_user("thr", password="pw")
    auth = {"HTTP_AUTHORIZATION": "Basic dGhyOnB3"}  # thr:pw
    assert connect(client, **auth).status_code == 200
    assert connect(client, **auth).status_code == 429


def test_rates_are_validated(endpoint):
    from django.core.exceptions import ValidationError

    endpoint.throttle_rates = {"anon": "lots", "robots": "1/min"}
    with pytest.raises(ValidationError) as info:
        endpoint.full_clean()
    message = str(info.value)
    assert "'robots' is not anon or user" in message
    assert "anon: 'lots' is not a rate like 60/min" in message


def test_rates_round_trip_through_export_and_import(endpoint):
    from services_api.endpoints.portable import export_endpoint, run_import

    endpoint.throttle_rates = {"user": "100/hour", "anon": "10/min"}
    endpoint.save()
    EndpointResource.objects.filter(endpoint=endpoint, resource="user").update(
        throttle_rates={"anon": "5/min"}
    )
    data = export_endpoint(endpoint)
    assert data["throttle_rates"] == {"anon": "10/min", "user": "100/hour"}
    assert data["resources"]["user"]["throttle_rates"] == {"anon": "5/min"}
    assert "throttle_rates" not in data["resources"]["system"]
    data["resources"]["user"]["throttle_rates"] = {"anon": "6/min"}
    run_import([data])
    assert EndpointResource.objects.get(endpoint=endpoint, resource="user").throttle_rates == {
        "anon": "6/min"
    }


def test_import_rejects_bad_rates(endpoint):
    from services_api.endpoints.portable import EndpointImportError, run_import

    with pytest.raises(EndpointImportError) as info:
        run_import(
            [
                {
                    "name": "bad",
                    "path": "bad",
                    "throttle_rates": {"anon": "fast"},
                    "resources": {"system": {"throttle_rates": ["1/min"]}},
                }
            ]
        )
    text = str(info.value)
    assert "resource 'system': throttle_rates must be a mapping" in text
    assert "throttle_rates: anon: 'fast' is not a rate like 60/min." in text


def test_admin_saves_rates(admin_client, endpoint):
    url = f"/admin/services_api/endpoint/{endpoint.pk}/change/"
    page = admin_client.get(url)
    assert b'name="throttle_rates"' in page.content
    assert b'name="resources-0-throttle_rates"' in page.content
