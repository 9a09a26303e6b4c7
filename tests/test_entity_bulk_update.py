"""Bulk update of entity resources: ``PUT <endpoint>/entity_<model>`` with a list of partial
entities, each carrying its id; all or none, errors keyed by item position and field, the
same item limit as bulk create (``ENTITY_MAX_BULK_ITEMS``)."""

from xml.etree import ElementTree

import pytest

from project.demo.models import Article
from tests.entity_helpers import body, make_data, send

pytestmark = pytest.mark.django_db

ARTICLES = "/api/entity_article"


@pytest.fixture
def data(db):
    return make_data()


def titles() -> dict[int, str]:
    return dict(Article.objects.values_list("pk", "title"))


def test_bulk_update_changes_every_item_and_answers_them(client, data):
    a, b = data.articles[0], data.articles[1]
    payload = [{"id": a.pk, "title": "First renamed"}, {"id": b.pk, "status": False}]
    response = send(client, "PUT", f"{ARTICLES}.json", payload, user=data.staff)
    assert response.status_code == 200, response.reason_phrase
    rows = body(response)
    assert [(row["id"], row["title"], row["status"]) for row in rows] == [
        (a.pk, "First renamed", True),
        (b.pk, "Beta mountain", False),
    ]
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.title, b.title, b.status) == ("First renamed", "Beta mountain", False)


def test_bulk_update_xml_body_and_answer(client, data):
    a = data.articles[0]
    xml = (
        f'<?xml version="1.0"?><data is_array="true"><item><id>{a.pk}</id>'
        "<title>From XML</title></item></data>"
    )
    from tests.entity_helpers import basic

    response = client.put(
        f"{ARTICLES}.xml", xml, content_type="application/xml", **basic(data.staff)
    )
    assert response.status_code == 200, response.reason_phrase
    root = ElementTree.fromstring(response.content)
    assert root.get("is_array") == "true"
    assert root.find("item").findtext("title") == "From XML"
    a.refresh_from_db()
    assert a.title == "From XML"


def test_one_bad_item_writes_nothing_and_names_item_and_field(client, data):
    before = titles()
    a, b = data.articles[0], data.articles[1]
    payload = [{"id": a.pk, "title": "Would change"}, {"id": b.pk, "title": ""}]
    for fmt in ("json", "xml"):
        response = send(client, "PUT", f"{ARTICLES}.{fmt}", payload, user=data.staff)
        assert response.status_code == 406
        assert response.reason_phrase == (
            "Not Acceptable : Validation failed: item 1, field title: This field may not be blank."
        )
        if fmt == "json":
            assert body(response) == {
                "form_errors": {"1": {"title": ["This field may not be blank."]}}
            }
        else:
            # Numeric keys become <item> elements, as Drupal's XML formatter writes them.
            root = ElementTree.fromstring(response.content)
            assert root.find("form_errors").find("item").find("title").findtext("item") == (
                "This field may not be blank."
            )
    assert titles() == before


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ([{"title": "no id"}], {"0": {"id": ["This field is required."]}}),
        ([{"id": 999999, "title": "x"}], {"0": {"id": ["Entity 999999 not found."]}}),
        ([{"id": "abc", "title": "x"}], {"0": {"id": ["Entity abc not found."]}}),
        (
            [{"id": "99999999999999999999999", "title": "x"}],
            {"0": {"id": ["Entity 99999999999999999999999 not found."]}},
        ),
        ([{"id": "١٢", "title": "x"}], {"0": {"id": ["Entity ١٢ not found."]}}),
        ([{"id": True, "title": "x"}], {"0": {"id": ["Entity True not found."]}}),
        (["not an object"], {"0": {"non_field_errors": ["Expected an object of field values."]}}),
        ([{"id": "{first}", "colour": "red"}], {"0": {"colour": ["Unknown data property."]}}),
        (
            [{"id": "{first}", "title": "a"}, {"id": "{first}", "title": "b"}],
            {"1": {"id": ["Entity {first} is also item 0."]}},
        ),
        (
            [{"id": "{first}", "author": 999999}],
            {"0": {"author": ['Invalid pk "999999" - object does not exist.']}},
        ),
        (
            [{"id": "{first}", "created": "yesterday"}, {"id": 999999}],
            {"1": {"id": ["Entity 999999 not found."]}},
        ),
    ],
)
def test_bad_items(client, data, payload, errors):
    first = str(data.articles[0].pk)

    def fill(value):
        if isinstance(value, str):
            return value.replace("{first}", first)
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        return value

    before = titles()
    response = send(client, "PUT", f"{ARTICLES}.json", fill(payload), user=data.staff)
    assert response.status_code == 406
    assert body(response) == {"form_errors": fill(errors)}
    index = next(iter(errors))
    assert response.reason_phrase.startswith(f"Not Acceptable : Validation failed: item {index}")
    assert titles() == before


