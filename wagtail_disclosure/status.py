"""Where an entry stands, and why it came back: what the edit page, the history and "My
entries" show, computed from the review workflow's declarations (``EntryReview.workflow``).

Nothing here decides anything: it reads the review row, the audit log the engine writes
(``PageLogEntry`` with the workflow's action prefix) and the working-day calendar.
"""

import dataclasses
import datetime

from django.db.models import CharField, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision

from .models import EntryReview
from .models.review import IN_REVIEW, ReviewState
from .permissions import Role
from .workflow.queue import attach_deadlines
from .working_days import WorkingDayCalendar, shift

#: The "send back" transition of the entry review.
SEND_BACK = "reject"


def _workflow():
    return EntryReview.workflow


def role_label(role):
    return Role(role).label if role in Role.values else role


def review_record_url(page_id):
    """The review record of an entry, when that view is installed."""
    try:
        return reverse("wagtail_disclosure:review_record", args=[page_id])
    except NoReverseMatch:
        return None


def exact_time(value):
    """``YYYY-MM-DD HH:MM`` in the current time zone."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M")


@dataclasses.dataclass
class Decision:
    """One transition, read from the audit log."""

    action: str
    label: str
    user: object
    timestamp: datetime.datetime
    comment: str

    @property
    def is_send_back(self):
        return self.action == _workflow().log_prefix + SEND_BACK

    @property
    def exact_time(self):
        return exact_time(self.timestamp)


@dataclasses.dataclass
class DeadlineCount:
    """How a deadline was counted: start, period, due date, and the days the calendar
    treated otherwise than Monday–Friday (holidays skipped, make-up working days)."""

    start: datetime.date
    working_days: int
    due_date: datetime.date
    holidays: list
    make_up_days: list


def count_details(deadline):
    """The :class:`DeadlineCount` of a ``DeadlineStatus`` (one calendar query)."""
    if deadline is None:
        return None
    calendar = WorkingDayCalendar(deadline.start, deadline.due_date)
    holidays, make_up_days = [], []
    day = shift(deadline.start, 1)
    while day <= deadline.due_date:
        working = calendar.is_working_day(day)
        if day.weekday() < 5 and not working:
            holidays.append(day)
        elif day.weekday() >= 5 and working:
            make_up_days.append(day)
        day = shift(day, 1)
    return DeadlineCount(
        start=deadline.start,
        working_days=deadline.working_days,
        due_date=deadline.due_date,
        holidays=holidays,
        make_up_days=make_up_days,
    )


def last_decision(page_id):
    """The latest transition of an entry's review, from its audit log, or ``None``."""
    workflow = _workflow()
    entry = (
        PageLogEntry.objects.filter(page_id=page_id, action__startswith=workflow.log_prefix)
        .select_related("user")
        .order_by("-timestamp", "-pk")
        .first()
    )
    if entry is None:
        return None
    name = entry.action[len(workflow.log_prefix) :]
    step = workflow.steps.get(name)
    return Decision(
        action=entry.action,
        label=step.log_message if step else entry.action,
        user=entry.user,
        timestamp=entry.timestamp,
        comment=(entry.data or {}).get("comment", ""),
    )


@dataclasses.dataclass
class EntryStatus:
    """What the edit page shows about an entry's review."""

    review: object
    state: str
    state_label: str
    responsible_role: str | None
    department: object
    sign_off_required: bool
    deadline: object
    count: DeadlineCount | None
    last_decision: Decision | None
    record_url: str | None

    @property
    def in_review(self):
        return self.state in IN_REVIEW

    @property
    def responsible_role_label(self):
        return role_label(self.responsible_role) if self.responsible_role else ""

    @property
    def sent_back(self):
        """A draft whose latest decision was a send-back: the reason is to be read."""
        return (
            self.state == ReviewState.DRAFT
            and self.last_decision is not None
            and self.last_decision.is_send_back
        )

    @property
    def send_back_reason(self):
        return self.last_decision.comment if self.sent_back else ""


