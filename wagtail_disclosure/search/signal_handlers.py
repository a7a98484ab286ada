"""Keep attachment text and the entry's search index up to date.

Connected in ``AppConfig.ready()`` via :func:`connect`.
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


def connect():
    from ..models import DisclosureAttachment

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
