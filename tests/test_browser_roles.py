"""What each review role sees, in a real headless Chromium, in the zh-hans admin (issue 11).

One test per role: the department editor, the department reviewer, the confidentiality
reviewer (保密审查), the sign-off leader (分管校领导) and the disclosure office. Each logs in
through the login form and reads, from the page and not from the database, what that role
needs: the "Review status" panel of the edit page (state in words, who acts next, the
deadline with working days left, sign-off, the send-back reason), 我的条目, the review queue
(待我审核) with its overdue and due-soon rows, and the review record (print page and .docx).
The step the role takes is taken through the UI (action menu, confirmation form); the
states before it are built with the workflow engine, and each test first checks that the
setup is what it claims.

The data is that of a fictional university (青岚大学, as in the demo). Screenshots of each
role's main screen go to the test's tmp dir; set WAGTAIL_DISCLOSURE_UPDATE_SCREENSHOTS=1 to
write them to docs/images/role-<role>.png as well (docs/workflow.md shows them).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import PageLogEntry

from tests.browser import (
    chromium_for_module,
    goto,
    line_count,
    log_in,
    log_in_to,
    row_texts,
    screenshot,
    take_action_from_menu,
    text_of,
)
from tests.utils import grant, make_department, make_entry, make_section, staff
from wagtail_disclosure.models import EntryReview
from wagtail_disclosure.permissions import Role
from wagtail_disclosure.views.record import DOCX_CONTENT_TYPE
from wagtail_disclosure.workflow import take_transition
from wagtail_disclosure.working_days import DeadlineState, DeadlineStatus

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread: the data must be committed. Transactional
    # flushes wipe the checklist migration rows and Wagtail's root page; restore them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pw"  # tests.utils.staff
SEND_BACK_REASON = "请补充发文字号后再提交。"
QUEUE = "/admin/disclosure/queue/"
MINE = "/admin/disclosure/mine/"
EXACT_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


@pytest.fixture(scope="module")
def browser(django_db_setup, django_db_blocker):
    """One Chromium for the module (see ``chromium_for_module`` for the database)."""
    with chromium_for_module(django_db_blocker) as launched:
        yield launched


# -- the university ----------------------------------------------------------------------


class University:
    """青岚大学's 信息公开 section, 教务处, and one person per review role."""

    def __init__(self, django_user_model):
        self.section = make_section()
        self.jwc = make_department("JWC", "教务处")
        people = {
            "editor": ("editor_jwc", "郑", "蓉"),
            "reviewer": ("reviewer_jwc", "邱", "思齐"),
            "secrecy": ("secrecy", "钟", "正平"),
            "leader": ("leader", "顾", "承安"),
            "office": ("office", "杜", "文清"),
        }
        for attribute, (username, surname, given_name) in people.items():
            user = staff(
                django_user_model,
                username,
                self.section,
                last_name=surname,
                first_name=given_name,
                email=f"{username}@qinglan.edu.cn.example",
            )
            setattr(self, attribute, user)
        grant(self.editor, Role.DEPARTMENT_EDITOR, self.jwc)
        grant(self.reviewer, Role.DEPARTMENT_REVIEWER, self.jwc)
        grant(self.secrecy, Role.CONFIDENTIALITY_REVIEWER)  # the 保密办, for every department
        grant(self.leader, Role.SIGN_OFF_LEADER, self.jwc)
        grant(self.office, Role.DISCLOSURE_OFFICE)

    def entry(self, title, key, item_code, document_date, **fields):
        """A draft of 教务处 written by the editor (author of its latest revision)."""
        entry = make_entry(
            self.section,
            key,
            item_code,
            publish=False,
            department=self.jwc,
            title=title,
            document_date=document_date,
            **fields,
        )
        entry.save_revision(user=self.editor)
        return entry

    def take(self, entry, *steps):
        """Take ``(transition, person, comment)`` steps with the engine."""
        for name, person, comment in steps:
            take_transition(entry, name, getattr(self, person), comment=comment)
        return EntryReview.objects.get(page_id=entry.pk)


@pytest.fixture
def university(django_user_model, settings):
    # Wagtail's default avatar, not a request to gravatar.com (a broken image offline).
    settings.WAGTAIL_GRAVATAR_PROVIDER_URL = None
    return University(django_user_model)


