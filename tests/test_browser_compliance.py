"""The compliance dashboard in a real headless Chromium, in the zh-hans admin (issue 14).

One test per person: the disclosure office (every department) and 招生办's department
reviewer (its own rows only). Each logs in through the login form and reads, from the
page and not from the database, the dashboard panel, the figures, the two charts (one bar
per category, a column per month) and the tables; the office downloads a table as CSV.
The data is that of a fictional university (青岚大学, as in the demo), dated from today.

The office's screen goes to the test's tmp dir; set WAGTAIL_DISCLOSURE_UPDATE_SCREENSHOTS=1
to write it to docs/images/compliance-dashboard.png as well.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import chromium_for_module, goto, log_in, log_in_to, row_texts, screenshot
from tests.utils import grant, make_department, make_entry, make_section, reviewer, staff
from wagtail_disclosure.models import ChecklistItem, DisclosureRequest, RequestState
from wagtail_disclosure.models.requests import ApplicantType
from wagtail_disclosure.permissions import Role
from wagtail_disclosure.workflow import take_transition
from wagtail_disclosure.working_days import add_working_days

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread: the data must be committed. Transactional
    # flushes wipe the checklist migration rows and Wagtail's root page; restore them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pw"  # tests.utils.staff
URL = "/admin/disclosure_compliance/"
NOT_APPLICABLE = "本校未举办中外合作办学机构和项目。"
#: The rows of the report's table (not those of the charts' tables).
TABLE_ROWS = "main table.disclosure-compliance-table tbody tr"


@pytest.fixture(scope="module")
def browser(django_db_setup, django_db_blocker):
    """One Chromium for the module (see ``chromium_for_module`` for the database)."""
    with chromium_for_module(django_db_blocker) as launched:
        yield launched


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


class University:
    """青岚大学: five departments, entries over the last year, two entries in review past
    their deadline, a request overdue; the disclosure office and 招生办's reviewer."""

    def __init__(self, django_user_model):
        self.section = make_section()
        departments = {
            "basic": make_department("DZB", "党政办公室"),
            "admissions": make_department("ZSB", "招生办公室"),
            "finance": make_department("CWC", "财务处"),
            "teaching": make_department("JWC", "教务处"),
            "students": make_department("XGC", "学生工作处"),
        }
        self.zsb, self.jwc = departments["admissions"], departments["teaching"]
        for key, department in departments.items():
            ChecklistItem.objects.filter(category__key=key).update(default_department=department)
        ChecklistItem.objects.filter(code="47").update(not_applicable_reason=NOT_APPLICABLE)
        # (key, item, title, made days ago, published days ago): on time within 20 working
        # days of being made, late when published two months after.
        published = [
            ("basic", "1", "青岚大学办学基本情况（2026年）", 20, 10),
            ("basic", "2", "青岚大学章程（2026年修订）", 70, 12),
            ("basic", "5", "青岚大学2026年工作要点", 300, 290),
            ("basic", "6", "青岚大学2024—2025学年信息公开工作年度报告", 420, 400),
            ("admissions", "7", "青岚大学2026年本科招生章程", 200, 190),
            ("admissions", "11", "青岚大学2027年硕士研究生招生简章", 60, 55),
            ("finance", "15", "青岚大学财务管理办法", 150, 140),
            ("finance", "19", "青岚大学2025年部门预算", 420, 410),
            ("finance", "21", "青岚大学学生收费项目及标准", 110, 40),
            ("teaching", "35", "青岚大学本科教学质量报告（2025—2026学年）", 45, 40),
            ("teaching", "28", "青岚大学2026年新增本科专业名单", 230, 160),
            ("students", "36", "青岚大学学籍管理办法", 95, 85),
            ("students", "37", "青岚大学学生资助管理规定", 130, 70),
        ]
        self.entries = {}
        for key, code, title, made, out in published:
            self.entries[code] = make_entry(
                self.section,
                key,
                code,
                department=departments[key],
                title=title,
                document_date=days_ago(made),
                publication_date=days_ago(out),
            )
        # Most of the other items, published over the year, a few of them late.
        others = ["3", "4", "16", "17", "18", "20", "22", "23", "24", "25", "26", "27", "30"]
        others += ["31", "32", "33", "38", "39", "40", "41", "42", "43", "44", "48", "49"]
        items = ChecklistItem.objects.filter(
            category__checklist_id=self.section.checklist_id, code__in=others
        ).select_related("category", "default_department")
        for index, item in enumerate(sorted(items, key=lambda item: item.number)):
            made = 20 + index * 13
            self.entries[item.code] = make_entry(
                self.section,
                item.category.key,
                item.code,
                department=item.default_department or self.jwc,
                title=f"青岚大学{item.title.split('、')[0].split(',')[0]}",
                document_date=days_ago(made),
                publication_date=days_ago(made - (45 if index % 5 == 4 else 6)),
            )
        chain = reviewer()
        self.late_admissions = make_entry(
            self.section,
            "admissions",
            "9",
            publish=False,
            department=self.zsb,
            title="青岚大学2026年分批次录取最低分",
            document_date=days_ago(75),
        )
        self.late_teaching = make_entry(
            self.section,
            "teaching",
            "29",
            publish=False,
            department=self.jwc,
            title="青岚大学2025—2026学年课程开设情况",
            document_date=days_ago(60),
        )
        take_transition(self.late_admissions, "submit", chain)
        take_transition(self.late_teaching, "submit", chain)
        take_transition(self.late_teaching, "approve", chain)
        self.request = DisclosureRequest.objects.create(
            applicant_type=ApplicantType.PERSON,
            name="王五",
            description="2026年本科招生各省录取人数",
            received_on=days_ago(60),
            department=self.zsb,
        )
        DisclosureRequest.objects.filter(pk=self.request.pk).update(state=RequestState.IN_HAND)
        self.office = staff(
            django_user_model, "office", self.section, last_name="杜", first_name="文清"
        )
        grant(self.office, Role.DISCLOSURE_OFFICE)
        self.zsb_reviewer = staff(
            django_user_model, "reviewer_zsb", self.section, last_name="林", first_name="思远"
        )
        grant(self.zsb_reviewer, Role.DEPARTMENT_REVIEWER, self.zsb)


