"""Admin screens of requests for information (依申请公开): the cases' listing, the case
page, registration of requests received on paper, and the steps of a case.

**Disclosure → Requests for information** is a ``ModelViewSet`` of
:class:`~wagtail_disclosure.models.DisclosureRequest`:

* the listing: every case the user may see (``DisclosureRequest.objects.visible_to``: all
  for the disclosure office, the cases routed to their departments for request handlers),
  soonest due first, with the reply clock of each case (due date and working days left,
  overdue and due-soon rows marked, a paused clock with the working days left when it
  resumes); filters by state and department;
* the case page (the inspect view): the request, the applicant's identity (only for the
  office and the staff of the department the case is routed to), the actions the user may
  take now, the extensions, the timeline from the audit log and the reply clock day by
  day;
* registration (the office only) of a request received by post, in person, by fax or by
  e-mail; the office may correct the applicant's and the request's fields later. The
  state is never a form field: it moves only through
  :func:`wagtail_disclosure.workflow.take_transition`, from the case page's forms
  (:class:`RequestTransitionView`), which checks the permission on the case;
* extensions asked for and decided on the case page
  (:mod:`wagtail_disclosure.request_extensions`).

Every view finds the case in ``visible_to(user)``: another department's case is a 404.
"""

import collections
import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.models import (
    CreateView,
    DeleteView,
    EditView,
    IndexView,
    InspectView,
)
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import ModelLogEntry
from wagtail.permission_policies import BasePermissionPolicy

from ..compat import HAS_POLICY_REGISTRY, register_permission_policy
from ..models import Department, DisclosureRequest, RequestExtension, RequestState
from ..models.requests import OPEN_STATES, ApplicantType, LetterKind, ReceiptChannel
from ..people import person_name
from ..permissions import (
    APP_LABEL,
    Role,
    get_departments_for_user,
    get_roles,
    has_admin_access,
    holds_role_everywhere,
    role_permissions,
)
from ..request_assistance import AssistanceError, contribute, pending_assistance
from ..request_clock import DayStatus, EventKind, PauseReason, clock_state, rules
from ..request_extensions import (
    ExtensionError,
    ask_extension,
    can_ask_extension,
    can_decide_extension,
    decide_extension,
)
from ..request_letters import DEPARTMENT_KINDS, issue_letter
from ..request_outcomes import outcome_choices, outcomes
from ..workflow import TransitionError, available_transitions, take_transition
from ..working_days import DeadlineStatus, WorkingDayCalendar
from .review import ReviewQueueTable

#: The URL namespace of the viewset (``disclosure_requests:index``, ...).
NAMESPACE = "disclosure_requests"

#: The applicant's identity: shown only to the office and to the staff the case is routed
#: to (``can_see_identity``).
IDENTITY_FIELDS = [
    "name",
    "id_type",
    "id_number",
    "work_unit",
    "organisation_name",
    "organisation_kind",
    "credit_code",
    "legal_representative",
    "contact_person",
    "address",
    "postcode",
    "phone",
    "email",
]

#: What the request asks, and how it was handled: shown to everyone who sees the case.
REQUEST_FIELDS = [
    "channel",
    "received_on",
    "applicant_type",
    "description",
    "purpose",
    "information_form",
    "delivery",
    "fee_waiver_requested",
    "fee_waiver_reason",
    "outcome",
    "outcome_reason",
    "outcome_link",
    "answered_on",
    "delivered_on",
    "delivery_reference",
]

#: The options each transition takes, as fields of :class:`TransitionOptionsForm` named
#: like the keyword arguments of the model's transition methods.
STEP_OPTIONS = {
    "request_correction": ["on"],
    "receive_correction": ["received_on"],
    "route": ["department", "assisting"],
    "transfer": ["department"],
    "consult": ["on"],
    "end_consultation": ["answered_on"],
    "propose_answer": ["outcome", "reason", "link"],
    "answer": ["outcome", "reason", "link"],
    "deliver": ["reference", "delivered_on"],
}

NO_VALUE = "—"


