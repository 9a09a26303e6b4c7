"""Expose Django models as Services Entity-style resources.

Public API::

    import entity_resources
    entity_resources.register(Article, fields=["title", "status"])

    @entity_resources.register(Tag)
    class TagResource(entity_resources.ResourceOptions):
        filter_fields = {"weight": ["gte", "lte"]}
"""

from .exceptions import AlreadyRegistered, NotRegistered
from .options import ResourceOptions
from .registry import ResourceSite, autodiscover, is_registered, register, site, unregister

__all__ = [
    "AlreadyRegistered",
    "NotRegistered",
    "ResourceOptions",
    "ResourceSite",
    "autodiscover",
    "is_registered",
    "register",
    "site",
    "unregister",
]
