"""Drupal Services 3.x-style web service endpoints for Django.

The version lives here and nowhere else: ``pyproject.toml`` reads it dynamically.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
