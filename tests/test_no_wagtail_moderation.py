"""Wagtail's own moderation workflows never apply to disclosure entries (issue 10, point 6).

Every site made with ``wagtail start`` has Wagtail's "Moderators approval" workflow on its
root page (the initial migration creates it). Entries go through the package's review
chain instead (docs/workflow.md): neither the create nor the edit view of an entry may
offer "Submit to …" (or any other workflow action), and posting one must neither fail nor
start a Wagtail workflow. Ordinary page types of the same site keep the workflow: the
control tests below prove the setup really offers it, so the entry tests can fail.
"""

import pytest
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import (
    GroupApprovalTask,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)
from wagtail.test.utils.form_data import nested_form_data, streamfield

from tests.test_pages import edit_form_data
from tests.utils import category_page, grant, make_department, make_entry, staff
from wagtail_disclosure.models import (
    AdmissionsEntryPage,
    ChecklistItem,
    DisclosureEntryPage,
    DisclosureGuidePage,
    EntryReview,
)
from wagtail_disclosure.permissions import Role

pytestmark = pytest.mark.django_db

WORKFLOW_NAME = "Moderators approval"
WORKFLOW_ACTIONS = (
    "action-submit",
    "action-restart-workflow",
    "action-workflow-action",
    "action-cancel-workflow",
)

# Entry types: one of the package's, and one a site defines on top of it (docs/extending.md).
ENTRY_TYPES = [AdmissionsEntryPage]
if apps.is_installed("tests.testapp"):
    from tests.testapp.models import QuotaAdmissionsEntryPage

    ENTRY_TYPES.append(QuotaAdmissionsEntryPage)


# -- setup ------------------------------------------------------------------------------------


@pytest.fixture
def section(shared_section):
    return shared_section


@pytest.fixture
def jwc():
    return make_department("JWC", "教务处")


def moderation_workflow(page):
    """Wagtail's default workflow on ``page``: the one ``wagtail start``'s initial migration
    puts on the root page (the test database has it too), or a new one like it."""
    assigned = WorkflowPage.objects.filter(page=page).select_related("workflow").first()
    if assigned:
        return assigned.workflow
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    task = GroupApprovalTask.objects.create(name=WORKFLOW_NAME)
    task.groups.set([moderators])
    workflow = Workflow.objects.create(name=WORKFLOW_NAME)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=page)
    return workflow


@pytest.fixture(params=["root", "section", "category"])
def moderated(request, section):
    """The workflow on the tree's root, on the section, or on the entries' category page."""
    page = {
        "root": lambda: Page.get_first_root_node(),
        "section": lambda: section,
        "category": lambda: category_page(section, "admissions"),
    }[request.param]()
    workflow = moderation_workflow(page)
    assert workflow.active and workflow.tasks.exists()
    return workflow


@pytest.fixture
def root_moderated():
    """The site's default setup only: the workflow on the root page."""
    return moderation_workflow(Page.get_first_root_node())


@pytest.fixture(params=["superuser", "department editor"])
def user(request, admin_user, django_user_model, section, jwc):
    if request.param == "superuser":
        return admin_user
    editor = staff(django_user_model, "editor", section)
    grant(editor, Role.DEPARTMENT_EDITOR, jwc)
    return editor


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def create_url(model, parent):
    return reverse(
        "wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk]
    )


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def first_item(model, section):
    parent = category_page(section, model.category_key)
    return ChecklistItem.objects.filter(category_id=parent.category_id).order_by("number").first()


def new_entry_data(model, section, department, slug):
    """The create form of an entry type, as the browser posts it."""
    item = first_item(model, section)
    return edit_form_data(
        model(title="新条目", slug=slug, checklist_item=item, department=department)
    )


def draft_entry(model, section, department):
    """A draft entry of ``model``, which may be a site's own entry type."""
    item = first_item(model, section)
    entry = model(title="草稿条目", slug="draft-entry", checklist_item=item, department=department)
    category_page(section, model.category_key).add_child(instance=entry)
    entry.save_revision()
    return entry


def guide_data(slug):
    return nested_form_data(
        {
            "title": "信息公开指南",
            "slug": slug,
            "office_name": "信息公开办公室",
            "body": streamfield([]),
        }
    )


def assert_no_workflow_action(html):
    for text in (*WORKFLOW_ACTIONS, WORKFLOW_NAME):
        assert text not in html, text


def assert_told_why(response):
    """One warning: entries do not go through Wagtail's workflows (the other messages of
    these views are successes)."""
    warnings = [m for m in get_messages(response.wsgi_request) if m.level == messages.WARNING]
    assert len(warnings) == 1, warnings


def assert_workflow_offered(html):
    """The "Submit to Moderators approval" item (提交给Moderators approval in Chinese)."""
    assert 'name="action-submit"' in html
    assert WORKFLOW_NAME in html


# -- the control: an ordinary page type of the same site keeps Wagtail's workflow ---------------


def test_the_setup_offers_the_workflow_for_ordinary_pages(logged_in, section, moderated):
    """Same site, same user: Wagtail offers and starts its workflow on other page types."""
    category = category_page(section, "admissions")
    assert category.get_workflow() == moderated  # every placement covers the category page
    response = logged_in.get(edit_url(category))
    assert response.status_code == 200
    assert_workflow_offered(response.content.decode())
    if moderated.workflow_pages.get().page.depth > section.depth:
        return  # on the category page only: the section's other children are not covered
    response = logged_in.get(create_url(DisclosureGuidePage, section))
    assert response.status_code == 200
    assert_workflow_offered(response.content.decode())
    data = {**guide_data("guide"), "action-submit": "action-submit"}
    response = logged_in.post(create_url(DisclosureGuidePage, section), data)
    assert response.status_code == 302
    guide = DisclosureGuidePage.objects.get(slug="guide")
    assert WorkflowState.objects.for_instance(guide).filter(workflow=moderated).exists()


