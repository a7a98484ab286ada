"""Documents follow the entries that use them.

A document is used by an entry when the entry attaches it, links it from rich text in its
body or shows it in a document block of its body, in the page row or in any revision.
Wagtail's reference index records what each page row uses (for a draft page the draft,
for a live page the live version); :class:`~wagtail_disclosure.models.EntryDocumentReference`
records what each revision of an entry uses, so that a document used only by a version in
review, or only by an old version, is known too.

The rule, applied by :func:`serve_document_check` (Wagtail's ``before_serve_document``
hook):

* a document no entry uses is left to Wagtail (collection privacy);
* a document entries use is public only if every one of them is current (live, no view
  restriction, proactively disclosed to the public, not withdrawn, not an alias) and the
  document is part of its published version. An alias counts as its original entry;
* otherwise it is served only to staff who hold a role in the department of one of those
  entries. Everyone else gets 404.
"""

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, models, transaction
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Cast
from django.http import Http404
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex, Revision, get_page_models

from .api.refs import document_serve_url  # noqa: F401 - the link every download takes
from .models import (
    DisclosureAttachment,
    DisclosureEntryPage,
    EntryDocumentReference,
)
from .permissions import has_any_role

logger = logging.getLogger(__name__)

#: The migration that creates the table; applying it fills the table (see
#: :func:`rebuild_after_migrate`).
TABLE_MIGRATION = ("wagtail_disclosure", "0009_entrydocumentreference")


# -- what each revision uses ---------------------------------------------------------------


def entry_models():
    return [model for model in get_page_models() if issubclass(model, DisclosureEntryPage)]


def is_entry_revision(revision):
    model = ContentType.objects.get_for_id(revision.content_type_id).model_class()
    return model is not None and issubclass(model, DisclosureEntryPage)


def document_content_type_id():
    return ReferenceIndex._get_base_content_type(get_document_model()).pk


def documents_used_by(obj):
    """Primary keys (as text) of the documents ``obj`` references, by Wagtail's extractor.

    Foreign keys, chooser blocks and rich-text links in StreamFields, rich text fields and
    child relations (the attachments inline) are all found.
    """
    document_type = document_content_type_id()
    return {
        to_object_id
        for to_content_type_id, to_object_id, _model_path, _content_path in (
            ReferenceIndex._extract_references_from_object(obj)
        )
        if to_content_type_id == document_type
    }


def store_revision_references(revision):
    """Record the documents an entry revision uses, replacing what was recorded before."""
    used = documents_used_by(revision.as_object())
    with transaction.atomic():
        EntryDocumentReference.objects.filter(revision_id=revision.pk).exclude(
            document_id__in=used
        ).delete()
        known = set(
            EntryDocumentReference.objects.filter(revision_id=revision.pk).values_list(
                "document_id", flat=True
            )
        )
        EntryDocumentReference.objects.bulk_create(
            [
                EntryDocumentReference(
                    page_id=int(revision.object_id), revision_id=revision.pk, document_id=pk
                )
                for pk in sorted(used - known)
            ]
        )
    return used


def record_revision_references(sender, instance, created=False, raw=False, **kwargs):
    """``post_save`` of ``Revision``: record the documents a new or rewritten entry revision
    uses, in the same transaction."""
    if raw:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "content" not in update_fields:
        return
    if is_entry_revision(instance):
        store_revision_references(instance)


def rebuild_document_references(stdout=None, chunk_size=200):
    """(Re)fill the table from every revision of every entry. Idempotent.

    Returns ``(revisions read, revisions that could not be read)``. Writes a progress line
    per chunk to ``stdout`` if given.
    """
    content_types = ContentType.objects.get_for_models(*entry_models()).values()
    revisions = Revision.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        content_type__in=list(content_types),
    ).order_by("pk")
    total = revisions.count()
    done = failed = 0
    last_pk = 0
    revisions = revisions.prefetch_related("content_object")
    while True:
        chunk = list(revisions.filter(pk__gt=last_pk)[:chunk_size])
        if not chunk:
            break
        for revision in chunk:
            if revision.content_object is None:  # the page is gone
                continue
            try:
                with transaction.atomic():
                    store_revision_references(revision)
            except (DatabaseError, ValueError, TypeError, LookupError, AttributeError):
                failed += 1
                logger.exception("Could not read the documents of revision %s", revision.pk)
        done += len(chunk)
        last_pk = chunk[-1].pk
        if stdout is not None:
            stdout.write(f"Document references: {done}/{total} entry revisions read")
    return done, failed


