"""Statistics of requests for information: the 2021 tables 3 and 4 and the 29号 prose
figures, from a fixture with counts worked out by hand (request_statistics.py)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.utils import build_once, fresh
from wagtail_disclosure.models import DisclosureRequest, RequestAppeal, RequestExtension, RequestFee
from wagtail_disclosure.models.requests import (
    AppealKind,
    AppealResult,
    ApplicantType,
    ExtensionState,
    OrganisationKind,
    RequestState,
    WaiverDecision,
)
from wagtail_disclosure.request_clock import EventKind, PauseReason
from wagtail_disclosure.request_statistics import (
    COLUMN_KEYS,
    academic_year,
    calendar_year,
    check_table3,
    report_figures,
    table3,
    table4,
)

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

D = datetime.date.fromisoformat
AY2025 = academic_year(2025)  # 2025-09-01 .. 2026-08-31
AY2024 = academic_year(2024)


def at(day):
    """Noon of ``day`` in the site's time zone (a state change on that day)."""
    return timezone.make_aware(datetime.datetime.combine(D(day), datetime.time(12)))


def case(received, state=RequestState.RECEIVED, kind=None, answered=None, outcome="", changed=None):
    """A case built directly (statistics fixtures only: the state is set by a queryset
    update, as no transition could date it in the past)."""
    fields = {"applicant_type": ApplicantType.PERSON, "name": "张三"}
    if kind is not None:
        fields = {
            "applicant_type": ApplicantType.ORGANISATION,
            "organisation_name": "某单位",
            "organisation_kind": kind,
        }
    row = DisclosureRequest.objects.create(
        description="某信息",
        received_on=D(received),
        outcome=outcome,
        answered_on=D(answered) if answered else None,
        **fields,
    )
    DisclosureRequest.objects.filter(pk=row.pk).update(
        state=state, state_changed_at=at(changed or answered or received)
    )
    row.refresh_from_db()
    return row


def build_world():
    c = {}
    # Received in the academic year 2024, answered in September 2025: spans two years.
    c["A"] = case("2025-08-20", RequestState.CLOSED, answered="2025-09-10", outcome="disclosed")
    # Received in August 2025 and still open: carried over, then carried forward.
    c["B"] = case("2025-08-28", RequestState.IN_HAND)
    # Received and answered before the academic year 2025: not in it at all.
    c["C"] = case("2024-06-01", RequestState.CLOSED, answered="2025-07-01", outcome="disclosed")
    # Answered late without its extension (due 2025-10-29), in time with it.
    c["D"] = case(
        "2025-10-09",
        RequestState.DELIVERED,
        OrganisationKind.BUSINESS,
        answered="2025-11-10",
        outcome="partial",
    )
    c["E"] = case(
        "2025-11-03",
        RequestState.ANSWERED,
        OrganisationKind.RESEARCH,
        answered="2025-11-04",
        outcome="withheld_state_secret",
    )
    c["F"] = case(
        "2026-03-02", RequestState.WITHDRAWN, OrganisationKind.PUBLIC_INTEREST, changed="2026-03-05"
    )
    c["G"] = case(
        "2026-04-01",
        RequestState.LAPSED,
        OrganisationKind.LEGAL_SERVICE,
        changed="2026-05-10",
        outcome="other_uncorrected",
    )
    # An organisation without a kind counts as 其他; already published counts as 予以公开.
    c["H"] = case(
        "2026-05-06", RequestState.CLOSED, "", answered="2026-05-08", outcome="already_public"
    )
    # Received in August 2026, answered in September 2026: carried forward.
    c["I"] = case("2026-08-25", RequestState.ANSWERED, answered="2026-09-03", outcome="disclosed")
    c["J"] = case("2026-09-02")  # after the academic year 2025
    c["K"] = case(
        "2026-01-05", RequestState.CLOSED, answered="2026-01-06", outcome="unavailable_not_held"
    )
    # Due 2025-12-22 (2026-01-14 with its extension), answered 2026-02-02: late.
    c["L"] = case(
        "2025-12-01", RequestState.CLOSED, answered="2026-02-02", outcome="not_handled_duplicate"
    )
    # Open at the end of the year, due in June 2026: overdue.
    c["M"] = case("2026-06-01", RequestState.ROUTED)
    # Open at the end but paused for a correction: no due date, not overdue.
    c["N"] = case("2026-07-01", RequestState.CORRECTION)
    c["N"].add_clock_event(EventKind.PAUSE, D("2026-07-03"), PauseReason.CORRECTION)
    c["D"].add_clock_event(EventKind.EXTEND, D("2025-10-15"), days=15)
    c["L"].add_clock_event(EventKind.EXTEND, D("2025-12-15"), days=15)

    RequestExtension.objects.create(
        request=c["D"],
        days=15,
        reason="需检索档案",
        state=ExtensionState.APPROVED,
        decided_on=D("2025-10-15"),
    )
    RequestExtension.objects.create(
        request=c["L"],
        days=15,
        reason="需检索档案",
        state=ExtensionState.APPROVED,
        requested_at=at("2025-12-15"),
    )
    RequestExtension.objects.create(
        request=c["C"],
        days=15,
        reason="旧",
        state=ExtensionState.APPROVED,
        decided_on=D("2025-06-01"),
    )
    RequestExtension.objects.create(
        request=c["E"], days=15, reason="未批", requested_at=at("2025-11-03")
    )

    RequestFee.objects.create(request=c["D"], amount=Decimal("100"), paid_on=D("2025-10-18"))
    RequestFee.objects.create(request=c["H"], amount=Decimal("50"), paid_on=D("2026-05-07"))
    RequestFee.objects.create(request=c["I"], amount=Decimal("200"), paid_on=D("2026-09-02"))
    RequestFee.objects.create(request=c["E"], waiver_decision=WaiverDecision.GRANTED)
    RequestFee.objects.create(request=c["C"], waiver_decision=WaiverDecision.GRANTED)
    RequestFee.objects.create(request=c["K"], waiver_decision=WaiverDecision.REFUSED)

    appeal = RequestAppeal.objects.create
    appeal(
        kind=AppealKind.RECONSIDERATION,
        request=c["E"],
        filed_on=D("2025-11-01"),
        result=AppealResult.UPHELD,
        decided_on=D("2026-01-10"),
    )
    # Decided after the end of the year: still 尚未审结 in it.
    appeal(
        kind=AppealKind.RECONSIDERATION,
        filed_on=D("2026-03-01"),
        result=AppealResult.CORRECTED,
        decided_on=D("2026-09-15"),
    )
    appeal(kind=AppealKind.RECONSIDERATION, filed_on=D("2025-05-01"), result=AppealResult.UPHELD)
    appeal(kind=AppealKind.LAWSUIT, filed_on=D("2026-02-01"))
    appeal(
        kind=AppealKind.LAWSUIT_AFTER,
        filed_on=D("2026-04-01"),
        result=AppealResult.OTHER,
        decided_on=D("2026-06-01"),
    )
    appeal(kind=AppealKind.COMPLAINT, filed_on=D("2025-12-01"), result=AppealResult.UPHELD)
    appeal(kind=AppealKind.COMPLAINT, filed_on=D("2026-09-01"))
    return c


