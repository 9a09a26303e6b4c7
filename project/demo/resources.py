"""The demo's entity resources, registered exactly as a host project would."""

import entity_resources

from .models import Article, Comment, Tag, Vocabulary


def published_for_anonymous(queryset, request):
    """Anonymous visitors see published rows only, as Drupal's 'access content' does."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return queryset.filter(status=True)
    return queryset


@entity_resources.register(Article)
class ArticleResource(entity_resources.ResourceOptions):
    filter_fields = {
        "status": [],
        "title": ["contains", "icontains"],
        "created": ["gte", "gt", "lte", "lt", "range"],
        "changed": ["gte", "lte"],
        "author": ["isnull"],
        "author.username": [],
        "tags": [],
        "type": [],
        "sticky": [],
    }
    sort_fields = ["created", "changed", "title", "id", "sticky"]
    search_fields = ["title", "body"]
    read_only_fields = ["uuid", "created", "changed"]
    processor = "clean"
    queryset_hook = staticmethod(published_for_anonymous)
    anonymous_read = True
    relationships = {"comments": "comments"}


@entity_resources.register(Comment)
class CommentResource(entity_resources.ResourceOptions):
    filter_fields = {"article": [], "status": [], "created": ["gte", "lte"], "author": []}
    sort_fields = ["created", "id"]
    read_only_fields = ["uuid", "created"]
    processor = "clean"
    queryset_hook = staticmethod(published_for_anonymous)
    anonymous_read = True


@entity_resources.register(Tag)
class TagResource(entity_resources.ResourceOptions):
    filter_fields = {"vocabulary": [], "name": ["contains"], "weight": ["gte", "lte"]}
    sort_fields = ["name", "weight", "id"]
    read_only_fields = ["uuid"]
    anonymous_read = True


@entity_resources.register(Vocabulary)
class VocabularyResource(entity_resources.ResourceOptions):
    filter_fields = ["machine_name"]
    sort_fields = ["name", "weight", "id"]
    read_only_fields = ["uuid"]
    anonymous_read = True


# Custom resources: the Warmshowers mobile API (hosts, message) and CiviCRM's keyed REST.
from . import civicrm, warmshowers  # noqa: E402, F401