def start_for(state, working_days_left, period=20):
    """A 成文日期 whose ``period``-working-day deadline is, today, in ``state`` with at most
    ``working_days_left`` working days left (negative: late); and that deadline."""
    today = timezone.localdate()
    for back in range(120):
        start = today - datetime.timedelta(days=back)
        status = DeadlineStatus.compute(start, period, today=today)
        if status.state == state and status.working_days_left <= working_days_left:
            return start, status
    raise AssertionError(f"no start date gives {state} with {working_days_left} days left")


def recently(days=2):
    start = timezone.localdate() - datetime.timedelta(days=days)
    return start, DeadlineStatus.compute(start, 20)


def days_left(status):
    """The deadline's words in the zh-hans admin."""
    if status.state == DeadlineState.OVERDUE:
        return f"已逾期 {-status.working_days_left} 个工作日"
    if status.working_days_left == 0:
        return "今天到期"
    return f"剩余 {status.working_days_left} 个工作日"


def chinese_date(day):
    """A date as the zh-hans admin writes it (SHORT_DATE_FORMAT)."""
    return f"{day.year}年{day.month}月{day.day}日"


def edit_url(entry):
    return reverse("wagtailadmin_pages:edit", args=[entry.pk])


def transition_url(entry, name):
    return reverse("wagtail_disclosure:entry_transition", args=[entry.pk, name])


def status_panel(page):
    panel = page.locator(".disclosure-entry-status")
    expect(panel).to_have_count(1)
    return panel


def fact(panel, term):
    """The ``<dd>`` after the ``<dt>`` ``term`` in the status panel, as text."""
    return text_of(panel.locator(f"dt:text-is('{term}') + dd"))


def queue_rows(page):
    """{title: (row classes, row text)} of the review queue on ``page``."""
    rows = {}
    for row in page.locator("main table tbody tr").all():
        title = text_of(row.locator("td").first)
        rows[title] = (row.get_attribute("class") or "", text_of(row))
    return rows


# -- department editor -------------------------------------------------------------------


def test_editor_reads_why_an_entry_came_back(browser, live_server, university, tmp_path):
    u = university
    start, deadline = recently()
    sent_back = u.entry("青岚大学学籍管理办法（2026年修订）", "students", "36", start)
    review = u.take(
        sent_back,
        ("submit", "editor", "请审核。"),
        ("reject", "reviewer", SEND_BACK_REASON),
    )
    assert (review.state, review.last_comment) == ("draft", SEND_BACK_REASON)
    in_review = u.entry("2026—2027学年第一学期校历", "basic", "5", start)
    assert u.take(in_review, ("submit", "editor", "")).state == "submitted"
    draft = u.entry("2026年本科专业设置调整说明", "teaching", "28", start)
    assert EntryReview.objects.get(page_id=draft.pk).state == "draft"

    page = log_in(browser, live_server.url, "editor_jwc", PASSWORD)
    # The dashboard's panel: the latest entry sent back, with its reason.
    dashboard = page.get_by_role("region", name="我的条目")
    expect(dashboard).to_contain_text(sent_back.title)
    expect(dashboard.locator(".disclosure-send-back-reason")).to_have_text(SEND_BACK_REASON)

    # 我的条目: sent back to me (with the reason), in review, drafts.
    assert goto(page, live_server.url + MINE) == 200
    assert row_texts(page, "#disclosure-sent-back tbody tr td.title") == [sent_back.title]
    assert row_texts(page, "#disclosure-sent-back .disclosure-send-back-reason") == [
        SEND_BACK_REASON
    ]
    in_review_rows = row_texts(page, "#disclosure-in-review tbody tr")
    assert len(in_review_rows) == 1 and in_review.title in in_review_rows[0]
    assert "部门审核中" in in_review_rows[0]
    assert "教务处" in in_review_rows[0] and "部门审核人" in in_review_rows[0]
    assert row_texts(page, "#disclosure-drafts tbody tr td.title") == [draft.title]
    screenshot(page, "role-editor.png", tmp_path)

    # The entry's edit page: where it stands and why it came back.
    with page.expect_navigation():
        page.locator("#disclosure-sent-back").get_by_role("link", name=sent_back.title).click()
    assert page.url.endswith(edit_url(sent_back)), page.url
    panel = status_panel(page)
    assert panel.get_attribute("data-review-state") == "draft"
    assert fact(panel, "审核状态") == "草稿"
    assert fact(panel, "下一步") == "由教务处的部门编辑提交审核。"
    assert fact(panel, "分管校领导签批") == "不需要"
    deadline_text = fact(panel, "办理期限")
    due = panel.locator(".disclosure-deadline time")
    assert due.get_attribute("datetime") == deadline.due_date.isoformat()
    assert chinese_date(deadline.due_date) in deadline_text
    assert days_left(deadline) in deadline_text
    assert text_of(panel.locator(".disclosure-send-back-reason")) == f"理由： {SEND_BACK_REASON}"
    assert "邱思齐" in text_of(panel.locator(".disclosure-send-back"))
    # How the deadline was counted, on click: the summary looks like the link below it
    # (Wagtail's CSS hides the marker of a <summary>, so plain text would not look clickable).
    summary = panel.locator(".disclosure-entry-status__count summary")
    record_link = panel.get_by_role("link", name="查看审核记录")
    link_look = "e => [getComputedStyle(e).color, getComputedStyle(e).textDecorationLine]"
    assert summary.evaluate(link_look)[0] == record_link.evaluate(link_look)[0]
    assert "underline" in summary.evaluate(link_look)[1]
    summary.click()
    count = text_of(panel.locator(".disclosure-entry-status__count ul"))
    assert start.isoformat() in count and deadline.due_date.isoformat() in count

    # The review record of this version lists both steps.
    with page.expect_navigation():
        panel.get_by_role("link", name="查看审核记录").click()
    steps = row_texts(page, "table.decisions tbody tr")
    assert len(steps) == 2, steps
    assert steps[0].startswith("已提交部门审核") and "郑蓉" in steps[0]
    assert steps[1].startswith("已退回修改") and "邱思齐" in steps[1]
    assert SEND_BACK_REASON in steps[1]
    page.context.close()


