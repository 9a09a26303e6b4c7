"""The CSRF matrix (spec §7): only session-authenticated unsafe requests need ``X-CSRF-Token``.

Auth method (session, anonymous, Basic, API key, bearer) x safe (GET retrieve) and unsafe
(POST create, PUT update, DELETE delete) methods, on an endpoint enabling all four methods.
"""

import base64

import orjson
import pytest

from services_api.auth.tokens import create_api_key, issue_bearer_token

pytestmark = pytest.mark.django_db

ALL_METHODS = ["session", "basic", "api_key", "bearer"]
REQUESTS = {
    "GET": ("get", "/test/echo/1.json"),
    "POST": ("post", "/test/echo.json"),
    "PUT": ("put", "/test/echo/1.json"),
    "DELETE": ("delete", "/test/echo/1.json"),
}
UNSAFE = ["POST", "PUT", "DELETE"]
AUTHS = ["session", "anonymous", "basic", "api_key", "bearer"]
TOKEN_URLS = ["/services/session/token", "/?q=services/session/token"]


@pytest.fixture
def endpoint(make_endpoint):
    return make_endpoint(authentication=ALL_METHODS)


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.com", "pw")


@pytest.fixture
def as_user(client, alice):
    """Configure ``client`` for one auth method; returns the headers to send with each call."""

    def configure(auth: str) -> dict[str, str]:
        if auth == "session":
            client.force_login(alice)
            return {}
        if auth == "basic":
            creds = base64.b64encode(b"alice:pw").decode()
            return {"HTTP_AUTHORIZATION": f"Basic {creds}"}
        if auth == "api_key":
            return {"HTTP_X_API_KEY": create_api_key(alice)[1]}
        if auth == "bearer":
            return {"HTTP_AUTHORIZATION": f"Bearer {issue_bearer_token(alice)[0]}"}
        return {}

    return configure


def send(client, method: str, suffix: str = "json", **headers):
    verb, url = REQUESTS[method]
    url = url.replace(".json", f".{suffix}")
    if method == "GET":
        return client.get(url, **headers)
    body = orjson.dumps({"echo": {"a": 1}}) if method != "DELETE" else b""
    return getattr(client, verb)(url, body, content_type="application/json", **headers)


def csrf_token(client) -> str:
    response = client.get("/services/session/token")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("auth", AUTHS)
def test_safe_method_needs_no_token(client, endpoint, as_user, auth):
    headers = as_user(auth)
    response = send(client, "GET", **headers)
    assert response.status_code == 200
    assert orjson.loads(response.content) == {"op": "retrieve", "id": "1"}


@pytest.mark.parametrize("method", UNSAFE)
@pytest.mark.parametrize("suffix", ["json", "xml"])
def test_session_unsafe_without_token_is_refused(client, endpoint, as_user, method, suffix):
    as_user("session")
    response = send(client, method, suffix)
    assert response.status_code == 401
    assert response.reason_phrase == "Unauthorized : CSRF validation failed"
    if suffix == "json":
        assert response.content == b'["CSRF validation failed"]'
    else:
        assert b"<result>CSRF validation failed</result>" in response.content


@pytest.mark.parametrize("method", UNSAFE)
def test_session_unsafe_with_wrong_token_is_refused(client, endpoint, as_user, method):
    as_user("session")
    response = send(client, method, HTTP_X_CSRF_TOKEN="x" * 43)
    assert response.status_code == 401
    assert response.content == b'["CSRF validation failed"]'


@pytest.mark.parametrize("method", UNSAFE)
def test_session_unsafe_with_valid_token(client, endpoint, as_user, method):
    as_user("session")
    response = send(client, method, HTTP_X_CSRF_TOKEN=csrf_token(client))
    assert response.status_code == 200


def test_session_overridden_post_is_checked(client, endpoint, as_user):
    as_user("session")
    response = client.post("/test/echo/1.json?_method=DELETE")
    assert response.status_code == 401
    assert response.content == b'["CSRF validation failed"]'
    token = csrf_token(client)
    response = client.post("/test/echo/1.json?_method=DELETE", HTTP_X_CSRF_TOKEN=token)
    assert response.status_code == 200
    assert orjson.loads(response.content) == [True]


