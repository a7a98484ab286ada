"""Fees for requests (国办函〔2020〕109号): the bands, the notice, the pause, waivers."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import translation
from wagtail.models import ModelLogEntry

from tests.utils import make_department
from wagtail_disclosure.models import DisclosureRequest, RequestFee
from wagtail_disclosure.models.requests import (
    ApplicantType,
    FeeMode,
    LetterKind,
    WaiverDecision,
)
from wagtail_disclosure.permissions import Role, assign_role
from wagtail_disclosure.request_clock import EventKind, PauseReason, compute_clock
from wagtail_disclosure.request_fees import (
    case_fee,
    compute_fee,
    count_month_requests,
    decide_waiver,
    fee_totals,
    record_payment,
    send_fee_notice,
)

pytestmark = [pytest.mark.django_db]

D = datetime.date.fromisoformat
PER_PAGE_FEES = {"mode": "per_page"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(django_user_model):
    jwc = make_department("JWC", "教务处")
    office = django_user_model.objects.create_user("office", password="pw")
    assign_role(office, Role.DISCLOSURE_OFFICE)
    handler = django_user_model.objects.create_user("handler", password="pw")
    assign_role(handler, Role.REQUEST_HANDLER, jwc)
    return {"jwc": jwc, "office": office, "handler": handler}


def new_case(**fields):
    values = {
        "applicant_type": ApplicantType.PERSON,
        "name": "张三",
        "id_number": "110101199003071234",
        "description": "2025年本科招生章程的制定依据",
        "received_on": D("2026-03-02"),
    }
    values.update(fields)
    return DisclosureRequest.objects.create(**values)


@pytest.mark.parametrize(
    ("mode", "quantity", "amount"),
    [
        ("per_request", 10, 0),
        ("per_request", 12, 200),  # 11th and 12th: 2 × 100
        ("per_request", 30, 2000),  # 11..30: 20 × 100
        ("per_request", 35, 3000),  # 20 × 100 + 31..35: 5 × 200
        ("per_request", 45, 5500),  # 20 × 100 + 10 × 200 + 41..45: 5 × 300
        ("per_page", 30, 0),
        ("per_page", 31, 10),
        ("per_page", 150, 1700),  # 31..100: 70 × 10 + 101..150: 50 × 20
        ("per_page", 250, 4700),  # 700 + 101..200: 100 × 20 + 201..250: 50 × 40
        ("", 500, 0),
    ],
)
def test_the_bands_are_progressive(mode, quantity, amount):
    assert compute_fee(mode, quantity) == Decimal(amount)


def test_one_case_pays_the_rate_of_its_place_in_the_month():
    assert case_fee("per_request", 10) == 0
    assert case_fee("per_request", 12) == 100
    assert case_fee("per_request", 31) == 200
    assert case_fee("per_page", 150) == 1700


def test_configured_bands():
    bands = [(20, 0), (None, 5)]
    assert compute_fee("per_page", 50, bands) == 150  # 21..50: 30 × 5
    ladder = [(5, 0), {"every": 5, "increase": 50}]
    assert compute_fee("per_request", 12, ladder) == 5 * 50 + 2 * 100


def test_requests_are_counted_per_applicant_and_natural_month():
    first = new_case(received_on=D("2026-02-27"))  # another month
    march = [new_case(received_on=D("2026-03-02")) for _ in range(3)]
    new_case(id_number="110101199003079999")  # another applicant
    same_day = new_case(received_on=D("2026-03-31"))
    new_case(received_on=D("2026-04-01"))
    assert count_month_requests(first) == 1
    assert [count_month_requests(case) for case in march] == [1, 2, 3]
    assert count_month_requests(same_day) == 4
    # Without a document number: the name and the phone.
    by_phone = [
        new_case(id_number="", name="李四", phone="13800000000", received_on=D("2026-05-06"))
        for _ in range(2)
    ]
    new_case(id_number="", name="李四", phone="13900000000", received_on=D("2026-05-07"))
    assert count_month_requests(by_phone[1]) == 2
    organisation = [
        new_case(
            applicant_type=ApplicantType.ORGANISATION,
            name="",
            id_number="",
            organisation_name="某公司",
            credit_code="91110108MA01ABCD2X",
        )
        for _ in range(2)
    ]
    assert count_month_requests(organisation[1]) == 2


def test_fees_are_off_by_default(people):
    case = new_case()
    with pytest.raises(ValidationError):
        send_fee_notice(case, people["office"], "per_page", 150)
    assert not RequestFee.objects.exists()


@override_settings(WAGTAIL_DISCLOSURE_REQUEST_FEES=PER_PAGE_FEES)
def test_only_the_office_handles_fees(people):
    case = new_case()
    case.department = people["jwc"]
    case.save()
    for action in (
        lambda user: send_fee_notice(case, user, "per_page", 150),
        lambda user: record_payment(case, user, D("2026-03-12")),
        lambda user: decide_waiver(case, user, True, "困难"),
    ):
        with pytest.raises(PermissionDenied):
            action(people["handler"])
    assert not RequestFee.objects.exists()
    assert not case.clock_event_rows.exists()


@override_settings(WAGTAIL_DISCLOSURE_REQUEST_FEES=PER_PAGE_FEES)
def test_the_fee_notice_pauses_the_clock_until_payment(people):
    office = people["office"]
    case = new_case()  # Monday 2 March 2026
    # Without the fee: day 1 is Tue 3 Mar; 15 working days (3–6, 9–13, 16–20, 23 Mar)
    # end on Monday 23 March.
    assert case.clock().due_date == D("2026-03-23")
    fee, letter = send_fee_notice(case, office, "per_page", 150, on=D("2026-03-05"))
    assert fee.amount == Decimal("1700.00") and fee.notice_sent_on == D("2026-03-05")
    assert letter.kind == LetterKind.FEE and "1700.00" in letter.body
    assert "150" in letter.body and letter.number.startswith("校公开费〔2026〕")
    paused = compute_clock(case.received_on, case.clock_events())
    assert paused.is_paused and paused.pause_reason == PauseReason.FEE
    assert paused.due_date is None and paused.counted == 3  # 3, 4 and 5 March
    record_payment(case, office, D("2026-03-12"))
    fee.refresh_from_db()
    assert fee.paid_on == D("2026-03-12")
    kinds = [(row.kind, row.reason) for row in case.clock_event_rows.all()]
    assert kinds == [(EventKind.PAUSE, PauseReason.FEE), (EventKind.RESUME, "")]
    # Paused: Fri 6, Mon 9 – Thu 12 March (5 working days; the payment day is not
    # counted). 12 days were left: 13, 16–20, 23–27, 30 March.
    clock = compute_clock(case.received_on, case.clock_events())
    assert clock.paused_days == 5
    assert clock.due_date == D("2026-03-30")
    # Each step is on the case's timeline (the audit log).
    logs = ModelLogEntry.objects.for_instance(case).order_by("pk")
    assert [(str(log.message), log.user) for log in logs] == [
        ("Letter issued", office),
        ("Fee notice sent", office),
        ("Fee paid", office),
    ]
    assert letter.number in logs[0].data["comment"]


@override_settings(WAGTAIL_DISCLOSURE_REQUEST_FEES={"mode": "per_request"})
def test_per_request_fee_from_the_month_count(people):
    office = people["office"]
    cases = [new_case() for _ in range(12)]
    fee, letter = send_fee_notice(cases[-1], office)
    assert (fee.mode, fee.quantity, fee.amount) == (FeeMode.PER_REQUEST, 12, Decimal("100.00"))
    assert "number 12" in letter.body
    with pytest.raises(ValidationError):  # the 10th request is free
        send_fee_notice(cases[9], office)


@override_settings(
    WAGTAIL_DISCLOSURE_REQUEST_FEES=PER_PAGE_FEES,
    WAGTAIL_DISCLOSURE_REQUEST_RULES={"pause_for_fees": False},
)
def test_the_clock_runs_when_the_rules_do_not_pause_for_fees(people):
    case = new_case()
    send_fee_notice(case, people["office"], "per_page", 40, on=D("2026-03-05"))
    assert not case.clock_event_rows.exists()
    assert case.clock().due_date == D("2026-03-23")


@override_settings(WAGTAIL_DISCLOSURE_REQUEST_FEES=PER_PAGE_FEES)
def test_waivers_are_decided_and_counted(people):
    office = people["office"]
    waived, paid, refused = new_case(), new_case(), new_case()
    send_fee_notice(waived, office, "per_page", 150, on=D("2026-03-05"))
    decide_waiver(waived, office, True, "低保家庭", on=D("2026-03-09"))
    clock = waived.clock()
    assert not clock.is_paused
    assert clock.paused_days == 2  # Fri 6 and Mon 9 March
    send_fee_notice(paid, office, "per_page", 250, on=D("2026-03-05"))
    record_payment(paid, office, D("2026-03-06"))
    send_fee_notice(refused, office, "per_page", 31, on=D("2026-03-05"))
    decide_waiver(refused, office, False, "不符合条件")
    assert refused.clock().is_paused  # a refused waiver keeps waiting for the payment
    assert RequestFee.objects.get(request=waived).waiver_decision == WaiverDecision.GRANTED
    assert fee_totals() == {
        "charged_count": 1,
        "charged_amount": Decimal("4700.00"),
        "waived_count": 1,
        "waived_amount": Decimal("1700.00"),
        "waiver_refused_count": 1,
    }
