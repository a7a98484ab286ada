"""Admin screens for the non-page models, built on Wagtail's ModelViewSet."""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from .compat import HAS_POLICY_REGISTRY
from .forms import OfficialWordingForm
from .models import (
    Checklist,
    ChecklistCategory,
    ChecklistItem,
    Department,
    DepartmentGroupObjectPermission,
    DepartmentUserObjectPermission,
    ReleaseChannel,
    ReportFigure,
    WorkingDayOverride,
)
from .people import person_name, real_people
from .permissions import (
    Role,
    checklist_item_permission_policy,
    group_role_permission_policy,
    role_assignment_title,
    role_permissions,
    user_role_permission_policy,
)
from .views.compliance import ComplianceViewSet
from .views.letter_templates import LetterTemplateViewSet
from .views.requests import DisclosureRequestViewSet
from .views.tokens import ApiTokenViewSet


def yes_no_column(model, name):
    """A listing column of a boolean field that reads 是 / 否: Wagtail's own shows the
    Python value ("True"), and its BooleanColumn names its icons "True" / "False"."""
    return Column(
        name,
        label=capfirst(model._meta.get_field(name).verbose_name),
        accessor=lambda instance: _("Yes") if getattr(instance, name) else _("No"),
        sort_key=name,
    )


class DepartmentViewSet(ModelViewSet):
    name = "disclosure_departments"
    model = Department
    icon = "group"
    menu_label = _("Departments")
    add_to_admin_menu = False
    list_display = [
        "name",
        "short_code",
        "parent",
        "contact_person",
        "phone",
        yes_no_column(Department, "is_active"),
    ]
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
    list_display = [
        "code",
        "title",
        "category",
        "default_department",
        "update_rule",
        yes_no_column(ChecklistItem, "is_official"),
    ]
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
        base_form_class=OfficialWordingForm,
    )

    if not HAS_POLICY_REGISTRY:  # Wagtail 7.4: the viewset carries the policy
        permission_policy = checklist_item_permission_policy


class ChecklistViewSet(ModelViewSet):
    name = "disclosure_checklists"
    model = Checklist
    icon = "list-ul"
    menu_label = _("Checklists")
    add_to_admin_menu = False
    list_display = [
        "title",
        "code",
        "document_number",
        "issued_on",
        yes_no_column(Checklist, "is_official"),
    ]
    search_fields = ["title", "code", "document_number"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("code"),
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("document_number"), FieldPanel("issued_on")]),
            FieldPanel("issued_by"),
            FieldPanel("description"),
        ],
        base_form_class=OfficialWordingForm,
    )


class ReleaseChannelViewSet(ModelViewSet):
    name = "disclosure_channels"
    model = ReleaseChannel
    icon = "globe"
    menu_label = _("Release channels")
    add_to_admin_menu = False
    list_display = ["name", "code", "sort_order"]
    copy_view_enabled = False
    form_fields = ["code", "name", "sort_order"]


class ReportFigureViewSet(ModelViewSet):
    """Figures of the annual report that are not in the data, entered by the office."""

    name = "disclosure_report_figures"
    model = ReportFigure
    icon = "order"
    menu_label = _("Report figures")
    add_to_admin_menu = False
    list_display = ["label", "academic_year", "key", "value", "unit", "source"]
    list_filter = ["academic_year"]
    search_fields = ["label", "key", "source"]
    ordering = ["-academic_year", "pk"]
    copy_view_enabled = False
    form_fields = ["academic_year", "key", "label", "value", "unit", "source"]


class ChecklistCategoryViewSet(ModelViewSet):
    """Categories: official wording read-only; the sign-off rule is the school's to set."""

    name = "disclosure_checklist_categories"
    model = ChecklistCategory
    icon = "folder-inverse"
    menu_label = _("Checklist categories")
    add_to_admin_menu = False
    list_display = [
        "number",
        "title",
        "key",
        "checklist",
        yes_no_column(ChecklistCategory, "requires_sign_off"),
    ]
    list_filter = ["checklist", "requires_sign_off"]
    ordering = ["checklist", "number"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("checklist"),
            FieldRowPanel([FieldPanel("number"), FieldPanel("key")]),
            FieldPanel("title"),
            FieldPanel("requires_sign_off"),
        ],
        base_form_class=OfficialWordingForm,
    )


class WorkingDayOverrideViewSet(ModelViewSet):
    """Dates whose working-day status overrides chinesecalendar (see working_days.py)."""

    name = "disclosure_working_days"
    model = WorkingDayOverride
    icon = "date"
    menu_label = _("Working-day overrides")
    add_to_admin_menu = False
    list_display = ["date", "weekday", yes_no_column(WorkingDayOverride, "is_working_day"), "note"]
    list_filter = ["is_working_day"]
    search_fields = ["note"]
    ordering = ["-date"]
    list_per_page = 100
    copy_view_enabled = False
    form_fields = ["date", "is_working_day", "note"]


# ---------------------------------------------------------------------------
# Department roles of people and groups (django-guardian, direct foreign keys)
# ---------------------------------------------------------------------------


