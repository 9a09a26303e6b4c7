"""A backing service that does not answer: the database gives 503 + Retry-After in the
endpoint's format and one log line, and service resumes by itself; Redis down degrades (the
configuration and login throttles go on without it) unless it holds the sessions (503).

The outage is simulated in-process: every SQL statement raises the error psycopg raises when
PostgreSQL restarts. The load command (``benchmarks/load.py --fault pg-restart@10``) does the
same against a real PostgreSQL restart.
"""

from __future__ import annotations

import logging
import re
import socket
from contextlib import contextmanager

import pytest
from _pytest.monkeypatch import MonkeyPatch
from django.contrib.auth import get_user_model
from django.db import OperationalError
from django.db.backends import utils as db_utils

from project.demo.models import Article
from tests.entity_helpers import basic, make_data

MESSAGE = "Service Unavailable: try again later."


@pytest.fixture
def data(db):
    return make_data()


WRITES = r"INSERT|UPDATE|DELETE"
SESSION_SAVES = r'(INSERT INTO|UPDATE) "django_session"'


@contextmanager
def database_down(only: str | None = None):
    """Every SQL statement fails as when PostgreSQL restarts, until the block ends; ``only``:
    just the statements starting with that pattern (``WRITES``: the outage begins during a
    write; ``SESSION_SAVES``: after the view answered, when the session is saved)."""
    originals = {name: getattr(db_utils.CursorWrapper, name) for name in ("execute", "executemany")}
    pattern = re.compile(only, re.IGNORECASE) if only else None

    def failing(name):
        def fail(self, sql, *args, **kwargs):
            if pattern is not None and not pattern.match(sql.lstrip()):
                return originals[name](self, sql, *args, **kwargs)
            raise OperationalError(
                "terminating connection due to administrator command\nSSL SYSCALL error: EOF"
            )

        return fail

    patch = MonkeyPatch()
    for name in originals:
        patch.setattr(db_utils.CursorWrapper, name, failing(name))
    try:
        yield
    finally:
        patch.undo()


def assert_unavailable(response, content_type="application/json"):
    assert response.status_code == 503, response.content[:200]
    assert response.reason_phrase == f": {MESSAGE}"
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith(content_type)


def test_database_down_while_the_configuration_is_cached(client, data, caplog):
    assert client.get("/api/entity_article.json").status_code == 200  # config now cached
    caplog.clear()
    with caplog.at_level(logging.WARNING), database_down():
        response = client.get("/api/entity_article/1.json")
        assert_unavailable(response)
        assert response.json() == [MESSAGE]
        xml = client.get("/api/entity_article/1.xml")
        assert_unavailable(xml, "application/xml")
        assert b"<result>Service Unavailable: try again later.</result>" in xml.content
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) == 2, [r.getMessage() for r in records]  # one line per request
    for record in records:
        assert record.exc_info is None and record.levelno == logging.WARNING
        assert record.getMessage() == (
            "Service unavailable: OperationalError: "
            "terminating connection due to administrator command"
        )
    assert client.get(f"/api/entity_article/{data.articles[0].pk}.json").status_code == 200


def test_database_down_before_the_configuration_is_read(client, db, caplog):
    with caplog.at_level(logging.WARNING), database_down():
        response = client.get("/api/node.json")
    assert_unavailable(response)
    assert response.json() == [MESSAGE]
    assert [r.exc_info for r in caplog.records if r.levelno >= logging.WARNING] == [None]
    assert client.get("/api/node.json").status_code in (200, 404)


def test_writes_and_logins_during_an_outage(client, data):
    client.get("/api/entity_article.json")  # configuration cached
    with database_down():
        created = client.post(
            "/api/entity_article.json",
            {"title": "x", "body": "y", "status": 1},
            content_type="application/json",
            **basic(data.staff),
        )
        login = client.post(
            "/api/user/login.json",
            {"username": "alice", "password": "secret-pass"},
            content_type="application/json",
        )
    assert_unavailable(created)
    assert_unavailable(login)
    assert client.get("/api/entity_article.json?parameters[title]=x").status_code == 404