def entry_status(page):
    """The :class:`EntryStatus` of an entry page (saved), or ``None`` for a new one."""
    if page is None or page.pk is None:
        return None
    workflow = _workflow()
    review = (
        EntryReview.objects.filter(page_id=page.pk)
        .select_related("department", "page", "page__department", "page__checklist_item")
        .first()
    )
    if review is None:
        review = EntryReview(page_id=page.pk, state=ReviewState.DRAFT)
        deadline = None
    else:
        deadline = None
        if review.state not in (ReviewState.PUBLISHED, ReviewState.WITHDRAWN):
            deadline = attach_deadlines(workflow, [review])[0].deadline
    department = review.department or getattr(review.page, "department", None)
    return EntryStatus(
        review=review,
        state=review.state,
        state_label=workflow.state_label(review.state),
        responsible_role=workflow.responsible_role(review),
        department=department,
        sign_off_required=review.requires_sign_off,
        deadline=deadline,
        count=count_details(deadline),
        last_decision=last_decision(page.pk),
        record_url=review_record_url(page.pk),
    )


# ---------------------------------------------------------------------------
# My entries
# ---------------------------------------------------------------------------


@dataclasses.dataclass
class MyEntries:
    sent_back: list
    in_review: list
    drafts: list

    @property
    def total(self):
        return len(self.sent_back) + len(self.in_review) + len(self.drafts)


def my_reviews(user):
    """The open reviews (draft or in review) of the entries ``user`` drafted (author of a
    revision) or submitted, with the latest logged action; one query."""
    workflow = _workflow()
    authored = Revision.page_revisions.filter(
        object_id=Cast(OuterRef("page_id"), output_field=CharField()), user=user
    )
    last_log = PageLogEntry.objects.filter(
        page_id=OuterRef("page_id"), action__startswith=workflow.log_prefix
    ).order_by("-timestamp", "-pk")
    return (
        EntryReview.objects.filter(Q(submitted_by=user) | Q(Exists(authored)))
        .filter(state__in=[ReviewState.DRAFT, *IN_REVIEW])
        .select_related("department", "page", "page__department", "page__checklist_item__category")
        .defer("page__body")
        .annotate(last_action=Subquery(last_log.values("action")[:1]))
        .order_by("-state_changed_at", "-pk")
    )


def is_sent_back(review):
    return review.state == ReviewState.DRAFT and review.last_action == (
        _workflow().log_prefix + SEND_BACK
    )


def decorate(reviews):
    """Set ``responsible_role_label``, ``acting_department_name``, ``send_back_reason``
    and ``deadline`` on each review (no query per row; one for the calendar)."""
    workflow = _workflow()
    reviews = attach_deadlines(workflow, reviews)
    for review in reviews:
        role = workflow.responsible_role(review)
        review.responsible_role_label = role_label(role) if role else ""
        department = review.acting_department
        review.acting_department_name = department.name if department else ""
        review.send_back_reason = review.last_comment if is_sent_back(review) else ""
    return reviews


def my_entries(user, reviews=None):
    """The user's open entries, grouped: sent back to them, in review, drafts."""
    reviews = decorate(my_reviews(user) if reviews is None else reviews)
    groups = MyEntries(sent_back=[], in_review=[], drafts=[])
    for review in reviews:
        if review.state in IN_REVIEW:
            groups.in_review.append(review)
        elif is_sent_back(review):
            groups.sent_back.append(review)
        else:
            groups.drafts.append(review)
    return groups


def side_panel_state(page):
    """What the status side panel adds beside Wagtail's "Draft"/"Live": the review state
    and who acts next (one query)."""
    workflow = _workflow()
    review = (
        EntryReview.objects.filter(page_id=page.pk)
        .select_related("department", "page__department")
        .defer("page__body")
        .first()
    )
    state = review.state if review else ReviewState.DRAFT
    role = workflow.responsible_role(review) if review else None
    department = review.acting_department if review else None
    return {
        "state": state,
        "state_label": workflow.state_label(state),
        "role_label": role_label(role) if role else "",
        "department_name": department.name if department else "",
    }
