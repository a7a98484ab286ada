"""Review transitions in the action menu of an entry's edit view (wired in wagtail_hooks.py).

Each item links to the confirmation view of its transition; nothing is taken from the
menu itself. Labels, icons and order come from the workflow's declaration
(``EntryReview.workflow``). Wagtail's own Publish and Unpublish items never appear for
entries: ``EntryPermissionTester`` refuses both to everyone.
"""

from django.urls import reverse
from wagtail.admin.action_menu import ActionMenuItem

from .models import DisclosureEntryPage, EntryReview
from .workflow.engine import step_label
from .workflow.services import available_transitions


class TransitionMenuItem(ActionMenuItem):
    """One review transition of the entry being edited."""

    def __init__(self, step, page_id, label):
        super().__init__(order=200 + step.order)
        self.transition = step.name
        self.page_id = page_id
        self.name = f"action-disclosure-{step.name.replace('_', '-')}"
        self.label = label
        self.icon_name = step.icon

    def is_shown(self, context):
        return context.get("view") == "edit"

    def get_url(self, parent_context):
        return reverse("wagtail_disclosure:entry_transition", args=[self.page_id, self.transition])


def transition_menu_items(request, context):
    """The items for the transitions the user may take on the entry being edited."""
    page = context.get("page")
    if context.get("view") != "edit" or not isinstance(page, DisclosureEntryPage) or not page.pk:
        return []
    workflow = EntryReview.workflow
    return [
        TransitionMenuItem(workflow.steps[name], page.pk, step_label(workflow, name))
        for name in available_transitions(page, request.user)
    ]


def add_transition_menu_items(menu_items, request, context):
    """``construct_page_action_menu`` hook: append after Wagtail's own items."""
    menu_items.extend(transition_menu_items(request, context))
