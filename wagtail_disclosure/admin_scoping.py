"""Staff see only the entries of departments where they hold a role, in every admin listing.

docs/workflow.md promises that an editor sees and edits only the entries of the departments
they work for. Editing is guarded by ``EntryPermissionTester``; this module keeps the other
departments' entries out of Wagtail's listings too:

* :class:`DepartmentScopedPagePermissionPolicy` narrows Wagtail's page permission policy.
  Wagtail's page search, the explorer, the usage listing of a page type, the admin pages
  API (listing, search, detail), the site history and the locked pages, aging pages and
  workflow reports all take their pages from ``explorable_instances`` or
  ``instances_user_has_any_permission_for``. It is installed in ``AppConfig.ready()``
  (``wagtail_disclosure.compat.install_page_permission_policy`` has the details for each
  Wagtail version).
* Hooks for what the policy does not reach: the page chooser (browse and search), the
  dashboard panels and the pages count of the site summary, and, on Wagtail 7.4, the admin
  pages API, which builds a policy of its own.
* The page types usage report counts pages and names the last edited one per page type
  without asking any policy; Wagtail has no extension point for it, so
  :func:`scope_page_types_usage_report` adjusts the view's queryset.

Superusers and people holding a role for every department (the disclosure office) see
everything. Whoever holds no role in an entry's department does not see it, whatever their
Wagtail page permissions. Everything is one subquery, however many entries there are.
"""

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import Http404
from wagtail.admin.site_summary import PagesSummaryItem
from wagtail.admin.views.home import (
    LockedPagesPanel,
    RecentEditsPanel,
    UserObjectsInWorkflowModerationPanel,
    WorkflowObjectsToModeratePanel,
)
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from .compat import HAS_POLICY_REGISTRY, get_page_permission_policy
from .models import DisclosureEntryPage
from .permissions import department_filter

# ---------------------------------------------------------------------------
# The rule
# ---------------------------------------------------------------------------


def hidden_entries(user):
    """A queryset of the pks of entries ``user`` may not see, or ``None`` if they see all.

    Entries of departments where the user holds no role (any role counts). Meant to be
    used as a subquery (``pk__in``): its size does not depend on the number of entries.
    """
    allowed = department_filter(user)
    if not allowed:  # an empty Q: every department
        return None
    return DisclosureEntryPage.objects.exclude(allowed).values("pk")


def without_hidden_entries(pages, user):
    """``pages`` less the entries of departments where ``user`` holds no role."""
    hidden = hidden_entries(user)
    if hidden is None:
        return pages
    return pages.exclude(pk__in=hidden)


def hidden_page_ids(user, page_ids):
    """Of ``page_ids``, the ids of entries ``user`` may not see (one query at most)."""
    page_ids = {pk for pk in page_ids if pk is not None}
    hidden = hidden_entries(user)
    if hidden is None or not page_ids:
        return set()
    return set(hidden.filter(pk__in=page_ids).values_list("pk", flat=True))


# ---------------------------------------------------------------------------
# Wagtail's page permission policy
# ---------------------------------------------------------------------------


class DepartmentScopedPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page permission policy, less the entries of other departments.

    Only the querysets are narrowed: which pages a user may act on, and which they may
    explore. Whether a user may act on one given entry is the business of its permission
    tester (``wagtail_disclosure.permissions.EntryPermissionTester``).

    The class adds no state of its own: on Wagtail 7.4 it replaces the class of Wagtail's
    module-level policy object (see ``compat.install_page_permission_policy``).
    """

    def instances_user_has_any_permission_for(self, user, actions):
        pages = super().instances_user_has_any_permission_for(user, actions)
        return without_hidden_entries(pages, user)

    def explorable_instances(self, user):
        # Wagtail's explorable_instances() builds on instances_user_has_any_permission_for;
        # take it from an unscoped policy so that the entries are left out once, in one
        # subquery, rather than once per step.
        unscoped = PagePermissionPolicy(model=self.model)
        return without_hidden_entries(unscoped.explorable_instances(user), user)


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------


def hide_hidden_entries_from_chooser(pages, request):
    """``construct_page_chooser_queryset``: the page chooser, browsing and searching."""
    return without_hidden_entries(pages, request.user)


def scope_admin_pages_api(router):
    """``construct_admin_api``: the admin's pages API checks its parameters as the v2 API
    does (400, not a server error, for odd ids, offsets and searches), and on Wagtail 7.4,
    which builds a ``PagePermissionPolicy()`` of its own there, uses the admin's policy."""
    from wagtail.admin.api.views import PagesAdminAPIViewSet

    from .api.v2 import ParameterCheckMixin

    class DepartmentScopedPagesAdminAPIViewSet(ParameterCheckMixin, PagesAdminAPIViewSet):
        def get_base_queryset(self):
            if HAS_POLICY_REGISTRY:  # Wagtail 8 looks the policy up in the registry
                return super().get_base_queryset()
            return get_page_permission_policy().explorable_instances(self.request.user)

    router.register_endpoint("pages", DepartmentScopedPagesAdminAPIViewSet)


