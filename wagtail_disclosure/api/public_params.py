"""Query parameters of the public API: their declarations and how they are read.

Each parameter is declared once (module level: one definition, one description) and read
by the functions below, which answer 400 (:class:`.errors.ApiError`) to what they cannot
use. The endpoints are in :mod:`.public`.
"""

from typing import Literal

from django.utils.translation import gettext as _
from ninja import Query
from wagtail.models import Site

from ..conf import get_setting
from ..dates import year_range_error
from ..models import ChecklistCategory, ChecklistItem, Department, DisclosureIndexPage
from ..models.choices import Validity
from ..search.query import SORTS, Filters
from .errors import ApiError, page_or_404

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


def paginate(request, items, page, page_size, count=None):
    """(page object, paginator, next URL, previous URL); 404 past the last page. ``count``:
    how many ``items`` holds, when known without counting."""
    page_obj, paginator = page_or_404(items, page, page_size_of(page_size), count=count)

    def link(number):
        params = request.GET.copy()
        params["page"] = number
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    next_url = link(page_obj.next_page_number()) if page_obj.has_next() else None
    previous_url = link(page_obj.previous_page_number()) if page_obj.has_previous() else None
    return page_obj, paginator, next_url, previous_url
