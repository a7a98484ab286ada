"""Requests for information as the workflow engine's second state machine."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import ModelLogEntry

from tests.utils import make_department
from wagtail_disclosure.models import DisclosureRequest, RequestState
from wagtail_disclosure.models.requests import ApplicantType
from wagtail_disclosure.permissions import Role, assign_role
from wagtail_disclosure.request_clock import EventKind, PauseReason
from wagtail_disclosure.workflow import TransitionError, available_transitions, take_transition
from wagtail_disclosure.workflow.engine import workflow_of

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

D = datetime.date.fromisoformat


@pytest.fixture
def people(django_user_model):
    jwc, cwc = make_department("JWC", "教务处"), make_department("CWC", "财务处")
    office = django_user_model.objects.create_user("office", password="pw")
    assign_role(office, Role.DISCLOSURE_OFFICE)  # held for every department
    handler = django_user_model.objects.create_user("handler", password="pw")
    assign_role(handler, Role.REQUEST_HANDLER, jwc)
    other = django_user_model.objects.create_user("other", password="pw")
    assign_role(other, Role.REQUEST_HANDLER, cwc)
    return {"jwc": jwc, "cwc": cwc, "office": office, "handler": handler, "other": other}


def new_case(**fields):
    values = {
        "applicant_type": ApplicantType.PERSON,
        "name": "张三",
        "description": "2025年本科招生章程的制定依据",
        "received_on": D("2026-02-13"),
    }
    values.update(fields)
    return DisclosureRequest.objects.create(**values)


def test_the_case_is_declared_on_the_engine():
    workflow = workflow_of(DisclosureRequest)
    assert workflow is DisclosureRequest.workflow
    assert {"accept", "route", "sign_for", "answer", "deliver"} <= set(workflow.steps)


def test_tracking_numbers_count_per_year():
    first, second = new_case(), new_case()
    later = new_case(received_on=D("2027-01-04"))
    assert first.tracking_number == "YSQ-2026-0001"
    assert second.tracking_number == "YSQ-2026-0002"
    assert later.tracking_number == "YSQ-2027-0001"
    assert len(first.lookup_code) == 8 and first.lookup_code != second.lookup_code


def test_a_case_from_receipt_to_close(people):
    office, handler = people["office"], people["handler"]
    case = new_case()
    assert available_transitions(case, handler) == []
    assert "accept" in available_transitions(case, office)
    case = take_transition(case, "accept", office)
    case = take_transition(case, "route", office, department=people["jwc"])
    assert case.state == RequestState.ROUTED and case.department == people["jwc"]
    # Only the department it was routed to signs for it.
    with pytest.raises(TransitionError) as refused:
        take_transition(case, "sign_for", people["other"])
    assert refused.value.code == "permission_denied"
    assert list(DisclosureRequest.objects.waiting_for(handler)) == [case]
    assert list(DisclosureRequest.objects.waiting_for(people["other"])) == []
    case = take_transition(case, "sign_for", handler)
    case = take_transition(case, "consult", handler, comment="涉及第三方个人信息")
    assert case.state == RequestState.CONSULTING
    case = take_transition(case, "end_consultation", handler)
    # The proposal needs the reason its outcome requires.
    with pytest.raises(TransitionError) as incomplete:
        take_transition(case, "propose_answer", handler, outcome="partial")
    assert incomplete.value.code == "invalid"
    case = take_transition(
        case, "propose_answer", handler, outcome="partial", reason="部分内容涉及个人隐私"
    )
    assert case.state == RequestState.PROPOSED
    case = take_transition(case, "answer", office)
    assert case.outcome == "partial" and case.answered_on is not None
    case = take_transition(case, "deliver", office, reference="EMS1234567890")
    case = take_transition(case, "close", office)
    assert case.state == RequestState.CLOSED
    kinds = [event.kind for event in case.clock_event_rows.all()]
    assert kinds == [EventKind.PAUSE, EventKind.RESUME]
    assert case.clock_event_rows.first().reason == PauseReason.CONSULTATION
    actions = list(
        ModelLogEntry.objects.filter(object_id=str(case.pk)).values_list("action", flat=True)
    )
    assert "wagtail_disclosure.request.answer" in actions and len(actions) == 9


def test_a_correction_pauses_and_restarts_the_clock(people):
    office = people["office"]
    case = new_case()
    with pytest.raises(TransitionError) as no_reason:
        take_transition(case, "request_correction", office)
    assert no_reason.value.code == "reason_required"
    case = take_transition(
        case, "request_correction", office, comment="请写明文件名称或文号", on=D("2026-02-25")
    )
    assert case.state == RequestState.CORRECTION
    assert case.clock().is_paused
    case = take_transition(case, "receive_correction", office, received_on=D("2026-03-04"))
    clock = case.clock()
    assert clock.start == D("2026-03-04") and clock.due_date == D("2026-03-25")


def test_department_staff_see_only_their_cases(people):
    routed = new_case()
    routed.department = people["jwc"]
    routed.save()
    at_the_office = new_case()
    visible = DisclosureRequest.objects.visible_to
    assert set(visible(people["office"])) == {routed, at_the_office}
    assert list(visible(people["handler"])) == [routed]
    assert list(visible(people["other"])) == []


def test_a_credit_code_is_checked():
    case = new_case(applicant_type=ApplicantType.ORGANISATION, organisation_name="某公司")
    case.credit_code = "12345"
    with pytest.raises(ValidationError, match="18"):
        case.full_clean(exclude=["state"])
    case.credit_code = "91110108MA01ABCD2X"
    case.full_clean(exclude=["state"])
