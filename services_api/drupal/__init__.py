"""The Drupal resources: ``entity_*`` (Services Entity), the core-style ``node``, ``comment`` and
``taxonomy_*`` resources, and the built-in ``user`` and ``system`` resources (spec section 8)."""
