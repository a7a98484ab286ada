"""The review workflow in the admin: transition views, action menu, queue, dashboard,
explorer, bulk actions and the role-assignment screens."""

import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.utils import (
    category_page,
    grant,
    make_department,
    make_entry,
    reviewer,
    staff,
)
from wagtail_disclosure.models import (
    ChecklistCategory,
    DepartmentGroupObjectPermission,
    DepartmentUserObjectPermission,
    EntryReview,
)
from wagtail_disclosure.permissions import Role, role_map
from wagtail_disclosure.views.review import EntryTransitionForm
from wagtail_disclosure.workflow import TransitionError, take_transition
from wagtail_disclosure.workflow.queue import attach_deadlines
from wagtail_disclosure.working_days import DeadlineState, DeadlineStatus

pytestmark = pytest.mark.django_db


# -- fixtures and helpers ---------------------------------------------------------------


@pytest.fixture
def section(shared_section):
    return shared_section


@pytest.fixture
def jwc():
    return make_department("JWC", "教务处")


@pytest.fixture
def cwc():
    return make_department("CWC", "财务处")


def state(entry):
    return EntryReview.objects.get(page_id=entry.pk).state


def walk(entry, *names):
    user = reviewer()
    for name in names:
        take_transition(entry, name, user)
    return entry


def transition_url(entry, name):
    return reverse("wagtail_disclosure:entry_transition", args=[entry.pk, name])


def edit_url(entry):
    return reverse("wagtailadmin_pages:edit", args=[entry.pk])


def login(client, user):
    client.force_login(user)
    return client


# -- the transition view: status codes ---------------------------------------------------


def test_transition_url_is_the_documented_one():
    assert transition_url(type("E", (), {"pk": 7})(), "submit") == (
        "/admin/disclosure/entries/7/submit/"
    )
    assert reverse("wagtail_disclosure:review_queue") == "/admin/disclosure/queue/"


def test_get_confirmation_for_an_available_transition(section, jwc, client, django_user_model):
    entry = make_entry(section, publish=False, department=jwc)
    editor = staff(django_user_model, "editor", section)
    grant(editor, Role.DEPARTMENT_EDITOR, jwc)
    response = login(client, editor).get(transition_url(entry, "submit"))
    assert response.status_code == 200
    assert "wagtail_disclosure/admin/transition_form.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert 'name="comment"' in html and "<textarea" in html
    assert 'name="withheld"' not in html
    assert response.context["needs_reason"] is False


def test_get_refusals(section, jwc, cwc, client, django_user_model):
    draft = make_entry(section, publish=False, department=jwc)
    submitted = walk(make_entry(section, publish=False, department=jwc), "submit")
    nobody = staff(django_user_model, "nobody", section)
    editor = staff(django_user_model, "editor", section)
    grant(editor, Role.DEPARTMENT_EDITOR, jwc)
    outsider = staff(django_user_model, "outsider", section)
    grant(outsider, Role.DEPARTMENT_EDITOR, cwc)

    login(client, nobody)
    assert client.get(transition_url(draft, "submit")).status_code == 403  # no role at all
    assert client.get(transition_url(draft, "publish")).status_code == 403  # not even the state
    login(client, outsider)
    assert client.get(transition_url(draft, "submit")).status_code == 403  # other department
    login(client, editor)
    assert client.get(transition_url(submitted, "approve")).status_code == 403  # lacks the role
    response = client.get(transition_url(draft, "publish"))  # the state allows it to no one
    assert response.status_code == 409
    assert response.context["status"] == 409 and response.context["message"]
    assert client.get(transition_url(submitted, "submit")).status_code == 409
    # 404: unknown transitions, pages that are not entries, missing pages
    assert client.get(transition_url(draft, "frobnicate")).status_code == 404
    assert client.get(transition_url(draft, "reopen")).status_code == 404  # system only
    assert client.get(transition_url(section, "submit")).status_code == 404
    assert client.get(transition_url(type("E", (), {"pk": 999999})(), "submit")).status_code == 404


def test_anonymous_users_are_sent_to_log_in(section, client):
    entry = make_entry(section, publish=False)
    response = client.get(transition_url(entry, "submit"))
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


