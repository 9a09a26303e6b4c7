"""Suite-wide fixtures."""

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _clear_caches():
    """Each test starts with empty caches (endpoint config, throttles)."""
    for cache in caches.all():
        cache.clear()
    yield
