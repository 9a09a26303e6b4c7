"""The one error path: whatever raises (a custom resource, an entity operation, the query
grammar, a parser, an authenticator), the answer is the endpoint's error shape, never a 500
for an expected error class; the same exceptions under plain DRF views keep their status."""

import orjson
import pytest
from django.conf import settings
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from services_api.auth.tokens import create_api_key, issue_bearer_token
from services_api.exceptions import ServicesError
from tests.testapp.models import Widget

XML_HEAD = b'<?xml version="1.0" encoding="utf-8"?>\n'
BASIC_REALM = f'Basic realm="{settings.SERVICES_API["SITE_NAME"]}"'
BEARER_REALM = f'Bearer realm="{settings.SERVICES_API["SITE_NAME"]}"'


@pytest.fixture
def endpoint(make_endpoint):
    return make_endpoint(
        "errs",
        authentication=["session", "api_key", "bearer"],
        resources={
            "failing": {"operations": ["retrieve"]},
            "echo": {"actions": ["shout"], "operations": ["create"]},
            "entity_widget": {"operations": ["retrieve", "index", "update"]},
        },
    )


def assert_error(response, status, phrase, json_body=None, xml_body=None):
    assert response.status_code == status, response.content
    assert response.reason_phrase == phrase
    if json_body is not None:
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.content == json_body
    if xml_body is not None:
        assert response["Content-Type"] == "application/xml; charset=utf-8"
        assert response.content == XML_HEAD + b"<result>" + xml_body + b"</result>\n"


# (what the callback raises, status, status line, JSON body, XML body inside <result>)
CUSTOM_RESOURCE_ERRORS = [
    (
        "entity_not_found",
        404,
        "Not found : Entity or revision not found",
        b'["Entity or revision not found"]',
        b"Entity or revision not found",
    ),
    (
        "invalid_data",
        406,
        "Not Acceptable : Validation failed.",
        b'{"form_errors":{"name":["This field is required."]}}',
        b'<form_errors><name is_array="true"><item>This field is required.</item></name>'
        b"</form_errors>",
    ),
    (
        "unknown_parameter",
        406,
        "Not Acceptable : Parameter colour does not exist",
        b'["Parameter colour does not exist"]',
        b"Parameter colour does not exist",
    ),
    (
        "bad_parameter",
        400,
        ": Invalid value for parameter size: expected an integer",
        b'["Invalid value for parameter size: expected an integer"]',
        b"Invalid value for parameter size: expected an integer",
    ),
    (
        "entity_access_denied",
        403,
        ": Access denied for user anonymous",
        b'["Access denied for user anonymous"]',
        b"Access denied for user anonymous",
    ),
    ("services_error", 409, ": Widget is locked", b'["Widget is locked"]', b"Widget is locked"),
    ("http404", 404, "Not found : Not found", b'["Not found"]', b"Not found"),
    (
        "permission_denied",
        403,
        ": Access denied for user anonymous",
        b'["Access denied for user anonymous"]',
        b"Access denied for user anonymous",
    ),
    (
        "drf_validation",
        406,
        "Not Acceptable : Validation failed.",
        b'{"form_errors":{"name":["Too long."]}}',
        b'<form_errors><name is_array="true"><item>Too long.</item></name></form_errors>',
    ),
    ("drf_parse_error", 400, ": Bad widget.", b'["Bad widget."]', b"Bad widget."),
]


@pytest.mark.parametrize(
    ("name", "status", "phrase", "json_body", "xml_body"), CUSTOM_RESOURCE_ERRORS
)
def test_custom_resource_errors_in_json_and_xml(
    client, endpoint, name, status, phrase, json_body, xml_body
):
    assert_error(client.get(f"/errs/failing/{name}.json"), status, phrase, json_body=json_body)
    assert_error(client.get(f"/errs/failing/{name}.xml"), status, phrase, xml_body=xml_body)


def test_entity_access_denied_names_the_signed_in_user(client, endpoint, django_user_model):
    client.force_login(django_user_model.objects.create_user("carol"))
    response = client.get("/errs/failing/entity_access_denied.json")
    assert_error(
        response, 403, ": Access denied for user carol", b'["Access denied for user carol"]'
    )


