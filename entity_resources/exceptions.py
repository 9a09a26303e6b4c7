"""Registry errors (named as ``django.contrib.admin`` names its own) and client errors.

``EntityError`` and its subclasses are DRF ``APIException``s: a DRF view (the public viewsets,
or a host project's own view calling these functions) answers them with their status and
``{"detail": message}`` (validation: ``{"form_errors": ...}``) through DRF's own exception
handler, with no translation step. Other servers (a host's own endpoints) read ``status``,
``message`` and ``data`` and shape the answer their own way.
"""

from rest_framework.exceptions import APIException


class AlreadyRegistered(Exception):
    """The model is already registered with this site."""


class NotRegistered(Exception):
    """The model is not registered with this site."""


class EntityError(APIException):
    """A client error raised by the entity functions; ``status`` is the HTTP status.

    ``message`` is one line of text; ``data`` the body a server may send (the message, or a
    dict such as ``{"form_errors": ...}``). Subclasses set ``status``; ``status_code`` (DRF's
    name) follows it.
    """

    status = 400

    def __init__(self, message: str, data=None) -> None:
        self.message = message
        self.data = message if data is None else data
        super().__init__(detail=self.data if isinstance(self.data, dict) else message)

    @property
    def status_code(self) -> int:  # type: ignore[override]
        return self.status

    def __str__(self) -> str:
        return self.message


class QueryError(EntityError):
    """A bad index query (``entity_resources.grammar``); ``parameter`` names the query parameter
    as the client wrote it (``page``, ``parameters[created][gte]``), ``reason`` says what is
    wrong in a sentence that also reads well after an "Invalid query provided" prefix
    (``detail`` is DRF's: the message)."""

    def __init__(self, parameter: str, message: str, reason: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.reason = reason


class UnknownParameter(QueryError):
    """A filter, sort or field name that is not allowed: ``406 Parameter <p> does not exist``.

    ``where`` is the part of the query that named it (``fields``, ``parameters``, ``orderby``,
    ``sort``, ``search``)."""

    status = 406

    def __init__(self, name: str, where: str = "parameters") -> None:
        if where == name:
            detail = f"Unknown parameter {name!r}."
        else:
            detail = f"Unknown column {name!r} in {where}."
        super().__init__(name, f"Parameter {name} does not exist", detail)
        self.name = name
        self.where = where


class BadParameter(QueryError):
    """A known parameter with a malformed value (page, pagesize, cursor, ...): 400 naming it."""

    status = 400

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(name, f"Invalid value for parameter {name}: {detail}", detail)
        self.name = name


class InvalidFilter(BadParameter):
    """A filter (``parameters[x]``, ``options[parameters_op][x]``) with an operator or value the
    column does not take: 400 on the entity resources, 406 "Invalid query" on core ones."""


class NestedTooDeeply(EntityError):
    """A query string or body nested deeper than the limit (``brackets``, ``limits``): 400."""

    status = 400


class EntityNotFound(EntityError):
    status = 404

    def __init__(self, message: str = "Entity or revision not found") -> None:
        super().__init__(message)


class EntityAccessDenied(EntityError):
    """The object-level hook refused the operation (403)."""

    status = 403

    def __init__(self, operation: str) -> None:
        super().__init__(f"Access denied for operation {operation}")
        self.operation = operation


class InvalidData(EntityError):
    """A write body that does not validate: 406, body ``{"form_errors": {field: [msg]}}``."""

    status = 406

    def __init__(self, errors, message: str = "Validation failed.") -> None:
        super().__init__(message, {"form_errors": errors})
        self.errors = errors


class UnknownProperties(EntityError):
    """A write body with keys the resource does not have: ``406 Unknown data properties: a b.``"""

    status = 406

    def __init__(self, names) -> None:
        super().__init__(f"Unknown data properties: {' '.join(names)}.")
        self.names = list(names)


class TooManyItems(EntityError):
    """A bulk body with more entities than the server allows: 413."""

    status = 413

    def __init__(self, limit: int) -> None:
        super().__init__(f"Too many entities: at most {limit} per request.")
        self.limit = limit


class InvalidIdentifier(EntityError):
    status = 406

    def __init__(self) -> None:
        super().__init__(
            "Invalid Entity Identifier. You can only update the entity referenced in the URL."
        )
