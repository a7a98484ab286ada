"""Public pages that shared caches may keep (``wagtail_disclosure.public_cache``)."""

from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class CacheablePageMixin:
    """Serves the page with validators, ``304 Not Modified`` and a public ``Cache-Control``
    when the request allows it (not logged in, language from the URL). The work is done by
    the function named in ``cache_function``, imported when a request comes: it builds on
    the models, so the models name it rather than import it."""

    cache_function = "wagtail_disclosure.public_cache.serve_cacheable"

    def serve(self, request, *args, **kwargs):
        return import_string(self.cache_function)(self, request, super().serve, *args, **kwargs)


class PublicChange(models.Model):
    """One change of what the public pages show (a publication, a withdrawal, an edit of a
    department, a view restriction, ...), written in the changing transaction by the
    signal receivers of ``wagtail_disclosure.public_cache``. The content state is read
    from the latest rows: a new row, once committed, is a new state. The daily run prunes
    all but the latest ``PublicChange.KEEP`` rows (``public_cache.prune_public_changes``).

    ``item`` names the checklist item whose entries changed (an entry or its review was
    saved), so that the catalogue's figures are brought up to date for that item alone
    (``catalogue.item_statistics``); empty when anything may have changed."""

    KEEP = 1000

    at = models.DateTimeField(_("changed at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    item = models.PositiveIntegerField(
        _("checklist item"),
        null=True,
        blank=True,
        help_text=_("The id of the checklist item whose entries changed; empty: any."),
    )

    class Meta:
        verbose_name = _("public change")
        verbose_name_plural = _("public changes")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.reason}"
