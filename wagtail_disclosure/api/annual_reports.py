"""Public endpoints of the annual reports (信息公开工作年度报告), docs/annual-report.md.

* ``/annual-reports``: the published reports, newest academic year first;
* ``/annual-reports/{year}``: one report as JSON, the report document itself
  (``AnnualReportPage.report_document(frozen=True)``: the figures frozen on approval);
* ``/annual-reports/{year}/figures.csv`` and ``/annual-reports/{year}/items.csv``: every
  figure and the item table (清单事项公开情况表) as CSV (:mod:`..annual_report_csv`).

A report is served when the public may read it: ``publicly_visible()`` (the package's one
definition of public) and not withdrawn (``current()``). Every other report (a draft, one
behind a view restriction, withheld, withdrawn) answers 404. The endpoints are cached like
the other public ones (:func:`.caching.cached_public_get`: the reports are entries, so
publishing or withdrawing one changes the ETag).
"""

import re
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema
from ninja.decorators import decorate_view
from pydantic import ConfigDict, Field

from ..annual_report_csv import figures_csv, items_csv
from ..models import AnnualReportPage
from .caching import cached_public_get
from .errors import ApiError, ErrorOut
from .params import Integer
from .public_params import SECTION_PARAM, invalid, public_sections, resolve_section

router = Router(tags=["annual reports"])

ERRORS = {304: None, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut}
CSV_TYPE = "text/csv; charset=utf-8"

YEAR_PATTERN = r"^[0-9]{4}-[0-9]{4}$"
YEAR_PARAM = Path(
    ...,
    pattern=YEAR_PATTERN,
    max_length=9,
    description="The academic year, such as 2025-2026 (1 September 2025 to 31 August 2026).",
)


def parse_academic_year(text):
    """The start year of ``"2025-2026"``; ValueError with a message for anything else."""
    match = re.fullmatch(r"([0-9]{4})-([0-9]{4})", text or "")
    if not match:
        raise ValueError(_("An academic year is written as 2025-2026."))
    start, end = int(match[1]), int(match[2])
    if end != start + 1:
        raise ValueError(
            _(
                "%(year)s is not an academic year: its second year follows the first, as in "
                "2025-2026."
            )
            % {"year": text}
        )
    if not 2000 <= start <= 2999:
        raise ValueError(_("No academic year %(year)s.") % {"year": text})
    return start


# -- schemas ----------------------------------------------------------------------------


class AnnualReportSummary(Schema):
    id: int
    year: str = Field(description="The academic year, such as 2025-2026.")
    title: str
    url: str | None = Field(description="The report's public page.")
    published_on: str | None = Field(description="发布日期, YYYY-MM-DD.")
    section_id: int | None
    api_url: str = Field(description="The report as JSON.")
    figures_csv_url: str
    items_csv_url: str
    docx_url: str | None = Field(description="The report as a Word document (公文 format).")
    print_url: str | None = Field(description="The report as a page to print.")


class PeriodOut(Schema):
    start: str = Field(description="YYYY-MM-DD")
    end: str = Field(description="YYYY-MM-DD")


class SectionOfReport(Schema):
    model_config = ConfigDict(extra="allow")

    key: str
    number: str
    heading: str
    blocks: list[dict[str, Any]] = Field(
        description=(
            "In order: heading (text), paragraph (text), figure (key, label, value, unit), "
            "table (key, caption, columns, rows)."
        )
    )


class ReportItemOut(Schema):
    model_config = ConfigDict(extra="allow")

    number: str
    code: str
    category: str
    title: str
    status: str = Field(description="published, partial, not_applicable or not_published.")
    status_label: str
    reason: str
    links: list[str]
    department: str
    last_updated: str | None = Field(description="YYYY-MM-DD")
    note: str


class AnnualReportOut(Schema):
    """The report document (docs/annual-report.md). Keys a later version of the
    document adds pass through (``extra="allow"``): the document is public as a whole."""

    model_config = ConfigDict(extra="allow")

    schema_: int = Field(alias="schema", description="Version of this document's shape.")
    title: str
    university: str
    academic_year: str
    period: PeriodOut
    published_on: str | None
    frozen_at: str | None = Field(description="When the figures were frozen (ISO 8601).")
    computed_at: str | None = Field(None, description="When the figures were computed.")
    frozen: bool = Field(True, description="Always true here: the figures as approved.")
    url: str | None
    sections: list[SectionOfReport]
    figures: dict[str, Any] = Field(description="Every figure, flat and machine-readable.")
    items: list[ReportItemOut] = Field(description="The item table (清单事项公开情况表).")


