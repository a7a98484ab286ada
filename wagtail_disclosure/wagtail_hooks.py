"""Wiring only: admin screens, permissions, log actions and page hooks."""

from django.contrib.auth.models import Permission
from django.urls import include, path
from wagtail import hooks

from . import admin_urls
from .action_menu import add_transition_menu_items
from .admin_scoping import (
    hide_hidden_entries_from_chooser,
    scope_admin_pages_api,
    scope_homepage_panels,
    scope_homepage_summary_items,
)
from .aliases import refuse_entry_aliases
from .dashboard import CompliancePanel, RequestQueuePanel, ReviewQueuePanel
from .documents import serve_document_check
from .editing import (
    label_save_draft,
    report_restart_after_edit,
    skip_unchanged_save,
    warn_before_edit,
)
from .import_log import register_import_log_actions
from .moderation import (
    drop_workflow_actions_on_create,
    drop_workflow_actions_on_edit,
    remove_workflow_menu_items,
)
from .permissions import Role
from .request_assistance import register_assistance_log_actions
from .request_extensions import register_extension_log_actions
from .request_fees import register_fee_and_letter_log_actions
from .sections import ensure_category_pages_after_create, publish_category_pages_after_publish
from .views.entry_status import add_my_entries_panel, my_entries_menu_item
from .views.imports import import_menu_item
from .views.record import review_record_buttons
from .views.review import (
    hide_other_departments_entries,
    refuse_bulk_publication,
    review_queue_menu_item,
)
from .viewsets import DisclosureViewSetGroup
from .workflow.log_actions import register_workflow_log_actions


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


hooks.register("register_log_actions", register_workflow_log_actions)
hooks.register("register_log_actions", register_extension_log_actions)
hooks.register("register_log_actions", register_fee_and_letter_log_actions)
hooks.register("register_log_actions", register_assistance_log_actions)
hooks.register("register_log_actions", register_import_log_actions)
hooks.register("before_serve_document", serve_document_check)
hooks.register("before_copy_page", refuse_entry_aliases)
hooks.register("after_create_page", ensure_category_pages_after_create)
hooks.register("after_publish_page", publish_category_pages_after_publish)


@hooks.register("register_admin_urls")
def register_disclosure_admin_urls():
    return [path("disclosure/", include(admin_urls, namespace="wagtail_disclosure"))]


@hooks.register("construct_homepage_panels")
def add_review_queue_panel(request, panels):
    panels.append(ReviewQueuePanel())
    panels.append(RequestQueuePanel())
    panels.append(CompliancePanel())


hooks.register("register_admin_menu_item", review_queue_menu_item)
hooks.register("register_admin_menu_item", my_entries_menu_item)
hooks.register("register_admin_menu_item", import_menu_item)
hooks.register("construct_homepage_panels", add_my_entries_panel)
hooks.register("construct_page_action_menu", add_transition_menu_items)
hooks.register("construct_page_action_menu", remove_workflow_menu_items)
hooks.register("before_create_page", drop_workflow_actions_on_create)
hooks.register("before_edit_page", drop_workflow_actions_on_edit)
hooks.register("before_edit_page", warn_before_edit)
hooks.register("before_edit_page", skip_unchanged_save)
hooks.register("after_edit_page", report_restart_after_edit)
hooks.register("construct_page_action_menu", label_save_draft)
hooks.register("register_page_header_buttons", review_record_buttons)
hooks.register("register_page_listing_more_buttons", review_record_buttons)
hooks.register("construct_explorer_page_queryset", hide_other_departments_entries)
hooks.register("construct_page_chooser_queryset", hide_hidden_entries_from_chooser)
hooks.register("construct_admin_api", scope_admin_pages_api)
hooks.register("construct_homepage_panels", scope_homepage_panels)
hooks.register("construct_homepage_summary_items", scope_homepage_summary_items, order=100)
hooks.register("before_bulk_action", refuse_bulk_publication)