# ---------------------------------------------------------------------------
# Who sees what
# ---------------------------------------------------------------------------


def is_office(user):
    return holds_role_everywhere(user, Role.DISCLOSURE_OFFICE)


def can_list_requests(user):
    """The disclosure office and request handlers (of any department) reach the screens."""
    if not has_admin_access(user):
        return False
    return is_office(user) or Role.REQUEST_HANDLER in get_roles(user)


def visible_cases(user):
    """The cases ``user`` may open: ``visible_to``, and none without a role for them."""
    if not can_list_requests(user):
        return DisclosureRequest.objects.none()
    return DisclosureRequest.objects.visible_to(user)


def can_see_identity(user, case):
    """The applicant's identity: the office, and the staff of the handling department
    (not those of an assisting one)."""
    return case.shows_identity_to(user)


class RequestPermissionPolicy(BasePermissionPolicy):
    """``view`` for the office and request handlers (their cases only); ``add`` and
    ``change`` (register a request, correct its fields) for the office; never ``delete``:
    a case is withdrawn or closed, not deleted."""

    def user_has_permission(self, user, action):
        if action == "view":
            return can_list_requests(user)
        if action in ("add", "change"):
            return has_admin_access(user) and is_office(user)
        return False

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return DisclosureRequest.objects.none()
        return visible_cases(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and visible_cases(user).filter(pk=instance.pk).exists()
        )

    def users_with_any_permission(self, actions):
        permissions = role_permissions().filter(
            codename__in=[Role.DISCLOSURE_OFFICE, Role.REQUEST_HANDLER]
        )
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(
                Q(is_superuser=True)
                | Q(user_permissions__in=permissions)
                | Q(groups__permissions__in=permissions)
            )
            .distinct()
        )


request_permission_policy = RequestPermissionPolicy(f"{APP_LABEL}.DisclosureRequest")


class VisibleCaseMixin:
    """Finds the case among those the user may see: another department's case is a 404."""

    def get_object(self, queryset=None):
        return get_object_or_404(
            visible_cases(self.request.user).select_related("department"),
            pk=self.kwargs["pk"],
        )


# ---------------------------------------------------------------------------
# The reply clock of a case, as shown
# ---------------------------------------------------------------------------


def attach_clock(case, calendar, today, user):
    """Set ``case.reply_clock``, ``case.deadline`` (a DeadlineStatus, or ``None`` while
    paused or for a withdrawn or lapsed case) and ``case.listing_applicant``."""
    case.listing_applicant = case.applicant_name if can_see_identity(user, case) else NO_VALUE
    case.reply_clock = case.deadline = None
    if case.state in (RequestState.WITHDRAWN, RequestState.LAPSED):
        return case
    clock = case.clock(calendar=calendar)
    case.reply_clock = clock
    if clock.due_date is None:
        return case
    done_on = None if case.state in OPEN_STATES else case.answered_on
    state, left = clock_state(clock, today=today, done_on=done_on, calendar=calendar)
    case.deadline = DeadlineStatus(
        start=clock.start,
        working_days=clock.working_days,
        due_date=clock.due_date,
        state=state,
        working_days_left=left,
    )
    return case


def attach_clocks(cases, user, calendar=None):
    """Clocks for many cases with one calendar (the clock events must be prefetched:
    ``prefetch_related("clock_event_rows")``, so the queries do not grow with the cases)."""
    calendar = calendar or WorkingDayCalendar()
    today = timezone.localdate()
    for case in cases:
        if not hasattr(case, "reply_clock"):
            attach_clock(case, calendar, today, user)
    return cases


def _due_order(case):
    due = case.reply_clock.due_date if case.reply_clock else None
    return (due is None, due or datetime.date.max, case.pk)


def _event_note(event):
    if event.kind == EventKind.PAUSE:
        return _("Clock paused: %(reason)s") % {
            "reason": PauseReason(event.reason).label if event.reason else PauseReason.OTHER.label
        }
    if event.kind == EventKind.RESUME:
        return EventKind.RESUME.label
    if event.kind == EventKind.RESTART:
        return _("Corrected request received: the reply period starts again")
    if event.kind == EventKind.EXTEND:
        return _("Extension approved: %(days)s more working days") % {"days": event.days}
    return event.kind


