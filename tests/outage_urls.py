"""URLconf of the outage tests: the demo's URLs plus a page that only writes the session."""

from django.http import HttpResponse, JsonResponse
from django.urls import include, path


def remember(request):
    """A page whose only database write is the session save after it answered."""
    request.session["seen"] = True
    if request.GET.get("format") == "json":
        return JsonResponse({"seen": True})
    return HttpResponse("<p>seen</p>")


urlpatterns = [
    path("remember/", remember),
    path("", include("project.urls")),
]
