"""The demo project serves its home page through a real gunicorn server."""

import urllib.request

import pytest

pytestmark = pytest.mark.live


def test_home_page_answers_with_seeded_counts(live_server_url):
    with urllib.request.urlopen(live_server_url + "/", timeout=10) as response:
        body = response.read().decode()
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/html")
    assert "django-services-api demo" in body
    assert "30 articles, 60 comments, 30 tags." in body


@pytest.mark.django_db
def test_home_page_through_the_test_client(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"0 articles" in response.content
