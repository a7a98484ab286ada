"""Reminders of requests for information: a daily digest of the cases due soon or overdue.

Each person responsible for the next step of an open case whose reply clock is due soon
(``WAGTAIL_DISCLOSURE_DUE_SOON_WORKING_DAYS``) or overdue gets one e-mail a day listing
those cases: the request handlers of the department a case is routed to, and the
disclosure office for the cases waiting for it. The office also gets every overdue case
(督办, supervision), wherever it waits. A paused clock (correction, consultation, fee) is
neither due soon nor overdue: it is left out, with no reminder silenced on a running clock.
A request still waiting for its correction after the period for it
(``correction_lapse_days``) is listed for the office, which records the correction or
closes the request as not corrected: the package never closes a request by itself.

Run it daily: ``manage.py disclosure_request_reminders`` (cron), or enqueue the
django-tasks task ``wagtail_disclosure.tasks.send_request_reminders``.
"""

from __future__ import annotations

import dataclasses
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import DisclosureRequest
from .models.requests import OPEN_STATES, RequestState
from .people import person_name
from .permissions import Role, users_with_role
from .request_clock import clock_state, rules
from .working_days import DeadlineState, WorkingDayCalendar

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class DueCase:
    case: DisclosureRequest
    state: str  # DeadlineState.DUE_SOON or OVERDUE, or CORRECTION_ENDED
    working_days_left: int
    #: For CORRECTION_ENDED: the last day of the period for the correction.
    period_end: object = None

    @property
    def days(self):
        """Working days left (due soon) or late (overdue)."""
        return abs(self.working_days_left)


#: A case waiting for a correction whose period for it (``correction_lapse_days``) is over:
#: the office records the correction or closes the request as not corrected.
CORRECTION_ENDED = "correction_ended"


def due_cases(today=None):
    """The open cases due soon or overdue on ``today``, and those whose period for the
    correction is over, most urgent first."""
    today = today or timezone.localdate()
    calendar = WorkingDayCalendar()
    rows = []
    cases = (
        DisclosureRequest.objects.filter(state__in=OPEN_STATES, received_on__lte=today)
        .select_related("department")
        .prefetch_related("clock_event_rows")
    )
    lapse_days = rules().correction_lapse_days
    for case in cases:
        clock = case.clock(calendar=calendar)
        if case.state == RequestState.CORRECTION and clock.is_paused:
            ends = calendar.add_working_days(clock.paused_since, lapse_days)
            if ends < today:
                late = calendar.working_days_between(ends, today)
                rows.append(DueCase(case, CORRECTION_ENDED, -late, ends))
            continue
        state, left = clock_state(clock, today=today, calendar=calendar)
        if state in (DeadlineState.DUE_SOON, DeadlineState.OVERDUE):
            rows.append(DueCase(case, state, left))
    rows.sort(key=lambda row: (row.working_days_left, row.case.pk))
    return rows


def digests(today=None):
    """``{user: [DueCase, ...]}``: what each person is reminded of on ``today``."""
    workflow = DisclosureRequest.workflow
    by_user = {}
    recipients_of = {}  # (role, department id) -> users, read once

    def holders(role, department_id):
        key = (role, department_id)
        if key not in recipients_of:
            recipients_of[key] = [
                user for user in users_with_role(role, department_id) if user.email
            ]
        return recipients_of[key]

    for row in due_cases(today):
        role = workflow.responsible_role(row.case)
        people = []
        if role is not None:
            people += holders(role, row.case.department_id)
        if row.state in (DeadlineState.OVERDUE, CORRECTION_ENDED):
            people += holders(Role.DISCLOSURE_OFFICE, None)
        for user in dict.fromkeys(people):  # once per person, in order
            by_user.setdefault(user, []).append(row)
    return by_user


def send_reminders(today=None, dry_run=False):
    """Send the day's digests; returns ``[(user, number of cases)]``. A failed e-mail is
    logged and the others are still sent."""
    today = today or timezone.localdate()
    sent = []
    for user, rows in digests(today).items():
        if not dry_run:
            with translation.override(settings.LANGUAGE_CODE):
                context = {
                    "name": person_name(user),
                    "rows": rows,
                    "today": today,
                    "overdue": sum(
                        row.state in (DeadlineState.OVERDUE, CORRECTION_ENDED) for row in rows
                    ),
                    "base_url": getattr(settings, "WAGTAILADMIN_BASE_URL", ""),
                }
                subject = render_to_string(
                    "wagtail_disclosure/notifications/request_reminders_subject.txt", context
                )
                body = render_to_string(
                    "wagtail_disclosure/notifications/request_reminders.txt", context
                )
            try:
                send_mail(" ".join(subject.split()), body, None, [user.email])
            except Exception:  # noqa: BLE001 - one failed address must not stop the rest
                logger.exception("Could not send the request reminders to %s", user.email)
                continue
        sent.append((user, len(rows)))
    return sent
