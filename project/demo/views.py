"""The demo's home page (``/``), served through ``SERVICES_API['ROOT_VIEW']`` so that Drupal's
non-clean ``/?q=...`` URLs still reach the endpoints."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Article, Comment, Tag


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "articles": Article.objects.count(),
        "comments": Comment.objects.count(),
        "tags": Tag.objects.count(),
    }
    return render(request, "demo/home.html", context)
