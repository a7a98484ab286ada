"""Admin screens of the review workflow: taking a transition, and the review queue (待我审核).

Both only read and call ``wagtail_disclosure.workflow``: the service decides, under a row
lock, whether a transition may be taken; these views ask first only to answer with the
right status code and message.
"""

import datetime

import django_filters
from django import forms
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, Table, TitleColumn
from wagtail.admin.views.generic.base import BaseListingView
from wagtail.models import Page

from ..admin_scoping import without_hidden_entries
from ..conf import get_setting
from ..models import ChecklistCategory, Department, DisclosureEntryPage, EntryReview
from ..models.review import IN_REVIEW
from ..permissions import get_departments_for_user, role_map
from ..workflow.queue import attach_deadlines, by_deadline
from ..working_days import DeadlineState
from .workflow import TransitionForm, TransitionView

# ---------------------------------------------------------------------------
# Taking a transition
# ---------------------------------------------------------------------------


class EntryTransitionForm(TransitionForm):
    """The engine's form, with the "withheld" choice of a withdrawal."""

    withheld = forms.BooleanField(
        label=_("Withheld for a legal reason: remove it from the public site"),
        required=False,
        help_text=_(
            "Unpublishes the entry. Leave unticked to keep it online, marked as withdrawn."
        ),
    )

    def __init__(self, *args, step, **kwargs):
        super().__init__(*args, step=step, **kwargs)
        if step.name != "withdraw":
            del self.fields["withheld"]

    def options(self):
        if "withheld" in self.fields:
            return {"withheld": self.cleaned_data.get("withheld", False)}
        return {}


class EntryTransitionView(TransitionView):
    """Confirm and take one review transition on one entry (the engine's view, with the
    entry's page as the object and its edit view as where the person looks again)."""

    template_name = "wagtail_disclosure/admin/transition_form.html"
    form_class = EntryTransitionForm

    def get_object(self):
        return get_object_or_404(
            DisclosureEntryPage.objects.select_related("department"), pk=self.kwargs["page_id"]
        )

    @property
    def entry(self):
        return self.object

    @property
    def review(self):
        return self.row

    @property
    def object_url(self):
        return reverse("wagtailadmin_pages:edit", args=[self.object.pk])

    def object_title(self):
        return self.object.get_admin_display_title()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(entry=self.object, review=self.row)
        return context


# ---------------------------------------------------------------------------
# The review queue
# ---------------------------------------------------------------------------


AGE_CHOICES = [
    ("1", _("More than a day")),
    ("3", _("More than 3 days")),
    ("7", _("More than a week")),
    ("14", _("More than 2 weeks")),
    ("30", _("More than 30 days")),
]


def _departments_for(request):
    if request is None:
        return Department.objects.all()
    return get_departments_for_user(request.user)