def clock_days(case, clock):
    """The clock day by day: ``{"day", "status", "status_label", "count", "notes"}``.

    A pause takes effect after its day (the day itself counts), as in
    :func:`wagtail_disclosure.request_clock.compute_clock`; paused days carry the reason.
    """
    by_day = collections.defaultdict(list)
    for event in case.clock_event_rows.all():
        if event.day >= clock.start:
            by_day[event.day].append(event)
    rows = []
    reason = ""
    for entry in clock.days:
        notes = []
        if entry.status == DayStatus.START:
            notes.append(
                _("Date of receipt")
                if entry.day == case.received_on
                else _("Corrected request received: the reply period starts again")
            )
        if entry.status == DayStatus.PAUSED and reason:
            notes.append(reason)
        for event in by_day.get(entry.day, ()):
            if event.kind == EventKind.RESTART and entry.status == DayStatus.START:
                continue
            notes.append(_event_note(event))
            if event.kind == EventKind.PAUSE and not reason:
                reason = (
                    PauseReason(event.reason).label if event.reason else PauseReason.OTHER.label
                )
            elif event.kind in (EventKind.RESUME, EventKind.RESTART):
                reason = ""
        rows.append(
            {
                "day": entry.day,
                "status": entry.status,
                "status_label": DayStatus(entry.status).label,
                "count": entry.count,
                "notes": notes,
            }
        )
    return rows


def timeline(case):
    """Every step of the case from Wagtail's audit log: label, time, person, comment."""
    entries = (
        ModelLogEntry.objects.for_instance(case).select_related("user").order_by("timestamp", "pk")
    )
    rows = []
    for entry in entries:
        when = (
            timezone.localtime(entry.timestamp)
            if timezone.is_aware(entry.timestamp)
            else entry.timestamp
        )
        rows.append(
            {
                "label": entry.message,
                "time": when.strftime("%Y-%m-%d %H:%M"),
                "person": person_name(entry.user) if entry.user_id else _("system"),
                "comment": ((entry.data or {}).get("comment") or "").strip(),
            }
        )
    return rows


# ---------------------------------------------------------------------------
# Listing
# ---------------------------------------------------------------------------


def _departments(request):
    if is_office(request.user):
        return Department.objects.all()
    return get_departments_for_user(request.user, [Role.REQUEST_HANDLER])


class RequestFilterSet(WagtailFilterSet):
    state = ChoiceFilter(label=_("State"), choices=RequestState.choices, empty_label=_("All"))
    department = ModelChoiceFilter(label=_("Handling department"), queryset=_departments)

    class Meta:
        model = DisclosureRequest
        fields = []


class DueColumn(Column):
    cell_template_name = "wagtail_disclosure/admin/requests/cells/due.html"


def _department_name(case):
    return case.department.name if case.department_id else NO_VALUE


class RequestIndexView(IndexView):
    """The cases the user may see, soonest due first (unless a column is sorted)."""

    template_name = "wagtail_disclosure/admin/requests/index.html"
    results_template_name = "wagtail_disclosure/admin/requests/index_results.html"
    table_class = ReviewQueueTable  # marks overdue and due-soon rows

    def get_base_queryset(self):
        return (
            visible_cases(self.request.user)
            .select_related("department")
            .prefetch_related("clock_event_rows")
        )

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "tracking_number",
                label=_("Tracking number"),
                sort_key="tracking_number",
                get_url=lambda case: reverse(f"{NAMESPACE}:inspect", args=[case.pk]),
            ),
            Column("applicant", label=_("Applicant"), accessor="listing_applicant"),
            Column("received_on", label=_("Date of receipt"), sort_key="received_on"),
            Column("state", label=_("State"), accessor="get_state_display", sort_key="state"),
            Column(
                "department",
                label=_("Handling department"),
                accessor=_department_name,
                sort_key="department__name",
            ),
            DueColumn("due", label=_("Due date"), accessor=lambda case: case),
        ]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.is_explicitly_ordered:
            return queryset
        # The due date is computed (working days, pauses, extensions), not stored.
        return sorted(attach_clocks(list(queryset), self.request.user), key=_due_order)

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        object_list = attach_clocks(list(object_list), self.request.user)
        return paginator, page, object_list, is_paginated