# -- entries: nothing offered -------------------------------------------------------------


@pytest.mark.parametrize("model", ENTRY_TYPES, ids=lambda m: m.__name__)
def test_the_create_view_of_an_entry_offers_no_workflow(logged_in, section, moderated, model):
    parent = category_page(section, model.category_key)
    assert parent.has_workflow  # Wagtail's create view asks the parent page
    response = logged_in.get(create_url(model, parent))
    assert response.status_code == 200
    html = response.content.decode()
    assert "button action-save" in html  # the menu is there, without the workflow
    assert_no_workflow_action(html)


@pytest.mark.parametrize("model", ENTRY_TYPES, ids=lambda m: m.__name__)
def test_the_edit_view_of_an_entry_offers_no_workflow(logged_in, section, jwc, moderated, model):
    entry = draft_entry(model, section, jwc)
    assert isinstance(entry, DisclosureEntryPage) and type(entry) is model
    # Wagtail's own definition: the workflow covers the entry's place in the tree.
    assert Page.objects.get(pk=entry.pk).get_workflow() == moderated
    response = logged_in.get(edit_url(entry))
    assert response.status_code == 200
    html = response.content.decode()
    assert "button action-save" in html  # the menu is there, without the workflow
    assert_no_workflow_action(html)


def test_a_workflow_on_the_entry_itself_is_not_offered_either(admin_client, section, jwc):
    entry = make_entry(section, key="admissions", publish=False, department=jwc)
    workflow = moderation_workflow(Page.objects.get(pk=entry.pk))
    assert Page.objects.get(pk=entry.pk).get_workflow() == workflow
    assert entry.specific.get_workflow() is None
    response = admin_client.get(edit_url(entry))
    assert response.status_code == 200
    assert_no_workflow_action(response.content.decode())


# -- entries: posting a workflow action -------------------------------------------------------


@pytest.mark.parametrize("model", ENTRY_TYPES, ids=lambda m: m.__name__)
def test_submitting_a_new_entry_to_the_workflow_saves_a_draft(
    logged_in, section, jwc, moderated, model
):
    parent = category_page(section, model.category_key)
    data = {**new_entry_data(model, section, jwc, "posted"), "action-submit": "action-submit"}
    response = logged_in.post(create_url(model, parent), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = model.objects.get(slug="posted")
    assert type(entry) is model and not entry.live
    assert EntryReview.objects.get(page_id=entry.pk).state == "draft"
    assert not WorkflowState.objects.exists()
    # Saved and kept open for editing, as "Save draft" does; the person is told why.
    assert response["Location"].startswith(edit_url(entry))
    assert_told_why(response)


@pytest.mark.parametrize("action", WORKFLOW_ACTIONS)
def test_workflow_actions_posted_to_the_edit_view_of_an_entry_start_nothing(
    logged_in, section, jwc, root_moderated, action
):
    entry = make_entry(section, key="admissions", publish=False, department=jwc)
    revisions = entry.revisions.count()
    data = edit_form_data(entry.specific)
    data.update({action: action, "workflow-action-name": "approve"})
    response = logged_in.post(edit_url(entry), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not WorkflowState.objects.exists()
    assert entry.revisions.count() == revisions + 1  # saved as a draft, like "Save draft"
    assert EntryReview.objects.get(page_id=entry.pk).state == "draft"
    assert not Page.objects.get(pk=entry.pk).live
    assert_told_why(response)


def test_a_wagtail_workflow_left_on_an_entry_is_neither_offered_nor_taken(
    admin_client, admin_user, section, jwc, root_moderated
):
    """An entry that carries a Wagtail workflow state anyway (started in code, say): its
    task actions and "Cancel workflow" are not offered, and a posted task action does nothing."""
    entry = make_entry(section, key="admissions", publish=False, department=jwc)
    state = root_moderated.start(Page.objects.get(pk=entry.pk), admin_user)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.current_task_state
    response = admin_client.get(edit_url(entry))
    assert response.status_code == 200
    html = response.content.decode()
    assert "button action-save" in html
    assert "data-workflow-action-name" not in html
    assert "action-cancel-workflow" not in html
    data = edit_form_data(entry.specific)
    data.update({"action-workflow-action": "1", "workflow-action-name": "approve"})
    response = admin_client.post(edit_url(entry), data)
    assert response.status_code == 302
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.status == "in_progress"
    assert not Page.objects.get(pk=entry.pk).live
    assert EntryReview.objects.get(page_id=entry.pk).state == "draft"


def test_the_create_view_offers_no_wagtail_publish_and_a_posted_one_saves_a_draft(
    admin_client, section, jwc
):
    """Wagtail offers superusers "Publish" on create (by the parent page's permissions):
    entries are published only by the review, so neither the button nor the action."""
    model = ENTRY_TYPES[0]
    parent = category_page(section, model.category_key)
    guide_create = admin_client.get(
        reverse(
            "wagtailadmin_pages:add", args=("wagtail_disclosure", "disclosureguidepage", section.pk)
        )
    ).content.decode()
    assert 'name="action-publish"' in guide_create  # offered for other page types: can fail
    html = admin_client.get(create_url(model, parent)).content.decode()
    assert "button action-save" in html and 'name="action-publish"' not in html
    data = {**new_entry_data(model, section, jwc, "published-on-create"), "action-publish": "1"}
    response = admin_client.post(create_url(model, parent), data)
    assert response.status_code == 302
    entry = model.objects.get(slug="published-on-create")
    assert not entry.live and EntryReview.objects.get(page_id=entry.pk).state == "draft"
    assert response["Location"].startswith(edit_url(entry))
    assert_told_why(response)
