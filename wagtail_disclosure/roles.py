"""Roles in the review chain, scoped by department.

A role is a permission on :class:`~wagtail_disclosure.models.Department`. Held as a
model-level permission (through a Wagtail group) it applies to every department; held as
an object permission (django-guardian, direct foreign-key tables) it applies to that
department only. Superusers hold every role, and still act through the transitions.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

APP_LABEL = "wagtail_disclosure"


class Role(models.TextChoices):
    DEPARTMENT_EDITOR = "edit_entries", _("Department editor")
    DEPARTMENT_REVIEWER = "review_entries", _("Department reviewer")
    CONFIDENTIALITY_REVIEWER = "clear_entries", _("Confidentiality reviewer")
    SIGN_OFF_LEADER = "sign_off_entries", _("Sign-off leader")
    DISCLOSURE_OFFICE = "publish_entries", _("Disclosure office")


#: Meta.permissions of Department: one permission per role.
DEPARTMENT_PERMISSIONS = [
    (Role.DEPARTMENT_EDITOR.value, "Can draft and submit the department's entries"),
    (Role.DEPARTMENT_REVIEWER.value, "Can approve the department's submissions"),
    (Role.CONFIDENTIALITY_REVIEWER.value, "Can pass the confidentiality review"),
    (Role.SIGN_OFF_LEADER.value, "Can sign off entries as the leader in charge"),
    (Role.DISCLOSURE_OFFICE.value, "Can publish and withdraw entries"),
]

_CACHE_ATTR = "_wagtail_disclosure_roles"


def role_map(user):
    """{role codename: set of department ids, or None meaning every department}.

    Computed once per user object (two queries at most) and cached on it, so checking
    many entries costs no further queries.
    """
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from .models import DepartmentGroupObjectPermission, DepartmentUserObjectPermission

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
            DepartmentUserObjectPermission.objects.filter(
                user=user, permission__codename__in=Role.values
            )
            .values_list("permission__codename", "content_object_id")
            .union(
                DepartmentGroupObjectPermission.objects.filter(
                    group__user=user, permission__codename__in=Role.values
                ).values_list("permission__codename", "content_object_id")
            )
        )
        for codename, department_id in rows:
            if codename in roles and roles[codename] is None:
                continue
            roles.setdefault(codename, set()).add(department_id)
    setattr(user, _CACHE_ATTR, roles)
    return roles


def forget_roles(user):
    """Drop the cached roles (after assignments change)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)


def has_role(user, role, department_id):
    """Does ``user`` hold ``role`` for the department with id ``department_id``?"""
    roles = role_map(user)
    if role not in roles:
        return False
    departments = roles[role]
    return departments is None or department_id in departments


def has_any_role(user, department_id):
    return any(has_role(user, role, department_id) for role in Role.values)


def department_filter(user, roles=None, field="department_id"):
    """A Q object limiting a queryset to departments where ``user`` holds one of ``roles``."""
    roles = roles or Role.values
    held = role_map(user)
    departments = set()
    for role in roles:
        if role in held:
            if held[role] is None:
                return models.Q()
            departments |= held[role]
    return models.Q(**{f"{field}__in": departments})


def users_with_role(role, department_id):
    """Active users holding ``role`` for a department: by group, directly, or per department.

    Superusers are left out unless they hold the role explicitly: they can act, but are
    not sent every notice.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from .models import DepartmentGroupObjectPermission, DepartmentUserObjectPermission

    permission = Permission.objects.filter(
        content_type__app_label=APP_LABEL, content_type__model="department", codename=role
    ).values("pk")
    User = get_user_model()
    Membership = User.groups.through
    group_ids = (
        Group.permissions.through.objects.filter(permission__in=permission)
        .values("group_id")
        .union(
            DepartmentGroupObjectPermission.objects.filter(
                permission__in=permission, content_object_id=department_id
            ).values("group_id")
        )
    )
    # Separate id subqueries rather than one OR over four joins: PostgreSQL plans the
    # joined form badly (half a second on an empty database).
    return User.objects.filter(is_active=True).filter(
        models.Q(
            pk__in=User.user_permissions.through.objects.filter(permission__in=permission).values(
                "user_id"
            )
        )
        | models.Q(
            pk__in=DepartmentUserObjectPermission.objects.filter(
                permission__in=permission, content_object_id=department_id
            ).values("user_id")
        )
        | models.Q(
            pk__in=Membership.objects.filter(
                group_id__in=list(group_ids.values_list("group_id", flat=True))
            ).values("user_id")
        )
    )
