"""Schemathesis against every demo endpoint's own OpenAPI document (a bounded run; the long
one is ``benchmarks/fuzz_openapi.py``): no 5xx, and every response matches the document
(status code, content type, body schema)."""

import logging

import pytest
from django.core.wsgi import get_wsgi_application

from benchmarks.fuzz_openapi import fuzz
from project.demo.endpoints import DEMO_ENDPOINTS
from services_api.models import Endpoint


@pytest.fixture
def quiet_request_log():
    logging.disable(logging.WARNING)  # every generated 4xx is logged by django.request
    yield
    logging.disable(logging.NOTSET)


@pytest.fixture
def keep_test_connection():
    """Requests go straight to the WSGI handler, whose ``close_old_connections`` would close
    the test's transaction-wrapped connection on PostgreSQL: keep it, as Django's test client
    does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("name", [e["name"] for e in DEMO_ENDPOINTS])
def test_schemathesis_finds_no_failures(name, quiet_request_log, keep_test_connection, settings):
    settings.ALLOWED_HOSTS = ["*"]
    path = Endpoint.objects.get(name=name).path
    url = f"/{path}/openapi.json" if path else "/openapi.json"
    report = fuzz(get_wsgi_application(), url, name, per_operation=2, seed=1)
    assert report.operations > 0
    assert report.cases >= report.operations
    assert report.failures == []
