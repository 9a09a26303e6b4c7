"""URLconf of the viewset tests: the demo's URLs (with ``/rest/``) plus subclassed viewsets."""

from django.urls import include, path
from rest_framework import routers

from entity_resources.viewsets import viewset_for
from project.demo.models import Article
from services_api.auth.authentication import SessionAuthentication
from services_api.auth.tokens import ApiKeyAuthentication, BearerAuthentication
from tests.testapp.models import Widget


class GenericArticleViewSet(viewset_for(Article)):
    """A host project's subclass: the same resource with the generic processor."""

    processor = "generic"


class TokenWidgetViewSet(viewset_for(Widget)):
    """A viewset authenticated by the Services token methods (first: Bearer's challenge)."""

    authentication_classes = [BearerAuthentication, ApiKeyAuthentication]


class SessionWidgetViewSet(viewset_for(Widget)):
    """A viewset authenticated by the Services session method (CSRF token on writes)."""

    authentication_classes = [SessionAuthentication]


custom = routers.SimpleRouter()
custom.register("generic_article", GenericArticleViewSet, basename="generic_article")
custom.register("token_widget", TokenWidgetViewSet, basename="token_widget")
custom.register("session_widget", SessionWidgetViewSet, basename="session_widget")

urlpatterns = [
    path("custom/", include(custom.urls)),
    path("", include("project.urls")),
]
