"""URLconf of the viewset tests: the demo's URLs plus a DRF router over the entity viewsets."""

from django.urls import include, path
from rest_framework import routers

from entity_resources.viewsets import register_viewsets, viewset_for
from project.demo.models import Article

router = register_viewsets(routers.DefaultRouter())


class GenericArticleViewSet(viewset_for(Article)):
    """A host project's subclass: the same resource with the generic processor."""

    processor = "generic"


custom = routers.SimpleRouter()
custom.register("generic_article", GenericArticleViewSet, basename="generic_article")

urlpatterns = [
    path("rest/", include((router.urls, "rest"), namespace="rest")),
    path("custom/", include(custom.urls)),
    path("", include("project.urls")),
]