def csv_operation(summary):
    return {
        "summary": summary,
        "response": dict(ERRORS),
        "openapi_extra": {
            "responses": {
                200: {
                    "description": "CSV, UTF-8 with a byte-order mark",
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                }
            }
        },
    }


# -- finding a report -------------------------------------------------------------------


def public_reports():
    """The reports the public may read: publicly visible and not withdrawn."""
    return AnnualReportPage.objects.current()


def find_report(request, year, section_id):
    try:
        start = parse_academic_year(year)
    except ValueError as error:
        raise invalid("year", str(error)) from None
    section = resolve_section(request, section_id)
    report = (
        public_reports().descendant_of(section).filter(academic_year=start).order_by("path").first()
    )
    if report is None:
        raise ApiError(
            404, "not_found", _("No published annual report for %(year)s.") % {"year": year}
        )
    return report


def report_urls(request, report):
    year = report.academic_year_label
    page_url = report.get_full_url(request)
    return {
        "api_url": request.build_absolute_uri(
            reverse("wagtail_disclosure_api:annual_report", args=[year])
        ),
        "figures_csv_url": request.build_absolute_uri(
            reverse("wagtail_disclosure_api:annual_report_figures", args=[year])
        ),
        "items_csv_url": request.build_absolute_uri(
            reverse("wagtail_disclosure_api:annual_report_items", args=[year])
        ),
        "docx_url": page_url + report.reverse_subpage("docx") if page_url else None,
        "print_url": page_url + report.reverse_subpage("print") if page_url else None,
    }


def _csv_response(text, filename):
    response = HttpResponse(text.encode("utf-8"), content_type=CSV_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# -- endpoints --------------------------------------------------------------------------


@router.get(
    "/annual-reports",
    response={200: list[AnnualReportSummary], **ERRORS},
    url_name="annual_reports",
    summary="Published annual reports (信息公开工作年度报告)",
)
@decorate_view(cached_public_get)
def annual_reports(request, section: Integer | None = SECTION_PARAM):
    """The published annual reports, newest academic year first: of one section when
    ``section`` is given, else of every published section."""
    reports = public_reports()
    if section is not None:
        found = public_sections().filter(pk=section).first()
        if found is None:
            raise invalid("section", _("No published disclosure section has this id."))
        reports = reports.descendant_of(found)
    sections = list(public_sections().order_by("-depth").values_list("pk", "path"))
    rows = []
    for report in reports.order_by("-academic_year", "path"):
        owner = next((pk for pk, path in sections if report.path.startswith(path)), None)
        if owner is None:  # a report outside any published section is not public
            continue
        published = report.publication_date  # as the report document gives it
        rows.append(
            {
                "id": report.pk,
                "year": report.academic_year_label,
                "title": report.title,
                "url": report.get_full_url(request),
                "published_on": published.isoformat() if published else None,
                "section_id": owner,
                **report_urls(request, report),
            }
        )
    return rows


@router.get(
    "/annual-reports/{year}",
    response={200: AnnualReportOut, **ERRORS},
    url_name="annual_report",
    summary="An annual report as JSON",
    by_alias=True,
)
@decorate_view(cached_public_get)
def annual_report(request, year: str = YEAR_PARAM, section: Integer | None = SECTION_PARAM):
    """The report of the academic year in the section (default: the site's section), as
    published: the report document with the figures frozen when it was approved."""
    return find_report(request, year, section).report_document(frozen=True)


@router.get(
    "/annual-reports/{year}/figures.csv",
    url_name="annual_report_figures",
    **csv_operation("Every figure of an annual report as CSV"),
)
@decorate_view(cached_public_get)
def annual_report_figures(request, year: str = YEAR_PARAM, section: Integer | None = SECTION_PARAM):
    """Columns key, label, value, unit, source: one figure a row (docs/annual-report.md)."""
    document = find_report(request, year, section).report_document(frozen=True)
    return _csv_response(figures_csv(document), f"annual-report-{year}-figures.csv")


@router.get(
    "/annual-reports/{year}/items.csv",
    url_name="annual_report_items",
    **csv_operation("The item table of an annual report as CSV"),
)
@decorate_view(cached_public_get)
def annual_report_items(request, year: str = YEAR_PARAM, section: Integer | None = SECTION_PARAM):
    """The 清单事项公开情况表: one checklist item a row (docs/annual-report.md)."""
    document = find_report(request, year, section).report_document(frozen=True)
    return _csv_response(items_csv(document), f"annual-report-{year}-items.csv")
