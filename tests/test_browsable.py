"""The browsable API on Services endpoints: titles from the resource, write forms only where
the caller may write, a filter form and pagination links, every error a browsable page with its
status (never a 500), and writes from the page carrying the endpoint's CSRF token."""

import re

import pytest

from project.demo.models import Article

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def api(make_endpoint):
    return make_endpoint(
        "brw",
        formatters=["json", "xml", "api"],
        authentication=["session"],
        resources={
            "entity_article": {"operations": ["index", "retrieve", "create", "update", "delete"]},
            "user": {"operations": ["retrieve", "index"], "actions": ["login", "logout"]},
        },
    )


def test_missing_entity_is_a_browsable_404(client, api):
    response = client.get("/brw/entity_article/999999?format=api")
    assert response.status_code == 404, response.content[:3000]
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b"HTTP 404" in response.content


def test_anonymous_user_retrieve_with_a_browsers_accept(client, api, django_user_model):
    bob = django_user_model.objects.create_user("bob", "b@example.com", "pw")
    response = client.get(f"/brw/user/{bob.pk}", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code in (401, 403), response.content[:3000]
    assert b"HTTP 40" in response.content


def test_bad_parameter_is_a_browsable_4xx(client, api):
    response = client.get("/brw/entity_article?format=api&parameters[nope]=1")
    assert 400 <= response.status_code < 500, response.content[:3000]
    assert b"nope" in response.content


@pytest.mark.parametrize(
    "url,accept,status",
    [
        ("/api/entity_article/999999?format=api", None, 404),
        ("/api/user/1", BROWSER_ACCEPT, 404),
        ("/api/entity_article?format=api&parameters[nope]=1", None, 406),
        ("/api/entity_article?format=api&page=-1", None, 400),
        ("/api/node/999999?format=api", None, 404),
    ],
)
@pytest.mark.django_db
def test_demo_endpoint_errors_are_browsable_pages(client, url, accept, status):
    kwargs = {"HTTP_ACCEPT": accept} if accept else {}
    response = client.get(url, **kwargs)
    assert response.status_code == status
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert f"HTTP {status}".encode() in response.content


@pytest.fixture
def author(django_user_model):
    return django_user_model.objects.create_user("author", "a@example.com", "pw")


def page_text(response) -> str:
    return response.content.decode()


def test_title_and_description_come_from_the_resource(client, api, author):
    Article.objects.create(title="One", body="b", author=author)
    html = page_text(client.get("/brw/entity_article?format=api"))
    assert "<title>entity_article: index" in html
    assert "<h1>entity_article: index</h1>" in html
    assert "Articles." in html
    assert "configured per request" not in html  # the internal view docstring
    assert "Services</h1>" not in html


def test_anonymous_sees_no_write_buttons(client, api, author):
    article = Article.objects.create(title="One", body="b", author=author)
    html = page_text(client.get(f"/brw/entity_article/{article.pk}?format=api"))
    assert "HTTP 200 OK" in html
    assert ">DELETE</button>" not in html
    assert ">OPTIONS</button>" not in html
    assert 'id="put-generic-content-form"' not in html
    index = page_text(client.get("/brw/entity_article?format=api"))
    assert 'id="post-generic-content-form"' not in index


def test_admin_sees_the_write_forms(client, api, author, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(root)
    article = Article.objects.create(title="One", body="b", author=author)
    html = page_text(client.get(f"/brw/entity_article/{article.pk}?format=api"))
    assert ">DELETE</button>" in html
    assert 'id="put-generic-content-form"' in html
    assert ">OPTIONS</button>" not in html
    index = page_text(client.get("/brw/entity_article?format=api"))
    assert 'id="post-generic-content-form"' in index


def test_filter_form_and_pagination_links(client, api, author):
    for n in range(3):
        Article.objects.create(title=f"A{n}", body="b", author=author)
    html = page_text(client.get("/brw/entity_article?format=api&pagesize=2"))
    assert 'name="parameters[title]"' in html or 'name="parameters[' in html
    assert 'name="sort"' in html and 'name="pagesize" value="2"' in html
    # First page: the Link header's keyset "next" as the pager's link.
    assert re.search(r'<ul class="pager"><li><a href="[^"]*cursor=[^"]+" rel="next">', html)
    second = page_text(client.get("/brw/entity_article?format=api&pagesize=2&page=1"))
    assert 'rel="prev">' in second and "pagesize=2" in second
    assert "A0" in second


def test_logged_in_post_from_the_page_sends_the_endpoint_token(client, api, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(root)
    html = page_text(client.get("/brw/entity_article?format=api"))
    header = re.search(r'"csrfHeaderName": "([^"]+)"', html).group(1)
    token = re.search(r'"csrfToken": "([^"]+)"', html).group(1)
    assert header == "X-CSRF-Token"
    assert token == client.get("/services/session/token").content.decode()
    # What the page's script sends: the raw-data form's JSON with the header it names.
    response = client.post(
        "/brw/entity_article?format=api",
        data=b'{"title": "From the page", "body": "b", "author": %d}' % root.pk,
        content_type="application/json",
        HTTP_X_CSRF_TOKEN=token,
    )
    assert response.status_code == 200, response.content[:2000]
    assert Article.objects.filter(title="From the page").exists()
    # Django's csrftoken header alone is refused by the endpoint's own check.
    refused = client.post(
        "/brw/entity_article?format=api",
        data=b'{"title": "No token", "body": "b"}',
        content_type="application/json",
        HTTP_X_CSRFTOKEN="whatever",
    )
    assert refused.status_code == 401
    assert not Article.objects.filter(title="No token").exists()
