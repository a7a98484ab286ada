"""The text of an entry that search indexes and highlights."""

import logging

logger = logging.getLogger(__name__)


def streamfield_text(page, name="body"):
    """Plain text of a StreamField, as Wagtail's own search indexing sees it."""
    field = page._meta.get_field(name)
    value = getattr(page, name)
    try:
        return " ".join(str(t) for t in field.get_searchable_content(value) if t)
    except Exception:  # a broken block must not stop indexing
        logger.exception("Could not read the searchable content of %r.%s", page, name)
        return ""


def attachment_texts(page):
    """(title, extracted text) of the entry's attachments as stored in the database.

    The database rows are those of the live version (Wagtail writes child objects when a
    revision is published), so text of an attachment added to a draft is not searchable
    before the draft is published.
    """
    if not page.pk:
        return []
    prefetched = getattr(page, "_prefetched_objects_cache", {}).get("attachments")
    if prefetched is not None:  # rows read by get_indexed_objects() (update_index)
        attachments = prefetched
    else:
        attachments = page.attachments.select_related("document")
    return [(attachment.display_title, attachment.extracted_text) for attachment in attachments]


def entry_search_text(page):
    """Everything but the title of an entry, as one text (segmented by the caller)."""
    parts = [
        page.summary,
        streamfield_text(page),
        page.document_number,
        page.index_number,
        " ".join(tag.name for tag in page.keywords.all()) if page.pk else "",
    ]
    # The checklist item and department are filters, not text: indexing their names
    # would make every entry of 招生办公室 match 招生.
    for title, text in attachment_texts(page):
        parts.extend([title, text])
    return "\n".join(p for p in parts if p)
