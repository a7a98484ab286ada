"""Permission policies: the checklist's admin screens and the entry pages."""

from wagtail.models import PagePermissionTester
from wagtail.permission_policies import ModelPermissionPolicy

from .models import ChecklistItem
from .roles import Role, has_any_role, has_role


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


class EntryPermissionTester(PagePermissionTester):
    """Wagtail's page permissions, narrowed for disclosure entries.

    * Editing needs a role in the entry's department, on top of Wagtail's page
      permissions (so editors see and edit only their departments' entries).
    * Nobody, superusers included, publishes or unpublishes through Wagtail's own
      buttons: the review transitions do that.
    * Deleting an entry and setting its view restrictions (privacy) need the disclosure
      office role in its department.
    """

    def _department_role(self):
        return has_any_role(self.user, self.page.department_id)

    def can_edit(self):
        return super().can_edit() and self._department_role()

    def can_delete(self, ignore_bulk=False):
        return super().can_delete(ignore_bulk) and has_role(
            self.user, Role.DISCLOSURE_OFFICE, self.page.department_id
        )

    def can_publish(self):
        return False

    def can_unpublish(self):
        return False

    def can_submit_for_moderation(self):
        return False

    def can_set_view_restrictions(self):
        # Wagtail ties this to can_publish(), which is False for everyone here. View
        # restrictions are the disclosure office's: its role in the entry's department,
        # plus Wagtail's edit permission on the page.
        return self.can_edit() and has_role(
            self.user, Role.DISCLOSURE_OFFICE, self.page.department_id
        )
