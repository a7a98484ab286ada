"""The workflow engine serves a second state machine, declared in tests/testapp only.

``tests.testapp.models.ErrataReport`` declares its states, who acts in each and its
transitions on ``wagtail_disclosure.workflow.Workflow`` and nothing else; these tests show
the queue, the transitions with their audit log, the notices, the admin action and the
refusals working for it, as docs/extending.md promises.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.testapp.models import ErrataReport, ErrataState
from tests.utils import make_department
from wagtail_disclosure.permissions import Role, assign_role, get_roles, remove_role
from wagtail_disclosure.workflow import TransitionError, take_transition
from wagtail_disclosure.workflow.engine import workflow_of
from wagtail_disclosure.workflow.queue import attach_deadlines, deadline_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments():
    return make_department("JWC", "教务处"), make_department("CWC", "财务处")


@pytest.fixture
def people(django_user_model, departments):
    jwc, cwc = departments
    access = Permission.objects.get(codename="access_admin")

    def person(username, role=None, department=None):
        user = django_user_model.objects.create_user(
            username, password="pw", email=f"{username}@example.edu.cn"
        )
        user.user_permissions.add(access)
        if role:
            assign_role(user, role, department)
        return user

    return {
        "reviewer_jwc": person("reviewer_jwc", Role.DEPARTMENT_REVIEWER, jwc),
        "reviewer_cwc": person("reviewer_cwc", Role.DEPARTMENT_REVIEWER, cwc),
        "office": person("office", Role.DISCLOSURE_OFFICE),
        "editor_jwc": person("editor_jwc", Role.DEPARTMENT_EDITOR, jwc),
        "reader": person("reader"),
    }


def report(department, reporter=None, title="招生简章页码有误", received_on="2026-03-02"):
    return ErrataReport.objects.create(
        title=title,
        department=department,
        reporter=reporter,
        received_on=datetime.date.fromisoformat(received_on),
    )


def test_the_declaration_is_all_the_engine_needs():
    workflow = workflow_of(ErrataReport)
    assert workflow is ErrataReport.workflow and workflow.model is ErrataReport
    assert [step.name for step in workflow.human_steps] == ["confirm", "close", "send_back"]
    assert workflow.log_prefix == "disclosure_testapp.erratareport."


def test_queue_is_what_waits_for_each_role_in_its_department(departments, people):
    jwc, cwc = departments
    ours, theirs = report(jwc), report(cwc)
    queue = ErrataReport.workflow.queue
    assert set(queue(people["reviewer_jwc"])) == {ours}
    assert set(queue(people["reviewer_cwc"])) == {theirs}
    assert not queue(people["office"]).exists()  # nothing confirmed yet
    assert not queue(people["editor_jwc"]).exists()
    take_transition(ours, "confirm", people["reviewer_jwc"])
    assert set(queue(people["office"])) == {ours}
    assert not queue(people["reviewer_jwc"]).exists()


def test_transition_writes_the_audit_log(departments, people):
    jwc, _cwc = departments
    errata = report(jwc)
    row = take_transition(errata, "confirm", people["reviewer_jwc"], comment="第3页")
    assert row.state == ErrataState.CONFIRMED and row.state_changed_at is not None
    assert row.last_comment == "第3页"
    entry = ModelLogEntry.objects.get(action="disclosure_testapp.erratareport.confirm")
    assert entry.object_id == str(errata.pk) and entry.user == people["reviewer_jwc"]
    assert entry.data["from"] == "received" and entry.data["to"] == "confirmed"
    assert entry.data["comment"] == "第3页"
    assert str(entry.message) == "Error confirmed by the department"


def test_notices_go_to_the_next_role_and_to_the_author(
    departments, people, django_capture_on_commit_callbacks
):
    jwc, _cwc = departments
    errata = report(jwc, reporter=people["reader"])
    with django_capture_on_commit_callbacks(execute=True):
        take_transition(errata, "confirm", people["reviewer_jwc"])
    assert [message.to for message in mail.outbox] == [["office@example.edu.cn"]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        take_transition(errata, "close", people["office"])
    assert [message.to for message in mail.outbox] == [["reader@example.edu.cn"]]


def test_the_wrong_role_is_refused_and_nothing_changes(departments, people):
    jwc, cwc = departments
    errata = report(jwc)
    for user in (people["reviewer_cwc"], people["editor_jwc"], people["office"]):
        with pytest.raises(TransitionError) as error:
            take_transition(errata, "confirm", user)
        assert error.value.code == "permission_denied"
    with pytest.raises(TransitionError) as error:
        take_transition(errata, "close", people["office"])
    assert error.value.code == "not_allowed"
    with pytest.raises(TransitionError) as error:
        take_transition(errata, "send_back", people["office"], comment="再核对")
    assert error.value.code == "not_allowed"
    errata = ErrataReport.objects.get(pk=errata.pk)
    assert errata.state == ErrataState.RECEIVED
    assert not ModelLogEntry.objects.filter(action__startswith="disclosure_testapp.").exists()


def test_send_back_is_for_whoever_is_responsible_and_needs_a_reason(departments, people):
    jwc, _cwc = departments
    errata = take_transition(report(jwc), "confirm", people["reviewer_jwc"])
    with pytest.raises(TransitionError) as error:
        take_transition(errata, "send_back", people["office"])
    assert error.value.code == "reason_required"
    with pytest.raises(TransitionError) as error:  # responsible now: the office, not them
        take_transition(errata, "send_back", people["reviewer_jwc"], comment="再核对")
    assert error.value.code == "permission_denied"
    errata = take_transition(errata, "send_back", people["office"], comment="再核对")
    assert errata.state == ErrataState.RECEIVED


def test_deadlines_come_from_the_declaration(departments):
    jwc, _cwc = departments
    # Received Mon 2 March 2026, 10 working days: Mon 2 March is day 0; days 1-10 run
    # from Tue 3 to Mon 16 March (no holidays in between).
    errata = report(jwc, received_on="2026-03-02")
    (row,) = attach_deadlines(ErrataReport.workflow, [errata], today=datetime.date(2026, 3, 17))
    assert row.deadline.due_date == datetime.date(2026, 3, 16)
    assert row.deadline.state == "overdue"
    counts = deadline_counts(
        ErrataReport.workflow, ErrataReport.objects.all(), today=datetime.date(2026, 3, 17)
    )
    assert counts["overdue"] == 1


def test_admin_listing_offers_the_actions_and_the_view_takes_them(departments, people, client):
    jwc, cwc = departments
    ours, theirs = report(jwc, title="我处的勘误"), report(cwc, title="他处的勘误")
    client.force_login(people["reviewer_jwc"])
    index = client.get(reverse("errata_reports:index"))
    assert index.status_code == 200
    html = index.content.decode()
    confirm_url = reverse(
        "wagtail_disclosure:workflow_transition",
        args=["disclosure_testapp.erratareport", ours.pk, "confirm"],
    )
    assert f'href="{confirm_url}"' in html
    other_url = confirm_url.replace(f"/{ours.pk}/", f"/{theirs.pk}/")
    assert f'href="{other_url}"' not in html
    form = client.get(confirm_url)
    assert form.status_code == 200 and "我处的勘误" in form.content.decode()
    response = client.post(confirm_url, {"comment": "", "expected_state": "received"})
    assert response.status_code == 302
    ours = ErrataReport.objects.get(pk=ours.pk)
    assert ours.state == ErrataState.CONFIRMED
    # The wrong department: 403, and the title is not shown.
    refused = client.post(other_url, {"comment": ""})
    assert refused.status_code == 403 and "他处的勘误" not in refused.content.decode()
    theirs = ErrataReport.objects.get(pk=theirs.pk)
    assert theirs.state == ErrataState.RECEIVED
    # A stale form (the state moved on since it was shown) changes nothing: 409.
    client.force_login(people["office"])
    close_url = confirm_url.replace("/confirm/", "/close/")
    take_transition(ours, "send_back", people["office"], comment="再核对")
    stale = client.post(close_url, {"comment": "", "expected_state": "confirmed"})
    assert stale.status_code == 409
    ours = ErrataReport.objects.get(pk=ours.pk)
    assert ours.state == ErrataState.RECEIVED


def test_assign_and_remove_role_shortcuts(departments, django_user_model):
    jwc, cwc = departments
    user = django_user_model.objects.create_user("someone")
    assign_role(user, Role.DEPARTMENT_EDITOR, jwc)
    assign_role(user, Role.DEPARTMENT_EDITOR, jwc)  # idempotent
    assert get_roles(user) == {Role.DEPARTMENT_EDITOR: {jwc.pk}}
    assign_role(user, Role.DISCLOSURE_OFFICE)
    assert get_roles(user)[Role.DISCLOSURE_OFFICE] is None
    remove_role(user, Role.DEPARTMENT_EDITOR, jwc)
    remove_role(user, Role.DISCLOSURE_OFFICE)
    assert get_roles(user) == {}


def test_docs_show_the_example_whole():
    """docs/extending.md shows tests/testapp/errata.py and its admin hooks as they are."""
    from pathlib import Path

    root = Path(__file__).resolve().parent
    docs = (root.parent / "docs" / "extending.md").read_text(encoding="utf-8")
    for name in ("errata.py", "wagtail_hooks.py"):
        source = (root / "testapp" / name).read_text(encoding="utf-8")
        assert f"```python\n{source}```" in docs, name



def test_the_generic_view_answers_404_for_what_is_not_a_transition(departments, people, client):
    jwc, _cwc = departments
    errata = report(jwc)
    client.force_login(people["reviewer_jwc"])
    base = "/admin/disclosure/workflow/"
    assert client.get(f"{base}disclosure_testapp.erratareport/{errata.pk}/confirm/").status_code == 200
    for path in (
        f"disclosure_testapp.erratareport/{errata.pk}/no_such_step/",
        "disclosure_testapp.erratareport/abc/confirm/",
        "disclosure_testapp.erratareport/99999999/confirm/",
        f"auth.user/{people['reader'].pk}/confirm/",
    ):
        assert client.get(base + path).status_code == 404, path
