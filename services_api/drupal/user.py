"""Drupal's ``user`` resource on any Django user model (spec §7, §8, §9).

Field mapping (``get_user_model()``): ``uid`` = pk (anonymous: the integer 0), ``name`` =
``USERNAME_FIELD``, ``mail`` = ``EMAIL_FIELD``, ``pass`` (write-only, never rendered),
``status`` = ``is_active`` as ``"1"``/``"0"``, ``created`` = ``date_joined``, ``access`` and
``login`` = ``last_login`` as Unix timestamps (strings, as Drupal loads them from the database;
``login`` is an integer in the login reply), ``roles`` = ``{"2": "authenticated user"}`` plus
the user's groups keyed by ``pk + USER_ROLE_ID_OFFSET``, ``uuid`` when ``USER_UUID_FIELD`` is
set, and whatever the ``USER_PROFILE_FIELDS`` hook adds.

Deliberate deviations from Drupal, for security (documented in ``docs/user-resource.md``):
``request_new_password`` always answers ``[true]``; the "blocked" 403 of ``login`` is only given
when the password is right; changing one's own ``mail`` or ``pass`` needs ``current_pass`` (as
Drupal's account form does); Django's own ``is_staff``/``is_superuser``/``groups``/... fields are
never writable through the API.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth import (
    get_user_model,
    password_validation,
    update_session_auth_hash,
)
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.cache import patch_vary_headers
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.html import escape
from django.utils.http import http_date
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from entity_resources.exceptions import QueryError
from entity_resources.grammar import Vocabulary, parse_query, truthy
from entity_resources.processors import OutputColumn, value_row_builder
from entity_resources.schema import Column, column_vocabulary, model_column
from services_api.auth.authentication import Blocked, check_credentials, csrf_token
from services_api.drupal.entity import restws_created
from services_api.drupal.query import page_size_policy, query_error
from services_api.drupal.styles import style_for
from services_api.exceptions import ServicesError
from services_api.resources import (
    Arg,
    Resource,
    action,
    operation,
    targeted_action,
)
from services_api.resources.arguments import coerce
from services_api.resources.results import Result
from services_api.server.errors import cache_outage_tolerated
from services_api.settings import services_settings

ANONYMOUS_ROLE = {"1": "anonymous user"}
AUTHENTICATED_ROLE = {"2": "authenticated user"}
#: Keys the profile hook may not set: secrets, and what sanitising decides.
PROTECTED_KEYS = frozenset({"pass", "password", "mail", "uid"})


# --------------------------------------------------------------------------- helpers


def placeholder(value: Any) -> str:
    """Drupal's ``%name`` placeholder."""
    return f'<em class="placeholder">{escape(str(value))}</em>'


def timestamp(value: datetime | None) -> int:
    return int(value.timestamp()) if value else 0


def email_field() -> str:
    return get_user_model().get_email_field_name()


def has_field(name: str) -> bool:
    try:
        get_user_model()._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _perm(action_name: str) -> str:
    meta = get_user_model()._meta
    return f"{meta.app_label}.{action_name}_{meta.model_name}"


def is_user_admin(user: Any) -> bool:
    """Drupal's ``administer users``: a superuser or the ``change_user`` permission."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_superuser", False)) or user.has_perm(_perm("change"))


def can_view_profiles(user: Any) -> bool:
    """Drupal's ``access user profiles``: the ``view_user`` permission (or admin), or any
    signed-in user when ``AUTHENTICATED_CAN_VIEW_PROFILES`` grants it to every account (as
    community sites such as Warmshowers do)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if services_settings.AUTHENTICATED_CAN_VIEW_PROFILES:
        return True
    return is_user_admin(user) or bool(user.has_perm(_perm("view")))


def is_self(viewer: Any, account: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False)) and viewer.pk == account.pk


def client_ip(request: Any) -> str:
    """REMOTE_ADDR, or DRF's ``X-Forwarded-For`` rule when ``NUM_PROXIES`` is configured
    (an unconfigured proxy count would let clients spoof their address)."""
    django_request = getattr(request, "_request", request)
    if api_settings.NUM_PROXIES:
        return BaseThrottle().get_ident(django_request)
    return django_request.META.get("REMOTE_ADDR", "")


def role_id(group_pk: int) -> str:
    return str(group_pk + services_settings.USER_ROLE_ID_OFFSET)


def roles_of(user: Any) -> dict[str, str]:
    roles = dict(AUTHENTICATED_ROLE)
    groups = getattr(user, "groups", None)
    if groups is not None:
        for pk, name in groups.values_list("pk", "name"):
            roles[role_id(pk)] = name
    return roles


