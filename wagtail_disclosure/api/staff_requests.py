"""Staff endpoints for requests for information (依申请公开): list and read the cases a
user may see, take their transitions, and the statistics of a period.

Token authentication, the error bodies and the no-store caching are those of the review
endpoints (``api/staff.py``). What a person sees is
``DisclosureRequest.objects.visible_to(user)``: the disclosure office sees every case,
department staff the cases routed to their department; any other case is answered 404,
so outsiders learn nothing about it. The applicant's identity is shown only to the office
and to the staff of the department the case is routed to. Transitions go through
``workflow.services.take_transition``, the only path that moves a case's state.
"""

from typing import Annotated

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from wagtail.models import ModelLogEntry

from .. import request_statistics
from ..models import Department, DisclosureRequest, RequestLetter
from ..permissions import Role, holds_role_everywhere
from ..request_clock import clock_state
from ..request_outcomes import outcomes
from ..workflow.engine import step_label
from ..workflow.services import TransitionError, take_transition
from ..working_days import WorkingDayCalendar
from .auth import staff_auth
from .errors import ApiError, page_or_404
from .staff import (
    TRANSITION_ERROR_STATUS,
    department_out,
    listing_out,
    private_no_store,
    responses,
    transition_api_error,
)
from .staff_request_schemas import (
    LetterOut,
    RequestDetailOut,
    RequestFilters,
    RequestListOut,
    RequestTransitionIn,
    RequestTransitionResultOut,
    StatisticsFilters,
    StatisticsOut,
)
from .staff_schemas import MAX_ID

router = Router(tags=["staff: requests"], auth=staff_auth)
router.add_decorator(private_no_store, mode="view")

RequestId = Annotated[int, Path(ge=1, le=MAX_ID, description="The case's id.")]

WORKFLOW = DisclosureRequest.workflow

#: ``take_transition``'s error codes, plus ``invalid`` (a missing department or outcome).
ERROR_STATUS = {**TRANSITION_ERROR_STATUS, "invalid": 400}

IDENTITY_FIELDS = [
    "name",
    "id_type",
    "id_number",
    "work_unit",
    "organisation_name",
    "credit_code",
    "legal_representative",
    "contact_person",
    "address",
    "postcode",
    "phone",
    "email",
]

_ANSWERED = request_statistics.ANSWERED_STATES
_ENDED = request_statistics.ENDED_STATES


def may_see_identity(user, case):
    """The office, and the staff handling requests in the department handling the case
    (not other departments, not an assisting one, not a case still at the office)."""
    return case.shows_identity_to(user)


def transitions_out(case, user):
    return [
        {
            "name": name,
            "label": str(step_label(WORKFLOW, name)),
            "needs_reason": WORKFLOW.steps[name].needs_reason,
        }
        for name in WORKFLOW.available(case, user)
    ]


def clock_out(case, calendar):
    if case.state in _ENDED:
        return None
    clock = case.clock(calendar=calendar)
    done_on = case.answered_on if case.state in _ANSWERED else None
    state, left = clock_state(clock, done_on=done_on, calendar=calendar)
    return {
        "start": clock.start,
        "working_days": clock.working_days,
        "due_date": clock.due_date,
        "original_due_date": clock.original_due_date,
        "counted": clock.counted,
        "paused_since": clock.paused_since,
        "pause_reason": clock.pause_reason,
        "paused_days": clock.paused_days,
        "extensions": clock.extensions,
        "state": state.value if state is not None else None,
        "working_days_left": left,
    }


def item_out(case, user, calendar):
    identity = may_see_identity(user, case)
    return {
        "id": case.pk,
        "tracking_number": case.tracking_number,
        "state": case.state,
        "state_label": str(case.get_state_display()),
        "state_changed_at": case.state_changed_at,
        "channel": case.channel,
        "received_on": case.received_on,
        "applicant_type": case.applicant_type,
        "organisation_kind": case.organisation_kind,
        "department": department_out(case.department),
        "assisting": [
            {"department": department_out(row.department), "contributed": bool(row.contributed_at)}
            for row in case.assistance.all()
        ],
        "outcome": case.outcome,
        "answered_on": case.answered_on,
        "clock": clock_out(case, calendar),
        "applicant": {field: getattr(case, field) for field in IDENTITY_FIELDS}
        if identity
        else None,
        "transitions": transitions_out(case, user),
    }


def cases_for(user):
    return (
        DisclosureRequest.objects.visible_to(user)
        .select_related("department")
        .prefetch_related("clock_event_rows", "assistance__department")
    )


def load_case(user, request_id):
    """The case if ``user`` may see it, else 404 (whether it exists or not)."""
    return get_object_or_404(cases_for(user), pk=request_id)


def history_out(case):
    rows = []
    prefix = WORKFLOW.log_prefix
    entries = (
        ModelLogEntry.objects.for_instance(case)
        .filter(action__startswith=prefix)
        .select_related("user")
        .order_by("timestamp", "pk")
    )
    for entry in entries:
        data = entry.data or {}
        name = data.get("transition") or entry.action.removeprefix(prefix)
        rows.append(
            {
                "id": entry.pk,
                "transition": name,
                "label": str(step_label(WORKFLOW, name)),
                "user": entry.user.get_username() if entry.user is not None else None,
                "timestamp": entry.timestamp,
                "from_state": data.get("from"),
                "to_state": data.get("to"),
                "comment": data.get("comment") or "",
            }
        )
    return rows


# -- endpoints ----------------------------------------------------------------------------


