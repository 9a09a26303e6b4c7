"""Registry errors, named as ``django.contrib.admin`` names its own."""


class AlreadyRegistered(Exception):
    """The model is already registered with this site."""


class NotRegistered(Exception):
    """The model is not registered with this site."""


class EntityError(Exception):
    """A client error raised by the entity functions; ``status`` is the HTTP status.

    ``entity_resources`` knows nothing of the Services server: its adapter turns these into
    Services errors (status line ``<status> ... : <message>``, body ``data``) and the public
    viewsets into DRF ``APIException``s with the same status and detail.
    """

    status = 400

    def __init__(self, message: str, data=None) -> None:
        super().__init__(message)
        self.message = message
        self.data = message if data is None else data


class UnknownParameter(EntityError):
    """A filter, sort or field name that is not allowed: ``406 Parameter <p> does not exist``."""

    status = 406

    def __init__(self, name: str) -> None:
        super().__init__(f"Parameter {name} does not exist")
        self.name = name


class BadParameter(EntityError):
    """A known parameter with a bad operator or value: 400 naming the parameter."""

    status = 400

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"Invalid value for parameter {name}: {detail}")
        self.name = name
        self.detail = detail


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


class InvalidIdentifier(EntityError):
    status = 406

    def __init__(self) -> None:
        super().__init__(
            "Invalid Entity Identifier. You can only update the entity referenced in the URL."
        )
