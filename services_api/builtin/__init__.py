"""The built-in resources of Drupal's Services module: ``user`` and ``system`` (spec §8).

Imported by ``ServicesApiConfig.ready()``; they register themselves with the default registry
and are enabled per endpoint like any other resource.
"""

from . import system, user  # noqa: F401
