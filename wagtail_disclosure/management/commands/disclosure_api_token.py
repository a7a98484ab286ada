"""Make, list and revoke staff API tokens (docs/api-staff.md).

    manage.py disclosure_api_token create USERNAME --name "review console" [--expires-in-days 90]
    manage.py disclosure_api_token list [--user USERNAME] [--all]
    manage.py disclosure_api_token revoke PREFIX

``create`` prints the key once; only its hash is stored. Bad input (an unknown user, a
name with NUL characters, an expiry beyond ten years, ...) ends in a ``CommandError``
with a message, never a traceback.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...models import ApiToken

#: Longest validity a token may be given (ten years); without --expires-in-days it never expires.
MAX_EXPIRES_IN_DAYS = 3650


def text_argument(value, what):
    """``value`` if the database can store it (no NUL, valid Unicode), else CommandError."""
    if "\x00" in value:
        raise CommandError(f"The {what} must not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise CommandError(f"The {what} is not valid text (check its encoding).") from None
    return value


class Command(BaseCommand):
    help = "Make, list and revoke API tokens of the staff API."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="action", required=True)

        create = subcommands.add_parser("create", help="Make a token and print its key once.")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="What the token is for.")
        create.add_argument(
            "--expires-in-days",
            type=int,
            default=None,
            help="Days until it expires (default: never).",
        )

        listing = subcommands.add_parser("list", help="List tokens (usable ones unless --all).")
        listing.add_argument("--user", dest="username", default=None)
        listing.add_argument("--all", action="store_true", help="Include revoked and expired.")

        revoke = subcommands.add_parser("revoke", help="Revoke the token with this prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def get_user(self, username):
        User = get_user_model()
        username = text_argument(username, "username")
        try:
            return User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user with the username {username!r}.") from None

    def handle_create(self, username, name, expires_in_days, **options):
        user = self.get_user(username)
        if not user.is_active:
            raise CommandError(f"The user {username!r} is inactive; a token would not work.")
        name = text_argument(name, "--name").strip()
        if not name:
            raise CommandError("Give the token a --name saying what it is for.")
        if len(name) > ApiToken._meta.get_field("name").max_length:
            raise CommandError("The --name is too long (100 characters at most).")
        expires_at = None
        if expires_in_days is not None:
            if not 1 <= expires_in_days <= MAX_EXPIRES_IN_DAYS:
                raise CommandError(
                    f"--expires-in-days must be at least 1 and at most {MAX_EXPIRES_IN_DAYS} "
                    "(ten years); leave it out for a token that never expires."
                )
            expires_at = timezone.now() + datetime.timedelta(days=expires_in_days)
        token, key = ApiToken.objects.create_token(user=user, name=name, expires_at=expires_at)
        self.stdout.write(
            f"Token {token.prefix}… “{token.name}” for {user.get_username()}"
            + (f", expires {expires_at:%Y-%m-%d %H:%M %Z}" if expires_at else "")
            + ". The key is shown only now; store it safely:"
        )
        self.stdout.write(key)

    def handle_list(self, username, all, **options):
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if username is not None:
            tokens = tokens.filter(user=self.get_user(username))
        if not all:
            tokens = tokens.active()
        now = timezone.now()
        rows = [
            "\t".join(
                [
                    token.prefix,
                    token.user.get_username(),
                    token.name,
                    str(token.status(now)),
                    f"created {token.created_at:%Y-%m-%d}",
                    f"last used {token.last_used_at:%Y-%m-%d %H:%M}"
                    if token.last_used_at
                    else "never used",
                    f"expires {token.expires_at:%Y-%m-%d}" if token.expires_at else "no expiry",
                ]
            )
            for token in tokens
        ]
        self.stdout.write("\n".join(rows) if rows else "No tokens.")

    def handle_revoke(self, prefix, **options):
        prefix = text_argument(prefix, "prefix")
        token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"No token starts with {prefix!r}. See: disclosure_api_token list")
        if token.is_revoked:
            raise CommandError(
                f"The token {prefix}… was already revoked on {token.revoked_at:%Y-%m-%d}."
            )
        token.revoke()
        self.stdout.write(f"Revoked {token.prefix}… “{token.name}” of {token.user.get_username()}.")
