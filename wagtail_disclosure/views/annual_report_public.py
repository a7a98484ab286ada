"""The print page and the .docx of a published annual report (信息公开工作年度报告).

The routes ``print/`` and ``docx/`` of an ``AnnualReportPage`` call these views
(declared by dotted path on the page, imported when a request comes). Both render the
report document of the page's live revision (``page.report_document(frozen=True)``: the
figures frozen on approval), so they equal the page. Wagtail serves the routes of a live
page only, to visitors who passed its view restrictions; a report that is not public
(``DisclosureEntryPage.objects.publicly_visible``) or withdrawn answers 404 all the same.
Editors' previews render the draft with freshly computed figures, marked as a draft.
"""

from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header

from ..annual_report_docx import layout, render_docx
from ..models import DisclosureEntryPage

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PRINT_TEMPLATE = "wagtail_disclosure/pages/annual_report_print.html"


def _preview(request):
    return bool(getattr(request, "is_preview", False))


def public_document(page, request):
    """The report document the public may read, else 404."""
    if not _preview(request):
        visible = DisclosureEntryPage.objects.publicly_visible(include_view_restricted=True)
        if not visible.filter(pk=page.pk, review__withdrawn_at__isnull=True).exists():
            raise Http404
    return page.report_document(frozen=not _preview(request))


def parts(rows):
    """The layout split into the header (title, period), the body and the annex."""
    front = [row for row in rows if row["kind"] in ("title", "period", "draft")]
    rest = [row for row in rows if row["kind"] not in ("title", "period", "draft")]
    cut = next((i for i, row in enumerate(rest) if row["kind"] == "annex"), len(rest))
    result = [
        {"name": "front", "element": "header", "rows": front},
        {"name": "body", "element": "div", "rows": rest[:cut]},
    ]
    if cut < len(rest):
        result.append({"name": "annex", "element": "section", "rows": rest[cut + 1 :]})
    return result


def print_page(page, request):
    """The report as a page to print (A4), without the site around it."""
    document = public_document(page, request)
    page_url = page.get_url(request=request) or ""
    context = {
        "page": page,
        "document": document,
        "parts": parts(layout(document)),
        "page_url": page_url,
        "docx_url": page_url + page.reverse_subpage("docx") if page_url else "",
    }
    return TemplateResponse(request, PRINT_TEMPLATE, context)


def docx(page, request):
    """The report as a Word document formatted as an official document (公文)."""
    document = public_document(page, request)
    response = HttpResponse(render_docx(document), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{document.get('title') or 'annual-report'}.docx"
    )
    return response
