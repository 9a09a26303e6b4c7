"""Static URL patterns: include with ``path("", include("services_api.urls"))``, after the host
project's own patterns.

Importing this module reads nothing from the database: the endpoint a request belongs to is
resolved per request from the cached configuration.
"""

from django.urls import path

from services_api.openapi import views as openapi_views
from services_api.server import views

app_name = "services_api"

urlpatterns = [
    path(views.TOKEN_PATH, views.session_token, name="session_token"),
    path("services/openapi-assets/<str:name>", openapi_views.asset, name="openapi_asset"),
    path("", views.site_root, name="root"),
    path("index.php", views.site_root, name="index_php"),
    path("<path:path>", views.endpoint, name="endpoint"),
]
