"""The dashboard panel "Waiting for your review" (wired in wagtail_hooks.py)."""

from django.utils import timezone
from wagtail.admin.ui.components import Component

from .models import EntryReview
from .permissions import role_map
from .workflow.queue import attach_deadlines, deadline_counts
from .working_days import DeadlineState


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
