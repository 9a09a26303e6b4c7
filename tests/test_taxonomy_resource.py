"""The core taxonomy resources: the term hierarchy (``parent``), vocabulary ``getTree`` and
``retrieveByMachineName``, term ``selectNodes`` (Services 7.x-3.x ``taxonomy_resource.inc``,
with 6.x-3.x's ``operator``/``depth``; docs/core-resources.md), and DrupalGap's calls."""

import pytest

from project.demo.models import Tag, Vocabulary
from tests.entity_helpers import basic, body, make_data, send

pytestmark = pytest.mark.django_db

XML_HEAD = b'<?xml version="1.0" encoding="utf-8"?>\n'
TREE = "/api/taxonomy_vocabulary/getTree"
SELECT = "/api/taxonomy_term/selectNodes"


@pytest.fixture
def data(db):
    data = make_data()
    regions = Vocabulary.objects.create(name="Regions", machine_name="regions", weight=1)
    europe = Tag.objects.create(name="Europe", vocabulary=regions, weight=0)
    asia = Tag.objects.create(name="Asia", vocabulary=regions, weight=1)
    france = Tag.objects.create(name="France", vocabulary=regions, parent=europe)
    spain = Tag.objects.create(name="Spain", vocabulary=regions, parent=europe, weight=-1)
    paris = Tag.objects.create(name="Paris", vocabulary=regions, parent=france)
    data.regions = regions
    data.terms = {t.name: t for t in (europe, asia, france, spain, paris)}
    # Alpha river (published, Jan) in Paris; Delta city (published, Apr) in Spain;
    # Gamma river (unpublished) in Paris.
    data.articles[0].tags.add(paris)
    data.articles[3].tags.add(spain)
    data.articles[2].tags.add(paris)
    return data


def names(rows) -> list[tuple[str, int]]:
    return [(row["name"], row["depth"]) for row in rows]


# -- getTree ---------------------------------------------------------------------------------


def test_get_tree_is_depth_first_by_weight_then_name(client, data, django_assert_max_num_queries):
    send(client, "POST", f"{TREE}.json", {"vid": data.regions.pk})  # endpoint config cached
    with django_assert_max_num_queries(1):
        response = send(client, "POST", f"{TREE}.json", {"vid": data.regions.pk})
    assert response.status_code == 200
    rows = body(response)
    assert names(rows) == [
        ("Europe", 0),
        ("Spain", 1),
        ("France", 1),
        ("Paris", 2),
        ("Asia", 0),
    ]
    paris = data.terms["Paris"]
    assert rows[3] == {
        "tid": str(paris.pk),
        "vid": str(data.regions.pk),
        "name": "Paris",
        "description": "",
        "weight": "0",
        "depth": 2,
        "parents": [str(data.terms["France"].pk)],
    }
    assert rows[0]["parents"] == ["0"]


def test_get_tree_parent_maxdepth_and_load_entities(client, data):
    europe = data.terms["Europe"]
    rows = body(send(client, "POST", f"{TREE}.json", {"vid": data.regions.pk, "parent": europe.pk}))
    assert names(rows) == [("Spain", 0), ("France", 0), ("Paris", 1)]
    rows = body(send(client, "POST", f"{TREE}.json", {"vid": data.regions.pk, "maxdepth": 2}))
    assert names(rows) == [("Europe", 0), ("Spain", 1), ("France", 1), ("Asia", 0)]
    payload = {"vid": str(data.regions.pk), "maxdepth": "1", "load_entities": "1"}
    rows = body(send(client, "POST", f"{TREE}.json", payload))
    assert names(rows) == [("Europe", 0), ("Asia", 0)]
    assert rows[0]["uuid"] == str(europe.uuid)
    assert rows[0]["vocabulary_machine_name"] == "regions"


