"""The Drupal resources: ``entity_*`` (Services Entity), the core-style ``node``, ``comment`` and
``taxonomy_*`` resources, and the built-in ``user``, ``system`` (spec section 8) and
``definition`` (the endpoint's resources, docs/openapi.md) resources.

Public: ``register_core``/``core_site`` and ``CoreOptions``, which give an entity registration
its core-style resource (Drupal names: ``node`` with ``nid``; docs/core-resources.md).

Importing these modules registers nothing: ``ServicesApiConfig.ready()`` calls
``register_drupal_resources``.
"""

from __future__ import annotations

from typing import Any

from services_api.drupal.registration import (
    CoreOptions,
    core_site,
    register_core,
    registration_version,
)


def register_drupal_resources(registry: Any) -> None:
    """Add the built-in ``user``/``system`` resources and the generated ``entity_*`` and
    core-style resources (``node``, ``comment``, ``taxonomy_*``, ``file``; rebuilt whenever the
    model registry changes) to ``registry``."""
    import entity_resources
    from services_api.drupal import comment, core, definition, entity, file, system, taxonomy, user

    # The classes serving registrations with these core names (node's is core's own).
    # A host's resources.py, imported after this, may replace them.
    core.register_core_resource("comment", comment.CommentResource)
    core.register_core_resource("taxonomy_term", taxonomy.TermResource)
    core.register_core_resource("taxonomy_vocabulary", taxonomy.VocabularyResource)
    core.register_core_resource("file", file.FileResource)
    file.add_node_files()  # node's attach_file and files
    registry.register(user.UserResource)
    registry.register(system.SystemResource)
    registry.register(definition.DefinitionResource)
    registry_version = lambda: entity_resources.site.version  # noqa: E731
    registry.add_provider(entity.build_entity_resources, key=registry_version)
    registry.add_provider(core.build_core_resources, key=registration_version)


__all__ = ["CoreOptions", "core_site", "register_core", "register_drupal_resources"]
