"""Queues and deadlines of any workflow: what waits for whom, and by when.

The admin views, the dashboard panel and the staff API are thin callers of these
functions; the rules come from the workflow's declarations (``engine.py``).
"""

from collections import Counter

from django.db.models import Case, DateField, F, Q, Value, When
from django.utils import timezone

from ..working_days import DeadlineStatus, WorkingDayCalendar, shift
from .engine import lookup


def queue(workflow, user, queryset=None):
    """The rows whose next step ``user`` decides (see :meth:`Workflow.queue`)."""
    return workflow.queue(user, queryset)


def oldest_first(rows, changed_at="state_changed_at"):
    return rows.order_by(F(changed_at).asc(nulls_first=True), "pk")


def _calendar(dates, today):
    # One calendar for every row: the whole list costs one query. Its end leaves room
    # for the longest periods counted from the latest start.
    return WorkingDayCalendar(min(dates), shift(max(max(dates), today), 62))


def attach_deadlines(workflow, rows, today=None):
    """Set ``row.deadline`` (a :class:`~wagtail_disclosure.working_days.DeadlineStatus`,
    or ``None`` when the row has no start date) on each row; returns the rows as a list.
    """
    rows = list(rows)
    spec = workflow.deadline
    if spec is None:
        for row in rows:
            row.deadline = None
        return rows
    today = today or timezone.localdate()
    periods = [(lookup(row, spec.start), lookup(row, spec.working_days)) for row in rows]
    dates = [start for start, _days in periods if start is not None]
    calendar = _calendar(dates, today) if dates else None
    statuses = {}
    for row, key in zip(rows, periods, strict=True):
        if key[0] is None or key[1] is None:
            row.deadline = None
            continue
        if key not in statuses:
            statuses[key] = DeadlineStatus.compute(*key, today=today, calendar=calendar)
        row.deadline = statuses[key]
    return rows


def deadline_counts(workflow, rows, today=None):
    """{DeadlineState: number of rows} for a queryset, from its distinct (start, period)
    pairs: a few queries whatever the number of rows."""
    counts = Counter()
    spec = workflow.deadline
    if spec is None:
        return counts
    today = today or timezone.localdate()
    periods = Counter(rows.order_by().values_list(spec.start, spec.working_days))
    periods = {key: n for key, n in periods.items() if key[0] is not None and key[1] is not None}
    if not periods:
        return counts
    calendar = _calendar([start for start, _days in periods], today)
    for (start, days), number in periods.items():
        counts[DeadlineStatus.compute(start, days, today=today, calendar=calendar).state] += number
    return counts


def by_deadline(workflow, rows, today=None, descending=False):
    """``rows`` (a queryset) ordered by due date, soonest first (latest first when
    ``descending``); rows without a deadline last, then by time in state and pk.

    The due dates are computed as in :func:`deadline_counts`, for the distinct
    (start, period) pairs only, with one calendar; the database then orders with a
    ``Case``/``When`` on those pairs. Two queries (the pairs, the calendar) whatever the
    number of rows, and the order is exact (ordering by start date, then period, is not:
    a shorter period from an earlier date may fall due later).
    """
    spec = workflow.deadline
    if spec is None:
        return oldest_first(rows)
    today = today or timezone.localdate()
    pairs = {
        key
        for key in rows.order_by().values_list(spec.start, spec.working_days).distinct()
        if key[0] is not None and key[1] is not None
    }
    if not pairs:
        return oldest_first(rows)
    calendar = _calendar([start for start, _days in pairs], today)
    by_date = {}
    for start, days in sorted(pairs):
        condition = Q(**{spec.start: start, spec.working_days: days})
        due_date = calendar.add_working_days(start, days)
        by_date[due_date] = by_date[due_date] | condition if due_date in by_date else condition
    due_case = Case(
        *(When(condition, then=Value(date)) for date, condition in sorted(by_date.items())),
        default=Value(None),
        output_field=DateField(),
    )
    due = F("workflow_due_date")
    order = due.desc(nulls_last=True) if descending else due.asc(nulls_last=True)
    return rows.annotate(workflow_due_date=due_case).order_by(
        order, F("state_changed_at").asc(nulls_first=True), "pk"
    )