def test_get_tree_xml_and_form(client, data):
    france = data.terms["France"]
    response = client.post(
        "/?q=api/taxonomy_vocabulary/getTree.xml",
        f"vid={data.regions.pk}&parent={france.pk}",
        content_type="application/x-www-form-urlencoded",
    )
    paris = data.terms["Paris"]
    assert (
        response.content
        == XML_HEAD
        + (
            f'<result is_array="true"><item><tid>{paris.pk}</tid><vid>{data.regions.pk}</vid>'
            f"<name>Paris</name><description></description><weight>0</weight><depth>0</depth>"
            f'<parents is_array="true"><item>{france.pk}</item></parents></item></result>\n'
        ).encode()
    )


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({}, 401, "Missing required argument vid"),
        ({"vid": "tags"}, 400, "Invalid value for argument vid: expected an integer."),
        (
            {"vid": 1, "maxdepth": "all"},
            400,
            "Invalid value for argument maxdepth: expected an integer.",
        ),
        ({"vid": 999999}, 404, "No vocabulary with id 999999 found."),
    ],
)
def test_get_tree_bad_input(client, data, payload, status, message):
    for suffix in ("json", "xml"):
        response = send(client, "POST", f"{TREE}.{suffix}", payload)
        assert response.status_code == status
        assert response.reason_phrase.endswith(f": {message}")
        if suffix == "json":
            assert body(response) == [message]
        else:
            assert response.content == XML_HEAD + f"<result>{message}</result>\n".encode()


def test_get_tree_of_a_term_without_children_is_404(client, data):
    payload = {"vid": data.regions.pk, "parent": data.terms["Asia"].pk}
    response = send(client, "POST", f"{TREE}.json", payload)
    assert response.status_code == 404
    assert response.reason_phrase == (f"Not found : No vocabulary with id {data.regions.pk} found.")


# -- retrieveByMachineName -------------------------------------------------------------------


def test_retrieve_by_machine_name(client, data):
    path = "/api/taxonomy_vocabulary/retrieveByMachineName"
    response = send(client, "POST", f"{path}.json", {"machine_name": "regions"})
    assert response.status_code == 200
    assert body(response) == {
        "vid": str(data.regions.pk),
        "uuid": str(data.regions.uuid),
        "name": "Regions",
        "machine_name": "regions",
        "description": "",
        "weight": "1",
    }
    xml = send(client, "POST", f"{path}.xml", {"machine_name": "regions"})
    assert b"<machine_name>regions</machine_name>" in xml.content
    missing = send(client, "POST", f"{path}.json", {"machine_name": "nope"})
    assert missing.status_code == 404
    assert missing.reason_phrase == "Not found : No vocabulary with machine name nope found."
    assert body(missing) == ["No vocabulary with machine name nope found."]
    none = send(client, "POST", f"{path}.json", {})
    assert none.status_code == 401
    assert none.reason_phrase == "Unauthorized : Missing required argument machine_name"
    wrong = send(client, "POST", f"{path}.json", {"machine_name": {"a": 1}})
    assert wrong.status_code == 400


# -- selectNodes -----------------------------------------------------------------------------


def test_select_nodes_as_drupalgap_calls_it(client, data, django_assert_max_num_queries):
    paris = data.terms["Paris"]
    send(client, "POST", f"{SELECT}.json", {"tid": paris.pk})  # endpoint config cached
    # DrupalGap: POST taxonomy_term/selectNodes.json with JSON {"tid": <tid>}.
    with django_assert_max_num_queries(2):
        response = client.post(
            f"/?q=api/{SELECT[5:]}.json",
            f'{{"tid":{paris.pk}}}',
            content_type="application/json",
            HTTP_ACCEPT="*/*",
        )
    assert response.status_code == 200
    rows = body(response)
    alpha = data.articles[0]
    assert [row["title"] for row in rows] == ["Alpha river"]  # Gamma is unpublished
    assert rows[0]["nid"] == str(alpha.pk)
    assert rows[0]["uri"] == f"http://testserver/api/node/{alpha.pk}"
    assert rows[0]["tags"] == sorted(rows[0]["tags"], key=int)
    assert str(paris.pk) in rows[0]["tags"]
    assert rows[0]["body"] == {"und": [{"value": "Body of alpha river", "format": "filtered_html"}]}


