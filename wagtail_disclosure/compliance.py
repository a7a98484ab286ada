"""The compliance dashboard: where each checklist item, review and request stands today.

For one disclosure section (a ``DisclosureIndexPage``) and one person:

* :func:`item_rows`: every item of the section's checklist (school items included) with
  its responsible department and whether it has current published content under its
  update rule (:class:`ComplianceStatus`);
* :func:`review_clock`: the entries in review past their working-day clock (the review
  workflow's own :class:`~wagtail_disclosure.workflow.engine.Deadline`: 成文日期 plus the
  item's ``update_within_working_days``), and the reviews pending per department and step;
* :func:`request_rows`: the requests for information due soon or overdue
  (``request_clock.clock_state``, as the request panel and the reminders count them);
* :func:`timeliness_by_month`: releases of the last twelve months, on time or late;
* :func:`coverage_by_category`: items current out of the applicable items, per category.

"Published" is the package's one definition (``publicly_visible()``, through the
catalogue's ``public_entries``): drafts, restricted and withheld entries never count.

The disclosure office (any role held for every department) sees every row; a person
with roles in some departments sees the rows of those departments only
(``permissions.department_filter``). Every function costs a fixed number of queries,
however many entries there are.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import CatalogueItem, ItemStatus, public_entries
from .conf import get_setting
from .models import (
    ChecklistCategory,
    ChecklistItem,
    Department,
    DisclosureIndexPage,
    DisclosureRequest,
    EntryReview,
    UpdateRule,
)
from .models.requests import OPEN_STATES
from .models.review import IN_REVIEW, ReviewState
from .permissions import department_filter, get_roles
from .request_clock import clock_state
from .working_days import DeadlineState, DeadlineStatus, WorkingDayCalendar, shift


class ComplianceStatus:
    CURRENT = "current"
    STALE = "stale"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"

    labels = {
        CURRENT: _("Current"),
        STALE: _("Out of date"),
        MISSING: _("Missing"),
        NOT_APPLICABLE: ItemStatus.labels[ItemStatus.NOT_APPLICABLE],
    }


# -- who sees what ----------------------------------------------------------------------


def can_view(user):
    """Whether ``user`` may see the dashboard: anyone holding a role (superusers do)."""
    return bool(get_roles(user))


def visible_departments(user):
    """The ids of the departments whose rows ``user`` sees, or ``None`` for all of them
    (as ``permissions.department_filter`` decides: a role held everywhere sees all)."""
    held = get_roles(user)
    if any(departments is None for departments in held.values()):
        return None
    return set().union(*held.values()) if held else set()


def default_section():
    """The section the dashboard reports on when none is chosen: the first one."""
    return DisclosureIndexPage.objects.order_by("path").first()


# -- the update rules -------------------------------------------------------------------


def admission_cycle(today):
    """``(start, end)`` of the admission cycle ``today`` falls in.

    A cycle starts on the 1st of ``WAGTAIL_DISCLOSURE_ADMISSION_CYCLE_START_MONTH``
    (September by default, as the academic year: the 招生章程 and 招生计划 of the
    following summer are published within it) and lasts a year.
    """
    month = get_setting("ADMISSION_CYCLE_START_MONTH")
    year = today.year if (today.month, today.day) >= (month, 1) else today.year - 1
    start = datetime.date(year, month, 1)
    return start, datetime.date(year + 1, month, 1) - datetime.timedelta(days=1)


def a_year_before(day):
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def yearly_due_year(item, today):
    """For a yearly item with an ``update_month``: the latest year whose entry is due
    (the current year once that month is over, else the year before)."""
    return today.year if today.month > item.update_month else today.year - 1


def item_status(item, latest, today):
    """``(ComplianceStatus, note)`` of ``item`` whose latest public entry is dated
    ``latest`` (``None``: it has none).

    * not applicable (``not_applicable_reason``): not applicable, with the reason;
    * on change / as needed: current when anything is published, else missing;
    * yearly: missing without any entry; stale when the latest entry is older than a
      year or, with an ``update_month``, when that month is over and the year's entry is
      not out (none dated this year), else current;
    * admission cycle: current with an entry in the current cycle (:func:`admission_cycle`),
      else missing.
    """
    if not item.is_applicable:
        return ComplianceStatus.NOT_APPLICABLE, item.not_applicable_reason
    if latest is None:
        return ComplianceStatus.MISSING, ""
    if item.update_rule == UpdateRule.YEARLY:
        if item.update_month:
            due_year = yearly_due_year(item, today)
            if latest.year < due_year:
                return ComplianceStatus.STALE, _("The entry of %(year)d is not published.") % {
                    "year": due_year
                }
            return ComplianceStatus.CURRENT, ""
        if latest <= a_year_before(today):
            return ComplianceStatus.STALE, _("The latest entry is more than a year old.")
        return ComplianceStatus.CURRENT, ""
    if item.update_rule == UpdateRule.ADMISSION_CYCLE:
        start, _end = admission_cycle(today)
        if latest < start:
            return ComplianceStatus.MISSING, _("Nothing published since %(date)s.") % {
                "date": start.isoformat()
            }
    return ComplianceStatus.CURRENT, ""


# -- the items --------------------------------------------------------------------------


@dataclasses.dataclass
class ItemRow:
    item: ChecklistItem
    department: Department | None
    status: str
    note: str = ""
    entry_count: int = 0
    latest: datetime.date | None = None

    @property
    def category(self):
        return self.item.category

    @property
    def category_title(self):
        return self.item.category.title

    @property
    def code(self):
        return self.item.code

    @property
    def title(self):
        return self.item.title

    @property
    def department_name(self):
        return self.department.name if self.department else ""

    @property
    def status_label(self):
        return ComplianceStatus.labels[self.status]

    @property
    def rule_label(self):
        """The update rule in words, with its number of working days or month, as the
        catalogue says it."""
        return CatalogueItem(item=self.item).update_rule_text


def _annotate_entries(items, entries):
    """``items`` with, from the public ``entries`` of each: their number and the date,
    time and department of the latest one (the catalogue's order: 发布日期, then first
    publication). In the items' query, as subqueries: one query whatever the entries."""
    per_item = entries.filter(checklist_item_id=OuterRef("pk")).order_by()
    latest = per_item.order_by(
        F("publication_date").desc(nulls_last=True),
        F("first_published_at").desc(nulls_last=True),
        F("pk").desc(),
    )
    number = per_item.values("checklist_item_id").annotate(number=Count("pk")).values("number")
    return items.annotate(
        public_entries=Coalesce(Subquery(number[:1]), 0),
        latest_date=Subquery(latest.values("publication_date")[:1]),
        latest_published_at=Subquery(latest.values("last_published_at")[:1]),
        latest_department_id=Subquery(latest.values("department_id")[:1]),
        latest_department_name=Subquery(latest.values("department__name")[:1]),
    )


