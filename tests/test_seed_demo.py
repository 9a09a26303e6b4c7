"""``seed_demo``: counts, determinism, idempotence and argument errors (on both databases)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from project.demo.models import Article, Comment, Profile, Tag, Vocabulary

pytestmark = pytest.mark.django_db


def counts():
    return {
        "users": get_user_model().objects.count(),
        "profiles": Profile.objects.count(),
        "vocabularies": Vocabulary.objects.count(),
        "tags": Tag.objects.count(),
        "articles": Article.objects.count(),
        "comments": Comment.objects.count(),
        "article_tags": Article.tags.through.objects.count(),
    }


def test_seed_counts_and_idempotence(monkeypatch, capsys):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "s3cret-admin")
    call_command("seed_demo", articles="50", seed="7")
    first = counts()
    assert first == {
        "users": 11,
        "profiles": 11,
        "vocabularies": 3,
        "tags": 30,
        "articles": 50,
        "comments": 100,
        "article_tags": 150,
    }
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("s3cret-admin")
    assert "s3cret-admin" not in capsys.readouterr().out
    titles = list(Article.objects.order_by("uuid").values_list("uuid", "title", "author__username"))
    call_command("seed_demo", articles="50", seed="7")
    assert counts() == first
    assert (
        list(Article.objects.order_by("uuid").values_list("uuid", "title", "author__username"))
        == titles
    )


def test_seed_is_deterministic_across_databases_state():
    call_command("seed_demo", articles="10", seed="3")
    expected = list(Article.objects.order_by("uuid").values_list("uuid", "title", "status"))
    Article.objects.all().delete()
    call_command("seed_demo", articles="10", seed="3")
    assert list(Article.objects.order_by("uuid").values_list("uuid", "title", "status")) == expected


def test_growing_the_seed_adds_only_missing_rows():
    call_command("seed_demo", articles="10")
    call_command("seed_demo", articles="25")
    assert Article.objects.count() == 25
    assert Comment.objects.count() == 50


def test_generated_admin_password_is_printed_once(monkeypatch, capsys):
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    call_command("seed_demo", articles="0")
    assert "Created admin account 'admin' with password" in capsys.readouterr().out
    call_command("seed_demo", articles="0")
    assert "with password" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"articles": "-1"}, "--articles: expected a number >= 0, got -1"),
        ({"articles": "many"}, "--articles: expected a whole number, got 'many'"),
        ({"seed": "1.5"}, "--seed: expected a whole number"),
    ],
)
def test_bad_arguments_are_command_errors(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("seed_demo", **args)
    assert Article.objects.count() == 0


def test_regions_vocabulary_is_a_tree():
    call_command("seed_demo", articles="0")
    regions = Tag.objects.filter(vocabulary__machine_name="regions")
    depth = {}
    for tag in regions.order_by("weight"):
        depth[tag.name] = 0 if tag.parent is None else depth[tag.parent.name] + 1
        assert tag.parent is None or tag.parent.vocabulary_id == tag.vocabulary_id
    assert sorted(depth.values()) == [0, 0, 0, 1, 1, 1, 1, 1, 1, 2]
    parents = dict(regions.values_list("name", "parent_id"))
    call_command("seed_demo", articles="0")  # idempotent: parents kept
    assert dict(regions.values_list("name", "parent_id")) == parents