def test_select_nodes_order_depth_operator_pager_limit(client, data):
    europe, spain, paris = (data.terms[n] for n in ("Europe", "Spain", "Paris"))

    def titles(payload, query=""):
        response = send(client, "POST", f"{SELECT}.json{query}", payload)
        assert response.status_code == 200, response.reason_phrase
        return [row["title"] for row in body(response)]

    assert titles({"tid": f"{spain.pk},{paris.pk}"}) == ["Delta city", "Alpha river"]
    assert titles({"tid": europe.pk, "depth": "all"}) == ["Delta city", "Alpha river"]
    assert titles({"tid": europe.pk, "depth": 1}) == ["Delta city"]
    order = {"tid": f"{spain.pk},{paris.pk}", "order": {"t.created": "ASC"}}
    assert titles(order) == ["Alpha river", "Delta city"]
    assert titles({**order, "order": "n.title DESC"}) == ["Delta city", "Alpha river"]
    both = {"tid": f"{paris.pk},{data.tags[0].pk}", "operator": "and"}
    assert titles(both) == ["Alpha river"]
    assert titles({"tid": f"{spain.pk},{paris.pk}", "pager": 0, "limit": 1}) == ["Delta city"]
    with_page = send(client, "POST", f"{SELECT}.json?page=1", {"tid": europe.pk, "depth": "all"})
    assert with_page.status_code == 404  # 2 nodes fit on page 0 (10 per page)


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({}, 401, "Missing required argument tid"),
        (
            {"tid": "abc"},
            400,
            "Invalid value for argument tid: expected term ids separated by commas.",
        ),
        (
            {"tid": "1", "operator": "xor"},
            400,
            'Invalid value for argument operator: expected "or" or "and".',
        ),
        (
            {"tid": "1", "depth": "deep"},
            400,
            'Invalid value for argument depth: expected a number or "all".',
        ),
        (
            {"tid": "1", "pager": "maybe"},
            400,
            "Invalid value for argument pager: expected a boolean (1 or 0).",
        ),
        ({"tid": "999999"}, 404, "No nodes were found with tid 999999"),
    ],
)
def test_select_nodes_bad_input(client, data, payload, status, message):
    for suffix in ("json", "xml"):
        response = send(client, "POST", f"{SELECT}.{suffix}", payload)
        assert response.status_code == status
        assert response.reason_phrase.endswith(f": {message}")
        if suffix == "json":
            assert body(response) == [message]
        else:
            assert response.content == XML_HEAD + f"<result>{message}</result>\n".encode()


def test_select_nodes_unknown_order_column_is_406(client, data):
    payload = {"tid": data.terms["Paris"].pk, "order": {"t.nope": "ASC"}}
    response = send(client, "POST", f"{SELECT}.json", payload)
    assert response.status_code == 406
    assert response.reason_phrase.endswith("Unknown column 't.nope' in order.")


# -- the hierarchy on term CRUD --------------------------------------------------------------


def test_term_rows_carry_parent_and_retrieve_the_vocabulary_machine_name(client, data):
    france, paris = data.terms["France"], data.terms["Paris"]
    term = body(client.get(f"/api/taxonomy_term/{paris.pk}.json"))
    assert (term["parent"], term["vocabulary_machine_name"]) == (str(france.pk), "regions")
    root = body(client.get(f"/api/taxonomy_term/{data.terms['Asia'].pk}.json"))
    assert root["parent"] == "0"
    rows = body(client.get(f"/api/taxonomy_term.json?parameters[vid]={data.regions.pk}"))
    assert {row["name"]: row["parent"] for row in rows}["Spain"] == str(data.terms["Europe"].pk)
    roots = body(
        client.get(
            f"/api/taxonomy_term.json?parameters[vid]={data.regions.pk}"
            "&parameters[parent]=x&options[parameters_op][parent]=IS NULL"
        )
    )
    assert sorted(row["name"] for row in roots) == ["Asia", "Europe"]
    assert {row["parent"] for row in roots} == {"0"}


