"""The Warmshowers mobile API (``/services/rest``), rebuilt with the public resource API.

Two custom resources, ``hosts`` (map and keyword search) and ``message`` (privatemsg), plus
``profile_fields``, the ``SERVICES_API["USER_PROFILE_FIELDS"]`` hook adding the Warmshowers
profile to user objects. Values read from the database are strings, as Drupal sends them
(``"uid": "12"``, ``"latitude": "52.52"``, flags ``"0"``/``"1"``); counts computed in PHP are
numbers. See ``docs/seed-systems.md`` for the shapes.
"""

from __future__ import annotations

import math
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, FloatField, Max, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, Sqrt
from django.utils import timezone

from services_api.exceptions import ServicesError
from services_api.resources import Arg, Resource, action, register_resource

from .models import HostProfile, Message, MessageThread, ThreadParticipant

#: Kilometres per degree of latitude (mean Earth radius 6371.0088 km).
KM_PER_DEGREE = 6371.0088 * math.pi / 180
DEFAULT_LIMIT = 100
MAX_LIMIT = 500

FLAG_FIELDS = (
    "notcurrentlyavailable",
    "bed",
    "food",
    "laundry",
    "shower",
    "kitchenuse",
    "lawnspace",
    "storage",
    "sag",
)
TEXT_FIELDS = (
    "fullname",
    "street",
    "additional",
    "city",
    "province",
    "postal_code",
    "country",
    "motel",
    "campground",
    "bikeshop",
    "languagesspoken",
    "mobilephone",
    "homephone",
    "workphone",
    "preferred_notice",
    "comments",
)
#: Numeric profile fields: the app parses them as ``double``/``int``, so a value that is not
#: there is ``null`` (Gson leaves the default), never ``""`` (Gson throws on it).
NUMBER_FIELDS = ("maxcyclists", "latitude", "longitude", "source")
#: Picture URLs the app reads (``profile_image_<style>``); the demo stores no pictures.
PICTURE_FIELDS = (
    "profile_image_profile_picture",
    "profile_image_mobile_profile_photo_std",
    "profile_image_mobile_photo_456",
    "profile_image_map_infoWindow",
)
#: Fields only signed-in members see (Warmshowers shows no profile to anonymous visitors).
PRIVATE_FIELDS = frozenset(
    {
        "street",
        "additional",
        "postal_code",
        "latitude",
        "longitude",
        "mobilephone",
        "homephone",
        "workphone",
    }
)
#: Profile keys of an account in search results, in Warmshowers' order. ``by_location`` rows
#: name the country ``countryCode`` (its SQL selects the column under that name), ``by_keyword``
#: accounts are full user objects and say ``country``.
ACCOUNT_FIELDS = (
    "fullname",
    "street",
    "city",
    "province",
    "postal_code",
    "country",
    "latitude",
    "longitude",
    "notcurrentlyavailable",
    "maxcyclists",
)
SEARCH_NUMBERS = frozenset({"latitude", "longitude", "maxcyclists"})


