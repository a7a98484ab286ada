"""Admin screens for the non-page models, built on Wagtail's ModelViewSet."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.views.generic.models import DeleteView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from .compat import HAS_POLICY_REGISTRY
from .forms import ChecklistItemForm
from .models import Checklist, ChecklistItem, Department, ReleaseChannel, WorkingDayOverride
from .permissions import checklist_item_permission_policy


class DepartmentViewSet(ModelViewSet):
    name = "disclosure_departments"
    model = Department
    icon = "group"
    menu_label = _("Departments")
    add_to_admin_menu = False
    list_display = ["name", "short_code", "parent", "contact_person", "phone", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name", "short_code", "contact_person"]
    ordering = ["sort_order", "name"]
    copy_view_enabled = False
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("short_code")]),
        FieldPanel("parent"),
        MultiFieldPanel(
            [
                FieldPanel("contact_person"),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
                FieldPanel("address"),
            ],
            heading=_("Contact"),
        ),
        FieldRowPanel([FieldPanel("sort_order"), FieldPanel("is_active")]),
    ]


class ChecklistItemDeleteView(DeleteView):
    """Asks the permission policy about the item itself: official items are never deleted."""

    def dispatch(self, request, *args, **kwargs):
        if not self.user_has_permission_for_instance("delete", self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ChecklistItemViewSet(ModelViewSet):
    name = "disclosure_checklist_items"
    model = ChecklistItem
    icon = "list-ol"
    menu_label = _("Checklist items")
    add_to_admin_menu = False
    list_display = ["code", "title", "category", "default_department", "update_rule", "is_official"]
    list_filter = [
        "category__checklist",
        "category",
        "update_rule",
        "is_official",
        "default_department",
    ]
    search_fields = ["code", "title", "description"]
    ordering = ["category__checklist", "number", "code"]
    list_per_page = 60
    delete_view_class = ChecklistItemDeleteView
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("category"),
            FieldPanel("parent"),
            FieldRowPanel([FieldPanel("number"), FieldPanel("code")]),
            FieldPanel("title"),
            FieldPanel("description"),
            FieldPanel("related_regulations"),
            FieldPanel("default_department"),
            MultiFieldPanel(
                [
                    FieldPanel("update_rule"),
                    FieldRowPanel(
                        [FieldPanel("update_within_working_days"), FieldPanel("update_month")]
                    ),
                ],
                heading=_("Updating"),
            ),
            FieldPanel("not_applicable_reason"),
        ],
        base_form_class=ChecklistItemForm,
    )

    if not HAS_POLICY_REGISTRY:  # Wagtail 7.4: the viewset carries the policy
        permission_policy = checklist_item_permission_policy


class ChecklistViewSet(ModelViewSet):
    name = "disclosure_checklists"
    model = Checklist
    icon = "list-ul"
    menu_label = _("Checklists")
    add_to_admin_menu = False
    list_display = ["title", "code", "document_number", "issued_on", "is_official"]
    search_fields = ["title", "code", "document_number"]
    copy_view_enabled = False
    form_fields = ["code", "title", "document_number", "issued_by", "issued_on", "description"]


class ReleaseChannelViewSet(ModelViewSet):
    name = "disclosure_channels"
    model = ReleaseChannel
    icon = "globe"
    menu_label = _("Release channels")
    add_to_admin_menu = False
    list_display = ["name", "code", "sort_order"]
    copy_view_enabled = False
    form_fields = ["code", "name", "sort_order"]


class DisclosureViewSetGroup(ViewSetGroup):
    menu_label = _("Disclosure")
    menu_icon = "folder-open-inverse"
    menu_order = 250
    items = (DepartmentViewSet, ChecklistItemViewSet, ChecklistViewSet, ReleaseChannelViewSet)


class WorkingDayOverrideViewSet(ModelViewSet):
    """Dates whose working-day status overrides chinesecalendar (see working_days.py)."""

    name = "disclosure_working_days"
    model = WorkingDayOverride
    icon = "date"
    menu_label = _("Working-day overrides")
    add_to_admin_menu = False
    list_display = ["date", "weekday", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    search_fields = ["note"]
    ordering = ["-date"]
    list_per_page = 100
    copy_view_enabled = False
    form_fields = ["date", "is_working_day", "note"]


# Defined after the group, so it joins the group's items here rather than in its body.
DisclosureViewSetGroup.items = (*DisclosureViewSetGroup.items, WorkingDayOverrideViewSet)
