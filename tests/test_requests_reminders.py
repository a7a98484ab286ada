"""The daily digest of requests for information due soon or overdue."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry

from tests.utils import make_department
from wagtail_disclosure.models import DisclosureRequest, RequestState
from wagtail_disclosure.models.requests import ApplicantType
from wagtail_disclosure.permissions import Role, assign_role
from wagtail_disclosure.request_clock import EventKind, PauseReason
from wagtail_disclosure.request_reminders import (
    CORRECTION_ENDED,
    digests,
    due_cases,
    lapse_uncorrected,
)
from wagtail_disclosure.working_days import DeadlineState

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat
# Received Fri 13 Feb 2026: due Thu 12 Mar 2026 (tests/test_request_clock.py). On Mon 9 Mar
# 3 working days are left (10, 11, 12 Mar): due soon. Received Mon 2 Feb 2026: day 1 is
# 3 Feb, ..., day 9 is Fri 13 Feb, day 10 Sat 14 Feb (make-up), then 24 Feb = 11, 25 = 12,
# 26 = 13, 27 = 14, Sat 28 Feb = 15: due 28 Feb, so overdue on 9 Mar by 6 working days
# (2, 3, 4, 5, 6, 9 Mar).
TODAY = D("2026-03-09")


def case(state, received, department=None, **fields):
    row = DisclosureRequest.objects.create(
        applicant_type=ApplicantType.PERSON,
        name="王五",
        description="学生资助资金的分配办法",
        received_on=D(received),
        department=department,
        **fields,
    )
    DisclosureRequest.objects.filter(pk=row.pk).update(state=state)
    row.refresh_from_db()
    return row


@pytest.fixture
def world(django_user_model):
    jwc, cwc = make_department("JWC", "教务处"), make_department("CWC", "财务处")
    office = django_user_model.objects.create_user("office", email="office@example.cn")
    assign_role(office, Role.DISCLOSURE_OFFICE)
    handler = django_user_model.objects.create_user("handler", email="jwc@example.cn")
    assign_role(handler, Role.REQUEST_HANDLER, jwc)
    other = django_user_model.objects.create_user("other", email="cwc@example.cn")
    assign_role(other, Role.REQUEST_HANDLER, cwc)
    due_soon = case(RequestState.IN_HAND, "2026-02-13", jwc)
    overdue = case(RequestState.ROUTED, "2026-02-02", jwc)
    at_office = case(RequestState.ACCEPTED, "2026-02-02")
    paused = case(RequestState.CONSULTING, "2026-02-02", cwc)
    paused.add_clock_event(EventKind.PAUSE, D("2026-02-05"), PauseReason.CONSULTATION)
    # Waiting for a correction asked on Thu 5 Feb: its 15 working days end on Wed 4 Mar
    # (6 Feb = 1, ..., Sat 14 Feb (make-up) = 7, 24 Feb = 8, ..., Sat 28 Feb = 12,
    # 2 Mar = 13, 3 Mar = 14, 4 Mar = 15); on 9 Mar it is 3 working days past (5, 6, 9 Mar).
    correction = case(RequestState.CORRECTION, "2026-02-02")
    correction.add_clock_event(EventKind.PAUSE, D("2026-02-05"), PauseReason.CORRECTION)
    case(RequestState.CLOSED, "2026-02-02", cwc, answered_on=D("2026-02-20"))
    case(RequestState.IN_HAND, "2026-03-06", cwc)  # on time: due 27 Mar
    return locals()


def test_due_cases_are_the_open_ones_due_soon_or_overdue(world):
    rows = {row.case: row for row in due_cases(TODAY)}
    assert set(rows) == {
        world["due_soon"],
        world["overdue"],
        world["at_office"],
        world["correction"],
    }
    assert rows[world["correction"]].state == CORRECTION_ENDED
    assert rows[world["correction"]].period_end == D("2026-03-04")
    assert rows[world["correction"]].days == 3
    assert rows[world["due_soon"]].state == DeadlineState.DUE_SOON
    assert rows[world["due_soon"]].days == 3
    assert rows[world["overdue"]].state == DeadlineState.OVERDUE
    assert rows[world["overdue"]].working_days_left == -6


def test_each_person_gets_the_cases_waiting_for_them_and_the_office_the_overdue(world):
    by_user = {user.username: [row.case for row in rows] for user, rows in digests(TODAY).items()}
    # 教务处's handler decides both of its cases; 财务处's case is paused: nobody.
    assert set(by_user["handler"]) == {world["due_soon"], world["overdue"]}
    assert "other" not in by_user
    # The office: the case waiting for it, and every overdue case (督办).
    assert set(by_user["office"]) == {world["at_office"], world["overdue"], world["correction"]}


def test_the_command_sends_one_digest_per_person(world, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    out = StringIO()
    call_command("disclosure_request_reminders", "--date", "2026-03-09", stdout=out)
    assert "2 person(s) reminded." in out.getvalue()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "jwc@example.cn",
        "office@example.cn",
    ]
    to_handler = next(m for m in mail.outbox if m.to == ["jwc@example.cn"])
    assert world["due_soon"].tracking_number in to_handler.body
    assert world["overdue"].tracking_number in to_handler.body
    assert "6" in to_handler.body and "工作日" in to_handler.body
    assert "依申请公开" in to_handler.subject or "信息公开申请" in to_handler.subject
    to_office = next(m for m in mail.outbox if m.to == ["office@example.cn"])
    assert world["correction"].tracking_number in to_office.body
    assert "2026-03-04" in to_office.body
    # The uncorrected request was closed by the run (视为放弃), and the office is told.
    assert "视为放弃" in to_office.body or "放弃" in to_office.body


def test_the_daily_run_closes_an_uncorrected_request_once(world):
    call_command("disclosure_request_reminders", "--date", "2026-03-09", stdout=StringIO())
    lapsed = DisclosureRequest.objects.get(pk=world["correction"].pk)
    assert lapsed.state == RequestState.LAPSED and lapsed.outcome == "other_uncorrected"
    assert "15" in lapsed.outcome_reason and "2026-03-04" in lapsed.outcome_reason
    entry = ModelLogEntry.objects.for_instance(lapsed).get(action__endswith=".lapse")
    assert entry.user is None and entry.data["comment"] == lapsed.outcome_reason
    # Nothing else changed state; a second run closes nothing more.
    others = DisclosureRequest.objects.exclude(pk=lapsed.pk)
    states = dict(others.values_list("pk", "state"))
    assert lapse_uncorrected(D("2026-03-10")) == []
    assert dict(others.values_list("pk", "state")) == states
    assert ModelLogEntry.objects.for_instance(lapsed).filter(action__endswith=".lapse").count() == 1


def test_with_lapsing_off_the_office_is_reminded_instead(world, settings):
    settings.WAGTAIL_DISCLOSURE_REQUEST_RULES = {"lapse_uncorrected": False}
    call_command("disclosure_request_reminders", "--date", "2026-03-09", stdout=StringIO())
    assert DisclosureRequest.objects.get(pk=world["correction"].pk).state == RequestState.CORRECTION
    to_office = next(m for m in mail.outbox if m.to == ["office@example.cn"])
    assert world["correction"].tracking_number in to_office.body


def test_dry_run_and_bad_dates(world):
    out = StringIO()
    call_command("disclosure_request_reminders", "--date", "2026-03-09", "--dry-run", stdout=out)
    assert "would remind" in out.getvalue() and mail.outbox == []
    assert DisclosureRequest.objects.get(pk=world["correction"].pk).state == "correction"
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("disclosure_request_reminders", "--date", "9 March")
