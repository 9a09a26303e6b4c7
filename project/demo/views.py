"""The demo's own pages: the home page (``/``, served through ``SERVICES_API['ROOT_VIEW']`` so
that Drupal's non-clean ``/?q=...`` URLs still reach the endpoints) and Warmshowers' Views JSON
pages."""

from functools import wraps
from typing import Any

import orjson
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from services_api.drupal.user import account_data
from services_api.server.dispatch import serve

from .models import Article, Comment, Feedback, HostProfile, Tag


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "articles": Article.objects.count(),
        "comments": Comment.objects.count(),
        "tags": Tag.objects.count(),
    }
    return render(request, "demo/home.html", context)


# --- Warmshowers' Views JSON pages (not Services resources) ------------------------------
#
# ``/user/<uid>/json_recommendations`` (the feedback list the app shows) and ``/user/<uid>/json``
# are Drupal Views pages rendered by views_datasource, outside ``/services/rest``: the app reads
# them with its session cookie. Values are strings, as Views gives them.

ACCESS_DENIED = "Access denied for user anonymous"


def _json(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(orjson.dumps(data), status=status, content_type="application/json")


def _members_only(view):
    """Signed-in members only; anyone else gets the 403 the app answers by logging in again."""

    @wraps(view)
    def wrapped(request: HttpRequest, uid: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return _json([ACCESS_DENIED], status=403)
        return view(request, uid)

    return require_GET(wrapped)


def _fullname(user: Any) -> str:
    try:
        return user.host_profile.fullname
    except HostProfile.DoesNotExist:
        return ""


def _recommendation(feedback: Feedback) -> dict[str, str]:
    """One row of the view: the author as ``uid``/``name``/``fullname``, the member the
    feedback is about as ``uid_1``/``name_1`` (the app's ``ApiFeedback``)."""
    date = feedback.hosting_date
    return {
        "nid": str(feedback.pk),
        "fullname": _fullname(feedback.author),
        "name": feedback.author.get_username(),
        "uid": str(feedback.author_id),
        "body": feedback.body,
        "field_hosting_date": f"{date.isoformat()}T00:00:00" if date else "",
        "field_guest_or_host": feedback.guest_or_host,
        "name_1": feedback.recipient.get_username(),
        "uid_1": str(feedback.recipient_id),
        "field_rating": feedback.rating,
    }


@_members_only
def json_recommendations(request: HttpRequest, uid: int) -> HttpResponse:
    """``{"recommendations": [{"recommendation": {...}}, ...]}``, newest first, one query."""
    rows = (
        Feedback.objects.filter(recipient_id=uid)
        .select_related("author", "author__host_profile", "recipient")
        .order_by("-created", "-id")
    )
    return _json({"recommendations": [{"recommendation": _recommendation(f)} for f in rows]})


@_members_only
def user_json(request: HttpRequest, uid: int) -> HttpResponse:
    """``{"users": [{"user": {...}}]}``: the member as the user resource shows it (no mail);
    an unknown uid is an empty list, as a view without results."""
    user = get_user_model()._default_manager.filter(pk=uid, is_active=True).first()
    users = [] if user is None else [{"user": account_data(user, request, with_mail=False)}]
    return _json({"users": users})


# --- CiviCRM's entry script ------------------------------------------------------------------


@csrf_exempt
def civicrm_rest(request: HttpRequest) -> HttpResponse:
    """``/sites/all/modules/civicrm/extern/rest.php?q=civicrm/contact/get&...``: CiviCRM's
    REST entry point serves the path in ``q``, like Drupal's non-clean ``/?q=`` URLs."""
    q = request.GET.get("q", "").strip("/")
    if not q.startswith("civicrm/"):
        raise Http404("rest.php serves civicrm/... paths only.")
    return serve(request, q)
