"""Reminders of requests for information: a daily digest of the cases due soon or overdue.

Each person responsible for the next step of an open case whose reply clock is due soon
(``WAGTAIL_DISCLOSURE_DUE_SOON_WORKING_DAYS``) or overdue gets one e-mail a day listing
those cases: the request handlers of the department a case is routed to, and the
disclosure office for the cases waiting for it. The office also gets every overdue case
(督办, supervision), wherever it waits. A paused clock (correction, consultation, fee) is
neither due soon nor overdue: it is left out, with no reminder silenced on a running clock.
A request still waiting for its correction after the period for it
(``correction_lapse_days``) is deemed abandoned (视为放弃, article 30 of the 2019 条例): the
daily run closes it as not corrected (``lapse``, a system step in the timeline, with the
period in its reason) and tells the office in its digest. With ``lapse_uncorrected`` off
in ``WAGTAIL_DISCLOSURE_REQUEST_RULES``, the office is reminded instead and closes it.

Run it daily: ``manage.py disclosure_request_reminders`` (cron), or enqueue the
django-tasks task ``wagtail_disclosure.tasks.send_request_reminders``.
"""

from __future__ import annotations

import dataclasses
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from .models import DisclosureRequest
from .models.requests import OPEN_STATES, RequestState
from .people import person_name
from .permissions import Role, users_with_role
from .request_clock import clock_state, rules
from .workflow.services import take_system_transition
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
#: A request the daily run closed today as not corrected (``lapse_uncorrected``).
LAPSED = "lapsed"


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


def lapse_uncorrected(today=None):
    """Close the requests whose period for the correction ended before ``today``
    (``lapse_uncorrected`` on, the default); the :class:`DueCase` rows of those closed,
    with state :data:`LAPSED`. Each is the engine's ``lapse`` step taken by the system."""
    if not rules().lapse_uncorrected:
        return []
    lapsed = []
    days = rules().correction_lapse_days
    for row in due_cases(today):
        if row.state != CORRECTION_ENDED:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            comment = gettext(
                "Not corrected within %(days)s working days of the notice (the period ended "
                "on %(day)s): deemed abandoned."
            ) % {"days": days, "day": formats.date_format(row.period_end, "Y-m-d")}
        case = take_system_transition(row.case, "lapse", comment=comment)
        if case is not None and case.state == RequestState.LAPSED:
            lapsed.append(dataclasses.replace(row, case=case, state=LAPSED))
    return lapsed


def digests(today=None, lapsed=()):
    """``{user: [DueCase, ...]}``: what each person is reminded of on ``today``; the
    office also gets the ``lapsed`` rows (requests closed today as not corrected)."""
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

    for row in [*lapsed, *due_cases(today)]:
        role = None if row.state == LAPSED else workflow.responsible_role(row.case)
        people = []
        if role is not None:
            people += holders(role, row.case.department_id)
        if row.state in (DeadlineState.OVERDUE, CORRECTION_ENDED, LAPSED):
            people += holders(Role.DISCLOSURE_OFFICE, None)
        for user in dict.fromkeys(people):  # once per person, in order
            by_user.setdefault(user, []).append(row)
    return by_user


def send_reminders(today=None, dry_run=False):
    """Close the uncorrected requests (:func:`lapse_uncorrected`, not on a dry run), then
    send the day's digests; returns ``[(user, number of cases)]``. A failed e-mail is
    logged and the others are still sent."""
    today = today or timezone.localdate()
    sent = []
    lapsed = [] if dry_run else lapse_uncorrected(today)
    for user, rows in digests(today, lapsed).items():
        if not dry_run:
            with translation.override(settings.LANGUAGE_CODE):
                context = {
                    "name": person_name(user),
                    "rows": rows,
                    "today": today,
                    "overdue": sum(
                        row.state in (DeadlineState.OVERDUE, CORRECTION_ENDED, LAPSED)
                        for row in rows
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
