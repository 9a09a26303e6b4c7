"""The standalone suite's URLs: every registration's viewset on a DRF router under ``/rest/``
(namespace ``rest``), with a host's subclasses beside them (the clean processor and a smaller
page size; a serializer of its own)."""

from django.urls import include, path
from rest_framework import routers

from entity_resources.viewsets import register_viewsets, viewset_for
from tests.standalone.shelf.models import Book


class CleanBookViewSet(viewset_for(Book)):
    processor = "clean"
    page_size = 2
    max_page_size = 3


class ShoutingBookViewSet(viewset_for(Book)):
    """Writes through a serializer of its own (DRF's ``get_serializer_class`` hook): titles
    upper-cased, ``pages`` read-only too."""

    def get_serializer_class(self):
        base = super().get_serializer_class()

        class ShoutingSerializer(base):
            class Meta(base.Meta):
                read_only_fields = [*base.Meta.read_only_fields, "pages"]

            def validate_title(self, value):
                return value.upper()

        return ShoutingSerializer


router = register_viewsets(routers.DefaultRouter())
router.register("clean_book", CleanBookViewSet, basename="clean_book")
router.register("shouting_book", ShoutingBookViewSet, basename="shouting_book")

urlpatterns = [path("rest/", include((router.urls, "rest"), namespace="rest"))]
