"""Which documents each revision of an entry uses.

Wagtail's reference index (``wagtail.models.ReferenceIndex``) records what a page row
references: for a draft page the draft, for a live page the live content. It does not
record revisions, so a document that only a new version in review (or an old version)
uses is unknown to it. This table fills that gap for entries: one row per document that
a revision of an entry references, in its attachments, its body blocks or its rich text,
found by Wagtail's own reference extractor (``wagtail_disclosure.documents``). Rows
go with the entry, not with the revision: what an entry used in a version that was later
purged still counts.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryDocumentReference(models.Model):
    page = models.ForeignKey(
        "wagtail_disclosure.DisclosureEntryPage",
        verbose_name=_("entry"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    #: Kept (as null) when the revision is deleted, e.g. by ``purge_revisions``: the entry
    #: used the document in a version, so the document still follows the entry.
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("revision"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: Primary key of the document (Wagtail's document model), as text like the
    #: reference index keeps it.
    document_id = models.CharField(_("document"), max_length=255)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("document used by an entry revision")
        verbose_name_plural = _("documents used by entry revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "document_id"],
                name="wagtail_disclosure_docref_unique",
            )
        ]
        indexes = [
            models.Index(fields=["document_id", "page"], name="wd_docref_document")
        ]

    def __str__(self):
        return f"entry {self.page_id}, revision {self.revision_id}: document {self.document_id}"
