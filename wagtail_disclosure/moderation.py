"""Wagtail's moderation workflows never apply to disclosure entries (wired in wagtail_hooks.py).

Entries are reviewed by the package's own chain (docs/workflow.md), whatever workflows the
site has on the pages above them. A site made with ``wagtail start`` has Wagtail's
"Moderators approval" workflow on its root page, so Wagtail's page views would offer it:

* the **create view** offers "Submit to …" when the *parent* page ``has_workflow``, and
  takes a posted ``action-submit`` on the same test. Neither asks the page type being
  created nor a permission tester, so ``EntryPermissionTester.can_submit_for_moderation()``
  and ``DisclosureEntryPage.get_workflow()`` (both say no) are never consulted there; the
  submission then called ``start()`` on the entry's workflow, ``None``, and failed;
* the **edit view** (and the revert view built on it) asks the entry's permission tester
  before offering or taking "Submit" and "Restart", but offers the current task's actions
  and "Cancel workflow" whenever a Wagtail workflow state exists, and Wagtail 7.4 fails on
  a posted task action when there is none.

So, for every entry type (every subclass of ``DisclosureEntryPage``, a site's own too):

* ``drop_workflow_actions_on_create`` / ``drop_workflow_actions_on_edit``
  (``before_create_page`` / ``before_edit_page``): a posted workflow action is removed from
  the request before the view reads it, so the view saves a draft, as "Save draft" does,
  and the person is told why. Nothing starts, advances or cancels a Wagtail workflow;
* ``remove_workflow_menu_items`` (``construct_page_action_menu``): Wagtail's workflow
  items ("Submit to …", "Resubmit to …", "Restart workflow", "Cancel workflow" and the
  current task's actions) are taken out of the entry's action menu. The review
  transitions (``action_menu.py``) replace them.

Other pages of the site keep Wagtail's workflows untouched.
"""

from django.contrib import messages
from django.utils.translation import gettext as _
from wagtail.admin.action_menu import WorkflowMenuItem

from .models import DisclosureEntryPage

#: The POST fields by which Wagtail's page views start, restart, advance or cancel one of
#: its workflows (the action menu items of the same names post them).
WORKFLOW_ACTIONS = (
    "action-submit",
    "action-restart-workflow",
    "action-workflow-action",
    "action-cancel-workflow",
)

#: Wagtail's own publication: entries are published only by the review's ``publish``
#: transition. The edit view already refuses it (``EntryPermissionTester``); the create
#: view offers it to superusers by the parent page's permissions.
PUBLISH_ACTIONS = ("action-publish",)

# Set on the request by the create view's hook: the action menu of the create view is
# built without the page type being created (only the parent page is in its context).
_CREATING_ENTRY = "_wagtail_disclosure_creating_entry"


def is_entry_type(page_class):
    return isinstance(page_class, type) and issubclass(page_class, DisclosureEntryPage)


def drop_workflow_actions(request):
    """Remove the workflow and publish actions from a POST; tell the person if there was one."""
    if request.method != "POST":
        return
    posted = [name for name in (*WORKFLOW_ACTIONS, *PUBLISH_ACTIONS) if name in request.POST]
    if not posted:
        return
    data = request.POST.copy()
    for name in posted:
        data.pop(name, None)
    request.POST = data
    if any(name in WORKFLOW_ACTIONS for name in posted):
        message = _(
            "Disclosure entries do not go through Wagtail's moderation workflows, so the "
            "entry was not submitted to one. Submit it for review with the review actions "
            "of its edit page."
        )
    else:
        message = _(
            "Disclosure entries are published only after their review, so the entry was "
            "saved as a draft. Submit it for review with the review actions of its edit page."
        )
    messages.warning(request, message)


def drop_workflow_actions_on_create(request, parent_page, page_class):
    """``before_create_page`` hook."""
    if is_entry_type(page_class):
        setattr(request, _CREATING_ENTRY, True)
        drop_workflow_actions(request)


def drop_workflow_actions_on_edit(request, page):
    """``before_edit_page`` hook (the edit view and the revert view)."""
    if isinstance(page, DisclosureEntryPage):
        drop_workflow_actions(request)


def is_workflow_item(item):
    return isinstance(item, WorkflowMenuItem) or item.name in (
        *WORKFLOW_ACTIONS,
        *PUBLISH_ACTIONS,
    )


def remove_workflow_menu_items(menu_items, request, context):
    """``construct_page_action_menu`` hook."""
    if isinstance(context.get("page"), DisclosureEntryPage) or (
        context.get("view") == "create" and getattr(request, _CREATING_ENTRY, False)
    ):
        menu_items[:] = [item for item in menu_items if not is_workflow_item(item)]
