"""The dashboard panels "Waiting for your review", the requests for information waiting
for the user and the compliance summary (wired in wagtail_hooks.py)."""

from django.utils import timezone
from wagtail.admin.ui.components import Component

from .compliance import can_view, compliance_report, default_section
from .models import EntryReview
from .permissions import role_map
from .workflow.queue import attach_deadlines, deadline_counts
from .working_days import DeadlineState, WorkingDayCalendar


class ReviewQueuePanel(Component):
    """The size of the user's review queue, how much of it is overdue, and its oldest entries.

    Shown to people holding a role; costs a fixed number of queries however long the
    queue is.
    """

    name = "disclosure_review_queue"
    template_name = "wagtail_disclosure/admin/dashboard_panel.html"
    order = 90
    #: How many of the oldest waiting entries the panel lists.
    limit = 5

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        today = timezone.localdate()
        workflow = EntryReview.workflow
        queue = EntryReview.objects.waiting_for(request.user)
        counts = deadline_counts(workflow, queue, today=today)  # document_date is never empty
        return {
            "request": request,
            "total": sum(counts.values()),
            "overdue": counts[DeadlineState.OVERDUE],
            "due_soon": counts[DeadlineState.DUE_SOON],
            "oldest": attach_deadlines(workflow, queue.oldest_first()[: self.limit], today=today),
        }

    def render_html(self, parent_context=None):
        if not role_map(parent_context["request"].user):
            return ""
        return super().render_html(parent_context)


class RequestQueuePanel(Component):
    """The requests for information waiting for the user, most urgent first, with how many
    are overdue or due soon (a paused clock is neither). Shown to the disclosure office and
    to request handlers; a fixed number of queries however many cases wait."""

    name = "disclosure_request_queue"
    template_name = "wagtail_disclosure/admin/request_panel.html"
    order = 95
    limit = 5

    def get_context_data(self, parent_context):
        from .models import DisclosureRequest
        from .request_clock import clock_state

        request = parent_context["request"]
        today = timezone.localdate()
        calendar = WorkingDayCalendar()
        cases = list(
            DisclosureRequest.objects.waiting_for(request.user).prefetch_related("clock_event_rows")
        )
        rows = []
        for case in cases:
            clock = case.clock(calendar=calendar)
            state, left = clock_state(clock, today=today, calendar=calendar)
            rows.append(
                {"case": case, "clock": clock, "state": state, "left": left, "late": max(-left, 0)}
            )
        # Overdue and due soon first, by working days left; paused cases last.
        rows.sort(key=lambda row: (row["state"] is None, row["left"], row["case"].pk))
        return {
            "request": request,
            "total": len(rows),
            "overdue": sum(row["state"] == DeadlineState.OVERDUE for row in rows),
            "due_soon": sum(row["state"] == DeadlineState.DUE_SOON for row in rows),
            "rows": rows[: self.limit],
        }

    def render_html(self, parent_context=None):
        from .permissions import Role

        held = role_map(parent_context["request"].user)
        if Role.DISCLOSURE_OFFICE not in held and Role.REQUEST_HANDLER not in held:
            return ""
        return super().render_html(parent_context)


class CompliancePanel(Component):
    """The dashboard's summary of compliance: items current, stale and missing, entries
    past their clock, requests due; with a link to the full report. Shown to anyone
    holding a role, for their departments; a fixed number of queries."""

    name = "disclosure_compliance"
    template_name = "wagtail_disclosure/admin/compliance/panel.html"
    order = 100

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        section = default_section()
        report = compliance_report(section, request.user, timeliness=False) if section else None
        return {"request": request, "report": report}

    def render_html(self, parent_context=None):
        if not can_view(parent_context["request"].user):
            return ""
        return super().render_html(parent_context)