# -- department reviewer -----------------------------------------------------------------


def test_department_reviewer_works_the_queue_by_deadline(
    browser, live_server, university, tmp_path
):
    u = university
    overdue_start, overdue = start_for(DeadlineState.OVERDUE, -3)
    soon_start, soon = start_for(DeadlineState.DUE_SOON, 2)
    start, on_time = recently()
    entries = {
        "overdue": u.entry("青岚大学本科课程考核管理办法（修订）", "basic", "2", overdue_start),
        "soon": u.entry("2026—2027学年第一学期校历", "basic", "5", soon_start),
        "on_time": u.entry("青岚大学学籍管理办法（2026年修订）", "students", "36", start),
    }
    for entry in entries.values():
        assert u.take(entry, ("submit", "editor", "请审核。")).state == "submitted"
    assert (overdue.state, soon.state, on_time.state) == (
        DeadlineState.OVERDUE,
        DeadlineState.DUE_SOON,
        DeadlineState.ON_TIME,
    )

    page = log_in_to(browser, live_server.url, QUEUE, "reviewer_jwc", PASSWORD)
    expect(page.locator("h1")).to_contain_text("待我审核")
    rows = queue_rows(page)
    titles = [entry.title for entry in entries.values()]
    # Soonest due first: the overdue row, the due-soon row, then the rest.
    assert list(rows) == titles, rows
    overdue_row, soon_row, on_time_row = (rows[title] for title in titles)
    assert "disclosure-queue-row--overdue" in overdue_row[0]
    assert "已逾期" in overdue_row[1] and days_left(overdue) in overdue_row[1]
    assert "disclosure-queue-row--due-soon" in soon_row[0]
    assert "即将到期" in soon_row[1] and days_left(soon) in soon_row[1]
    assert "disclosure-queue-row--" not in on_time_row[0]
    assert days_left(on_time) in on_time_row[1]
    for _classes, text in rows.values():
        assert "部门审核中" in text and "教务处" in text
    # Each state badge and each "剩余 N 个工作日" on one line, not broken as "部门审核 / 中".
    for selector in (".disclosure-review-state", ".disclosure-deadline-days"):
        for words in page.locator(f"main table tbody {selector}").all():
            assert line_count(words) == 1, text_of(words)
    screenshot(page, "role-department-reviewer.png", tmp_path)

    # Sends the on-time one back, with a reason, from its edit page.
    entry = entries["on_time"]
    with page.expect_navigation():
        page.get_by_role("link", name=entry.title).click()
    panel = status_panel(page)
    assert fact(panel, "审核状态") == "部门审核中"
    assert fact(panel, "下一步") == "等待教务处的部门审核人处理。"
    take_action_from_menu(page, transition_url(entry, "reject"), SEND_BACK_REASON)
    review = EntryReview.objects.get(page_id=entry.pk)
    assert (review.state, review.last_comment) == ("draft", SEND_BACK_REASON)
    # The edit page it lands on says so, and the queue no longer lists the entry.
    panel = status_panel(page)
    assert panel.get_attribute("data-review-state") == "draft"
    assert SEND_BACK_REASON in text_of(panel.locator(".disclosure-send-back-reason"))
    assert goto(page, live_server.url + QUEUE) == 200
    assert list(queue_rows(page)) == titles[:2]
    page.context.close()


