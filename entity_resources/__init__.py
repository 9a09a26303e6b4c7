"""Expose Django models as entity resources: registry, column schema, query grammar, reads,
writes, permissions and DRF integration, with no knowledge of the server in front of them.

Public API::

    import entity_resources
    entity_resources.register(Article, fields=["title", "status"])

    @entity_resources.register(Tag)
    class TagResource(entity_resources.ResourceOptions):
        filter_fields = {"weight": ["gte", "lte"]}

Index queries (docs/query.md): ``parse_query(vocabulary, query, page_size=PageSize(20, 100))``
gives a ``QuerySpec``; ``entity_resources.filtering.vocabulary_for(options)`` is a
registration's vocabulary and ``entity_resources.listing.read_page`` reads a page of rows.
"""

from .exceptions import (
    AlreadyRegistered,
    BadParameter,
    InvalidFilter,
    NotRegistered,
    QueryError,
    UnknownParameter,
)
from .grammar import PageSize, QueryColumn, QuerySpec, Vocabulary, parse_query
from .options import ResourceOptions
from .registry import ResourceSite, autodiscover, is_registered, register, site, unregister

__all__ = [
    "AlreadyRegistered",
    "BadParameter",
    "InvalidFilter",
    "NotRegistered",
    "PageSize",
    "QueryColumn",
    "QueryError",
    "QuerySpec",
    "ResourceOptions",
    "ResourceSite",
    "autodiscover",
    "is_registered",
    "register",
    "UnknownParameter",
    "Vocabulary",
    "parse_query",
    "site",
    "unregister",
]
