"""``manage.py import_drupal_users FILE [--dry-run]``: users from a Drupal ``users`` table export.

FILE is CSV (with a header row) or JSON (a list of objects, or an object with a ``users`` list)
with Drupal's columns ``uid, name, mail, pass, status, created, access, login, roles``; only
``uid`` and ``name`` are required, a missing column leaves that attribute alone on existing users.

- the uid becomes the user's primary key (uid 0, the anonymous user, is skipped); uid 1 becomes a
  superuser and staff member, as Drupal's first user is all-powerful;
- ``pass`` is stored through :func:`services_api.auth.hashers.from_drupal_hash`, so users log
  in with
  their old password and Django re-hashes it on their first login (an empty ``pass`` gives an
  unusable password). A password Django has already re-hashed is kept on later runs;
- ``status`` sets ``is_active``, ``created`` ``date_joined`` and ``login`` ``last_login``
  (Unix times; a ``last_login`` newer than Drupal's is kept);
- ``roles`` become groups of the same names, created when missing ("authenticated user" and
  "anonymous user" are implicit in Drupal and skipped); "administrator" also grants ``is_staff``.
  In CSV the roles are separated by ``|`` or ``,``; in JSON they are a list of names or a
  ``{rid: name}`` object.

The command is idempotent (users are matched by primary key; unchanged ones are skipped) and
all-or-nothing: every row is validated first and any problem aborts the whole import.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import is_password_usable
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from services_api.auth.hashers import ALGORITHM, from_drupal_hash
from services_api.management.progress import Progress

COLUMNS = ("uid", "name", "mail", "pass", "status", "created", "access", "login", "roles")
IMPLICIT_ROLES = frozenset({"authenticated user", "anonymous user"})
ADMIN_ROLE = "administrator"
MAX_LISTED_PROBLEMS = 50
BATCH_SIZE = 500

_MISSING: Any = object()


class RowError(ValueError):
    pass


@dataclass
class Row:
    label: str  # "line 3" (CSV) or "item 2" (JSON), for messages
    uid: int
    name: str = ""
    mail: Any = _MISSING
    password: Any = _MISSING  # Django-encoded, "" for unusable
    status: Any = _MISSING
    created: Any = _MISSING
    login: Any = _MISSING
    roles: Any = _MISSING  # list of group names
    problems: list[str] = field(default_factory=list)

    def where(self) -> str:
        return f"{self.label} (uid {self.uid})" if self.uid >= 0 else self.label


def read_records(path: Path, fmt: str | None) -> list[tuple[str, dict]]:
    """(label, record) pairs from a CSV or JSON file; ``CommandError`` when it can't be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: cannot be read as UTF-8 text ({exc}).") from None
    if fmt is None:
        suffix = path.suffix.lower()
        if suffix in {".csv", ".json"}:
            fmt = suffix[1:]
        else:
            fmt = "json" if text.lstrip()[:1] in {"[", "{"} else "csv"
    return _read_json(path, text) if fmt == "json" else _read_csv(path, text)