def item_rows(section, user=None, today=None, entries=None):
    """An :class:`ItemRow` per item of ``section``'s checklist, in checklist order; only
    the rows of ``user``'s departments unless ``user`` sees all. ``entries``: the
    section's public entries (``catalogue.public_entries``, one query to build). One
    query more."""
    today = today or timezone.localdate()
    if entries is None:
        entries = public_entries(section)
    items = _annotate_entries(
        ChecklistItem.objects.filter(category__checklist_id=section.checklist_id)
        .select_related("category", "default_department")
        .order_by("category__number", "number", "code"),
        entries,
    )
    visible = visible_departments(user) if user is not None else None
    rows = []
    for item in items:
        date = item.latest_date
        if date is None and item.latest_published_at is not None:
            date = timezone.localdate(item.latest_published_at)
        # The item's responsible department, else that of its latest entry.
        department = item.default_department
        if department is None and item.latest_department_id is not None:
            department = Department(pk=item.latest_department_id, name=item.latest_department_name)
        if visible is not None and (department is None or department.pk not in visible):
            continue
        status, note = item_status(item, date, today)
        rows.append(
            ItemRow(
                item=item,
                department=department,
                status=status,
                note=note,
                entry_count=item.public_entries,
                latest=date,
            )
        )
    return rows