def test_post_takes_the_transition_and_returns_to_the_editor(
    section, jwc, client, django_user_model
):
    entry = make_entry(section, publish=False, department=jwc)
    editor = staff(django_user_model, "editor", section)
    grant(editor, Role.DEPARTMENT_EDITOR, jwc)
    response = login(client, editor).post(transition_url(entry, "submit"), {"comment": "请审核"})
    assert response.status_code == 302
    assert response["Location"] == edit_url(entry)
    assert state(entry) == "submitted"
    review = EntryReview.objects.get(page_id=entry.pk)
    assert review.submitted_by == editor and review.last_comment == "请审核"
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]


def test_post_refusals(section, jwc, client, django_user_model):
    draft = make_entry(section, publish=False, department=jwc)
    editor = staff(django_user_model, "editor", section)
    grant(editor, Role.DEPARTMENT_EDITOR, jwc)
    login(client, editor)
    assert client.post(transition_url(draft, "approve"), {"comment": ""}).status_code == 409
    submitted = walk(make_entry(section, publish=False, department=jwc), "submit")
    assert client.post(transition_url(submitted, "approve")).status_code == 403
    assert client.post(transition_url(submitted, "reject"), {"comment": "x"}).status_code == 403
    assert state(submitted) == "submitted" and state(draft) == "draft"


