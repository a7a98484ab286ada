"""Working days (工作日) in mainland China, with the State Council's 调休.

A working day is a day on which public institutions (事业单位) work: Monday to Friday,
except statutory holidays, plus the weekend make-up days (调休上班) the State Council
announces each year. Three sources decide, in this order:

1. a :class:`~wagtail_disclosure.models.WorkingDayOverride` row for the date, entered
   by an administrator;
2. the data of the ``chinesecalendar`` package (``chinese_calendar.is_workday``), for
   the years it covers;
3. otherwise Monday to Friday. :func:`calendar_coverage` says which of these a year
   relies on, and :class:`DeadlineStatus` marks a deadline computed with the fallback as
   ``provisional``.

Counting convention. Periods follow the usual rule of 民法典 第二百零一条: "按照年、月、日
计算期间的,开始的当日不计入,自下一日开始计算". The start date (the day information is
made, or a request received) is day 0 and never counts, whether or not it is itself a
working day; working day 1 is the first working day after it. Something made on a
Friday before an ordinary weekend therefore has the next Monday as working day 1, and
its 20-working-day deadline is the 20th working day after that Friday. This is one day
stricter than ``chinese_calendar.find_workday`` for a start on a rest day, which counts
the next working day as day 0.

Every function takes an optional ``calendar``: a :class:`WorkingDayCalendar` loads the
overrides of whole years in one query and can be shared by many calls (a listing of
deadlines, say). Without one, each call makes its own. Settings are read at call time.

Any date works, from ``date.min`` to ``date.max``, without overflowing and without walking
day by day over long spans: runs of years that have neither chinesecalendar data nor
overrides are counted arithmetically (Monday to Friday), a whole year with data is looked
up day by day only once, and a period that would end after ``date.max`` ends on
``date.max``.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

import chinese_calendar
from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .conf import get_setting

__all__ = [
    "Coverage",
    "DeadlineState",
    "DeadlineStatus",
    "WorkingDayCalendar",
    "add_working_days",
    "calendar_coverage",
    "deadline",
    "is_working_day",
    "library_covers",
    "working_days_between",
]

ONE_DAY = datetime.timedelta(days=1)

# A run of rest days longer than this means the data is wrong (every day of a year
# overridden as a rest day, say); stop instead of looping for ever.
_MAX_REST_RUN = 366


def shift(day, days):
    """``day`` moved by ``days`` days, kept within ``date.min``…``date.max`` (never raises)."""
    ordinal = min(max(day.toordinal() + days, 1), datetime.date.max.toordinal())
    return datetime.date.fromordinal(ordinal)


def _weekdays_through(ordinal):
    """How many Mondays to Fridays there are from ``date.min`` (a Monday, ordinal 1) to the
    day with this ordinal (0: none)."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def _year_end(year):
    return datetime.date(year, 12, 31)


class Coverage(models.TextChoices):
    """Where the working days of a year come from."""

    LIBRARY = "library", _("chinesecalendar data")
    OVERRIDES = "overrides", _("administrator overrides")
    FALLBACK = "fallback", _("Monday–Friday fallback")


