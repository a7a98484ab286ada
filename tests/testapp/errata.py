"""A reader's error report (勘误) as a second state machine on the workflow engine.

docs/extending.md shows this file whole; tests/test_engine.py checks both are the same.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from wagtail_disclosure.permissions import Role
from wagtail_disclosure.workflow import RESPONSIBLE, Deadline, Responsible, Workflow


class ErrataState(models.TextChoices):
    RECEIVED = "received", _("Received")
    CONFIRMED = "confirmed", _("Confirmed by the department")
    CLOSED = "closed", _("Corrected and closed")


class ErrataReport(models.Model):
    """A reader's report of an error in published information (勘误), handled by the
    department that holds it and closed by the disclosure office."""

    title = models.CharField(_("title"), max_length=200)
    department = models.ForeignKey(
        "wagtail_disclosure.Department", on_delete=models.CASCADE, related_name="+"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    received_on = models.DateField(_("received on"))
    answer_within = models.PositiveSmallIntegerField(_("answer within (working days)"), default=10)
    state = FSMField(default=ErrataState.RECEIVED, choices=ErrataState.choices, protected=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    last_comment = models.TextField(blank=True)

    workflow = Workflow(
        state,
        responsible=[
            Responsible(ErrataState.RECEIVED, Role.DEPARTMENT_REVIEWER),
            Responsible(ErrataState.CONFIRMED, Role.DISCLOSURE_OFFICE),
        ],
        department=["department_id"],
        author=lambda report: report.reporter,
        deadline=Deadline(start="received_on", working_days="answer_within"),
    )

    @workflow.transition(
        source=ErrataState.RECEIVED,
        target=ErrataState.CONFIRMED,
        role=Role.DEPARTMENT_REVIEWER,
        label=_("Confirm the error"),
        log_message=_("Error confirmed by the department"),
        icon="success",
    )
    def confirm(self, user, when, comment="", **options):
        pass

    @workflow.transition(
        source=ErrataState.CONFIRMED,
        target=ErrataState.CLOSED,
        role=Role.DISCLOSURE_OFFICE,
        label=_("Close"),
        log_message=_("Corrected and closed"),
        notify_author="approved_notifications",
    )
    def close(self, user, when, comment="", **options):
        pass

    @workflow.transition(
        source=ErrataState.CONFIRMED,
        target=ErrataState.RECEIVED,
        role=RESPONSIBLE,
        label=_("Send back"),
        needs_reason=True,
        icon="arrow-left",
    )
    def send_back(self, user, when, comment="", **options):
        pass

    def __str__(self):
        return self.title
