"""Admin screens of the review workflow: taking a transition, and the review queue (待我审核).

Both only read and call ``wagtail_disclosure.workflow``: the service decides, under a row
lock, whether a transition may be taken; these views ask first only to answer with the
right status code and message.
"""

import datetime
from collections import Counter

import django_filters
import django_fsm as fsm
from django import forms
from django.db.models import F, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin
from wagtail.models import Page

from ..admin_scoping import without_hidden_entries
from ..conf import get_setting
from ..models import ChecklistCategory, Department, DisclosureEntryPage, EntryReview
from ..models.review import IN_REVIEW, ReviewState
from ..roles import Role, department_filter, has_any_role, role_map
from ..workflow.services import (
    TRANSITIONS,
    TransitionError,
    get_review,
    needs_reason,
    take_transition,
    transition_label,
)
from ..working_days import DeadlineState, DeadlineStatus, WorkingDayCalendar, shift

# ---------------------------------------------------------------------------
# Taking a transition
# ---------------------------------------------------------------------------


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. Recorded in the entry's history and sent with the notice."),
    )
    withheld = forms.BooleanField(
        label=_("Withheld for a legal reason: remove it from the public site"),
        required=False,
        help_text=_(
            "Unpublishes the entry. Leave unticked to keep it online, marked as withdrawn."
        ),
    )

    def __init__(self, *args, transition, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_reason(transition):
            comment = self.fields["comment"]
            comment.label = _("Reason")
            comment.help_text = _(
                "Required. Recorded in the entry's history and sent with the notice."
            )
        if transition != "withdraw":
            del self.fields["withheld"]


class EntryTransitionView(WagtailAdminTemplateMixin, FormView):
    """Confirm (GET) and take (POST) one review transition on one entry.

    Status codes: 404 for an unknown transition or a page that is not an entry; 403 when
    the user does not hold the role the transition needs (or no role at all in the
    entry's department); 409 when the entry's state does not allow the transition for
    anyone (or changed meanwhile); 400 when a required reason is missing.
    """

    template_name = "wagtail_disclosure/admin/transition_form.html"
    refused_template_name = "wagtail_disclosure/admin/transition_refused.html"
    form_class = TransitionForm
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        self.transition = kwargs["transition"]
        if self.transition not in TRANSITIONS:
            raise Http404
        self.entry = get_object_or_404(
            DisclosureEntryPage.objects.select_related("department"), pk=kwargs["page_id"]
        )
        get_review(self.entry)  # created on first use for entries older than the review
        self.review = EntryReview.objects.select_related(
            "department", "page", "page__checklist_item__category"
        ).get(page_id=self.entry.pk)
        refusal = self.refusal()
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)

    # -- checks -------------------------------------------------------------------

    def refusal(self):
        """A 403 or 409 response unless the user may take the transition now."""
        user = self.request.user
        method = getattr(self.review, self.transition)
        if fsm.has_transition_perm(method, user):
            return None
        department_id = self.review.acting_department_id
        # Whoever holds no role in the entry's department learns nothing of it: not its
        # title, nor its state (docs/security.md#who-sees-what-in-the-admin).
        self.concealed = not has_any_role(user, department_id)
        if not self.concealed and not fsm.can_proceed(method):
            return self.refuse(
                409,
                _("This entry is “%(state)s”: “%(action)s” is not possible now.")
                % {"state": self.review.get_state_display(), "action": self.label},
            )
        return self.refuse(
            403, _("You do not have the role needed for this action in this department.")
        )

    def refuse(self, status, message):
        context = self.get_context_data(message=message, status=status)
        return TemplateResponse(self.request, self.refused_template_name, context, status=status)

    # -- display ------------------------------------------------------------------

    @property
    def label(self):
        return transition_label(self.transition)

    @property
    def edit_url(self):
        return reverse("wagtailadmin_pages:edit", args=[self.entry.pk])

    def get_page_title(self):
        return self.label

    def get_page_subtitle(self):
        # The form template's heading shows the subtitle (Wagtail 7.4) or falls back to
        # the title (8.0): the action either way.
        return self.label

    #: Set when the user holds no role in the entry's department (see ``refusal``).
    concealed = False

    def get_header_title(self):
        if self.concealed:
            return self.label
        return f"{self.label}: {self.entry.get_admin_display_title()}"

    def get_breadcrumbs_items(self):
        if self.concealed:
            return self.breadcrumbs_items + [{"url": "", "label": self.label}]
        return self.breadcrumbs_items + [
            {"url": self.edit_url, "label": self.entry.get_admin_display_title()},
            {"url": "", "label": self.label},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "transition": self.transition}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            concealed=self.concealed,
            entry=self.entry,
            review=self.review,
            transition=self.transition,
            transition_label=self.label,
            needs_reason=needs_reason(self.transition),
            edit_url=self.edit_url,
            action_url=self.request.path,
            submit_button_label=self.label,
            submit_button_active_label=self.label,
        )
        return context

    # -- taking it ------------------------------------------------------------------

    def form_valid(self, form):
        try:
            review = take_transition(
                self.entry,
                self.transition,
                self.request.user,
                comment=form.cleaned_data["comment"],
                withheld=form.cleaned_data.get("withheld", False),
            )
        except TransitionError as error:
            if error.code == "reason_required":
                form.add_error("comment", error.message)
                return self.render_to_response(self.get_context_data(form=form), status=400)
            status = 403 if error.code == "permission_denied" else 409
            return self.refuse(status, error.message)
        messages.success(
            self.request,
            _("“%(title)s” is now “%(state)s”.")
            % {"title": self.entry.get_admin_display_title(), "state": review.get_state_display()},
        )
        return redirect(self.edit_url)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


