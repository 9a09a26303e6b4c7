"""Registrations, found by ``entity_resources.autodiscover()`` as any app's would be."""

import entity_resources

from .models import Book, Label, Writer


def published_only(queryset, request):
    """Anonymous callers see published books only."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return queryset
    return queryset.filter(published=True)


def no_forbidden_titles(request, obj, operation):
    return obj.title != "Forbidden"


entity_resources.register(Writer, anonymous_read=True, filter_fields=["name"], sort_fields=["name"])


@entity_resources.register(Label)
class LabelResource(entity_resources.ResourceOptions):
    name = "labels"
    processor = "clean"
    anonymous_read = True
    filter_fields = ["name"]


@entity_resources.register(Book)
class BookResource(entity_resources.ResourceOptions):
    exclude = ["secret"]
    read_only_fields = ["isbn"]
    filter_fields = {
        "title": ["icontains", "startswith"],
        "pages": ["gt", "gte", "lt", "lte", "range"],
        "created": ["gte", "lt"],
        "published": [],
        "writer": [],
        "writer.name": [],
        "labels": [],
    }
    sort_fields = ["title", "pages", "created"]
    search_fields = ["title"]
    anonymous_read = True
    queryset_hook = staticmethod(published_only)
    object_access = staticmethod(no_forbidden_titles)