# ---------------------------------------------------------------------------
# Registering and correcting a request
# ---------------------------------------------------------------------------


class RequestForm(WagtailAdminModelForm):
    """The applicant and the request; never the state (a protected field, moved only by
    the transitions) nor the tracking number."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        channel = self.fields.get("channel")
        if channel is not None:
            # Online requests come from the public form; staff register the others.
            channel.choices = [
                choice for choice in channel.choices if choice[0] != ReceiptChannel.ONLINE
            ]
            if not self.instance.pk:
                self.initial["channel"] = ReceiptChannel.POST
        received_on = self.fields.get("received_on")
        if received_on is not None:
            received_on.help_text = DisclosureRequest._meta.get_field("received_on").help_text

    def clean_received_on(self):
        value = self.cleaned_data.get("received_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of receipt cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        kind = data.get("applicant_type", getattr(self.instance, "applicant_type", ""))
        if kind == ApplicantType.ORGANISATION:
            if not (data.get("organisation_name") or "").strip():
                self.add_error("organisation_name", _("Give the organisation's name."))
        elif (
            kind == ApplicantType.PERSON
            and "name" in self.fields
            and not (data.get("name") or "").strip()
        ):
            self.add_error("name", _("Give the applicant's name."))
        return data


APPLICANT_PANELS = [
    FieldPanel("applicant_type"),
    MultiFieldPanel(
        [
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("id_type"), FieldPanel("id_number")]),
            FieldPanel("work_unit"),
        ],
        heading=_("Citizen"),
    ),
    MultiFieldPanel(
        [
            FieldPanel("organisation_name"),
            FieldRowPanel([FieldPanel("organisation_kind"), FieldPanel("credit_code")]),
            FieldRowPanel([FieldPanel("legal_representative"), FieldPanel("contact_person")]),
        ],
        heading=_("Legal person or other organisation"),
    ),
    MultiFieldPanel(
        [
            FieldPanel("address"),
            FieldRowPanel([FieldPanel("postcode"), FieldPanel("phone"), FieldPanel("email")]),
        ],
        heading=_("Contact"),
    ),
]
REQUEST_PANELS = [
    FieldPanel("description"),
    FieldPanel("purpose"),
    FieldRowPanel([FieldPanel("information_form"), FieldPanel("delivery")]),
    FieldPanel("fee_waiver_requested"),
    FieldPanel("fee_waiver_reason"),
]


def _panel(panels):
    return ObjectList(panels, base_form_class=RequestForm).bind_to_model(DisclosureRequest)


class RequestCreateView(CreateView):
    """The office registers a request received by post, in person, by fax or e-mail."""

    def save_instance(self):
        instance = self.form.save(commit=False)
        instance.registered_by = self.request.user
        instance.save()
        return instance

    def get_success_url(self):
        return reverse(f"{NAMESPACE}:inspect", args=[self.object.pk])

    def get_success_message(self, instance):
        return _("Request %(number)s registered. Its lookup code is %(code)s.") % {
            "number": instance.tracking_number,
            "code": instance.lookup_code,
        }


class RequestEditView(VisibleCaseMixin, EditView):
    """The office corrects the applicant's and the request's fields (not the receipt
    date, which the reply clock counts from, nor the state)."""

    def get_success_url(self):
        return reverse(f"{NAMESPACE}:inspect", args=[self.object.pk])

    def get_success_message(self):
        return _("Request %(number)s corrected.") % {"number": self.object.tracking_number}


class RequestDeleteView(VisibleCaseMixin, DeleteView):
    pass  # refused by the policy: a case is withdrawn or closed, never deleted


class RequestHistoryView(VisibleCaseMixin, HistoryView):
    pass


class RequestUsageView(VisibleCaseMixin, UsageView):
    pass


# ---------------------------------------------------------------------------
# The case page
# ---------------------------------------------------------------------------


class TransitionOptionsForm(forms.Form):
    """A step of a case: the comment, the state the person saw, and the options the step
    needs (``STEP_OPTIONS``)."""

    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_state = forms.CharField(required=False, widget=forms.HiddenInput)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    assisting = forms.ModelMultipleChoiceField(
        label=_("Assisting departments (协办)"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Departments that hold part of the information: they give their part to the "
            "handling department, which answers."
        ),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    reason = forms.CharField(
        label=_("Reason for the outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    link = forms.URLField(label=_("Where it is published"), required=False, assume_scheme="https")
    reference = forms.CharField(
        label=_("Delivery reference"),
        required=False,
        max_length=100,
        help_text=_("Postal tracking number, e-mail address or who collected it."),
    )
    delivered_on = forms.DateField(
        label=_("Delivered on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_on = forms.DateField(
        label=_("Corrected request received on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for today."),
    )
    answered_on = forms.DateField(
        label=_("Third party answered on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, step=None, **kwargs):
        super().__init__(*args, **kwargs)
        active = Department.objects.filter(is_active=True).order_by("sort_order", "name")
        self.fields["department"].queryset = active
        self.fields["assisting"].queryset = active
        self.fields["outcome"].choices = [("", "---------"), *outcome_choices()]
        if step is not None and step.needs_reason:
            self.fields["comment"].label = _("Reason")
            self.fields["comment"].help_text = _("Required. Recorded in the timeline.")

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for name in ("delivered_on", "received_on", "on", "answered_on"):
            value = data.get(name)
            if value and value > today:
                self.add_error(name, _("The date cannot be in the future."))
        return data

    def options(self, name):
        return {
            field: self.cleaned_data.get(field)
            for field in STEP_OPTIONS.get(name, ())
            if self.cleaned_data.get(field) not in (None, "")
            or field in ("department", "outcome", "assisting")
        }

    def bound_option_fields(self, name):
        return [self[field] for field in STEP_OPTIONS.get(name, ())]


class ContributionForm(forms.Form):
    department = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Contribution of your department"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ExtensionAskForm(forms.Form):
    days = forms.IntegerField(label=_("Working days"), min_value=1)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, max_days=15, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].max_value = max_days
        self.fields["days"].widget.attrs["max"] = max_days
        self.fields["days"].help_text = _("At most %(days)s working days.") % {"days": max_days}


class ExtensionDecideForm(forms.Form):
    approve = forms.BooleanField(required=False)
    note = forms.CharField(
        label=_("Note on the decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a refusal."),
    )


class RequestInspectView(VisibleCaseMixin, InspectView):
    """The case page: the request, the applicant (if the user may see who it is), what
    the user may do now, the extensions, the timeline and the reply clock day by day."""

    template_name = "wagtail_disclosure/admin/requests/case.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            visible_cases(self.request.user)
            .select_related("department", "registered_by")
            .prefetch_related(
                "clock_event_rows",
                "extensions__requested_by",
                "extensions__decided_by",
                "assistance__department",
                "assistance__contributed_by",
            ),
            pk=self.kwargs["pk"],
        )

    def get_fields(self):
        return list(REQUEST_FIELDS)

    def get_page_subtitle(self):
        return self.object.tracking_number

    def get_fee_waiver_requested_display_value(self):
        return _("Yes") if self.object.fee_waiver_requested else _("No")

    def get_outcome_display_value(self):
        outcome = outcomes().get(self.object.outcome)
        return outcome.label if outcome else self.object.outcome

    def get_context_for_field(self, field_name):
        context = super().get_context_for_field(field_name)
        if context["value"] in (None, ""):
            context["value"] = NO_VALUE
        return context

    def actions(self):
        case = self.object
        workflow = DisclosureRequest.workflow
        result = []
        for name in available_transitions(case, self.request.user, row=case):
            step = workflow.steps[name]
            initial = {"expected_state": case.state}
            if name == "answer":
                initial.update(
                    outcome=case.outcome, reason=case.outcome_reason, link=case.outcome_link
                )
            form = TransitionOptionsForm(initial=initial, step=step, auto_id=f"id_{name}_%s")
            result.append(
                {
                    "name": name,
                    "label": step.label,
                    "needs_reason": step.needs_reason,
                    "url": reverse(f"{NAMESPACE}:transition", args=[case.pk, name]),
                    "form": form,
                    "option_fields": form.bound_option_fields(name),
                }
            )
        return result

    def extension_context(self):
        case, user = self.object, self.request.user
        rules_ = rules()
        extensions = list(case.extensions.all())
        approved = sum(1 for e in extensions if e.state == "approved")
        pending = any(e.state == "requested" for e in extensions)
        can_ask = (
            can_ask_extension(user, case)
            and case.state in OPEN_STATES
            and approved < rules_.max_extensions
            and not pending
        )
        can_decide = can_decide_extension(user) and case.state in OPEN_STATES
        return {
            "extensions": [
                {
                    "object": extension,
                    "requested_by": person_name(extension.requested_by),
                    "decided_by": person_name(extension.decided_by),
                    "decide_url": reverse(
                        f"{NAMESPACE}:decide_extension", args=[case.pk, extension.pk]
                    ),
                    "decide_form": ExtensionDecideForm(auto_id=f"id_ext{extension.pk}_%s"),
                }
                for extension in extensions
            ],
            "can_ask_extension": can_ask,
            "can_decide_extension": can_decide,
            "ask_extension_url": reverse(f"{NAMESPACE}:ask_extension", args=[case.pk]),
            "ask_extension_form": ExtensionAskForm(
                max_days=rules_.extension_days, auto_id="id_extension_%s"
            ),
            "max_extensions": rules_.max_extensions,
            "extension_days": rules_.extension_days,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case, user = self.object, self.request.user
        calendar = WorkingDayCalendar()
        attach_clock(case, calendar, timezone.localdate(), user)
        identity = None
        if can_see_identity(user, case):
            identity = [
                self.get_context_for_field(name) for name in IDENTITY_FIELDS if getattr(case, name)
            ]
        context.update(
            case=case,
            identity=identity,
            department_name=_department_name(case),
            actions=self.actions(),
            timeline=timeline(case),
            clock=case.reply_clock,
            clock_days=clock_days(case, case.reply_clock) if case.reply_clock else [],
            pause_reason_label=(
                PauseReason(case.reply_clock.pause_reason).label
                if case.reply_clock and case.reply_clock.pause_reason
                else ""
            ),
            pause_period_end=pause_period_end(case, case.reply_clock, calendar),
            **self.extension_context(),
            **self.letters_context(),
            **self.assistance_context(),
        )
        return context

    def assistance_context(self):
        """The assisting departments (协办), their contributions, and the form for a
        department of the user's that has not given its part yet."""
        case, user = self.object, self.request.user
        return {
            "assistance": [
                {"object": row, "contributed_by": person_name(row.contributed_by)}
                for row in case.assistance.all()
            ],
            "contribution_forms": [
                {
                    "department": row.department,
                    "form": ContributionForm(
                        initial={"department": row.department_id},
                        auto_id=f"id_contribution{row.department_id}_%s",
                    ),
                }
                for row in pending_assistance(case, user)
            ],
            "contribute_url": reverse(f"{NAMESPACE}:contribute", args=[case.pk]),
        }

    def letters_context(self):
        """The letters issued on the case, and the form to issue one (for those who may)."""
        case, user = self.object, self.request.user
        kinds = [
            (kind, label)
            for kind, label in LetterKind.choices
            if kind in DEPARTMENT_KINDS or holds_role_everywhere(user, Role.DISCLOSURE_OFFICE)
        ]
        if case.outcome not in outcomes():
            kinds = [(kind, label) for kind, label in kinds if kind != LetterKind.ANSWER]
        if not can_see_identity(user, case):  # an assisting department: letters name the applicant
            return {"letters": [], "letter_kinds": [], "issue_letter_url": None}
        return {
            "letters": [
                {
                    "object": letter,
                    "print_url": reverse(
                        "wagtail_disclosure:request_letter_print", args=[letter.pk]
                    ),
                    "docx_url": reverse("wagtail_disclosure:request_letter_docx", args=[letter.pk]),
                }
                for letter in case.letters.all()
            ],
            "letter_kinds": kinds,
            "issue_letter_url": reverse(f"{NAMESPACE}:issue_letter", args=[case.pk]),
        }