class DeadlineState(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    MET = "met", _("Met")
    MISSED = "missed", _("Missed")


def _as_date(value):
    """A ``date`` from a date or datetime (an aware datetime in the current time zone)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError(f"expected a date or datetime, not {type(value).__name__}")


@functools.lru_cache(maxsize=8192)
def _library_is_workday(day):
    """``chinese_calendar.is_workday(day)``, or ``None`` for a year it has no data for.

    Cached: the library's data is fixed for the life of the process.
    """
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


@functools.cache
def library_covers(year):
    """Whether the installed ``chinesecalendar`` has holiday data for ``year``."""
    return _library_is_workday(datetime.date(year, 1, 1)) is not None


@functools.cache
def _library_years():
    """The years the installed ``chinesecalendar`` covers, in order (a short run)."""
    known = {
        day.year for name in ("holidays", "workdays") for day in getattr(chinese_calendar, name, ())
    }
    candidates = known or range(1990, 2101)  # should the package stop exporting its tables
    return tuple(sorted(year for year in candidates if library_covers(year)))


#: Working days of whole years that only the chinesecalendar data decides (no override):
#: that data is fixed for the life of the process.
_library_year_counts = {}


def _default_is_working_day(day):
    """The answer without overrides: the library's, else Monday to Friday."""
    answer = _library_is_workday(day)
    if answer is None:
        return day.weekday() < 5
    return answer


class WorkingDayCalendar:
    """Working days, with the overrides of whole calendar years held in memory.

    ``WorkingDayCalendar(start, end)`` loads the overrides of every year from
    ``start.year`` to ``end.year`` in one query; a date outside those years loads the
    missing years, again in one query. Create one per request or task, not per process:
    it does not see overrides saved after they were loaded.
    """

    def __init__(self, start=None, end=None):
        self._overrides = {}
        self._years_with_overrides = set()
        self._years = None  # (first, last) years loaded, inclusive
        self._year_counts = {}  # year: working days in it
        if start is not None:
            self.load(start, end if end is not None else start)

    def load(self, start, end):
        """Make sure the overrides of the years ``start.year``…``end.year`` are loaded."""
        # Read with apps.get_model: the models build on this module (entry dates).
        WorkingDayOverride = apps.get_model("wagtail_disclosure", "WorkingDayOverride")

        first, last = _as_date(start).year, _as_date(end).year
        if first > last:
            first, last = last, first
        if self._years is None:
            missing = [(first, last)]
        else:
            low, high = self._years
            missing = []
            if first < low:
                missing.append((first, low - 1))
            if last > high:
                missing.append((high + 1, last))
            first, last = min(first, low), max(last, high)
        if not missing:
            return
        query = Q()
        for a, b in missing:
            query |= Q(date__gte=datetime.date(a, 1, 1), date__lte=datetime.date(b, 12, 31))
        rows = WorkingDayOverride.objects.filter(query).values_list("date", "is_working_day")
        for day, working in rows:
            self._overrides[day] = working
            self._years_with_overrides.add(day.year)
        self._years = (first, last)

    def is_working_day(self, day):
        day = _as_date(day)
        self.load(day, day)
        override = self._overrides.get(day)
        if override is not None:
            return override
        return _default_is_working_day(day)

    def coverage(self, year):
        """Where the working days of ``year`` come from: a :class:`Coverage` value.

        ``LIBRARY`` when ``chinesecalendar`` has the year (overrides may still correct
        single dates); ``OVERRIDES`` when it does not but administrators have entered at
        least one override in that year, which is taken to mean they entered the year's
        schedule; ``FALLBACK`` when only Monday to Friday is known.
        """
        if library_covers(year):
            return Coverage.LIBRARY
        self.load(datetime.date(year, 1, 1), datetime.date(year, 1, 1))
        if year in self._years_with_overrides:
            return Coverage.OVERRIDES
        return Coverage.FALLBACK

    def relies_on_fallback(self, start, end):
        """Whether any year from ``start`` to ``end`` has only the Monday–Friday fallback."""
        first, last = sorted((_as_date(start).year, _as_date(end).year))
        self.load(datetime.date(first, 1, 1), datetime.date(last, 1, 1))
        return any(self.coverage(year) == Coverage.FALLBACK for year in range(first, last + 1))

    def _is_plain_year(self, year):
        """Whether ``year`` is Monday to Friday only: no library data and no override."""
        return not library_covers(year) and year not in self._years_with_overrides

    def _plain_run_end(self, year):
        """The last year of the run of plain years that starts with ``year``."""
        later = [y for y in (*_library_years(), *self._years_with_overrides) if y > year]
        return min(later) - 1 if later else datetime.date.max.year

    def _walk(self, first, last):
        """Working days ``d`` with ``first <= d <= last``, looked up one by one."""
        count, day = 0, first
        while True:
            if self.is_working_day(day):
                count += 1
            if day >= last:
                return count
            day += ONE_DAY

    def _working_days_in_year(self, year):
        """Working days of the whole ``year`` (not a plain one), counted once."""
        if year in self._year_counts:
            return self._year_counts[year]
        shared = year not in self._years_with_overrides
        if shared and year in _library_year_counts:
            count = _library_year_counts[year]
        else:
            count = self._walk(datetime.date(year, 1, 1), _year_end(year))
            if shared:
                _library_year_counts[year] = count
        self._year_counts[year] = count
        return count

    def add_working_days(self, start, n):
        """The ``n``-th working day after ``start`` (``start`` itself is day 0).

        ``date.max`` if the period would end after it.
        """
        start = _as_date(start)
        if n < 0:
            raise ValueError("n must not be negative")
        # n working days span about 7n/5 calendar days plus the holidays on the way: load
        # that window's years at once, so a deadline costs one query (two at most).
        self.load(start, shift(start, n * 7 // 5 + 31))
        day, rest_run = start, 0
        while n:
            if day == datetime.date.max:
                return day
            day += ONE_DAY
            if self.is_working_day(day):
                n -= 1
                rest_run = 0
            else:
                rest_run += 1
                if rest_run > _MAX_REST_RUN:
                    raise ValueError(f"no working day in the year after {day - rest_run * ONE_DAY}")
        return day

    def working_days_between(self, start, end):
        """The number of working days ``d`` with ``start < d <= end``.

        Never walks long spans day by day: a run of years with neither chinesecalendar
        data nor overrides is Monday to Friday, counted arithmetically, and a whole year
        with data is counted once (per process when only the library decides it). A span
        of centuries (a mistyped 成文日期) costs about as much as a span of two years.
        """
        start, end = _as_date(start), _as_date(end)
        if end <= start:
            return 0
        self.load(start, end)
        count, first = 0, start + ONE_DAY  # start < end <= date.max
        while True:
            if self._is_plain_year(first.year):
                last = min(_year_end(self._plain_run_end(first.year)), end)
                count += _weekdays_through(last.toordinal())
                count -= _weekdays_through(first.toordinal() - 1)
            else:
                last = min(_year_end(first.year), end)
                if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
                    count += self._working_days_in_year(first.year)
                else:
                    count += self._walk(first, last)
            if last == end:
                return count
            first = last + ONE_DAY


def is_working_day(day, *, calendar=None):
    """Whether ``day`` is a working day: override, else chinesecalendar, else Mon–Fri."""
    return (calendar or WorkingDayCalendar()).is_working_day(day)


def calendar_coverage(year, *, calendar=None):
    """Where the working days of ``year`` come from: a :class:`Coverage` value."""
    return (calendar or WorkingDayCalendar()).coverage(year)


def add_working_days(start, n, *, calendar=None):
    """The date of the ``n``-th working day after ``start``; ``start`` for ``n == 0``.

    The start date is day 0 and is not counted, whether or not it is a working day
    (民法典 第二百零一条: 开始的当日不计入).
    """
    return (calendar or WorkingDayCalendar()).add_working_days(start, n)


def working_days_between(start, end, *, calendar=None):
    """The number of working days ``d`` with ``start < d <= end``; 0 if ``end <= start``."""
    return (calendar or WorkingDayCalendar()).working_days_between(start, end)


def deadline(start, n=None, *, calendar=None):
    """The last day of a period of ``n`` working days starting on ``start``.

    ``n`` defaults to ``WAGTAIL_DISCLOSURE_PUBLISH_WITHIN_WORKING_DAYS`` (20): the period
    within which active information is published after it is made or changed.
    """
    if n is None:
        n = get_setting("PUBLISH_WITHIN_WORKING_DAYS")
    return add_working_days(start, n, calendar=calendar)


@dataclass(frozen=True)
class DeadlineStatus:
    """Where a period of working days stands on a given day.

    ``state`` is a :class:`DeadlineState`:

    * while not done (``done_on`` is ``None``): ``overdue`` after ``due_date``;
      ``due_soon`` when at most ``WAGTAIL_DISCLOSURE_DUE_SOON_WORKING_DAYS`` working
      days are left (the due date itself included, with 0 left); ``on_time`` otherwise;
    * once done: ``met`` if ``done_on <= due_date``, else ``missed``.

    ``working_days_left`` counts the working days after ``today`` (or after ``done_on``
    once done) up to and including ``due_date``. Past the due date it is the negative
    number of working days late (0 on a rest day right after the due date).
    ``provisional`` is true when a year of the period has only the Monday–Friday
    fallback, so the due date may move once that year's schedule is entered.
    """

    start: datetime.date
    working_days: int
    due_date: datetime.date
    state: DeadlineState
    working_days_left: int
    provisional: bool = False

    @classmethod
    def compute(cls, start, n=None, today=None, done_on=None, *, calendar=None):
        """The status on ``today`` (default: today's local date) of ``n`` working days from ``start``.

        ``n`` defaults to ``WAGTAIL_DISCLOSURE_PUBLISH_WITHIN_WORKING_DAYS``.
        """
        calendar = calendar or WorkingDayCalendar()
        start = _as_date(start)
        if n is None:
            n = get_setting("PUBLISH_WITHIN_WORKING_DAYS")
        due = calendar.add_working_days(start, n)
        reference = _as_date(done_on if done_on is not None else (today or timezone.localdate()))
        if reference <= due:
            left = calendar.working_days_between(reference, due)
        else:
            left = -calendar.working_days_between(due, reference)
        if done_on is not None:
            state = DeadlineState.MET if reference <= due else DeadlineState.MISSED
        elif reference > due:
            state = DeadlineState.OVERDUE
        elif left <= get_setting("DUE_SOON_WORKING_DAYS"):
            state = DeadlineState.DUE_SOON
        else:
            state = DeadlineState.ON_TIME
        return cls(
            start=start,
            working_days=n,
            due_date=due,
            state=state,
            working_days_left=left,
            provisional=calendar.relies_on_fallback(start, due),
        )

    @property
    def is_done(self):
        return self.state in (DeadlineState.MET, DeadlineState.MISSED)
