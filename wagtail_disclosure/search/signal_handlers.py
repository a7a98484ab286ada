"""Keep attachment text and the entry's search index up to date.

Connected in ``AppConfig.ready()`` via :func:`connect`.

Withdrawing an entry (or publishing it again) does not save the page when it stays live,
so Wagtail does not index it again: :func:`review_saved` does, as soon as the transaction
commits, whenever the withdrawal of the entry changed. A withdrawn entry's index then holds
its public trace only (``search.documents``).
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

logger = logging.getLogger(__name__)


def _enqueue(task, *args):
    def run():
        try:
            task.enqueue(*args)
        except Exception:  # a broken task queue must not break saving or publishing
            logger.exception("Could not enqueue %s%r", task.name, args)

    transaction.on_commit(run)


def keep_extracted_text(sender, instance, raw=False, **kwargs):
    """Publishing writes the attachment rows from the revision, whose copy of the text may
    be older than the database's: keep the stored text while the document is the same."""
    if raw or not instance.pk:
        return
    stored = sender.objects.filter(pk=instance.pk).values("document_id", "extracted_text").first()
    if stored is None:
        return
    if stored["document_id"] != instance.document_id:
        instance.extracted_text = ""
    elif not instance.extracted_text:
        instance.extracted_text = stored["extracted_text"]


def attachment_saved(sender, instance, raw=False, **kwargs):
    from .. import tasks

    if raw:
        return
    if not instance.extracted_text and instance.document_id:
        _enqueue(tasks.extract_attachment_text, instance.pk)
    else:
        _enqueue(tasks.reindex_entry, instance.page_id)


def attachment_deleted(sender, instance, **kwargs):
    from .. import tasks

    _enqueue(tasks.reindex_entry, instance.page_id)


#: Fields of the review row that decide what of an entry is public.
WITHDRAWAL_FIELDS = ("withdrawn_at", "withheld")


def _withdrawal(review):
    return tuple(getattr(review, name) for name in WITHDRAWAL_FIELDS)


def remember_withdrawal(sender, instance, raw=False, **kwargs):
    """Note the stored withdrawal before a review row is saved (compared after saving)."""
    if raw:
        return
    stored = None
    if instance.pk:
        stored = sender.objects.filter(pk=instance.pk).values_list(*WITHDRAWAL_FIELDS).first()
    instance._disclosure_stored_withdrawal = stored


def review_saved(sender, instance, created=False, raw=False, **kwargs):
    """Index the entry again, right after commit, when it was withdrawn or published again.

    Done in the request, not queued as a task: the body of a withdrawn entry must stop
    being searchable now, not whenever a worker gets to it.
    """
    if raw:
        return
    stored = getattr(instance, "_disclosure_stored_withdrawal", None)
    if stored is None and not instance.withdrawn_at:
        return  # a new review row that was never withdrawn
    if stored == _withdrawal(instance):
        return
    page_id = instance.page_id

    def reindex():
        from ..extraction import reindex_entry

        try:
            reindex_entry(page_id)
        except Exception:  # the decision stands; `update_index` repairs the index
            logger.exception("Could not index entry %s again after its withdrawal changed", page_id)

    transaction.on_commit(reindex)


def connect():
    from ..models import DisclosureAttachment, EntryReview

    pre_save.connect(
        remember_withdrawal,
        sender=EntryReview,
        dispatch_uid="wagtail_disclosure_remember_withdrawal",
    )
    post_save.connect(
        review_saved,
        sender=EntryReview,
        dispatch_uid="wagtail_disclosure_reindex_on_withdrawal",
    )

    pre_save.connect(
        keep_extracted_text,
        sender=DisclosureAttachment,
        dispatch_uid="wagtail_disclosure_keep_extracted_text",
    )
    post_save.connect(
        attachment_saved,
        sender=DisclosureAttachment,
        dispatch_uid="wagtail_disclosure_attachment_saved",
    )
    post_delete.connect(
        attachment_deleted,
        sender=DisclosureAttachment,
        dispatch_uid="wagtail_disclosure_attachment_deleted",
    )
