"""Schemathesis against every demo endpoint's own OpenAPI document (a bounded run; the long
one is ``benchmarks/fuzz_openapi.py``): no 5xx, and every response matches the document
(status code, content type, body schema). Anonymous on every endpoint, and as an admin with
HTTP Basic on the endpoints that take it, so that creates, updates and deletes of the entity
resources really run (every other case of an item operation names a stored row)."""

import logging

import pytest
from django.core.wsgi import get_wsgi_application

from benchmarks.fuzz_openapi import basic_auth, endpoint_models, fuzz, stored_ids
from project.demo.endpoints import DEMO_ENDPOINTS
from project.demo.models import Article, Comment, CreditAwarded, Enrollment, Tag, Vocabulary
from services_api.endpoints.snapshot import get_snapshot
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


@pytest.fixture
def stored_rows(django_user_model):
    """A few rows of every entity resource the endpoints serve, for item operations."""
    author = django_user_model.objects.create_user("writer", "w@example.com", "pw")
    vocabulary = Vocabulary.objects.create(name="Topics", machine_name="topics")
    tags = [Tag.objects.create(name=f"tag{n}", vocabulary=vocabulary) for n in range(3)]
    for n in range(4):
        article = Article.objects.create(title=f"A{n}", body="b", author=author)
        article.tags.set(tags[:2])
        Comment.objects.create(article=article, author=author, subject=f"S{n}")
        Enrollment.objects.create(uid=author, nid=article)
        CreditAwarded.objects.create(uid=author, nid=article)


BASIC = [e["name"] for e in DEMO_ENDPOINTS if "basic" in e["authentication"]]


@pytest.mark.django_db
@pytest.mark.parametrize("name", BASIC)
def test_schemathesis_as_an_admin_finds_no_failures(
    name, quiet_request_log, keep_test_connection, settings, stored_rows, django_user_model
):
    settings.ALLOWED_HOSTS = ["*"]
    django_user_model.objects.create_superuser("fuzzadmin", "f@example.com", "fuzz-pw")
    path = Endpoint.objects.get(name=name).path
    url = f"/{path}/openapi.json" if path else "/openapi.json"
    ids = stored_ids(endpoint_models(get_snapshot().by_name(name)))
    report = fuzz(
        get_wsgi_application(),
        url,
        f"{name} (admin)",
        per_operation=2,
        seed=1,
        headers=basic_auth("fuzzadmin", "fuzz-pw"),
        ids=ids,
    )
    print(f"\n{report.endpoint}: {report.cases} cases, {len(report.failures)} failures")
    assert report.operations > 0
    assert report.failures == []
    # The admin's writes really run: stored rows are updated and deleted.
    assert report.statuses["PUT 200"] and report.statuses["DELETE 200"]
