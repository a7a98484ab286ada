"""What the public API answers: each entry, section and catalogue row as a dict.

The dicts follow the schemas of :mod:`.schemas`, which are the whole list of what leaves.
A withdrawn entry shows its public trace only (docs/security.md#what-is-public). The
endpoints are in :mod:`.public`.
"""

from django.db.models import F
from django.urls import reverse

from ..catalogue import ItemStatus
from ..models.choices import Audience, DisclosureMode, Validity
from .refs import category_ref, department_ref, document_serve_url

#: The order of entry listings: newest 发布日期 first.
NEWEST_FIRST = (F("publication_date").desc(nulls_last=True), "-first_published_at", "-pk")


def choice(value, choices):
    return {"value": value, "label": str(choices(value).label) if value else ""}


def section_ref(request, section):
    return {"id": section.pk, "title": section.title, "url": section.get_full_url(request)}


def entry_ref(request, entry):
    return {
        "id": entry.pk,
        "title": entry.title,
        "url": entry.get_full_url(request),
        "index_number": entry.index_number,
        "publication_date": entry.publication_date,
    }


def is_withdrawn(entry):
    review = getattr(entry, "review", None)  # RelatedObjectDoesNotExist is an AttributeError
    return bool(review and review.withdrawn_at)


def entry_summary(request, entry):
    """The listing fields of an entry. A withdrawn entry's summary is not shown, as on its
    page: only the public trace remains."""
    item = entry.checklist_item
    withdrawn = is_withdrawn(entry)
    return {
        **entry_ref(request, entry),
        "api_url": request.build_absolute_uri(
            reverse("wagtail_disclosure_api:entry", args=[entry.pk])
        ),
        "document_number": entry.document_number,
        "document_date": entry.document_date,
        "last_published_at": entry.last_published_at,
        "summary": "" if withdrawn else entry.summary,
        "validity": choice(entry.validity, Validity),
        "category": category_ref(item.category),
        "item": {"id": item.pk, "code": item.code, "title": item.title},
        "department": department_ref(entry.department),
        "withdrawn": withdrawn,
    }


def summary_queryset(entries):
    """Entries with what a summary needs, in the same query."""
    return entries.select_related("department", "checklist_item__category", "review")


def section_out(request, section):
    url = section.get_full_url(request)
    checklist = section.checklist
    return {
        "id": section.pk,
        "title": section.title,
        "url": url,
        "search_url": url + section.reverse_subpage("search") if url else None,
        "checklist": checklist
        and {
            "id": checklist.pk,
            "code": checklist.code,
            "title": checklist.title,
            "document_number": checklist.document_number,
        },
    }


def catalogue_item(request, row):
    item = row.item
    return {
        "id": item.pk,
        "code": item.code,
        "number": item.number,
        "title": item.title,
        "description": item.description,
        "status": row.status,
        "status_label": str(row.status_label),
        "not_applicable_reason": (
            item.not_applicable_reason if row.status == ItemStatus.NOT_APPLICABLE else None
        ),
        "entry_count": row.entry_count,
        "last_updated": row.last_updated,
        "department": department_ref(row.department),
        "latest_entries": [entry_ref(request, entry) for entry in row.latest_entries],
        "sub_items": [catalogue_item(request, sub) for sub in row.sub_items],
    }


def catalogue_category(request, row):
    page = row.page
    return {
        **category_ref(row.category),
        "url": page.get_full_url(request) if page else None,
        "published_count": row.published_count,
        "items": [catalogue_item(request, item) for item in row.items],
    }


def file_size(document):
    """Bytes of the document: the size Wagtail recorded, else asked from the storage."""
    if document.file_size is not None:
        return document.file_size
    try:
        return document.file.size
    except (OSError, ValueError):  # missing file, or remote storage failing
        return None


def attachment_out(request, attachment):
    document = attachment.document
    return {
        "id": attachment.pk,
        "title": attachment.display_title,
        "url": request.build_absolute_uri(document_serve_url(document)),
        "file_type": document.file_extension.lower(),
        "content_type": document.content_type,
        "file_size": file_size(document),
    }


def category_fields(entry):
    rows = []
    for name in entry.category_field_names:
        field = entry._meta.get_field(name)
        value = getattr(entry, name)
        if value in (None, ""):
            continue
        display = getattr(entry, f"get_{name}_display", None)
        shown = display() if display and field.choices else value
        rows.append(
            {"name": name, "label": str(field.verbose_name), "value": value, "display": str(shown)}
        )
    return rows


def body_blocks(request, entry):
    stream = entry.body
    representation = stream.stream_block.get_api_representation(stream, {"request": request})
    return [
        {"type": block.get("type", ""), "id": block.get("id"), "value": block.get("value")}
        for block in representation
    ]


def entry_detail(request, base):
    """All of an entry: ``base`` is the page row read by ``entry_detail_queryset()``.

    A withdrawn entry keeps a public trace: its metadata and the withdrawal, without body,
    keywords or attachments.
    """
    live = base.specific  # the page row holds the live version; drafts are revisions
    review = getattr(base, "review", None)
    withdrawn = bool(review and review.withdrawn_at)
    section = base.section
    data = entry_summary(request, base)
    data.update(
        title=live.title,
        section=section_ref(request, section) if section else None,
        # The public trace of a withdrawn entry has no keywords (nor body or attachments).
        keywords=[] if withdrawn else [tag.name for tag in live.keywords.all()],
        disclosure_mode=choice(live.disclosure_mode, DisclosureMode),
        audience=choice(live.audience, Audience),
        validity_changed_on=live.validity_changed_on,
        first_published_at=live.first_published_at,
        channels=[{"code": c.code, "name": c.name} for c in live.channels.all()],
        withdrawal={"withdrawn_at": review.withdrawn_at, "reason": review.withdrawal_reason}
        if withdrawn
        else None,
        category_fields=category_fields(live),
    )
    if withdrawn:
        data.update(body_html="", body=[], attachments=[])
    else:
        attachments = live.attachments.select_related("document")
        data.update(
            body_html=str(live.body.render_as_block({"request": request})),
            body=body_blocks(request, live),
            attachments=[attachment_out(request, a) for a in attachments],
        )
    return data