@pytest.fixture(scope="module")
def _world_once(request, django_db_setup, django_db_blocker):
    yield from build_once(request, django_db_blocker, build_world)


@pytest.fixture
def world(_world_once, db):
    return fresh(_world_once)


def counts(person=0, business=0, research=0, public_interest=0, legal_service=0, other=0):
    values = {
        "person": person,
        "business": business,
        "research": research,
        "public_interest": public_interest,
        "legal_service": legal_service,
        "other": other,
    }
    return {**values, "total": sum(values.values())}


def test_periods():
    assert academic_year(2025) == (D("2025-09-01"), D("2026-08-31"))
    assert calendar_year(2026) == (D("2026-01-01"), D("2026-12-31"))


def test_the_fixture_is_what_the_counts_assume(world):
    assert DisclosureRequest.objects.count() == 14
    assert world["A"].state == RequestState.CLOSED and world["A"].answered_on == D("2025-09-10")
    assert world["F"].state == RequestState.WITHDRAWN
    assert world["N"].clock().is_paused
    # D: late without its extension, in time with it.
    assert world["D"].clock().original_due_date == D("2025-10-29")
    assert world["D"].clock().due_date > world["D"].answered_on
    assert world["L"].clock().due_date < world["L"].answered_on


def test_table3_of_the_academic_year_2025(world):
    table = table3(*AY2025)
    # 一: D, E, F, G, H and the persons I, K, L, M, N.
    assert table["new"] == counts(5, 1, 1, 1, 1, 1)
    # 二: A (answered in September 2025) and B (open), both received in August 2025.
    assert table["carried_over"] == counts(person=2)
    assert table["disclosed"] == counts(person=1, other=1)  # A; H (already published)
    assert table["partial"] == counts(business=1)
    assert table["withheld_state_secret"] == counts(research=1)
    assert table["withheld"] == counts(research=1)  # the group's subtotal
    assert table["unavailable_not_held"] == counts(person=1)
    assert table["not_handled_duplicate"] == counts(person=1)
    assert table["other_uncorrected"] == counts(legal_service=1)  # G lapsed
    assert table["other_other"] == counts(public_interest=1)  # F withdrawn
    assert table["other_unpaid"] == counts()
    assert table["results_total"] == counts(3, 1, 1, 1, 1, 1)
    # 四: B, I (answered after the end), M, N.
    assert table["carried_forward"] == counts(person=4)
    assert check_table3(table) == []
    leaves = [row for row in table.rows if row.level == 2]
    assert len(leaves) == 8 + 3 + 5 + 3
    assert [row.key for row in table.rows][:3] == ["new", "carried_over", "results"]
    assert table.rows[-1].key == "carried_forward"