def account_data(user: Any, request: Any, *, with_mail: bool) -> dict[str, Any]:
    """The sanitised account as Drupal renders it: the ``users`` columns in their order (DB
    values as strings), ``roles``, then ``uuid`` and the profile hook's keys.

    Django has no ``theme``, ``signature``, ``signature_format``, ``language``, ``picture``,
    ``init`` or ``data``: they take the values Drupal gives an account that never set them
    (``timezone`` is the site's ``TIME_ZONE``, as Drupal's registration form stores the site
    default; ``init``, the address the account was created with, is the current address). The
    ``USER_PROFILE_FIELDS`` hook may replace any of them with stored values. Then Drupal's
    ``services_remove_user_data()`` applies: never ``pass``, ``mail`` only when ``with_mail``
    (self or admin), ``init`` only for a viewer with *administer users*.
    """
    last_login = getattr(user, "last_login", None)
    mail = getattr(user, email_field(), "") or ""
    data: dict[str, Any] = {"uid": str(user.pk), "name": user.get_username()}
    data["mail"] = mail
    data["theme"] = ""
    data["signature"] = ""
    data["signature_format"] = None
    data["created"] = str(timestamp(getattr(user, "date_joined", None)))
    data["access"] = str(timestamp(last_login))
    data["login"] = str(timestamp(last_login))
    data["status"] = "1" if getattr(user, "is_active", True) else "0"
    data["timezone"] = settings.TIME_ZONE
    data["language"] = ""
    data["picture"] = None
    data["init"] = mail
    data["data"] = False
    data["roles"] = roles_of(user)
    uuid_field = services_settings.USER_UUID_FIELD
    if uuid_field:
        value = (
            get_user_model()
            ._default_manager.filter(pk=user.pk)
            .values_list(uuid_field, flat=True)
            .first()
        )
        data["uuid"] = str(value) if value is not None else None
    hook = services_settings.USER_PROFILE_FIELDS
    if hook is not None:
        extra = hook(user, request) or {}
        data.update({k: v for k, v in extra.items() if k not in PROTECTED_KEYS})
    if not with_mail:
        del data["mail"]
    if not is_user_admin(getattr(request, "user", None)):
        del data["init"]
    return data


def anonymous_data(request: Any) -> dict[str, Any]:
    return {
        "uid": 0,
        "hostname": client_ip(request),
        "roles": dict(ANONYMOUS_ROLE),
        "cache": 0,
        "timestamp": int(time.time()),
    }


def form_error(errors: dict[str, str]) -> ServicesError:
    """406 with Drupal's form-error shape; the status line gets the messages without tags."""
    return ServicesError(" ".join(errors.values()), 406, data={"form_errors": dict(errors)})


def site_name() -> str:
    return services_settings.SITE_NAME


def set_session_cookie(response: Any, django_request: Any) -> None:
    """Set the session cookie as Django's SessionMiddleware would, plus ``Secure`` on HTTPS
    and always ``HttpOnly`` (so the cookie is exactly ``<session_name>=<sessid>``)."""
    session = django_request.session
    if session.get_expire_at_browser_close():
        max_age, expires = None, None
    else:
        max_age = session.get_expiry_age()
        expires = http_date(time.time() + max_age)
    response.set_cookie(
        settings.SESSION_COOKIE_NAME,
        session.session_key,
        max_age=max_age,
        expires=expires,
        domain=settings.SESSION_COOKIE_DOMAIN,
        path=settings.SESSION_COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE or django_request.is_secure(),
        httponly=True,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )
    patch_vary_headers(response, ("Cookie",))


def wants_bearer_token(request: Any, bearer: bool) -> bool:
    """``bearer=1`` in the body or the query string; refused (406, before the password is
    checked, so nothing is written) on an endpoint that does not accept bearer tokens: a
    client that receives a token can rely on it working where it logged in."""
    query_value = request.services.query.get("bearer")
    if query_value is not None:
        bearer = bearer or coerce(Arg("bearer", bool), query_value)
    if bearer and "bearer" not in request.services.endpoint.authentication:
        raise ServicesError("Bearer tokens are not enabled on this endpoint.", 406)
    return bearer


def html_error(template: str, status: int, *names: Any) -> ServicesError:
    """Drupal's ``%name`` message: plain names on the status line, placeholders in the body."""
    return ServicesError(
        template.format(*names),
        status,
        data=template.format(*(placeholder(name) for name in names)),
    )


def timestamp_of(value: datetime | None) -> int:
    """:func:`timestamp` for code whose ``timestamp`` argument (Drupal's name) shadows it."""
    return timestamp(value)


