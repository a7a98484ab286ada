"""The reply clock of requests for information: due dates worked out by hand.

Calendars used (State Council notices; chinesecalendar has them, checked first below):

* 2025 National Day and Mid-Autumn: 1–8 October off; Sunday 28 September and Saturday
  11 October are make-up working days (调休上班).
* 2026 Spring Festival: Sunday 15 to Monday 23 February off; Saturday 14 February and
  Saturday 28 February are make-up working days.

Convention: the day of receipt (or of the corrected request) is day 0; day 1 is the first
working day after it. A pause day itself still counts; the working days after it do not,
up to and including the day the clock resumes.
"""

import datetime

import pytest

from wagtail_disclosure.request_clock import (
    PRESETS,
    ClockEvent,
    ClockRules,
    DayStatus,
    EventKind,
    PauseReason,
    clock_state,
    compute_clock,
    rules,
)
from wagtail_disclosure.working_days import DeadlineState, is_working_day

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat
MOE29 = PRESETS["moe29"]


def test_the_calendars_the_cases_rely_on():
    for day, working in [
        ("2025-09-28", True),  # Sunday, make-up
        ("2025-09-30", True),
        ("2025-10-01", False),
        ("2025-10-08", False),
        ("2025-10-09", True),
        ("2025-10-11", True),  # Saturday, make-up
        ("2026-02-13", True),
        ("2026-02-14", True),  # Saturday, make-up
        ("2026-02-15", False),
        ("2026-02-23", False),  # Monday, holiday
        ("2026-02-24", True),
        ("2026-02-28", True),  # Saturday, make-up
        ("2026-03-01", False),
    ]:
        assert is_working_day(D(day)) is working, day


def test_friday_before_the_spring_festival():
    # Received Fri 13 Feb 2026 (day 0). Sat 14 Feb is a make-up working day: day 1.
    # 15-23 Feb holiday. 24 Feb = 2, 25 = 3, 26 = 4, 27 = 5, Sat 28 (make-up) = 6,
    # Mon 2 Mar = 7, 3 = 8, 4 = 9, 5 = 10, 6 = 11, Mon 9 = 12, 10 = 13, 11 = 14,
    # Thu 12 Mar = 15: due.
    clock = compute_clock(D("2026-02-13"), rules_=MOE29)
    assert clock.due_date == D("2026-03-12")
    assert clock.original_due_date == D("2026-03-12")
    counted = [day for day in clock.days if day.status == DayStatus.COUNTED]
    assert [d.day for d in counted[:2]] == [D("2026-02-14"), D("2026-02-24")]
    assert counted[5].day == D("2026-02-28") and counted[5].count == 6
    assert len(counted) == 15
    assert clock.days[0] == clock.days[0].__class__(D("2026-02-13"), DayStatus.START)
    rest = [day.day for day in clock.days if day.status == DayStatus.REST]
    assert D("2026-02-23") in rest and D("2026-03-01") in rest


def test_received_on_the_make_up_saturday():
    # Day 0 is Sat 14 Feb 2026 (a working day, but day 0 never counts). Day 1 = Tue 24 Feb,
    # 25 = 2, 26 = 3, 27 = 4, Sat 28 = 5, Mon 2 Mar = 6, ..., Fri 6 = 10, Mon 9 = 11,
    # 10 = 12, 11 = 13, 12 = 14, Fri 13 Mar = 15: due.
    assert compute_clock(D("2026-02-14"), rules_=MOE29).due_date == D("2026-03-13")