def pause_period_end(case, clock, calendar):
    """The end of the period a paused case waits for: the third party's answer
    (``consultation_days``) or the applicant's correction (``correction_lapse_days``),
    counted in working days from the day the clock stopped; ``None`` otherwise."""
    if clock is None or not clock.is_paused:
        return None
    days = {
        RequestState.CONSULTING: rules().consultation_days,
        RequestState.CORRECTION: rules().correction_lapse_days,
    }.get(case.state)
    if days is None:
        return None
    return calendar.add_working_days(clock.paused_since, days)


# ---------------------------------------------------------------------------
# Steps: transitions and extensions (POST only)
# ---------------------------------------------------------------------------


class CaseActionView(View):
    """A POST on a case the user may see (404 otherwise); answers with a message and a
    redirect to the case page, never an error page."""

    http_method_names = ["post"]

    def case_url(self, case):
        return reverse(f"{NAMESPACE}:inspect", args=[case.pk])

    def get_case(self):
        return get_object_or_404(visible_cases(self.request.user), pk=self.kwargs["pk"])

    def back(self, case, error=None):
        if error is not None:
            messages.error(self.request, error)
        return HttpResponseRedirect(self.case_url(case))


def _first_error(form):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else errors[0]
    return _("The form is not valid.")


class RequestTransitionView(CaseActionView):
    """Takes one step of a case through ``take_transition`` (which checks the role on
    the case, the state the person saw and the step's own conditions)."""

    def post(self, request, pk, name):
        case = self.get_case()
        step = DisclosureRequest.workflow.steps.get(name)
        form = TransitionOptionsForm(request.POST, step=step)
        if not form.is_valid():
            return self.back(case, _first_error(form))
        data = form.cleaned_data
        try:
            case = take_transition(
                case,
                name,
                request.user,
                comment=data["comment"],
                expected_state=data["expected_state"] or None,
                **form.options(name),
            )
        except TransitionError as error:
            return self.back(case, error.message)
        messages.success(
            request,
            _("Done: “%(action)s”. Request %(number)s is now “%(state)s”.")
            % {
                "action": step.label,
                "number": case.tracking_number,
                "state": case.get_state_display(),
            },
        )
        return self.back(case)