def test_unexpected_error_is_a_bare_500_without_internals(client, endpoint):
    for suffix in ("json", "xml"):
        response = client.get(f"/errs/failing/runtime.{suffix}")
        assert response.status_code == 500
        assert response.reason_phrase == ": An error occurred."
        assert b"An error occurred." in response.content
        assert b"secret internals" not in response.content
        assert b"RuntimeError" not in response.content


def test_problem_style(client, make_endpoint):
    make_endpoint(
        "problems", error_style="problem", resources={"failing": {"operations": ["retrieve"]}}
    )
    response = client.get("/problems/failing/invalid_data.xml")
    assert response.status_code == 406
    assert response.reason_phrase == "Not Acceptable"
    assert response["Content-Type"] == "application/problem+json; charset=utf-8"
    assert orjson.loads(response.content) == {
        "type": "about:blank",
        "title": "Not Acceptable",
        "status": 406,
        "detail": "Validation failed.",
        "errors": {"form_errors": {"name": ["This field is required."]}},
    }


def test_browsable_page_renders_the_error(client, make_endpoint):
    make_endpoint(
        "browse",
        formatters=["json", "xml", "api"],
        resources={"failing": {"operations": ["retrieve"]}},
    )
    response = client.get("/browse/failing/entity_not_found?format=api")
    assert response.status_code == 404
    assert response.reason_phrase == "Not found : Entity or revision not found"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b"Entity or revision not found" in response.content
    assert b"HTTP 404" in response.content  # DRF's page shows the response's status


# -- entity operations and the query grammar on a generated entity_* resource -----------------


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "pw")


def test_entity_operation_errors_in_json_and_xml(client, endpoint, root):
    widget = Widget.objects.create(name="w", size=1)
    client.force_login(root)
    assert_error(
        client.get("/errs/entity_widget/999999.json"),
        404,
        "Not found : Entity or revision not found",
        json_body=b'["Entity or revision not found"]',
    )
    assert_error(
        client.get("/errs/entity_widget/999999.xml"),
        404,
        "Not found : Entity or revision not found",
        xml_body=b"Entity or revision not found",
    )
    # Anonymous update: the access check refuses (403, no Basic on this endpoint).
    client.logout()
    response = client.put(
        f"/errs/entity_widget/{widget.pk}.xml", b'{"size": 2}', content_type="application/json"
    )
    assert_error(
        response,
        403,
        ": Access denied for user anonymous",
        xml_body=b"Access denied for user anonymous",
    )


def test_query_grammar_errors_in_json_and_xml(client, endpoint, root):
    client.force_login(root)
    phrase = "Not Acceptable : Parameter colour does not exist"
    assert_error(
        client.get("/errs/entity_widget.json?parameters[colour]=red"),
        406,
        phrase,
        json_body=b'["Parameter colour does not exist"]',
    )
    assert_error(
        client.get("/errs/entity_widget.xml?parameters[colour]=red"),
        406,
        phrase,
        xml_body=b"Parameter colour does not exist",
    )


# -- parsing and arguments --------------------------------------------------------------------


def test_parser_errors_in_json_and_xml(client, endpoint):
    for suffix, body in (
        ("json", b'["Invalid JSON."]'),
        ("xml", XML_HEAD + b"<result>Invalid JSON.</result>\n"),
    ):
        response = client.post(f"/errs/echo.{suffix}", b"{nope", content_type="application/json")
        assert_error(response, 400, ": Invalid JSON.")
        assert response.content == body


# -- authentication on the Services endpoint --------------------------------------------------


def test_csrf_failure_in_json_and_xml(client, endpoint, django_user_model):
    client.force_login(django_user_model.objects.create_user("carol"))
    for suffix, json_body, xml_body in (
        ("json", b'["CSRF validation failed"]', None),
        ("xml", None, b"CSRF validation failed"),
    ):
        response = client.post(
            f"/errs/echo/shout.{suffix}", b'{"text": "a"}', content_type="application/json"
        )
        assert_error(
            response,
            401,
            "Unauthorized : CSRF validation failed",
            json_body=json_body,
            xml_body=xml_body,
        )
        assert "WWW-Authenticate" not in response  # no challenge: Basic is not enabled