def test_a_reason_is_required_to_send_back(section, jwc, client, django_user_model):
    entry = walk(make_entry(section, publish=False, department=jwc), "submit")
    dept_reviewer = staff(django_user_model, "reviewer", section)
    grant(dept_reviewer, Role.DEPARTMENT_REVIEWER, jwc)
    login(client, dept_reviewer)
    response = client.get(transition_url(entry, "reject"))
    assert response.status_code == 200 and response.context["needs_reason"] is True
    response = client.post(transition_url(entry, "reject"), {"comment": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["comment"]
    assert state(entry) == "submitted"
    response = client.post(transition_url(entry, "reject"), {"comment": "附件缺页"})
    assert response.status_code == 302 and state(entry) == "draft"


def test_a_stale_approval_form_approves_nothing(section, jwc, client, django_user_model):
    """The reviewer opens "approve" for one version; meanwhile the editor edits and
    resubmits: the form, posted now, must not approve the new version."""
    entry = walk(make_entry(section, publish=False, department=jwc), "submit")
    head = staff(django_user_model, "head", section)
    grant(head, Role.DEPARTMENT_REVIEWER, jwc)
    form = login(client, head).get(transition_url(entry, "approve"))
    assert form.status_code == 200
    initial = form.context["form"].initial
    seen_revision = EntryReview.objects.get(page_id=entry.pk).revision_id
    assert initial == {"expected_state": "submitted", "expected_version": seen_revision}
    html = form.content.decode()
    assert 'name="expected_version"' in html and 'name="expected_state"' in html
    # The editor saves a new version (the review starts again) and submits it.
    entry.specific.save_revision(user=reviewer())
    walk(entry, "submit")
    review = EntryReview.objects.get(page_id=entry.pk)
    assert review.state == "submitted" and review.revision_id != seen_revision
    response = client.post(transition_url(entry, "approve"), {"comment": "", **initial})
    assert response.status_code == 409
    page = response.content.decode()
    assert "A newer version is now under decision" in page or "新的版本" in page
    assert f'href="{edit_url(entry)}"' in page  # a link to look again
    review = EntryReview.objects.get(page_id=entry.pk)
    assert review.state == "submitted" and review.approved_by is None
    # Looking again gives a form about the new version, which works.
    fresh = client.get(transition_url(entry, "approve")).context["form"].initial
    assert fresh["expected_version"] == review.revision_id
    assert client.post(transition_url(entry, "approve"), fresh).status_code == 302
    assert state(entry) == "department_approved"


def TransitionForm(transition):
    return EntryTransitionForm(step=EntryReview.workflow.steps[transition])


def review_queue(user):
    return EntryReview.objects.waiting_for(user)


def test_the_form_labels_the_reason_and_offers_withholding_only_to_withdraw():
    with translation.override("en"):
        assert TransitionForm(transition="submit").fields["comment"].label == "Comment"
        assert TransitionForm(transition="reject").fields["comment"].label == "Reason"
        withdraw = TransitionForm(transition="withdraw").fields
        assert withdraw["comment"].label == "Reason"
        assert withdraw["withheld"].label == (
            "Withheld for a legal reason: remove it from the public site"
        )
        assert "withheld" not in TransitionForm(transition="reject").fields


def test_withdraw_and_withhold(section, jwc, client, django_user_model):
    entry = make_entry(section, department=jwc)  # imported as published: live
    office = staff(django_user_model, "office", section)
    grant(office, Role.DISCLOSURE_OFFICE, jwc)
    login(client, office)
    response = client.get(transition_url(entry, "withdraw"))
    assert response.status_code == 200 and 'name="withheld"' in response.content.decode()
    response = client.post(
        transition_url(entry, "withdraw"), {"comment": "依法不予公开", "withheld": "on"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    review = EntryReview.objects.get(page_id=entry.pk)
    assert review.state == "withdrawn" and review.withheld and not entry.live
    # The page is no longer live: withdrawing again is refused for the state.
    assert client.get(transition_url(entry, "withdraw")).status_code == 409


@pytest.mark.parametrize(
    ("code", "status"), [("concurrent", 409), ("not_allowed", 409), ("permission_denied", 403)]
)
def test_errors_raised_while_taking_it_map_to_status_codes(
    section, jwc, client, django_user_model, code, status
):
    entry = make_entry(section, publish=False, department=jwc)
    editor = staff(django_user_model, "editor", section)
    grant(editor, Role.DEPARTMENT_EDITOR, jwc)
    error = TransitionError("Someone else acted on this entry.", code)
    with mock.patch("wagtail_disclosure.views.workflow.take_transition", side_effect=error):
        response = login(client, editor).post(transition_url(entry, "submit"))
    assert response.status_code == status
    assert "Someone else acted on this entry." in response.content.decode()


# -- the action menu ---------------------------------------------------------------------


def menu_links(html, entry):
    prefix = f"/admin/disclosure/entries/{entry.pk}/"
    return {
        name
        for name in ("submit", "approve", "clear", "sign_off", "publish", "reject", "withdraw")
        if f'href="{prefix}{name}/"' in html
    }


def test_action_menu_offers_the_transitions_of_each_role(section, jwc, client, django_user_model):
    draft = make_entry(section, publish=False, department=jwc)
    submitted = walk(make_entry(section, publish=False, department=jwc), "submit")
    editor = staff(django_user_model, "editor", section)
    grant(editor, Role.DEPARTMENT_EDITOR, jwc)
    dept_reviewer = staff(django_user_model, "reviewer", section)
    grant(dept_reviewer, Role.DEPARTMENT_REVIEWER, jwc)

    login(client, editor)
    assert menu_links(client.get(edit_url(draft)).content.decode(), draft) == {"submit"}
    assert menu_links(client.get(edit_url(submitted)).content.decode(), submitted) == set()
    login(client, dept_reviewer)
    assert menu_links(client.get(edit_url(draft)).content.decode(), draft) == set()
    html = client.get(edit_url(submitted)).content.decode()
    assert menu_links(html, submitted) == {"approve", "reject"}


def test_wagtails_publish_and_unpublish_never_appear_for_entries(section, admin_client):
    live = make_entry(section)
    cleared = walk(make_entry(section, publish=False), "submit", "approve", "clear")
    html = admin_client.get(edit_url(live)).content.decode()
    assert 'name="action-publish"' not in html
    assert reverse("wagtailadmin_pages:unpublish", args=[live.pk]) not in html
    assert menu_links(html, live) == {"withdraw"}
    html = admin_client.get(edit_url(cleared)).content.decode()
    assert 'name="action-publish"' not in html
    assert menu_links(html, cleared) == {"publish", "reject"}


def test_no_transitions_on_the_create_view(section, admin_client):
    parent = category_page(section, "admissions")
    url = reverse(
        "wagtailadmin_pages:add", args=["wagtail_disclosure", "admissionsentrypage", parent.pk]
    )
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "/admin/disclosure/entries/" not in response.content.decode()


# -- explorer, edit view and the department field ---------------------------------------------


def test_explorer_shows_only_entries_of_the_users_departments(
    section, jwc, cwc, client, admin_client, django_user_model
):
    mine = make_entry(section, key="admissions", publish=False, department=jwc, title="教务条目")
    theirs = make_entry(section, key="admissions", publish=False, department=cwc, title="财务条目")
    editor = staff(django_user_model, "editor", section)
    grant(editor, Role.DEPARTMENT_EDITOR, jwc)
    explore = reverse("wagtailadmin_explore", args=[category_page(section, "admissions").pk])

    html = login(client, editor).get(explore).content.decode()
    assert "教务条目" in html and "财务条目" not in html
    html = client.get(explore, {"q": "条目"}).content.decode()
    assert "财务条目" not in html
    html = admin_client.get(explore).content.decode()
    assert "教务条目" in html and "财务条目" in html

    assert client.get(edit_url(mine)).status_code == 200
    response = client.get(edit_url(theirs))  # no role in that department: refused
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_explorer_pages_carry_their_review_state(section, jwc):
    from django.test import RequestFactory

    from wagtail_disclosure.views.review import hide_other_departments_entries

    entry = walk(make_entry(section, publish=False, department=jwc), "submit")
    parent = category_page(section, "admissions")
    request = RequestFactory().get("/")
    request.user = reviewer()
    pages = hide_other_departments_entries(parent, parent.get_children().specific(), request)
    (page,) = [p for p in pages if p.pk == entry.pk]
    assert page.disclosure_review_state == "submitted"


def test_department_choices_are_where_the_user_is_an_editor(
    section, jwc, cwc, client, django_user_model
):
    make_department("RSC", "人事处")
    editor = staff(django_user_model, "editor", section)
    grant(editor, Role.DEPARTMENT_EDITOR, jwc)
    grant(editor, Role.DEPARTMENT_REVIEWER, cwc)  # reviewing is not editing
    parent = category_page(section, "admissions")
    url = reverse(
        "wagtailadmin_pages:add", args=["wagtail_disclosure", "admissionsentrypage", parent.pk]
    )
    form = login(client, editor).get(url).context["form"]
    assert list(form.fields["department"].queryset) == [jwc]
    # Editing an entry keeps its own department on offer.
    entry = make_entry(section, publish=False, department=cwc)
    form = client.get(edit_url(entry)).context["form"]
    assert set(form.fields["department"].queryset) == {jwc, cwc}
    # Global editors and superusers are offered every department.
    everywhere = staff(django_user_model, "everywhere", section)
    grant(everywhere, Role.DEPARTMENT_EDITOR)
    form = login(client, everywhere).get(url).context["form"]
    assert form.fields["department"].queryset.count() == 3


# -- the review queue ------------------------------------------------------------------------


QUEUE = "/admin/disclosure/queue/"


def queue_titles(response):
    return {review.page.title for review in response.context["object_list"]}


def test_queue_lists_what_waits_for_the_users_roles(section, jwc, cwc, client, django_user_model):
    walk(make_entry(section, publish=False, department=jwc, title="教务待审"), "submit")
    walk(make_entry(section, publish=False, department=cwc, title="财务待审"), "submit")
    make_entry(section, publish=False, department=jwc, title="教务草稿")
    walk(
        make_entry(section, publish=False, department=jwc, title="教务待保密审查"),
        "submit",
        "approve",
    )
    walk(
        make_entry(
            section,
            key="basic",
            publish=False,
            department=jwc,
            title="重大事项",
            is_major_matter=True,
        ),
        "submit",
        "approve",
        "clear",
    )
    walk(
        make_entry(section, key="basic", publish=False, department=jwc, title="待发布"),
        "submit",
        "approve",
        "clear",
    )

    dept_reviewer = staff(django_user_model, "reviewer", section)
    grant(dept_reviewer, Role.DEPARTMENT_REVIEWER, jwc)
    assert queue_titles(login(client, dept_reviewer).get(QUEUE)) == {"教务待审"}

    confidentiality = staff(django_user_model, "baomi", section)
    grant(confidentiality, Role.CONFIDENTIALITY_REVIEWER)  # every department
    assert queue_titles(login(client, confidentiality).get(QUEUE)) == {"教务待保密审查"}

    leader = staff(django_user_model, "leader", section)
    grant(leader, Role.SIGN_OFF_LEADER, jwc)
    assert queue_titles(login(client, leader).get(QUEUE)) == {"重大事项"}

    office = staff(django_user_model, "office", section)
    grant(office, Role.DISCLOSURE_OFFICE, jwc)
    response = login(client, office).get(QUEUE)
    assert queue_titles(response) == {"待发布"}
    first = response.context["object_list"][0].page
    assert f'href="{edit_url(first)}"' in response.content.decode()

    nobody = staff(django_user_model, "nobody", section)
    response = login(client, nobody).get(QUEUE)
    assert response.status_code == 200 and queue_titles(response) == set()


def test_queue_matches_available_transitions(section, jwc, cwc, django_user_model):
    from wagtail_disclosure.workflow import available_transitions

    entries = [
        walk(make_entry(section, publish=False, department=jwc), "submit"),
        walk(make_entry(section, publish=False, department=cwc), "submit", "approve"),
        walk(
            make_entry(section, key="basic", publish=False, department=jwc, is_major_matter=True),
            "submit",
            "approve",
            "clear",
        ),
        walk(
            make_entry(section, key="basic", publish=False, department=cwc),
            "submit",
            "approve",
            "clear",
        ),
        walk(
            make_entry(section, key="basic", publish=False, department=jwc, is_major_matter=True),
            "submit",
            "approve",
            "clear",
            "sign_off",
        ),
    ]
    # The version in review moved to another department: its people decide.
    moved = walk(make_entry(section, publish=False, department=jwc), "submit")
    EntryReview.objects.filter(page_id=moved.pk).update(department=cwc)
    # A review recorded before the snapshot existed: the entry's department decides.
    legacy = walk(make_entry(section, publish=False, department=cwc), "submit")
    EntryReview.objects.filter(page_id=legacy.pk).update(department=None)
    entries += [moved, legacy]
    for role in Role.values:
        for department in (jwc, cwc, None):
            user = staff(django_user_model, f"{role}-{department and department.pk}")
            grant(user, role, department)
            queued = set(review_queue(user).values_list("page_id", flat=True))
            expected = {e.pk for e in entries if set(available_transitions(e, user)) - {"withdraw"}}
            assert queued == expected, (role, department)


def test_queue_filters(section, jwc, cwc, admin_client):
    a = walk(
        make_entry(section, key="admissions", publish=False, department=jwc, title="招生甲"),
        "submit",
    )
    walk(
        make_entry(section, key="finance", publish=False, department=cwc, title="财务乙"), "submit"
    )
    walk(
        make_entry(section, key="finance", publish=False, department=jwc, title="财务丙"),
        "submit",
        "approve",
    )
    EntryReview.objects.filter(page_id=a.pk).update(
        state_changed_at=timezone.now() - datetime.timedelta(days=10)
    )

    assert queue_titles(admin_client.get(QUEUE)) == {"招生甲", "财务乙", "财务丙"}
    assert queue_titles(admin_client.get(QUEUE, {"department": jwc.pk})) == {"招生甲", "财务丙"}
    assert queue_titles(admin_client.get(QUEUE, {"state": "department_approved"})) == {"财务丙"}
    finance = ChecklistCategory.objects.get(checklist=section.checklist, key="finance")
    assert queue_titles(admin_client.get(QUEUE, {"category": finance.pk})) == {"财务乙", "财务丙"}
    assert queue_titles(admin_client.get(QUEUE, {"age": "7"})) == {"招生甲"}
    assert queue_titles(admin_client.get(QUEUE, {"age": "30"})) == set()
    response = admin_client.get(
        reverse("wagtail_disclosure:review_queue_results"), {"department": cwc.pk}
    )
    assert response.status_code == 200 and queue_titles(response) == {"财务乙"}
    # oldest first by default
    assert admin_client.get(QUEUE).context["object_list"][0].page.title == "招生甲"


def test_queue_query_count_does_not_grow_with_the_queue(section, jwc, client, django_user_model):
    dept_reviewer = staff(django_user_model, "reviewer", section)
    grant(dept_reviewer, Role.DEPARTMENT_REVIEWER, jwc)
    login(client, dept_reviewer)

    def count():
        client.get(QUEUE)  # warm up caches that are not per request
        with CaptureQueriesContext(connection) as queries:
            response = client.get(QUEUE)
        assert response.status_code == 200
        return len(queries), len(response.context["object_list"])

    for _ in range(3):
        walk(make_entry(section, publish=False, department=jwc), "submit")
    few = count()
    for _ in range(27):
        walk(make_entry(section, publish=False, department=jwc), "submit")
    many = count()
    assert few[1] == 3 and many[1] == 30
    assert few[0] == many[0]


def due_soon_start(today):
    for days in range(1, 60):
        start = today - datetime.timedelta(days=days)
        if DeadlineStatus.compute(start, today=today).state == DeadlineState.DUE_SOON:
            return start
    raise AssertionError("no start date gives a due-soon deadline")


def test_queue_shows_due_dates_and_deadline_badges(section, jwc, admin_client):
    today = timezone.localdate()
    walk(
        make_entry(
            section,
            publish=False,
            department=jwc,
            title="逾期",
            document_date=today - datetime.timedelta(days=90),
        ),
        "submit",
    )
    walk(
        make_entry(
            section,
            publish=False,
            department=jwc,
            title="临期",
            document_date=due_soon_start(today),
        ),
        "submit",
    )
    walk(
        make_entry(section, publish=False, department=jwc, title="正常", document_date=today),
        "submit",
    )
    response = admin_client.get(QUEUE)
    states = {r.page.title: r.deadline.state for r in response.context["object_list"]}
    assert states == {"逾期": "overdue", "临期": "due_soon", "正常": "on_time"}
    html = response.content.decode()
    assert html.count("disclosure-deadline-badge--overdue") == 1
    assert html.count("disclosure-deadline-badge--due-soon") == 1
    assert "disclosure-review-state--submitted" in html
    due = DeadlineStatus.compute(today, today=today).due_date
    assert f'datetime="{due:%Y-%m-%d}"' in html


def test_attach_deadlines_uses_the_document_date(section, jwc):
    entry = walk(
        make_entry(section, publish=False, department=jwc, document_date="2025-09-01"), "submit"
    )
    (review,) = attach_deadlines(
        EntryReview.workflow,
        EntryReview.objects.select_related("page").filter(page_id=entry.pk),
        today=datetime.date(2025, 9, 2),
    )
    assert review.deadline == DeadlineStatus.compute(
        datetime.date(2025, 9, 1), today=datetime.date(2025, 9, 2)
    )


def test_queue_menu_item_only_for_role_holders(section, jwc, client, django_user_model):
    holder = staff(django_user_model, "holder", section)
    grant(holder, Role.CONFIDENTIALITY_REVIEWER, jwc)
    nobody = staff(django_user_model, "nobody", section)
    assert QUEUE in login(client, holder).get(reverse("wagtailadmin_home")).content.decode()
    assert QUEUE not in login(client, nobody).get(reverse("wagtailadmin_home")).content.decode()


# -- dashboard -------------------------------------------------------------------------------


def test_dashboard_panel(section, jwc, client, django_user_model):
    today = timezone.localdate()
    for n in range(6):
        walk(
            make_entry(
                section,
                publish=False,
                department=jwc,
                title=f"待审{n}",
                document_date=today - datetime.timedelta(days=90 if n < 2 else 0),
            ),
            "submit",
        )
    for n, review in enumerate(EntryReview.objects.filter(state="submitted").order_by("pk")):
        EntryReview.objects.filter(pk=review.pk).update(
            state_changed_at=timezone.now() - datetime.timedelta(days=10 - n)
        )
    dept_reviewer = staff(django_user_model, "reviewer", section)
    grant(dept_reviewer, Role.DEPARTMENT_REVIEWER, jwc)
    response = login(client, dept_reviewer).get(reverse("wagtailadmin_home"))
    html = response.content.decode()
    assert 'id="disclosure-review-queue' in html or "disclosure-review-queue" in html
    for n in range(5):
        assert f"待审{n}" in html
    assert "待审5" not in html  # only the five oldest
    assert html.count("disclosure-deadline-badge--overdue") == 2

    from wagtail_disclosure.dashboard import ReviewQueuePanel

    request = response.wsgi_request
    context = ReviewQueuePanel().get_context_data({"request": request})
    assert (context["total"], context["overdue"]) == (6, 2)
    assert [r.page.title for r in context["oldest"]] == [f"待审{n}" for n in range(5)]

    nobody = staff(django_user_model, "nobody", section)
    html = login(client, nobody).get(reverse("wagtailadmin_home")).content.decode()
    assert "disclosure-review-queue-summary" not in html


# -- bulk actions ----------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_bulk_publication_of_entries_is_refused_with_a_message(section, admin_client, action):
    entry = make_entry(section, publish=(action == "unpublish"))
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", action))
    response = admin_client.post(f"{url}?id={entry.pk}&next=/admin/", {"include_descendants": ""})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    entry.refresh_from_db()
    assert entry.live is (action == "unpublish")


# -- role assignment -------------------------------------------------------------------------


def test_role_assignment_screens_for_the_disclosure_office(
    section, jwc, cwc, client, django_user_model
):
    office = staff(django_user_model, "office")
    grant(office, Role.DISCLOSURE_OFFICE)  # for every department
    person = staff(django_user_model, "person")
    login(client, office)

    add = reverse("disclosure_user_roles:add")
    form = client.get(add).context["form"]
    choices = form.fields["permission"].queryset
    assert sorted(choices.values_list("codename", flat=True)) == sorted(Role.values)
    with translation.override("en"):
        labels = {label for _value, label in form.fields["permission"].choices if _value}
        assert "Department reviewer" in labels

    review_perm = choices.get(codename=Role.DEPARTMENT_REVIEWER)
    response = client.post(
        add, {"content_object": jwc.pk, "user": person.pk, "permission": review_perm.pk}
    )
    assert response.status_code == 302, response.context["form"].errors
    assert DepartmentUserObjectPermission.objects.filter(user=person, content_object=jwc).exists()
    person.refresh_from_db()
    assert role_map(person) == {Role.DEPARTMENT_REVIEWER: {jwc.pk}}

    editor_perm = choices.get(codename=Role.DEPARTMENT_EDITOR)
    client.post(add, {"content_object": cwc.pk, "user": person.pk, "permission": editor_perm.pk})
    index = reverse("disclosure_user_roles:index")
    response = client.get(index)
    assert response.status_code == 200 and len(response.context["object_list"]) == 2
    assert len(client.get(index, {"role": Role.DEPARTMENT_EDITOR}).context["object_list"]) == 1
    assert len(client.get(index, {"content_object": jwc.pk}).context["object_list"]) == 1

    group = Group.objects.create(name="财务处审核人")
    response = client.post(
        reverse("disclosure_group_roles:add"),
        {"content_object": cwc.pk, "group": group.pk, "permission": review_perm.pk},
    )
    assert response.status_code == 302
    assert DepartmentGroupObjectPermission.objects.filter(group=group, content_object=cwc).exists()
    assert client.get(reverse("disclosure_group_roles:index")).status_code == 200

    # A permission that is not a role is refused.
    other = Permission.objects.get(codename="access_admin")
    response = client.post(
        add, {"content_object": jwc.pk, "user": person.pk, "permission": other.pk}
    )
    assert response.status_code == 200 and response.context["form"].errors["permission"]


def test_role_assignment_screens_are_closed_to_others(
    section, jwc, client, django_user_model, admin_client
):
    local_office = staff(django_user_model, "local-office")
    grant(local_office, Role.DISCLOSURE_OFFICE, jwc)  # one department only
    login(client, local_office)
    for name in (
        "disclosure_user_roles:index",
        "disclosure_user_roles:add",
        "disclosure_group_roles:index",
    ):
        response = client.get(reverse(name))  # Wagtail's permission denied: back home
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert admin_client.get(reverse("disclosure_user_roles:index")).status_code == 200


def test_admin_api_explorer_applies_the_department_filter(
    section, jwc, cwc, client, django_user_model
):
    make_entry(section, key="admissions", publish=False, department=jwc, title="教务条目")
    make_entry(section, key="admissions", publish=False, department=cwc, title="财务条目")
    editor = staff(django_user_model, "editor", section)
    grant(editor, Role.DEPARTMENT_EDITOR, jwc)
    parent = category_page(section, "admissions")
    response = login(client, editor).get(
        "/admin/api/main/pages/", {"child_of": parent.pk, "for_explorer": 1}
    )
    assert response.status_code == 200
    assert [item["title"] for item in response.json()["items"]] == ["教务条目"]
