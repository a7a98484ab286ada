"""The review lifecycle: the chain, revision binding, withdrawal, and no way around it."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import GroupPagePermission, Page, PageLogEntry

from tests.utils import (
    category_page,
    make_department,
    make_entry,
    make_section,
    publish_through_review,
    reviewer,
)
from wagtail_disclosure.models import (
    ChecklistCategory,
    DisclosureAttachment,
    DisclosureEntryPage,
    EntryReview,
)
from wagtail_disclosure.permissions import Role, assign_role
from wagtail_disclosure.workflow import (
    PublicationBypassError,
    TransitionError,
    available_transitions,
    take_transition,
)

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


@pytest.fixture
def section(shared_section):
    return shared_section


def state(entry):
    return EntryReview.objects.get(page_id=entry.pk).state


def staff(django_user_model, username, section, *, email=None):
    """A user with admin access and page edit rights on the section, but no role yet."""
    user = django_user_model.objects.create_user(
        username, email=email or f"{username}@example.edu.cn", password="pw"
    )
    group, created = Group.objects.get_or_create(name="workflow-test-staff")
    if created:
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        for codename in ("add_page", "change_page"):
            GroupPagePermission.objects.create(
                group=group, page=section, permission=Permission.objects.get(codename=codename)
            )
    user.groups.add(group)
    return user


def grant(user, role, department):
    assign_role(user, role, department)


# -- the chain -------------------------------------------------------------------------


def test_full_chain_records_who_decided_each_step(section):
    entry = make_entry(section, key="finance", publish=False, title="2026年部门预算")
    user = reviewer()
    assert available_transitions(entry, user) == ["submit"]
    for name, expected in [
        ("submit", "submitted"),
        ("approve", "department_approved"),
        ("clear", "cleared"),
        ("publish", "published"),
    ]:
        take_transition(entry, name, user, comment=f"{name} ok")
        assert state(entry) == expected
    review = EntryReview.objects.get(page_id=entry.pk)
    entry.refresh_from_db()
    assert entry.live and entry.live_revision_id == review.revision_id
    assert review.cleared_by == user and review.cleared_at is not None
    logs = PageLogEntry.objects.filter(page=entry, action__startswith="wagtail_disclosure.")
    assert list(logs.order_by("timestamp", "pk").values_list("action", flat=True)) == [
        "wagtail_disclosure.submit",
        "wagtail_disclosure.approve",
        "wagtail_disclosure.clear",
        "wagtail_disclosure.publish",
    ]
    clear = logs.get(action="wagtail_disclosure.clear")
    assert clear.user == user
    assert clear.data == {
        "transition": "clear",
        "from": "department_approved",
        "to": "cleared",
        "comment": "clear ok",
        "revision_id": review.revision_id,
        "withheld": False,
    }
    assert clear.revision_id == review.revision_id


def test_history_view_shows_the_transitions(section, admin_client):
    entry = publish_through_review(make_entry(section, key="basic", publish=False))
    html = admin_client.get(reverse("wagtailadmin_pages:history", args=[entry.pk])).content.decode()
    assert "保密审查" in html  # "Passed the confidentiality review (保密审查)"


def test_sign_off_is_required_for_major_matters_and_by_category(section):
    user = reviewer()
    entry = make_entry(section, key="basic", publish=False, is_major_matter=True)
    for name in ("submit", "approve", "clear"):
        take_transition(entry, name, user)
    assert available_transitions(entry, user) == ["sign_off", "reject"]
    with pytest.raises(TransitionError) as exc:
        take_transition(entry, "publish", user)
    assert exc.value.code == "not_allowed"
    take_transition(entry, "sign_off", user)
    take_transition(entry, "publish", user)
    assert state(entry) == "published"

    ChecklistCategory.objects.filter(key="finance").update(requires_sign_off=True)
    other = make_entry(section, key="finance", publish=False)
    for name in ("submit", "approve", "clear"):
        take_transition(other, name, user)
    assert "publish" not in available_transitions(other, user)
    assert "sign_off" in available_transitions(other, user)


def test_rejection_needs_a_reason_and_returns_to_draft(section):
    user = reviewer()
    entry = make_entry(section, key="basic", publish=False)
    take_transition(entry, "submit", user)
    with pytest.raises(TransitionError) as exc:
        take_transition(entry, "reject", user, comment="   ")
    assert exc.value.code == "reason_required"
    assert state(entry) == "submitted"
    take_transition(entry, "reject", user, comment="数据口径有误")
    assert state(entry) == "draft"
    log = PageLogEntry.objects.get(page=entry, action="wagtail_disclosure.reject")
    assert log.data["comment"] == "数据口径有误"


def test_unknown_or_impossible_transitions_change_nothing(section):
    entry = make_entry(section, key="basic", publish=False)
    for name, code in [("approve", "not_allowed"), ("teleport", "unknown"), ("reopen", "unknown")]:
        with pytest.raises(TransitionError) as exc:
            take_transition(entry, name, reviewer())
        assert exc.value.code == code
    assert state(entry) == "draft"


# -- roles -----------------------------------------------------------------------------


def test_roles_are_scoped_by_department(section, django_user_model):
    own, other = make_department("JWC", "教务处"), make_department("CWC", "财务处")
    entry = make_entry(section, key="basic", publish=False, department=own)
    editor = staff(django_user_model, "editor", section)
    grant(editor, "edit_entries", own)
    outsider = staff(django_user_model, "outsider", section)
    grant(outsider, "edit_entries", other)
    with pytest.raises(TransitionError) as exc:
        take_transition(entry, "submit", outsider)
    assert exc.value.code == "permission_denied"
    take_transition(entry, "submit", editor)
    # An editor cannot approve their own department's submission.
    with pytest.raises(TransitionError):
        take_transition(entry, "approve", editor)
    assert state(entry) == "submitted"


def test_a_person_may_hold_different_roles_in_different_departments(section, django_user_model):
    a, b = make_department("JWC", "教务处"), make_department("CWC", "财务处")
    person = staff(django_user_model, "dual", section)
    grant(person, "edit_entries", a)
    grant(person, "review_entries", b)
    entry_a = make_entry(section, key="basic", publish=False, department=a)
    entry_b = make_entry(section, key="basic", publish=False, department=b)
    assert available_transitions(entry_a, person) == ["submit"]
    take_transition(entry_b, "submit", reviewer())
    assert available_transitions(entry_b, person) == ["approve", "reject"]


def test_group_roles_and_global_roles(section, django_user_model):
    department = make_department()
    clearers = Group.objects.create(name="保密审查员")
    clearers.permissions.add(Permission.objects.get(codename="clear_entries"))
    clearer = staff(django_user_model, "clearer", section)
    clearer.groups.add(clearers)
    entry = make_entry(section, key="basic", publish=False, department=department)
    take_transition(entry, "submit", reviewer())
    take_transition(entry, "approve", reviewer())
    assert "clear" in available_transitions(entry, django_user_model.objects.get(pk=clearer.pk))
    reviewers = Group.objects.create(name="教务处审核")
    assign_role(reviewers, Role.DEPARTMENT_REVIEWER, department)
    head = staff(django_user_model, "head", section)
    head.groups.add(reviewers)
    second = make_entry(section, key="basic", publish=False, department=department)
    take_transition(second, "submit", reviewer())
    assert "approve" in available_transitions(second, django_user_model.objects.get(pk=head.pk))


# -- revision binding ------------------------------------------------------------------------


def test_edit_after_approval_goes_back_to_the_start(section):
    user = reviewer()
    entry = make_entry(section, key="basic", publish=False, title="原稿")
    take_transition(entry, "submit", user)
    take_transition(entry, "approve", user)
    take_transition(entry, "clear", user)
    approved_revision = EntryReview.objects.get(page_id=entry.pk).revision_id
    # Someone edits after the confidentiality review passed.
    entry.title = "改过的稿子"
    entry.save_revision(user=user)
    assert state(entry) == "draft"
    with pytest.raises(TransitionError):
        take_transition(entry, "publish", user)
    entry.refresh_from_db()
    assert not entry.live
    # The new version must go through the whole chain; then exactly it is published.
    publish_through_review(entry, user)
    review = EntryReview.objects.get(page_id=entry.pk)
    assert review.revision_id != approved_revision
    assert entry.live_revision_id == review.revision_id == entry.latest_revision_id
    assert entry.title == "改过的稿子"
    assert PageLogEntry.objects.filter(page=entry, action="wagtail_disclosure.reopen").count() == 1


def test_published_entry_stays_online_while_its_revision_is_reviewed(section, client):
    entry = publish_through_review(make_entry(section, key="basic", publish=False, title="第一版"))
    entry.title = "第二版"
    entry.save_revision()
    assert state(entry) == "draft"
    entry.refresh_from_db()
    assert entry.live and entry.title == "第一版"
    assert "第一版" in client.get(entry.url).content.decode()
    publish_through_review(entry)
    assert entry.title == "第二版"


# -- withdrawal ------------------------------------------------------------------------


def test_withdrawal_leaves_a_public_trace(section, client):
    entry = publish_through_review(
        make_entry(section, key="basic", publish=False, title="旧收费标准", summary="正文摘要")
    )
    with pytest.raises(TransitionError):
        take_transition(entry, "withdraw", reviewer())
    take_transition(entry, "withdraw", reviewer(), comment="标准已调整")
    entry.refresh_from_db()
    assert entry.live
    html = client.get(entry.url).content.decode()
    assert "标准已调整" in html and "正文摘要" not in html
    assert not DisclosureEntryPage.objects.current().filter(pk=entry.pk).exists()
    assert "旧收费标准" not in client.get("/").content.decode()


def test_withheld_withdrawal_is_an_emergency_unpublish(section, client):
    entry = publish_through_review(make_entry(section, key="basic", publish=False))
    url = entry.url
    take_transition(entry, "withdraw", reviewer(), comment="误发个人信息", withheld=True)
    entry.refresh_from_db()
    assert not entry.live
    assert client.get(url).status_code == 404
    log = PageLogEntry.objects.get(page=entry, action="wagtail_disclosure.withdraw")
    assert log.data["withheld"] is True and log.data["comment"] == "误发个人信息"


def test_attachments_follow_the_entrys_visibility(section, client, admin_client):
    Document = get_document_model()
    document = Document.objects.create(
        title="附件", file=ContentFile(b"a,b\n1,2\n", name="table.csv")
    )
    entry = make_entry(
        section, key="basic", publish=False, attachments=[DisclosureAttachment(document=document)]
    )
    assert DisclosureAttachment.objects.filter(page=entry, document=document).exists()
    url = document.url
    assert client.get(url).status_code == 404  # entry not published yet
    assert admin_client.get(url).status_code == 200  # staff with a role may see it
    publish_through_review(entry)
    assert client.get(url).status_code == 200
    take_transition(entry, "withdraw", reviewer(), comment="撤回")
    assert client.get(url).status_code == 404


# -- no bypass -------------------------------------------------------------------------------


def live(entry):
    return Page.objects.get(pk=entry.pk).live


def test_the_api_cannot_publish_or_unpublish(section):
    draft = make_entry(section, key="basic", publish=False)
    with pytest.raises(PublicationBypassError):
        draft.save_revision().publish()
    assert not live(draft)
    published = publish_through_review(make_entry(section, key="basic", publish=False))
    with pytest.raises(PublicationBypassError):
        published.specific.unpublish()
    assert live(published)
    # Creating a page as live makes a draft instead.
    parent = category_page(section, "basic")
    entry = DisclosureEntryPage.objects.get(pk=draft.pk).specific
    clone = type(entry)(
        title="直接上线",
        slug="direct",
        checklist_item=entry.checklist_item,
        department=entry.department,
        live=True,
    )
    parent.add_child(instance=clone)
    assert not live(clone)


def test_publish_button_and_unpublish_view_are_refused(section, admin_client):
    entry = make_entry(section, key="basic", publish=False)
    edit = reverse("wagtailadmin_pages:edit", args=[entry.pk])
    html = admin_client.get(edit).content.decode()
    assert 'name="action-publish"' not in html
    data = _edit_data(entry)
    data["action-publish"] = "action-publish"
    admin_client.post(edit, data)
    assert not live(entry)
    published = publish_through_review(make_entry(section, key="basic", publish=False))
    admin_client.post(reverse("wagtailadmin_pages:unpublish", args=[published.pk]))
    assert live(published)


def test_bulk_publish_and_unpublish_are_refused(section, admin_client):
    draft = make_entry(section, key="basic", publish=False)
    published = publish_through_review(make_entry(section, key="basic", publish=False))
    for action, entry in (("publish", draft), ("unpublish", published)):
        url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", action))
        admin_client.post(f"{url}?id={entry.pk}", {"include_descendants": ""})
    assert not live(draft)
    assert live(published)


def test_scheduled_publishing_cannot_publish_an_entry(section):
    entry = make_entry(section, key="basic", publish=False)
    revision = entry.save_revision()
    revision.approved_go_live_at = timezone.now() - datetime.timedelta(minutes=5)
    revision.save()
    with pytest.raises(PublicationBypassError):
        call_command("publish_scheduled")
    assert not live(entry)
    assert state(entry) == "draft"


def test_copy_never_makes_a_live_entry(section, admin_client):
    entry = publish_through_review(make_entry(section, key="basic", publish=False))
    copy = entry.specific.copy(update_attrs={"slug": "copied", "title": "副本"}, keep_live=True)
    assert not live(copy)
    assert state(copy) == "draft"
    url = reverse("wagtailadmin_pages:copy", args=[entry.pk])
    admin_client.post(
        url,
        {
            "new_title": "再复制",
            "new_slug": "copied-2",
            "new_parent_page": entry.get_parent().pk,
            "publish_copies": "on",
        },
    )
    copies = DisclosureEntryPage.objects.filter(slug="copied-2")
    assert copies.exists() and not copies.get().live


def test_move_does_not_publish_or_unpublish(section):
    draft = make_entry(section, key="basic", publish=False)
    published = publish_through_review(make_entry(section, key="basic", publish=False))
    other = make_section(slug="xxgk-other", site_root=False)
    for entry in (draft, published):
        entry.specific.move(category_page(other, "basic"), pos="last-child")
    assert not live(draft) and live(published)


def test_reverting_to_an_old_revision_needs_the_review(section, admin_client):
    entry = make_entry(section, key="basic", publish=False, title="甲")
    publish_through_review(entry)
    old = entry.live_revision
    entry.title = "乙"
    entry.save_revision()
    publish_through_review(entry)
    url = reverse("wagtailadmin_pages:revisions_revert", args=[entry.pk, old.pk])
    assert admin_client.get(url).status_code == 200
    data = _edit_data(entry)
    data["title"] = "甲"
    data["action-publish"] = "action-publish"
    admin_client.post(reverse("wagtailadmin_pages:edit", args=[entry.pk]), data)
    entry.refresh_from_db()
    assert entry.title == "乙"  # still the reviewed version online
    assert state(entry) == "draft"  # the revert is a new version waiting for review


def test_superusers_take_the_same_path(section, admin_user):
    entry = make_entry(section, key="basic", publish=False)
    assert not entry.specific.permissions_for_user(admin_user).can_publish()
    assert set(available_transitions(entry, admin_user)) == {"submit"}


# -- notifications -------------------------------------------------------------------------


def test_notifications_go_to_the_next_steps_people_in_that_department(
    section, django_user_model, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    own, other = make_department("JWC", "教务处"), make_department("CWC", "财务处")
    editor = staff(django_user_model, "ed", section, email="ed@example.edu.cn")
    grant(editor, "edit_entries", own)
    head = staff(django_user_model, "head", section, email="head@example.edu.cn")
    grant(head, "review_entries", own)
    other_head = staff(django_user_model, "otherhead", section, email="other@example.edu.cn")
    grant(other_head, "review_entries", other)
    quiet = staff(django_user_model, "quiet", section, email="quiet@example.edu.cn")
    grant(quiet, "review_entries", own)
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(quiet)
    profile.submitted_notifications = False
    profile.save()
    entry = make_entry(section, key="basic", publish=False, department=own)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        take_transition(entry, "submit", editor)
    assert [m.to for m in mail.outbox] == [["head@example.edu.cn"]]
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        take_transition(entry, "reject", head, comment="请补充附件")
    assert [m.to for m in mail.outbox] == [["ed@example.edu.cn"]]
    assert "请补充附件" in mail.outbox[0].body


# -- cost ------------------------------------------------------------------------------------


def count_queries(entry, name, user):
    with CaptureQueriesContext(connection) as queries:
        take_transition(entry, name, user)
    return len(queries)


def test_a_transition_costs_a_constant_number_of_queries(section, django_user_model):
    department = make_department()
    user = staff(django_user_model, "constant", section)
    for role in ("edit_entries", "review_entries"):
        grant(user, role, department)
    first = make_entry(section, key="basic", publish=False, department=department)
    take_transition(first, "submit", user)
    user = django_user_model.objects.get(pk=user.pk)
    small = count_queries(first, "approve", user)
    # Many more entries, departments, role assignments and revisions.
    for n in range(20):
        extra = make_department(f"D{n}", f"部门{n}")
        grant(user, "review_entries", extra)
        make_entry(section, key="basic", publish=False, department=extra).save_revision()
    second = make_entry(section, key="basic", publish=False, department=department)
    for _ in range(5):
        second.save_revision()
    take_transition(second, "submit", user)
    user = django_user_model.objects.get(pk=user.pk)
    large = count_queries(second, "approve", user)
    assert small == large, (small, large)


def _edit_data(entry):
    from tests.test_pages import edit_form_data

    return edit_form_data(entry.specific)


def test_decisions_follow_the_version_in_review_not_the_live_page(section, django_user_model):
    """A draft that turns an entry into a major matter, or moves it to another department,
    is judged by what the draft says."""
    own, other = make_department("JWC", "教务处"), make_department("CWC", "财务处")
    entry = publish_through_review(make_entry(section, key="basic", publish=False, department=own))
    draft = entry.specific.get_latest_revision_as_object()
    draft.is_major_matter = True
    draft.department = other
    draft.save_revision()
    own_editor = staff(django_user_model, "own-editor", section)
    grant(own_editor, "edit_entries", own)
    other_editor = staff(django_user_model, "other-editor", section)
    grant(other_editor, "edit_entries", other)
    with pytest.raises(TransitionError):
        take_transition(entry, "submit", own_editor)
    take_transition(entry, "submit", other_editor)
    for name in ("approve", "clear"):
        take_transition(entry, name, reviewer())
    assert "publish" not in available_transitions(entry, reviewer())
    with pytest.raises(TransitionError):
        take_transition(entry, "publish", reviewer())
    take_transition(entry, "sign_off", reviewer())
    take_transition(entry, "publish", reviewer())
    entry.refresh_from_db()
    assert entry.department == other and entry.is_major_matter


def test_explorer_shows_the_review_state(section, admin_client):
    from django.utils import translation

    from wagtail_disclosure.models import ReviewState

    entry = make_entry(section, key="basic", publish=False, title="送审中的条目")
    take_transition(entry, "submit", reviewer())
    response = admin_client.get(reverse("wagtailadmin_explore", args=[category_page(section, "basic").pk]))
    html = response.content.decode()
    with translation.override("zh-hans"):
        label = str(ReviewState.SUBMITTED.label)
    assert "送审中的条目" in html and label in html


def test_queue_deadlines_use_the_items_period(section):
    from wagtail_disclosure.models import ChecklistItem
    from wagtail_disclosure.workflow.queue import attach_deadlines, deadline_counts

    short = ChecklistItem.objects.get(category__checklist=section.checklist, code="2")
    short.update_within_working_days = 5
    short.save()
    quick = make_entry(section, key="basic", item_code="2", publish=False,
                       document_date="2025-03-03")
    normal = make_entry(section, key="basic", item_code="3", publish=False,
                        document_date="2025-03-03")
    reviews = EntryReview.objects.filter(page_id__in=[quick.pk, normal.pk]).select_related(
        "department", "page", "page__department", "page__checklist_item__category"
    )
    today = datetime.date(2025, 3, 12)
    by_page = {r.page_id: r.deadline for r in attach_deadlines(EntryReview.workflow, reviews, today=today)}
    assert by_page[quick.pk].due_date == datetime.date(2025, 3, 10)
    assert by_page[quick.pk].state == "overdue"
    assert by_page[normal.pk].state == "on_time"
    counts = deadline_counts(EntryReview.workflow, reviews, today=today)
    assert counts["overdue"] == 1 and counts["on_time"] == 1