def _text(value: Any) -> str:
    """A database value as Drupal would send it: a string, booleans as "1"/"0", NULL as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _number(value: Any) -> str | None:
    """A numeric column as Drupal sends it (a string), or ``None`` when there is no value."""
    return None if value is None else str(value)


def profile_fields(user: Any, request: Any) -> dict[str, str | None]:
    """``SERVICES_API["USER_PROFILE_FIELDS"]``: the Warmshowers profile keys of ``user``.

    Every key is present. Text and flags of a user without a host profile are empty strings;
    numbers (``latitude``, ``longitude``, ``maxcyclists``, ``source``) are ``null`` then, since
    the app parses them as numbers. Anonymous callers get empty address and phone fields and
    ``null`` coordinates.
    """
    try:
        # The reverse accessor: free when the caller used select_related("host_profile").
        profile = user.host_profile if user.pk else None
    except HostProfile.DoesNotExist:
        profile = None
    viewer = getattr(request, "user", None)
    signed_in = bool(viewer is not None and viewer.is_authenticated)
    fields: dict[str, str | None] = {}
    for key in (*TEXT_FIELDS, *FLAG_FIELDS):
        hidden = profile is None or (key in PRIVATE_FIELDS and not signed_in)
        fields[key] = "" if hidden else _text(getattr(profile, key))
    for key in NUMBER_FIELDS:
        hidden = profile is None or (key in PRIVATE_FIELDS and not signed_in)
        fields[key] = None if hidden else _number(_column(profile, key))
    for key in PICTURE_FIELDS:
        fields[key] = ""
    return fields


def _column(profile: HostProfile, key: str) -> Any:
    """A profile value; ``source`` (user_location's source) is 0, "entered by the member"."""
    return 0 if key == "source" else getattr(profile, key)


def authenticated(request: Any, kwargs: dict[str, Any]) -> bool:
    return request.user.is_authenticated


def _check_paging(limit: int, offset: int) -> int:
    if limit < 1:
        raise ServicesError("Invalid value for argument limit: must be at least 1.", 400)
    if offset < 0:
        raise ServicesError("Invalid value for argument offset: must not be negative.", 400)
    return min(limit, MAX_LIMIT)


def _check_range(name: str, value: float, bound: float) -> None:
    if not -bound <= value <= bound:
        raise ServicesError(
            f"Invalid value for argument {name}: must be between {-bound:g} and {bound:g}.", 400
        )


def _unix(value: Any) -> str:
    """A user timestamp as Drupal stores it: Unix seconds as a string, "0" for never."""
    return str(int(value.timestamp())) if value is not None else "0"


def _account(row: dict[str, Any], *, location_row: bool = False) -> dict[str, Any]:
    """A search result: a ``by_location`` row (``location_row``) or a ``by_keyword`` user."""
    account = {
        "uid": _text(row["user_id"]),
        "name": row["user__username"],
        "created": _unix(row["user__date_joined"]),
        "access": _unix(row["user__last_login"]),
        "login": _unix(row["user__last_login"]),
    }
    for key in ACCOUNT_FIELDS:
        value = row[key]
        name = "countryCode" if key == "country" and location_row else key
        account[name] = _number(value) if key in SEARCH_NUMBERS else _text(value)
    account["source"] = "0"
    if location_row:
        # by_location's SQL selects users.picture, the file id (0: none); a full user object
        # (by_keyword) would carry the file object instead, so it has no "picture" here.
        account["picture"] = "0"
    if "distance" in row:
        account["distance"] = f"{row['distance']:.3f}"
    for key in PICTURE_FIELDS:
        account[key] = ""
    return account


def _status(delivered: int, total: int) -> dict[str, Any]:
    return {"delivered": delivered, "totalresults": str(total), "status": "complete"}


PAGING_ARGS = [
    Arg("offset", int, required=False, default=0, description="First result (0-based)."),
    Arg("limit", int, required=False, default=DEFAULT_LIMIT, description="At most 500."),
]
ROW_FIELDS = (
    "user_id",
    "user__username",
    "user__date_joined",
    "user__last_login",
    *ACCOUNT_FIELDS,
)


@register_resource
class HostsResource(Resource):
    """``POST hosts/by_location`` and ``POST hosts/by_keyword`` (signed-in members only)."""

    name = "hosts"
    id_key = "uid"
    default_access = staticmethod(authenticated)

    @staticmethod
    def _hosts():
        return HostProfile.objects.filter(user__is_active=True)

    @action(
        args=[
            Arg("minlat", float),
            Arg("maxlat", float),
            Arg("minlon", float),
            Arg("maxlon", float),
            Arg("centerlat", float),
            Arg("centerlon", float),
            *PAGING_ARGS,
        ]
    )
    def by_location(
        self, request, minlat, maxlat, minlon, maxlon, centerlat, centerlon, offset, limit
    ):
        for name, value in (("minlat", minlat), ("maxlat", maxlat), ("centerlat", centerlat)):
            _check_range(name, value, 90)
        for name, value in (("minlon", minlon), ("maxlon", maxlon), ("centerlon", centerlon)):
            _check_range(name, value, 180)
        if minlat > maxlat:
            raise ServicesError("Invalid value for argument minlat: greater than maxlat.", 400)
        if minlon > maxlon:
            raise ServicesError("Invalid value for argument minlon: greater than maxlon.", 400)
        limit = _check_paging(limit, offset)
        in_box = self._hosts().filter(
            latitude__range=(minlat, maxlat), longitude__range=(minlon, maxlon)
        )
        # Equirectangular approximation, computed by the database: good to well under 1% at
        # the scale of a map view, and an ordinary expression on both SQLite and PostgreSQL.
        scale = math.cos(math.radians(centerlat))
        dy = F("latitude") - Value(centerlat)
        dx = (F("longitude") - Value(centerlon)) * Value(scale)
        distance = Sqrt(dx * dx + dy * dy, output_field=FloatField()) * Value(KM_PER_DEGREE)
        rows = list(
            in_box.annotate(distance=distance)
            .order_by("distance", "user_id")
            .values(*ROW_FIELDS, "distance")[offset : offset + limit]
        )
        # A list of rows; the app reads ``countryCode`` (``List<User>`` in its model).
        return {
            "status": _status(len(rows), in_box.count()),
            "accounts": [_account(row, location_row=True) for row in rows],
        }

    @action(args=[Arg("keyword"), *PAGING_ARGS])
    def by_keyword(self, request, keyword, offset, limit):
        keyword = keyword.strip()
        if not keyword:
            raise ServicesError("Invalid value for argument keyword: must not be empty.", 400)
        limit = _check_paging(limit, offset)
        found = self._hosts().filter(
            Q(user__username__icontains=keyword)
            | Q(fullname__icontains=keyword)
            | Q(city__icontains=keyword)
        )
        rows = list(found.order_by("user__username").values(*ROW_FIELDS)[offset : offset + limit])
        # Drupal's PHP array keyed by uid: a JSON object ``{"2": {...}}`` (the app declares
        # ``Map<Integer, ApiUser>``), kept in the username order.
        return {
            "status": _status(len(rows), found.count()),
            "accounts": {str(row["user_id"]): _account(row) for row in rows},
        }


# --------------------------------------------------------------------------------------------
# Private messages


def _timestamp(value) -> str:
    return str(int(value.timestamp())) if value is not None else ""


def _person(user) -> dict[str, str]:
    """A participant: ``uid``, ``name`` and the ``fullname`` of the host profile (or "")."""
    try:
        fullname = user.host_profile.fullname
    except HostProfile.DoesNotExist:
        fullname = ""
    return {"uid": str(user.pk), "name": user.get_username(), "fullname": fullname}


#: Participants with what ``_person`` reads, in one query.
PARTICIPANTS = ThreadParticipant.objects.select_related("user", "user__host_profile").order_by("id")


def _participation(request, thread_id: int) -> ThreadParticipant:
    """The caller's membership of the thread, or 403 (whether or not the thread exists)."""
    found = (
        ThreadParticipant.objects.select_related("thread")
        .filter(thread_id=thread_id, user_id=request.user.pk, deleted=False)
        .first()
    )
    if found is None:
        raise ServicesError(f"Access denied to thread {thread_id}.", 403)
    return found


def _required_text(name: str, value: str) -> str:
    value = value.strip()
    if not value:
        raise ServicesError(f"Invalid value for argument {name}: must not be empty.", 406)
    return value


@register_resource
class MessageResource(Resource):
    """Privatemsg's services actions: threads between members with per-member read state."""

    name = "message"
    id_key = "thread_id"
    default_access = staticmethod(authenticated)

    @action(args=[Arg("recipients"), Arg("subject"), Arg("body")])
    def send(self, request, recipients, subject, body):
        """Start a thread with the comma-separated usernames; ``[true]`` when sent."""
        names = list(dict.fromkeys(n.strip() for n in recipients.split(",") if n.strip()))
        if not names:
            raise ServicesError("You must include at least one valid recipient.", 406)
        subject = _required_text("subject", subject)[:255]
        body = _required_text("body", body)
        User = get_user_model()
        users = {
            user.get_username(): user
            for user in User.objects.filter(**{f"{User.USERNAME_FIELD}__in": names}, is_active=True)
        }
        unknown = [name for name in names if name not in users]
        if unknown:
            raise ServicesError(f"Unknown recipients: {', '.join(unknown)}.", 406)
        now = timezone.now()
        with transaction.atomic():
            thread = MessageThread.objects.create(subject=subject, created=now)
            first = Message.objects.create(
                thread=thread, author=request.user, body=body, created=now
            )
            # The author first, then the recipients in the order given.
            others = [users[name].pk for name in names if users[name].pk != request.user.pk]
            ThreadParticipant.objects.bulk_create(
                [
                    ThreadParticipant(
                        thread=thread, user=request.user, is_new=False, read_through=first.pk
                    )
                ]
                + [ThreadParticipant(thread=thread, user_id=pk, is_new=True) for pk in others]
            )
        return True

    @action(args=[Arg("thread_id", int), Arg("body")])
    def reply(self, request, thread_id, body):
        """Add a message to a thread the caller takes part in; ``[true]``."""
        body = _required_text("body", body)
        _participation(request, thread_id)
        with transaction.atomic():
            message = Message.objects.create(thread_id=thread_id, author=request.user, body=body)
            # Replying reads the thread up to one's own message, as privatemsg does.
            ThreadParticipant.objects.filter(thread_id=thread_id, user_id=request.user.pk).update(
                is_new=False, read_through=message.pk
            )
            ThreadParticipant.objects.filter(thread_id=thread_id).exclude(
                user_id=request.user.pk
            ).update(is_new=True, deleted=False)
        return True

    @action()
    def unreadCount(self, request):  # noqa: N802 (the wire name)
        """Number of the caller's threads with unread messages: ``[2]``."""
        return ThreadParticipant.objects.filter(
            user_id=request.user.pk, deleted=False, is_new=True
        ).count()

    @action()
    def get(self, request):
        """The caller's threads, most recently active first."""
        mine = (
            ThreadParticipant.objects.filter(user_id=request.user.pk, deleted=False)
            .select_related("thread")
            .annotate(
                last_updated=Max("thread__messages__created"),
                message_count=Count("thread__messages"),
            )
            .prefetch_related(Prefetch("thread__participants", queryset=PARTICIPANTS))
            .order_by("-last_updated", "-thread_id")
        )
        return [
            {
                "thread_id": str(p.thread_id),
                "subject": p.thread.subject,
                "thread_started": _timestamp(p.thread.created),
                "last_updated": _timestamp(p.last_updated),
                "count": str(p.message_count),
                "message_count": str(p.message_count),
                "is_new": _text(p.is_new),
                "participants": [_person(o.user) for o in p.thread.participants.all()],
            }
            for p in mine
        ]

    @action(args=[Arg("thread_id", int)])
    def getThread(self, request, thread_id):  # noqa: N802 (the wire name)
        """A thread with its participants and messages (oldest first); reading marks nothing."""
        mine = _participation(request, thread_id)
        participants = [_person(p.user) for p in PARTICIPANTS.filter(thread_id=thread_id)]
        me = request.user.pk
        # privatemsg's message shape: ``author`` is the uid (the app reads an int), ``is_new``
        # per message for the caller (someone else's message after what the caller has read).
        messages = [
            {
                "mid": str(m["id"]),
                "thread_id": str(thread_id),
                "author": str(m["author_id"]),
                "body": m["body"],
                "timestamp": _timestamp(m["created"]),
                "is_new": _text(m["author_id"] != me and m["id"] > mine.read_through),
            }
            for m in Message.objects.filter(thread_id=thread_id).values(
                "id", "author_id", "body", "created"
            )
        ]
        return {
            "pmtid": str(thread_id),
            "thread_id": str(thread_id),
            "subject": mine.thread.subject,
            "thread_started": _timestamp(mine.thread.created),
            "is_new": _text(mine.is_new),
            "participants": participants,
            "message_count": str(len(messages)),
            "messages": messages,
        }

    @action(args=[Arg("thread_id", int), Arg("status", int, required=False, default=0)])
    def markThreadRead(self, request, thread_id, status):  # noqa: N802 (the wire name)
        """Mark the thread read (``status=0``, the default) or unread (``1``) for the caller."""
        if status not in (0, 1):
            raise ServicesError("Invalid value for argument status: expected 0 or 1.", 400)
        if status == 1:
            read_through: Any = 0
        else:
            read_through = Coalesce(
                Subquery(
                    Message.objects.filter(thread_id=thread_id).order_by("-id").values("id")[:1]
                ),
                0,
            )
        updated = ThreadParticipant.objects.filter(
            thread_id=thread_id, user_id=request.user.pk, deleted=False
        ).update(is_new=status == 1, read_through=read_through)
        if not updated:
            raise ServicesError(f"Access denied to thread {thread_id}.", 403)
        return True


__all__ = ["HostsResource", "MessageResource", "profile_fields"]
