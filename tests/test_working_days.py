"""The working-day calendar: 调休 data, counting convention, overrides, fallback, admin.

Known dates are checked twice: against the installed chinesecalendar (1.11.0) and against
the State Council notices as recorded in docs/reference (国办发明电〔2024〕12号 for 2025).
"""

import datetime

import chinese_calendar
import pytest
from django.urls import reverse

from wagtail_disclosure import working_days
from wagtail_disclosure.models import WorkingDayOverride
from wagtail_disclosure.working_days import (
    Coverage,
    DeadlineState,
    DeadlineStatus,
    WorkingDayCalendar,
    add_working_days,
    calendar_coverage,
    deadline,
    is_working_day,
    working_days_between,
)

pytestmark = pytest.mark.django_db

# A year no chinesecalendar release will cover for a long while: the Monday–Friday fallback.
UNCOVERED_YEAR = 2040


def d(text):
    return datetime.date.fromisoformat(text)


def days(first, last):
    day, end = d(first), d(last)
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


def override(date, working, note=""):
    return WorkingDayOverride.objects.create(date=d(date), is_working_day=working, note=note)


# --- 2025: 国办发明电〔2024〕12号 ---------------------------------------------------------

WORKING_WEEKENDS_2025 = [
    "2025-01-26",  # Sunday, 春节调休上班
    "2025-02-08",  # Saturday, 春节调休上班
    "2025-04-27",  # Sunday, 劳动节调休上班
    "2025-09-28",  # Sunday, 国庆节、中秋节调休上班
    "2025-10-11",  # Saturday, 国庆节、中秋节调休上班
]
HOLIDAYS_2025 = [
    *days("2025-01-28", "2025-02-04"),  # 春节 8 days
    *days("2025-05-01", "2025-05-05"),  # 劳动节
    *days("2025-10-01", "2025-10-08"),  # 国庆节、中秋节 8 days
]


@pytest.mark.parametrize("date", WORKING_WEEKENDS_2025)
def test_2025_make_up_weekends_are_working_days(date):
    assert d(date).weekday() >= 5
    assert chinese_calendar.is_workday(d(date))  # the library agrees with the notice
    assert is_working_day(d(date))


@pytest.mark.parametrize("date", HOLIDAYS_2025, ids=str)
def test_2025_holidays_are_rest_days(date):
    assert not chinese_calendar.is_workday(date)
    assert not is_working_day(date)


def test_2025_ordinary_days():
    assert is_working_day(d("2025-01-27"))  # Monday before 春节
    assert is_working_day(d("2025-02-05"))  # first day back
    assert not is_working_day(d("2025-02-09"))  # Sunday after the make-up Saturday
    assert is_working_day(d("2025-09-29"))  # Monday, between make-up day and 国庆
    assert not is_working_day(d("2025-10-12"))  # Sunday after the make-up Saturday


# --- 2026: chinesecalendar 1.11.0's data of the State Council's 2026 notice -------------

# These dates come from the data chinesecalendar 1.11.0 carries for the State Council's
# notice on the 2026 holidays (chinese_calendar.constants.workdays / .holidays), not from
# a copy of the notice itself.
WORKING_WEEKENDS_2026 = [
    "2026-01-04",  # Sunday, 元旦调休上班
    "2026-02-14",  # Saturday, 春节调休上班
    "2026-02-28",  # Saturday, 春节调休上班
    "2026-05-09",  # Saturday, 劳动节调休上班
    "2026-09-20",  # Sunday, 国庆节调休上班
    "2026-10-10",  # Saturday, 国庆节调休上班
]
HOLIDAYS_2026 = [
    *days("2026-02-15", "2026-02-23"),  # 春节 9 days
    *days("2026-09-25", "2026-09-27"),  # 中秋节
    *days("2026-10-01", "2026-10-07"),  # 国庆节
]


@pytest.mark.parametrize("date", WORKING_WEEKENDS_2026)
def test_2026_make_up_weekends_are_working_days(date):
    assert d(date).weekday() >= 5
    assert chinese_calendar.get_holiday_detail(d(date))[0] is False  # a workday in the data
    assert is_working_day(d(date))