def _read_json(path: Path, text: str) -> list[tuple[str, dict]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(f"{path}: not valid JSON ({exc}).") from None
    if isinstance(data, dict) and "users" in data:
        data = data["users"]
    if not isinstance(data, list):
        raise CommandError(
            f'{path}: expected a JSON list of users or an object with a "users" list.'
        )
    records = []
    for index, item in enumerate(data, start=1):
        # Views data export wraps each row: {"user": {...}}.
        if isinstance(item, dict) and len(item) == 1 and isinstance(item.get("user"), dict):
            item = item["user"]
        records.append((f"item {index}", item))
    return records


def _read_csv(path: Path, text: str) -> list[tuple[str, dict]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), restval=_MISSING)
    try:
        header = reader.fieldnames
        if not header:
            raise CommandError(f"{path}: empty CSV file (a header row is required).")
        normalized = [(h or "").strip().lower() for h in header]
        missing = [c for c in ("uid", "name") if c not in normalized]
        if missing:
            raise CommandError(
                f"{path}: the CSV header has no {' or '.join(missing)} column "
                f"(found: {', '.join(h for h in normalized if h) or 'nothing'})."
            )
        reader.fieldnames = normalized
        records = []
        for record in reader:
            extra = record.pop(None, None)
            short = any(v is _MISSING for v in record.values())
            record = {k: v for k, v in record.items() if k and v is not _MISSING}
            if extra:
                record["__extra__"] = "more values than columns in the header"
            if short:
                record["__extra__"] = "fewer values than columns in the header"
            records.append((f"line {reader.line_num}", record))
    except csv.Error as exc:
        raise CommandError(f"{path}: not valid CSV ({exc}).") from None
    return records


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise RowError(f"{what} must be a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise RowError(f"{what} must be a whole number, got {value!r}")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _timestamp(value: Any, what: str) -> datetime | None:
    seconds = _int(value, what)
    if seconds < 0:
        raise RowError(f"{what} must not be negative, got {seconds}")
    if seconds == 0:
        return None
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment if settings.USE_TZ else timezone.make_naive(moment)


def _roles(value: Any) -> list[str]:
    if _blank(value):
        names: list[Any] = []
    elif isinstance(value, str):
        names = value.split("|") if "|" in value else value.split(",")
    elif isinstance(value, list):
        names = value
    elif isinstance(value, dict):
        names = list(value.values())
    else:
        raise RowError(f"roles must be a list of names, got {value!r}")
    result = []
    for name in names:
        if not isinstance(name, str):
            raise RowError(f"role names must be strings, got {name!r}")
        name = name.strip()
        if name and name.lower() not in IMPLICIT_ROLES and name not in result:
            result.append(name)
    return result


def parse_row(label: str, record: Any, name_max: int | None, mail_max: int | None) -> Row:
    """Validate one record; its problems are collected on the returned row."""
    if not isinstance(record, dict):
        row = Row(label=label, uid=-1)
        row.problems.append(f"expected an object with uid and name, got {record!r}")
        return row
    record = {str(k).strip().lower(): v for k, v in record.items()}
    row = Row(label=label, uid=-1)
    if "__extra__" in record:
        row.problems.append(record["__extra__"])
    try:
        row.uid = _int(record.get("uid"), "uid")
        if row.uid < 0:
            row.uid = -1
            raise RowError("uid must not be negative")
    except RowError as exc:
        row.problems.append(str(exc))
    if row.uid == 0:
        return row  # the anonymous user: skipped, nothing else to check

    name = record.get("name")
    if _blank(name) or not isinstance(name, str):
        row.problems.append("name is empty")
    else:
        normalize = getattr(get_user_model(), "normalize_username", str)
        row.name = normalize(name.strip())
        if name_max and len(row.name) > name_max:
            row.problems.append(f"name is longer than {name_max} characters")

    def take(key: str, convert) -> Any:
        if key not in record:
            return _MISSING
        try:
            return convert(record[key])
        except (RowError, ValueError) as exc:
            row.problems.append(str(exc))
            return _MISSING

    def mail(value: Any) -> str:
        if _blank(value):
            return ""
        if not isinstance(value, str):
            raise RowError(f"mail must be a string, got {value!r}")
        value = value.strip()
        if mail_max and len(value) > mail_max:
            raise RowError(f"mail is longer than {mail_max} characters")
        return value

    def password(value: Any) -> str:
        if _blank(value):
            return ""
        if not isinstance(value, str):
            raise RowError(f"pass must be a string, got {value!r}")
        try:
            return from_drupal_hash(value)
        except ValueError as exc:
            raise RowError(f"pass: {exc}") from None

    def status(value: Any) -> Any:
        if _blank(value):
            return _MISSING
        if isinstance(value, bool):
            return value
        number = _int(value, "status")
        if number not in (0, 1):
            raise RowError(f"status must be 0 or 1, got {value!r}")
        return bool(number)

    def when(what: str):
        return lambda value: _MISSING if _blank(value) else _timestamp(value, what)

    row.mail = take("mail", mail)
    row.password = take("pass", password)
    row.status = take("status", status)
    row.created = take("created", when("created"))
    row.login = take("login", when("login"))
    row.roles = take("roles", _roles)
    if row.roles is not _MISSING:
        too_long = [r for r in row.roles if len(r) > Group._meta.get_field("name").max_length]
        if too_long:
            row.problems.append(f"role name too long: {too_long[0][:40]!r}...")
    if "access" in record and not _blank(record["access"]):
        try:
            _int(record["access"], "access")  # no Django counterpart; checked, not stored
        except RowError as exc:
            row.problems.append(str(exc))
    return row


class Command(BaseCommand):
    help = (
        "Import users, with their password hashes and roles, from a CSV or JSON export of "
        "Drupal's users table. Idempotent and all-or-nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV (with a header row) or JSON export of users.")
        parser.add_argument(
            "--format",
            choices=["csv", "json"],
            help="File format (default: from the extension, else from the content).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report, write nothing."
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        self.db = options["database"]
        self.dry_run = options["dry_run"]
        self.verbosity = options["verbosity"]
        records = read_records(path, options["format"])

        self.User = get_user_model()
        self.username_field = self.User.USERNAME_FIELD
        self.email_field = self.User.get_email_field_name()
        self.fields = {f.name for f in self.User._meta.get_fields()}
        name_max = self.User._meta.get_field(self.username_field).max_length
        mail_max = (
            self.User._meta.get_field(self.email_field).max_length
            if self.email_field in self.fields
            else None
        )

        progress = Progress(self.stdout, verbosity=self.verbosity)
        with transaction.atomic(using=self.db):
            rows = []
            with progress.stage("checking rows", total=len(records)) as stage:
                for label, rec in records:
                    rows.append(parse_row(label, rec, name_max, mail_max))
                    stage.advance()
            self._check_consistency(rows)
            problems = [f"{row.where()}: {p}" for row in rows for p in row.problems]
            if problems:
                listed = problems[:MAX_LISTED_PROBLEMS]
                if len(problems) > len(listed):
                    listed.append(f"... and {len(problems) - len(listed)} more")
                raise CommandError(
                    f"Nothing was imported: {len(problems)} problem(s) in {path}:\n  "
                    + "\n  ".join(listed)
                )
            with progress.stage("importing users", total=len(rows)) as stage:
                created, updated, skipped = self._import([row for row in rows if row.uid != 0])
                stage.advance(len(rows))
            skipped += sum(1 for row in rows if row.uid == 0)

        summary = f"Created {created}, updated {updated}, skipped {skipped} users."
        if self.dry_run:
            summary = f"Dry run, nothing was written. {summary}"
        self.stdout.write(self.style.SUCCESS(summary))

    # Validation across rows and against the database.

    def _check_consistency(self, rows: list[Row]) -> None:
        by_uid: dict[int, Row] = {}
        by_name: dict[str, Row] = {}
        for row in rows:
            if row.uid > 0:
                if row.uid in by_uid:
                    row.problems.append(f"duplicate uid, also on {by_uid[row.uid].label}")
                else:
                    by_uid[row.uid] = row
            if row.uid != 0 and row.name:
                if row.name in by_name:
                    row.problems.append(
                        f"duplicate name {row.name!r}, also on {by_name[row.name].where()}"
                    )
                else:
                    by_name[row.name] = row
        if not by_name:
            return
        users = self.User._default_manager.using(self.db)
        taken = [
            pair
            for names in _chunks(list(by_name))
            for pair in users.filter(**{f"{self.username_field}__in": names}).values_list(
                self.username_field, "pk"
            )
        ]
        for name, pk in taken:
            row = by_name[name]
            if row.uid > 0 and pk != row.uid:
                row.problems.append(
                    f"name {name!r} is already used by another user (pk {pk}) in the database"
                )

    # Writing.

    def _desired(self, row: Row, existing: Any) -> dict[str, Any]:
        """Attribute values the row asks for (only attributes the user model has)."""
        values: dict[str, Any] = {self.username_field: row.name}
        has = self.fields.__contains__
        if row.mail is not _MISSING and has(self.email_field):
            values[self.email_field] = row.mail
        if row.status is not _MISSING and has("is_active"):
            values["is_active"] = row.status
        if row.created not in (_MISSING, None) and has("date_joined"):
            values["date_joined"] = row.created
        if row.login is not _MISSING and has("last_login"):
            current = getattr(existing, "last_login", None)
            if row.login is not None and (current is None or row.login > current):
                values["last_login"] = row.login
        if has("is_superuser") and row.uid == 1:
            values["is_superuser"] = True  # granted, never revoked: Django-side decisions stay
        if has("is_staff"):
            if row.roles is not _MISSING:
                values["is_staff"] = row.uid == 1 or ADMIN_ROLE in row.roles
            elif row.uid == 1:
                values["is_staff"] = True
        if row.password is not _MISSING:
            # "" stands for an unusable password (made so by the caller).
            current = getattr(existing, "password", None)
            if existing is None:
                values["password"] = row.password
            elif _replaceable(current) and (row.password or is_password_usable(current)):
                values["password"] = row.password
        return values

    def _import(self, rows: list[Row]) -> tuple[int, int, int]:
        User, manager = self.User, self.User._default_manager.using(self.db)
        existing = manager.in_bulk([row.uid for row in rows])
        groups_field = self._groups_field()
        current_roles: dict[int, set[str]] = {}
        if groups_field and existing:
            through, user_attr, group_attr = groups_field
            group_name = through._meta.get_field(group_attr).name + "__name"
            links = through._default_manager.using(self.db)
            for pks in _chunks(list(existing)):
                for pk, name in links.filter(**{f"{user_attr}__in": pks}).values_list(
                    user_attr, group_name
                ):
                    current_roles.setdefault(pk, set()).add(name)

        to_create, to_update, update_fields, role_changes = [], [], set(), {}
        skipped = 0
        for row in rows:
            user = existing.get(row.uid)
            values = self._desired(row, user)
            wants_roles = groups_field is not None and row.roles is not _MISSING
            if user is None:
                user = User(pk=row.uid)
                for attr, value in values.items():
                    setattr(user, attr, value)
                if values.get("password", "") == "":
                    user.set_unusable_password()
                to_create.append(user)
                if wants_roles and row.roles:
                    role_changes[row.uid] = set(row.roles)
                self._say(2, f"create uid {row.uid} {row.name!r}")
                continue
            changed = [attr for attr, value in values.items() if getattr(user, attr) != value]
            if "password" in changed and values["password"] == "":
                user.set_unusable_password()
                values.pop("password")
            for attr in changed:
                if attr in values:
                    setattr(user, attr, values[attr])
            roles_differ = wants_roles and set(row.roles) != current_roles.get(row.uid, set())
            if roles_differ:
                role_changes[row.uid] = set(row.roles)
            if changed:
                to_update.append((user, changed))
                update_fields.update(changed)
            if changed or roles_differ:
                what = ", ".join(changed + (["roles"] if roles_differ else []))
                self._say(2, f"update uid {row.uid} {row.name!r}: {what}")
            else:
                skipped += 1
        updated = len({user.pk for user, _ in to_update} | (role_changes.keys() & existing.keys()))

        if not self.dry_run:
            self._write(to_create, to_update, sorted(update_fields), role_changes, groups_field)
        return len(to_create), updated, skipped

    def _write(self, to_create, to_update, update_fields, role_changes, groups_field) -> None:
        User, db = self.User, self.db
        manager = User._default_manager.using(db)
        for user in to_create:
            pre_save.send(sender=User, instance=user, raw=False, using=db, update_fields=None)
        manager.bulk_create(to_create, batch_size=BATCH_SIZE)
        if to_update:
            manager.bulk_update([u for u, _ in to_update], update_fields, batch_size=BATCH_SIZE)
        if role_changes and groups_field:
            self._set_roles(role_changes, groups_field)
        if to_create:
            self._reset_sequence()
        # Receivers (profiles, search indexes...) see the users as if saved one by one.
        for user in to_create:
            user._state.adding, user._state.db = False, db
            post_save.send(
                sender=User, instance=user, created=True, update_fields=None, raw=False, using=db
            )
        for user, changed in to_update:
            post_save.send(
                sender=User,
                instance=user,
                created=False,
                update_fields=frozenset(changed),
                raw=False,
                using=db,
            )

    def _groups_field(self) -> tuple[Any, str, str] | None:
        """(through model, its user FK attname, its group FK attname), if users have groups."""
        if "groups" not in self.fields:
            return None
        m2m = self.User._meta.get_field("groups")
        if not m2m.many_to_many or m2m.related_model is not Group:
            return None
        through = m2m.remote_field.through
        return (
            through,
            through._meta.get_field(m2m.m2m_field_name()).attname,
            through._meta.get_field(m2m.m2m_reverse_field_name()).attname,
        )

    def _set_roles(self, role_changes: dict[int, set[str]], groups_field) -> None:
        through, user_attr, group_attr = groups_field
        groups = Group.objects.using(self.db)
        wanted = sorted(set().union(*role_changes.values()))
        ids = {}
        for names in _chunks(wanted):
            ids.update(groups.filter(name__in=names).values_list("name", "pk"))
        missing = [name for name in wanted if name not in ids]
        if missing:
            groups.bulk_create([Group(name=name) for name in missing], batch_size=BATCH_SIZE)
            for names in _chunks(missing):
                ids.update(groups.filter(name__in=names).values_list("name", "pk"))
            self._say(1, f"Created groups: {', '.join(missing)}")
        links = through._default_manager.using(self.db)
        for pks in _chunks(list(role_changes)):
            links.filter(**{f"{user_attr}__in": pks}).delete()
        links.bulk_create(
            [
                through(**{user_attr: uid, group_attr: ids[name]})
                for uid, names in role_changes.items()
                for name in sorted(names)
            ],
            batch_size=BATCH_SIZE,
        )

    def _reset_sequence(self) -> None:
        """After inserting explicit primary keys, move the id sequence past them (PostgreSQL,
        Oracle); a no-op on SQLite and MySQL, which follow the largest id by themselves."""
        connection = connections[self.db]
        statements = connection.ops.sequence_reset_sql(no_style(), [self.User])
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

    def _say(self, level: int, message: str) -> None:
        if self.verbosity >= level:
            self.stdout.write(message)


def _replaceable(current: str | None) -> bool:
    """Whether an existing password may be replaced by the imported hash: it still is an
    imported hash or unusable. One Django has re-hashed (after a login) or changed is kept."""
    return not current or not is_password_usable(current) or current.startswith(ALGORITHM + "$")


def _chunks(items: list, size: int = BATCH_SIZE):
    """Slices of ``items`` small enough for an ``__in`` lookup on any database."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
