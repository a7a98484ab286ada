"""Who may do what: the department roles, their shortcuts and every permission policy.

A role is a permission on :class:`~wagtail_disclosure.models.Department`. Held as a
model-level permission (through a Wagtail group, or given to a person) it applies to
every department; held as an object permission (django-guardian's base models, with
direct foreign keys) it applies to that department only. Superusers hold every role, and
still act through the transitions.

Shortcuts, verb first as in ``guardian.shortcuts``::

    assign_role(user_or_group, Role.DEPARTMENT_EDITOR, department)   # one department
    assign_role(group, Role.DISCLOSURE_OFFICE)                       # every department
    remove_role(user_or_group, role, department=None)
    get_roles(user)                          # {role: department ids, or None for all}
    has_role(user, role, department_id)
    get_departments_for_user(user, roles=None)
    get_entries_for_user(user, roles=None)
    users_with_role(role, department_id)

The policies of the admin screens (checklist items, role assignments, API tokens, entry
pages) read from the same functions. Django's ``user.has_perm()`` is not used for
department roles: one query per user reads them all (cached on the user object), where an
authentication backend would answer one object at a time; guardian's
``ObjectPermissionBackend`` is therefore not needed (docs/dependencies.md).

This module imports none of the package's models (it reads them with
``apps.get_model``): the models, the workflow engine and the admin all build on it.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import PagePermissionTester
from wagtail.permission_policies import BasePermissionPolicy, ModelPermissionPolicy

from .people import person_name

APP_LABEL = "wagtail_disclosure"


class Role(models.TextChoices):
    DEPARTMENT_EDITOR = "edit_entries", _("Department editor")
    DEPARTMENT_REVIEWER = "review_entries", _("Department reviewer")
    CONFIDENTIALITY_REVIEWER = "clear_entries", _("Confidentiality reviewer")
    SIGN_OFF_LEADER = "sign_off_entries", _("Sign-off leader")
    DISCLOSURE_OFFICE = "publish_entries", _("Disclosure office")
    REQUEST_HANDLER = "handle_requests", _("Request handler")


#: Meta.permissions of Department: one permission per role.
DEPARTMENT_PERMISSIONS = [
    (Role.DEPARTMENT_EDITOR.value, "Can draft and submit the department's entries"),
    (Role.DEPARTMENT_REVIEWER.value, "Can approve the department's submissions"),
    (Role.CONFIDENTIALITY_REVIEWER.value, "Can pass the confidentiality review"),
    (Role.SIGN_OFF_LEADER.value, "Can sign off entries as the leader in charge"),
    (Role.DISCLOSURE_OFFICE.value, "Can publish and withdraw entries"),
    (Role.REQUEST_HANDLER.value, "Can handle requests for information routed to the department"),
]

_CACHE_ATTR = "_wagtail_disclosure_roles"


def _model(name):
    return apps.get_model(APP_LABEL, name)


def role_permission(role):
    """The ``Permission`` row of ``role`` (a ``Role`` or its codename)."""
    return Permission.objects.get(
        content_type__app_label=APP_LABEL, content_type__model="department", codename=role
    )


def role_permissions():
    """The permissions of all roles."""
    return Permission.objects.filter(
        content_type__app_label=APP_LABEL, content_type__model="department", codename__in=Role.values
    )


# ---------------------------------------------------------------------------
# Reading roles
# ---------------------------------------------------------------------------


def get_roles(user):
    """{role codename: set of department ids, or None meaning every department}.

    Computed once per user object (two queries at most) and cached on it, so checking
    many entries costs no further queries.
    """
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    roles = {}
    if not user.is_authenticated or not user.is_active:
        setattr(user, _CACHE_ATTR, roles)
        return roles
    if user.is_superuser:
        roles = dict.fromkeys(Role.values)
    else:
        global_perms = user.get_all_permissions()  # cached by Django's ModelBackend
        for role in Role.values:
            if f"{APP_LABEL}.{role}" in global_perms:
                roles[role] = None
        rows = (
            _model("DepartmentUserObjectPermission")
            .objects.filter(user=user, permission__codename__in=Role.values)
            .values_list("permission__codename", "content_object_id")
            .union(
                _model("DepartmentGroupObjectPermission")
                .objects.filter(group__user=user, permission__codename__in=Role.values)
                .values_list("permission__codename", "content_object_id")
            )
        )
        for codename, department_id in rows:
            if codename in roles and roles[codename] is None:
                continue
            roles.setdefault(codename, set()).add(department_id)
    setattr(user, _CACHE_ATTR, roles)
    return roles


#: The name the rest of the package has used for :func:`get_roles`.
role_map = get_roles


def has_role(user, role, department_id):
    """Does ``user`` hold ``role`` for the department with id ``department_id``?"""
    roles = get_roles(user)
    if role not in roles:
        return False
    departments = roles[role]
    return departments is None or department_id in departments


def has_any_role(user, department_id):
    return any(has_role(user, role, department_id) for role in Role.values)


def holds_role_everywhere(user, role):
    """Whether ``user`` holds ``role`` for every department (superusers do)."""
    roles = get_roles(user)
    return role in roles and roles[role] is None


def department_filter(user, roles=None, field="department_id"):
    """A Q object limiting a queryset to departments where ``user`` holds one of ``roles``
    (an empty ``Q`` when one of them is held for every department)."""
    roles = roles or Role.values
    held = get_roles(user)
    departments = set()
    for role in roles:
        if role in held:
            if held[role] is None:
                return Q()
            departments |= held[role]
    return Q(**{f"{field}__in": departments})


def get_departments_for_user(user, roles=None):
    """The departments where ``user`` holds one of ``roles`` (any role by default)."""
    return _model("Department").objects.filter(department_filter(user, roles, field="pk"))


def get_entries_for_user(user, roles=None):
    """The entry pages of the departments where ``user`` holds one of ``roles``.

    What the admin lists for ``user`` (the explorer, choosers, search and reports hide
    the rest; superusers see all)."""
    entries = _model("DisclosureEntryPage").objects.all()
    return entries.filter(department_filter(user, roles))


def users_with_role(role, department_id):
    """Active users holding ``role`` for a department: by group, directly, or per department.

    Superusers are left out unless they hold the role explicitly: they can act, but are
    not sent every notice.
    """
    permission = Permission.objects.filter(
        content_type__app_label=APP_LABEL, content_type__model="department", codename=role
    ).values("pk")
    User = get_user_model()
    Membership = User.groups.through
    group_ids = (
        Group.permissions.through.objects.filter(permission__in=permission)
        .values("group_id")
        .union(
            _model("DepartmentGroupObjectPermission")
            .objects.filter(permission__in=permission, content_object_id=department_id)
            .values("group_id")
        )
    )
    # Separate id subqueries rather than one OR over four joins: PostgreSQL plans the
    # joined form badly (half a second on an empty database).
    return User.objects.filter(is_active=True).filter(
        Q(
            pk__in=User.user_permissions.through.objects.filter(permission__in=permission).values(
                "user_id"
            )
        )
        | Q(
            pk__in=_model("DepartmentUserObjectPermission")
            .objects.filter(permission__in=permission, content_object_id=department_id)
            .values("user_id")
        )
        | Q(
            pk__in=Membership.objects.filter(
                group_id__in=list(group_ids.values_list("group_id", flat=True))
            ).values("user_id")
        )
    )


# ---------------------------------------------------------------------------
# Changing roles
# ---------------------------------------------------------------------------


def _forget(holder):
    """Drop the roles and permissions cached on a user object after a change."""
    for attr in (_CACHE_ATTR, "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(holder, attr):
            delattr(holder, attr)


def _holder(user_or_group):
    if isinstance(user_or_group, Group):
        return "group", _model("DepartmentGroupObjectPermission")
    return "user", _model("DepartmentUserObjectPermission")


def assign_role(user_or_group, role, department=None):
    """Give ``role`` to a person or a group, for ``department`` or (``None``) every
    department. Idempotent; returns the assignment row (or the ``Permission`` for every
    department)."""
    role = Role(role)
    permission = role_permission(role)
    _forget(user_or_group)
    if department is None:
        if isinstance(user_or_group, Group):
            user_or_group.permissions.add(permission)
        else:
            user_or_group.user_permissions.add(permission)
        return permission
    field, model = _holder(user_or_group)
    assignment, _created = model.objects.get_or_create(
        **{field: user_or_group}, permission=permission, content_object=department
    )
    return assignment


def remove_role(user_or_group, role, department=None):
    """Take ``role`` away: for ``department``, or (``None``) the role held for every
    department. Roles held through a group stay: remove them from the group."""
    role = Role(role)
    permission = role_permission(role)
    _forget(user_or_group)
    if department is None:
        if isinstance(user_or_group, Group):
            user_or_group.permissions.remove(permission)
        else:
            user_or_group.user_permissions.remove(permission)
        return
    field, model = _holder(user_or_group)
    model.objects.filter(
        **{field: user_or_group}, permission=permission, content_object=department
    ).delete()


# ---------------------------------------------------------------------------
# Policies of the admin screens
# ---------------------------------------------------------------------------


def can_manage_roles(user):
    """The disclosure office for every department, and superusers: they assign roles and
    answer for the staff API (they see and revoke everyone's tokens)."""
    return user.is_active and holds_role_everywhere(user, Role.DISCLOSURE_OFFICE)


def has_admin_access(user):
    return user.is_active and user.has_perm("wagtailadmin.access_admin")


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


class DepartmentRolePermissionPolicy(ModelPermissionPolicy):
    """For the admin screens of a model whose rows belong to a department (a workflow's
    rows): people holding any role see the rows of their departments; adding, changing
    and deleting keep Django's model permissions, within those departments.

    ``department_field`` is the lookup of the row's department id.
    """

    def __init__(self, model, department_field="department_id"):
        super().__init__(model)
        self.department_field = department_field

    def _rows(self, user):
        return self.model._default_manager.filter(
            department_filter(user, field=self.department_field)
        )

    def user_has_permission(self, user, action):
        if action == "view":
            return bool(get_roles(user))
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model._default_manager.none()
        return self._rows(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and self._rows(user).filter(pk=instance.pk).exists()
        )


class RoleAssignmentPermissionPolicy(BasePermissionPolicy):
    """Who may list and change department role assignments: see ``can_manage_roles``."""

    def user_has_permission(self, user, action):
        return can_manage_roles(user)

    def users_with_any_permission(self, actions):
        permission = role_permissions().filter(codename=Role.DISCLOSURE_OFFICE)
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(
                Q(is_superuser=True)
                | Q(user_permissions__in=permission)
                | Q(groups__permissions__in=permission)
            )
            .distinct()
        )


