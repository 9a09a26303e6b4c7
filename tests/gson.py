"""Read JSON the way the Warmshowers Android app (wsandroid 3.1.9) does: Gson 2 with its own
type adapters, into its model classes.

The models below are transcribed from the app's sources (``fi.bitrite.android.ws.api``: the
Retrofit interfaces, ``model/ApiUser``, ``model/ApiFeedback`` and ``response/*``). Gson names
fields ``LOWER_CASE_WITH_UNDERSCORES`` unless ``@SerializedName`` says otherwise; the names here
are already the JSON names. Unknown keys are ignored and ``null`` leaves a field at its default,
as in Gson; everything Gson would throw on raises ``GsonError``:

* ``int``: a JSON number or a string that ``Integer.parseInt`` reads, or one
  ``Double.parseDouble`` reads to a whole number (``JsonReader.nextInt``): ``""`` throws.
* ``double``: a number or a string ``Double.parseDouble`` reads: ``""`` throws.
* ``String``: a string, number or boolean; an object or array throws.
* ``boolean``: the app's ``BooleanDeserializer``: ``getAsString().equals("1")``.
* ``Date``: the app's ``DateDeserializer``: Unix seconds (number or digit string), ``""`` is
  null, or ``yyyy-MM-dd'T'HH:mm:ss``; anything else throws.
* ``Relation``/``Rating``: the app's enum adapters (``"Met Traveling"``, ``"Positive"``, ...).
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any


class GsonError(AssertionError):
    """Gson (or one of the app's adapters) would throw on this JSON."""


_JAVA_INT = re.compile(r"[+-]?\d+")
_JAVA_DOUBLE = re.compile(r"[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)")

INT, DOUBLE, STRING, BOOLEAN, DATE = "int", "double", "String", "boolean", "Date"
RELATIONS = {"Guest", "Host", "Met Traveling", "Met_Traveling", "Other"}
RATINGS = {"Positive", "Neutral", "Negative"}


def _parse_double(text: str, where: str) -> float:
    stripped = text.strip()  # Java's parseDouble trims whitespace
    if not _JAVA_DOUBLE.fullmatch(stripped):
        raise GsonError(f"{where}: NumberFormatException for {text!r}")
    return float(stripped.rstrip("fFdD").replace("Infinity", "inf"))


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool):
        raise GsonError(f"{where}: Expected an int but was BOOLEAN")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise GsonError(f"{where}: Expected an int but was {value}")
        number = int(value)
    elif isinstance(value, str):
        if _JAVA_INT.fullmatch(value):
            number = int(value)
        else:
            as_double = _parse_double(value, where)
            if not math.isfinite(as_double) or not as_double.is_integer():
                raise GsonError(f"{where}: Expected an int but was {value!r}")
            number = int(as_double)
    else:
        raise GsonError(f"{where}: Expected an int but was {type(value).__name__}")
    if not -(2**31) <= number < 2**31:
        raise GsonError(f"{where}: {number} does not fit an int")
    return number