@dataclasses.dataclass
class CategoryCoverage:
    category: ChecklistCategory
    current: int = 0
    applicable: int = 0

    @property
    def title(self):
        return self.category.title

    @property
    def percent(self):
        return round(100 * self.current / self.applicable) if self.applicable else None


def coverage_by_category(rows):
    """A :class:`CategoryCoverage` per category with rows, in checklist order: items
    current out of the applicable ones (not applicable items count in neither)."""
    by_category = {}
    for row in rows:
        coverage = by_category.setdefault(row.category.pk, CategoryCoverage(row.category))
        if row.status == ComplianceStatus.NOT_APPLICABLE:
            continue
        coverage.applicable += 1
        coverage.current += row.status == ComplianceStatus.CURRENT
    return sorted(by_category.values(), key=lambda coverage: coverage.category.number)


# -- reviews past their clock -----------------------------------------------------------


def reviews_in_progress(section, user=None):
    """The reviews under way in ``section``: a version in review (``IN_REVIEW``), or sent
    back to draft after it was submitted. Annotated with ``dashboard_department_id``,
    the department deciding (that of the version in review, else the entry's)."""
    reviews = (
        EntryReview.objects.filter(
            Q(state__in=IN_REVIEW) | Q(state=ReviewState.DRAFT, submitted_at__isnull=False),
            page__path__startswith=section.path,
        )
        .annotate(dashboard_department_id=Coalesce("department_id", "page__department_id"))
        .order_by()
    )
    if user is not None:
        reviews = reviews.filter(department_filter(user, field="dashboard_department_id"))
    return reviews


@dataclasses.dataclass
class PendingReviews:
    """Reviews pending in one department and step (state), by deadline."""

    department_name: str
    state: str
    total: int = 0
    overdue: int = 0
    due_soon: int = 0

    @property
    def state_label(self):
        return ReviewState(self.state).label


@dataclasses.dataclass
class ReviewClock:
    #: The reviews past their deadline (a queryset, oldest 成文日期 first).
    overdue: object
    #: {DeadlineState: number of reviews}
    counts: Counter
    #: A :class:`PendingReviews` per department and step.
    pending: list

    @property
    def total(self):
        return sum(self.counts.values())


def _preload(calendar, starts, today, longest=62):
    """Load the calendar's overrides for every period from ``starts`` at once (one query
    at most), not year by year as the periods are computed."""
    starts = [start for start in starts if start is not None]
    if starts:
        calendar.load(min(starts), shift(max(max(starts), today), longest))


def review_clock(section, user=None, today=None, calendar=None):
    """The reviews under way, counted per department, step and deadline state, and those
    past their deadline (a queryset, not yet read). One query, and the calendar's."""
    today = today or timezone.localdate()
    calendar = calendar or WorkingDayCalendar()
    spec = EntryReview.workflow.deadline
    reviews = reviews_in_progress(section, user)
    groups = list(
        reviews.values_list(
            "dashboard_department_id",
            Coalesce("department__name", "page__department__name"),
            "state",
            spec.start,
            spec.working_days,
        )
        .annotate(number=Count("pk"))
        .order_by()
    )
    _preload(calendar, [row[3] for row in groups], today)
    counts = Counter()
    pending = {}
    cutoffs = {}  # working days: the latest start date already overdue
    statuses = {}
    for department_id, name, state, start, days, number in groups:
        row = pending.setdefault(
            (department_id, state), PendingReviews(department_name=name or "", state=state)
        )
        row.total += number
        if start is None or days is None:
            continue
        if (start, days) not in statuses:
            statuses[start, days] = DeadlineStatus.compute(
                start, days, today=today, calendar=calendar
            )
        deadline_state = statuses[start, days].state
        counts[deadline_state] += number
        if deadline_state == DeadlineState.OVERDUE:
            row.overdue += number
            cutoffs[days] = max(cutoffs.get(days, start), start)
        elif deadline_state == DeadlineState.DUE_SOON:
            row.due_soon += number
    order = {state: index for index, state in enumerate(ReviewState.values)}
    rows = sorted(pending.values(), key=lambda row: (row.department_name, order.get(row.state, 99)))
    # The due date grows with the start date: for each period, every review started on
    # or before the latest overdue start is overdue too.
    condition = Q()
    for days, start in cutoffs.items():
        condition |= Q(**{spec.working_days: days, f"{spec.start}__lte": start})
    overdue = (
        reviews.filter(condition).for_listing().order_by(spec.start, "pk")
        if cutoffs
        else reviews.none()
    )
    return ReviewClock(overdue=overdue, counts=counts, pending=rows)