def pass_reset_session_ok(request: Any, account: Any) -> bool:
    """Drupal's ``$pass_reset``: the session holds ``pass_reset_<uid>`` from
    ``user_pass_reset`` and the request's ``pass-reset-token`` query parameter matches it."""
    session = getattr(request._request, "session", None)
    stored = session.get(f"pass_reset_{account.pk}") if session is not None else None
    given = request.services.query.get("pass-reset-token")
    return bool(stored and isinstance(given, str) and constant_time_compare(stored, given))


# --------------------------------------------------------------------------- throttling


class LoginThrottle:
    """Failed-login counters per username and per client IP in Django's cache (fixed window).

    With a shared cache (Redis) the counters are shared by every worker process. While the
    cache server does not answer, logins are not throttled (a warning is logged per attempt):
    refusing every login for a cache outage would lock everyone out.
    """

    def __init__(self, username: str, ip: str) -> None:
        digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()
        self.keys = [
            (f"services_api:login:name:{digest}", services_settings.LOGIN_ATTEMPTS_PER_USERNAME),
            (f"services_api:login:ip:{ip}", services_settings.LOGIN_ATTEMPTS_PER_IP),
        ]
        self.window = services_settings.LOGIN_THROTTLE_WINDOW

    def check(self) -> None:
        with cache_outage_tolerated("Login throttle"):
            self._check()

    def failed(self) -> None:
        with cache_outage_tolerated("Login throttle"):
            self._failed()

    def succeeded(self) -> None:
        """A successful login clears the username's counter (Drupal's flood clear)."""
        with cache_outage_tolerated("Login throttle"):
            key = self.keys[0][0]
            cache.delete_many([key, key + ":until"])

    def _check(self) -> None:
        counts = cache.get_many([key for key, _ in self.keys])
        for key, limit in self.keys:
            if counts.get(key, 0) >= limit:
                until = cache.get(key + ":until") or (time.time() + self.window)
                retry = max(1, int(until - time.time()))
                raise ServicesError(
                    "Too many login attempts. Try again later.",
                    429,
                    headers={"Retry-After": str(retry)},
                )

    def _failed(self) -> None:
        for key, _ in self.keys:
            if cache.add(key, 0, self.window):
                cache.set(key + ":until", time.time() + self.window, self.window)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, self.window)


# --------------------------------------------------------------------------- mail


class PassResetTokens(PasswordResetTokenGenerator):
    """Drupal's ``user_pass_rehash($pass, $timestamp, $login, $uid)`` on Django's reset-token
    machinery: an HMAC (``SECRET_KEY``, with ``SECRET_KEY_FALLBACKS`` accepted) over the
    account's pk, password hash, last login, e-mail and the link's ``timestamp``. Like
    Drupal's, the hash stops matching once the account logs in (the reset itself logs in) or
    its password changes, which makes the link one-time."""

    key_salt = "services_api.drupal.user.user_pass_reset"

    def hashed_pass(self, user: Any, timestamp: int, secret: Any = None) -> str:
        return salted_hmac(
            self.key_salt,
            self._make_hash_value(user, timestamp),
            secret=secret or self.secret,
            algorithm=self.algorithm,
        ).hexdigest()[::2]

    def check_hashed_pass(self, user: Any, timestamp: int, hashed_pass: str) -> bool:
        return any(
            constant_time_compare(self.hashed_pass(user, timestamp, secret), hashed_pass)
            for secret in [self.secret, *self.secret_fallbacks]
        )


pass_reset_tokens = PassResetTokens()


def one_time_login(user: Any) -> tuple[int, str]:
    """``(timestamp, hashed_pass)`` of a new one-time login link (``user/reset/<uid>/...``)."""
    now = int(time.time())
    return now, pass_reset_tokens.hashed_pass(user, now)


def _reset_instructions(request: Any, user: Any) -> str:
    moment, hashed = one_time_login(user)
    ctx = getattr(request, "services", None)
    url = ctx.resource_uri("user", "user_pass_reset") if ctx else "user/user_pass_reset"
    account_url = ctx.resource_uri("user", user.pk) if ctx else f"user/{user.pk}"
    hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
    return (
        f"One-time login link: user/reset/{user.pk}/{moment}/{hashed}\n\n"
        f"To use it, POST to {url} with:\n\n"
        f"  uid: {user.pk}\n  timestamp: {moment}\n  hashed_pass: {hashed}\n\n"
        "The reply logs you in and holds a pass_reset_token. Then set a new password with "
        f"PUT {account_url}?pass-reset-token=<pass_reset_token> (no current password needed).\n"
        f"The link can be used only once and expires after {hours} hours."
    )