def _double(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise GsonError(f"{where}: Expected a double but was {type(value).__name__}")
    return float(value) if not isinstance(value, str) else _parse_double(value, where)


def _primitive_string(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    raise GsonError(f"{where}: Expected a string but was {type(value).__name__}")


def _date(value: Any, where: str) -> datetime | None:
    if isinstance(value, (dict, list)):
        raise GsonError(f"{where}: not a JSON primitive")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(int(value))
    text = _primitive_string(value, where)
    if _JAVA_INT.fullmatch(text):
        return datetime.fromtimestamp(int(text))
    if text == "":
        return None
    try:
        return datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise GsonError(f"{where}: Invalid date format {text!r}") from None


def read(value: Any, spec: Any, where: str = "$") -> Any:
    """``value`` (decoded JSON) read as ``spec``: a type name, a model dict, ``("list", spec)``
    or ``("map_int", spec)`` (``Map<Integer, ...>``)."""
    if value is None:
        return None
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            raise GsonError(f"{where}: Expected BEGIN_OBJECT but was {type(value).__name__}")
        return {
            name: read(value[name], field, f"{where}.{name}")
            for name, field in spec.items()
            if name in value
        }
    if isinstance(spec, tuple):
        kind, inner = spec
        if kind == "list":
            if not isinstance(value, list):
                raise GsonError(f"{where}: Expected BEGIN_ARRAY but was {type(value).__name__}")
            return [read(item, inner, f"{where}[{i}]") for i, item in enumerate(value)]
        if kind == "map_int":
            if isinstance(value, list):  # Gson's array-of-pairs form; [] is an empty map
                pairs = []
                for i, pair in enumerate(value):
                    if not isinstance(pair, list) or len(pair) != 2:
                        raise GsonError(f"{where}[{i}]: Expected a [key, value] pair")
                    pairs.append(pair)
            elif isinstance(value, dict):
                pairs = list(value.items())
            else:
                raise GsonError(f"{where}: Expected a map but was {type(value).__name__}")
            result: dict[int, Any] = {}
            for key, item in pairs:
                number = _int(key, f"{where} key")
                if number in result:
                    raise GsonError(f"{where}: duplicate key {number}")
                result[number] = read(item, inner, f"{where}[{key}]")
            return result
        raise ValueError(kind)
    if spec == INT:
        return _int(value, where)
    if spec == DOUBLE:
        return _double(value, where)
    if spec == STRING:
        return _primitive_string(value, where)
    if spec == BOOLEAN:
        if isinstance(value, (dict, list)):
            raise GsonError(f"{where}: getAsString() on a {type(value).__name__}")
        return _primitive_string(value, where) == "1"
    if spec == DATE:
        return _date(value, where)
    if spec in ("Relation", "Rating"):
        text = _primitive_string(value, where)
        if text not in (RELATIONS if spec == "Relation" else RATINGS):
            raise GsonError(f"{where}: Unknown {spec.lower()} type: {text}")
        return text
    raise ValueError(spec)


# --- the app's models (wsandroid v3.1.9) --------------------------------------------------------

PICTURE = {
    "fid": INT,
    "filename": STRING,
    "uri": STRING,
    "filemime": STRING,
    "filesize": INT,
    "status": INT,
    "timestamp": DATE,
    "url": STRING,
}
API_USER = {
    "uid": INT,
    "name": STRING,
    "theme": STRING,
    "signature_format": INT,
    "created": DATE,
    "access": DATE,
    "login": DATE,
    "status": INT,
    "timezone": STRING,
    "language": STRING,
    "picture": PICTURE,
    "fullname": STRING,
    "notcurrentlyavailable": BOOLEAN,
    "fax_number": STRING,
    "street": STRING,
    "additional": STRING,
    "city": STRING,
    "province": STRING,
    "postal_code": STRING,
    "country": STRING,
    "latitude": DOUBLE,
    "longitude": DOUBLE,
    "mobilephone": STRING,
    "workphone": STRING,
    "homephone": STRING,
    "preferred_notice": STRING,
    "maxcyclists": INT,
    "motel": STRING,
    "campground": STRING,
    "bikeshop": STRING,
    "storage": BOOLEAN,
    "shower": BOOLEAN,
    "kitchenuse": BOOLEAN,
    "lawnspace": BOOLEAN,
    "sag": BOOLEAN,
    "bed": BOOLEAN,
    "laundry": BOOLEAN,
    "food": BOOLEAN,
    "comments": STRING,
    "languagesspoken": STRING,
    "URL": STRING,
    "becomeavailable": DATE,
    "set_unavailable_timestamp": DATE,
    "set_available_timestamp": DATE,
    "last_unavailability_pester": DATE,
    "hide_donation_status": BOOLEAN,
    "email_opt_out": BOOLEAN,
    "source": INT,
    "comment_notify_settings": {"node_notify": BOOLEAN, "comment_notify": BOOLEAN},
    "privatemsg_disabled": BOOLEAN,
    "profile_image_profile_picture": STRING,
    "profile_image_mobile_profile_photo_std": STRING,
    "profile_image_mobile_photo_456": STRING,
    "profile_image_map_infoWindow": STRING,
}
LOGIN_RESPONSE = {"sessid": STRING, "session_name": STRING, "token": STRING, "user": API_USER}
LOCATION_USER = {
    "uid": INT,
    "created": DATE,
    "access": DATE,
    "login": DATE,
    "name": STRING,
    "fullname": STRING,
    "street": STRING,
    "city": STRING,
    "province": STRING,
    "postal_code": STRING,
    "countryCode": STRING,
    "source": INT,
    "picture": INT,
    "latitude": DOUBLE,
    "longitude": DOUBLE,
    "distance": DOUBLE,
    "notcurrentlyavailable": BOOLEAN,
    "profile_image_profile_picture": STRING,
    "profile_image_mobile_profile_photo_std": STRING,
    "profile_image_mobile_photo_456": STRING,
    "profile_image_map_infoWindow": STRING,
}
SEARCH_BY_LOCATION = {
    "status": {"delivered": INT, "totalresults": INT, "status": STRING},
    "accounts": ("list", LOCATION_USER),
}
SEARCH_BY_KEYWORD = {
    "status": {"delivered": INT, "status": STRING},
    "accounts": ("map_int", API_USER),
}
PARTICIPANT = {"uid": INT, "name": STRING, "fullname": STRING}
THREAD = {
    "thread_id": INT,
    "subject": STRING,
    "thread_started": DATE,
    "is_new": INT,
    "participants": ("list", PARTICIPANT),
    "last_updated": DATE,
    "count": INT,
    "has_tokens": BOOLEAN,
}
THREAD_LIST = ("list", THREAD)  # MessageThreadListResponse's deserializer: the bare array
MESSAGE = {"mid": INT, "author": INT, "timestamp": DATE, "body": STRING, "is_new": BOOLEAN}
THREAD_RESPONSE = {
    "pmtid": INT,
    "subject": STRING,
    "participants": ("list", PARTICIPANT),
    "messages": ("list", MESSAGE),
}
POST_FEEDBACK_RESPONSE = {"nid": INT, "uri": STRING}
API_FEEDBACK = {
    "nid": INT,
    "field_hosting_date": DATE,
    "field_guest_or_host": "Relation",
    "field_rating": "Rating",
    "uid_1": INT,
    "name_1": STRING,
    "uid": INT,
    "name": STRING,
    "fullname": STRING,
    "body": STRING,
}


def send_message_response(value: Any) -> bool:
    """``SendMessageResponse``: ``root.getAsJsonArray().getAsBoolean()`` (one element; a
    string element is ``Boolean.parseBoolean``, so only ``true`` succeeds)."""
    if not isinstance(value, list) or len(value) != 1:
        raise GsonError(f"$: expected a one-element array, got {value!r}")
    (element,) = value
    if isinstance(element, bool):
        return element
    if isinstance(element, (dict, list)):
        raise GsonError("$[0]: not a primitive")
    return _primitive_string(element, "$[0]").lower() == "true"


def feedback_response(value: Any) -> list[dict[str, Any]]:
    """``FeedbackResponse``: ``{"recommendations": [{"recommendation": {...}}, ...]}``."""
    if not isinstance(value, dict) or not isinstance(value.get("recommendations"), list):
        raise GsonError("$: expected an object with a recommendations array")
    feedback = []
    for i, intermediate in enumerate(value["recommendations"]):
        if not isinstance(intermediate, dict):
            raise GsonError(f"$.recommendations[{i}]: not an object")
        feedback.append(
            read(intermediate.get("recommendation"), API_FEEDBACK, f"$.recommendations[{i}]")
        )
    return feedback


def java_double(value: float) -> str:
    """``String.valueOf(double)``, as Retrofit sends a ``@Field double``: ``13.0``, ``1.0E-4``
    (scientific below 1e-3 and from 1e7 on)."""
    value = float(value)
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        return repr(value)
    mantissa, _, exponent = f"{value:.17e}".partition("e")
    digits = repr(float(mantissa))  # the shortest digits that round-trip, as Java prints
    return f"{digits}E{int(exponent)}"
