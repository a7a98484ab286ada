"""Signal handlers, connected in ``AppConfig.ready()``."""

from django.db.models.signals import post_migrate, post_save, pre_save
from wagtail.models import Revision


def create_review(sender, instance, created, raw=False, **kwargs):
    """Every entry page gets its review row when it is created.

    Connected for the entry models only (:func:`entry_models`)."""
    from .models import EntryReview

    if created and not raw:
        EntryReview.objects.get_or_create(page_id=instance.pk)


def entry_models(apps):
    """Every concrete model of the site that is an entry page: the package's page types
    and those other apps build on them (``post_save`` is sent for the saved model's own
    class only, not for its parents)."""
    base = apps.get_model("wagtail_disclosure", "DisclosureEntryPage")
    return [model for model in apps.get_models() if issubclass(model, base)]


def reopen_review_on_new_revision(sender, instance, created, raw=False, **kwargs):
    """Saving a new version of an entry sends it back to the start of the review."""
    from .models import DisclosureEntryPage
    from .models.review import reopen_after_edit

    if not created or raw:
        return
    model = instance.content_type.model_class()
    if model is None or not issubclass(model, DisclosureEntryPage):
        return
    reopen_after_edit(int(instance.object_id), instance, user=instance.user)


def freeze_annual_report_figures(sender, instance, raw=False, **kwargs):
    """A new version of an annual report carries the figures computed as it is saved
    (``wagtail_disclosure.annual_report``): the version reviewed is the version published."""
    if raw:
        return
    from .annual_report import freeze_into_revision

    freeze_into_revision(instance)


def connect():
    from django.apps import apps

    from .documents import rebuild_after_migrate, record_revision_references
    from .public_cache import connect_public_changes, forget_state_query

    for model in entry_models(apps):
        post_save.connect(
            create_review,
            sender=model,
            dispatch_uid=f"wagtail_disclosure_create_review_{model._meta.label_lower}",
        )
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
    # Any app's migrate or a test flush may give content types new ids (the cached SQL
    # of the public pages' content state names them).
    post_migrate.connect(forget_state_query, dispatch_uid="wagtail_disclosure_state_sql")
    # Every change of what is public adds a row the content state is read from.
    connect_public_changes()
    pre_save.connect(
        freeze_annual_report_figures,
        sender=Revision,
        dispatch_uid="wagtail_disclosure_freeze_annual_report",
    )