# -- confidentiality reviewer ------------------------------------------------------------


def test_confidentiality_reviewer_clears_an_entry(browser, live_server, university, tmp_path):
    u = university
    start, deadline = recently(days=6)
    entry = u.entry("青岚大学本科课程考核管理办法（修订）", "basic", "2", start)
    other = u.entry("2026—2027学年第一学期校历", "basic", "5", recently()[0])
    for item in (entry, other):
        review = u.take(
            item,
            ("submit", "editor", "请审核。"),
            ("approve", "reviewer", "内容属实，同意公开。"),
        )
        assert review.state == "department_approved"

    page = log_in_to(browser, live_server.url, QUEUE, "secrecy", PASSWORD)
    rows = queue_rows(page)
    assert list(rows) == [entry.title, other.title], rows
    assert all("保密审查中" in text for _classes, text in rows.values())

    with page.expect_navigation():
        page.get_by_role("link", name=entry.title).click()
    assert page.url.endswith(edit_url(entry)), page.url
    panel = status_panel(page)
    assert panel.get_attribute("data-review-state") == "department_approved"
    assert fact(panel, "审核状态") == "保密审查中"
    assert fact(panel, "下一步") == "等待教务处的保密审查员处理。"
    assert fact(panel, "分管校领导签批") == "不需要"
    assert days_left(deadline) in fact(panel, "办理期限")
    last = fact(panel, "最近一次决定")
    assert last.startswith("已通过部门审核 (邱思齐)") and "内容属实，同意公开。" in last
    assert EXACT_TIME.search(text_of(panel.locator(".disclosure-entry-status__last time")))
    screenshot(page, "role-confidentiality-reviewer.png", tmp_path)
    # Wagtail's status side panel carries the review state beside its own "Draft".
    page.locator("[data-side-panel-toggle='status']").click()
    side = page.locator(".disclosure-side-panel-state")
    expect(side).to_contain_text("保密审查中")
    page.locator("[data-side-panel-toggle='status']").click()  # close it again
    expect(side).to_be_hidden()

    take_action_from_menu(page, transition_url(entry, "clear"), "经审查，不涉及国家秘密。")
    assert EntryReview.objects.get(page_id=entry.pk).state == "cleared"
    panel = status_panel(page)
    assert fact(panel, "审核状态") == "已通过保密审查，待签批或发布"
    assert fact(panel, "下一步") == "等待教务处的信息公开办公室处理。"
    assert fact(panel, "最近一次决定").startswith("已通过保密审查 (钟正平)")
    page.context.close()


# -- sign-off leader ---------------------------------------------------------------------


def test_leader_signs_off_a_major_matter(browser, live_server, university, tmp_path):
    u = university
    start, deadline = recently(days=9)
    entry = u.entry(
        "青岚大学本科教学质量报告（2025—2026学年）",
        "teaching",
        "35",
        start,
        is_major_matter=True,
    )
    review = u.take(
        entry,
        ("submit", "editor", "请审核。"),
        ("approve", "reviewer", "数据已核对。"),
        ("clear", "secrecy", "不涉密，同意公开。"),
    )
    assert review.state == "cleared" and review.requires_sign_off

    page = log_in_to(browser, live_server.url, QUEUE, "leader", PASSWORD)
    rows = queue_rows(page)
    assert list(rows) == [entry.title], rows
    assert days_left(deadline) in rows[entry.title][1]

    with page.expect_navigation():
        page.get_by_role("link", name=entry.title).click()
    panel = status_panel(page)
    assert fact(panel, "审核状态") == "已通过保密审查，待签批或发布"
    assert fact(panel, "分管校领导签批") == "需要"
    assert fact(panel, "下一步") == "等待教务处的分管校领导处理。"
    assert fact(panel, "最近一次决定").startswith("已通过保密审查 (钟正平)")
    screenshot(page, "role-leader.png", tmp_path)

    take_action_from_menu(page, transition_url(entry, "sign_off"), "同意公开。")
    assert EntryReview.objects.get(page_id=entry.pk).state == "signed_off"
    panel = status_panel(page)
    assert fact(panel, "审核状态") == "已签批，待发布"
    assert fact(panel, "下一步") == "等待教务处的信息公开办公室处理。"
    page.context.close()


