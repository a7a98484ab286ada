"""Signal handlers, connected in ``AppConfig.ready()``."""

from django.db.models.signals import post_migrate, post_save
from wagtail.models import Revision


def create_review(sender, instance, created, raw=False, **kwargs):
    """Every entry page gets its review row when it is created."""
    from .models import DisclosureEntryPage, EntryReview

    if created and not raw and isinstance(instance, DisclosureEntryPage):
        EntryReview.objects.get_or_create(page_id=instance.pk)


def reopen_review_on_new_revision(sender, instance, created, raw=False, **kwargs):
    """Saving a new version of an entry sends it back to the start of the review."""
    from .models import DisclosureEntryPage
    from .workflow.services import reopen_after_edit

    if not created or raw:
        return
    model = instance.content_type.model_class()
    if model is None or not issubclass(model, DisclosureEntryPage):
        return
    reopen_after_edit(int(instance.object_id), instance, user=instance.user)


def connect():
    from django.apps import apps

    from .documents import rebuild_after_migrate, record_revision_references

    post_save.connect(create_review, dispatch_uid="wagtail_disclosure_create_review")
    post_save.connect(
        record_revision_references,
        sender=Revision,
        dispatch_uid="wagtail_disclosure_revision_documents",
    )
    post_migrate.connect(
        rebuild_after_migrate,
        sender=apps.get_app_config("wagtail_disclosure"),
        dispatch_uid="wagtail_disclosure_rebuild_document_references",
    )
    post_save.connect(
        reopen_review_on_new_revision,
        sender=Revision,
        dispatch_uid="wagtail_disclosure_reopen_review",
    )
