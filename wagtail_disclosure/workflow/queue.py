"""Queues and deadlines of any workflow: what waits for whom, and by when.

The admin views, the dashboard panel and the staff API are thin callers of these
functions; the rules come from the workflow's declarations (``engine.py``).
"""

from collections import Counter

from django.db.models import F
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