# -- disclosure office -------------------------------------------------------------------


def test_office_publishes_and_files_the_review_record(browser, live_server, university, tmp_path):
    u = university
    start, _deadline = recently(days=9)
    entry = u.entry(
        "青岚大学本科教学质量报告（2025—2026学年）",
        "teaching",
        "35",
        start,
        is_major_matter=True,
        document_number="青岚教〔2026〕18号",
    )
    comments = {
        "submit": "请审核。",
        "approve": "数据已核对，同意公开。",
        "clear": "经审查，不涉及国家秘密和工作秘密。",
        "sign_off": "同意公开。",
    }
    people = {"submit": "editor", "approve": "reviewer", "clear": "secrecy", "sign_off": "leader"}
    review = u.take(entry, *((name, people[name], comments[name]) for name in comments))
    assert review.state == "signed_off"

    page = log_in_to(browser, live_server.url, QUEUE, "office", PASSWORD)
    assert list(queue_rows(page)) == [entry.title]
    with page.expect_navigation():
        page.get_by_role("link", name=entry.title).click()
    panel = status_panel(page)
    assert fact(panel, "审核状态") == "已签批，待发布"
    assert fact(panel, "下一步") == "等待教务处的信息公开办公室处理。"

    take_action_from_menu(page, transition_url(entry, "publish"), "按期公开。")
    comments["publish"] = "按期公开。"
    entry.refresh_from_db()
    assert entry.live and EntryReview.objects.get(page_id=entry.pk).state == "published"
    panel = status_panel(page)
    assert fact(panel, "审核状态") == "已公开"
    assert fact(panel, "下一步") == "无：此版本已发布。"

    # The record of the published version: every step, with its time and comment.
    with page.expect_navigation():
        panel.get_by_role("link", name="查看审核记录").click()
    expect(page.locator("h1")).to_have_text("审核记录")
    metadata = text_of(page.locator("table.metadata"))
    assert entry.title in metadata and "青岚教〔2026〕18号" in metadata
    assert start.isoformat() in metadata
    steps = page.locator("table.decisions tbody tr")
    expect(steps).to_have_count(5)
    logged = list(
        PageLogEntry.objects.filter(page_id=entry.pk, action__startswith="wagtail_disclosure.")
        .exclude(action="wagtail_disclosure.reopen")
        .order_by("timestamp", "pk")
    )
    assert len(logged) == 5
    expected_people = ["郑蓉", "邱思齐", "钟正平", "顾承安", "杜文清"]
    for row, name, person, log in zip(steps.all(), comments, expected_people, logged, strict=True):
        cells = [text_of(cell) for cell in row.locator("td").all()]
        assert row.get_attribute("class").split()[:2] == ["step", f"step-{name}"]
        assert cells[1] == person
        assert EXACT_TIME.match(cells[2]), cells
        assert cells[2] == timezone.localtime(log.timestamp).strftime("%Y-%m-%d %H:%M")
        assert cells[4] == comments[name]
        # A name or a time on one line, not broken (as 邱思 / 齐) in a narrow column.
        for cell in ("td.step-label", "td.person", "td.time"):
            assert line_count(row.locator(cell)) == 1, (cell, cells)
    screenshot(page, "role-office.png", tmp_path, full_page=True)

    # The same record as Word.
    href = page.get_by_role("link", name="下载 Word 文档（.docx）").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.status == 200
    assert response.headers["content-type"] == DOCX_CONTENT_TYPE
    assert response.body()[:2] == b"PK"
    page.context.close()
