"""Request and response schemas of the staff API for requests for information
(``api/staff_requests.py``, docs/requests_statistics.md)."""

import datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from ..models import DisclosureRequest
from ..models.requests import RequestState
from .params import Integer
from .staff_schemas import MAX_COMMENT_LENGTH, MAX_ID, DepartmentOut, TransitionOut

REQUEST_TRANSITIONS = [step.name for step in DisclosureRequest.workflow.human_steps]

RequestTransitionName = Literal[tuple(REQUEST_TRANSITIONS)]
RequestStateName = Literal[tuple(RequestState.values)]
ClockState = Literal["on_time", "due_soon", "overdue", "met", "missed"]


class ApplicantOut(Schema):
    """Who asked: only for the disclosure office and the department the case is routed to."""

    name: str
    id_type: str
    id_number: str
    work_unit: str
    organisation_name: str
    credit_code: str
    legal_representative: str
    contact_person: str
    address: str
    postcode: str
    phone: str
    email: str


class ClockOut(Schema):
    start: datetime.date = Field(description="Day 0: receipt, or the corrected request's arrival.")
    working_days: int = Field(description="Working days of the reply period, extensions included.")
    due_date: datetime.date | None = Field(description="Null while the clock is paused.")
    original_due_date: datetime.date | None
    counted: int
    paused_since: datetime.date | None
    pause_reason: str
    paused_days: int
    extensions: int
    state: ClockState | None = Field(
        description="Where the case stands against its due date; null while paused, and for "
        "withdrawn or lapsed cases."
    )
    working_days_left: int | None


class AssistanceOut(Schema):
    department: DepartmentOut
    contributed: bool


class RequestItemOut(Schema):
    id: int
    tracking_number: str
    state: RequestStateName
    state_label: str
    state_changed_at: datetime.datetime | None
    channel: str
    received_on: datetime.date
    applicant_type: str
    organisation_kind: str
    department: DepartmentOut | None = Field(description="The department it is routed to.")
    assisting: list[AssistanceOut] = Field(
        description="The assisting departments (协办) and whether each has given its part."
    )
    outcome: str
    answered_on: datetime.date | None
    clock: ClockOut | None
    applicant: ApplicantOut | None = Field(
        description="Null unless the user is the disclosure office or handles requests in "
        "the department the case is routed to."
    )
    transitions: list[TransitionOut] = Field(description="What this user may do with it now.")


class RequestListOut(Schema):
    count: int
    num_pages: int
    page: int
    page_size: int
    next: str | None
    previous: str | None
    results: list[RequestItemOut]


class RequestFilters(Schema):
    state: RequestStateName | None = None
    department: Integer | None = Field(None, ge=1, le=MAX_ID, description="Department id.")
    page: Integer = Field(1, ge=1, le=100_000)
    page_size: Integer = Field(50, ge=1, le=100)


class RequestLogOut(Schema):
    id: int
    transition: str
    label: str
    user: str | None
    timestamp: datetime.datetime
    from_state: str | None
    to_state: str | None
    comment: str


class RequestDetailOut(RequestItemOut):
    description: str
    purpose: str
    information_form: str
    delivery: str
    fee_waiver_requested: bool
    correction_items: str
    outcome_label: str
    outcome_reason: str
    outcome_link: str
    delivered_on: datetime.date | None
    delivery_reference: str | None = Field(
        description="Tracking number, e-mail address or who collected it; null like applicant."
    )
    last_comment: str
    history: list[RequestLogOut] = Field(description="The case's audit log, oldest first.")


class RequestTransitionIn(Schema):
    name: RequestTransitionName
    comment: str = Field("", max_length=MAX_COMMENT_LENGTH)
    expected_state: RequestStateName | None = Field(
        None,
        description="The state the decision was made on; if the case has moved on, nothing "
        "happens and the answer is 409.",
    )
    department_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="For route and transfer: the department to route the case to.",
    )
    assisting_department_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list,
        max_length=50,
        description="For route: the assisting departments (协办), if any.",
    )
    outcome: str = Field(
        "", max_length=48, description="For propose_answer and answer: the outcome code."
    )
    reason: str = Field("", max_length=MAX_COMMENT_LENGTH, description="The outcome's reason.")
    link: str = Field("", max_length=200, description="For already_public: where it is published.")
    reference: str = Field(
        "", max_length=100, description="For deliver: tracking number, e-mail address, …"
    )


class RequestTransitionResultOut(Schema):
    id: int
    transition: str
    state: RequestStateName
    state_label: str
    transitions: list[TransitionOut]


# -- statistics ---------------------------------------------------------------------------


class StatisticsFilters(Schema):
    period: Literal["academic", "calendar"] = Field(
        "academic", description="academic: 1 September to 31 August; calendar: the year."
    )
    year: Integer = Field(..., ge=1949, le=2100, description="The year the period starts in.")


class ColumnOut(Schema):
    key: str
    label: str


class Table3RowOut(Schema):
    key: str
    number: str
    label: str
    level: int
    subtotal: bool
    counts: dict[str, int]


class Table3Out(Schema):
    columns: list[ColumnOut]
    rows: list[Table3RowOut]
    failing_columns: list[str] = Field(
        description="Columns where 一 + 二 differs from 三(七) + 四; empty when it adds up."
    )


class Table4ColumnOut(Schema):
    kind: str
    label: str
    upheld: int
    corrected: int
    other: int
    pending: int
    total: int


class Table4Out(Schema):
    columns: list[Table4ColumnOut]
    complaints: dict[str, int]


class FiguresOut(Schema):
    received: int
    received_by_applicant: dict[str, int]
    carried_over: int
    finished: int
    answered: int
    answered_by_outcome: dict[str, int]
    withdrawn: int
    lapsed: int
    carried_forward: int
    extended: int
    overdue: int
    overdue_answered: int
    overdue_open: int
    fees_charged: str = Field(description="Yuan, as a decimal string.")
    fees_paid: int
    fees_waived: int
    fee_waivers_refused: int
    complaints: int
    reconsiderations: int
    lawsuits: int


class StatisticsOut(Schema):
    period: str
    year: int
    start: datetime.date
    end: datetime.date
    table3: Table3Out
    table4: Table4Out
    figures: FiguresOut


class LetterOut(Schema):
    """A letter issued on the case, as issued (its text does not change afterwards)."""

    id: int
    kind: str = Field(description="receipt, correction, extension, consultation, fee or answer")
    kind_label: str
    number: str = Field(description="The letter number, e.g. 校公开复〔2026〕1号")
    issued_on: datetime.date
    subject: str
    body: str = Field(description="The text, one paragraph per line")
    docx: str = Field(description="Path of the letter as .docx (same token)")
