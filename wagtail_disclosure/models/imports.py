"""Bulk imports of entries: the runs started from the admin, and the idempotency keys.

The import itself is a service (``wagtail_disclosure.importing``); these models only hold
what it records. An :class:`ImportedEntry` maps a row's key to the entry it created, so
that importing the same file again creates nothing twice.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRunState(models.TextChoices):
    CHECKED = "checked", _("Checked (dry run)")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportRun(models.Model):
    """One file uploaded on the import screen: checked at once, imported in the background."""

    file = models.FileField(_("file"), upload_to="disclosure_imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    section = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("section"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    publish = models.BooleanField(_("publish"), default=False)
    state = models.CharField(
        _("state"), max_length=20, choices=ImportRunState.choices, default=ImportRunState.CHECKED
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    skipped = models.PositiveIntegerField(_("already imported"), default=0)
    bad = models.PositiveIntegerField(_("bad rows"), default=0)
    #: The row report: ``[{"line": 7, "reason": "..."}]``.
    report = models.JSONField(_("row report"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self):
        return self.original_name or f"#{self.pk}"

    @property
    def is_active(self):
        return self.state in (ImportRunState.QUEUED, ImportRunState.RUNNING)


class ImportedEntry(models.Model):
    """The idempotency key of an imported row, and the entry it created."""

    section = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("section")
    )
    key = models.CharField(_("import key"), max_length=200)
    page = models.OneToOneField(
        "wagtail_disclosure.DisclosureEntryPage",
        on_delete=models.CASCADE,
        related_name="import_record",
        verbose_name=_("entry"),
    )
    run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported entry")
        verbose_name_plural = _("imported entries")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "key"], name="wagtail_disclosure_import_key_unique"
            )
        ]

    def __str__(self):
        return self.key
