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

    def finish(self, response: Any) -> Any:
        """``response`` (built from this result by whichever server answers) with the result's
        ``headers`` set and its ``on_response`` work done."""
        for name, value in self.headers.items():
            response[name] = value
        if self.on_response:
            self.on_response(response)
        return response


__all__ = ["Result"]
