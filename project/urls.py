"""Root URLconf of the demo: the host's own URLs first, then the Services endpoints."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("services_api.urls")),
]
