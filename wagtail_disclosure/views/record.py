"""The printable review record of one version of an entry, as a page and as .docx.

``/admin/disclosure/entries/<page_id>/record/`` (``wagtail_disclosure:review_record``) and
``…/record.docx`` (``wagtail_disclosure:review_record_docx``), with ``?revision=<id>`` for
another version than the one under review. Only people with a role in the entry's
department (or in the department of the version in review) see it; others get a 403 that
names nothing of the entry, as the transition views do (``views/workflow.py``).
"""

import io

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext
from django.views import View
from wagtail.admin.ui.menus.pages import PageMenuItem

from ..models import DisclosureEntryPage, EntryReview
from ..permissions import get_roles, has_any_role
from ..review_record import collect, default_revision

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ReviewRecordView(View):
    """The record as a page with a print stylesheet (no admin chrome when printed)."""

    template_name = "wagtail_disclosure/admin/record/review_record.html"
    refused_template_name = "wagtail_disclosure/admin/record/refused.html"

    def get(self, request, page_id):
        entry = get_object_or_404(DisclosureEntryPage, pk=page_id)
        review = EntryReview.objects.filter(page_id=entry.pk).select_related("revision").first()
        departments = {entry.department_id, getattr(review, "department_id", None)} - {None}
        if not any(has_any_role(request.user, department) for department in departments):
            context = {"message": _("You have no role in the department of this entry.")}
            return TemplateResponse(request, self.refused_template_name, context, status=403)
        revision = self.get_revision(entry, review)
        return self.respond(collect(entry, revision))

    def get_revision(self, entry, review):
        asked = self.request.GET.get("revision")
        if asked:
            if not asked.isdigit():
                raise Http404
            return get_object_or_404(entry.revisions.select_related("user"), pk=int(asked))
        revision = default_revision(entry, review)
        if revision is None:
            raise Http404
        return revision

    def respond(self, record):
        entry = record.entry
        context = {
            "record": record,
            "edit_url": reverse("wagtailadmin_pages:edit", args=[entry.pk]),
            "history_url": reverse("wagtailadmin_pages:history", args=[entry.pk]),
            "docx_url": reverse("wagtail_disclosure:review_record_docx", args=[entry.pk])
            + f"?revision={record.revision.pk}",
        }
        return TemplateResponse(self.request, self.template_name, context)


class ReviewRecordDocxView(ReviewRecordView):
    """The same record as a Word document (python-docx), for offices that file paper."""

    def respond(self, record):
        response = HttpResponse(docx_bytes(record), content_type=DOCX_CONTENT_TYPE)
        filename = f"review-record-{record.entry.pk}-{record.revision.pk}.docx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def docx_bytes(record):
    from docx import Document

    document = Document()
    document.add_heading(_("Review record"), level=1)
    document.add_paragraph(
        _("Version of %(time)s by %(person)s (revision %(id)s)")
        % {
            "time": record.revision_time,
            "person": record.revision_author or "-",
            "id": record.revision.pk,
        }
    )
    document.add_heading(_("Entry"), level=2)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in record.metadata:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(label), str(value)
    document.add_heading(_("Decisions on this version"), level=2)
    if record.steps:
        headings = (_("Step"), _("By"), _("Time"), _("State"), pgettext("review", "Comment"))
        table = document.add_table(rows=1, cols=len(headings))
        table.style = "Table Grid"
        for cell, heading in zip(table.rows[0].cells, headings, strict=True):
            cell.text = str(heading)
        for step in record.steps:
            cells = table.add_row().cells
            label = step.label
            if step.sent_back:
                label = f"{label} ({_('sent back')})"
            values = (label, step.person, step.time, f"{step.from_state} → {step.to_state}")
            for cell, value in zip(cells, (*values, step.comment), strict=True):
                cell.text = value
    else:
        document.add_paragraph(_("No decision has been taken on this version yet."))
    document.add_heading(_("Signatures"), level=2)
    for signature in record.signatures:
        document.add_paragraph(
            _("%(role)s: signature ____________________ date ______________")
            % {"role": signature.role}
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class ReviewRecordMenuItem(PageMenuItem):
    """“Review record” in the header and listing menus of an entry."""

    label = _lazy("Review record")
    icon_name = "doc-full"
    url_name = "wagtail_disclosure:review_record"

    def is_shown(self, user):
        # Without a query per row of a listing: whoever holds a role somewhere (the
        # explorer lists only the entries of their departments); the view checks the
        # department.
        return bool(get_roles(user))


def review_record_buttons(page, user, next_url=None, view_name=None):
    """``register_page_header_buttons`` / ``register_page_listing_more_buttons`` hook."""
    specific_class = getattr(page, "specific_class", None)
    if specific_class is None or not issubclass(specific_class, DisclosureEntryPage):
        return []
    return [ReviewRecordMenuItem(page=page, priority=66)]
