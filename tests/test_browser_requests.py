"""A request for information (依申请公开) from the form to the lookup, in a real headless
Chromium, in Chinese (issue 13's acceptance path).

An applicant submits the online form and reads the tracking number and 查询码 from the
receipt; the disclosure office asks for a correction (补正), records the corrected request
(the reply clock starts again from it) and routes the case to 教务处; 教务处's request
handler signs for it and proposes the answer 部分公开; the office answers, issues the
答复书 from the case page's letters section (and reads it on its print page) and records
the delivery; the applicant's status
lookup shows the new state, and nothing of the request itself.

Every step of the case is taken through the forms of the case page, as the person whose
step it is, each in their own browser context, logged in through the admin login form.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect
from wagtail.models import PageViewRestriction

from tests.browser import chromium_for_module, goto, log_in_to, new_page, page_messages, text_of
from tests.utils import make_department, make_section, staff
from wagtail_disclosure.models import (
    DisclosureRequest,
    DisclosureRequestPage,
    RequestLetter,
    RequestState,
)
from wagtail_disclosure.permissions import Role, assign_role, has_role, holds_role_everywhere
from wagtail_disclosure.request_forms import resident_id_is_valid

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread: the data must be committed (as in
    # tests/test_browser_roles.py).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pw"  # tests.utils.staff
ID_NUMBER = "11010519491231002X"
DESCRIPTION = "青岚大学2025年度本科招生计划执行情况及各专业录取人数"
CORRECTION_ITEMS = "请补充：所需信息的年份范围和具体专业名称。"
PARTIAL_REASON = "各专业录取人数中涉及考生个人信息的部分不予公开。"
#: How long before today the applicant submitted, and asked to correct (so that the
#: restart of the clock on the corrected request is a date of its own).
SUBMITTED_DAYS_AGO = 7
CORRECTION_DAYS_AGO = 5


@pytest.fixture(scope="module")
def browser(django_db_setup, django_db_blocker):
    """One Chromium for the module (see ``chromium_for_module`` for the database)."""
    with chromium_for_module(django_db_blocker) as launched:
        yield launched


@pytest.fixture
def office_and_department(django_user_model, settings):
    settings.WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no request to gravatar.com
    settings.WAGTAIL_DISCLOSURE_REQUEST_SUBMIT_RATE = None
    settings.WAGTAIL_DISCLOSURE_REQUEST_LOOKUP_RATE = None
    section = make_section()
    request_page = section.add_child(
        instance=DisclosureRequestPage(
            title="依申请公开",
            slug="apply",
            commitment="本人承诺所获取的信息只用于自身的特殊需要，所填信息真实。",
        )
    )
    request_page.save_revision().publish()
    request_page.refresh_from_db()
    jwc = make_department("JWC", "教务处")
    office = staff(django_user_model, "office", last_name="杜", first_name="文清")
    assign_role(office, Role.DISCLOSURE_OFFICE)
    handler = staff(django_user_model, "handler_jwc", last_name="郑", first_name="蓉")
    assign_role(handler, Role.REQUEST_HANDLER, jwc)

    assert request_page.live and request_page.url == "/apply/"
    assert not PageViewRestriction.objects.filter(page__in=request_page.get_ancestors(True))
    assert holds_role_everywhere(office, Role.DISCLOSURE_OFFICE)
    assert office.has_perm("wagtailadmin.access_admin")
    assert has_role(handler, Role.REQUEST_HANDLER, jwc.pk)
    assert not holds_role_everywhere(handler, Role.REQUEST_HANDLER)
    assert handler.has_perm("wagtailadmin.access_admin")
    assert resident_id_is_valid(ID_NUMBER)
    assert not DisclosureRequest.objects.exists()
    return request_page, jwc, office


def case_url(case):
    return reverse("disclosure_requests:inspect", args=[case.pk])


def take_step(page, case, name, **fields):
    """Fill the step's form on the case page (``fields``: option or comment → value) and
    submit it; returns the case as stored afterwards."""
    url = reverse("disclosure_requests:transition", args=[case.pk, name])
    form = page.locator(f"form.disclosure-case-action[action='{url}']")
    expect(form).to_have_count(1)
    for field, value in fields.items():
        selector = f"#id_{name}_{field}"
        if form.locator(selector).evaluate("e => e.tagName") == "SELECT":
            form.locator(selector).select_option(value)
        else:
            form.locator(selector).fill(value)
    with page.expect_navigation():
        form.locator(f"button[name=transition][value={name}]").click()
    assert page.url.endswith(case_url(case)), page.url
    expect(page.locator(".messages .error")).to_have_count(0)
    return DisclosureRequest.objects.get(pk=case.pk)


def shown_state(page):
    return page.locator("#case-summary + dl .w-status").get_attribute("data-state")


def clock_explanation(page):
    return text_of(page.locator("section[aria-labelledby=case-clock] > p"))


def test_a_request_from_the_form_to_the_answer_and_the_lookup(
    browser, live_server, office_and_department
):
    request_page, jwc, office_user = office_and_department
    base = live_server.url
    today = timezone.localdate()

    # -- the applicant submits (no login) -------------------------------------------
    applicant = new_page(browser)
    assert goto(applicant, base + request_page.url) == 200
    applicant.check("input[name=applicant_type][value=person]")
    applicant.fill("#id_name", "李四")
    applicant.select_option("#id_id_type", "resident_id")
    applicant.fill("#id_id_number", ID_NUMBER)
    applicant.fill("#id_phone", "0571-88886666")
    applicant.fill("#id_email", "lisi@example.com")
    applicant.fill("#id_description", DESCRIPTION)
    applicant.fill("#id_purpose", "升学咨询")
    applicant.check("input[name=delivery][value=email]")
    applicant.check("#id_commitment")
    with applicant.expect_navigation():
        applicant.get_by_role("button", name="提交申请").click()
    receipt_url = base + request_page.url + request_page.reverse_subpage("receipt")
    assert applicant.url == receipt_url, page_messages(applicant)
    tracking_number = text_of(applicant.locator("dt:text-is('受理编号') + dd"))
    lookup_code = text_of(applicant.locator("dt:text-is('查询码') + dd"))
    assert tracking_number.startswith(f"YSQ-{today.year}-"), tracking_number
    case = DisclosureRequest.objects.get()
    assert (case.tracking_number, case.lookup_code) == (tracking_number, lookup_code)
    assert (case.name, case.id_number, case.description) == ("李四", ID_NUMBER, DESCRIPTION)
    assert case.state == RequestState.RECEIVED and case.received_on == today
    # The applicant handed it in a week ago (the receipt was the same then): the
    # correction, and the restart of the clock, fall on days of their own.
    received_on = today - datetime.timedelta(days=SUBMITTED_DAYS_AGO)
    DisclosureRequest.objects.filter(pk=case.pk).update(
        received_on=received_on,
        submitted_at=case.submitted_at - datetime.timedelta(days=SUBMITTED_DAYS_AGO),
    )

    # -- the office asks for a correction, records it, routes the case --------------
    office = log_in_to(browser, base, case_url(case), "office", PASSWORD)
    assert shown_state(office) == RequestState.RECEIVED
    assert f"自 {received_on.isoformat()}（第 0 日）" in clock_explanation(office)
    asked_on = today - datetime.timedelta(days=CORRECTION_DAYS_AGO)
    case = take_step(
        office, case, "request_correction", on=asked_on.isoformat(), comment=CORRECTION_ITEMS
    )
    assert case.state == RequestState.CORRECTION
    assert case.correction_items == CORRECTION_ITEMS
    assert shown_state(office) == RequestState.CORRECTION
    expect(office.locator(".disclosure-request-paused")).to_contain_text(asked_on.isoformat())

    case = take_step(office, case, "receive_correction", received_on=today.isoformat())
    assert case.state == RequestState.ACCEPTED and case.clock().start == today
    assert f"自 {today.isoformat()}（第 0 日）" in clock_explanation(office)
    first_day = office.locator("section[aria-labelledby=case-clock] tbody tr").first
    assert first_day.locator("time").get_attribute("datetime") == today.isoformat()
    expect(first_day).to_contain_text("已收到补正后的申请：答复期限重新计算")

    case = take_step(office, case, "route", department=str(jwc.pk), comment="请教务处办理。")
    assert case.state == RequestState.ROUTED and case.department == jwc
    assert text_of(office.locator("#case-summary + dl dt:text-is('承办部门') + dd")) == "教务处"

    # -- 教务处 signs for it and proposes 部分公开 -------------------------------------
    handler = log_in_to(browser, base, case_url(case), "handler_jwc", PASSWORD)
    assert shown_state(handler) == RequestState.ROUTED
    expect(handler.locator("section[aria-labelledby=case-applicant]")).to_contain_text("李四")
    case = take_step(handler, case, "sign_for")
    assert case.state == RequestState.IN_HAND
    case = take_step(handler, case, "propose_answer", outcome="partial", reason=PARTIAL_REASON)
    assert case.state == RequestState.PROPOSED
    assert (case.outcome, case.outcome_reason) == ("partial", PARTIAL_REASON)
    expect(handler.locator("section[aria-labelledby=case-actions]")).to_contain_text(
        "此申请目前没有需要您处理的事项。"
    )
    handler.context.close()

    # -- the office answers, issues the 答复书, records the delivery ----------------
    assert goto(office, base + case_url(case)) == 200
    assert office.locator("#id_answer_outcome").input_value() == "partial"
    case = take_step(office, case, "answer", comment="同意部门意见。")
    assert case.state == RequestState.ANSWERED and case.answered_on == today
    # The 答复书, issued from the case page's letters section.
    office.select_option("#id_letter_kind", "answer")
    with office.expect_navigation():
        office.locator("form[action$='/letter/'] button[type=submit]").click()
    letter = RequestLetter.objects.get(request=case, kind="answer")
    assert letter.issued_by == office_user
    assert letter.number in text_of(office.locator("#case-letters").locator(".."))
    print_url = reverse("wagtail_disclosure:request_letter_print", args=[letter.pk])
    assert goto(office, base + print_url) == 200
    letter_text = text_of(office.locator("main"))
    assert letter.number in letter_text
    assert "部分公开" in letter_text and PARTIAL_REASON in letter_text
    assert "行政复议" in letter_text

    assert goto(office, base + case_url(case)) == 200
    case = take_step(office, case, "deliver", reference="lisi@example.com")
    assert case.state == RequestState.DELIVERED and case.delivered_on == today
    assert shown_state(office) == RequestState.DELIVERED
    office.context.close()

    # -- the applicant looks the request up ------------------------------------------
    lookup_url = base + request_page.url + request_page.reverse_subpage("lookup")
    assert goto(applicant, lookup_url) == 200
    applicant.fill("#id_tracking_number", tracking_number)
    applicant.fill("#id_lookup_code", lookup_code.lower())
    with applicant.expect_navigation():
        applicant.get_by_role("button", name="查询办理状态").click()
    with translation.override("zh-hans"):
        delivered = str(RequestState.DELIVERED.label)
    assert delivered != "Answer delivered"  # the catalogue has it
    result = applicant.locator("section[aria-labelledby=result-heading]")
    expect(result).to_contain_text(tracking_number)
    assert text_of(result.locator("dt:text-is('状态') + dd")) == delivered
    expect(result.locator("time")).to_have_count(3)  # received, answered, delivered
    content = applicant.content()
    for private in (DESCRIPTION, "李四", ID_NUMBER, PARTIAL_REASON, CORRECTION_ITEMS):
        assert private not in content
    applicant.context.close()