def send_password_reset_mail(request: Any, user: Any) -> None:
    mail = getattr(user, email_field(), "")
    if not mail:
        return
    name = user.get_username()
    send_mail(
        f"Replacement login information for {name} at {site_name()}",
        f"{name},\n\nA request to reset the password for your account has been made at "
        f"{site_name()}.\n\n{_reset_instructions(request, user)}\n",
        None,
        [mail],
    )


def send_welcome_mail(request: Any, user: Any) -> None:
    """Drupal's welcome mail: ``register_no_approval_required`` where visitors may register,
    ``register_admin_created`` where only administrators create accounts."""
    mail = getattr(user, email_field(), "")
    if not mail:
        return
    name = user.get_username()
    ctx = getattr(request, "services", None)
    if ctx is not None and not ctx.endpoint.allow_registration:
        subject = f"An administrator created an account for you at {site_name()}"
    else:
        subject = f"Account details for {name} at {site_name()}"
    send_mail(
        subject,
        f"{name},\n\nThank you for registering at {site_name()}. Your username is {name}.\n\n"
        f"If you have no password yet, or forgot it: {_reset_instructions(request, user)}\n",
        None,
        [mail],
    )


# --------------------------------------------------------------------------- validation


def _password_value(value: Any, errors: dict[str, str]) -> str | None:
    """``pass`` is a string or ``{"pass1": ..., "pass2": ...}``."""
    if isinstance(value, dict):
        first, second = value.get("pass1"), value.get("pass2")
        if first != second:
            errors["pass"] = "The specified passwords do not match."
            return None
        value = first
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        errors["pass"] = "The password must be a string."
        return None
    return value


def _validate_name(name: Any, errors: dict[str, str], exclude_pk: Any = None) -> str | None:
    if not isinstance(name, str) or not name.strip():
        errors["name"] = "Username field is required."
        return None
    name = name.strip()
    User = get_user_model()
    field = User._meta.get_field(User.USERNAME_FIELD)
    try:
        field.run_validators(name)
    except ValidationError as exc:
        errors["name"] = " ".join(str(m) for m in exc.messages)
        return None
    if getattr(field, "max_length", None) and len(name) > field.max_length:
        errors["name"] = f"The username {placeholder(name)} is too long."
        return None
    taken = User._default_manager.filter(**{f"{User.USERNAME_FIELD}__iexact": name})
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        errors["name"] = f"The name {placeholder(name)} is already taken."
        return None
    return name


def _validate_mail(
    mail: Any, errors: dict[str, str], *, anonymous: bool, exclude_pk: Any = None
) -> str | None:
    if not isinstance(mail, str) or not mail.strip():
        errors["mail"] = "E-mail address field is required."
        return None
    mail = mail.strip()
    try:
        validate_email(mail)
    except ValidationError:
        errors["mail"] = f"The e-mail address {placeholder(mail)} is not valid."
        return None
    User = get_user_model()
    taken = User._default_manager.filter(**{f"{email_field()}__iexact": mail})
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        if anonymous:
            errors["mail"] = (
                f"The e-mail address {placeholder(mail)} is already registered. "
                "Have you forgotten your password?"
            )
        else:
            errors["mail"] = f"The e-mail address {placeholder(mail)} is already taken."
        return None
    return mail


def _validate_password(password: str, user: Any, errors: dict[str, str]) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        errors["pass"] = " ".join(str(m) for m in exc.messages)


def _set_roles(user: Any, roles: Any) -> None:
    """Drupal's ``roles{rid: rid}`` (or a list of rids) -> the user's groups."""
    if getattr(user, "groups", None) is None:
        return
    if isinstance(roles, dict):
        values = [k for k, v in roles.items() if v not in (0, "0", "", None, False)]
    elif isinstance(roles, list):
        values = roles
    else:
        return
    from django.contrib.auth.models import Group

    offset = services_settings.USER_ROLE_ID_OFFSET
    pks = set()
    for rid in values:
        try:
            pk = int(str(rid)) - offset
        except ValueError:
            continue
        if pk > 0:
            pks.add(pk)
    user.groups.set(Group.objects.filter(pk__in=pks))


# --------------------------------------------------------------------------- index


INDEX_COLUMNS = {
    "uid": "pk",
    "name": None,  # USERNAME_FIELD
    "mail": None,  # EMAIL_FIELD
    "created": "date_joined",
    "access": "last_login",
    "login": "last_login",
    "status": "is_active",
}
TIME_COLUMNS = frozenset({"created", "access", "login"})


