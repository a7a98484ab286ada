"""Permission policies for the non-page models.

Per-department object permissions for entries (django-guardian) arrive with the review
workflow; this module is where they will live.
"""

from wagtail.permission_policies import ModelPermissionPolicy

from .models import ChecklistItem


class ChecklistItemPermissionPolicy(ModelPermissionPolicy):
    """Administrators may add items and edit local attributes; nobody deletes official ones."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and instance.is_official:
            return False
        return super().user_has_permission_for_instance(user, action, instance)

    def instances_user_has_permission_for(self, user, action):
        instances = super().instances_user_has_permission_for(user, action)
        if action == "delete":
            instances = instances.filter(is_official=False)
        return instances


checklist_item_permission_policy = ChecklistItemPermissionPolicy(ChecklistItem)
