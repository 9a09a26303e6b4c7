"""CiviCRM 3.2's keyed REST interface (``/civicrm``), rebuilt with the public resource API.

CiviCRM's ``extern/rest.php`` reads ``$_REQUEST``: a command and its fields may come in the
query string of a GET (``/?q=civicrm/contact/create&key=...&api_key=...&contact_type=...``), in
the query string of a POST, or in a POST body (the body wins on a clash). So every command
answers both ``GET <entity>/<command>`` (the ``index`` operation with the command as its path
argument) and ``POST <entity>/<command>`` (an action), with the query and the body merged.

* ``contact``: ``search``/``get`` (plain query parameters are exact-match criteria,
  ``return[field]=1``, ``offset``, ``rowCount``) and ``create``/``add`` (create, or update when
  ``contact_id`` is given; ``email[1][email]=...&email[1][location_type_id]=1`` accepted).
* ``group``: ``get`` (active groups only) and ``create``/``add``.
* ``group_contact``: ``add``, ``remove``/``delete``, ``get``.
* ``login`` (resource ``civicrm_login`` under that alias): ``name`` + ``pass`` + the site key
  give the user's API key.

XML by default, JSON with ``json=1`` (or ``.json``); the endpoint enables only ``api_key``
authentication. Results follow CiviCRM's shape ``{"is_error": 0, ...}``; every error, including
routing and authentication errors raised before a command runs, is
``{"is_error": 1, "error_message": "..."}`` through ``civicrm_errors``, an
``ERROR_ALTER_HOOKS`` hook. See ``docs/seed-systems.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.text import slugify

from services_api.auth.tokens import create_api_key, rotate_api_key, site_key_valid
from services_api.drupal.user import LoginThrottle, client_ip
from services_api.exceptions import ServicesError
from services_api.models import ApiKey
from services_api.resources import Arg, Resource, action, operation, register_resource
from services_api.server.errors import ErrorContext

from .models import Contact, ContactGroup, GroupContact

#: The demo endpoint whose errors ``civicrm_errors`` shapes (project/demo/endpoints.py).
ENDPOINT_NAME = "civicrm"
#: Fields a search may filter on and a create/update may set (``contact_id`` only selects).
FIELDS = ("contact_type", "first_name", "last_name", "email", "phone", "city", "country")
SEARCH_FIELDS = ("contact_id", *FIELDS)
#: Fields a result may return; ``sort_name`` and ``display_name`` are derived.
RETURN_FIELDS = (*SEARCH_FIELDS, "sort_name", "display_name", "created", "modified")
#: Request parameters that are never fields: the keys, the format flag, the path.
TRANSPORT = frozenset({"key", "api_key", "json", "q", "PHPSESSID", "_method"})
#: Search parameters that are not criteria.
PAGING = frozenset({"return", "offset", "rowCount"})
CONTACT_TYPES = {choice for choice, _ in Contact.CONTACT_TYPES}
VISIBILITIES = {choice for choice, _ in ContactGroup.VISIBILITIES}
#: CiviCRM's default location types (``email[1][location_type_id]=1`` is "Home").
LOCATION_TYPES = {"1": "Home", "2": "Work", "3": "Main", "4": "Other", "5": "Billing"}
#: Nested contact fields: ``email[n][email]``, ``phone[n][phone]``.
NESTED_FIELDS = ("email", "phone")
DEFAULT_ROW_COUNT = 25
MAX_ROW_COUNT = 500
#: The API key ``civicrm/login`` hands out; each login rotates it (keys are stored hashed).
LOGIN_KEY_NAME = "civicrm/login"


def civicrm_error(message: str, status: int = 400) -> ServicesError:
    """An error in CiviCRM's shape, rendered in the request's format."""
    return ServicesError(message, status, data={"is_error": 1, "error_message": message})


def civicrm_errors(error: ServicesError, context: ErrorContext) -> ServicesError | None:
    """``SERVICES_API["ERROR_ALTER_HOOKS"]``: every error of the CiviCRM endpoint in CiviCRM's
    shape, including the server's own (unknown command or entity, wrong site or API key, bad
    format); the status code and status line stay."""
    endpoint = context.endpoint
    if endpoint is None or endpoint.name != ENDPOINT_NAME:
        return None
    if isinstance(error.data, dict) and error.data.get("is_error") == 1:
        return None
    shaped = civicrm_error(error.message, error.status)
    shaped.headers = dict(error.headers)
    return shaped


def api_user(request: Any, kwargs: dict[str, Any]) -> bool:
    """Only callers the site key + API key authenticated; no key at all is a 401 too."""
    if not request.user.is_authenticated:
        raise civicrm_error(
            "Authentication required: pass the site key as key= and your API key as api_key=.",
            401,
        )
    return True


def _int(name: str, value: Any, minimum: int = 0) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise civicrm_error(f"Invalid value for {name}: expected an integer.") from None
    if number < minimum:
        raise civicrm_error(f"Invalid value for {name}: must be at least {minimum}.")
    return number


def _scalar(name: str, value: Any) -> str:
    if isinstance(value, (dict, list)):
        raise civicrm_error(f"Invalid value for {name}: expected a single value.")
    return "" if value is None else str(value)


def _flag(name: str, value: Any) -> bool:
    text = _scalar(name, value).strip()
    if text not in ("0", "1"):
        raise civicrm_error(f"Invalid value for {name}: use 0 or 1.")
    return text == "1"


def _unknown(names, allowed) -> list[str]:
    return sorted(name for name in names if name not in allowed)


def _entries(value: Any) -> list[Any]:
    return list(value.values()) if isinstance(value, dict) else list(value)


def _nested(name: str, value: Any) -> Any:
    """``email[1][email]=a@b.c&email[1][location_type_id]=1`` -> ``"a@b.c"``.

    The primary entry (``is_primary=1``) or else the first; the demo keeps one value per field,
    so the location type is validated but not stored.
    """
    if not isinstance(value, (dict, list)):
        return value
    entries = _entries(value)
    if not entries or not all(isinstance(entry, dict) for entry in entries):
        raise civicrm_error(f"Invalid value for {name}: use {name}[1][{name}]=...")
    for entry in entries:
        location = entry.get("location_type_id")
        if location is not None and _scalar(name, location).strip() not in LOCATION_TYPES:
            types = ", ".join(f"{k} ({v})" for k, v in LOCATION_TYPES.items())
            raise civicrm_error(f"Invalid value for {name}[location_type_id]: use one of {types}.")
    chosen = next((e for e in entries if str(e.get("is_primary", "")) == "1"), entries[0])
    return _scalar(name, chosen.get(name, ""))


def contact_values(contact: dict[str, Any], fields: tuple[str, ...]) -> dict[str, str]:
    """One contact as CiviCRM returns it: strings, ``contact_id`` first."""
    first, last = contact["first_name"], contact["last_name"]
    derived = {
        "contact_id": str(contact["id"]),
        "sort_name": ", ".join(part for part in (last, first) if part),
        "display_name": " ".join(part for part in (first, last) if part),
        "created": contact["created"].strftime("%Y-%m-%d %H:%M:%S"),
        "modified": contact["modified"].strftime("%Y-%m-%d %H:%M:%S"),
    }
    return {field: derived[field] if field in derived else contact[field] for field in fields}


def _returned_fields(selection: Any) -> tuple[str, ...]:
    """``return[email]=1&return[city]=1`` -> ``("contact_id", "email", "city")``."""
    if selection is None:
        return RETURN_FIELDS
    if not isinstance(selection, dict):
        raise civicrm_error("Invalid value for return: use return[field_name]=1.")
    unknown = _unknown(selection, RETURN_FIELDS)
    if unknown:
        raise civicrm_error(f"Unknown return field(s): {', '.join(unknown)}.")
    wanted = [f for f in RETURN_FIELDS if f != "contact_id" and selection.get(f) not in (None, "0")]
    return ("contact_id", *wanted)


MODEL_FIELDS = ("id", *FIELDS, "created", "modified")
#: The whole POST body: CiviCRM merges it over the query string ($_REQUEST).
BODY = Arg("body", None, whole_body=True, required=False, description="The command's fields.")
COMMAND = Arg(
    "command",
    source="path",
    index=0,
    required=False,
    description="CiviCRM's command (get, create, ...); the entity's default when left out.",
)


class CiviCRMResource(Resource):
    """One CiviCRM entity: ``commands`` maps a command name to a method taking the merged
    request parameters; GET and POST reach the same methods."""

    default_access = staticmethod(api_user)
    #: Command name -> method name; the first is the default of a bare ``GET <entity>``.
    commands: dict[str, str] = {}

    def run(self, request: Any, command: str | None, body: Any) -> dict[str, Any]:
        command = command or next(iter(self.commands))
        method = self.commands.get(command)
        if method is None:
            raise civicrm_error(f"Unknown command {self.name}/{command}.", 404)
        params = {k: v for k, v in request.services.query.items() if k not in TRANSPORT}
        if isinstance(body, dict):
            params.update((k, v) for k, v in body.items() if k not in TRANSPORT)
        handler: Callable[[Any, dict[str, Any]], dict[str, Any]] = getattr(self, method)
        return handler(request, params)

    @operation("index", args=[COMMAND])
    def index(self, request, command=None):
        """``GET <entity>[/<command>]``: any command, its fields in the query string."""
        return self.run(request, command, None)

    # POST <entity>/<command>: one action per command name any entity uses.
    @action("get", args=[BODY])
    def post_get(self, request, body=None):
        return self.run(request, "get", body)

    @action("search", args=[BODY])
    def post_search(self, request, body=None):
        return self.run(request, "search", body)

    @action("create", args=[BODY])
    def post_create(self, request, body=None):
        return self.run(request, "create", body)

    @action("add", args=[BODY])
    def post_add(self, request, body=None):
        return self.run(request, "add", body)

    @action("remove", args=[BODY])
    def post_remove(self, request, body=None):
        return self.run(request, "remove", body)

    @action("delete", args=[BODY])
    def post_delete(self, request, body=None):
        return self.run(request, "delete", body)


@register_resource
class ContactResource(CiviCRMResource):
    name = "contact"
    id_key = "contact_id"
    commands = {"search": "search", "get": "search", "create": "create", "add": "create"}

    def search(self, request, params: dict[str, Any]) -> dict[str, Any]:
        """Contact search: every plain parameter is an exact-match criterion."""
        criteria = {k: v for k, v in params.items() if k not in PAGING}
        unknown = _unknown(criteria, SEARCH_FIELDS)
        if unknown:
            raise civicrm_error(f"Unknown search field(s): {', '.join(unknown)}.")
        filters = {}
        for name, value in criteria.items():
            value = _scalar(name, value)
            if name == "contact_id":
                filters["pk"] = _int("contact_id", value, minimum=1)
            else:
                filters[name] = value
        fields = _returned_fields(params.get("return"))
        offset = _int("offset", params.get("offset", 0))
        row_count = min(
            _int("rowCount", params.get("rowCount", DEFAULT_ROW_COUNT), minimum=1), MAX_ROW_COUNT
        )
        rows = Contact.objects.filter(**filters).order_by("id").values(*MODEL_FIELDS)
        values = [contact_values(row, fields) for row in rows[offset : offset + row_count]]
        return {"is_error": 0, "count": len(values), "values": values}

    def create(self, request, params: dict[str, Any]) -> dict[str, Any]:
        """Create a contact, or update the one named by ``contact_id``; ``contact_type`` is
        required either way, as in CiviCRM."""
        unknown = _unknown(params, SEARCH_FIELDS)
        if unknown:
            raise civicrm_error(f"Unknown field(s): {', '.join(unknown)}.")
        params = {k: _nested(k, v) if k in NESTED_FIELDS else v for k, v in params.items()}
        data = {name: _scalar(name, params[name]).strip() for name in FIELDS if name in params}
        if not data.get("contact_type"):
            raise civicrm_error("Mandatory parameter missing: contact_type.")
        if data["contact_type"] not in CONTACT_TYPES:
            raise civicrm_error(
                f"Invalid value for contact_type: use one of {', '.join(sorted(CONTACT_TYPES))}."
            )
        for name, value in data.items():
            limit = Contact._meta.get_field(name).max_length
            if len(value) > limit:
                raise civicrm_error(f"Invalid value for {name}: at most {limit} characters.")
        with transaction.atomic():
            if params.get("contact_id") not in (None, ""):
                contact_id = _int("contact_id", _scalar("contact_id", params["contact_id"]), 1)
                contact = Contact.objects.select_for_update().filter(pk=contact_id).first()
                if contact is None:
                    raise civicrm_error(f"Contact {contact_id} does not exist.", 404)
                for name, value in data.items():
                    setattr(contact, name, value)
                contact.save()
            else:
                if not any(data.get(f) for f in ("first_name", "last_name", "email")):
                    raise civicrm_error(
                        "Mandatory parameter missing: first_name, last_name or email."
                    )
                contact = Contact.objects.create(**data)
        row = {field: getattr(contact, field) for field in MODEL_FIELDS}
        values = contact_values(row, RETURN_FIELDS)
        return {
            "is_error": 0,
            "id": values["contact_id"],
            "contact_id": values["contact_id"],
            "count": 1,
            "values": [values],
        }


GROUP_FIELDS = ("id", "name", "title", "description", "is_active", "visibility", "group_type")
GROUP_SEARCH = ("id", "name", "title", "visibility", "group_type")


def group_values(row: dict[str, Any]) -> dict[str, str]:
    """A group as CiviCRM returns it; the smart-group clauses are empty (no smart groups)."""
    values = {key: str(row[key]) for key in GROUP_FIELDS if key != "is_active"}
    values["is_active"] = "1" if row["is_active"] else "0"
    values.update(where_clause="", select_tables="", where_tables="")
    return values


@register_resource
class GroupResource(CiviCRMResource):
    name = "group"
    id_key = "id"
    commands = {"get": "get", "create": "create", "add": "create"}

    def get(self, request, params: dict[str, Any]) -> dict[str, Any]:
        """Active groups matching every given field exactly (``id``, ``name``, ``title``,
        ``visibility``, ``group_type``); an inactive group is never found, as in CiviCRM."""
        unknown = _unknown(params, GROUP_SEARCH)
        if unknown:
            raise civicrm_error(f"Unknown search field(s): {', '.join(unknown)}.")
        filters: dict[str, Any] = {"is_active": True}
        for name, value in params.items():
            value = _scalar(name, value)
            filters["pk" if name == "id" else name] = (
                _int("id", value, minimum=1) if name == "id" else value
            )
        values = [group_values(row) for row in ContactGroup.objects.filter(**filters).values()]
        return {"is_error": 0, "count": len(values), "values": values}

    def create(self, request, params: dict[str, Any]) -> dict[str, Any]:
        """A new group: ``title`` (required), ``name`` (default: from the title),
        ``description``, ``is_active`` (0 unless given), ``visibility``, ``group_type``."""
        allowed = ("name", "title", "description", "is_active", "visibility", "group_type")
        unknown = _unknown(params, allowed)
        if unknown:
            raise civicrm_error(f"Unknown field(s): {', '.join(unknown)}.")
        data = {k: _scalar(k, v).strip() for k, v in params.items() if k != "is_active"}
        if not data.get("title"):
            raise civicrm_error("Mandatory parameter missing: title.")
        data["name"] = data.get("name") or slugify(data["title"]).replace("-", "_")[:64]
        if data.get("visibility", "User and User Admin Only") not in VISIBILITIES:
            raise civicrm_error(
                f"Invalid value for visibility: use one of {', '.join(sorted(VISIBILITIES))}."
            )
        for name, value in data.items():
            limit = ContactGroup._meta.get_field(name).max_length
            if limit and len(value) > limit:
                raise civicrm_error(f"Invalid value for {name}: at most {limit} characters.")
        is_active = _flag("is_active", params["is_active"]) if "is_active" in params else False
        with transaction.atomic():
            if ContactGroup.objects.select_for_update().filter(name=data["name"]).exists():
                raise civicrm_error(f"A group named {data['name']} already exists.")
            group = ContactGroup.objects.create(**data, is_active=is_active)
        values = group_values({key: getattr(group, key) for key in GROUP_FIELDS})
        return {"is_error": 0, "id": values["id"], "count": 1, "values": [values]}


@register_resource
class GroupContactResource(CiviCRMResource):
    name = "group_contact"
    id_key = "id"
    commands = {"get": "get", "add": "add", "remove": "remove", "delete": "remove"}

    @staticmethod
    def _group(params: dict[str, Any]) -> ContactGroup:
        if params.get("group_id") in (None, ""):
            raise civicrm_error("Mandatory parameter missing: group_id.")
        group_id = _int("group_id", _scalar("group_id", params["group_id"]), 1)
        group = ContactGroup.objects.filter(pk=group_id).first()
        if group is None:
            raise civicrm_error(f"Group {group_id} does not exist.", 404)
        return group

    @staticmethod
    def _contact_ids(params: dict[str, Any]) -> list[int]:
        """``contact_id``, and ``contact_id.1``, ``contact_id.2``, ... (which PHP, and our
        query parser, turn into ``contact_id_1``...): every parameter named ``contact_id*``."""
        names = sorted(name for name in params if name.startswith("contact_id"))
        unknown = _unknown((n for n in params if n not in names), ("group_id",))
        if unknown:
            raise civicrm_error(f"Unknown field(s): {', '.join(unknown)}.")
        if not names:
            raise civicrm_error("Mandatory parameter missing: contact_id.")
        ids = list(dict.fromkeys(_int(n, _scalar(n, params[n]), 1) for n in names))
        found = set(Contact.objects.filter(pk__in=ids).values_list("pk", flat=True))
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise civicrm_error(f"Contact(s) {', '.join(missing)} do not exist.", 404)
        return ids

    @staticmethod
    def _members(group: ContactGroup) -> int:
        return GroupContact.objects.filter(group=group, status="Added").count()

    def add(self, request, params: dict[str, Any]) -> dict[str, Any]:
        """Add contacts to a group: ``{"is_error": 0, "not_added": 0, "added": 1,
        "total_count": <members of the group>}``."""
        group = self._group(params)
        ids = self._contact_ids(params)
        with transaction.atomic():
            links = {
                link.contact_id: link
                for link in GroupContact.objects.select_for_update().filter(
                    group=group, contact_id__in=ids
                )
            }
            new = [GroupContact(group=group, contact_id=pk) for pk in ids if pk not in links]
            GroupContact.objects.bulk_create(new)
            back = [pk for pk, link in links.items() if link.status != "Added"]
            GroupContact.objects.filter(group=group, contact_id__in=back).update(status="Added")
        added = len(new) + len(back)
        return {
            "is_error": 0,
            "not_added": len(ids) - added,
            "added": added,
            "total_count": self._members(group),
        }

    def remove(self, request, params: dict[str, Any]) -> dict[str, Any]:
        """Remove contacts from a group (the row stays, status ``Removed``)."""
        group = self._group(params)
        ids = self._contact_ids(params)
        with transaction.atomic():
            removed = GroupContact.objects.filter(
                group=group, contact_id__in=ids, status="Added"
            ).update(status="Removed")
        return {
            "is_error": 0,
            "not_removed": len(ids) - removed,
            "removed": removed,
            "total_count": self._members(group),
        }

    def get(self, request, params: dict[str, Any]) -> dict[str, Any]:
        """The groups a contact is in (``contact_id`` required), one query."""
        unknown = _unknown(params, ("contact_id",))
        if unknown:
            raise civicrm_error(f"Unknown field(s): {', '.join(unknown)}.")
        if params.get("contact_id") in (None, ""):
            raise civicrm_error("Mandatory parameter missing: contact_id.")
        contact_id = _int("contact_id", _scalar("contact_id", params["contact_id"]), 1)
        rows = GroupContact.objects.filter(contact_id=contact_id, status="Added").values(
            "id", "group_id", "group__title", "group__visibility", "in_date", "in_method"
        )
        values = [
            {
                "id": str(row["id"]),
                "group_id": str(row["group_id"]),
                "title": row["group__title"],
                "visibility": row["group__visibility"],
                "in_date": row["in_date"].strftime("%Y-%m-%d %H:%M:%S"),
                "in_method": row["in_method"],
            }
            for row in rows
        ]
        return {"is_error": 0, "count": len(values), "values": values}


def anyone(request: Any, kwargs: dict[str, Any]) -> bool:
    return True


LOGIN_ARGS = [BODY]


@register_resource
class LoginResource(Resource):
    """``civicrm/login`` (the endpoint aliases this resource as ``login``): ``name`` + ``pass``
    + the site key give ``{"is_error": 0, "api_key": "..."}``. API keys are stored hashed, so
    the key cannot be read back: each login issues the user a fresh ``civicrm/login`` key and
    the previous one stops working (keys made in the admin or with ``services_apikey`` are
    left alone). Failed attempts count against the user resource's login throttle (429)."""

    name = "civicrm_login"
    id_key = "api_key"
    default_access = staticmethod(anyone)

    @operation("index")
    def index(self, request):
        return self.login(request, None)

    @operation("create", args=LOGIN_ARGS)
    def create(self, request, body=None):
        return self.login(request, body)

    def login(self, request, body: Any) -> dict[str, Any]:
        django_request = request._request
        if not site_key_valid(django_request):
            raise civicrm_error("Invalid site key.", 401)
        params = dict(request.services.query)
        if isinstance(body, dict):
            params.update(body)
        name, password = params.get("name"), params.get("pass")
        if not isinstance(name, str) or not isinstance(password, str) or not name or not password:
            raise civicrm_error("This API call requires the following parameters: name, pass")
        # The user resource's failed-login counters (per name and per client IP) apply here too.
        throttle = LoginThrottle(name, client_ip(django_request))
        throttle.check()
        user = authenticate(django_request, username=name, password=password)
        if user is None:
            throttle.failed()
            raise civicrm_error("Could not authenticate user, invalid name or password.", 401)
        throttle.succeeded()
        with transaction.atomic():
            existing = (
                ApiKey.objects.select_for_update()
                .filter(user=user, name=LOGIN_KEY_NAME, revoked=False)
                .first()
            )
            if existing is not None:
                key = rotate_api_key(existing)
            else:
                key = create_api_key(user, LOGIN_KEY_NAME)[1]
        return {"is_error": 0, "api_key": key}


__all__ = [
    "ContactResource",
    "GroupContactResource",
    "GroupResource",
    "LoginResource",
    "civicrm_errors",
]