def index_columns() -> dict[str, str]:
    User = get_user_model()
    columns = {}
    for column, path in INDEX_COLUMNS.items():
        if column == "name":
            path = User.USERNAME_FIELD
        elif column == "mail":
            path = email_field()
        if path == "pk" or has_field(path):
            columns[column] = path
    return columns


def _columns(model: Any) -> dict[str, Column]:
    """The index columns as entity columns (``entity_resources.schema``) under Drupal's names."""
    pk = model._meta.pk
    return {
        column: model_column(pk if path == "pk" else model._meta.get_field(path), column)
        for column, path in index_columns().items()
    }


@lru_cache(maxsize=8)
def _vocabulary(model: Any, with_mail: bool) -> Vocabulary:
    pk = model._meta.pk
    columns = _columns(model)
    ordering = ("-date_joined",) if has_field("date_joined") else (f"-{pk.attname}",)
    return column_vocabulary(
        {name: column for name, column in columns.items() if with_mail or name != "mail"},
        ordering=ordering,
        pk=pk.attname,
        fields=tuple(columns),
    )


def _time_string(value: datetime | None) -> str:
    return str(timestamp(value))


def _status_string(value: Any) -> str:
    return "1" if value else "0"


def _plain_string(value: Any) -> str:
    return "" if value is None else str(value)


@lru_cache(maxsize=64)
def _row_builder(model: Any, wanted: tuple[str, ...]) -> Any:
    """The index row of ``wanted`` columns: Drupal's strings (timestamps, ``"1"``/``"0"``,
    ``""`` for ``NULL``), by the shared row builder."""
    columns = index_columns()
    outputs = []
    for column in wanted:
        if column in TIME_COLUMNS:
            convert = _time_string
        elif column == "status":
            convert = _status_string
        else:
            convert = _plain_string
        outputs.append(OutputColumn(column, columns[column], convert))
    return value_row_builder(outputs)


def index_vocabulary(admin: bool) -> Vocabulary:
    """The user index's columns; ``mail`` filters and sorts for administrators only."""
    return _vocabulary(get_user_model(), admin)


# --------------------------------------------------------------------------- resource


