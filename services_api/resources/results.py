"""What a controller may return besides plain data: a status, headers, or an empty body."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Result:
    """``Result(data, status=201, headers={"Location": uri})``; ``empty=True`` sends no body."""

    data: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    empty: bool = False
    #: Set-Cookie and similar work done on the final response: ``callable(response)``.
    on_response: Any = None
    #: ``data`` already rendered as JSON (a list or dict through ``encode_json``, e.g. to
    #: compute its ETag): a JSON response sends these bytes instead of encoding ``data`` again.
    json: bytes | None = None


__all__ = ["Result"]
