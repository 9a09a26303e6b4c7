"""CiviCRM 3.2's keyed REST interface (``/civicrm``), rebuilt with the public resource API.

* ``GET /civicrm/contact?key=<site key>&api_key=<user key>&last_name=Smith&return[email]=1``
  (also ``/civicrm/contact/search`` and ``/civicrm/contact/get``, and the non-clean
  ``/?q=civicrm/contact/search&...``): contact search on plain query parameters.
* ``POST /civicrm/contact/create?key=...&api_key=...`` with the contact's fields in the body:
  create, or update when ``contact_id`` is given.

XML by default, JSON with ``json=1`` (or ``.json``); the endpoint enables only ``api_key``
authentication. Results follow CiviCRM's shape: ``{"is_error": 0, "count": n, "values":
[...]}``; errors ``{"is_error": 1, "error_message": "..."}``. See ``docs/seed-systems.md``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from services_api.exceptions import ServicesError
from services_api.resources import Arg, Resource, action, operation, register_resource

from .models import Contact

#: Fields a search may filter on and a create/update may set (``contact_id`` only selects).
FIELDS = ("contact_type", "first_name", "last_name", "email", "phone", "city", "country")
SEARCH_FIELDS = ("contact_id", *FIELDS)
#: Fields a result may return; ``sort_name`` and ``display_name`` are derived.
RETURN_FIELDS = (*SEARCH_FIELDS, "sort_name", "display_name", "created", "modified")
#: Query parameters that are not search criteria.
RESERVED = frozenset(
    {"key", "api_key", "json", "q", "return", "offset", "rowCount", "PHPSESSID", "_method"}
)
CONTACT_TYPES = {choice for choice, _ in Contact.CONTACT_TYPES}
DEFAULT_ROW_COUNT = 25
MAX_ROW_COUNT = 500
COMMANDS = ("search", "get")


def civicrm_error(message: str, status: int = 400) -> ServicesError:
    """An error in CiviCRM's shape, rendered in the request's format."""
    return ServicesError(message, status, data={"is_error": 1, "error_message": message})


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


def _unknown(names, allowed) -> list[str]:
    return sorted(name for name in names if name not in allowed)


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


@register_resource
class ContactResource(Resource):
    name = "contact"
    id_key = "contact_id"
    default_access = staticmethod(api_user)

    @operation(
        "index",
        args=[
            Arg(
                "command",
                source="path",
                index=0,
                required=False,
                default="search",
                description="CiviCRM's command: search (default) or get.",
            )
        ],
    )
    def index(self, request, command):
        """Contact search: every plain query parameter is an exact-match criterion."""
        if command not in COMMANDS:
            raise civicrm_error(f"Unknown command contact/{command}.", 404)
        query = request.services.query
        criteria = {k: v for k, v in query.items() if k not in RESERVED}
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
        fields = _returned_fields(query.get("return"))
        offset = _int("offset", query.get("offset", 0))
        row_count = min(
            _int("rowCount", query.get("rowCount", DEFAULT_ROW_COUNT), minimum=1), MAX_ROW_COUNT
        )
        rows = Contact.objects.filter(**filters).order_by("id").values(*MODEL_FIELDS)
        values = [contact_values(row, fields) for row in rows[offset : offset + row_count]]
        return {"is_error": 0, "count": len(values), "values": values}

    @action(args=[Arg("params", dict, whole_body=True, wrapper="contact")])
    def create(self, request, params):
        """Create a contact, or update the one named by ``contact_id``; ``contact_type`` is
        required either way, as in CiviCRM."""
        unknown = _unknown(params, (*SEARCH_FIELDS, "key", "api_key", "json"))
        if unknown:
            raise civicrm_error(f"Unknown field(s): {', '.join(unknown)}.")
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


__all__ = ["ContactResource"]
