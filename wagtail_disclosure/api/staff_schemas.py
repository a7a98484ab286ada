"""Request and response schemas of the staff API (``api/staff.py``, docs/api-staff.md)."""

import datetime
from typing import Literal

from ninja import Field, Schema

from ..models import EntryReview
from ..models.review import IN_REVIEW, ReviewState
from .params import Integer

TRANSITIONS = [step.name for step in EntryReview.workflow.human_steps]

TransitionName = Literal[tuple(TRANSITIONS)]
StateName = Literal[tuple(ReviewState.values)]
QueueStateName = Literal[tuple(state.value for state in IN_REVIEW)]
QueueOrder = Literal["deadline", "-deadline", "waiting"]

#: Largest id (PostgreSQL ``integer``/``bigint`` ids never get there; SQLite would overflow).
MAX_ID = 2**31 - 1

#: Longest comment accepted (the audit log keeps it in full).
MAX_COMMENT_LENGTH = 10_000


class DepartmentOut(Schema):
    id: int
    name: str
    short_code: str


class RoleOut(Schema):
    role: str = Field(description="The role's permission codename, e.g. review_entries.")
    label: str


class DepartmentRolesOut(Schema):
    department: DepartmentOut
    roles: list[RoleOut]


class TokenInfoOut(Schema):
    name: str
    prefix: str
    created_at: datetime.datetime
    expires_at: datetime.datetime | None


class MeOut(Schema):
    username: str
    name: str
    is_superuser: bool
    roles_in_all_departments: list[RoleOut] = Field(
        description="Roles held for every department (group permissions, or superuser)."
    )
    departments: list[DepartmentRolesOut] = Field(
        description="Roles held for single departments, by department."
    )
    token: TokenInfoOut


class TransitionOut(Schema):
    name: str
    label: str
    needs_reason: bool


class CategoryOut(Schema):
    id: int
    key: str
    title: str


class ChecklistItemOut(Schema):
    id: int
    code: str
    title: str
    category: CategoryOut


class DeadlineOut(Schema):
    start: datetime.date = Field(description="The entry's 成文日期 (document date).")
    working_days: int
    due_date: datetime.date
    state: Literal["on_time", "due_soon", "overdue", "met", "missed"]
    working_days_left: int
    provisional: bool


class QueueEntryOut(Schema):
    id: int = Field(description="The entry's page id.")
    title: str
    state: StateName
    state_label: str
    department: DepartmentOut | None = Field(
        description="The department of the version in review (who decides)."
    )
    item: ChecklistItemOut
    sign_off_required: bool
    submitted_at: datetime.datetime | None
    state_changed_at: datetime.datetime | None
    document_date: datetime.date | None
    deadline: DeadlineOut | None = Field(
        description="Publication deadline, counted from the document date; null without one."
    )
    transitions: list[TransitionOut] = Field(
        description="What this user may do with the entry now."
    )
    admin_url: str


class QueueOut(Schema):
    count: int
    num_pages: int
    page: int
    page_size: int
    next: str | None
    previous: str | None
    results: list[QueueEntryOut]


class QueueFilters(Schema):
    department: Integer | None = Field(None, ge=1, le=MAX_ID, description="Department id.")
    state: QueueStateName | None = None
    category: Integer | None = Field(None, ge=1, le=MAX_ID, description="Checklist category id.")
    order: QueueOrder = Field(
        "deadline",
        description=(
            "`deadline`: soonest due first (the admin queue's default), entries without a "
            "document date last; `-deadline`: latest due first; `waiting`: longest in "
            "their state first. Ties: longest waiting first, then id."
        ),
    )
    page: Integer = Field(1, ge=1, le=100_000)
    page_size: Integer = Field(50, ge=1, le=100)


class RevisionOut(Schema):
    id: int
    created_at: datetime.datetime
    user: str | None
    is_latest: bool = Field(description="Whether it is still the entry's latest version.")


class LogEntryOut(Schema):
    id: int
    transition: str
    label: str
    user: str | None = Field(description="Username of who acted; null for the system.")
    timestamp: datetime.datetime
    from_state: str | None
    to_state: str | None
    comment: str
    revision_id: int | None
    withheld: bool


class DecisionOut(Schema):
    step: Literal["submitted", "approved", "cleared", "signed_off", "published"]
    user: str | None
    at: datetime.datetime | None


class EntryDetailOut(Schema):
    id: int
    title: str
    live: bool
    state: StateName
    state_label: str
    state_changed_at: datetime.datetime | None
    department: DepartmentOut | None
    item: ChecklistItemOut
    sign_off_required: bool
    revision: RevisionOut | None = Field(description="The version the decisions apply to.")
    latest_revision_id: int | None
    live_revision_id: int | None
    decisions: list[DecisionOut]
    last_comment: str
    withdrawal_reason: str
    withheld: bool
    deadline: DeadlineOut | None
    transitions: list[TransitionOut]
    history: list[LogEntryOut] = Field(description="The review log, oldest first.")
    admin_url: str


class TransitionIn(Schema):
    transition: TransitionName
    comment: str = Field("", max_length=MAX_COMMENT_LENGTH)
    withheld: bool = Field(False, description="Only for withdraw: unpublish the entry.")
    expected_state: StateName | None = Field(
        None,
        description=(
            "The state the decision was made on. If the entry has moved on since, nothing "
            "happens and the answer is 409."
        ),
    )
    expected_revision: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description=(
            "The revision the decision was made on (`revision.id` of the entry, or "
            "`latest_revision_id` while it is a draft). If another version is now the one "
            "under decision, nothing happens and the answer is 409 with code `stale`."
        ),
    )


class TransitionResultOut(Schema):
    id: int
    transition: str
    state: StateName
    state_label: str
    revision_id: int | None
    live: bool
    transitions: list[TransitionOut]
