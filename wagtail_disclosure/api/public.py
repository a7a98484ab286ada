"""Public read endpoints: sections, catalogue, entries, search, departments (docs/api.md).

One visibility rule: every entry that reaches an answer comes from
``DisclosureEntryPage.objects.publicly_visible()`` (through ``current()`` for listings and
the catalogue, ``searchable_entries()`` for search). The live version of a page is what is
served, never a draft revision, and only the fields declared in :mod:`.schemas` leave.

The parameters are declared and read in :mod:`.public_params`, the answers built in
:mod:`.public_output`. Every endpoint is a GET wrapped by :func:`.caching.cached_public_get`:
rate limit, then ``ETag``/``Last-Modified`` with ``304`` on conditional requests, then
``Cache-Control``.
"""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.decorators import decorate_view

from ..catalogue import build_catalogue, public_entries, public_entry_count
from ..dates import date_range_error
from ..models import ChecklistItem, Department, DisclosureEntryPage
from ..search.highlight import entry_snippet, mark
from ..search.query import UNSEARCHABLE_MESSAGE, search_entries
from . import schemas
from .caching import cached_public_get
from .errors import ApiError, ErrorOut
from .params import Integer
from .public_output import (
    NEWEST_FIRST,
    catalogue_category,
    entry_detail,
    entry_summary,
    section_out,
    section_ref,
    summary_queryset,
)
from .public_params import (
    CATEGORY_PARAM,
    DEPARTMENT_PARAM,
    ITEM_PARAM,
    MAX_ID,
    PAGE_PARAM,
    PAGE_SIZE_PARAM,
    SECTION_PARAM,
    SORT_PARAM,
    TEXT_PARAM,
    UPDATED_SINCE_PARAM,
    VALIDITY_PARAM,
    YEAR_PARAM,
    SortParam,
    ValidityParam,
    build_filters,
    clean_text,
    invalid,
    paginate,
    public_sections,
    resolve_section,
)

router = Router(tags=["public"])

#: The answers every public endpoint documents besides its 200.
ERRORS = {304: None, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut}


def responses(schema):
    return {200: schema, **ERRORS}


def entry_detail_queryset():
    """Entries whose page the public may open (``publicly_visible()``: withdrawn ones with
    their public trace included), with what a summary needs."""
    return summary_queryset(DisclosureEntryPage.objects.publicly_visible())


@router.get(
    "/sections",
    response=responses(list[schemas.SectionOut]),
    url_name="sections",
    summary="Disclosure sections",
)
@decorate_view(cached_public_get)
def sections(request):
    """The published disclosure sections (信息公开专栏), with the checklist each follows."""
    return [section_out(request, section) for section in public_sections().order_by("path")]


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
    categories = [catalogue_category(request, row) for row in build_catalogue(section)]
    return {"section": section_ref(request, section), "categories": categories}


def known_count(section, filters):
    """How many entries the list holds, from the kept item figures (as the catalogue counts
    them), when it is filtered by category and item only; else ``None`` (counted by a
    query)."""
    if filters.department is not None or filters.year or filters.validity:
        return None
    if filters.category is None and filters.item is None:
        return public_entry_count(section)
    # The items that Filters.as_q() keeps: of the category, the item and its sub-items.
    items = ChecklistItem.objects.filter(category__checklist_id=section.checklist_id)
    if filters.category is not None:
        items = items.filter(category=filters.category)
    if filters.item is not None:
        items = items.filter(Q(pk=filters.item.pk) | Q(parent=filters.item))
    return public_entry_count(section, frozenset(items.values_list("pk", flat=True)))


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
    count = None if updated_since is not None else known_count(section, filters)
    if updated_since is not None:
        if date_range_error(updated_since.date()):
            raise invalid("updated_since", date_range_error(updated_since.date()))
        if timezone.is_naive(updated_since):
            updated_since = timezone.make_aware(updated_since)
        listing = listing.filter(last_published_at__gte=updated_since)
    # The body is not part of a summary; leaving it out keeps the sorted rows narrow.
    listing = summary_queryset(listing).defer("body").order_by(*NEWEST_FIRST)
    page_obj, paginator, next_url, previous_url = paginate(
        request, listing, page, page_size, count=count
    )
    return {
        "count": paginator.count,
        "page": page_obj.number,
        "page_size": paginator.per_page,
        "num_pages": paginator.num_pages,
        "next": next_url,
        "previous": previous_url,
        "results": [entry_summary(request, entry) for entry in page_obj.object_list],
    }


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
    return entry_detail(request, base)


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
    # The page's entries come with what a hit needs (search.query.result_rows_queryset):
    # a fixed number of queries whatever the page size.
    results = []
    for row in page_obj.object_list:
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
        "unsearchable": outcome.unsearchable,
        "message": str(UNSEARCHABLE_MESSAGE) if outcome.unsearchable else "",
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