class ApiTokenPermissionPolicy(BasePermissionPolicy):
    """Own tokens for everyone with admin access; all tokens for ``can_manage_roles``.

    ``change`` is never granted: a token's key cannot be changed and its name does not
    matter enough to edit; revoke it and make a new one.
    """

    actions = ("add", "view", "delete")

    def user_has_permission(self, user, action):
        return action in self.actions and has_admin_access(user)

    def user_has_permission_for_instance(self, user, action, instance):
        if action not in ("view", "delete") or not has_admin_access(user):
            return False
        return instance.user_id == user.pk or can_manage_roles(user)

    def instances_user_has_permission_for(self, user, action):
        tokens = self.model._default_manager
        if action not in ("view", "delete") or not has_admin_access(user):
            return tokens.none()
        if can_manage_roles(user):
            return tokens.all()
        return tokens.filter(user=user)

    def users_with_any_permission(self, actions):
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(
                Q(is_superuser=True)
                | Q(user_permissions__codename="access_admin")
                | Q(groups__permissions__codename="access_admin")
            )
            .distinct()
        )


checklist_item_permission_policy = ChecklistItemPermissionPolicy(f"{APP_LABEL}.ChecklistItem")
user_role_permission_policy = RoleAssignmentPermissionPolicy(
    f"{APP_LABEL}.DepartmentUserObjectPermission"
)
group_role_permission_policy = RoleAssignmentPermissionPolicy(
    f"{APP_LABEL}.DepartmentGroupObjectPermission"
)
api_token_permission_policy = ApiTokenPermissionPolicy(f"{APP_LABEL}.ApiToken")


class EntryPermissionTester(PagePermissionTester):
    """Wagtail's page permissions, narrowed for disclosure entries.

    * Editing needs a role in the entry's department, on top of Wagtail's page
      permissions (so editors see and edit only their departments' entries).
    * Nobody, superusers included, publishes or unpublishes through Wagtail's own
      buttons, nor submits to a Wagtail workflow: the review transitions do that.
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


def role_assignment_title(assignment):
    """郑蓉 · 部门编辑 · 教务处: a department role of a person or a group, as the admin names
    it (django-guardian's own ``str()`` is a code name, '教务处 | zr | edit_entries')."""
    holder = person_name(assignment.user) if hasattr(assignment, "user_id") else None
    if holder is None:
        holder = assignment.group.name
    role = Role(assignment.permission.codename).label
    return " · ".join(str(part) for part in (holder, role, assignment.content_object))
