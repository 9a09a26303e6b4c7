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