def test_problem_style_endpoint_answers_problem_json(client, make_endpoint, db):
    make_endpoint("probe", error_style="problem")
    client.get("/probe/echo/1.json")
    with database_down():
        response = client.get("/probe/echo/1.json?x=1", **basic("nobody"))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["title"] == "Service Unavailable"
    assert response["Retry-After"] == "5"


# -- The public DRF viewsets (/rest/) ---------------------------------------------------------

REST = "/rest/entity_article/"


def assert_rest_unavailable(response, caplog, content_type="application/json"):
    """503, Retry-After, DRF's body shape, and one warning line without a traceback."""
    assert response.status_code == 503, response.content[:200]
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith(content_type)
    if content_type == "application/json":
        assert response.json() == {"detail": MESSAGE}
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.name, r.getMessage(), r.exc_info) for r in records] == [
        (
            "services_api",
            "Service unavailable: OperationalError: "
            "terminating connection due to administrator command",
            None,
        )
    ]


def test_rest_list_and_retrieve_during_an_outage(client, data, caplog):
    item = f"{REST}{data.articles[0].pk}/"
    for url in (REST, item):
        caplog.clear()
        with caplog.at_level(logging.WARNING), database_down():
            response = client.get(url)
        assert_rest_unavailable(response, caplog)
    caplog.clear()
    with caplog.at_level(logging.WARNING), database_down():
        page = client.get(item, HTTP_ACCEPT="text/html")  # DRF's browsable API
    assert_rest_unavailable(page, caplog, "text/html")
    assert MESSAGE.encode() in page.content
    assert client.get(item).json()["title"] == "Alpha river"  # recovered by itself


def test_rest_write_during_an_outage_writes_nothing(client, data, caplog):
    before = Article.objects.count()
    payload = {"title": "During the outage", "author": data.alice.pk}
    with caplog.at_level(logging.WARNING), database_down(WRITES):
        response = client.post(REST, payload, content_type="application/json", **basic(data.staff))
    assert_rest_unavailable(response, caplog)
    assert Article.objects.count() == before
    item = f"{REST}{data.articles[0].pk}/"
    caplog.clear()
    with caplog.at_level(logging.WARNING), database_down(WRITES):
        response = client.patch(
            item, {"title": "Patched"}, content_type="application/json", **basic(data.staff)
        )
    assert_rest_unavailable(response, caplog)
    assert Article.objects.get(pk=data.articles[0].pk).title == "Alpha river"


def test_rest_user_login_during_an_outage(client, data, caplog):
    with caplog.at_level(logging.WARNING), database_down():
        response = client.post(
            "/rest/user/login/",
            {"username": "alice", "password": "secret-pass"},
            content_type="application/json",
        )
    assert_rest_unavailable(response, caplog)


# -- A session save failing in SessionMiddleware, any page (services_api.middleware) ----------


def assert_one_warning(caplog):
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.levelno, r.exc_info) for r in records] == [(logging.WARNING, None)], [
        r.getMessage() for r in records
    ]
    assert records[0].getMessage().startswith("Service unavailable: OperationalError: ")


@pytest.mark.urls("tests.outage_urls")
@pytest.mark.parametrize(
    ("query", "content_type", "body"),
    [
        ("", "text/plain", MESSAGE.encode()),
        ("?format=json", "application/json", b'{"detail":"' + MESSAGE.encode() + b'"}'),
    ],
)
def test_session_save_failing_after_a_page_answered(client, db, caplog, query, content_type, body):
    with caplog.at_level(logging.WARNING), database_down(SESSION_SAVES):
        response = client.get("/remember/" + query)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith(content_type)
    assert response.content == body
    assert_one_warning(caplog)
    assert client.get("/remember/").status_code == 200  # recovered by itself


