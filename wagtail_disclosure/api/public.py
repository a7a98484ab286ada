"""Public read endpoints: sections, catalogue, entries, search, departments (docs/api.md).

One visibility rule: every entry that reaches an answer comes from
``DisclosureEntryPage.objects.publicly_visible()`` (through ``current()`` for listings and
the catalogue, ``searchable_entries()`` for search). The live version of a page is what is
served, never a draft revision, and only the fields declared in :mod:`.schemas` leave.

Every endpoint is a GET wrapped by :func:`.caching.cached_public_get`: rate limit, then
``ETag``/``Last-Modified`` with ``304`` on conditional requests, then ``Cache-Control``.
"""

import datetime
from typing import Literal

from django.core.paginator import EmptyPage, Paginator
from django.db.models import F, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.decorators import decorate_view
from wagtail.models import Site

from ..catalogue import ItemStatus, build_catalogue, public_entries
from ..conf import get_setting
from ..dates import date_range_error, year_range_error
from ..documents import document_serve_url
from ..models import (
    ChecklistCategory,
    ChecklistItem,
    Department,
    DisclosureAttachment,
    DisclosureEntryPage,
    DisclosureIndexPage,
)
from ..models.choices import Audience, DisclosureMode, Validity
from ..search.highlight import entry_snippet, mark
from ..search.query import SORTS, Filters, search_entries
from . import schemas
from .caching import cached_public_get
from .errors import ApiError, ErrorOut
from .params import Integer
from .refs import category_ref, department_ref

router = Router(tags=["public"])

#: The answers every public endpoint documents besides its 200.
ERRORS = {304: None, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut}
#: Largest database id a parameter may carry (BigAutoField).
MAX_ID = 2**63 - 1

ValidityParam = Literal[tuple(Validity.values)]
SortParam = Literal[SORTS]

# Query parameters shared by the endpoints (module-level: one definition, one description).
SECTION_PARAM = Query(
    None,
    ge=1,
    le=MAX_ID,
    description=(
        "Id of a disclosure section (see /sections). Default: the section of the site the "
        "request is for, else the first published section."
    ),
)
CATEGORY_PARAM = Query(
    None, max_length=100, description="Checklist category key (such as admissions) or id."
)
ITEM_PARAM = Query(None, max_length=100, description="Checklist item code (such as 7) or id.")
DEPARTMENT_PARAM = Query(None, max_length=100, description="Department short code or id.")
YEAR_PARAM = Query(
    None,
    ge=1,
    le=9999,
    description=(
        "Year of the 成文日期 (date of making), from 1949 to next year "
        "(WAGTAIL_DISCLOSURE_MAX_FUTURE_DAYS)."
    ),
)
VALIDITY_PARAM = Query(None, description="有效性: valid, expired or repealed.")
UPDATED_SINCE_PARAM = Query(
    None,
    description=(
        "Only entries published (or published again) at or after this time, ISO 8601. "
        "Without a time zone, the site's time zone. From 1949-10-01 to today plus "
        "WAGTAIL_DISCLOSURE_MAX_FUTURE_DAYS."
    ),
)
PAGE_PARAM = Query(1, ge=1, le=1_000_000, description="Page number, from 1.")
PAGE_SIZE_PARAM = Query(
    None,
    ge=1,
    le=10_000,
    description=(
        "Results per page. Default WAGTAIL_DISCLOSURE_API_PAGE_SIZE, at most "
        "WAGTAIL_DISCLOSURE_API_MAX_PAGE_SIZE (larger values are lowered to it)."
    ),
)
TEXT_PARAM = Query("", max_length=200, description="Search words; empty lists the entries.")
SORT_PARAM = Query(
    None, description="relevance (default with words), newest (default without) or oldest."
)


def responses(schema):
    return {200: schema, **ERRORS}


# --- parameters ---------------------------------------------------------------------


def invalid(field, message):
    return ApiError(
        400,
        "invalid",
        _("Invalid parameters: %(fields)s.") % {"fields": field},
        [{"field": field, "message": str(message)}],
    )


def clean_text(field, value, max_length=200):
    if value is None:
        return None
    if "\x00" in value or len(value) > max_length:
        raise invalid(field, _("Enter a valid value."))
    return value.strip()


def public_sections():
    return DisclosureIndexPage.objects.live().public().select_related("checklist")


def resolve_section(request, section_id):
    """The section asked for, else the one of the request's site, else the first one."""
    sections = public_sections()
    if section_id is not None:
        section = sections.filter(pk=section_id).first()
        if section is None:
            raise invalid("section", _("No published disclosure section has this id."))
        return section
    site = Site.find_for_request(request)
    section = None
    if site is not None:
        section = (
            sections.filter(path__startswith=site.root_page.path).order_by("depth", "path").first()
        )
    section = section or sections.order_by("path").first()
    if section is None:
        raise ApiError(404, "not_found", _("No disclosure section is published."))
    return section


