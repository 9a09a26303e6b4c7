"""Expose Django models as entity resources: registry, column schema, query grammar, reads,
writes, permissions and DRF integration, with no knowledge of the server in front of them.

Public API::

    import entity_resources
    entity_resources.register(Article, fields=["title", "status"])

    @entity_resources.register(Tag)
    class TagResource(entity_resources.ResourceOptions):
        filter_fields = {"weight": ["gte", "lte"]}

Column schema (docs/entity-resources.md#the-column-schema): ``schema_for(options)`` gives each
exposed field's ``Column`` (name, kind, values() key, output conversion, filter operators,
sortable, writable, related model); ``column_vocabulary`` and ``value_row_builder`` serve a
server that renames columns or formats values its own way.

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
from .options import ModelOptions, ResourceOptions
from .processors import OutputColumn, value_row_builder
from .registry import ResourceSite, autodiscover, is_registered, register, site, unregister
from .schema import Column, Schema, column_vocabulary, model_column, schema_for
from .settings import entity_settings

__all__ = [
    "AlreadyRegistered",
    "BadParameter",
    "Column",
    "InvalidFilter",
    "ModelOptions",
    "NotRegistered",
    "OutputColumn",
    "PageSize",
    "QueryColumn",
    "QueryError",
    "QuerySpec",
    "ResourceOptions",
    "ResourceSite",
    "Schema",
    "autodiscover",
    "column_vocabulary",
    "entity_settings",
    "is_registered",
    "model_column",
    "register",
    "schema_for",
    "UnknownParameter",
    "Vocabulary",
    "parse_query",
    "site",
    "unregister",
    "value_row_builder",
]