# ---------------------------------------------------------------------------
# The review queue
# ---------------------------------------------------------------------------


def queue_rules():
    """(state condition, role deciding the next step) for each state waiting for someone.

    ``sign_off_required`` is the review's snapshot of the version in review, as the
    transitions read it (``EntryReview.requires_sign_off``).
    """
    return [
        (Q(state=ReviewState.SUBMITTED), Role.DEPARTMENT_REVIEWER),
        (Q(state=ReviewState.DEPARTMENT_APPROVED), Role.CONFIDENTIALITY_REVIEWER),
        (Q(state=ReviewState.CLEARED, sign_off_required=True), Role.SIGN_OFF_LEADER),
        (Q(state=ReviewState.CLEARED, sign_off_required=False), Role.DISCLOSURE_OFFICE),
        (Q(state=ReviewState.SIGNED_OFF), Role.DISCLOSURE_OFFICE),
    ]


def acting_department_filter(user, roles):
    """``department_filter`` on the review's acting department: the department of the
    version in review, or the entry's for reviews that have none recorded."""
    own = department_filter(user, roles, field="department_id")
    if not own:  # an empty Q: every department
        return own
    return own | (
        Q(department__isnull=True) & department_filter(user, roles, field="page__department_id")
    )


def review_queue(user):
    """EntryReviews whose next step ``user`` decides, in one query.

    The same rule as the transitions' permissions (``models/review.py``): the role
    responsible for the current step, in the entry's department. Withdrawing, which the
    disclosure office may do at any time, does not put an entry in its queue.
    """
    held = role_map(user)
    condition = None
    for state_condition, role in queue_rules():
        if role not in held:
            continue
        clause = state_condition & acting_department_filter(user, [role])
        condition = clause if condition is None else condition | clause
    reviews = EntryReview.objects.select_related(
        "department", "page", "page__department", "page__checklist_item__category"
    ).defer("page__body")
    if condition is None:
        return reviews.none()
    return reviews.filter(condition)


def oldest_first(reviews):
    return reviews.order_by(F("state_changed_at").asc(nulls_first=True), "pk")


def attach_deadlines(reviews, today=None):
    """Set ``review.deadline`` (a DeadlineStatus of the publication deadline) and
    ``review.acting_department`` on each.

    The period runs from the entry's 成文日期 (``document_date``) and lasts the checklist
    item's ``update_within_working_days``; one working-day calendar serves every row, so
    the whole list costs one query.
    """
    reviews = list(reviews)
    for review in reviews:
        review.acting_department = review.department or review.page.department
    today = today or timezone.localdate()
    dates = [review.page.document_date for review in reviews if review.page.document_date]
    if not dates:
        return reviews
    calendar = WorkingDayCalendar(min(dates), shift(max(max(dates), today), 62))
    statuses = {}
    for review in reviews:
        start = review.page.document_date
        if start is None:
            review.deadline = None
            continue
        key = (start, review.page.checklist_item.update_within_working_days)
        if key not in statuses:
            statuses[key] = DeadlineStatus.compute(
                start, key[1], today=today, calendar=calendar
            )
        review.deadline = statuses[key]
    return reviews


def deadline_counts(reviews, today=None):
    """{DeadlineState: number of reviews} for a queryset, from its distinct
    (document date, item period) pairs."""
    today = today or timezone.localdate()
    periods = Counter(
        reviews.order_by().values_list(
            "page__document_date", "page__checklist_item__update_within_working_days"
        )
    )
    periods = Counter({key: n for key, n in periods.items() if key[0] is not None})
    counts = Counter()
    if not periods:
        return counts
    dates = [start for start, _days in periods]
    calendar = WorkingDayCalendar(min(dates), shift(max(max(dates), today), 62))
    for (start, days), number in periods.items():
        counts[DeadlineStatus.compute(start, days, today=today, calendar=calendar).state] += number
    return counts


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
    return Department.objects.filter(department_filter(request.user, field="pk"))


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
    paginate_by = 50
    default_ordering = "state_changed_at"
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
        DeadlineColumn(
            "deadline", label=_("Due"), accessor="deadline", sort_key="page__document_date"
        ),
    ]

    def get_base_queryset(self):
        return review_queue(self.request.user)

    def order_queryset(self, queryset):
        if self.ordering in (None, "state_changed_at"):
            return oldest_first(queryset)
        return queryset.order_by(self.ordering, "pk")

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        rows = attach_deadlines(object_list)
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