@pytest.fixture
def university(django_user_model, settings):
    # Wagtail's default avatar, not a request to gravatar.com (a broken image offline).
    settings.WAGTAIL_GRAVATAR_PROVIDER_URL = None
    return University(django_user_model)


def figure(page, name):
    return page.locator(f"dl.disclosure-compliance-figures [data-figure='{name}'] dd").inner_text()


def test_office_reads_the_compliance_dashboard(browser, live_server, university, tmp_path):
    u = university
    for entry in u.entries.values():
        assert entry.is_publicly_visible(), entry.title
    # The setup: both entries in review are past 20 working days from their 成文日期.
    for entry in (u.late_admissions, u.late_teaching):
        assert not entry.live and add_working_days(entry.document_date, 20) < timezone.localdate()

    page = log_in(browser, live_server.url, "office", PASSWORD)
    panel = page.locator("#disclosure-compliance-section")
    expect(panel).to_have_count(1)
    expect(panel.locator("[data-figure='reviews-overdue']")).to_contain_text("2")
    with page.expect_navigation():
        panel.locator(f"a[href='{URL}']").click()
    assert page.url == live_server.url + URL

    # The figures, read from the page.
    assert figure(page, "reviews-overdue") == "2"
    assert figure(page, "reviews-pending") == "2"
    assert figure(page, "requests-overdue") == "1"
    assert figure(page, "not-applicable") == "1"
    # The charts: a bar per category, a column per month, with their words.
    coverage = page.locator("svg.disclosure-coverage-chart")
    expect(coverage.locator("rect.coverage-bar")).to_have_count(10)
    expect(coverage).to_contain_text("招生考试信息")
    expect(page.locator("svg.disclosure-timeliness-chart g.timeliness-month")).to_have_count(12)

    # The item table: all 50 items, their departments, the item that does not apply.
    rows = row_texts(page, TABLE_ROWS)
    assert len(rows) == 50, rows[:3]
    row_47 = next(row for row in rows if row.startswith("47 "))
    assert NOT_APPLICABLE in row_47
    assert any(row.startswith("7 ") and "招生办公室" in row for row in rows)
    screenshot(page, "compliance-dashboard.png", tmp_path)

    # The entries past their deadline, and the CSV of the table.
    with page.expect_navigation():
        page.locator("nav.disclosure-compliance-tables a[href$='table=overdue']").click()
    overdue = row_texts(page, TABLE_ROWS)
    assert len(overdue) == 2
    assert u.late_admissions.title in overdue[0] and "招生办公室" in overdue[0]
    assert u.late_teaching.title in overdue[1] and "教务处" in overdue[1]
    href = page.locator("a[data-export='csv']").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.status == 200 and response.headers["content-type"] == "text/csv"
    lines = list(csv.reader(io.StringIO(response.text())))
    assert [line[0] for line in lines[1:]] == [u.late_admissions.title, u.late_teaching.title]
    page.context.close()


def test_department_reviewer_sees_their_departments_rows(
    browser, live_server, university, tmp_path
):
    u = university
    page = log_in_to(browser, live_server.url, URL, "reviewer_zsb", PASSWORD)
    rows = row_texts(page, TABLE_ROWS)
    # The eight admissions items, all 招生办公室's.
    assert len(rows) == 8 and all("招生办公室" in row for row in rows), rows
    expect(page.locator("svg.disclosure-coverage-chart rect.coverage-bar")).to_have_count(1)
    assert figure(page, "reviews-overdue") == "1"  # 招生办's, not 教务处's
    assert figure(page, "requests-overdue") == "1"
    assert goto(page, live_server.url + URL + "?table=overdue") == 200
    overdue = row_texts(page, TABLE_ROWS)
    assert len(overdue) == 1 and u.late_admissions.title in overdue[0]
    page.context.close()