class ContributeView(CaseActionView):
    """An assisting department gives its part (``request_assistance.contribute`` checks
    the role in that department and that it was asked)."""

    def post(self, request, pk):
        case = self.get_case()
        form = ContributionForm(request.POST)
        if not form.is_valid():
            return self.back(case, _first_error(form))
        try:
            contribute(
                case, request.user, form.cleaned_data["department"], form.cleaned_data["text"]
            )
        except AssistanceError as error:
            return self.back(case, error.message)
        messages.success(request, _("Your department's contribution is recorded."))
        return self.back(case)


class AskExtensionView(CaseActionView):
    def post(self, request, pk):
        case = self.get_case()
        form = ExtensionAskForm(request.POST, max_days=rules().extension_days)
        if not form.is_valid():
            return self.back(case, _first_error(form))
        try:
            extension = ask_extension(
                case, request.user, form.cleaned_data["days"], form.cleaned_data["reason"]
            )
        except ExtensionError as error:
            return self.back(case, error.message)
        messages.success(
            request,
            _("Extension of %(days)s working days asked for; the disclosure office decides.")
            % {"days": extension.days},
        )
        return self.back(case)


class IssueLetterView(CaseActionView):
    """Issues one letter on the case (``request_letters.issue_letter`` checks who may)."""

    def post(self, request, pk):
        case = self.get_case()
        kind = request.POST.get("kind", "")
        if kind not in LetterKind.values:
            return self.back(case, _("Choose the letter to issue."))
        try:
            letter = issue_letter(case, kind, request.user)
        except PermissionDenied:
            return self.back(case, _("You may not issue this letter on this case."))
        except ValidationError as error:
            return self.back(case, " ".join(error.messages))
        messages.success(
            request,
            _("%(letter)s %(number)s issued.")
            % {"letter": letter.subject, "number": letter.number},
        )
        return self.back(case)