@dataclasses.dataclass
class OverdueRow:
    review: EntryReview
    deadline: DeadlineStatus

    @property
    def title(self):
        return self.review.page.title

    @property
    def page_id(self):
        return self.review.page_id

    @property
    def department_name(self):
        department = self.review.department or self.review.page.department
        return department.name if department else ""

    @property
    def item(self):
        return str(self.review.page.checklist_item)

    @property
    def state_label(self):
        return self.review.get_state_display()

    @property
    def document_date(self):
        return self.review.page.document_date

    @property
    def due_date(self):
        return self.deadline.due_date

    @property
    def days_late(self):
        return -self.deadline.working_days_left


def overdue_rows(reviews, today=None, calendar=None):
    """:class:`OverdueRow` of each review in ``reviews`` (rows of ``ReviewClock.overdue``)."""
    today = today or timezone.localdate()
    calendar = calendar or WorkingDayCalendar()
    reviews = list(reviews)
    _preload(calendar, [review.page.document_date for review in reviews], today)
    statuses = {}
    rows = []
    for review in reviews:
        key = (review.page.document_date, review.page.checklist_item.update_within_working_days)
        if key not in statuses:
            statuses[key] = DeadlineStatus.compute(*key, today=today, calendar=calendar)
        rows.append(OverdueRow(review, statuses[key]))
    return rows


# -- requests ---------------------------------------------------------------------------


@dataclasses.dataclass
class RequestRow:
    case: object
    state: str
    working_days_left: int

    @property
    def tracking_number(self):
        return self.case.tracking_number

    @property
    def received_on(self):
        return self.case.received_on

    @property
    def department_name(self):
        return self.case.department.name if self.case.department_id else ""

    @property
    def case_state_label(self):
        return self.case.get_state_display()

    @property
    def state_label(self):
        return DeadlineState(self.state).label

    @property
    def days(self):
        return abs(self.working_days_left)


def request_rows(user=None, today=None, calendar=None):
    """The open requests due soon or overdue, most urgent first, counted as the request
    panel and the reminders count them (``request_clock.clock_state``: a paused clock is
    neither); only those routed to ``user``'s departments unless ``user`` sees all. Two
    queries (the cases, their clock events), and the calendar's."""
    today = today or timezone.localdate()
    calendar = calendar or WorkingDayCalendar()
    cases = (
        DisclosureRequest.objects.filter(state__in=OPEN_STATES, received_on__lte=today)
        .select_related("department")
        .prefetch_related("clock_event_rows")
    )
    visible = visible_departments(user) if user is not None else None
    if visible is not None:
        cases = cases.filter(department_id__in=visible)
    cases = list(cases)
    _preload(calendar, [case.received_on for case in cases], today, longest=120)
    rows = []
    for case in cases:
        state, left = clock_state(case.clock(calendar=calendar), today=today, calendar=calendar)
        if state in (DeadlineState.OVERDUE, DeadlineState.DUE_SOON):
            rows.append(RequestRow(case, state, left))
    rows.sort(key=lambda row: (row.working_days_left, row.case.pk))
    return rows


# -- timeliness -------------------------------------------------------------------------