def test_received_before_national_day():
    # Day 0 Tue 30 Sep 2025. 1-8 Oct holiday. Thu 9 Oct = 1, Fri 10 = 2, Sat 11 (make-up)
    # = 3, Mon 13 = 4, ..., Fri 17 = 8, Mon 20 = 9, ..., Fri 24 = 13, Mon 27 = 14,
    # Tue 28 Oct = 15: due.
    assert compute_clock(D("2025-09-30"), rules_=MOE29).due_date == D("2025-10-28")
    # Under the 2019 条例 (20 days): Wed 29 = 16, Thu 30 = 17, Fri 31 = 18, Mon 3 Nov = 19,
    # Tue 4 Nov = 20.
    clock = compute_clock(D("2025-09-30"), rules_=PRESETS["ordinance2019"])
    assert clock.due_date == D("2025-11-04")


def test_a_correction_restarts_the_clock():
    # Received Fri 13 Feb 2026; on Wed 25 Feb (day 3) the office asks for a correction:
    # the clock stops. The corrected request arrives Wed 4 Mar: day 0 again. Thu 5 = 1,
    # Fri 6 = 2, Mon 9 = 3, ..., Fri 13 = 7, Mon 16 = 8, ..., Fri 20 = 12, Mon 23 = 13,
    # Tue 24 = 14, Wed 25 Mar 2026 = 15: due.
    events = [
        ClockEvent(EventKind.PAUSE, D("2026-02-25"), PauseReason.CORRECTION),
        ClockEvent(EventKind.RESTART, D("2026-03-04")),
    ]
    clock = compute_clock(D("2026-02-13"), events, rules_=MOE29)
    assert clock.start == D("2026-03-04")
    assert clock.due_date == D("2026-03-25")
    assert not clock.is_paused
    # Before the corrected request arrives there is no due date at all.
    waiting = compute_clock(D("2026-02-13"), events[:1], rules_=MOE29)
    assert waiting.due_date is None
    assert waiting.is_paused and waiting.pause_reason == PauseReason.CORRECTION
    assert waiting.paused_since == D("2026-02-25")
    assert waiting.counted == 3  # 14 Feb, 24 Feb, 25 Feb
    assert clock_state(waiting, today=D("2026-04-30")) == (None, 12)


def test_a_consultation_pause_does_not_count():
    # Received Tue 30 Sep 2025. Thu 9 Oct = 1, Fri 10 = 2, Sat 11 = 3, Mon 13 = 4,
    # Tue 14 = 5: the letter to the third party goes out that day, the clock stops.
    # Wed 15, Thu 16, Fri 17 and Mon 20 (the third party answers) are paused: 4 working
    # days. Tue 21 = 6, Wed 22 = 7, Thu 23 = 8, Fri 24 = 9, Mon 27 = 10, Tue 28 = 11,
    # Wed 29 = 12, Thu 30 = 13, Fri 31 = 14, Mon 3 Nov 2025 = 15: due.
    events = [
        ClockEvent(EventKind.PAUSE, D("2025-10-14"), PauseReason.CONSULTATION),
        ClockEvent(EventKind.RESUME, D("2025-10-20")),
    ]
    clock = compute_clock(D("2025-09-30"), events, rules_=MOE29)
    assert clock.due_date == D("2025-11-03")
    assert clock.paused_days == 4
    paused = [day.day for day in clock.days if day.status == DayStatus.PAUSED]
    assert paused == [D("2025-10-15"), D("2025-10-16"), D("2025-10-17"), D("2025-10-20")]
    # Without the pause it would have been due on 28 Oct: the pause moved it 4 working days.
    assert compute_clock(D("2025-09-30"), rules_=MOE29).due_date == D("2025-10-28")


def test_an_open_pause_has_no_due_date():
    events = [ClockEvent(EventKind.PAUSE, D("2025-10-14"), PauseReason.CONSULTATION)]
    clock = compute_clock(D("2025-09-30"), events, rules_=MOE29)
    assert clock.due_date is None
    assert clock.counted == 5 and clock.remaining_when_resumed == 10
    # Paused, never overdue: the state is None, whatever the date.
    assert clock_state(clock, today=D("2026-06-01"))[0] is None


