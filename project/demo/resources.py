"""The demo's entity resources, registered exactly as a host project would."""

import entity_resources
from services_api.drupal import CoreOptions, register_core
from services_api.drupal.file import FileField, register_file_field

from .feedback import create_trust_referral
from .models import (
    Article,
    ArticleImage,
    Comment,
    CreditAwarded,
    Enrollment,
    File,
    Tag,
    Vocabulary,
)


def is_authenticated(request):
    """The one thing ``published_for_anonymous`` depends on (its ``queryset_hook_key``)."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


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
    queryset_hook_key = staticmethod(is_authenticated)
    anonymous_read = True
    relationships = {"comments": "comments"}


@register_core(Article)
class ArticleNode(CoreOptions):
    """Core-style ``node`` resource for jDrupal/DrupalGap (docs/core-resources.md): the pk is
    ``nid``, the author ``uid``; Warmshowers feedback is created through ``node`` too."""

    name, id_key, wrapper = "node", "nid", "node"
    columns = {"uid": "author"}
    field_arrays = {"body": "body_format"}  # {"und": [{"value", "format"}]}
    bundles = {"trust_referral": create_trust_referral}


@entity_resources.register(Comment)
class CommentResource(entity_resources.ResourceOptions):
    filter_fields = {"article": [], "status": [], "created": ["gte", "lte"], "author": []}
    sort_fields = ["created", "id"]
    read_only_fields = ["uuid", "created"]
    processor = "clean"
    queryset_hook = staticmethod(published_for_anonymous)
    queryset_hook_key = staticmethod(is_authenticated)
    anonymous_read = True


@register_core(Comment)
class CommentCore(CoreOptions):
    """Core-style ``comment``: ``cid``, the node ``nid``, the author ``uid``, and the body as
    Drupal's ``comment_body`` field."""

    name, id_key, wrapper = "comment", "cid", "comment"
    columns = {"nid": "article", "uid": "author", "comment_body": "body"}
    field_arrays = {"comment_body": "body_format"}


@entity_resources.register(Tag)
class TagResource(entity_resources.ResourceOptions):
    filter_fields = {"vocabulary": [], "name": ["contains"], "weight": ["gte", "lte"]}
    sort_fields = ["name", "weight", "id"]
    read_only_fields = ["uuid"]
    anonymous_read = True


@register_core(Tag)
class TagTerm(CoreOptions):
    """Core-style ``taxonomy_term``: ``tid``, the vocabulary ``vid``, the hierarchy ``parent``;
    Drupal's default order."""

    name, id_key, wrapper = "taxonomy_term", "tid", "term"
    columns = {"vid": "vocabulary"}
    # The vid column (not the vocabulary's own Meta.ordering, which would be a join).
    ordering = ["-vocabulary_id", "-weight", "-name"]


@entity_resources.register(Vocabulary)
class VocabularyResource(entity_resources.ResourceOptions):
    filter_fields = ["machine_name"]
    sort_fields = ["name", "weight", "id"]
    read_only_fields = ["uuid"]
    anonymous_read = True


@register_core(Vocabulary)
class VocabularyCore(CoreOptions):
    """Core-style ``taxonomy_vocabulary``: ``vid``; Drupal's default order."""

    name, id_key, wrapper = "taxonomy_vocabulary", "vid", "vocabulary"
    ordering = ["-weight", "-name"]


@entity_resources.register(File)
class FileResource(entity_resources.ResourceOptions):
    """Drupal's ``file`` resource (services_api/drupal/file.py): uploads go to the
    ``SERVICES_API["FILE_STORAGE"]`` storage; rows are read-only through the API."""

    read_only_fields = ["filename", "uri", "filemime", "filesize", "status", "timestamp", "uid"]
    sort_fields = ["timestamp", "fid"]


@register_core(File)
class FileCore(CoreOptions):
    """Drupal's ``file`` resource: ``fid``, newest first."""

    name, id_key, wrapper = "file", "fid", "file"
    ordering = ["-timestamp", "-fid"]


# Articles' ``field_image`` (node/<nid>/attach_file, node/<nid>/files), with the settings of
# Drupal's standard image field but up to three images.
register_file_field(
    Article,
    FileField(
        "field_image",
        through=ArticleImage,
        entity_field="article",
        file_field="file",
        cardinality=3,
        extensions="png gif jpg jpeg",
        directory="field/image",
    ),
)


# Custom resources: the Warmshowers mobile API (hosts, message) and CiviCRM's keyed REST.
from . import civicrm, warmshowers  # noqa: E402, F401


@entity_resources.register(Enrollment)
class EnrollmentResource(entity_resources.ResourceOptions):
    """The Course document's ``course_enrollment`` (RESTWS style on the ``course`` endpoint)."""

    name = "course_enrollment"
    exclude = ["uuid"]
    filter_fields = {
        "uid": [],
        "nid": [],
        "status": [],
        "enrollmenttype": [],
        "created": ["gte", "gt", "lte", "lt"],
    }
    sort_fields = ["eid", "created", "timestamp", "status"]
    processor = "clean"


@entity_resources.register(CreditAwarded)
class CreditAwardedResource(entity_resources.ResourceOptions):
    """The Course document's ``course_credit_awarded`` (RESTWS style on the ``course`` endpoint)."""

    name = "course_credit_awarded"
    exclude = ["uuid"]
    filter_fields = {"uid": [], "nid": [], "type": [], "created": ["gte", "lte"]}
    sort_fields = ["cid", "created"]
    processor = "clean"
