"""The compliance dashboard (issue 14): item statuses under their update rules, entries
past their clock, reviews pending, requests due, the charts, the CSV and XLSX downloads,
who sees which rows, and a query count that does not grow with the entries."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.utils import (
    build_once,
    bulk_entries,
    fresh,
    grant,
    make_department,
    make_entry,
    make_section,
    reviewer,
    staff,
    tree_problems,
)
from wagtail_disclosure.compliance import (
    ComplianceStatus,
    admission_cycle,
    compliance_report,
    item_rows,
    review_clock,
    timeliness_by_month,
)
from wagtail_disclosure.compliance_charts import coverage_chart
from wagtail_disclosure.dashboard import CompliancePanel
from wagtail_disclosure.models import (
    ChecklistCategory,
    ChecklistItem,
    DisclosureEntryPage,
    DisclosureRequest,
    EntryReview,
    RequestState,
)
from wagtail_disclosure.models.requests import ApplicantType
from wagtail_disclosure.models.review import ReviewState
from wagtail_disclosure.permissions import Role
from wagtail_disclosure.workflow import take_transition
from wagtail_disclosure.working_days import DeadlineState, DeadlineStatus, add_working_days

# On PostgreSQL with the LTS (the whole suite); not again with Wagtail 8 (time budget).
pytestmark = [pytest.mark.django_db]

D = datetime.date.fromisoformat
#: The day the status tests look from: a Sunday in November 2026. The admission cycle
#: began on 1 September 2026; the yearly item 6 (due by October) is due for 2026.
TODAY = D("2026-11-15")
URL = "/admin/disclosure_compliance/"


class World:
    """A section, three departments, the disclosure office, a reviewer of 招生办 and a
    member of staff without a role."""

    def __init__(self, django_user_model):
        self.section = make_section()
        self.jwc = make_department("JWC", "教务处")
        self.zsb = make_department("ZSB", "招生办")
        self.cwc = make_department("CWC", "财务处")
        self.office = staff(django_user_model, "office", self.section)
        grant(self.office, Role.DISCLOSURE_OFFICE)
        self.zsb_reviewer = staff(django_user_model, "zsb_reviewer", self.section)
        grant(self.zsb_reviewer, Role.DEPARTMENT_REVIEWER, self.zsb)
        self.nobody = staff(django_user_model, "nobody", self.section)
        # The admissions items are 招生办's; item 15 is 财务处's.
        ChecklistItem.objects.filter(category__key="admissions").update(default_department=self.zsb)
        ChecklistItem.objects.filter(code="15").update(default_department=self.cwc)


def build_world(user_model):
    return World(user_model)


@pytest.fixture(scope="module")
def _world_once(request, django_db_setup, django_db_blocker):
    from django.contrib.auth import get_user_model

    yield from build_once(request, django_db_blocker, build_world, get_user_model())


@pytest.fixture
def world(_world_once, db):
    return fresh(_world_once)


def rows_by_code(rows):
    return {row.code: row for row in rows}


def public(entry):
    assert entry.is_publicly_visible(), f"{entry.title} should be public"
    return entry


def not_public(entry):
    entry.refresh_from_db()
    assert not entry.is_publicly_visible(), f"{entry.title} should not be public"
    return entry


# -- statuses ---------------------------------------------------------------------------


def test_an_item_with_a_public_entry_is_current(world):
    public(make_entry(world.section, "basic", "2", department=world.jwc, publication_date=TODAY))
    row = rows_by_code(item_rows(world.section, today=TODAY))["2"]
    assert (row.status, row.entry_count, row.latest) == (ComplianceStatus.CURRENT, 1, TODAY)
    assert row.department == world.jwc  # the item names none: its latest entry's


def test_an_item_without_entries_is_missing(world):
    row = rows_by_code(item_rows(world.section, today=TODAY))["3"]
    assert (row.status, row.entry_count, row.latest) == (ComplianceStatus.MISSING, 0, None)


def test_a_schools_own_item_is_listed_with_the_official_ones(world):
    basic = ChecklistCategory.objects.get(checklist_id=world.section.checklist_id, key="basic")
    ChecklistItem.objects.create(
        category=basic, number=51, code="S-01", title="校园开放日安排", default_department=world.jwc
    )
    rows = item_rows(world.section, today=TODAY)
    assert len(rows) == 51 and rows[6].code == "S-01"  # after items 1-6 of its category
    assert (rows[6].status, rows[6].department) == (ComplianceStatus.MISSING, world.jwc)
    public(make_entry(world.section, "basic", "S-01", department=world.jwc))
    assert rows_by_code(item_rows(world.section, today=TODAY))["S-01"].status == "current"


def test_a_yearly_item_older_than_a_year_is_stale(world):
    old = public(
        make_entry(
            world.section, "finance", "19", department=world.cwc, publication_date="2025-11-15"
        )
    )
    row = rows_by_code(item_rows(world.section, today=TODAY))["19"]
    assert row.status == ComplianceStatus.STALE and row.latest == old.publication_date
    # A day younger than a year: current.
    row = rows_by_code(item_rows(world.section, today=D("2026-11-14")))["19"]
    assert row.status == ComplianceStatus.CURRENT


def test_a_yearly_item_with_a_month_is_stale_once_the_month_is_over(world):
    # 信息公开年度报告 (item 6) is due by the end of October.
    public(
        make_entry(world.section, "basic", "6", department=world.jwc, publication_date="2026-01-20")
    )
    assert rows_by_code(item_rows(world.section, today=TODAY))["6"].status == "current"
    DisclosureEntryPage.objects.filter(checklist_item__code="6").update(
        publication_date=D("2025-10-20")
    )
    row = rows_by_code(item_rows(world.section, today=TODAY))["6"]
    assert row.status == ComplianceStatus.STALE and "2026" in str(row.note)
    # In October 2026 the 2026 report is not due yet: the 2025 one is current.
    assert rows_by_code(item_rows(world.section, today=D("2026-10-31")))["6"].status == "current"


def test_an_admission_item_missing_this_cycle_is_missing(world):
    assert admission_cycle(TODAY) == (D("2026-09-01"), D("2027-08-31"))
    assert admission_cycle(D("2026-08-31")) == (D("2025-09-01"), D("2026-08-31"))
    last_cycle = public(
        make_entry(
            world.section, "admissions", "7", department=world.zsb, publication_date="2026-06-01"
        )
    )
    row = rows_by_code(item_rows(world.section, today=TODAY))["7"]
    assert row.status == ComplianceStatus.MISSING and row.latest == last_cycle.publication_date
    assert "2026-09-01" in str(row.note)
    public(
        make_entry(
            world.section, "admissions", "7", department=world.zsb, publication_date="2026-09-10"
        )
    )
    assert rows_by_code(item_rows(world.section, today=TODAY))["7"].status == "current"


def test_a_not_applicable_item_says_why(world):
    reason = "本校未举办中外合作办学项目。"
    ChecklistItem.objects.filter(code="47").update(not_applicable_reason=reason)
    row = rows_by_code(item_rows(world.section, today=TODAY))["47"]
    assert (row.status, row.note) == (ComplianceStatus.NOT_APPLICABLE, reason)


def test_drafts_restricted_withheld_and_withdrawn_entries_do_not_count(world):
    not_public(make_entry(world.section, "basic", "5", publish=False, department=world.jwc))
    not_public(
        make_entry(
            world.section,
            "basic",
            "5",
            department=world.jwc,
            audience="campus",
            restriction_reason="仅限校内。",
        )
    )
    withheld = public(make_entry(world.section, "basic", "5", department=world.jwc))
    take_transition(withheld, "withdraw", reviewer(), comment="依法不予公开。", withheld=True)
    not_public(withheld)
    withdrawn = public(make_entry(world.section, "basic", "5", department=world.jwc))
    take_transition(withdrawn, "withdraw", reviewer(), comment="已过时。")
    withdrawn.refresh_from_db()
    assert not DisclosureEntryPage.objects.current().filter(pk=withdrawn.pk).exists()
    assert DisclosureEntryPage.objects.filter(checklist_item__code="5").count() == 4
    row = rows_by_code(item_rows(world.section, today=TODAY))["5"]
    assert (row.status, row.entry_count) == (ComplianceStatus.MISSING, 0)


# -- the clocks -------------------------------------------------------------------------


def in_review_entry(world, title, document_date, department, chain=("submit",)):
    entry = make_entry(
        world.section,
        "admissions" if department == world.zsb else "basic",
        publish=False,
        department=department,
        title=title,
        document_date=document_date,
    )
    for name in chain:
        take_transition(entry, name, reviewer(), comment="请修改。" if name == "reject" else "")
    return entry


def test_entries_past_their_clock_and_reviews_pending(world):
    today = timezone.localdate()
    long_ago = today - datetime.timedelta(days=90)
    late = in_review_entry(world, "逾期的招生简章", long_ago, world.zsb)
    sent_back = in_review_entry(world, "退回的规章", long_ago, world.jwc, ("submit", "reject"))
    fresh_one = in_review_entry(world, "新提交的计划", today, world.jwc, ("submit", "approve"))
    never_submitted = in_review_entry(world, "未提交的草稿", long_ago, world.jwc, ())
    states = dict(EntryReview.objects.values_list("page_id", "state"))
    assert states[late.pk] == ReviewState.SUBMITTED
    assert states[sent_back.pk] == ReviewState.DRAFT
    assert states[fresh_one.pk] == ReviewState.DEPARTMENT_APPROVED
    assert states[never_submitted.pk] == ReviewState.DRAFT
    # Independently: the deadline of a 90-day-old 成文日期 with 20 working days is past.
    assert add_working_days(long_ago, 20) < today

    clock = review_clock(world.section, today=today)
    assert sorted(review.page_id for review in clock.overdue) == sorted([late.pk, sent_back.pk])
    assert clock.counts[DeadlineState.OVERDUE] == 2 and clock.total == 3
    pending = {(row.department_name, row.state): row for row in clock.pending}
    assert set(pending) == {
        ("招生办", ReviewState.SUBMITTED),
        ("教务处", ReviewState.DRAFT),
        ("教务处", ReviewState.DEPARTMENT_APPROVED),
    }
    assert pending["招生办", ReviewState.SUBMITTED].overdue == 1
    assert pending["教务处", ReviewState.DEPARTMENT_APPROVED].overdue == 0
    # 招生办's reviewer sees 招生办's only.
    clock = review_clock(world.section, world.zsb_reviewer, today=today)
    assert [review.page_id for review in clock.overdue] == [late.pk]
    assert {row.department_name for row in clock.pending} == {"招生办"}


def test_timeliness_counts_releases_on_time_and_late(world):
    today = D("2026-11-30")
    on_time = public(
        make_entry(
            world.section,
            "basic",
            "2",
            department=world.jwc,
            document_date="2026-11-02",
            publication_date="2026-11-20",
        )
    )
    late = public(
        make_entry(
            world.section,
            "basic",
            "3",
            department=world.jwc,
            document_date="2026-09-01",
            publication_date="2026-11-20",
        )
    )
    make_entry(
        world.section,
        "basic",
        "4",
        publish=False,
        department=world.jwc,
        document_date="2026-09-01",
        publication_date="2026-11-21",
    )
    old = public(
        make_entry(
            world.section,
            "basic",
            "5",
            department=world.jwc,
            document_date="2025-10-01",
            publication_date="2025-10-02",
        )
    )
    for entry, expected in ((on_time, DeadlineState.MET), (late, DeadlineState.MISSED)):
        status = DeadlineStatus.compute(entry.document_date, 20, done_on=entry.publication_date)
        assert status.state == expected
    months = timeliness_by_month(world.section, today=today)
    assert [month.label for month in months][0] == "2025-12" and months[-1].label == "2026-11"
    assert (months[-1].on_time, months[-1].late) == (1, 1)
    assert sum(month.total for month in months) == 2  # the draft and the 2025 one are out
    assert old.publication_date < months[0].month


def case(state, received, department=None):
    row = DisclosureRequest.objects.create(
        applicant_type=ApplicantType.PERSON,
        name="王五",
        description="学生资助资金的分配办法",
        received_on=D(received),
        department=department,
    )
    DisclosureRequest.objects.filter(pk=row.pk).update(state=state)
    row.refresh_from_db()
    return row


def test_requests_due_soon_and_overdue_per_department(world):
    # As tests/test_requests_reminders.py: on 9 March 2026, one received on 13 February is
    # due soon (3 working days left), one received on 2 February is overdue.
    today = D("2026-03-09")
    due_soon = case(RequestState.IN_HAND, "2026-02-13", world.zsb)
    overdue = case(RequestState.ROUTED, "2026-02-02", world.jwc)
    case(RequestState.IN_HAND, "2026-03-06", world.zsb)  # on time
    report = compliance_report(world.section, world.office, today=today)
    assert {row.case.pk: row.state for row in report.requests} == {
        due_soon.pk: DeadlineState.DUE_SOON,
        overdue.pk: DeadlineState.OVERDUE,
    }
    assert (report.requests_overdue, report.requests_due_soon) == (1, 1)
    report = compliance_report(world.section, world.zsb_reviewer, today=today)
    assert [row.case.pk for row in report.requests] == [due_soon.pk]


# -- the admin --------------------------------------------------------------------------


def test_the_office_sees_every_row_and_a_bar_per_category(world, client):
    public(make_entry(world.section, "basic", "2", department=world.jwc))
    client.force_login(world.office)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    categories = ChecklistCategory.objects.filter(checklist_id=world.section.checklist_id)
    assert html.count('class="coverage-bar"') == categories.count() == 10
    assert html.count('class="timeliness-on-time"') == 12
    items = ChecklistItem.objects.filter(category__checklist_id=world.section.checklist_id)
    assert len(response.context["object_list"]) == items.count() == 50
    for title in categories.values_list("title", flat=True):
        assert title in html  # the chart's labels and its table


def test_the_coverage_chart_draws_one_bar_per_category(world):
    rows = compliance_report(world.section, today=TODAY).coverage
    svg = str(coverage_chart(rows))
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title" in svg
    assert svg.count('class="coverage-bar"') == len(rows) == 10
    assert "0 / 8 (0%)" in svg  # 招生考试信息: eight items, none current


def test_a_department_reviewer_sees_only_their_departments(world, client):
    public(make_entry(world.section, "basic", "2", department=world.jwc))
    public(make_entry(world.section, "admissions", "7", department=world.zsb))
    client.force_login(world.zsb_reviewer)
    response = client.get(URL)
    assert response.status_code == 200
    rows = response.context["object_list"]
    assert rows and {row.department_name for row in rows} == {"招生办"}
    assert {row.code for row in rows} == {str(n) for n in range(7, 15)}
    response = client.get(URL + "?table=items&export=csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(lines) == 1 + 8 and all(line[3] == "招生办" for line in lines[1:])


def test_people_without_a_role_get_403_and_no_panel(world, client):
    client.force_login(world.nobody)
    assert client.get(URL).status_code == 403
    assert client.get(URL + "?export=csv").status_code == 403
    request = RequestFactory().get("/admin/")
    request.user = world.nobody
    assert CompliancePanel().render_html({"request": request}) == ""
    request.user = world.office
    assert "disclosure-compliance-section" in CompliancePanel().render_html({"request": request})
    html = client.get("/admin/").content.decode()
    assert "disclosure-compliance-section" not in html and URL not in html


def test_every_table_downloads_as_csv_and_xlsx(world, client):
    today = timezone.localdate()
    in_review_entry(world, "逾期的招生简章", today - datetime.timedelta(days=90), world.zsb)
    case(RequestState.ROUTED, (today - datetime.timedelta(days=90)).isoformat(), world.jwc)
    client.force_login(world.office)
    expected = {"items": 50, "overdue": 1, "reviews": 1, "requests": 1}
    for table, count in expected.items():
        response = client.get(f"{URL}?table={table}&export=csv")
        assert response.status_code == 200 and response["Content-Type"] == "text/csv"
        lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert len(lines) == 1 + count, (table, lines)
        response = client.get(f"{URL}?table={table}&export=xlsx")
        assert response.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet_rows = list(book.active.iter_rows(values_only=True))
        assert len(sheet_rows) == 1 + count, table
        assert [str(value) for value in sheet_rows[0]] == lines[0]
    # The item table's rows, read back from the workbook.
    response = client.get(f"{URL}?table=items&export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert [str(row[0]) for row in rows[1:]] == [str(n) for n in range(1, 51)]
    assert rows[7][2].startswith("招生章程") and rows[7][3] == "招生办"
    # The overdue entry, with its title and department.
    response = client.get(f"{URL}?table=overdue&export=csv")
    text = b"".join(response.streaming_content).decode()
    assert "逾期的招生简章" in text and "招生办" in text


# -- query count ------------------------------------------------------------------------


def count_queries(function):
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def test_the_panel_and_the_report_cost_at_most_20_queries(world, client):
    client.force_login(world.office)
    request = RequestFactory().get("/admin/")
    office = type(world.office).objects.get(pk=world.office.pk)

    def panel():
        request.user = type(world.office).objects.get(pk=world.office.pk)
        assert "disclosure-compliance-section" in CompliancePanel().render_html(
            {"request": request}
        )

    def report(table):
        def get():
            response = client.get(f"{URL}?table={table}")
            assert response.status_code == 200

        return get

    # Requests too: their clock events are read with them (one query more).
    today = timezone.localdate()
    case(RequestState.ROUTED, (today - datetime.timedelta(days=90)).isoformat(), world.jwc)
    case(RequestState.IN_HAND, today.isoformat(), world.zsb)
    client.get(URL)  # warm per-process caches (content types, site root paths)
    long_ago = today - datetime.timedelta(days=200)

    def dates(n):  # 成文日期 long past, 发布日期 over the last eleven months
        return (
            long_ago + datetime.timedelta(days=n % 150),
            today - datetime.timedelta(days=n % 330),
        )

    def review_state(index):  # every tenth with a version in review
        return ReviewState.SUBMITTED if index % 10 == 0 else ReviewState.PUBLISHED

    counts = {}
    for size, add in ((50, 50), (5000, 4950)):
        bulk_entries(world.section, add, world.jwc, dates=dates, review_state=review_state)
        assert DisclosureEntryPage.objects.current().count() == size
        assert EntryReview.objects.filter(state=ReviewState.SUBMITTED).count() == size // 10
        counts[size] = {"panel": count_queries(panel)}
        for table in ("items", "overdue", "reviews", "requests"):
            counts[size][table] = count_queries(report(table))
        full = compliance_report(world.section, office)
        assert len(full.items) == 50 and sum(row.entry_count for row in full.items) == size
        assert full.reviews.counts[DeadlineState.OVERDUE] == size // 10
    assert not any(tree_problems()), "the bulk-inserted page tree is inconsistent"
    for size, measured in counts.items():
        assert max(measured.values()) <= 20, (size, measured)
    assert counts[50] == counts[5000], counts