def test_session_save_failing_after_an_api_answer(client, data, settings, caplog):
    """With ``SESSION_SAVE_EVERY_REQUEST`` every answer saves the session after the view: the
    Services endpoint's 503 is in its format, the DRF viewset's in DRF's shape."""
    settings.SESSION_SAVE_EVERY_REQUEST = True
    client.force_login(data.staff)
    pk = data.articles[0].pk
    client.get("/api/entity_article.json")  # configuration cached
    caplog.clear()
    with caplog.at_level(logging.WARNING), database_down(SESSION_SAVES):
        xml = client.get(f"/api/entity_article/{pk}.xml")
    assert_unavailable(xml, "application/xml")
    assert b"<result>Service Unavailable: try again later.</result>" in xml.content
    assert_one_warning(caplog)
    caplog.clear()
    with caplog.at_level(logging.WARNING), database_down(SESSION_SAVES):
        rest = client.get(f"{REST}{pk}/")
    assert rest.status_code == 503
    assert rest["Retry-After"] == "5"
    assert rest.json() == {"detail": MESSAGE}
    assert_one_warning(caplog)
    assert client.get(f"/api/entity_article/{pk}.json").status_code == 200


def test_login_whose_own_session_save_fails(client, data, caplog):
    """The login saves its session itself: the view's own 503, not the middleware's."""
    client.get("/api/entity_article.json")  # configuration cached
    for url, expected in (
        ("/api/user/login.json", [MESSAGE]),
        ("/rest/user/login/", {"detail": MESSAGE}),
    ):
        caplog.clear()
        with caplog.at_level(logging.WARNING), database_down(SESSION_SAVES):
            response = client.post(
                url,
                {"username": "alice", "password": "secret-pass"},
                content_type="application/json",
            )
        assert response.status_code == 503, (url, response.content)
        assert response["Retry-After"] == "5"
        assert response.json() == expected
        assert_one_warning(caplog)


def test_admin_page_during_an_outage(client, data, caplog):
    client.force_login(data.staff)
    assert client.get("/admin/").status_code == 200
    with caplog.at_level(logging.WARNING), database_down():
        response = client.get("/admin/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.content == MESSAGE.encode()
    assert_one_warning(caplog)
    assert client.get("/admin/").status_code == 200


# -- Redis down ------------------------------------------------------------------------------


def dead_redis_url() -> str:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def redis_down(settings):
    dead = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": dead_redis_url(),
        "OPTIONS": {"socket_connect_timeout": 0.5},
    }
    settings.CACHES = {"default": dead}
    from services_api.endpoints.snapshot import forget_local_snapshot

    forget_local_snapshot()
    yield
    forget_local_snapshot()


def test_redis_down_degrades_configuration_and_throttles(client, data, redis_down, caplog):
    with caplog.at_level(logging.WARNING):
        assert client.get("/api/entity_article.json").status_code == 200
        login = client.post(
            "/api/user/login.json",
            {"username": "alice", "password": "secret-pass"},
            content_type="application/json",
        )
        assert login.status_code == 200, login.content
        wrong = client.post(
            "/api/user/login.json",
            {"username": "bob", "password": "wrong"},
            content_type="application/json",
        )
        assert wrong.status_code in (401, 406)
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any(m.startswith("Configuration cache unreachable") for m in messages)
    assert any(m.startswith("Login throttle skipped") for m in messages)
    assert all(r.exc_info is None for r in caplog.records if r.name == "services_api")


def test_redis_down_with_sessions_in_redis_is_503(client, data, redis_down, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    client.cookies[settings.SESSION_COOKIE_NAME] = "a" * 32
    # Django's cache session store reads a failing cache as "no session": anonymous.
    assert client.get("/api/entity_article.json").status_code == 200
    login = client.post(
        "/api/user/login.json",
        {"username": "alice", "password": "secret-pass"},
        content_type="application/json",
    )
    assert_unavailable(login)
    assert get_user_model().objects.filter(username="alice").exists()
    rest_login = client.post(
        "/rest/user/login/",
        {"username": "alice", "password": "secret-pass"},
        content_type="application/json",
    )
    assert rest_login.status_code == 503
    assert rest_login["Retry-After"] == "5"
    assert rest_login.json() == {"detail": MESSAGE}


def test_redis_down_endpoint_throttles_go_unthrottled(client, make_endpoint, redis_down, caplog):
    make_endpoint("limited", throttle_rates={"anon": "1/min"})
    with caplog.at_level(logging.WARNING):
        statuses = [client.get("/limited/echo/1.json").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    messages = [r.getMessage() for r in caplog.records]
    assert "Throttle skipped: cache unreachable (ConnectionError)" in messages
