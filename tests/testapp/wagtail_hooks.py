"""Admin screen of the errata reports, with the engine's transition column."""

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from wagtail_disclosure.compat import register_permission_policy
from wagtail_disclosure.permissions import DepartmentRolePermissionPolicy
from wagtail_disclosure.views.workflow import TransitionsColumn

from .models import ErrataReport

#: People with a role see the reports of their departments.
policy = DepartmentRolePermissionPolicy(ErrataReport)


class ErrataReportViewSet(ModelViewSet):
    model = ErrataReport
    icon = "warning"
    form_fields = ["title", "department", "received_on"]
    list_display = ["title", "department", "state", TransitionsColumn()]
    if register_permission_policy is None:  # Wagtail 7.4 reads the policy here
        permission_policy = policy


@hooks.register("register_admin_viewset")
def register_errata_viewset():
    if register_permission_policy is not None:  # Wagtail 8: the policy registry
        register_permission_policy(ErrataReport, policy)
    return ErrataReportViewSet("errata_reports")
