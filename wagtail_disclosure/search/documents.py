"""The text of an entry that search indexes and highlights.

A withdrawn entry (not withheld: that one is unpublished) keeps a public trace: its title,
索引号, 发文字号, dates, checklist item, department and the withdrawal. Its summary, body,
keywords and attachments are no longer public, so none of them is indexed, highlighted or
shown in a snippet: every function here answers with the trace only.
"""

import logging

logger = logging.getLogger(__name__)


def streamfield_text(page, name="body"):
    """Plain text of a StreamField, one line per heading, paragraph, list item or table row
    (``block_text.stream_text``): never block labels or choice values such as ``H2``."""
    from .block_text import stream_text

    return stream_text(page, name)


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


def is_trace_only(page):
    """Whether only the public trace of ``page`` may be indexed and shown (withdrawn)."""
    return page.withdrawal is not None


def entry_summary_text(page):
    """The summary, or nothing for a withdrawn entry."""
    return "" if is_trace_only(page) else page.summary


def entry_body_text(page):
    """The body as plain text, or nothing for a withdrawn entry."""
    return "" if is_trace_only(page) else streamfield_text(page)


def entry_keywords_text(page):
    """The keywords, or nothing for a withdrawn entry."""
    if not page.pk or is_trace_only(page):
        return ""
    return " ".join(tag.name for tag in page.keywords.all())


def entry_search_text(page):
    """Everything but the title of an entry, as one text (segmented by the caller).

    For a withdrawn entry only its trace: 发文字号 and 索引号.
    """
    trace = [page.document_number, page.index_number]
    if is_trace_only(page):
        return "\n".join(p for p in trace if p)
    parts = [page.summary, streamfield_text(page), *trace, entry_keywords_text(page)]
    # The checklist item and department are filters, not text: indexing their names
    # would make every entry of 招生办公室 match 招生.
    for title, text in attachment_texts(page):
        parts.extend([title, text])
    return "\n".join(p for p in parts if p)
