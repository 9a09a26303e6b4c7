"""The Services side of the one query grammar (``entity_resources.grammar``).

Two things differ per resource family, and only these two:

- **page size** (spec §9, §10): every family defaults to the endpoint's ``page_size``; the
  ``entity_*`` resources cap ``pagesize`` at the endpoint's ``max_page_size``, the core-style
  ones (``node``, ``comment``, ``taxonomy_*``, ``user``) at the default itself, as Drupal does
  for callers without "perform unlimited index queries" (here: superusers get the maximum);
- **error wording**: a core-style resource answers an unknown column or a bad filter with
  ``406 Invalid query provided, ...`` (spec §9), an ``entity_*`` resource with
  ``406 Parameter <p> does not exist`` / ``400 Invalid value for parameter <p>: ...`` (spec §10).
  A malformed ``page``/``pagesize``/``options``/``fields`` is 400 naming it on both.
"""

from __future__ import annotations

from typing import Any

from entity_resources.exceptions import InvalidFilter, QueryError, UnknownParameter
from entity_resources.grammar import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageSize
from services_api.exceptions import ServicesError

INVALID_QUERY = (
    "Invalid query provided, double check that the fields and parameters you defined are "
    "correct and exist."
)


def invalid_query(detail: str) -> ServicesError:
    """Drupal's ``406 Invalid query provided, ... <detail>`` (spec §9)."""
    return ServicesError(f"{INVALID_QUERY} {detail}", 406)


def page_size_policy(request: Any, *, core: bool) -> PageSize:
    """The endpoint's page sizes for an ``entity_*`` (``core=False``) or core-style index."""
    endpoint = request.services.endpoint
    default = getattr(endpoint, "page_size", None) or DEFAULT_PAGE_SIZE
    maximum = getattr(endpoint, "max_page_size", None) or MAX_PAGE_SIZE
    if core and not getattr(getattr(request, "user", None), "is_superuser", False):
        maximum = default
    return PageSize(default=min(default, maximum), maximum=maximum)


def query_error(error: QueryError, *, core: bool) -> QueryError | ServicesError:
    """A grammar error as the family's status line (see the module docstring): the core-style
    wording, or the error itself, which the server's one handler answers with its status."""
    if core and isinstance(error, UnknownParameter | InvalidFilter):
        return invalid_query(error.reason)
    return error


__all__ = ["INVALID_QUERY", "invalid_query", "page_size_policy", "query_error"]