def test_table3_of_the_academic_year_2024_spans_into_2025(world):
    table = table3(*AY2024)
    assert table["new"] == counts(person=2)  # A, B
    assert table["carried_over"] == counts(person=1)  # C
    assert table["results_total"] == counts(person=1)  # C
    assert table["carried_forward"] == counts(person=2)  # A, B
    assert check_table3(table) == []


def test_the_check_reports_the_columns_that_do_not_add_up(world):
    table = table3(*AY2025)
    table["new"]["business"] += 1
    assert check_table3(table) == ["business"]
    # Wrong data: answered before it was received (and before the year).
    case(
        "2026-01-10",
        RequestState.CLOSED,
        OrganisationKind.RESEARCH,
        answered="2025-08-01",
        outcome="disclosed",
    )
    assert check_table3(table3(*AY2025)) == ["research", "total"]


def test_table4_counts_appeals_filed_in_the_period(world):
    table = table4(*AY2025)
    assert table.counts[AppealKind.RECONSIDERATION] == {
        "upheld": 1,
        "corrected": 0,
        "other": 0,
        "pending": 1,
        "total": 2,
    }
    assert table.counts[AppealKind.LAWSUIT] == {
        "upheld": 0,
        "corrected": 0,
        "other": 0,
        "pending": 1,
        "total": 1,
    }
    assert table.counts[AppealKind.LAWSUIT_AFTER]["other"] == 1
    assert table.counts[AppealKind.LAWSUIT_AFTER]["total"] == 1
    assert table.counts[AppealKind.COMPLAINT]["total"] == 1
    assert [column["kind"] for column in table.as_dict()["columns"]] == [
        "reconsideration",
        "lawsuit",
        "lawsuit_after",
    ]


def test_the_figures_of_a_29_report(world):
    figures = report_figures(*AY2025)
    assert figures["received"] == 10
    assert figures["received_by_applicant"] == {"person": 5, "organisation": 5}
    assert figures["carried_over"] == 2
    assert figures["finished"] == 8
    assert figures["answered"] == 6  # A, D, E, H, K, L
    assert figures["answered_by_outcome"] == {
        "disclosed": 1,
        "partial": 1,
        "withheld": 1,
        "unavailable": 1,
        "not_handled": 1,
        "other": 0,
        "already_public": 1,
    }
    assert (figures["withdrawn"], figures["lapsed"]) == (1, 1)
    assert figures["carried_forward"] == 4
    assert figures["extended"] == 2  # D (decided), L (approved, dated by its request)
    # L answered late; B and M open past their due dates at the end; N paused; D extended.
    assert (figures["overdue_answered"], figures["overdue_open"], figures["overdue"]) == (1, 2, 3)
    assert figures["fees_charged"] == Decimal("150.00")  # D and H; I paid after the end
    assert figures["fees_paid"] == 2
    assert figures["fees_waived"] == 1  # E; C's waiver was in an earlier year
    assert figures["fee_waivers_refused"] == 1
    assert (figures["complaints"], figures["reconsiderations"], figures["lawsuits"]) == (1, 2, 2)
    assert figures["table3_check_failing_columns"] == []


def _queries(n):
    DisclosureRequest.objects.all().delete()
    for i in range(n):
        row = case(
            "2026-01-05",
            RequestState.CLOSED,
            OrganisationKind.values[i % 5] if i % 2 else None,
            answered="2026-01-08",
            outcome="disclosed",
        )
        case("2026-03-02", RequestState.IN_HAND).add_clock_event(
            EventKind.EXTEND, D("2026-03-05"), days=5
        )
        RequestFee.objects.create(request=row, amount=Decimal("10"), paid_on=D("2026-01-06"))
        RequestExtension.objects.create(
            request=row,
            days=5,
            reason="x",
            state=ExtensionState.APPROVED,
            decided_on=D("2026-01-06"),
        )
    with CaptureQueriesContext(connection) as queries:
        figures = report_figures(*AY2025)
        table3(*AY2025)
    assert figures["received"] == 2 * n and figures["fees_paid"] == n
    assert figures["overdue_open"] == n
    return len(queries)


def test_a_fixed_number_of_queries():
    assert _queries(3) == _queries(15)


def test_every_column_is_there():
    assert COLUMN_KEYS == [
        "person",
        "business",
        "research",
        "public_interest",
        "legal_service",
        "other",
        "total",
    ]
