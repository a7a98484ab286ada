"""The compliance dashboard in the admin: a dashboard panel and the full report.

The full report is one of Wagtail's report views (``ReportView``): four tables behind a
``?table=`` switch (items, entries past their clock, reviews pending, requests due),
each downloadable as CSV and XLSX (``?export=csv|xlsx``, Wagtail's
``SpreadsheetExportMixin``), under two server-rendered charts. The figures come from
``wagtail_disclosure.compliance``; these views only choose the section, check who may
look and lay the figures out. Anyone holding a role may look; people with roles in some
departments see those departments' rows only. A fixed number of queries, however many
entries there are.
"""

from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.base import ViewSet

from ..compliance import (
    ComplianceStatus,
    can_view,
    compliance_report,
    overdue_rows,
)
from ..compliance_charts import coverage_chart, timeliness_chart
from ..models import DisclosureIndexPage

NAMESPACE = "disclosure_compliance"
#: Cells kept on one line (a department, a date, a status).
NOWRAP = "disclosure-compliance-nowrap"


class StatusColumn(Column):
    cell_template_name = "wagtail_disclosure/admin/compliance/status_cell.html"


def _entry_edit_url(row):
    return reverse("wagtailadmin_pages:edit", args=[row.page_id])


def _request_url(row):
    return reverse("disclosure_requests:inspect", args=[row.case.pk])


class Table:
    """One table of the report: its columns on screen and in the download. The download
    has the columns' fields and labels unless ``export`` lists ``(field, heading)``."""

    def __init__(self, key, label, columns, rows, export=None):
        self.key, self.label, self.columns, self.rows = key, label, columns, rows
        if export is None:
            export = [(column.accessor, column.label) for column in columns]
        self.list_export = [name for name, _heading in export]
        self.export_headings = dict(export)


TABLES = {
    table.key: table
    for table in [
        Table(
            "items",
            _("Checklist items"),
            [
                Column("code", label=_("No."), accessor="code"),
                Column("category", label=_("Category"), accessor="category_title"),
                Column("title", label=_("Item"), accessor="title"),
                Column(
                    "department",
                    label=_("Responsible department"),
                    accessor="department_name",
                    classname=NOWRAP,
                ),
                Column("rule", label=_("Update rule"), accessor="rule_label"),
                StatusColumn(
                    "status", label=_("Status"), accessor="status_label", classname=NOWRAP
                ),
                Column("latest", label=_("Last published"), accessor="latest", classname=NOWRAP),
                Column("note", label=_("Note"), accessor="note"),
            ],
            lambda view: view.report.items,
            # The download also gives the number of public entries.
            export=[
                ("code", _("No.")),
                ("category_title", _("Category")),
                ("title", _("Item")),
                ("department_name", _("Responsible department")),
                ("rule_label", _("Update rule")),
                ("status_label", _("Status")),
                ("latest", _("Last published")),
                ("entry_count", _("Public entries")),
                ("note", _("Note")),
            ],
        ),
        Table(
            "overdue",
            _("Entries past their deadline"),
            [
                TitleColumn("title", label=_("Title"), accessor="title", get_url=_entry_edit_url),
                Column("department", label=_("Department"), accessor="department_name"),
                Column("item", label=_("Checklist item"), accessor="item"),
                Column("state", label=_("State"), accessor="state_label"),
                Column("document_date", label=_("Date of making"), accessor="document_date"),
                Column("due_date", label=_("Due"), accessor="due_date"),
                Column("days_late", label=_("Working days late"), accessor="days_late"),
            ],
            lambda view: view.report.reviews.overdue,
        ),
        Table(
            "reviews",
            _("Reviews pending"),
            [
                Column("department", label=_("Department"), accessor="department_name"),
                Column("state", label=_("Step"), accessor="state_label"),
                Column("total", label=_("Pending"), accessor="total"),
                Column("overdue", label=_("Overdue"), accessor="overdue"),
                Column("due_soon", label=_("Due soon"), accessor="due_soon"),
            ],
            lambda view: view.report.reviews.pending,
        ),
        Table(
            "requests",
            _("Requests due soon or overdue"),
            [
                TitleColumn(
                    "tracking_number",
                    label=_("Tracking number"),
                    accessor="tracking_number",
                    get_url=_request_url,
                ),
                Column("received_on", label=_("Received on"), accessor="received_on"),
                Column("department", label=_("Department"), accessor="department_name"),
                Column("case_state", label=_("State"), accessor="case_state_label"),
                Column("deadline", label=_("Deadline"), accessor="state_label"),
                Column("days", label=_("Working days"), accessor="days"),
            ],
            lambda view: view.report.requests,
            # The download says what the signed number of days means.
            export=[
                ("tracking_number", _("Tracking number")),
                ("received_on", _("Received on")),
                ("department_name", _("Department")),
                ("case_state_label", _("State")),
                ("state_label", _("Deadline")),
                ("days", _("Working days left or late")),
            ],
        ),
    ]
}


