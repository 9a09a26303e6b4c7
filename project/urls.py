"""Root URLconf of the demo: the host's own URLs first, then the Services endpoints."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # Uploaded files (the file resource's uri_full) while developing; a real site lets its
    # web server or storage serve them. ``static()`` adds nothing unless DEBUG is on.
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
    path("", include("services_api.urls")),
]