@pytest.mark.parametrize("date", HOLIDAYS_2026, ids=str)
def test_2026_holidays_are_rest_days(date):
    is_holiday, name = chinese_calendar.get_holiday_detail(date)
    assert is_holiday and name in ("Spring Festival", "Mid-autumn Festival", "National Day")
    assert not is_working_day(date)


def test_2026_spring_festival_period():
    # From Friday 2026-02-13 (day 0): Sat 02-14 make-up day is working day 1; 02-15…02-23
    # holiday; 02-24…02-27 are 2–5; Sat 02-28 make-up day 6; 03-02…03-06 7–11;
    # 03-09…03-13 12–16; 03-16 17, 03-17 18, 03-18 19, Thu 03-19 20.
    assert add_working_days(d("2026-02-13"), 1) == d("2026-02-14")
    assert add_working_days(d("2026-02-13"), 2) == d("2026-02-24")
    assert deadline(d("2026-02-13")) == d("2026-03-19")


def test_2026_national_day_period():
    # From Friday 2026-09-18: Sun 09-20 is 1; 09-21…09-24 2–5; 09-25…09-27 中秋;
    # 09-28…09-30 6–8; 10-01…10-07 国庆; Thu 10-08 9, Fri 10-09 10, Sat 10-10 make-up day 11.
    assert add_working_days(d("2026-09-18"), 11) == d("2026-10-10")
    assert working_days_between(d("2026-09-18"), d("2026-10-10")) == 11


# --- counting convention ----------------------------------------------------------------


def test_twenty_working_days_across_spring_festival_2025():
    # Day 0 is Monday 2025-01-20.
    #  1–4   Tue 01-21 … Fri 01-24
    #  5     Sun 01-26 (make-up day; Sat 01-25 is a rest day)
    #  6     Mon 01-27
    #        Tue 01-28 … Tue 02-04: 春节 holiday
    #  7–9   Wed 02-05 … Fri 02-07
    #  10    Sat 02-08 (make-up day; Sun 02-09 is a rest day)
    #  11–15 Mon 02-10 … Fri 02-14
    #  16–20 Mon 02-17 … Fri 02-21
    start = d("2025-01-20")
    assert add_working_days(start, 20) == d("2025-02-21")
    assert deadline(start) == d("2025-02-21")  # the default period is 20 working days
    assert add_working_days(start, 5) == d("2025-01-26")
    assert add_working_days(start, 7) == d("2025-02-05")
    assert working_days_between(start, d("2025-02-21")) == 20
    # A plain Monday–Friday count would have said Monday 2025-02-17.
    assert working_days_between(start, d("2025-02-17")) == 16


def test_friday_start_counts_from_the_next_working_day():
    friday = d("2025-03-07")
    assert add_working_days(friday, 0) == friday
    assert add_working_days(friday, 1) == d("2025-03-10")  # Monday
    # 03-10…03-14 1–5, 03-17…03-21 6–10, 03-24…03-28 11–15, 03-31…04-03 16–19,
    # Fri 04-04 清明 holiday, Mon 04-07 20.
    assert deadline(friday) == d("2025-04-07")


def test_a_rest_day_start_is_still_day_zero():
    # Made on Saturday: working day 1 is Monday, as for the Friday before it.
    assert add_working_days(d("2025-03-08"), 1) == d("2025-03-10")
    # Made on the first day of 国庆: 10-09 is 1, 10-10 is 2, Sat 10-11 (make-up day) is 3.
    assert add_working_days(d("2025-10-01"), 3) == d("2025-10-11")


def test_working_days_between_edges():
    assert working_days_between(d("2025-03-07"), d("2025-03-07")) == 0
    assert working_days_between(d("2025-03-10"), d("2025-03-07")) == 0
    assert working_days_between(d("2025-03-07"), d("2025-03-09")) == 0  # weekend only
    assert working_days_between(d("2025-03-07"), d("2025-03-10")) == 1
    for n in (0, 1, 5, 20, 60):
        start = d("2025-09-26")
        assert working_days_between(start, add_working_days(start, n)) == n


def test_negative_period_is_refused():
    with pytest.raises(ValueError):
        add_working_days(d("2025-03-07"), -1)


def test_datetimes_are_taken_in_the_current_time_zone():
    # 2025-03-07 17:00 UTC is Saturday 01:00 in Asia/Shanghai.
    moment = datetime.datetime(2025, 3, 7, 17, 0, tzinfo=datetime.UTC)
    assert add_working_days(moment, 1) == d("2025-03-10")
    assert not is_working_day(moment)