class ReviewQueueFilterSet(WagtailFilterSet):
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=_departments_for, method="filter_department"
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[(state.value, state.label) for state in IN_REVIEW],
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        field_name="page__checklist_item__category",
        queryset=ChecklistCategory.objects.all(),
    )
    age = django_filters.ChoiceFilter(
        label=_("Waiting"),
        choices=AGE_CHOICES,
        empty_label=_("Any time"),
        method="filter_age",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = EntryReview
        fields = []

    def filter_department(self, queryset, name, value):
        return queryset.filter(
            Q(department=value) | Q(department__isnull=True, page__department=value)
        )

    def filter_age(self, queryset, name, value):
        cutoff = timezone.now() - datetime.timedelta(days=int(value))
        return queryset.filter(Q(state_changed_at__lte=cutoff) | Q(state_changed_at__isnull=True))


class ReviewStateColumn(Column):
    cell_template_name = "wagtail_disclosure/admin/cells/review_state.html"


class DeadlineColumn(Column):
    cell_template_name = "wagtail_disclosure/admin/cells/deadline.html"


class ReviewQueueTable(Table):
    """Overdue and due-soon rows marked in Wagtail's critical and warning colours
    (css/admin-queue.css); the deadline cell says the same in words, so colour is never
    the only sign."""

    row_classnames = {
        DeadlineState.OVERDUE: "disclosure-queue-row--overdue",
        DeadlineState.DUE_SOON: "disclosure-queue-row--due-soon",
    }

    def get_row_classname(self, instance):
        deadline = getattr(instance, "deadline", None)
        return self.row_classnames.get(deadline.state, "") if deadline else ""


def _edit_url(review):
    return reverse("wagtailadmin_pages:edit", args=[review.page_id])


def _item_display(review):
    item = review.page.checklist_item
    return f"{item.category.title} · {item}"


class ReviewQueueView(BaseListingView):
    """待我审核: the entries whose next review step the user decides."""

    template_name = "wagtail_disclosure/admin/review_queue.html"
    results_template_name = "wagtail_disclosure/admin/review_queue_results.html"
    page_title = _("Review queue")
    header_icon = "tasks"
    index_url_name = "wagtail_disclosure:review_queue"
    index_results_url_name = "wagtail_disclosure:review_queue_results"
    filterset_class = ReviewQueueFilterSet
    table_class = ReviewQueueTable
    paginate_by = 50
    # Soonest due first (``workflow.queue.by_deadline``: exact due dates, in SQL).
    default_ordering = "deadline"
    verbose_name = _("entry waiting for review")
    verbose_name_plural = _("entries waiting for review")
    columns = [
        TitleColumn(
            "title",
            label=_("Title"),
            accessor="page.title",
            get_url=_edit_url,
            sort_key="page__title",
        ),
        Column(
            "department",
            label=_("Department"),
            accessor="acting_department.name",
            sort_key="department__name",
        ),
        Column("item", label=_("Checklist item"), accessor=_item_display),
        ReviewStateColumn(
            "state", label=_("State"), accessor="get_state_display", sort_key="state"
        ),
        DateColumn("state_changed_at", label=_("Since"), sort_key="state_changed_at"),
        DeadlineColumn("deadline", label=_("Due"), accessor="deadline", sort_key="deadline"),
    ]

    def get_base_queryset(self):
        return EntryReview.objects.waiting_for(self.request.user)

    def order_queryset(self, queryset):
        if self.ordering in (None, "deadline", "-deadline"):
            return by_deadline(
                EntryReview.workflow, queryset, descending=self.ordering == "-deadline"
            )
        if self.ordering == "state_changed_at":
            return queryset.oldest_first()
        return queryset.order_by(self.ordering, "pk")

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        rows = attach_deadlines(EntryReview.workflow, object_list)
        page.object_list = rows
        return paginator, page, rows, is_paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["due_soon_working_days"] = get_setting("DUE_SOON_WORKING_DAYS")
        context["deadline_states"] = DeadlineState
        return context


def user_has_any_role(user):
    """Whether the review queue has anything to offer ``user``."""
    return bool(role_map(user))


class ReviewQueueMenuItem(MenuItem):
    """待我审核 in the admin menu, for people holding any role."""

    def is_shown(self, request):
        return user_has_any_role(request.user)


def review_queue_menu_item():
    return ReviewQueueMenuItem(
        _("Review queue"),
        reverse("wagtail_disclosure:review_queue"),
        name="disclosure-review-queue",
        icon_name="tasks",
        order=240,
    )


# ---------------------------------------------------------------------------
# Page explorer and bulk actions
# ---------------------------------------------------------------------------


def hide_other_departments_entries(parent_page, pages, request):
    """``construct_explorer_page_queryset``: entries only of departments where the user
    holds a role; superusers see all.

    Also annotates ``disclosure_review_state`` (the entry's review state, ``None`` for
    other pages), which ``.specific()`` carries over to the page objects of the listing.
    """
    pages = pages.annotate(
        disclosure_review_state=Subquery(
            EntryReview.objects.filter(page_id=OuterRef("pk")).values("state")[:1]
        )
    )
    return without_hidden_entries(pages, request.user)


def refuse_bulk_publication(request, action_type, objects, action):
    """``before_bulk_action``: entries are published and unpublished only by the review."""
    if action_type not in ("publish", "unpublish") or not issubclass(action.model, Page):
        return None
    # Wagtail has already left out the entries (nobody may publish them), so ``objects``
    # may not show them: look at what was selected.
    selected = request.GET.getlist("id")
    if "all" in selected:
        selected = action.get_all_objects_in_listing_query(request.GET.get("childOf"))
    page_ids = {obj.pk for obj in objects} | {int(pk) for pk in selected if str(pk).isdigit()}
    if not page_ids or not DisclosureEntryPage.objects.filter(pk__in=page_ids).exists():
        return None
    messages.error(
        request,
        _(
            "Disclosure entries are published and withdrawn only through the review "
            "workflow. Leave them out of the selection and try again."
        ),
    )
    return redirect(action.next_url)