@pytest.mark.parametrize("payload", [[], {"id": 1}, "", "text"])
def test_body_must_be_a_list(client, data, payload):
    response = send(client, "PUT", f"{ARTICLES}.json", payload, user=data.staff)
    assert response.status_code == 406
    assert response.reason_phrase == (
        "Not Acceptable : Validation failed: expected a list of entities, each with its id."
    )


def test_same_limit_as_bulk_create(client, data, settings):
    settings.SERVICES_API = {**settings.SERVICES_API, "ENTITY_MAX_BULK_ITEMS": 2}
    before = titles()
    items = [{"id": a.pk, "title": f"T{i}"} for i, a in enumerate(data.articles[:3])]
    response = send(client, "PUT", f"{ARTICLES}.json", items, user=data.staff)
    assert response.status_code == 413
    assert response.reason_phrase == ": Too many entities: at most 2 per request."
    assert body(response) == ["Too many entities: at most 2 per request."]
    assert titles() == before
    create = send(
        client,
        "POST",
        f"{ARTICLES}.json",
        [{"title": f"N{i}", "author": data.alice.pk} for i in range(3)],
        user=data.staff,
    )
    assert create.status_code == 413
    assert create.reason_phrase == ": Too many entities: at most 2 per request."
    assert titles() == before


def test_access(client, data):
    payload = [{"id": data.articles[0].pk, "title": "x"}]
    assert send(client, "PUT", f"{ARTICLES}.json", payload).status_code == 401
    denied = send(client, "PUT", f"{ARTICLES}.json", payload, user=data.alice)
    assert denied.status_code == 403
    assert denied.reason_phrase == ": Access denied for user alice"


def test_single_update_and_core_resources_unchanged(client, data):
    a = data.articles[0]
    one = send(client, "PUT", f"{ARTICLES}/{a.pk}.json", {"title": "Single"}, user=data.staff)
    assert one.status_code == 200
    assert body(one)["title"] == "Single"
    listed = send(client, "PUT", f"{ARTICLES}/{a.pk}.json", [{"title": "x"}], user=data.staff)
    assert listed.status_code == 400
    assert listed.reason_phrase == ": Invalid value for argument data: expected an object."
    # Drupal's core resources have no collection PUT.
    core = send(client, "PUT", "/api/node.json", [{"nid": a.pk}], user=data.staff)
    assert core.status_code == 404
    assert core.reason_phrase == "Not found : Could not find the controller."


def test_bulk_update_queries_do_not_grow_per_item(client, data, django_assert_max_num_queries):
    payload = [{"id": a.pk, "sticky": True} for a in data.articles]
    with django_assert_max_num_queries(8 + 2 * len(payload)):
        response = send(client, "PUT", f"{ARTICLES}.json", payload, user=data.staff)
    assert response.status_code == 200
    assert Article.objects.filter(sticky=True).count() == len(payload)


def test_restws_style_answers_an_empty_body(client, data):
    """The Course endpoint (restws style, ``node`` = entity_article at the site root)."""
    a = data.articles[0]
    response = send(client, "PUT", "/node.json", [{"id": a.pk, "title": "Restws"}], user=data.staff)
    assert response.status_code == 200, response.reason_phrase
    assert response.content == b""
    a.refresh_from_db()
    assert a.title == "Restws"