def test_deadline_reads_the_setting_at_call_time(settings):
    settings.WAGTAIL_DISCLOSURE_PUBLISH_WITHIN_WORKING_DAYS = 1
    assert deadline(d("2025-03-07")) == d("2025-03-10")
    assert deadline(d("2025-03-07"), 2) == d("2025-03-11")


# --- overrides and coverage -------------------------------------------------------------


def test_override_wins_over_the_library():
    monday, sunday = d("2025-03-10"), d("2025-03-16")
    assert is_working_day(monday) and not is_working_day(sunday)
    override("2025-03-10", False, "校庆放假")
    override("2025-03-16", True, "校庆调休上班")
    assert not is_working_day(monday)
    assert is_working_day(sunday)
    # Fri 03-07 → Mon 03-10 (now a rest day) no longer counts: day 1 is Tue 03-11.
    assert add_working_days(d("2025-03-07"), 1) == d("2025-03-11")
    # 03-11…03-14 are 1–4, Sun 03-16 is 5.
    assert add_working_days(d("2025-03-07"), 5) == d("2025-03-16")
    assert calendar_coverage(2025) == Coverage.LIBRARY


def test_uncovered_year_falls_back_to_monday_to_friday():
    year = UNCOVERED_YEAR
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(datetime.date(year, 1, 2))
    assert not working_days.library_covers(year)
    assert calendar_coverage(year) == Coverage.FALLBACK
    assert not is_working_day(d("2040-01-01"))  # Sunday
    assert all(is_working_day(day) for day in days("2040-01-02", "2040-01-06"))  # Mon–Fri
    assert not is_working_day(d("2040-01-07"))  # Saturday
    assert add_working_days(d("2040-01-06"), 1) == d("2040-01-09")  # Friday → Monday
    # 2039 is not covered either: a period across the new year uses the fallback too.
    assert add_working_days(d("2039-12-30"), 1) == d("2040-01-02")


def test_overrides_are_honoured_in_an_uncovered_year():
    override("2040-01-02", False, "元旦调休")  # Monday
    override("2040-01-07", True, "元旦调休上班")  # Saturday
    assert calendar_coverage(UNCOVERED_YEAR) == Coverage.OVERRIDES
    assert calendar_coverage(UNCOVERED_YEAR + 1) == Coverage.FALLBACK
    assert not is_working_day(d("2040-01-02"))
    assert is_working_day(d("2040-01-07"))
    # From Sun 2040-01-01: 01-03…01-06 are 1–4, Sat 01-07 is 5, Mon 01-09 is 6.
    assert add_working_days(d("2040-01-01"), 5) == d("2040-01-07")
    assert add_working_days(d("2040-01-01"), 6) == d("2040-01-09")


# --- queries ----------------------------------------------------------------------------


def test_sixty_working_days_take_one_query(django_assert_num_queries):
    override("2025-05-06", False)
    with django_assert_num_queries(1):
        due = add_working_days(d("2025-03-03"), 60)
    assert working_days_between(d("2025-03-03"), due) == 60
    # Across the new year the window spans two years, still loaded by one query.
    with django_assert_num_queries(1):
        add_working_days(d("2025-11-03"), 60)


def test_a_shared_calendar_loads_each_year_once(django_assert_num_queries):
    with django_assert_num_queries(1):
        calendar = WorkingDayCalendar(d("2025-01-01"), d("2025-12-31"))
    with django_assert_num_queries(0):
        for start in days("2025-01-01", "2025-06-30"):
            deadline(start, calendar=calendar)
            DeadlineStatus.compute(start, today=d("2025-07-01"), calendar=calendar)
    with django_assert_num_queries(1):  # 2026 is not loaded yet
        calendar.is_working_day(d("2026-01-04"))


# --- deadline status --------------------------------------------------------------------