def test_an_extension_adds_working_days():
    # Received Fri 13 Feb 2026, due Thu 12 Mar (above). Extended by 15: Fri 13 Mar = 16,
    # Mon 16 = 17, ..., Fri 20 = 21, Mon 23 = 22, ..., Fri 27 = 26, Mon 30 = 27,
    # Tue 31 = 28, Wed 1 Apr = 29, Thu 2 Apr 2026 = 30: due.
    events = [ClockEvent(EventKind.EXTEND, D("2026-03-10"), days=15)]
    clock = compute_clock(D("2026-02-13"), events, rules_=MOE29)
    assert clock.original_due_date == D("2026-03-12")
    assert clock.due_date == D("2026-04-02")
    assert clock.working_days == 30 and clock.extensions == 1


def test_both_pauses_and_a_correction_before_the_spring_festival():
    # Received Fri 13 Feb 2026. Correction asked Tue 24 Feb (day 2: 14 Feb = 1, 24 = 2);
    # the corrected request arrives Fri 27 Feb: day 0. Sat 28 (make-up) = 1, Mon 2 Mar = 2,
    # Tue 3 = 3: consultation letter, pause. Wed 4 .. Tue 10 paused (5 working days), the
    # answer comes Tue 10. Wed 11 = 4, Thu 12 = 5, Fri 13 = 6, Mon 16 = 7, ..., Fri 20 = 11,
    # Mon 23 = 12, Tue 24 = 13, Wed 25 = 14, Thu 26 Mar 2026 = 15: due.
    events = [
        ClockEvent(EventKind.PAUSE, D("2026-02-24"), PauseReason.CORRECTION),
        ClockEvent(EventKind.RESTART, D("2026-02-27")),
        ClockEvent(EventKind.PAUSE, D("2026-03-03"), PauseReason.CONSULTATION),
        ClockEvent(EventKind.RESUME, D("2026-03-10")),
    ]
    clock = compute_clock(D("2026-02-13"), events, rules_=MOE29)
    assert clock.start == D("2026-02-27")
    assert clock.paused_days == 5
    assert clock.due_date == D("2026-03-26")


def test_deadline_states():
    clock = compute_clock(D("2026-02-13"), rules_=MOE29)  # due Thu 12 Mar
    assert clock_state(clock, today=D("2026-03-02")) == (DeadlineState.ON_TIME, 8)
    assert clock_state(clock, today=D("2026-03-09")) == (DeadlineState.DUE_SOON, 3)
    assert clock_state(clock, today=D("2026-03-12")) == (DeadlineState.DUE_SOON, 0)
    assert clock_state(clock, today=D("2026-03-13")) == (DeadlineState.OVERDUE, -1)
    assert clock_state(clock, done_on=D("2026-03-12"))[0] == DeadlineState.MET
    assert clock_state(clock, done_on=D("2026-03-16"))[0] == DeadlineState.MISSED


def test_rules_from_settings(settings):
    assert rules() == MOE29 == ClockRules(reply_days=15, extension_days=15, max_extensions=1)
    settings.WAGTAIL_DISCLOSURE_REQUEST_RULES = "ordinance2019"
    assert rules().reply_days == 20 and rules().extension_days == 20
    settings.WAGTAIL_DISCLOSURE_REQUEST_RULES = {"preset": "ordinance2019", "max_extensions": 2}
    assert rules().reply_days == 20 and rules().max_extensions == 2
    settings.WAGTAIL_DISCLOSURE_REQUEST_RULES = {"reply_days": 10}
    assert rules().reply_days == 10 and rules().extension_days == 15
    settings.WAGTAIL_DISCLOSURE_REQUEST_RULES = "moe30"
    with pytest.raises(ValueError, match="Unknown request rules preset 'moe30'"):
        rules()
    settings.WAGTAIL_DISCLOSURE_REQUEST_RULES = {"reply_dayz": 10}
    with pytest.raises(ValueError, match="reply_dayz"):
        rules()