@router.get(
    "/requests",
    response=responses(RequestListOut, 404),
    summary="Requests for information this user may see (newest received first)",
)
def request_list(request, filters: Query[RequestFilters]):
    user = request.user
    cases = cases_for(user)
    if filters.state is not None:
        cases = cases.filter(state=filters.state)
    if filters.department is not None:
        cases = cases.filter(department_id=filters.department)
    page_obj, paginator = page_or_404(cases, filters.page, filters.page_size)
    calendar = WorkingDayCalendar()
    results = [item_out(case, user, calendar) for case in page_obj.object_list]
    return listing_out(request, filters, paginator, page_obj, results)


@router.get(
    "/requests/statistics",
    response=responses(StatisticsOut, 403),
    summary="Statistics of a year: the 2021 tables 3 and 4 and the 29号 report's figures",
)
def request_statistics_view(request, filters: Query[StatisticsFilters]):
    if not holds_role_everywhere(request.user, Role.DISCLOSURE_OFFICE):
        raise ApiError(
            403,
            "permission_denied",
            _("Only the disclosure office may read the statistics of requests."),
        )
    start, end = request_statistics.period(filters.period, filters.year)
    figures = request_statistics.report_figures(start, end)
    figures["fees_charged"] = str(figures["fees_charged"])
    return {
        "period": filters.period,
        "year": filters.year,
        "start": start,
        "end": end,
        "table3": request_statistics.table3(start, end).as_dict(),
        "table4": request_statistics.table4(start, end).as_dict(),
        "figures": figures,
    }


@router.get(
    "/requests/{request_id}",
    response=responses(RequestDetailOut, 404),
    summary="A request for information: the case, its clock, what this user may do, history",
)
def request_detail(request, request_id: RequestId):
    user = request.user
    case = load_case(user, request_id)
    outcome = outcomes().get(case.outcome)
    identity = may_see_identity(user, case)
    return {
        **item_out(case, user, WorkingDayCalendar()),
        "description": case.description,
        "purpose": case.purpose,
        "information_form": case.information_form,
        "delivery": case.delivery,
        "fee_waiver_requested": case.fee_waiver_requested,
        "correction_items": case.correction_items,
        "outcome_label": str(outcome.label) if outcome else "",
        "outcome_reason": case.outcome_reason,
        "outcome_link": case.outcome_link,
        "delivered_on": case.delivered_on,
        "delivery_reference": case.delivery_reference if identity else None,
        "last_comment": case.last_comment,
        "history": history_out(case),
    }


@router.post(
    "/requests/{request_id}/transitions",
    response=responses(RequestTransitionResultOut, 403, 404, 409),
    summary="Take a transition of a request (accept, route, sign_for, answer, deliver, …)",
)
def request_transition(request, request_id: RequestId, body: RequestTransitionIn):
    user = request.user
    case = load_case(user, request_id)
    options = {}
    if body.department_id is not None:
        department = Department.objects.filter(pk=body.department_id).first()
        if department is None:
            message = _("There is no department with this id.")
            raise ApiError(
                400, "invalid", message, [{"field": "department_id", "message": message}]
            )
        options["department"] = department
    if body.assisting_department_ids:
        wanted = set(body.assisting_department_ids)
        assisting = list(Department.objects.filter(pk__in=wanted))
        if len(assisting) != len(wanted):
            message = _("There is no department with this id.")
            raise ApiError(
                400, "invalid", message, [{"field": "assisting_department_ids", "message": message}]
            )
        options["assisting"] = assisting
    for field in ("outcome", "reason", "link", "reference"):
        if getattr(body, field):
            options[field] = getattr(body, field)
    try:
        case = take_transition(
            case,
            body.name,
            user,
            comment=body.comment,
            expected_state=body.expected_state,
            **options,
        )
    except TransitionError as error:
        raise transition_api_error(error, ERROR_STATUS) from error
    return {
        "id": case.pk,
        "transition": body.name,
        "state": case.state,
        "state_label": str(case.get_state_display()),
        "transitions": transitions_out(case, user),
    }


LetterId = Annotated[int, Path(ge=1, le=MAX_ID, description="The letter's id.")]
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get(
    "/requests/{request_id}/letters",
    response=responses(list[LetterOut], 404),
    summary="The letters issued on a case, with their text as issued",
)
def request_letters(request, request_id: RequestId):
    case = load_case(request.user, request_id)
    if not may_see_identity(request.user, case):  # letters name the applicant
        return []
    return [
        {
            "id": letter.pk,
            "kind": letter.kind,
            "kind_label": str(letter.get_kind_display()),
            "number": letter.number,
            "issued_on": letter.issued_on,
            "subject": letter.subject,
            "body": letter.body,
            "docx": f"{request.path.rstrip('/')}/{letter.pk}/docx",
        }
        for letter in case.letters.all()
    ]


@router.get(
    "/requests/{request_id}/letters/{letter_id}/docx",
    response={code: schema for code, schema in responses(LetterOut, 404).items() if code != 200},
    summary="A letter of a case as .docx",
    openapi_extra={
        "responses": {
            200: {
                "description": "The letter as a Word document",
                "content": {DOCX_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def request_letter_docx(request, request_id: RequestId, letter_id: LetterId):
    from ..request_letters import render_docx

    case = load_case(request.user, request_id)
    if not may_see_identity(request.user, case):
        raise Http404
    letter = get_object_or_404(RequestLetter, pk=letter_id, request=case)
    response = HttpResponse(render_docx(letter), content_type=DOCX_TYPE)
    filename = f"{case.tracking_number}-{letter.kind}-{letter.pk}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