def test_session_token_as_services_token_parameter(client, endpoint, as_user):
    as_user("session")
    token = csrf_token(client)
    response = client.post(
        f"/test/echo.json?services_token={token}", b"{}", content_type="application/json"
    )
    assert response.status_code == 200


@pytest.mark.parametrize("auth", ["anonymous", "basic", "api_key", "bearer"])
@pytest.mark.parametrize("method", UNSAFE)
def test_other_methods_unsafe_need_no_token(client, endpoint, as_user, auth, method):
    headers = as_user(auth)
    response = send(client, method, **headers)
    assert response.status_code == 200


@pytest.mark.parametrize("auth", ["anonymous", "basic", "api_key", "bearer"])
@pytest.mark.parametrize("method", UNSAFE)
def test_stale_token_is_ignored_without_session(client, endpoint, as_user, auth, method):
    headers = as_user(auth)
    response = send(client, method, HTTP_X_CSRF_TOKEN="stale-garbage-token", **headers)
    assert response.status_code == 200


@pytest.mark.parametrize("auth", ["session", "basic", "api_key", "bearer"])
def test_each_method_identifies_the_user(client, endpoint, as_user, auth):
    headers = as_user(auth)
    if auth == "session":
        headers["HTTP_X_CSRF_TOKEN"] = csrf_token(client)
    response = client.post(
        "/test/echo/secret.json", b"{}", content_type="application/json", **headers
    )
    assert response.status_code == 200
    assert orjson.loads(response.content) == {"op": "secret", "user": "alice"}


def test_session_cookie_ignored_without_session_auth(client, make_endpoint, as_user):
    make_endpoint(authentication=["basic", "api_key", "bearer"])
    as_user("session")
    for method in UNSAFE:  # no CSRF check: the request is anonymous
        assert send(client, method).status_code == 200
    response = client.post("/test/echo/secret.json", b"{}", content_type="application/json")
    assert response.status_code == 401  # anonymous + Basic enabled: a 401 challenge
    assert response.reason_phrase == "Unauthorized : Access denied for user anonymous"


def test_session_cookie_ignored_without_any_auth(client, make_endpoint, as_user):
    make_endpoint(authentication=[])
    as_user("session")
    assert send(client, "POST").status_code == 200
    response = client.post("/test/echo/secret.json", b"{}", content_type="application/json")
    assert response.status_code == 403
    assert orjson.loads(response.content) == ["Access denied for user anonymous"]


# --- the token endpoint --------------------------------------------------------------------


@pytest.mark.parametrize("url", TOKEN_URLS)
def test_token_endpoint_is_plain_text(client, alice, url):
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert len(response.content) == 43
    assert b"\n" not in response.content
    assert "no-cache" in response["Cache-Control"]
    assert response.content.decode() == csrf_token(client)


def test_token_changes_with_the_session(client, endpoint, alice, django_user_model):
    session = client.session  # an anonymous session with a cookie, as a browser would have
    session["seen"] = True
    session.save()
    before = csrf_token(client)
    assert csrf_token(client) == before  # bound to the session, stable
    client.force_login(alice)  # login rotates the session key, hence the token
    first = csrf_token(client)
    assert first != before
    assert csrf_token(client) == first
    assert send(client, "POST", HTTP_X_CSRF_TOKEN=before).status_code == 401
    assert send(client, "POST", HTTP_X_CSRF_TOKEN=first).status_code == 200
    other = django_user_model.objects.create_user("bob")
    client.force_login(other)  # another user: a new session
    second = csrf_token(client)
    assert second not in (before, first)
    assert send(client, "POST", HTTP_X_CSRF_TOKEN=first).status_code == 401
    assert send(client, "POST", HTTP_X_CSRF_TOKEN=second).status_code == 200


def test_anonymous_token_is_throwaway(client):
    first = csrf_token(client)
    assert len(first) == 43
    assert csrf_token(client) != first
