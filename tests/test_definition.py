"""The built-in ``definition`` resource (issue 15.5, docs/openapi.md#definition)."""

import json

import pytest

pytestmark = pytest.mark.django_db

DEFINITION = {"operations": ["index", "retrieve"]}


@pytest.fixture
def endpoint(make_endpoint):
    return make_endpoint(
        "d",
        resources={
            "echo": {"operations": ["index", "retrieve"], "actions": ["shout"]},
            "definition": DEFINITION,
        },
    )


def test_index_lists_what_the_endpoint_enables_as_services_declares_it(client, endpoint):
    response = client.get("/d/definition.json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"echo", "definition"}
    echo = body["echo"]
    assert set(echo) == {"operations", "actions"}  # no targeted actions/relationships enabled
    assert set(echo["operations"]) == {"index", "retrieve"}  # create/update/delete not enabled
    assert echo["operations"]["retrieve"]["args"] == [
        {
            "name": "id",
            "optional": False,
            "source": {"path": 0},
            "type": "string",
            "description": "",
        }
    ]
    assert echo["operations"]["index"]["args"] == [
        {
            "name": "page",
            "optional": True,
            "source": {"param": "page"},
            "type": "int",
            "description": "",
            "default value": 0,
        }
    ]
    assert echo["operations"]["index"]["help"] == ""  # the test resource has no docstring
    assert set(echo["actions"]) == {"shout"}


def test_whole_body_arguments_have_source_data(client, make_endpoint):
    make_endpoint("w", resources={"echo": {"operations": ["create"]}, "definition": DEFINITION})
    args = client.get("/w/definition/echo.json").json()["operations"]["create"]["args"]
    assert args == [
        {"name": "data", "optional": False, "source": "data", "type": "array", "description": ""}
    ]


def test_retrieve_one_resource_and_unknown_is_a_drupal_404(client, endpoint):
    response = client.get("/d/definition/echo.json")
    assert response.status_code == 200
    assert set(response.json()["operations"]) == {"index", "retrieve"}
    missing = client.get("/d/definition/node.json")
    assert missing.status_code == 404
    assert missing.reason_phrase == "Not found : Could not find resource node."
    assert missing.json() == ["Could not find resource node."]


def test_aliases_are_the_names_clients_use(client, make_endpoint):
    from services_api.models import EndpointResource

    endpoint = make_endpoint(
        "a", resources={"echo": {"operations": ["index"]}, "definition": DEFINITION}
    )
    EndpointResource.objects.filter(endpoint=endpoint, resource="echo").update(alias="things")
    assert set(client.get("/a/definition.json").json()) == {"things", "definition"}
    assert client.get("/a/definition/things.json").status_code == 200


def test_xml_format(client, endpoint):
    response = client.get("/d/definition/echo.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert b"<operations>" in response.content and b"<retrieve>" in response.content


def test_not_enabled_means_not_there(client, make_endpoint):
    make_endpoint("n")
    assert client.get("/n/definition.json").status_code == 404


def test_definition_and_openapi_describe_the_same_controllers(client, endpoint):
    definition = client.get("/d/definition.json").json()
    doc = json.loads(client.get("/d/openapi.json").content)
    operation_ids = {
        (
            op["tags"][0],
            op["operationId"].split("_")[-3 if op["operationId"].endswith("suffix") else -2],
        )
        for item in doc["paths"].values()
        for op in item.values()
    }
    declared = {
        (resource, name)
        for resource, kinds in definition.items()
        for controllers in kinds.values()
        for name in controllers
    }
    assert operation_ids == declared


@pytest.mark.django_db
def test_the_demo_api_endpoint_offers_its_definition(client):
    """Migrations enable ``definition`` on the demo's ``/api`` (as seed_demo keeps it)."""
    response = client.get("/api/definition.json")
    assert response.status_code == 200
    names = set(response.json())
    assert {"node", "user", "file", "definition", "entity_article"} <= names
    one = client.get("/api/definition/node.json")
    assert one.status_code == 200
    assert "retrieve" in one.json()["operations"]