def test_term_create_and_update_with_parent(client, data):
    europe, asia = data.terms["Europe"], data.terms["Asia"]
    payload = {"vid": data.regions.pk, "name": "Italy", "parent": [str(europe.pk)]}
    response = send(client, "POST", "/api/taxonomy_term.json", payload, data.staff)
    assert (response.status_code, body(response)) == (200, [1])
    italy = Tag.objects.get(name="Italy")
    assert italy.parent == europe
    response = send(
        client, "PUT", f"/api/taxonomy_term/{italy.pk}.json", {"term": {"parent": 0}}, data.staff
    )
    assert body(response) == [2]
    italy.refresh_from_db()
    assert italy.parent is None
    response = send(
        client, "PUT", f"/api/taxonomy_term/{italy.pk}.xml", {"parent": asia.pk}, data.staff
    )
    assert response.content == XML_HEAD + b"<result>2</result>\n"
    italy.refresh_from_db()
    assert italy.parent == asia


@pytest.mark.parametrize(
    ("parent", "message"),
    [
        ("Tags", "is not in the vocabulary of this term."),
        ("Paris", "A term cannot be below itself."),
        ("missing", "There is no term with id 999999."),
    ],
)
def test_bad_parent_is_a_form_error_and_nothing_changes(client, data, parent, message):
    france = data.terms["France"]
    target = {"Tags": data.tags[0].pk, "Paris": data.terms["Paris"].pk, "missing": 999999}[parent]
    response = send(
        client, "PUT", f"/api/taxonomy_term/{france.pk}.json", {"parent": target}, data.staff
    )
    assert response.status_code == 406
    assert body(response)["form_errors"]["parent"].endswith(message)
    france.refresh_from_db()
    assert france.parent == data.terms["Europe"]
    before = Tag.objects.count()
    payload = {"vid": data.regions.pk, "name": "New", "parent": target}
    if parent != "Paris":
        response = send(client, "POST", "/api/taxonomy_term.json", payload, data.staff)
        assert response.status_code == 406
        assert Tag.objects.count() == before


def test_vocabulary_create_without_machine_name_derives_one(client, data):
    payload = {"name": "My Topics", "description": "x"}
    for _ in range(2):
        response = send(client, "POST", "/api/taxonomy_vocabulary.json", payload, data.staff)
        assert (response.status_code, body(response)) == (200, [1])
    machine_names = sorted(
        Vocabulary.objects.filter(name="My Topics").values_list("machine_name", flat=True)
    )
    assert machine_names == ["my_topics", "my_topics_2"]


def test_actions_need_read_access(client, data):
    """Anonymous visitors may read the demo's terms and nodes; an endpoint that does not
    enable the action answers 404 as for any controller."""
    payload = {"vid": data.regions.pk}
    assert send(client, "POST", f"{TREE}.json", payload, data.alice).status_code == 200
    response = client.post(
        "/services/rest/taxonomy_vocabulary/getTree", payload, **basic(data.alice)
    )
    assert response.status_code == 404


def test_drupalgap_taxonomy_index_calls(client, data):
    """The term index calls DrupalGap's taxonomy module makes, as jDrupal encodes them."""
    vid = data.regions.pk
    # The term reference autocomplete widget (LIKE on the name, top-level and options ops).
    response = client.get(
        f"/?q=api/taxonomy_term.json&fields=tid,name&parameters[vid]={vid}"
        "&parameters[name]=%25an%25&parameters_op[name]=like&options[parameters_op][name]=like",
        HTTP_ACCEPT="*/*",
    )
    assert response.status_code == 200
    assert [row["name"] for row in body(response)] == ["France"]
    assert set(body(response)[0]) == {"tid", "name", "uri"}
    # The vocabulary page and the select widget (weight, name ascending).
    response = client.get(
        f"/?q=api/taxonomy_term.json&parameters[vid]={vid}"
        "&orderby[weight]=asc&options[orderby][weight]=asc"
        "&orderby[name]=asc&options[orderby][name]=asc",
        HTTP_ACCEPT="*/*",
    )
    assert [row["name"] for row in body(response)] == ["Spain", "Europe", "France", "Paris", "Asia"]
    # The vocabulary list, then a vocabulary by its machine name.
    names = [row["name"] for row in body(client.get("/?q=api/taxonomy_vocabulary.json"))]
    assert "Regions" in names