class UserResource(Resource):
    """Drupal's ``user`` resource."""

    name = "user"
    id_key = "uid"

    # ---- loading and access

    def load(self, request: Any, uid: Any) -> Any:
        """The account for ``uid`` or ``404 There is no user with ID <uid>.`` (cached)."""
        cached = getattr(request, "_services_account", None)
        if cached is not None and str(cached.pk) == str(uid):
            return cached
        User = get_user_model()
        try:
            account = User._default_manager.filter(pk=uid).first()
        except (ValueError, TypeError, ValidationError):
            account = None
        if account is None:
            raise ServicesError(f"There is no user with ID {uid}.", 404)
        request._services_account = account
        return account

    def can_view(self, request, kwargs) -> bool:
        if str(kwargs["uid"]) == "0":
            return False
        account = self.load(request, kwargs["uid"])
        viewer = request.user
        if is_self(viewer, account) or is_user_admin(viewer):
            return True
        return can_view_profiles(viewer) and getattr(account, "is_active", True)

    def can_update(self, request, kwargs) -> bool:
        if str(kwargs["uid"]) == "0":
            return False
        account = self.load(request, kwargs["uid"])
        return is_self(request.user, account) or is_user_admin(request.user)

    def can_administer(self, request, kwargs) -> bool:
        """``administer users``; an unknown uid is a 404 first, for anyone (Drupal's
        ``_user_resource_access`` loads the account before it checks access)."""
        if "uid" in kwargs:
            self.load(request, kwargs["uid"])
        return is_user_admin(request.user)

    def can_cancel(self, request, kwargs) -> bool:
        """Services 3.x: only ``administer users`` may cancel an account (self included)."""
        return self.can_administer(request, kwargs)

    def can_reset_password(self, request, kwargs) -> bool:
        """Services 3.x lets anyone ask for an existing account's reset mail (it goes to the
        account's own address, like ``request_new_password``)."""
        self.load(request, kwargs["uid"])
        return True

    def can_create(self, request, kwargs) -> bool:
        viewer = request.user
        if is_user_admin(viewer):
            return True
        return not viewer.is_authenticated and request.services.endpoint.allow_registration

    def can_index(self, request, kwargs) -> bool:
        return can_view_profiles(request.user)

    @staticmethod
    def refuse_admin_account(account: Any, verb: str) -> None:
        if str(account.pk) == "1":
            raise ServicesError(f"The admin user cannot be {verb}.", 403)

    # ---- CRUD

    @operation("retrieve", args=[Arg("uid", source="path")], access="can_view")
    def retrieve(self, request, uid):
        account = self.load(request, uid)
        viewer = request.user
        with_mail = is_self(viewer, account) or is_user_admin(viewer)
        return account_data(account, request, with_mail=with_mail)

    @operation(
        "create",
        args=[Arg("account", None, whole_body=True, wrapper="account")],
        access="can_create",
    )
    def create(self, request, account):
        created = self.create_account(request, account)
        if style_for(request).created_reference:
            # RESTWS (the Course document): 201 {uri, id, resource, uuid} and Location.
            pk = int(created["uid"])
            uuid_field = services_settings.USER_UUID_FIELD
            uuids = None
            if uuid_field:
                manager = get_user_model()._default_manager
                uuids = dict(manager.filter(pk=pk).values_list("pk", uuid_field))
            return restws_created(request, self.name, [pk], uuids)
        return created

    @action(args=[Arg("account", None, whole_body=True, wrapper="account")], access="can_create")
    def register(self, request, account):
        return self.create_account(request, account)

    def create_account(self, request, account: Any) -> dict[str, str]:
        if not isinstance(account, dict):
            account = {}
        viewer = request.user
        admin = is_user_admin(viewer)
        anonymous = not viewer.is_authenticated
        errors: dict[str, str] = {}
        name = _validate_name(account.get("name"), errors)
        mail = _validate_mail(account.get("mail"), errors, anonymous=anonymous)
        password = _password_value(account.get("pass"), errors)
        User = get_user_model()
        candidate = User(**{User.USERNAME_FIELD: name or "", email_field(): mail or ""})
        if password:
            _validate_password(password, candidate, errors)
        if errors:
            raise form_error(errors)
        try:
            with transaction.atomic():
                if password:
                    candidate.set_password(password)
                else:
                    candidate.set_unusable_password()
                if admin and account.get("status") is not None and has_field("is_active"):
                    candidate.is_active = truthy(account.get("status"))
                candidate.save()
                if admin and account.get("roles"):
                    _set_roles(candidate, account["roles"])
        except IntegrityError:
            raise form_error({"name": f"The name {placeholder(name)} is already taken."}) from None
        if (anonymous and not password) or truthy(account.get("notify")):
            send_welcome_mail(request, candidate)
        return {
            "uid": str(candidate.pk),
            "uri": request.services.resource_uri("user", candidate.pk),
        }

    @operation(
        "update",
        args=[Arg("uid", source="path"), Arg("data", None, whole_body=True, wrapper="data")],
        access="can_update",
    )
    def update(self, request, uid, data):
        account = self.load(request, uid)
        if not isinstance(data, dict):
            data = {}
        viewer = request.user
        admin = is_user_admin(viewer)
        errors: dict[str, str] = {}
        changes: dict[str, Any] = {}
        echo: dict[str, Any] = {}
        User = get_user_model()
        if "name" in data and data["name"] != account.get_username():
            if not admin:
                raise ServicesError("You are not allowed to change your username.", 406)
            name = _validate_name(data["name"], errors, exclude_pk=account.pk)
            if name:
                changes[User.USERNAME_FIELD] = echo["name"] = name
        current_mail = getattr(account, email_field(), "") or ""
        if "mail" in data and data["mail"] != current_mail:
            mail = _validate_mail(data["mail"], errors, anonymous=False, exclude_pk=account.pk)
            if mail:
                changes[email_field()] = echo["mail"] = mail
        password = _password_value(data.get("pass"), errors) if "pass" in data else None
        if password:
            _validate_password(password, account, errors)
        pass_reset = is_self(viewer, account) and pass_reset_session_ok(request, account)
        if not admin and not pass_reset and (password or email_field() in changes):
            current = data.get("current_pass")
            if not (isinstance(current, str) and account.check_password(current)):
                what = "Password" if password else "E-mail address"
                errors["current_pass"] = (
                    "Your current password is missing or incorrect; it's required to change "
                    f"the {placeholder(what)}."
                )
        if admin and data.get("status") is not None and has_field("is_active"):
            changes["is_active"] = truthy(data["status"])
            echo["status"] = "1" if changes["is_active"] else "0"
        if errors:
            raise form_error(errors)
        with transaction.atomic():
            for attr, value in changes.items():
                setattr(account, attr, value)
            if password:
                account.set_password(password)
            if changes or password:
                account.save()
            if admin and data.get("roles") is not None:
                _set_roles(account, data["roles"])
        if password and is_self(viewer, account) and hasattr(request._request, "session"):
            # A new password uses up the one-time login's token (Drupal unsets it too).
            request._request.session.pop(f"pass_reset_{account.pk}", None)
            # Keep the caller logged in; other sessions of the account end (Drupal too).
            update_session_auth_hash(request._request, account)
        return {**echo, "uid": str(account.pk), "roles": roles_of(account)}

    @operation("delete", args=[Arg("uid", source="path")], access="can_administer")
    def delete(self, request, uid):
        account = self.load(request, uid)
        self.refuse_admin_account(account, "deleted")
        with transaction.atomic():
            account.delete()
        return True

    @operation("index", access="can_index")
    def index(self, request):
        viewer = request.user
        admin = is_user_admin(viewer)
        try:
            spec = parse_query(
                index_vocabulary(admin),
                request.services.query,
                page_size=page_size_policy(request, core=True),
            )
        except QueryError as error:
            raise query_error(error, core=True) from None
        columns = index_columns()
        wanted = spec.fields or list(columns)
        queryset = spec.apply(get_user_model()._default_manager.all())
        paths = sorted({columns[c] for c in wanted} | {"pk"})
        rows = queryset.values(*paths)[spec.offset : spec.offset + spec.page_size]
        build = _row_builder(get_user_model(), tuple(wanted))
        hide_mail = "mail" in wanted and not admin
        result = []
        for row in rows:
            item = build(row)
            if hide_mail and row["pk"] != viewer.pk:
                del item["mail"]
            item["uri"] = request.services.resource_uri("user", row["pk"])
            result.append(item)
        return result

    # ---- session actions

    @action(
        args=[
            Arg("username"),
            Arg("password"),
            Arg("bearer", bool, required=False, default=False),
        ],
        versions={
            # API 1.1: the register form's keys (Drupal's _user_resource_login_update_1_1).
            "1.1": {
                "args": [
                    Arg("name"),
                    Arg("pass"),
                    Arg("bearer", bool, required=False, default=False),
                ],
                "method": "login_1_1",
            }
        },
    )
    def login(self, request, username, password, bearer):
        viewer = request.user  # session + CSRF checked before "Already logged in"
        if viewer.is_authenticated:
            raise ServicesError(f"Already logged in as {viewer.get_username()}.", 406)
        bearer = wants_bearer_token(request, bearer)
        throttle = LoginThrottle(username, client_ip(request))
        throttle.check()
        django_request = request._request
        user = self.authenticate(django_request, username, password)
        if user is None:
            throttle.failed()
            raise ServicesError("Wrong username or password.", 401)
        throttle.succeeded()
        session = getattr(django_request, "session", None)
        sessid = ""
        if session is not None:
            django_login(django_request, user)  # new session key, new CSRF token
            session.save()
            sessid = session.session_key
            # The cookie is set below (with Secure on HTTPS); the middleware need not save.
            session.modified = False
        request.user = user
        account = account_data(user, request, with_mail=True)
        last_login = getattr(user, "last_login", None)
        account["login"] = timestamp(last_login) if last_login else int(time.time())
        result: dict[str, Any] = {
            "sessid": sessid,
            "session_name": settings.SESSION_COOKIE_NAME,
            "token": csrf_token(django_request),
            "user": account,
        }
        if bearer:
            from services_api.auth.tokens import issue_bearer_token

            token, expires = issue_bearer_token(user)
            result["bearer_token"] = token
            result["bearer_expires"] = int(expires.timestamp())
        on_response = None
        if session is not None:

            def on_response(response):
                set_session_cookie(response, django_request)

        return Result(result, on_response=on_response)

    @staticmethod
    def authenticate(django_request: Any, username: str, password: str) -> Any:
        """The user, ``None`` (401), or Drupal's 403 for a blocked account whose password is
        right (a wrong one is indistinguishable from any other failure; the blocked account's
        stored hash is never rewritten). See :func:`check_credentials`."""
        try:
            return check_credentials(django_request, username, password)
        except Blocked:
            raise ServicesError(
                f"The username {username} has not been activated or is blocked.",
                403,
                data=f"The username {placeholder(username)} has not been activated or is blocked.",
            ) from None

    def login_1_1(self, request, name, bearer, **kwargs):
        """Login API 1.1: ``name`` and ``pass`` instead of ``username`` and ``password``."""
        return self.login(request, name, kwargs["pass"], bearer)

    @action(versions={"1.1": {"method": "logout_1_1"}})
    def logout(self, request):
        if not request.user.is_authenticated:
            raise ServicesError("User is not logged in.", 406)
        if hasattr(request._request, "session"):
            django_logout(request._request)
        request.user = AnonymousUser()
        return True

    def logout_1_1(self, request):
        """Logout API 1.1: the reply is the anonymous user (``drupal_anonymous_user()``)."""
        self.logout(request)
        return {
            "uid": 0,
            "hostname": client_ip(request),
            "roles": dict(ANONYMOUS_ROLE),
            "cache": 0,
        }

    @action()
    def token(self, request):
        return {"token": csrf_token(request._request)}

    # ---- passwords and mails

    @action(args=[Arg("name")])
    def request_new_password(self, request, name):
        """Always ``[true]``: unlike Drupal, never reveal whether the account exists."""
        User = get_user_model()
        manager = User._default_manager
        account = manager.filter(**{f"{User.USERNAME_FIELD}__iexact": name}).first()
        if account is None and name:
            account = manager.filter(**{f"{email_field()}__iexact": name}).first()
        if account is not None and getattr(account, "is_active", True):
            send_password_reset_mail(request, account)
        return True

    @action(args=[Arg("uid", int), Arg("timestamp", int), Arg("hashed_pass")])
    def user_pass_reset(self, request, uid, timestamp, hashed_pass):
        """Drupal's one-time login (``_user_resource_user_pass_reset_login``): check the link,
        log the account in and return a ``pass_reset_token`` with which ``PUT user/<uid>``
        (``?pass-reset-token=…``) changes the password without the current one."""
        viewer = request.user
        User = get_user_model()
        manager = User._default_manager
        if viewer.is_authenticated:
            if viewer.pk == uid:
                raise html_error(
                    "You are logged in as {}. Please edit your profile to update your password.",
                    403,
                    viewer.get_username(),
                )
            other = manager.filter(pk=uid).first()
            if other is not None:
                raise html_error(
                    "Another user ({}) is already logged into the site on this computer, but you "
                    "tried to use a one-time link for user {}. Please logout and try using the "
                    "link again.",
                    405,
                    viewer.get_username(),
                    other.get_username(),
                )
            raise ServicesError("The one-time login link you clicked is invalid.", 406)
        now = int(time.time())
        account = manager.filter(pk=uid).first()  # int arguments fit 64 bits (to_int)
        if account is not None and not getattr(account, "is_active", True):
            account = None
        if timestamp > now or account is None:
            raise ServicesError("Access denied.", 403)  # no more clues
        login = timestamp_of(account.last_login)
        if login and now - timestamp > settings.PASSWORD_RESET_TIMEOUT:
            raise ServicesError(
                "You have tried to use a one-time login link that has expired. Please request a "
                "new one.",
                406,
            )
        if timestamp < login or not pass_reset_tokens.check_hashed_pass(
            account, timestamp, hashed_pass
        ):
            raise ServicesError(
                "You have tried to use a one-time login link that has either been used or is no "
                "longer valid. Please request a new one.",
                406,
            )
        django_request = request._request
        session = getattr(django_request, "session", None)
        if session is None:
            raise ServicesError("Sessions are not enabled on this site.", 500)
        django_login(django_request, account)  # updates last_login: the link is used up
        reset_token = secrets.token_urlsafe(32)
        session[f"pass_reset_{account.pk}"] = reset_token
        session.save()
        session.modified = False
        request.user = account
        return Result(
            {
                "pass_reset_token": reset_token,
                "message": "You have just used your one-time login link. It is no longer "
                "necessary to use this link to log in. <strong>Please change your "
                "password</strong>.",
            },
            on_response=lambda response: set_session_cookie(response, django_request),
        )

    @targeted_action(args=[Arg("uid", source="path")], access="can_reset_password")
    def password_reset(self, request, uid):
        send_password_reset_mail(request, self.load(request, uid))
        return True

    @targeted_action(args=[Arg("uid", source="path")], access="can_administer")
    def resend_welcome_email(self, request, uid):
        send_welcome_mail(request, self.load(request, uid))
        return True

    @targeted_action(args=[Arg("uid", source="path")], access="can_cancel")
    def cancel(self, request, uid):
        """Drupal's default cancel method (``user_cancel_block``): the account is blocked,
        not deleted; its sessions stop working because an inactive user is never loaded."""
        account = self.load(request, uid)
        self.refuse_admin_account(account, "canceled")
        if has_field("is_active"):
            with transaction.atomic():
                account.is_active = False
                account.save()
        if is_self(request.user, account) and hasattr(request._request, "session"):
            django_logout(request._request)
        return True


__all__ = [
    "LoginThrottle",
    "UserResource",
    "account_data",
    "anonymous_data",
    "client_ip",
    "is_user_admin",
]
