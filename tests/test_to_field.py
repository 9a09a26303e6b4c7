"""A foreign key with ``to_field``: it stores (and filters on) the referenced unique field,
not the referenced pk, on every way in: a Services entity resource, the DRF viewset and the
django-filter ``FilterSet`` (one ``schema.target_field`` behind all three)."""

import pytest
from django.urls import include, path

import entity_resources
from entity_resources import site
from entity_resources.filtering import filterset_for, vocabulary_for
from entity_resources.grammar import parse_query
from entity_resources.schema import column_vocabulary, schema_for, target_field
from entity_resources.viewsets import viewset_for
from tests.entity_helpers import body
from tests.testapp.models import Fitting, Part


def fitting_list(request):
    """The registration is made by a fixture, after URLs load: build the viewset per call."""
    return viewset_for(Fitting).as_view({"get": "list"})(request)


urlpatterns = [
    path("rest/entity_fitting/", fitting_list),
    path("", include("project.urls")),
]

pytestmark = pytest.mark.urls(__name__)

INDEX = {"operations": ["index"], "actions": [], "targeted_actions": [], "relationships": []}


@pytest.fixture
def fittings(db):
    entity_resources.register(
        Fitting,
        fields=["id", "part", "position"],
        filter_fields={"part": ["startswith"]},
        sort_fields=["position"],
        anonymous_read=True,
    )
    try:
        # Codes that are not pks: "1" is the code of a part whose pk is not 1.
        first, second, third = (Part.objects.create(code=code) for code in ("A-1", "B-2", "C-3"))
        Part.objects.filter(pk=third.pk).update(code="1")
        Fitting.objects.create(part_id="A-1", position=1)
        Fitting.objects.create(part_id="B-2", position=2)
        Fitting.objects.create(part_id="1", position=3)
        Fitting.objects.create(part_id="A-1", position=4)
        yield site.get_options(Fitting)
    finally:
        site.unregister(Fitting)


def test_the_column_targets_the_to_field(fittings):
    code = Part._meta.get_field("code")
    assert target_field(Fitting._meta.get_field("part")) is code
    assert schema_for(fittings).columns["part"].target is code
    assert vocabulary_for(fittings).filters["part"].target is code


QUERIES = [
    ({"parameters[part]": "A-1"}, [1, 4]),
    ({"parameters[part]": "A-1,1"}, [1, 3, 4]),
    ({"parameters[part]": "1"}, [3]),  # the code "1", not the part whose pk is 1
    # Text lookups compare the stored column (part_id), not the relation (a FieldError).
    ({"parameters[part][startswith]": "B"}, [2]),
    ({"parameters[part]": "a%", "options[parameters_op][part]": "LIKE"}, [1, 4]),
]


@pytest.mark.parametrize(("query", "positions"), QUERIES)
def test_services_and_drf_filter_on_the_stored_code(
    client, make_endpoint, fittings, query, positions
):
    make_endpoint("parts", resources={"entity_fitting": INDEX})
    query = {**query, "sort": "position"}
    services = body(client.get("/parts/entity_fitting.json", query))
    rest = body(client.get("/rest/entity_fitting/", query))
    assert [row["position"] for row in services] == positions
    assert rest == services
    assert {row["part"] for row in services} <= {"A-1", "B-2", "1"}  # the stored code


def test_filterset_filters_on_the_stored_code(fittings):
    filterset = filterset_for(fittings)
    assert {"part__exact", "part__in", "part__startswith"} <= set(filterset.base_filters)
    fittings_by_position = Fitting.objects.order_by("position")
    for data, positions in (({"part__exact": "A-1"}, [1, 4]), ({"part__startswith": "B"}, [2])):
        found = filterset(data, queryset=fittings_by_position)
        assert found.is_valid(), found.errors
        assert [fitting.position for fitting in found.qs] == positions


def test_a_renamed_column_compares_the_stored_code_too(fittings):
    """A server's own names (``column_vocabulary``, as the core-style resources use): the
    foreign key filters with any operator on the code it stores and sorts by it."""
    columns = schema_for(fittings).columns
    vocabulary = column_vocabulary(
        {"fid": columns["id"], "pid": columns["part"]}, ordering=["fid"], pk="id"
    )
    for query, positions in (
        ({"parameters": {"pid": "b%"}, "options": {"parameters_op": {"pid": "LIKE"}}}, [2]),
        ({"parameters": {"pid": "A-1"}, "options": {"parameters_op": {"pid": "<>"}}}, [2, 3]),
        ({"parameters": {"pid": "1"}}, [3]),
    ):
        spec = parse_query(vocabulary, {**query, "sort": "fid"})
        assert [f.position for f in spec.apply(Fitting.objects.all())] == positions
    spec = parse_query(vocabulary, {"sort": "pid", "direction": "DESC"})
    assert [f.part_id for f in spec.apply(Fitting.objects.all())] == ["B-2", "A-1", "A-1", "1"]