class RoleAssignmentForm(WagtailAdminModelForm):
    """Offers only the role permissions, named by their roles; people by their names
    (surname first for Chinese names), without django-guardian's AnonymousUser."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["permission"]
        field.queryset = role_permissions().order_by("pk")
        field.label = _("Role")
        field.label_from_instance = lambda permission: Role(permission.codename).label
        self.fields["content_object"].label = _("Department")
        if "user" in self.fields:
            user_field = self.fields["user"]
            user_field.queryset = real_people(user_field.queryset).order_by(
                "last_name", "first_name", "pk"
            )
            user_field.label = _("User")
            user_field.label_from_instance = _person_choice
        if "group" in self.fields:
            self.fields["group"].label = _("Group")


def _person_choice(user):
    name = person_name(user)
    username = user.get_username()
    return name if name == username else f"{name} ({username})"


def _role_label(assignment):
    return Role(assignment.permission.codename).label


def _holder_name(assignment):
    if hasattr(assignment, "user_id"):
        return person_name(assignment.user)
    return assignment.group.name


def _assignment_message(message, assignment):
    return message % {
        "holder": _holder_name(assignment),
        "role": _role_label(assignment),
        "department": assignment.content_object,
    }


class RoleAssignmentIndexView(IndexView):
    results_template_name = "wagtail_disclosure/admin/index_results.html"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("content_object", "permission", self.holder_field)
        )

    @property
    def holder_field(self):
        return "user" if hasattr(self.model, "user_id") else "group"


class RoleAssignmentCreateView(CreateView):
    success_message = _("%(holder)s now holds “%(role)s” in %(department)s.")

    def get_success_message(self, instance):
        return _assignment_message(self.success_message, instance)


def _assignment_title(assignment):
    """郑蓉 · 部门编辑 · 教务处: the title of an assignment on its edit and delete screens
    (the model's ``str()`` is guardian's code name, '教务处 | zr | edit_entries')."""
    return role_assignment_title(assignment)


class RoleAssignmentEditView(EditView):
    success_message = _("%(holder)s now holds “%(role)s” in %(department)s.")

    def get_success_message(self):
        return _assignment_message(self.success_message, self.object)

    def get_page_subtitle(self):  # also the last breadcrumb
        return _assignment_title(self.object)


class RoleAssignmentDeleteView(DeleteView):
    success_message = _("%(holder)s no longer holds “%(role)s” in %(department)s.")

    def get_success_message(self):
        return _assignment_message(self.success_message, self.object)

    def get_page_subtitle(self):
        return _assignment_title(self.object)


class PersonChoiceFilter(django_filters.ModelChoiceFilter):
    """People by name (surname first for Chinese names), without AnonymousUser."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", _people)
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        field = super().field
        field.label_from_instance = _person_choice
        return field


def _people(request):
    return real_people().order_by("last_name", "first_name", "pk")


def _role_filterset(model, **extra):
    class Meta:
        fields = []

    Meta.model = model
    return type(
        f"{model.__name__}FilterSet",
        (WagtailFilterSet,),
        {
            "Meta": Meta,
            "content_object": django_filters.ModelChoiceFilter(
                label=_("Department"), queryset=Department.objects.all()
            ),
            **extra,
            "role": django_filters.ChoiceFilter(
                label=_("Role"),
                field_name="permission__codename",
                choices=Role.choices,
                empty_label=_("All"),
                widget=forms.RadioSelect,
            ),
        },
    )


class RoleAssignmentViewSet(ModelViewSet):
    """Shared configuration of the two role-assignment screens."""

    add_to_admin_menu = False
    copy_view_enabled = False
    index_view_class = RoleAssignmentIndexView
    add_view_class = RoleAssignmentCreateView
    edit_view_class = RoleAssignmentEditView
    delete_view_class = RoleAssignmentDeleteView
    ordering = ["content_object__sort_order", "content_object__name", "permission__pk"]
    holder = None

    def get_permissions_to_register(self):
        # Access is decided by RoleAssignmentPermissionPolicy, not by these models' own
        # add/change/delete permissions: keep them out of the group editor.
        from django.contrib.auth.models import Permission

        return Permission.objects.none()

    @property
    def list_display(self):
        if self.holder == "user":
            holder = Column(
                "user", label=_("User"), accessor=_holder_name, sort_key="user__last_name"
            )
        else:
            holder = Column(
                "group", label=_("Group"), accessor="group.name", sort_key="group__name"
            )
        return [
            "content_object",
            holder,
            Column("role", label=_("Role"), accessor=_role_label),
        ]

    @property
    def edit_handler(self):
        return ObjectList(
            [FieldPanel("content_object"), FieldPanel(self.holder), FieldPanel("permission")],
            base_form_class=RoleAssignmentForm,
        )


class DepartmentUserRoleViewSet(RoleAssignmentViewSet):
    name = "disclosure_user_roles"
    model = DepartmentUserObjectPermission
    icon = "user"
    menu_label = _("Roles of people")
    holder = "user"
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    filterset_class = _role_filterset(
        DepartmentUserObjectPermission, user=PersonChoiceFilter(label=_("User"))
    )

    if not HAS_POLICY_REGISTRY:  # Wagtail 7.4: the viewset carries the policy
        permission_policy = user_role_permission_policy


class DepartmentGroupRoleViewSet(RoleAssignmentViewSet):
    name = "disclosure_group_roles"
    model = DepartmentGroupObjectPermission
    icon = "group"
    menu_label = _("Roles of groups")
    holder = "group"
    search_fields = ["group__name"]
    filterset_class = _role_filterset(DepartmentGroupObjectPermission)

    if not HAS_POLICY_REGISTRY:  # Wagtail 7.4: the viewset carries the policy
        permission_policy = group_role_permission_policy


class DisclosureViewSetGroup(ViewSetGroup):
    menu_label = _("Disclosure")
    menu_icon = "folder-open-inverse"
    menu_order = 250
    items = (
        ComplianceViewSet,
        DisclosureRequestViewSet,
        DepartmentViewSet,
        DepartmentUserRoleViewSet,
        DepartmentGroupRoleViewSet,
        ChecklistItemViewSet,
        ChecklistCategoryViewSet,
        ChecklistViewSet,
        ReleaseChannelViewSet,
        ReportFigureViewSet,
        WorkingDayOverrideViewSet,
        LetterTemplateViewSet,
        ApiTokenViewSet,
    )