def _by_code_or_id(queryset, field, value, code_field):
    value = clean_text(field, value, max_length=100)
    if not value:
        return None
    found = queryset.filter(**{code_field: value}).first()
    if found is None and value.isascii() and value.isdigit() and int(value) <= MAX_ID:
        found = queryset.filter(pk=int(value)).first()
    if found is None:
        raise invalid(field, _("Unknown value: %(value)s.") % {"value": value})
    return found


def build_filters(section, category=None, item=None, department=None, year=None, validity=None):
    checklist_id = section.checklist_id
    if year is not None and year_range_error(year):
        raise invalid("year", year_range_error(year))
    return Filters(
        category=_by_code_or_id(
            ChecklistCategory.objects.filter(checklist_id=checklist_id), "category", category, "key"
        ),
        item=_by_code_or_id(
            ChecklistItem.objects.filter(category__checklist_id=checklist_id), "item", item, "code"
        ),
        department=_by_code_or_id(Department.objects.all(), "department", department, "short_code"),
        year=year,
        validity=validity or "",
    )


def page_size_of(page_size):
    default = get_setting("API_PAGE_SIZE")
    limit = get_setting("API_MAX_PAGE_SIZE")
    size = page_size or default
    return max(1, min(size, limit)) if limit else size


def paginate(request, items, page, page_size):
    """(page object, paginator, next URL, previous URL); 404 past the last page."""
    paginator = Paginator(items, page_size_of(page_size))
    try:
        page_obj = paginator.page(page)
    except EmptyPage as exc:
        raise ApiError(
            404,
            "not_found",
            _("Page %(page)s does not exist; there are %(pages)s.")
            % {"page": page, "pages": paginator.num_pages},
        ) from exc

    def link(number):
        params = request.GET.copy()
        params["page"] = number
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    next_url = link(page_obj.next_page_number()) if page_obj.has_next() else None
    previous_url = link(page_obj.previous_page_number()) if page_obj.has_previous() else None
    return page_obj, paginator, next_url, previous_url


# --- serialisation --------------------------------------------------------------------


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


NEWEST_FIRST = (F("publication_date").desc(nulls_last=True), "-first_published_at", "-pk")


# --- endpoints ------------------------------------------------------------------------


