"""Root URLconf of the demo: the host's own URLs first, then the Services endpoints."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import routers

from entity_resources.viewsets import register_viewsets
from project.demo import views
from services_api.drf.user import UserViewSet

# The public DRF viewsets: one per registered model, plus the user actions (login, logout,
# register, token) sharing the Services user resource's implementation.
rest = register_viewsets(routers.DefaultRouter())
rest.register("user", UserViewSet, basename="user")
rest_patterns = [path("rest/", include((rest.urls, "rest")))]

urlpatterns = [
    path("admin/", admin.site.urls),
    # Their OpenAPI schema (drf-spectacular, typed by entity_resources.spectacular) and Swagger
    # UI on it (assets from drf-spectacular-sidecar: no CDN).
    path("rest/schema/", SpectacularAPIView.as_view(patterns=rest_patterns), name="rest-schema"),
    path("rest/docs/", SpectacularSwaggerView.as_view(url_name="rest-schema"), name="rest-docs"),
    # The public DRF viewsets (DRF's router, browsable API, filter and pagination hooks).
    *rest_patterns,
    # Uploaded files (the file resource's uri_full) while developing; a real site lets its
    # web server or storage serve them. ``static()`` adds nothing unless DEBUG is on.
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
    # Warmshowers' Views JSON pages, read by its app next to /services/rest.
    path("user/<int:uid>/json_recommendations", views.json_recommendations),
    path("user/<int:uid>/json", views.user_json),
    # CiviCRM's entry script: /sites/all/modules/civicrm/extern/rest.php?q=civicrm/...
    path("sites/all/modules/civicrm/extern/rest.php", views.civicrm_rest),
    path("", include("services_api.urls")),
]
