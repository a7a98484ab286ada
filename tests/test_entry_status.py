"""Where an entry stands and why it came back (issue 11, parts 1 and 2): the "Review
status" panel of the edit page, the review state beside Wagtail's own status, the history's
comments and times, the send-back notice, and 我的条目 (list and dashboard panel)."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from wagtail.models import PageLogEntry

from tests.utils import category_page, grant, make_department, make_entry, reviewer, staff
from wagtail_disclosure.models import EntryReview, WorkingDayOverride
from wagtail_disclosure.permissions import Role
from wagtail_disclosure.status import count_details, entry_status, my_entries
from wagtail_disclosure.workflow import take_transition
from wagtail_disclosure.working_days import DeadlineStatus

pytestmark = pytest.mark.django_db

MINE = "/admin/disclosure/mine/"


@pytest.fixture(autouse=True)
def english(settings):
    """The admin in English (the tests' default is zh-hans): assertions read source strings."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def section(shared_section):
    return shared_section


@pytest.fixture
def jwc():
    return make_department("JWC", "教务处")


@pytest.fixture
def editor(django_user_model, section, jwc):
    user = staff(django_user_model, "status-editor", section, email="ed@example.edu.cn")
    grant(user, Role.DEPARTMENT_EDITOR, jwc)
    return user


def state(entry):
    return EntryReview.objects.get(page_id=entry.pk).state


def draft_by(user, section, department, **fields):
    """An entry whose latest revision ``user`` wrote."""
    entry = make_entry(section, publish=False, department=department, **fields)
    entry.save_revision(user=user)
    return entry


def edit_page(client, user, entry):
    client.force_login(user)
    with translation.override("en"):
        response = client.get(reverse("wagtailadmin_pages:edit", args=[entry.pk]))
    assert response.status_code == 200
    return response.content.decode()


# -- the "Review status" panel of the edit page -------------------------------------------------


def test_edit_page_shows_where_the_entry_stands(section, jwc, client):
    entry = make_entry(section, publish=False, department=jwc, document_date=timezone.localdate())
    boss = reviewer()
    take_transition(entry, "submit", boss)
    take_transition(entry, "approve", boss, comment="部门同意")
    assert state(entry) == "department_approved"

    html = edit_page(client, boss, entry)
    assert "Review status" in html
    assert 'class="disclosure-entry-status" data-review-state="department_approved"' in html
    assert "In confidentiality review" in html
    # Who acts next: the role responsible for the state, in the entry's department.
    assert "Waiting for the Confidentiality reviewer of 教务处." in html
    # The deadline, and how it was counted, without JavaScript.
    assert "<details" in html and "How it was counted" in html
    assert "working days left" in html or "Due today" in html
    assert "Sign-off by the leader in charge" in html and "Not needed" in html
    # The last decision, its comment and its exact time.
    decision = PageLogEntry.objects.filter(
        page_id=entry.pk, action="wagtail_disclosure.approve"
    ).get()
    assert "Approved by the department" in html and "部门同意" in html
    assert timezone.localtime(decision.timestamp).strftime("%Y-%m-%d %H:%M") in html
    # The link to the review record, when that view exists.
    try:
        record = reverse("wagtail_disclosure:review_record", args=[entry.pk])
    except NoReverseMatch:
        assert "Open the review record" not in html
    else:
        assert record in html


def test_review_state_beside_wagtails_draft_in_the_status_side_panel(section, jwc, client):
    entry = make_entry(section, publish=False, department=jwc)
    take_transition(entry, "submit", reviewer())
    take_transition(entry, "approve", reviewer())
    html = edit_page(client, reviewer(), entry)
    # Wagtail's own "Draft" is still there; the review state follows it.
    side = " ".join(html[html.index("disclosure-side-panel-state") :].split())[:600]
    assert side.startswith('disclosure-side-panel-state" data-review-state="department_approved"')
    assert "Review: In confidentiality review" in side
    assert "Waiting for the Confidentiality reviewer of 教务处." in side


def test_sign_off_shown_as_needed_for_a_major_matter(section, jwc):
    entry = make_entry(section, publish=False, department=jwc, is_major_matter=True)
    take_transition(entry, "submit", reviewer())
    status = entry_status(entry)
    assert status.sign_off_required is True
    assert status.responsible_role == Role.DEPARTMENT_REVIEWER


def test_a_new_entry_has_no_status(section):
    assert entry_status(None) is None


def test_deadline_count_lists_skipped_holidays_and_make_up_days(section, jwc):
    # 2031: beyond any holiday data; the overrides are the whole schedule.
    WorkingDayOverride.objects.create(date=datetime.date(2031, 3, 5), is_working_day=False)
    WorkingDayOverride.objects.create(date=datetime.date(2031, 3, 8), is_working_day=True)
    deadline = DeadlineStatus.compute(datetime.date(2031, 3, 3), 5, today=datetime.date(2031, 3, 3))
    count = count_details(deadline)
    assert count.start == datetime.date(2031, 3, 3) and count.working_days == 5
    # 4th, (5th holiday), 6th, 7th, 8th (Saturday, worked), 10th: five working days.
    assert deadline.due_date == count.due_date == datetime.date(2031, 3, 10)
    assert count.holidays == [datetime.date(2031, 3, 5)]
    assert count.make_up_days == [datetime.date(2031, 3, 8)]


# -- why it came back -------------------------------------------------------------------------


def test_send_back_reason_is_prominent_on_the_edit_page(section, jwc, editor, client):
    entry = draft_by(editor, section, jwc)
    take_transition(entry, "submit", editor)
    take_transition(entry, "reject", reviewer(), comment="附件缺第3页")
    assert state(entry) == "draft"

    html = edit_page(client, editor, entry)
    assert "disclosure-send-back-reason" in html
    notice = html[html.index("disclosure-send-back") :]
    assert "Sent back to draft" in notice[:800]
    assert "Reason: 附件缺第3页" in " ".join(notice[:1200].split())


def test_no_send_back_notice_once_resubmitted(section, jwc, editor, client):
    entry = draft_by(editor, section, jwc)
    take_transition(entry, "submit", editor)
    take_transition(entry, "reject", reviewer(), comment="附件缺第3页")
    take_transition(entry, "submit", editor)
    html = edit_page(client, reviewer(), entry)
    assert 'data-review-state="submitted"' in html
    assert "disclosure-send-back-reason" not in html


def test_history_shows_each_comment_and_the_exact_time(section, jwc, client):
    entry = make_entry(section, publish=False, department=jwc)
    boss = reviewer()
    take_transition(entry, "submit", boss)
    take_transition(entry, "reject", boss, comment="标题不规范")
    rejected = PageLogEntry.objects.get(page_id=entry.pk, action="wagtail_disclosure.reject")
    submitted = PageLogEntry.objects.get(page_id=entry.pk, action="wagtail_disclosure.submit")
    rejected_at = timezone.localtime(rejected.timestamp).strftime("%Y-%m-%d %H:%M")
    submitted_at = timezone.localtime(submitted.timestamp).strftime("%Y-%m-%d %H:%M")
    # The formatter: message unchanged, comment with the time and the reason.
    with translation.override("en"):
        assert str(rejected.message) == "Sent back to draft"
    assert rejected.comment == f"{rejected_at} · 标题不规范"
    assert submitted.comment == submitted_at

    client.force_login(boss)
    with translation.override("en"):
        response = client.get(reverse("wagtailadmin_pages:history", args=[entry.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{rejected_at} · 标题不规范" in html
    assert submitted_at in html


def test_send_back_notice_gives_the_reason(section, jwc, editor, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    entry = draft_by(editor, section, jwc)
    take_transition(entry, "submit", editor)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        take_transition(entry, "reject", reviewer(), comment="请补充附件")
    assert [m.to for m in mail.outbox] == [["ed@example.edu.cn"]]
    body = mail.outbox[0].body
    assert "请补充附件" in body
    assert "Reason: 请补充附件" in body or "理由：请补充附件" in body or "原因：请补充附件" in body
    assert "Comment: 请补充附件" not in body


# -- the page explorer ------------------------------------------------------------------------


def test_explorer_listing_shows_the_review_state(section, jwc, admin_client):
    entry = make_entry(section, publish=False, department=jwc, title="在审条目")
    take_transition(entry, "submit", reviewer())
    explore = reverse("wagtailadmin_explore", args=[category_page(section, "admissions").pk])
    with translation.override("en"):
        html = admin_client.get(explore).content.decode()
    assert "在审条目" in html
    assert "In department review" in html


# -- my entries -------------------------------------------------------------------------------


def build_mine(section, jwc, editor, n=1):
    """``n`` drafts, ``n`` in review and ``n`` sent back by ``editor``; one entry of
    someone else."""
    entries = {"draft": [], "in_review": [], "sent_back": []}
    for i in range(n):
        entries["draft"].append(draft_by(editor, section, jwc, title=f"草稿{i}"))
        submitted = draft_by(editor, section, jwc, title=f"在审{i}")
        take_transition(submitted, "submit", editor)
        entries["in_review"].append(submitted)
        back = draft_by(editor, section, jwc, title=f"退回{i}")
        take_transition(back, "submit", editor)
        take_transition(back, "reject", reviewer(), comment=f"理由{i}")
        entries["sent_back"].append(back)
    make_entry(section, publish=False, department=jwc, title="别人的")
    return entries


def test_my_entries_are_grouped(section, jwc, editor):
    built = build_mine(section, jwc, editor)
    groups = my_entries(editor)
    assert [r.page_id for r in groups.drafts] == [e.pk for e in built["draft"]]
    assert [r.page_id for r in groups.in_review] == [e.pk for e in built["in_review"]]
    assert [r.page_id for r in groups.sent_back] == [e.pk for e in built["sent_back"]]
    (back,) = groups.sent_back
    assert back.send_back_reason == "理由0"
    (waiting,) = groups.in_review
    assert waiting.responsible_role_label == Role.DEPARTMENT_REVIEWER.label
    assert waiting.acting_department_name == "教务处"


def test_my_entries_view(section, jwc, editor, client):
    build_mine(section, jwc, editor)
    client.force_login(editor)
    with translation.override("en"):
        response = client.get(MINE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "草稿0" in html and "在审0" in html and "退回0" in html
    assert "别人的" not in html
    assert "理由0" in html
    assert "Department reviewer of 教务处" in html
    assert html.index("Sent back to me") < html.index("In review") < html.index("Drafts")


def test_my_entries_costs_the_same_queries_for_more_entries(section, jwc, editor, client):
    client.force_login(editor)
    build_mine(section, jwc, editor, n=1)
    client.get(MINE)  # warm caches (content types, site root)
    with CaptureQueriesContext(connection) as few:
        assert client.get(MINE).status_code == 200
    build_mine(section, jwc, editor, n=4)
    assert len(my_entries(editor).sent_back) == 5
    with CaptureQueriesContext(connection) as many:
        assert client.get(MINE).status_code == 200
    assert len(many) == len(few)


def test_dashboard_panel_counts_and_lists_the_latest_sent_back(section, jwc, editor, client):
    build_mine(section, jwc, editor, n=3)
    client.force_login(editor)
    with translation.override("en"):
        response = client.get(reverse("wagtailadmin_home"))
    html = response.content.decode()
    assert 'id="disclosure-my-entries' in html or "disclosure-my-entries" in html
    panel = " ".join(html[html.index("disclosure-my-entries-summary") :].split())
    assert "3 sent back to you" in panel and "3 in review" in panel and "3 drafts" in panel
    for i in range(3):
        assert f"理由{i}" in panel
    assert MINE in html  # the menu item and the panel's link


def test_dashboard_panel_query_count_is_constant(section, jwc, editor, rf):
    from wagtail_disclosure.views.entry_status import MyEntriesPanel

    request = rf.get("/admin/")
    request.user = editor
    build_mine(section, jwc, editor, n=1)
    MyEntriesPanel().render_html({"request": request})
    with CaptureQueriesContext(connection) as few:
        MyEntriesPanel().render_html({"request": request})
    build_mine(section, jwc, editor, n=6)
    with CaptureQueriesContext(connection) as many:
        html = MyEntriesPanel().render_html({"request": request})
    assert html.count("disclosure-send-back-reason") == 5  # the 5 latest
    assert len(many) == len(few)


def test_my_entries_only_for_editors(section, jwc, django_user_model, client):
    reader = staff(django_user_model, "status-reader", section)
    grant(reader, Role.DEPARTMENT_REVIEWER, jwc)
    client.force_login(reader)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "disclosure-my-entries-summary" not in html
    assert MINE not in html