@router.get(
    "/sections",
    response=responses(list[schemas.SectionOut]),
    url_name="sections",
    summary="Disclosure sections",
)
@decorate_view(cached_public_get)
def sections(request):
    """The published disclosure sections (信息公开专栏), with the checklist each follows."""
    rows = []
    for section in public_sections().order_by("path"):
        url = section.get_full_url(request)
        checklist = section.checklist
        rows.append(
            {
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
        )
    return rows


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


@router.get(
    "/catalogue",
    response=responses(schemas.CatalogueOut),
    url_name="catalogue",
    summary="The disclosure catalogue (信息公开目录)",
)
@decorate_view(cached_public_get)
def catalogue(request, section: Integer | None = SECTION_PARAM):
    """Every category and item of the section's checklist with its status (published,
    not yet published, not applicable with the reason), number of entries, last update,
    responsible department and latest entries. A fixed number of queries."""
    section = resolve_section(request, section)
    categories = []
    for row in build_catalogue(section):
        page = row.page
        categories.append(
            {
                **category_ref(row.category),
                "url": page.get_full_url(request) if page else None,
                "published_count": row.published_count,
                "items": [catalogue_item(request, item) for item in row.items],
            }
        )
    return {"section": section_ref(request, section), "categories": categories}


@router.get(
    "/entries",
    response=responses(schemas.EntryList),
    url_name="entries",
    summary="Entries, newest first",
)
@decorate_view(cached_public_get)
def entries(
    request,
    section: Integer | None = SECTION_PARAM,
    category: str | None = CATEGORY_PARAM,
    item: str | None = ITEM_PARAM,
    department: str | None = DEPARTMENT_PARAM,
    year: Integer | None = YEAR_PARAM,
    validity: ValidityParam | None = VALIDITY_PARAM,
    updated_since: datetime.datetime | None = UPDATED_SINCE_PARAM,
    page: Integer = PAGE_PARAM,
    page_size: Integer | None = PAGE_SIZE_PARAM,
):
    """The current entries of a section (publicly visible, not withdrawn), newest first by
    发布日期, with page-number pagination."""
    section = resolve_section(request, section)
    filters = build_filters(section, category, item, department, year, validity)
    listing = public_entries(section).filter(filters.as_q())
    if updated_since is not None:
        if date_range_error(updated_since.date()):
            raise invalid("updated_since", date_range_error(updated_since.date()))
        if timezone.is_naive(updated_since):
            updated_since = timezone.make_aware(updated_since)
        listing = listing.filter(last_published_at__gte=updated_since)
    # The body is not part of a summary; leaving it out keeps the sorted rows narrow.
    listing = summary_queryset(listing).defer("body").order_by(*NEWEST_FIRST)
    page_obj, paginator, next_url, previous_url = paginate(request, listing, page, page_size)
    return {
        "count": paginator.count,
        "page": page_obj.number,
        "page_size": paginator.per_page,
        "num_pages": paginator.num_pages,
        "next": next_url,
        "previous": previous_url,
        "results": [entry_summary(request, entry) for entry in page_obj.object_list],
    }


def entry_detail_queryset():
    """Entries whose page the public may open: visible, not withheld (withdrawn with a
    public trace included)."""
    return (
        DisclosureEntryPage.objects.publicly_visible()
        .exclude(review__withheld=True)
        .select_related("department", "checklist_item__category", "review")
    )


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


@router.get(
    "/entries/{entry_id}",
    response=responses(schemas.EntryDetail),
    url_name="entry",
    summary="One entry",
)
@decorate_view(cached_public_get)
def entry(request, entry_id: int):
    """An entry with its catalogue metadata, body, attachments and category fields.

    A withdrawn entry keeps a public trace: its metadata and the withdrawal, without body
    or attachments. Entries that are not public (drafts, withheld, on request, not
    disclosed, campus only, behind a view restriction) answer 404."""
    if not 1 <= entry_id <= MAX_ID:
        raise ApiError(404, "not_found", _("Not found."))
    base = entry_detail_queryset().filter(pk=entry_id).first()
    if base is None:
        raise ApiError(404, "not_found", _("Not found."))
    live = base.specific  # the page row holds the live version; drafts are revisions
    review = getattr(base, "review", None)
    withdrawn = bool(review and review.withdrawn_at)
    section = DisclosureIndexPage.objects.ancestor_of(base).order_by("-depth").first()
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


@router.get(
    "/search",
    response=responses(schemas.SearchOut),
    url_name="search",
    summary="Full-text search",
)
@decorate_view(cached_public_get)
def search(
    request,
    q: str = TEXT_PARAM,
    section: Integer | None = SECTION_PARAM,
    category: str | None = CATEGORY_PARAM,
    item: str | None = ITEM_PARAM,
    department: str | None = DEPARTMENT_PARAM,
    year: Integer | None = YEAR_PARAM,
    validity: ValidityParam | None = VALIDITY_PARAM,
    sort: SortParam | None = SORT_PARAM,
    page: Integer = PAGE_PARAM,
    page_size: Integer | None = PAGE_SIZE_PARAM,
):
    """The public search of a section, as on its search page: Chinese segmentation,
    attachments' text, filters, highlighted titles and snippets. ``fallback`` is true
    when the search server failed and the database answered."""
    section = resolve_section(request, section)
    text = clean_text("q", q) or ""
    filters = build_filters(section, category, item, department, year, validity)
    sort = sort or ("relevance" if text else "newest")
    outcome = search_entries(text, filters=filters, section=section, sort=sort)
    page_obj, paginator, next_url, previous_url = paginate(
        request, outcome.results, page, page_size
    )
    # Read the page's entries again with what a hit needs, in a fixed number of queries.
    ids = [hit.pk for hit in page_obj.object_list]
    attachments = DisclosureAttachment.objects.select_related("document")
    rows = summary_queryset(DisclosureEntryPage.objects.filter(pk__in=ids)).prefetch_related(
        Prefetch("attachments", queryset=attachments)
    )
    by_id = {row.pk: row for row in rows}
    results = []
    for pk in ids:
        row = by_id.get(pk)
        if row is None:
            continue
        results.append(
            {
                **entry_summary(request, row),
                "title_html": str(mark(row.title, outcome.words)),
                "snippet_html": str(entry_snippet(row, outcome.words)),
            }
        )
    return {
        "query": text,
        "sort": sort,
        "fallback": outcome.fallback,
        "count": paginator.count,
        "truncated": outcome.truncated,
        "page": page_obj.number,
        "page_size": paginator.per_page,
        "num_pages": paginator.num_pages,
        "next": next_url,
        "previous": previous_url,
        "results": results,
    }


@router.get(
    "/departments",
    response=responses(list[schemas.DepartmentOut]),
    url_name="departments",
    summary="Departments",
)
@decorate_view(cached_public_get)
def departments(request):
    """The active departments (责任部门) with the office contact details they publish."""
    return [
        {
            "id": department.pk,
            "short_code": department.short_code,
            "name": department.name,
            "parent_id": department.parent_id,
            "phone": department.phone,
            "email": department.email,
            "address": department.address,
        }
        for department in Department.objects.filter(is_active=True)
    ]