class ScopedLockedPagesPanel(LockedPagesPanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        user = parent_context["request"].user
        context["locked_pages"] = without_hidden_entries(context["locked_pages"], user)
        return context


class ScopedRecentEditsPanel(RecentEditsPanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        edits = context["last_edits"]
        hidden = hidden_page_ids(parent_context["request"].user, [page.pk for _, page in edits])
        context["last_edits"] = [(date, page) for date, page in edits if page.pk not in hidden]
        return context


class ScopedUserObjectsInWorkflowModerationPanel(UserObjectsInWorkflowModerationPanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        states = context["workflow_states"]
        if isinstance(states, list):  # a queryset (.none()) when workflows are disabled
            pages = [s.content_object.pk for s in states if isinstance(s.content_object, Page)]
            hidden = hidden_page_ids(parent_context["request"].user, pages)
            context["workflow_states"] = [
                s
                for s in states
                if not (isinstance(s.content_object, Page) and s.content_object.pk in hidden)
            ]
        return context


class ScopedWorkflowObjectsToModeratePanel(WorkflowObjectsToModeratePanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        states = context["states"]
        pages = [s["obj"].pk for s in states if isinstance(s["obj"], Page)]
        hidden = hidden_page_ids(parent_context["request"].user, pages)
        context["states"] = [
            s for s in states if not (isinstance(s["obj"], Page) and s["obj"].pk in hidden)
        ]
        return context


SCOPED_PANELS = {
    LockedPagesPanel: ScopedLockedPagesPanel,
    RecentEditsPanel: ScopedRecentEditsPanel,
    UserObjectsInWorkflowModerationPanel: ScopedUserObjectsInWorkflowModerationPanel,
    WorkflowObjectsToModeratePanel: ScopedWorkflowObjectsToModeratePanel,
}


def scope_homepage_panels(request, panels):
    """``construct_homepage_panels``: Wagtail's dashboard panels, less hidden entries."""
    for index, panel in enumerate(panels):
        scoped = SCOPED_PANELS.get(type(panel))
        if scoped is not None:
            panels[index] = scoped()


class ScopedPagesSummaryItem(PagesSummaryItem):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        hidden = hidden_entries(self.request.user)
        if hidden is not None and context["total_pages"]:
            from wagtail.admin.navigation import get_site_for_user

            root = get_site_for_user(self.request.user)["root_page"]
            context["total_pages"] -= (
                Page.objects.descendant_of(root, inclusive=True).filter(pk__in=hidden).count()
            )
        return context


def scope_homepage_summary_items(request, items):
    """``construct_homepage_summary_items`` (after Wagtail's own): the pages count."""
    for index, item in enumerate(items):
        if type(item) is PagesSummaryItem:
            items[index] = ScopedPagesSummaryItem(request)


# ---------------------------------------------------------------------------
# The page types usage report
# ---------------------------------------------------------------------------


def scoped_page_type_counts(queryset, user, language_code=None, site_root_path=None):
    """Annotate the report's page types with what ``user`` may not see.

    ``hidden_count``: how many of the counted pages are hidden entries;
    ``visible_last_edited_page_id``: the last edited page of the type that is not hidden.
    Both follow the report's locale and site filters. Unchanged if nothing is hidden.
    """
    hidden = hidden_entries(user)
    if hidden is None:
        return queryset
    page_filters, count_filters = {}, {}
    if language_code:
        page_filters["locale__language_code"] = language_code
        count_filters["pages__locale__language_code"] = language_code
    if site_root_path:
        page_filters["path__startswith"] = site_root_path
        count_filters["pages__path__startswith"] = site_root_path
    last_visible = (
        Page.objects.filter(content_type=OuterRef("pk"), **page_filters)
        .exclude(pk__in=hidden)
        .order_by(F("latest_revision_created_at").desc(nulls_last=True), "title", "-pk")
    )
    return queryset.annotate(
        hidden_count=Count("pages", filter=Q(pages__pk__in=hidden, **count_filters)),
        visible_last_edited_page_id=Subquery(last_visible.values("pk")[:1]),
    ).order_by((F("count") - F("hidden_count")).desc(), "app_label", "model")


def scope_page_types_usage_report():
    """Make Wagtail's page types usage report count and name only visible pages.

    The report (``PageTypesUsageReportView``) counts the pages of every type and shows the
    last edited one without asking the permission policy, and Wagtail offers no hook for
    it, so its ``get_queryset`` and ``decorate_paginated_queryset`` are wrapped. Called
    once from ``AppConfig.ready()``.
    """
    from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView as View

    if getattr(View, "_disclosure_scoped", False):
        return
    get_queryset = View.get_queryset
    decorate = View.decorate_paginated_queryset

    def scoped_get_queryset(self):
        queryset = get_queryset(self)
        data = self.filters.form.cleaned_data if self.filters is not None else {}
        return scoped_page_type_counts(
            queryset, self.request.user, data.get("page_locale"), data.get("site")
        )

    def scoped_decorate(self, page_types):
        for page_type in page_types:
            if hasattr(page_type, "hidden_count"):
                page_type.count -= page_type.hidden_count
                page_type.last_edited_page_id = page_type.visible_last_edited_page_id
        return decorate(self, page_types)

    View.get_queryset = scoped_get_queryset
    View.decorate_paginated_queryset = scoped_decorate
    View._disclosure_scoped = True


# ---------------------------------------------------------------------------
# Admin views that take page ids
# ---------------------------------------------------------------------------


def _refuse_hidden_parent(get):
    """Wrap a view's ``get(request, parent_page_id=None)``: 404 for a hidden entry."""

    def get_unless_hidden(self, request, parent_page_id=None, *args, **kwargs):
        if parent_page_id is not None and hidden_page_ids(request.user, [parent_page_id]):
            raise Http404
        return get(self, request, parent_page_id, *args, **kwargs)

    get_unless_hidden._disclosure_scoped = True
    return get_unless_hidden


def _refuse_hidden_ids(get):
    """Wrap a view's ``get(request)`` that reads page ids from ``?id=``: 404 if any is
    a hidden entry."""

    def get_unless_hidden(self, request, *args, **kwargs):
        ids = [value for value in request.GET.getlist("id") if value.isascii() and value.isdigit()]
        if hidden_page_ids(request.user, [int(value) for value in ids]):
            raise Http404
        return get(self, request, *args, **kwargs)

    get_unless_hidden._disclosure_scoped = True
    return get_unless_hidden


def _without_hidden_bulk_items(get_actionable_objects):
    """Wrap ``PageBulkAction.get_actionable_objects``: hidden entries are neither acted on
    nor listed under "no permission" (which would show their titles)."""

    def scoped(self):
        objects, extra = get_actionable_objects(self)
        listed = [*objects, *extra.get("items_with_no_access", [])]
        hidden = hidden_page_ids(self.request.user, [page.pk for page in listed])
        if hidden:
            objects = [page for page in objects if page.pk not in hidden]
            extra = {
                **extra,
                "items_with_no_access": [
                    page for page in extra["items_with_no_access"] if page.pk not in hidden
                ],
            }
        return objects, extra

    scoped._disclosure_scoped = True
    return scoped


def scope_page_id_views():
    """Wagtail's views that are reached by page id rather than from a listing.

    The explorer of a page (``/admin/pages/<id>/``) and the page chooser's browse view
    (``/admin/choose-page/<id>/``) show the page's title in their header, the chooser's
    "chosen multiple" view returns the titles of the ids asked for, and a bulk action's
    confirmation lists the pages the person may not act on by title. None of them asks
    the permission policy about the page itself, and Wagtail has no hook for them, so
    their methods are wrapped once, from ``AppConfig.ready()``: a hidden entry is a 404
    (explorer, chooser) or left out (bulk actions), as if it did not exist.
    """
    from wagtail.admin.views import chooser
    from wagtail.admin.views.pages.bulk_actions.page_bulk_action import PageBulkAction
    from wagtail.admin.views.pages.listing import ExplorableIndexView

    wrapped = [
        (ExplorableIndexView, "get", _refuse_hidden_parent),
        (chooser.BrowseView, "get", _refuse_hidden_parent),
        (chooser.ChosenMultipleView, "get", _refuse_hidden_ids),
        (PageBulkAction, "get_actionable_objects", _without_hidden_bulk_items),
    ]
    for view_class, name, wrapper in wrapped:
        method = getattr(view_class, name)
        if not getattr(method, "_disclosure_scoped", False):
            setattr(view_class, name, wrapper(method))


# ---------------------------------------------------------------------------
# Installing, and a check
# ---------------------------------------------------------------------------


def install():
    """Called from ``AppConfig.ready()``: before any admin view asks for a policy."""
    from .compat import install_page_permission_policy

    install_page_permission_policy(DepartmentScopedPagePermissionPolicy)
    scope_page_types_usage_report()
    scope_page_id_views()