def test_deadline_status_states(settings):
    start = d("2025-01-20")  # due Friday 2025-02-21 (see above)

    status = DeadlineStatus.compute(start, 20, d("2025-02-05"))
    assert status.state == DeadlineState.ON_TIME
    assert status.due_date == d("2025-02-21")
    assert status.working_days_left == 13  # 02-06…02-21, with Sat 02-08
    assert not status.provisional and not status.is_done

    # Tue 02-18: 02-19, 02-20, 02-21 left.
    status = DeadlineStatus.compute(start, 20, d("2025-02-18"))
    assert (status.state, status.working_days_left) == (DeadlineState.DUE_SOON, 3)
    settings.WAGTAIL_DISCLOSURE_DUE_SOON_WORKING_DAYS = 2
    assert DeadlineStatus.compute(start, 20, d("2025-02-18")).state == DeadlineState.ON_TIME
    settings.WAGTAIL_DISCLOSURE_DUE_SOON_WORKING_DAYS = 3

    status = DeadlineStatus.compute(start, 20, d("2025-02-21"))  # the due date itself
    assert (status.state, status.working_days_left) == (DeadlineState.DUE_SOON, 0)

    status = DeadlineStatus.compute(start, 20, d("2025-02-22"))  # Saturday after
    assert (status.state, status.working_days_left) == (DeadlineState.OVERDUE, 0)
    status = DeadlineStatus.compute(start, 20, d("2025-02-25"))
    assert (status.state, status.working_days_left) == (DeadlineState.OVERDUE, -2)

    status = DeadlineStatus.compute(start, 20, d("2025-03-31"), done_on=d("2025-02-21"))
    assert (status.state, status.working_days_left) == (DeadlineState.MET, 0)
    assert status.is_done
    status = DeadlineStatus.compute(start, 20, d("2025-03-31"), done_on=d("2025-02-24"))
    assert (status.state, status.working_days_left) == (DeadlineState.MISSED, -1)


def test_deadline_status_defaults(settings):
    settings.WAGTAIL_DISCLOSURE_PUBLISH_WITHIN_WORKING_DAYS = 3
    status = DeadlineStatus.compute(d("2025-03-07"), today=d("2025-03-07"))
    assert status.working_days == 3
    assert status.due_date == d("2025-03-12")
    assert (status.state, status.working_days_left) == (DeadlineState.DUE_SOON, 3)


def test_deadline_status_in_an_uncovered_year_is_provisional():
    status = DeadlineStatus.compute(d("2040-03-02"), 20, d("2040-03-02"))
    assert status.provisional
    override("2040-01-01", False, "元旦")
    assert not DeadlineStatus.compute(d("2040-03-02"), 20, d("2040-03-02")).provisional
    # A period running into a year with neither library data nor overrides is provisional.
    assert DeadlineStatus.compute(d("2040-12-14"), 20, d("2040-12-14")).provisional


# --- admin ------------------------------------------------------------------------------


def test_admin_list_filter_and_search(admin_client):
    override("2027-02-06", True, "2027年春节调休上班")
    override("2027-02-08", False, "2027年春节")
    url = reverse("disclosure_working_days:index")

    response = admin_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "2027年春节调休上班" in content and "2027年春节" in content
    assert "星期六" in content  # the day of the week next to the date

    response = admin_client.get(url, {"is_working_day": "true"})
    assert response.status_code == 200
    assert [o.note for o in response.context["object_list"]] == ["2027年春节调休上班"]

    response = admin_client.get(url, {"q": "调休"})
    assert response.status_code == 200
    assert [o.note for o in response.context["object_list"]] == ["2027年春节调休上班"]


def test_admin_add_view_creates_an_override(admin_client):
    url = reverse("disclosure_working_days:add")
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url, {"date": "2040-01-07", "is_working_day": "on", "note": "2040年元旦调休上班"}
    )
    assert response.status_code == 302
    row = WorkingDayOverride.objects.get(date=d("2040-01-07"))
    assert row.is_working_day and row.note == "2040年元旦调休上班"
    assert is_working_day(d("2040-01-07"))  # a Saturday, now a working day

    # The date is unique: a second row for it is refused by the form.
    response = admin_client.post(url, {"date": "2040-01-07", "note": "again"})
    assert response.status_code == 200
    assert WorkingDayOverride.objects.filter(date=d("2040-01-07")).count() == 1


def test_admin_menu_lists_the_overrides(admin_client):
    response = admin_client.get(reverse("wagtailadmin_home"))
    assert reverse("disclosure_working_days:index") in response.content.decode()
