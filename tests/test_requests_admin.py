"""The staff screens of requests for information (依申请公开), over HTTP with real logins:
who sees which case, the identity fields, registration, the steps of a case, the timeline,
the reply clock day by day, extensions, and a listing whose queries do not grow."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.utils import build_once, fresh, grant, make_department, staff
from wagtail_disclosure.models import DisclosureRequest, RequestExtension, RequestState
from wagtail_disclosure.models.requests import ApplicantType, ExtensionState, IdType
from wagtail_disclosure.permissions import Role
from wagtail_disclosure.request_clock import DayStatus, EventKind, PauseReason
from wagtail_disclosure.workflow import take_transition
from wagtail_disclosure.working_days import add_working_days

pytestmark = [pytest.mark.django_db]

D = datetime.date.fromisoformat
PASSWORD = "pw"


def url(name, *args):
    return reverse(f"disclosure_requests:{name}", args=args)


def new_case(**fields):
    values = {
        "applicant_type": ApplicantType.PERSON,
        "name": "张三",
        "id_type": IdType.RESIDENT_ID,
        "id_number": "110101199003070011",
        "phone": "13800000000",
        "description": "2025年本科招生章程的制定依据",
        "received_on": D("2026-02-13"),  # Friday before the Spring Festival
    }
    values.update(fields)
    return DisclosureRequest.objects.create(**values)


def build_world():
    User = get_user_model()
    jwc, cwc = make_department("JWC", "教务处"), make_department("CWC", "财务处")
    office = staff(User, "office")
    grant(office, Role.DISCLOSURE_OFFICE)  # for every department
    handler = staff(User, "jwc-handler", first_name="四", last_name="李")
    grant(handler, Role.REQUEST_HANDLER, jwc)
    other = staff(User, "cwc-handler")
    grant(other, Role.REQUEST_HANDLER, cwc)
    nobody = staff(User, "nobody")
    # A case routed to 教务处 (signed for), one routed to 财务处, one at the office.
    at_jwc = new_case()
    at_jwc = take_transition(at_jwc, "accept", office)
    at_jwc = take_transition(at_jwc, "route", office, department=jwc)
    at_jwc = take_transition(at_jwc, "sign_for", handler)
    at_cwc = new_case(
        name="王五", id_number="110101198001010022", description="2025年学费收入与支出明细"
    )
    at_cwc = take_transition(at_cwc, "accept", office)
    at_cwc = take_transition(at_cwc, "route", office, department=cwc)
    at_office = new_case(name="赵六", description="学校年度预算", received_on=D("2026-03-02"))
    return {
        "jwc": jwc,
        "cwc": cwc,
        "office": office,
        "handler": handler,
        "other": other,
        "nobody": nobody,
        "at_jwc": at_jwc,
        "at_cwc": at_cwc,
        "at_office": at_office,
    }


@pytest.fixture(scope="module")
def _world_once(request, django_db_setup, django_db_blocker):
    yield from build_once(request, django_db_blocker, build_world)


@pytest.fixture
def world(_world_once, db):
    return fresh(_world_once)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def test_the_world_is_as_built(world):
    assert world["at_jwc"].state == RequestState.IN_HAND
    assert world["at_jwc"].department == world["jwc"]
    assert world["at_cwc"].state == RequestState.ROUTED
    assert world["at_cwc"].department == world["cwc"]
    assert world["at_office"].department is None
    assert DisclosureRequest.objects.count() == 3


# -- who sees what ------------------------------------------------------------------------


def test_the_office_sees_every_case_with_the_applicants(client, world):
    login(client, world["office"])
    response = client.get(url("index"))
    assert response.status_code == 200
    html = response.content.decode()
    for case in ("at_jwc", "at_cwc", "at_office"):
        assert world[case].tracking_number in html
    assert "张三" in html and "王五" in html and "赵六" in html
    # The office may register requests: the listing offers it.
    assert url("add") in html
    # Soonest due first: 教务处's and 财务处's cases are due on 12 March (received on 13
    # February), the office's on 23 March (received on 2 March); past them, overdue.
    numbers = re.findall(r"YSQ-2026-\d{4}", html)
    order = [world[case].tracking_number for case in ("at_jwc", "at_cwc", "at_office")]
    assert [number for number in dict.fromkeys(numbers) if number in order] == order
    assert "2026年3月12日" in html or "2026-03-12" in html
    if timezone.localdate() > D("2026-03-23"):
        assert html.count('class="disclosure-queue-row--overdue"') == 3
    # Sorted by a column: the clocks are still shown.
    html = client.get(url("index"), {"ordering": "-received_on"}).content.decode()
    numbers = [n for n in dict.fromkeys(re.findall(r"YSQ-2026-\d{4}", html)) if n in order]
    assert numbers[0] == world["at_office"].tracking_number
    assert "disclosure-deadline" in html


def test_a_handler_sees_only_the_cases_of_their_department(client, world):
    login(client, world["handler"])
    at_jwc, at_cwc, at_office = world["at_jwc"], world["at_cwc"], world["at_office"]
    html = client.get(url("index")).content.decode()
    assert at_jwc.tracking_number in html and "张三" in html
    assert at_cwc.tracking_number not in html and at_office.tracking_number not in html
    assert "王五" not in html and "赵六" not in html
    # Searching the listing stays within the department's cases.
    for query in ("YSQ", "学费", "王五"):
        html = client.get(url("index"), {"q": query}).content.decode()
        assert at_cwc.tracking_number not in html, query
        assert at_office.tracking_number not in html, query
    assert at_jwc.tracking_number in client.get(url("index"), {"q": "招生"}).content.decode()
    # Other departments' cases are not found, whatever the screen.
    assert client.get(url("inspect", at_cwc.pk)).status_code == 404
    for name in ("edit", "history", "delete"):  # the office's screens: refused first
        response = client.get(url(name, at_cwc.pk))
        assert response.status_code in (302, 403, 404), name
        assert at_cwc.tracking_number not in response.content.decode()
    response = client.post(
        url("transition", at_cwc.pk, "sign_for"), {"expected_state": RequestState.ROUTED}
    )
    assert response.status_code == 404
    assert (
        client.post(url("ask_extension", at_cwc.pk), {"days": 5, "reason": "x"}).status_code == 404
    )
    at_cwc.refresh_from_db()
    assert at_cwc.state == RequestState.ROUTED
    # Their own case opens; the office's screens (register, correct) do not.
    assert client.get(url("inspect", at_jwc.pk)).status_code == 200
    assert client.get(url("add")).status_code in (302, 403)
    assert client.get(url("edit", at_jwc.pk)).status_code in (302, 403)


def test_identity_fields_only_for_the_office_and_the_routed_department(client, world):
    at_jwc = world["at_jwc"]
    login(client, world["handler"])
    html = client.get(url("inspect", at_jwc.pk)).content.decode()
    assert "张三" in html and "110101199003070011" in html and "13800000000" in html

    login(client, world["office"])
    html = client.get(url("inspect", at_jwc.pk)).content.decode()
    assert "110101199003070011" in html

    # The case goes back to the office: the department no longer sees who applied.
    take_transition(at_jwc, "return_to_office", world["handler"], comment="不属于本部门职责")
    login(client, world["other"])
    assert client.get(url("inspect", at_jwc.pk)).status_code == 404
    html = client.get(url("index")).content.decode()
    assert "张三" not in html and "110101199003070011" not in html
    # Routed to 财务处 now: its handler sees the identity, 教务处's handler no longer the case.
    take_transition(at_jwc, "route", world["office"], department=world["cwc"])
    html = client.get(url("inspect", at_jwc.pk)).content.decode()
    assert "110101199003070011" in html
    login(client, world["handler"])
    assert client.get(url("inspect", at_jwc.pk)).status_code == 404


def test_a_handler_who_may_see_the_case_but_is_not_assigned_sees_no_identity(client, world):
    """A handler for every department sees the cases at the office too, but not who
    applied until the case is routed (to any department: the role is held there)."""
    roaming = staff(get_user_model(), "roaming")
    grant(roaming, Role.REQUEST_HANDLER)
    login(client, roaming)
    html = client.get(url("inspect", world["at_office"].pk)).content.decode()
    assert world["at_office"].description in html
    assert "赵六" not in html and "110101199003070011" not in html
    listing = client.get(url("index")).content.decode()
    assert world["at_office"].tracking_number in listing and "赵六" not in listing
    assert "张三" in listing  # routed to 教务处, where the role is held


def test_a_user_without_a_role_gets_no_menu_and_no_screen(client, world):
    login(client, world["nobody"])
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert url("index") not in home.content.decode()
    for response in (
        client.get(url("index")),
        client.get(url("inspect", world["at_jwc"].pk)),
        client.get(url("add")),
    ):
        assert response.status_code in (302, 403, 404)
        assert world["at_jwc"].tracking_number not in response.content.decode()
    response = client.post(
        url("transition", world["at_office"].pk, "accept"),
        {"expected_state": RequestState.RECEIVED},
    )
    assert response.status_code == 404
    assert DisclosureRequest.objects.get(pk=world["at_office"].pk).state == RequestState.RECEIVED

    login(client, world["handler"])
    assert url("index") in client.get(reverse("wagtailadmin_home")).content.decode()


# -- registering and correcting -------------------------------------------------------------


def test_the_office_registers_a_request_received_by_post(client, world):
    login(client, world["office"])
    form = client.get(url("add")).content.decode()
    assert 'name="state"' not in form and 'name="tracking_number"' not in form
    assert 'value="online"' not in form  # online requests come from the public form
    response = client.post(
        url("add"),
        {
            "channel": "post",
            "received_on": "2026-03-05",
            "applicant_type": "person",
            "name": "孙七",
            "id_type": "resident_id",
            "id_number": "110101199505050033",
            "address": "北京市海淀区学院路1号",
            "description": "2026年研究生招生复试名单",
            "information_form": "paper",
            "delivery": "post",
            "state": RequestState.CLOSED,  # not a field: ignored
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = DisclosureRequest.objects.get(name="孙七")
    assert case.state == RequestState.RECEIVED
    assert case.channel == "post" and case.received_on == D("2026-03-05")
    assert case.registered_by == world["office"]
    assert response["Location"] == url("inspect", case.pk)


def test_registration_refuses_a_missing_name_and_a_future_date(client, world):
    login(client, world["office"])
    response = client.post(
        url("add"),
        {
            "channel": "in_person",
            "received_on": "2999-01-01",
            "applicant_type": "person",
            "name": "",
            "description": "某文件",
            "information_form": "paper",
            "delivery": "post",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "received_on" in errors and "name" in errors
    assert DisclosureRequest.objects.count() == 3


def test_the_edit_form_corrects_fields_but_never_the_state(client, world):
    at_jwc = world["at_jwc"]
    login(client, world["office"])
    form = client.get(url("edit", at_jwc.pk)).content.decode()
    assert 'name="state"' not in form and 'name="received_on"' not in form
    response = client.post(
        url("edit", at_jwc.pk),
        {
            "applicant_type": "person",
            "name": "张叁",
            "id_type": "resident_id",
            "id_number": "110101199003070011",
            "phone": "13800000000",
            "description": "2025年本科招生章程的制定依据",
            "information_form": "electronic",
            "delivery": "email",
            "state": RequestState.CLOSED,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    at_jwc.refresh_from_db()
    assert at_jwc.name == "张叁" and at_jwc.state == RequestState.IN_HAND


# -- steps of a case --------------------------------------------------------------------------


def test_steps_from_the_case_page_and_the_timeline(client, world):
    at_jwc, handler, office = world["at_jwc"], world["handler"], world["office"]
    login(client, handler)
    page = client.get(url("inspect", at_jwc.pk)).content.decode()
    # Only what the handler may do now, as POST forms to the step view.
    assert url("transition", at_jwc.pk, "propose_answer") in page
    assert url("transition", at_jwc.pk, "answer") not in page
    assert 'method="post"' in page

    # A proposal without the reason its outcome needs: a message, nothing changes.
    response = client.post(
        url("transition", at_jwc.pk, "propose_answer"),
        {"expected_state": RequestState.IN_HAND, "outcome": "partial"},
        follow=True,
    )
    assert response.status_code == 200
    assert DisclosureRequest.objects.get(pk=at_jwc.pk).state == RequestState.IN_HAND
    assert messages_of(response)
    # An outcome that does not exist is refused by the form, not with an error page.
    response = client.post(
        url("transition", at_jwc.pk, "propose_answer"),
        {"expected_state": RequestState.IN_HAND, "outcome": "no-such-outcome"},
    )
    assert response.status_code == 302
    response = client.post(
        url("transition", at_jwc.pk, "propose_answer"),
        {
            "expected_state": RequestState.IN_HAND,
            "outcome": "partial",
            "reason": "部分内容涉及个人隐私",
            "comment": "建议部分公开",
        },
    )
    assert response.status_code == 302 and response["Location"] == url("inspect", at_jwc.pk)
    case = DisclosureRequest.objects.get(pk=at_jwc.pk)
    assert case.state == RequestState.PROPOSED and case.outcome == "partial"

    # The office sends the proposal back, with a comment the timeline shows.
    login(client, office)
    response = client.post(
        url("transition", at_jwc.pk, "send_back_proposal"),
        {"expected_state": RequestState.PROPOSED, "comment": "请补充不予公开部分的法律依据"},
        follow=True,
    )
    assert DisclosureRequest.objects.get(pk=at_jwc.pk).state == RequestState.IN_HAND
    assert any(case.tracking_number in message for message in messages_of(response))
    page = response.content.decode()
    timeline = page[page.index('id="case-timeline"') :]
    assert "请补充不予公开部分的法律依据" in timeline
    assert "建议部分公开" in timeline
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", timeline)
    assert "李四" in timeline  # the handler, surname first
    assert str(DisclosureRequest.workflow.steps["send_back_proposal"].log_message) in timeline

    # A form showing an older state is refused: someone acted meanwhile.
    response = client.post(
        url("transition", at_jwc.pk, "answer"),
        {"expected_state": RequestState.PROPOSED, "outcome": "disclosed"},
        follow=True,
    )
    assert DisclosureRequest.objects.get(pk=at_jwc.pk).state == RequestState.IN_HAND
    assert messages_of(response)


def test_route_to_a_department_and_the_step_view_is_post_only(client, world):
    at_office, office = world["at_office"], world["office"]
    login(client, office)
    assert client.get(url("transition", at_office.pk, "accept")).status_code == 405
    client.post(url("transition", at_office.pk, "accept"), {"expected_state": "received"})
    response = client.post(url("transition", at_office.pk, "route"), {"expected_state": "accepted"})
    assert response.status_code == 302  # no department chosen: a message
    assert DisclosureRequest.objects.get(pk=at_office.pk).state == RequestState.ACCEPTED
    client.post(
        url("transition", at_office.pk, "route"),
        {"expected_state": "accepted", "department": world["jwc"].pk},
    )
    case = DisclosureRequest.objects.get(pk=at_office.pk)
    assert case.state == RequestState.ROUTED and case.department == world["jwc"]
    # The handler who had no access before now finds it in the listing.
    login(client, world["handler"])
    assert case.tracking_number in client.get(url("index")).content.decode()
    # A step the handler's role does not allow: a message, not an error page.
    response = client.post(
        url("transition", case.pk, "close"), {"expected_state": "routed"}, follow=True
    )
    assert response.status_code == 200 and messages_of(response)


def test_the_clock_day_by_day_shows_the_paused_days(client, world):
    at_jwc, handler = world["at_jwc"], world["handler"]
    # Received Fri 13 Feb 2026 (day 0); Sat 14 Feb (调休) = 1; 15-23 Feb holiday;
    # 24 = 2, 25 = 3, 26 = 4: the consultation starts on the 26th, which still counts.
    login(client, handler)
    client.post(
        url("transition", at_jwc.pk, "consult"),
        {"expected_state": "in_hand", "comment": "涉及第三方商业秘密", "on": "2026-02-26"},
    )
    assert DisclosureRequest.objects.get(pk=at_jwc.pk).state == RequestState.CONSULTING
    # While paused: no due date, and 15 - 4 = 11 working days left when it resumes.
    listing = client.get(url("index")).content.decode()
    assert "2026-02-26" in listing and "11" in listing
    # The third party answered on Wed 4 Mar: 27 Feb, Sat 28 Feb (调休), 2, 3, 4 Mar are
    # paused; counting resumes on 5 Mar (day 5).
    client.post(
        url("transition", at_jwc.pk, "end_consultation"),
        {"expected_state": "consulting", "answered_on": "2026-03-04"},
    )
    page = client.get(url("inspect", at_jwc.pk)).content.decode()
    clock = page[page.index('id="case-clock"') :]
    rows = re.findall(
        r'<tr class="disclosure-clock-day--(\w+)">\s*<td[^>]*><time datetime="([\d-]+)"', clock
    )
    status = {day: state for state, day in rows}
    assert status["2026-02-13"] == DayStatus.START
    assert status["2026-02-14"] == DayStatus.COUNTED
    assert status["2026-02-16"] == DayStatus.REST
    assert status["2026-02-26"] == DayStatus.COUNTED
    for day in ("2026-02-27", "2026-02-28", "2026-03-02", "2026-03-04"):
        assert status[day] == DayStatus.PAUSED, day
    assert status["2026-03-01"] == DayStatus.REST
    assert status["2026-03-05"] == DayStatus.COUNTED
    assert str(PauseReason.CONSULTATION.label) in clock
    assert str(DayStatus.PAUSED.label) in clock


# -- letters -------------------------------------------------------------------------------


def test_letters_are_issued_from_the_case_page_by_who_may(client, world):
    from wagtail_disclosure.models import RequestLetter

    at_office, at_jwc, at_cwc = world["at_office"], world["at_jwc"], world["at_cwc"]
    login(client, world["office"])
    page = client.get(url("inspect", at_office.pk)).content.decode()
    assert 'name="kind"' in page and 'value="answer"' not in page  # no outcome yet
    response = client.post(url("issue_letter", at_office.pk), {"kind": "receipt"}, follow=True)
    letter = RequestLetter.objects.get(request=at_office)
    assert letter.kind == "receipt" and letter.issued_by == world["office"]
    assert letter.number in response.content.decode()
    assert any(letter.number in message for message in messages_of(response))
    assert client.get(url("issue_letter", at_office.pk)).status_code == 405
    # The department handling a case may write to a third party, nothing else.
    login(client, world["handler"])
    client.post(url("issue_letter", at_jwc.pk), {"kind": "consultation"})
    response = client.post(url("issue_letter", at_jwc.pk), {"kind": "receipt"}, follow=True)
    kinds = [letter.kind for letter in RequestLetter.objects.filter(request=at_jwc)]
    assert kinds == ["consultation"]
    assert messages_of(response)
    # Another department's case: not found, nothing issued.
    assert client.post(url("issue_letter", at_cwc.pk), {"kind": "consultation"}).status_code == 404
    assert not RequestLetter.objects.filter(request=at_cwc).exists()


# -- extensions ------------------------------------------------------------------------------


def test_an_extension_asked_for_and_approved_moves_the_due_date(client, world, settings):
    settings.WAGTAIL_DISCLOSURE_REQUEST_RULES = {"max_extensions": 1, "extension_days": 15}
    at_jwc, handler, office = world["at_jwc"], world["handler"], world["office"]
    due_before = at_jwc.clock().due_date
    assert due_before == D("2026-03-12")  # 15 working days from 13 Feb (test_request_clock)

    login(client, handler)
    response = client.post(url("ask_extension", at_jwc.pk), {"days": 16, "reason": "需要会商"})
    assert not RequestExtension.objects.filter(request=at_jwc).exists()  # over 15 days
    response = client.post(
        url("ask_extension", at_jwc.pk), {"days": 10, "reason": "涉及多个部门，需要会商"}
    )
    assert response.status_code == 302
    extension = RequestExtension.objects.get(request=at_jwc)
    assert extension.state == ExtensionState.REQUESTED and extension.requested_by == handler
    # The handler cannot decide.
    client.post(url("decide_extension", at_jwc.pk, extension.pk), {"approve": "on"})
    extension.refresh_from_db()
    assert extension.state == ExtensionState.REQUESTED

    login(client, office)
    page = client.get(url("inspect", at_jwc.pk)).content.decode()
    assert url("decide_extension", at_jwc.pk, extension.pk) in page
    response = client.post(
        url("decide_extension", at_jwc.pk, extension.pk),
        {"approve": "on", "note": "同意延期"},
        follow=True,
    )
    extension.refresh_from_db()
    assert extension.state == ExtensionState.APPROVED and extension.decided_by == office
    case = DisclosureRequest.objects.get(pk=at_jwc.pk)
    assert case.clock().due_date == add_working_days(due_before, 10)
    assert [e.kind for e in case.clock_event_rows.all()] == [EventKind.EXTEND]
    assert case.clock_event_rows.get().days == 10
    page = response.content.decode()
    assert add_working_days(due_before, 10).isoformat() in " ".join(messages_of(response))
    timeline = page[page.index('id="case-timeline"') :]
    assert "涉及多个部门，需要会商" in timeline and "同意延期" in timeline

    # A second extension: refused, the case has had the one it may have.
    login(client, handler)
    response = client.post(
        url("ask_extension", at_jwc.pk), {"days": 5, "reason": "仍需会商"}, follow=True
    )
    assert RequestExtension.objects.filter(request=at_jwc).count() == 1
    assert messages_of(response)
    assert url("ask_extension", at_jwc.pk) not in response.content.decode()


def test_a_refusal_needs_a_reason_and_leaves_the_due_date(client, world):
    at_jwc = world["at_jwc"]
    due_before = at_jwc.clock().due_date
    login(client, world["handler"])
    client.post(url("ask_extension", at_jwc.pk), {"days": 5, "reason": "材料较多"})
    extension = RequestExtension.objects.get(request=at_jwc)
    login(client, world["office"])
    client.post(url("decide_extension", at_jwc.pk, extension.pk), {"refuse": "on"})
    extension.refresh_from_db()
    assert extension.state == ExtensionState.REQUESTED  # no reason given
    client.post(
        url("decide_extension", at_jwc.pk, extension.pk), {"refuse": "on", "note": "理由不充分"}
    )
    extension.refresh_from_db()
    assert extension.state == ExtensionState.REFUSED
    assert DisclosureRequest.objects.get(pk=at_jwc.pk).clock().due_date == due_before


# -- the listing's queries ---------------------------------------------------------------------


def _listing_queries(client, count, department):
    DisclosureRequest.objects.all().delete()
    for number in range(count):
        case = new_case(name=f"申请人{number}", department=department)
        case.add_clock_event(EventKind.PAUSE, D("2026-02-25"), PauseReason.CONSULTATION)
        case.add_clock_event(EventKind.RESUME, D("2026-03-03"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("index"))
    assert response.status_code == 200
    assert response.content.decode().count("YSQ-2026-") >= count
    return len(queries)


def test_the_listing_queries_do_not_grow_with_the_cases(client, world):
    login(client, world["office"])
    client.get(url("index"))  # warm up per-process caches (content types, log actions)
    assert _listing_queries(client, 3, world["jwc"]) == _listing_queries(client, 12, world["jwc"])


# -- the dashboard ---------------------------------------------------------------------------


def test_the_dashboard_lists_the_cases_waiting_for_each_person(client, world):
    dashboard = reverse("wagtailadmin_home")
    login(client, world["handler"])
    page = client.get(dashboard).content.decode()
    assert 'id="disclosure-request-queue"' in page or "disclosure-request-queue" in page
    assert world["at_jwc"].tracking_number in page  # in hand at 教务处: its handler's step
    assert world["at_cwc"].tracking_number not in page  # another department's
    assert world["at_office"].tracking_number not in page
    login(client, world["office"])
    page = client.get(dashboard).content.decode()
    assert world["at_office"].tracking_number in page  # received: the office's step
    assert world["at_jwc"].tracking_number not in page  # waits for the department
    # Received on 13 Feb 2026 and 2 Mar 2026: long overdue today (29 Nov 2026 or later).
    assert "已逾期" in page
    login(client, world["nobody"])
    assert "disclosure-request-queue" not in client.get(dashboard).content.decode()


def test_the_dashboard_panel_queries_do_not_grow_with_the_cases(client, world):
    dashboard = reverse("wagtailadmin_home")
    login(client, world["office"])

    def queries(count):
        for number in range(count):
            new_case(name=f"申请人{number}")
        client.get(dashboard)  # warm caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(dashboard).status_code == 200
        return len(captured)

    few = queries(2)
    assert queries(10) == few


def test_the_case_page_says_when_the_correction_period_ends(client, world):
    at_office, office = world["at_office"], world["office"]
    take_transition(at_office, "accept", office)
    take_transition(
        at_office, "request_correction", office, comment="请写明文件名称", on=D("2026-03-04")
    )
    login(client, office)
    page = client.get(url("inspect", at_office.pk)).content.decode()
    # 15 working days after Wed 4 Mar 2026: Thu 5 = 1, ..., Wed 25 Mar = 15.
    assert add_working_days(D("2026-03-04"), 15) == D("2026-03-25")
    assert "2026-03-25" in page
