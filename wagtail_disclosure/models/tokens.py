"""API tokens of the staff API (``/api/disclosure/v1/staff/``, docs/api-staff.md).

A token belongs to a Wagtail user and acts as that user: the staff API applies the same
roles and the same transition service as the admin. Only a hash of the key is stored.

Why not Django REST framework's ``authtoken``: it keeps the keys in plain text in the
database (anyone who can read a backup or the table can act as every token holder), it
allows one token per user with no name, expiry or record of use, and it is managed in
Django's own admin, which Wagtail sites do not expose. Here the key is shown once when
the token is made, only its SHA-256 hash is kept, a person may hold several named
tokens (one per tool), each may expire, and tokens are made and revoked in the Wagtail
admin (**Disclosure → API tokens**) or with ``manage.py disclosure_api_token``.
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Characters of the key kept in clear as its public prefix (to tell tokens apart).
PREFIX_LENGTH = 8

#: ``last_used_at`` is written at most this often for a token.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def hash_key(key):
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self, now=None):
        """Tokens that are neither revoked nor expired (the user may still be inactive)."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiTokenManager(models.Manager.from_queryset(ApiTokenQuerySet)):
    def create_token(self, user, name, expires_at=None):
        """Make a token for ``user``. Returns ``(token, key)``; the key is not kept."""
        for _attempt in range(5):
            key = secrets.token_urlsafe(32)
            while key.startswith("-"):
                # A key (and so its prefix) starting with "-" would read as an option on
                # the command line (``disclosure_api_token revoke <prefix>``): draw again.
                key = secrets.token_urlsafe(32)
            try:
                with transaction.atomic():
                    token = self.create(
                        user=user,
                        name=name,
                        prefix=key[:PREFIX_LENGTH],
                        key_hash=hash_key(key),
                        expires_at=expires_at,
                    )
            except IntegrityError:  # a prefix already in use: draw again
                continue
            return token, key
        raise RuntimeError("Could not draw an unused API token prefix.")

    def authenticate(self, key, now=None):
        """The usable token whose key is ``key``, or ``None``.

        ``None`` for unknown keys, revoked or expired tokens and inactive users alike, so
        a caller learns nothing about which it was.
        """
        if not key or len(key) < PREFIX_LENGTH + 1 or len(key) > 200:
            return None
        now = now or timezone.now()
        digest = hash_key(key)
        candidates = self.select_related("user").filter(prefix=key[:PREFIX_LENGTH])
        for token in candidates:
            if hmac.compare_digest(token.key_hash, digest) and token.is_usable(now):
                token.mark_used(now)
                return token
        return None


class ApiToken(models.Model):
    """A key for the staff API that acts as one Wagtail user (stored only as a hash)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="disclosure_api_tokens",
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “review console” or “nightly report”."),
    )
    prefix = models.CharField(
        _("prefix"),
        max_length=PREFIX_LENGTH,
        unique=True,
        editable=False,
        help_text=_("The first characters of the key, to tell tokens apart."),
    )
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(
        _("expires at"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a token that does not expire."),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ApiTokenManager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    def is_expired(self, now=None):
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def is_usable(self, now=None):
        return not self.is_revoked and not self.is_expired(now) and self.user.is_active

    def status(self, now=None):
        if self.is_revoked:
            return _("Revoked")
        if self.is_expired(now):
            return _("Expired")
        if not self.user.is_active:
            return _("User inactive")
        return _("Active")

    def mark_used(self, now=None):
        """Record use, at most once per ``LAST_USED_RESOLUTION`` (no write per request)."""
        now = now or timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_RESOLUTION:
            type(self).objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now

    def revoke(self, now=None):
        if self.revoked_at is None:
            self.revoked_at = now or timezone.now()
            type(self).objects.filter(pk=self.pk, revoked_at__isnull=True).update(
                revoked_at=self.revoked_at
            )