def test_bad_api_key_in_json_and_xml(client, endpoint):
    for suffix, json_body, xml_body in (
        ("json", b'["Invalid API key."]', None),
        ("xml", None, b"Invalid API key."),
    ):
        response = client.get(f"/errs/failing/services_error.{suffix}", HTTP_X_API_KEY="nope")
        assert_error(
            response, 401, "Unauthorized : Invalid API key.", json_body=json_body, xml_body=xml_body
        )


def test_bad_bearer_token_carries_its_challenge(client, endpoint):
    response = client.get("/errs/failing/services_error.xml", HTTP_AUTHORIZATION="Bearer nope")
    assert_error(
        response,
        401,
        "Unauthorized : Invalid or expired token.",
        xml_body=b"Invalid or expired token.",
    )
    assert response["WWW-Authenticate"] == BEARER_REALM


def test_basic_challenge_is_added_to_authentication_errors(client, make_endpoint):
    make_endpoint(
        "withbasic",
        authentication=["basic", "api_key"],
        resources={"failing": {"operations": ["retrieve"]}},
    )
    response = client.get("/withbasic/failing/services_error.json", HTTP_X_API_KEY="nope")
    assert_error(
        response, 401, "Unauthorized : Invalid API key.", json_body=b'["Invalid API key."]'
    )
    assert response["WWW-Authenticate"] == BASIC_REALM


# -- the same classes under plain DRF views ---------------------------------------------------


@pytest.mark.urls("tests.entity_urls")
def test_bad_bearer_token_on_a_drf_viewset_is_401(client, root):
    Widget.objects.create(name="w")
    response = client.get("/custom/token_widget/", HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401
    assert orjson.loads(response.content) == {"detail": "Invalid or expired token."}
    assert response["WWW-Authenticate"] == BEARER_REALM
    token, _ = issue_bearer_token(root)
    response = client.get("/custom/token_widget/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


@pytest.mark.urls("tests.entity_urls")
def test_bad_api_key_on_a_drf_viewset_is_401(client, root):
    response = client.get("/custom/token_widget/", HTTP_X_API_KEY="nope")
    assert response.status_code == 401
    assert orjson.loads(response.content) == {"detail": "Invalid API key."}
    _, key = create_api_key(root)
    assert client.get("/custom/token_widget/", HTTP_X_API_KEY=key).status_code == 200


@pytest.mark.urls("tests.entity_urls")
def test_csrf_failure_on_a_drf_viewset_is_refused(client, root):
    client.force_login(root)
    response = client.post(
        "/custom/session_widget/", {"name": "x"}, content_type="application/json"
    )
    # DRF's rule: an authentication failure without a challenge to offer is a 403.
    assert response.status_code == 403
    assert orjson.loads(response.content) == {"detail": "CSRF validation failed"}
    assert not Widget.objects.exists()


@pytest.mark.urls("tests.entity_urls")
def test_entity_errors_on_a_drf_viewset_keep_their_status(client, root):
    token, _ = issue_bearer_token(root)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    response = client.get("/custom/token_widget/999999/")
    assert response.status_code == 404
    assert orjson.loads(response.content) == {"detail": "Entity or revision not found"}
    response = client.get("/custom/token_widget/?parameters[colour]=red")
    assert response.status_code == 406
    assert orjson.loads(response.content) == {"detail": "Parameter colour does not exist"}


def test_services_error_under_a_plain_drf_view_keeps_its_status():
    class Locked(APIView):
        authentication_classes: list = []
        permission_classes: list = []

        def get(self, request):
            raise ServicesError("Widget is locked", 409)

    response = Locked.as_view()(APIRequestFactory().get("/"))
    assert response.status_code == 409
    assert response.data == {"detail": "Widget is locked"}
