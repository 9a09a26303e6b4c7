"""``manage.py services_apikey``: create, list, revoke and rotate per-user API keys.

* ``create USERNAME [--name NAME]`` prints the new key; it is stored hashed and never shown again.
* ``list [USERNAME]`` shows prefixes, owners, names, dates and state (never a key).
* ``revoke PREFIX`` revokes the key with that prefix.
* ``rotate PREFIX`` gives the key a new secret and prints it once.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from services_api.auth.tokens import create_api_key, revoke_api_key, rotate_api_key
from services_api.models import ApiKey


def get_user(username: str):
    user_model = get_user_model()
    try:
        return user_model._default_manager.get_by_natural_key(username)
    except user_model.DoesNotExist:
        raise CommandError(f"No user named {username!r}.") from None


def get_key(prefix: str) -> ApiKey:
    matches = list(ApiKey.objects.select_related("user").filter(prefix=prefix)[:2])
    if not matches:
        raise CommandError(f"No API key with prefix {prefix!r}.")
    if len(matches) > 1:
        raise CommandError(f"More than one API key has the prefix {prefix!r}; use the admin.")
    return matches[0]


class Command(BaseCommand):
    help = "Create, list, revoke or rotate per-user API keys (keys are shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = sub.add_parser("create", help="Create a key for a user and print it once.")
        create.add_argument("username")
        create.add_argument("--name", default="", help="What the key is for.")
        listing = sub.add_parser("list", help="List keys (prefixes only), optionally one user's.")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke", help="Revoke the key with this prefix.")
        revoke.add_argument("prefix")
        rotate = sub.add_parser("rotate", help="Give the key a new secret and print it once.")
        rotate.add_argument("prefix")

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, f"handle_{action}")(**options)

    def handle_create(self, username: str, name: str = "", **options) -> None:
        user = get_user(username)
        api_key, key = create_api_key(user, name=name)
        self.stderr.write(
            f"Created API key {api_key.prefix}… for {username}. Copy it now: it will not be "
            "shown again."
        )
        self.stdout.write(key)

    def handle_list(self, username: str | None = None, **options) -> None:
        keys = ApiKey.objects.select_related("user")
        if username:
            keys = keys.filter(user=get_user(username))
        for api_key in keys:
            last_used = api_key.last_used.isoformat() if api_key.last_used else "never"
            state = "revoked" if api_key.revoked else "active"
            self.stdout.write(
                "\t".join(
                    [
                        api_key.prefix,
                        api_key.user.get_username(),
                        api_key.name or "-",
                        api_key.created.isoformat(),
                        last_used,
                        state,
                    ]
                )
            )

    def handle_revoke(self, prefix: str, **options) -> None:
        api_key = get_key(prefix)
        if api_key.revoked:
            raise CommandError(f"The API key {prefix} is already revoked.")
        revoke_api_key(api_key)
        self.stdout.write(f"Revoked API key {prefix} of {api_key.user.get_username()}.")

    def handle_rotate(self, prefix: str, **options) -> None:
        api_key = get_key(prefix)
        try:
            key = rotate_api_key(api_key)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(
            f"Rotated API key {prefix} of {api_key.user.get_username()}; the old key no longer "
            f"works. New prefix {api_key.prefix}. Copy the key now: it will not be shown again."
        )
        self.stdout.write(key)