def rebuild_after_migrate(sender, plan=None, verbosity=1, **kwargs):
    """``post_migrate``: fill the table once, right after the migration that creates it.

    Runs after every migration of the project is applied, so the real models match the
    database. If it cannot run (a partial ``migrate``), says to run the command instead.
    """
    if not plan or (TABLE_MIGRATION, False) not in {
        ((migration.app_label, migration.name), backwards) for migration, backwards in plan
    }:
        return
    import sys

    stdout = sys.stdout if verbosity else None
    try:
        with transaction.atomic():
            rebuild_document_references(stdout=stdout)
    except DatabaseError:
        logger.exception("Could not fill the document references after migrating")
        sys.stderr.write(
            "Could not record which documents entry revisions use. Run "
            "`manage.py disclosure_rebuild_document_references` once migrations are complete.\n"
        )


# -- serving ---------------------------------------------------------------------------------


def entries_using(document):
    """The entries that use ``document``, and the originals of aliases among them.

    One row per entry: ``(id, alias_of_id, department_id, is_current, in_live_version)``.
    One query, plus one for Wagtail's view restrictions (``current()``).
    """
    key = str(document.pk)
    page_rows = ReferenceIndex.objects.filter(
        base_content_type_id=ContentType.objects.get_for_model(Page).pk,
        to_content_type_id=document_content_type_id(),
        to_object_id=key,
    )
    revision_rows = EntryDocumentReference.objects.filter(document_id=key)
    attachment_rows = DisclosureAttachment.objects.filter(document_id=document.pk)
    using = (
        Q(pk__in=page_rows.annotate(page_pk=Cast("object_id", models.IntegerField())).values(
            "page_pk"
        ))
        | Q(pk__in=revision_rows.values("page_id"))
        | Q(pk__in=attachment_rows.values("page_id"))
    )
    originals = DisclosureEntryPage.objects.filter(using, alias_of__isnull=False).values(
        "alias_of_id"
    )
    in_live_version = Q(live=True) & (
        (
            Q(live_revision__isnull=False)
            & Exists(
                revision_rows.filter(
                    page_id=OuterRef("pk"), revision_id=OuterRef("live_revision_id")
                )
            )
        )
        | (
            # No live revision (imported as live): the page row is the live version.
            Q(live_revision__isnull=True)
            & (
                Exists(page_rows.filter(object_id=Cast(OuterRef("pk"), models.CharField())))
                | Exists(attachment_rows.filter(page_id=OuterRef("pk")))
            )
        )
    )
    current = DisclosureEntryPage.objects.current()
    return list(
        DisclosureEntryPage.objects.filter(using | Q(pk__in=originals))
        .annotate(
            is_current=Exists(current.filter(pk=OuterRef("pk"))),
            in_live_version=Case(
                When(in_live_version, then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )
        .values_list("pk", "alias_of_id", "department_id", "is_current", "in_live_version")
    )


def is_public_through_entries(rows):
    entries = [row for row in rows if row[1] is None]  # aliases count as their originals
    return bool(entries) and all(is_current and in_live for *_, is_current, in_live in entries)


def serve_document_check(document, request):
    """``before_serve_document`` hook: 404 unless the document may be served (module doc)."""
    rows = entries_using(document)
    if not rows or is_public_through_entries(rows):
        return None
    user = getattr(request, "user", None)
    if (
        user is not None
        and user.is_authenticated
        and any(has_any_role(user, department_id) for _, _, department_id, *_ in rows)
    ):
        return None
    raise Http404
