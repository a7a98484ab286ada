"""The reply clock of a request for information (依申请公开): working days with pauses.

A request must be answered within a number of working days of its receipt (教育部令
第29号: 15, with one extension of at most 15; the 2019 条例, article 33: 20 + 20). The
clock follows the same counting convention as every period of the package
(:mod:`wagtail_disclosure.working_days`): the day of receipt is day 0, working day 1 is
the first working day after it, and the State Council's holidays and make-up working
days (调休) decide what a working day is.

What moves the clock, as :class:`ClockEvent` rows of a case, in date order:

``restart``
    the corrected request (补正) arrived: the period starts again from that day, as if
    the request had been received then (article 30: "答复期限自收到补正的申请之日起计算").
    It also ends a pause for the correction.
``pause``
    the clock stops: a correction was asked for, a third party or another body was
    consulted (article 33: that time is not counted), a fee notice was sent. The day of
    the pause still counts (the office worked on it); the working days after it do not.
``resume``
    the clock runs again: the third party answered (or its own period ran out), the fee
    was paid. The working days after the resume day count again.
``extend``
    an approved extension: the period grows by ``days`` working days.

Each event carries its reason, so how a due date came about can be shown day by day
(:attr:`Clock.days`): counted, not a working day, paused, or restarted. A pause never only
silences reminders: paused days are not counted, and while a pause is open there is no
due date at all, only the working days left when the clock resumes.

The rules (how many days, how many extensions) come from
``WAGTAIL_DISCLOSURE_REQUEST_RULES``, read at call time: a preset name (``"moe29"``, the
default, or ``"ordinance2019"``) or a dict of :class:`ClockRules` fields with an optional
``"preset"`` to start from.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

from .conf import get_setting
from .working_days import ONE_DAY, DeadlineState, WorkingDayCalendar, _as_date

__all__ = [
    "PRESETS",
    "Clock",
    "ClockDay",
    "ClockEvent",
    "ClockRules",
    "DayStatus",
    "EventKind",
    "PauseReason",
    "compute_clock",
    "rules",
]

#: Longest walk, in calendar days: a clock that has not reached its due date by then has
#: wrong data (an open pause is stopped earlier, at the pause).
_MAX_DAYS = 3660


class EventKind(models.TextChoices):
    RESTART = "restart", _("Clock restarted")
    PAUSE = "pause", _("Clock paused")
    RESUME = "resume", _("Clock resumed")
    EXTEND = "extend", _("Period extended")


class PauseReason(models.TextChoices):
    CORRECTION = "correction", _("Waiting for the applicant's correction (补正)")
    CONSULTATION = "consultation", _("Consulting a third party or another body")
    FEE = "fee", _("Waiting for the fee to be paid")
    OTHER = "other", _("Other reason")


class DayStatus(models.TextChoices):
    COUNTED = "counted", _("Counted")
    REST = "rest", _("Not a working day")
    PAUSED = "paused", _("Paused")
    START = "start", _("Day 0 (received or restarted)")


@dataclasses.dataclass(frozen=True)
class ClockRules:
    """How long a request may take, and the periods around it, in working days."""

    #: The reply period after receipt (or after the corrected request arrived).
    reply_days: int = 15
    #: Working days one extension may add at most.
    extension_days: int = 15
    #: How many extensions a case may have.
    max_extensions: int = 1
    #: A correction (补正) is asked for within this many working days of receipt.
    correction_notice_days: int = 7
    #: An uncorrected request lapses (视为放弃) this many working days after the notice.
    correction_lapse_days: int = 15
    #: Whether the daily run closes such a request itself (article 30 of the 2019 条例:
    #: 视为放弃申请); when off, the office is reminded and closes it.
    lapse_uncorrected: bool = True
    #: The third party's period to answer a consultation.
    consultation_days: int = 15
    #: The applicant's period to pay a fee notice (then the request lapses).
    fee_payment_days: int = 20
    #: Whether the clock stops while a fee notice is unpaid.
    pause_for_fees: bool = True


#: Ready-made rules: universities under 教育部令第29号, and bodies under the 2019 条例.
PRESETS = {
    "moe29": ClockRules(),
    "ordinance2019": ClockRules(reply_days=20, extension_days=20),
}


def rules(value=None):
    """The :class:`ClockRules` in force (``WAGTAIL_DISCLOSURE_REQUEST_RULES``)."""
    value = get_setting("REQUEST_RULES") if value is None else value
    if isinstance(value, ClockRules):
        return value
    if isinstance(value, str):
        try:
            return PRESETS[value]
        except KeyError:
            raise ValueError(
                f"Unknown request rules preset {value!r}: use one of {', '.join(PRESETS)}"
            ) from None
    options = dict(value)
    base = PRESETS[options.pop("preset", "moe29")]
    fields = {field.name for field in dataclasses.fields(ClockRules)}
    unknown = set(options) - fields
    if unknown:
        raise ValueError(f"Unknown request rules: {', '.join(sorted(unknown))}")
    return dataclasses.replace(base, **options)


@dataclasses.dataclass(frozen=True)
class ClockEvent:
    """Something that moved the clock on ``day`` (see the module docstring)."""

    kind: str
    day: datetime.date
    reason: str = ""
    days: int = 0  # for ``extend``


@dataclasses.dataclass(frozen=True)
class ClockDay:
    day: datetime.date
    status: str  # a DayStatus
    count: int = 0  # the working day's number in the period, when counted
    note: str = ""


@dataclasses.dataclass(frozen=True)
class Clock:
    """Where the reply period of a case stands."""

    #: The day the period (last) started: receipt, or the corrected request's arrival.
    start: datetime.date
    #: Working days the period lasts, extensions included.
    working_days: int
    #: The due date; ``None`` while the clock is paused.
    due_date: datetime.date | None
    #: The due date the period had before its extensions (``None`` while paused).
    original_due_date: datetime.date | None
    #: Working days counted so far (up to ``today``, or to the due date).
    counted: int
    #: The open pause's reason and day, if the clock is paused.
    paused_since: datetime.date | None
    pause_reason: str
    #: Day by day, from the start to the due date (or to the open pause).
    days: tuple[ClockDay, ...]
    #: Working days paused in this period.
    paused_days: int
    extensions: int

    @property
    def is_paused(self):
        return self.paused_since is not None

    @property
    def remaining_when_resumed(self):
        """Working days left once a paused clock resumes."""
        return self.working_days - self.counted


def compute_clock(received, events: Iterable[ClockEvent] = (), rules_=None, *, calendar=None):
    """The :class:`Clock` of a request received on ``received`` with ``events``.

    Events on the same day apply in the order given (a ``restart`` and a ``pause`` of the
    same day: the order they were recorded in).
    """
    rules_ = rules_ or rules()
    calendar = calendar or WorkingDayCalendar()
    received = _as_date(received)
    events = sorted(events, key=lambda event: _as_date(event.day))  # stable: keeps order
    start = received
    extension_days = 0
    extensions = 0
    for event in events:
        if event.kind == EventKind.RESTART:
            start = _as_date(event.day)
    # Only what happened from the (last) start on shapes this period.
    period_events = []
    for event in events:
        day = _as_date(event.day)
        if event.kind == EventKind.EXTEND:
            extension_days += event.days
            extensions += 1
        elif day >= start and not (event.kind == EventKind.RESTART and day == start):
            period_events.append(event)
    limit = rules_.reply_days + extension_days
    by_day: dict[datetime.date, list[ClockEvent]] = {}
    for event in period_events:
        by_day.setdefault(_as_date(event.day), []).append(event)

    calendar.load(start, start + datetime.timedelta(days=limit * 2 + 60))
    days = [ClockDay(start, DayStatus.START)]
    paused_since, pause_reason = None, ""
    # A pause on the start day itself stops the clock before day 1.
    for event in by_day.get(start, ()):
        paused_since, pause_reason = _apply(event, paused_since, pause_reason)
    counted = paused = 0
    original_due = due = None
    day = start
    for _step in range(_MAX_DAYS):
        if counted >= limit:
            break
        if paused_since is not None and not _resumes_later(by_day, day):
            break  # an open pause: no due date
        day += ONE_DAY
        working = calendar.is_working_day(day)
        if paused_since is not None:
            status = DayStatus.PAUSED if working else DayStatus.REST
            paused += working
            days.append(ClockDay(day, status))
        elif working:
            counted += 1
            days.append(ClockDay(day, DayStatus.COUNTED, counted))
            if counted == rules_.reply_days:
                original_due = day
        else:
            days.append(ClockDay(day, DayStatus.REST))
        # Events of the day take effect after it: a pause day counts, a resume day not.
        for event in by_day.get(day, ()):
            paused_since, pause_reason = _apply(event, paused_since, pause_reason)
    else:  # pragma: no cover - the data is wrong
        raise ValueError(f"the reply period starting {start} does not end within 10 years")
    if counted >= limit:
        due = day
    return Clock(
        start=start,
        working_days=limit,
        due_date=due,
        original_due_date=original_due,
        counted=counted,
        paused_since=paused_since if due is None else None,
        pause_reason=pause_reason if due is None else "",
        days=tuple(days),
        paused_days=paused,
        extensions=extensions,
    )


def _apply(event, paused_since, pause_reason):
    if event.kind == EventKind.PAUSE:
        if paused_since is None:
            return _as_date(event.day), event.reason
        return paused_since, pause_reason
    if event.kind in (EventKind.RESUME, EventKind.RESTART):
        return None, ""
    return paused_since, pause_reason


def _resumes_later(by_day, day):
    return any(
        later > day and any(e.kind in (EventKind.RESUME, EventKind.RESTART) for e in events)
        for later, events in by_day.items()
    )


def clock_state(clock, today=None, done_on=None, *, calendar=None):
    """``(DeadlineState, working days left)`` of ``clock`` on ``today``; ``(None, left)``
    while the clock is paused (left: the working days left when it resumes)."""
    from django.utils import timezone

    if clock.due_date is None:
        return None, clock.remaining_when_resumed
    calendar = calendar or WorkingDayCalendar()
    reference = _as_date(done_on if done_on is not None else (today or timezone.localdate()))
    due = clock.due_date
    if reference <= due:
        left = calendar.working_days_between(reference, due)
    else:
        left = -calendar.working_days_between(due, reference)
    if done_on is not None:
        return (DeadlineState.MET if reference <= due else DeadlineState.MISSED), left
    if reference > due:
        return DeadlineState.OVERDUE, left
    if left <= get_setting("DUE_SOON_WORKING_DAYS"):
        return DeadlineState.DUE_SOON, left
    return DeadlineState.ON_TIME, left
