"""Autodiscovered by entity_resources at start-up, as a host app's resources.py would be."""

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from rest_framework import exceptions as drf_exceptions

import entity_resources
from entity_resources.exceptions import (
    BadParameter,
    EntityAccessDenied,
    EntityNotFound,
    InvalidData,
    UnknownParameter,
)
from services_api.exceptions import ServicesError
from services_api.resources import (
    Arg,
    Resource,
    action,
    operation,
    register_resource,
    relationship,
    targeted_action,
)

from .models import Widget

entity_resources.register(Widget, filter_fields=["name", "size"], sort_fields=["size"])


def describe_files(value):
    """Uploaded files are echoed as their name, type and size."""
    if isinstance(value, UploadedFile):
        return {"filename": value.name, "filemime": value.content_type, "filesize": value.size}
    if isinstance(value, dict):
        return {k: describe_files(v) for k, v in value.items()}
    if isinstance(value, list):
        return [describe_files(v) for v in value]
    return value


@register_resource
class EchoResource(Resource):
    """Echoes what the server gathered, for the grammar, format and argument tests."""

    name = "echo"

    @operation("index", args=[Arg("page", int, source="query", required=False, default=0)])
    def index(self, request, page):
        return [{"op": "index", "page": page}]

    @operation("retrieve", args=[Arg("id", source="path", index=0)])
    def retrieve(self, request, id):
        if id == "missing":
            raise ServicesError("Echo missing could not be found", 404)
        return {"op": "retrieve", "id": id}

    @operation("create", args=[Arg("data", None, whole_body=True, wrapper="echo")])
    def create(self, request, data):
        return {"op": "create", "data": describe_files(data)}

    @operation(
        "update",
        args=[
            Arg("id", source="path", index=0),
            Arg("data", None, whole_body=True, wrapper="echo"),
        ],
    )
    def update(self, request, id, data):
        return {"op": "update", "id": id, "data": data}

    @operation("delete", args=[Arg("id", source="path", index=0)])
    def delete(self, request, id):
        return True

    @action(args=[Arg("text"), Arg("times", int, required=False, default=1)])
    def shout(self, request, text, times):
        return {"op": "shout", "text": text.upper() * times}

    @action(access=lambda request, kwargs: request.user.is_authenticated)
    def secret(self, request):
        return {"op": "secret", "user": request.user.get_username()}

    @targeted_action(args=[Arg("id", source="path", index=0), Arg("times", int, required=False)])
    def poke(self, request, id, times):
        return {"op": "poke", "id": id, "times": times}

    @relationship(args=[Arg("id", source="path", index=0)])
    def children(self, request, id):
        return [{"parent": id, "child": 1}]

    @action(args=[Arg("value", None)])
    def scalar(self, request, value):
        return value


#: What ``failing/<id>`` raises: each kind of error a resource's callback may raise.
FAILURES = {
    "entity_not_found": lambda: EntityNotFound(),
    "invalid_data": lambda: InvalidData({"name": ["This field is required."]}),
    "unknown_parameter": lambda: UnknownParameter("colour"),
    "bad_parameter": lambda: BadParameter("size", "expected an integer"),
    "entity_access_denied": lambda: EntityAccessDenied("view"),
    "services_error": lambda: ServicesError("Widget is locked", 409),
    "http404": lambda: Http404("no widget"),
    "permission_denied": lambda: PermissionDenied(),
    "drf_validation": lambda: drf_exceptions.ValidationError({"name": ["Too long."]}),
    "drf_parse_error": lambda: drf_exceptions.ParseError("Bad widget."),
    "runtime": lambda: RuntimeError("secret internals"),
}


@register_resource
class FailingResource(Resource):
    """Raises what ``FAILURES`` names, for the error-path tests."""

    name = "failing"

    @operation("retrieve", args=[Arg("id", source="path", index=0)])
    def retrieve(self, request, id):
        raise FAILURES[id]()
