"""The review workflow end to end, in a real headless Chromium (acceptance of the issue).

An editor of 教务处 drafts and submits an admissions entry through the admin, the
department's reviewer approves, the confidentiality reviewer clears and the disclosure
office publishes; the entry then shows on the public catalogue. A reviewer of 财务处
never sees the action. Every step goes through the admin UI (login form, page editor,
action menu, confirmation form); the database is only read to check the review state.

Screenshots go to the test's tmp dir. Set WAGTAIL_DISCLOSURE_UPDATE_SCREENSHOTS=1 to
refresh docs/images/review-action-menu.png as well.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from playwright.sync_api import expect
from wagtail.models import GroupPagePermission

from tests.browser import (
    action_links,
    chromium,
    goto,
    log_in,
    new_page,
    open_action_menu,
    page_messages,
    take_action_from_menu,
)
from tests.utils import category_page, make_department, make_section
from wagtail_disclosure.models import ChecklistItem, DisclosureEntryPage, EntryReview
from wagtail_disclosure.permissions import Role, assign_role

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread: the data must be committed. Transactional
    # flushes wipe the checklist migration rows and Wagtail's root page; restore them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct horse battery staple"
DOCS_SCREENSHOT = Path(__file__).resolve().parent.parent / "docs/images/review-action-menu.png"
TITLE = "2026年本科招生章程"


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API keeps an event loop running in this thread between calls;
    # the ORM calls of the test itself are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as launched:
        yield launched


def staff_user(django_user_model, username, section):
    """Admin access and add/change page permission on the section (through a group)."""
    user = django_user_model.objects.create_user(username, password=PASSWORD)
    group, created = Group.objects.get_or_create(name="信息公开 editors")
    if created:
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        for codename in ("add_page", "change_page"):
            GroupPagePermission.objects.create(
                group=group,
                page=section,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
    user.groups.add(group)
    return user


def review_state(page_id):
    return EntryReview.objects.get(page_id=page_id).state


def test_entry_goes_through_review_to_the_public_catalogue(
    browser, live_server, django_user_model, tmp_path
):
    section = make_section()
    admissions = category_page(section, "admissions")
    jwc = make_department("JWC", "教务处")
    cwc = make_department("CWC", "财务处")
    item = ChecklistItem.objects.filter(category_id=admissions.category_id).order_by("number")[1]

    editor = staff_user(django_user_model, "editor", section)
    assign_role(editor, Role.DEPARTMENT_EDITOR, jwc)
    dept_reviewer = staff_user(django_user_model, "reviewer", section)
    assign_role(dept_reviewer, Role.DEPARTMENT_REVIEWER, jwc)
    outsider = staff_user(django_user_model, "outsider", section)
    assign_role(outsider, Role.DEPARTMENT_REVIEWER, cwc)
    censor = staff_user(django_user_model, "censor", section)
    censors = Group.objects.create(name="保密审查")
    censors.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtail_disclosure", codename=Role.CONFIDENTIALITY_REVIEWER
        )
    )
    censor.groups.add(censors)
    office = staff_user(django_user_model, "office", section)
    assign_role(office, Role.DISCLOSURE_OFFICE)

    base = live_server.url

    # -- the editor drafts the entry in the page editor and submits it ------------------
    page = log_in(browser, base, "editor", PASSWORD)
    add_url = reverse(
        "wagtailadmin_pages:add", args=["wagtail_disclosure", "admissionsentrypage", admissions.pk]
    )
    assert goto(page, base + add_url) == 200
    page.fill("#id_title", TITLE)
    # fill() sets the value in one go; Wagtail copies the title into the slug on keyup
    # (debounced), so finish with a keystroke as a person typing would.
    page.locator("#id_title").press("End")
    expect(page.locator("#id_slug")).to_have_value(TITLE)
    page.select_option("#id_checklist_item", str(item.pk))
    page.select_option("#id_department", str(jwc.pk))
    page.fill("#id_document_date", "2026-03-02")
    page.keyboard.press("Escape")  # close the date picker
    with page.expect_navigation():
        page.locator("footer button.action-save").click()
    entry = DisclosureEntryPage.objects.filter(title=TITLE).first()
    assert entry is not None, page_messages(page)
    edit_url = reverse("wagtailadmin_pages:edit", args=[entry.pk])
    assert page.url.endswith(edit_url), page.url
    assert entry.department == jwc and entry.checklist_item == item
    assert str(entry.document_date) == "2026-03-02"
    assert not entry.live and review_state(entry.pk) == "draft"

    def transition_url(name):
        return reverse("wagtail_disclosure:entry_transition", args=[entry.pk, name])

    assert action_links(page) == [transition_url("submit")]
    take_action_from_menu(page, transition_url("submit"), "请部门审核")
    assert page.url.endswith(edit_url), page.url
    assert review_state(entry.pk) == "submitted"
    submitted = EntryReview.objects.get(page_id=entry.pk)
    assert (submitted.submitted_by, submitted.last_comment) == (editor, "请部门审核")
    page.context.close()

    # -- a reviewer of another department never sees the action -------------------------
    page = log_in(browser, base, "outsider", PASSWORD)
    status = goto(page, base + edit_url)
    edit_view_denied = status != 200 or not page.url.endswith(edit_url)
    if not edit_view_denied:
        assert action_links(page) == []
    assert transition_url("approve") not in page.content()
    assert goto(page, base + reverse("wagtail_disclosure:review_queue")) == 200
    assert TITLE not in page.content()
    assert goto(page, base + transition_url("approve")) == 403
    assert page.locator(".disclosure-transition-refused[data-status='403']").count() == 1
    assert review_state(entry.pk) == "submitted"
    page.context.close()

    # -- the department reviewer approves -------------------------------------------------
    # In English, to match the docs the screenshot is for.
    page = log_in(browser, base, "reviewer", PASSWORD, locale="en-US")
    assert goto(page, base + reverse("wagtail_disclosure:review_queue")) == 200
    assert page.get_by_role("link", name=TITLE).count() == 1
    assert goto(page, base + edit_url) == 200
    assert action_links(page) == [transition_url("approve"), transition_url("reject")]
    open_action_menu(page)
    screenshot = tmp_path / "review-action-menu.png"
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size < 300_000
    if os.environ.get("WAGTAIL_DISCLOSURE_UPDATE_SCREENSHOTS"):
        DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        DOCS_SCREENSHOT.write_bytes(screenshot.read_bytes())
    page.keyboard.press("Escape")
    take_action_from_menu(page, transition_url("approve"), "内容属实，同意公开")
    assert review_state(entry.pk) == "department_approved"
    page.context.close()

    # -- the confidentiality reviewer clears ------------------------------------------------
    page = log_in(browser, base, "censor", PASSWORD)
    assert goto(page, base + edit_url) == 200
    take_action_from_menu(page, transition_url("clear"), "不涉密")
    assert review_state(entry.pk) == "cleared"
    page.context.close()

    # -- the disclosure office publishes ---------------------------------------------------
    page = log_in(browser, base, "office", PASSWORD)
    assert goto(page, base + edit_url) == 200
    take_action_from_menu(page, transition_url("publish"), "")
    review = EntryReview.objects.get(page_id=entry.pk)
    assert review.state == "published"
    assert (review.approved_by, review.cleared_by, review.published_by) == (
        dept_reviewer,
        censor,
        office,
    )
    entry.refresh_from_db()
    assert entry.live

    # -- the public catalogue lists it ------------------------------------------------------
    page.context.close()
    catalogue = new_page(browser)  # anonymous
    assert goto(catalogue, base + "/") == 200
    listed = catalogue.locator(".catalogue").get_by_text(TITLE)
    assert listed.count() >= 1, "the entry is not on the catalogue"
    # The compact catalogue folds each category, and each item's latest entries, into a
    # closed <details> (no JavaScript): open the ones that hold the entry, outermost first.
    for details in catalogue.locator(".catalogue details").filter(has_text=TITLE).all():
        details.locator(":scope > summary").click()
    listed.first.scroll_into_view_if_needed()
    catalogue.screenshot(path=str(tmp_path / "catalogue.png"))
    with catalogue.expect_navigation():
        listed.first.click()
    assert catalogue.locator("h1").inner_text() == TITLE
    catalogue.context.close()
