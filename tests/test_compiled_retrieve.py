"""Retrieve through compiled queries gives what the ORM path gives, per hook key."""

import pytest
from django.core.management import call_command
from django.test import Client

import entity_resources
from entity_resources.compiled import PLACEHOLDER
from entity_resources.plan import RenderContext
from entity_resources.query import base_queryset, render_rows, retrieve_row
from project.demo.models import Article

pytestmark = pytest.mark.django_db


class Anonymous:
    is_authenticated = False


class Member:
    is_authenticated = True


class Req:
    def __init__(self, user):
        self.user = user


@pytest.fixture
def seeded():
    call_command("seed_demo", articles="30")


def test_compiled_row_equals_orm_row(seeded):
    options = entity_resources.site.get_options(Article)
    context = RenderContext()
    for article in Article.objects.filter(status=True)[:5]:
        request = Req(Anonymous())
        expected = render_rows(
            options, base_queryset(options, request).filter(pk=article.pk), None, context
        )[0]
        assert retrieve_row(options, str(article.pk), request, context) == expected


def test_hook_key_separates_anonymous_and_members(seeded):
    options = entity_resources.site.get_options(Article)
    hidden = Article.objects.filter(status=False).first()
    context = RenderContext()
    assert retrieve_row(options, hidden.pk, Req(Member()), context)["title"] == hidden.title
    with pytest.raises(entity_resources.exceptions.EntityNotFound):
        retrieve_row(options, hidden.pk, Req(Anonymous()), context)
    # and again, now that both compiled queries exist
    assert retrieve_row(options, hidden.pk, Req(Member()), context)["title"] == hidden.title
    with pytest.raises(entity_resources.exceptions.EntityNotFound):
        retrieve_row(options, hidden.pk, Req(Anonymous()), context)


def test_placeholder_and_huge_ids_are_not_found(seeded):
    client = Client()
    assert client.get(f"/api/entity_article/{PLACEHOLDER}.json").status_code == 404
    assert client.get(f"/api/entity_article/{2**40}.json").status_code == 404


def test_retrieve_is_two_queries(seeded, django_assert_max_num_queries):
    article = Article.objects.filter(status=True).first()
    client = Client()
    client.get(f"/api/entity_article/{article.pk}.json")
    with django_assert_max_num_queries(2):
        response = client.get(f"/api/entity_article/{article.pk}.json")
    assert response.status_code == 200


def test_compiled_many_to_many_equals_the_queryset_for_any_number_of_ids(seeded):
    """A page's tags come from a through-table query compiled once per number of ids: the
    same pairs as the ``values_list()`` query, whatever the ids (duplicates, missing ones)."""
    from entity_resources import compiled
    from entity_resources.plan import field_plan
    from entity_resources.query import _group_m2m, _m2m_queryset, fetch_m2m

    options = entity_resources.site.get_options(Article)
    spec = field_plan(options, RenderContext())["tags"]
    pks = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    compiled.clear()
    for ids in ([pks[0]], pks[:7], pks[3:10], [pks[5], pks[2], pks[5]], [*pks[:3], 10**9]):
        expected = _group_m2m(_m2m_queryset(spec, ids, "clean"), spec, "clean")
        assert any(expected.values())
        assert fetch_m2m(spec, ids, "clean") == expected
    sizes = sorted(key[-1] for key in compiled._cache if key[0] == "m2m")
    assert sizes == [1, 2, 4, 7]  # one compiled query per number of distinct ids


def test_compiled_values_takes_its_placeholders_in_order(seeded):
    from entity_resources.compiled import CompiledValues, placeholders

    pks = list(Article.objects.order_by("pk").values_list("pk", flat=True)[:3])
    query = CompiledValues(
        Article.objects.filter(pk__in=placeholders(3)).order_by("pk").values("pk", "title"), 3
    )
    titles = dict(Article.objects.filter(pk__in=pks).values_list("pk", "title"))
    assert query.dicts(*reversed(pks)) == [{"pk": pk, "title": titles[pk]} for pk in pks]
    with pytest.raises(ValueError):
        query.rows(*pks[:2])
    with pytest.raises(ValueError):  # the query does not hold three placeholders
        CompiledValues(Article.objects.filter(pk=PLACEHOLDER).values("pk"), 3)