@dataclasses.dataclass
class MonthTimeliness:
    month: datetime.date  # its first day
    on_time: int = 0
    late: int = 0

    @property
    def total(self):
        return self.on_time + self.late

    @property
    def label(self):
        return f"{self.month.year}-{self.month.month:02d}"


def months_back(today, count):
    """The first days of the ``count`` months up to ``today``'s, oldest first."""
    year, month = today.year, today.month
    months = []
    for _index in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def timeliness_by_month(section, user=None, today=None, calendar=None, months=12, entries=None):
    """Releases of the last ``months`` months (by 发布日期), each on time or late: on time
    when published within the item's ``update_within_working_days`` working days of its
    成文日期 (20 by default: 教办函〔2014〕23号). The releases are the section's
    public entries (``entries``, by default ``catalogue.public_entries``: a withdrawn entry
    leaves the chart as it leaves the catalogue). One query, and the calendar's."""
    today = today or timezone.localdate()
    calendar = calendar or WorkingDayCalendar()
    buckets = [MonthTimeliness(month) for month in months_back(today, months)]
    by_month = {(bucket.month.year, bucket.month.month): bucket for bucket in buckets}
    if entries is None:
        entries = public_entries(section)
    if user is not None:
        entries = entries.filter(department_filter(user))
    groups = list(
        entries.filter(publication_date__gte=buckets[0].month, publication_date__lte=today)
        .order_by()
        .values_list(
            "document_date", "publication_date", "checklist_item__update_within_working_days"
        )
        .annotate(number=Count("pk"))
    )
    _preload(calendar, [row[0] for row in groups], today)
    dues = {}
    for made, published, days, number in groups:
        bucket = by_month.get((published.year, published.month))
        if bucket is None:
            continue
        if (made, days) not in dues:
            dues[made, days] = calendar.add_working_days(made, days)
        if published <= dues[made, days]:
            bucket.on_time += number
        else:
            bucket.late += number
    return buckets


# -- everything at once -----------------------------------------------------------------


@dataclasses.dataclass
class ComplianceReport:
    section: DisclosureIndexPage
    today: datetime.date
    calendar: WorkingDayCalendar
    items: list
    coverage: list
    reviews: ReviewClock
    requests: list
    timeliness: list = dataclasses.field(default_factory=list)

    def count(self, status):
        return sum(1 for row in self.items if row.status == status)

    @property
    def current(self):
        return self.count(ComplianceStatus.CURRENT)

    @property
    def stale(self):
        return self.count(ComplianceStatus.STALE)

    @property
    def missing(self):
        return self.count(ComplianceStatus.MISSING)

    @property
    def not_applicable(self):
        return self.count(ComplianceStatus.NOT_APPLICABLE)

    @property
    def applicable(self):
        return len(self.items) - self.not_applicable

    @property
    def reviews_overdue(self):
        return self.reviews.counts[DeadlineState.OVERDUE]

    @property
    def reviews_due_soon(self):
        return self.reviews.counts[DeadlineState.DUE_SOON]

    @property
    def requests_overdue(self):
        return sum(1 for row in self.requests if row.state == DeadlineState.OVERDUE)

    @property
    def requests_due_soon(self):
        return sum(1 for row in self.requests if row.state == DeadlineState.DUE_SOON)


def compliance_report(section, user=None, today=None, timeliness=True):
    """The whole dashboard of ``section`` as ``user`` may see it (every row for
    ``user=None``)."""
    today = today or timezone.localdate()
    # One calendar for every deadline, loaded at once for a year either side of today.
    calendar = WorkingDayCalendar(shift(today, -366), shift(today, 366))
    entries = public_entries(section)
    items = item_rows(section, user, today, entries=entries)
    return ComplianceReport(
        section=section,
        today=today,
        calendar=calendar,
        items=items,
        coverage=coverage_by_category(items),
        reviews=review_clock(section, user, today, calendar),
        requests=request_rows(user, today, calendar),
        timeliness=(
            timeliness_by_month(section, user, today, calendar, entries=entries)
            if timeliness
            else []
        ),
    )