class ComplianceReportView(ReportView):
    """合规看板: the items, the clocks and the charts of one section."""

    template_name = "wagtail_disclosure/admin/compliance/report.html"
    results_template_name = "wagtail_disclosure/admin/compliance/report_results.html"
    page_title = _("Compliance dashboard")
    header_icon = "tasks"
    index_url_name = f"{NAMESPACE}:index"
    table_classname = "disclosure-compliance-table"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if not can_view(request.user):
            # A 403 (raising PermissionDenied would make Wagtail redirect to the dashboard).
            context = {"page_title": self.page_title, "header_icon": self.header_icon}
            return TemplateResponse(
                request, "wagtail_disclosure/admin/compliance/forbidden.html", context, status=403
            )
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def sections(self):
        return list(DisclosureIndexPage.objects.order_by("path"))

    @cached_property
    def section(self):
        wanted = self.request.GET.get("section")
        for section in self.sections:
            if str(section.pk) == wanted:
                return section
        return self.sections[0] if self.sections else None

    @cached_property
    def table(self):
        return TABLES.get(self.request.GET.get("table"), TABLES["items"])

    @cached_property
    def report(self):
        if self.section is None:
            return None
        return compliance_report(self.section, self.request.user, timeliness=not self.is_export)

    @property
    def columns(self):
        return self.table.columns

    @property
    def list_export(self):
        return self.table.list_export

    @property
    def export_headings(self):
        return self.table.export_headings

    def get_filename(self):
        return f"compliance-{self.table.key}-{timezone.localdate().isoformat()}"

    def get_queryset(self):
        if self.section is None:
            return []
        return self.table.rows(self)

    def _overdue_rows(self, reviews):
        return overdue_rows(reviews, self.report.today, self.report.calendar)

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        if self.table.key == "overdue":
            # Counted with the deadlines already: no COUNT query.
            paginator.count = self.report.reviews_overdue
        return paginator

    def decorate_paginated_queryset(self, object_list):
        # A download is not paginated: its rows are decorated here (a page, below).
        if self.is_export and self.table.key == "overdue":
            return self._overdue_rows(object_list)
        return object_list

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        if self.table.key == "overdue":
            page.object_list = object_list = self._overdue_rows(object_list)
        return paginator, page, object_list, is_paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.report
        if self.is_export or report is None:
            return context
        context.update(
            report=report,
            section=self.section,
            sections=self.sections,
            tables=[
                (table.key, table.label, table.key == self.table.key) for table in TABLES.values()
            ],
            current_table=self.table,
            coverage_svg=coverage_chart(report.coverage),
            timeliness_svg=timeliness_chart(report.timeliness),
            statuses=ComplianceStatus,
        )
        return context


class ComplianceMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view(request.user)


class ComplianceViewSet(ViewSet):
    """The report's URL and its item in the package's admin menu (Disclosure)."""

    name = NAMESPACE
    icon = "tasks"
    menu_label = _("Compliance dashboard")
    menu_item_class = ComplianceMenuItem

    def get_urlpatterns(self):
        return [path("", ComplianceReportView.as_view(), name="index")]
