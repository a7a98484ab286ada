"""我的条目 (My entries): the entries a person drafted or submitted, grouped (sent back to
them, in review, drafts), as an admin list and a dashboard panel. The rules are in
``wagtail_disclosure.status``; these only read them. Both cost a fixed number of queries
whatever the number of entries.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import BaseListingView

from ..permissions import Role, role_map
from ..status import my_entries, my_reviews


def holds_editor_role(user):
    return Role.DEPARTMENT_EDITOR in role_map(user)


class MyEntriesView(BaseListingView):
    """我的条目: every open entry of the user, in three groups, on one page."""

    template_name = "wagtail_disclosure/admin/status/my_entries.html"
    results_template_name = "wagtail_disclosure/admin/status/my_entries_results.html"
    page_title = _("My entries")
    header_icon = "doc-full"
    index_url_name = "wagtail_disclosure:my_entries"
    # One user's open entries: grouped on one page, not paginated.
    paginate_by = None
    columns = []
    verbose_name = _("entry")
    verbose_name_plural = _("entries")

    def get_base_queryset(self):
        return my_reviews(self.request.user)

    def order_queryset(self, queryset):
        return queryset  # newest change first (status.my_reviews)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = my_entries(self.request.user, context["object_list"])
        return context


class MyEntriesMenuItem(MenuItem):
    """我的条目 in the admin menu, for people holding the department editor role."""

    def is_shown(self, request):
        return holds_editor_role(request.user)


def my_entries_menu_item():
    return MyEntriesMenuItem(
        _("My entries"),
        reverse("wagtail_disclosure:my_entries"),
        name="disclosure-my-entries",
        icon_name="doc-full",
        order=230,
    )


class MyEntriesPanel(Component):
    """Dashboard: how many of my entries are drafts, in review, sent back; the latest
    sent back with their reasons."""

    name = "disclosure_my_entries"
    template_name = "wagtail_disclosure/admin/status/my_entries_panel.html"
    order = 80
    #: How many of the latest entries sent back the panel lists.
    limit = 5

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        groups = my_entries(request.user)
        return {
            "request": request,
            "groups": groups,
            "latest_sent_back": groups.sent_back[: self.limit],
        }

    def render_html(self, parent_context=None):
        if not holds_editor_role(parent_context["request"].user):
            return ""
        return super().render_html(parent_context)


def add_my_entries_panel(request, panels):
    """``construct_homepage_panels``."""
    panels.append(MyEntriesPanel())