class DecideExtensionView(CaseActionView):
    def post(self, request, pk, extension_pk):
        case = self.get_case()
        extension = get_object_or_404(RequestExtension, pk=extension_pk, request=case)
        form = ExtensionDecideForm(request.POST)
        if not form.is_valid():
            return self.back(case, _first_error(form))
        approve = form.cleaned_data["approve"]
        try:
            decide_extension(extension, request.user, approve, form.cleaned_data["note"])
        except ExtensionError as error:
            return self.back(case, error.message)
        if approve:
            case = DisclosureRequest.objects.prefetch_related("clock_event_rows").get(pk=case.pk)
            due = case.clock().due_date
            message = _("Extension approved: the reply is now due on %(date)s.") % {
                "date": due.isoformat() if due else NO_VALUE
            }
        else:
            message = _("Extension refused.")
        messages.success(request, message)
        return self.back(case)


# ---------------------------------------------------------------------------
# The viewset
# ---------------------------------------------------------------------------


class DisclosureRequestViewSet(ModelViewSet):
    name = NAMESPACE
    model = DisclosureRequest
    icon = "help"
    menu_label = _("Requests for information")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = RequestIndexView
    add_view_class = RequestCreateView
    edit_view_class = RequestEditView
    delete_view_class = RequestDeleteView
    history_view_class = RequestHistoryView
    usage_view_class = RequestUsageView
    inspect_view_class = RequestInspectView
    filterset_class = RequestFilterSet
    search_fields = ["tracking_number", "description", "name", "organisation_name"]
    search_backend_name = None  # the database, within visible_to: never the search index
    list_per_page = 50
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("channel"), FieldPanel("received_on")])],
                heading=_("Receipt"),
            ),
            *APPLICANT_PANELS,
            *REQUEST_PANELS,
        ],
        base_form_class=RequestForm,
    )

    if not HAS_POLICY_REGISTRY:  # Wagtail 7.4: the viewset carries the policy
        permission_policy = request_permission_policy

    def register_permissions(self):
        if register_permission_policy is not None:  # Wagtail 8: before the fallback
            register_permission_policy(DisclosureRequest, request_permission_policy)
        super().register_permissions()

    def get_permissions_to_register(self):
        # Access follows the roles (RequestPermissionPolicy), not these model permissions.
        from django.contrib.auth.models import Permission

        return Permission.objects.none()

    def get_edit_view_kwargs(self, **kwargs):
        panel = _panel([*APPLICANT_PANELS, *REQUEST_PANELS])
        return super().get_edit_view_kwargs(
            panel=panel, form_class=panel.get_form_class(), **kwargs
        )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path(
                "case/<int:pk>/step/<str:name>/",
                RequestTransitionView.as_view(),
                name="transition",
            ),
            path(
                "case/<int:pk>/letter/",
                IssueLetterView.as_view(),
                name="issue_letter",
            ),
            path(
                "case/<int:pk>/contribution/",
                ContributeView.as_view(),
                name="contribute",
            ),
            path(
                "case/<int:pk>/extension/",
                AskExtensionView.as_view(),
                name="ask_extension",
            ),
            path(
                "case/<int:pk>/extension/<int:extension_pk>/",
                DecideExtensionView.as_view(),
                name="decide_extension",
            ),
        ]


__all__ = [
    "DisclosureRequestViewSet",
    "RequestPermissionPolicy",
    "attach_clocks",
    "can_see_identity",
    "clock_days",
    "timeline",
    "visible_cases",
]
