"""Wiring only: admin screens, permissions, log actions and page hooks."""

from django.contrib.auth.models import Permission
from wagtail import hooks

from .roles import Role
from .sections import ensure_category_pages_after_create, publish_category_pages_after_publish
from .viewsets import DisclosureViewSetGroup
from .workflow.log_actions import register_review_log_actions


@hooks.register("register_admin_viewset")
def register_disclosure_viewsets():
    return DisclosureViewSetGroup()


@hooks.register("register_permissions")
def register_role_permissions():
    return Permission.objects.filter(
        content_type__app_label="wagtail_disclosure",
        content_type__model="department",
        codename__in=Role.values,
    )


hooks.register("register_log_actions", register_review_log_actions)
hooks.register("after_create_page", ensure_category_pages_after_create)
hooks.register("after_publish_page", publish_category_pages_after_publish)
