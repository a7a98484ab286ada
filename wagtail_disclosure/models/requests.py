"""Requests for information (依申请公开): the case, declared on the workflow engine.

A :class:`DisclosureRequest` is one application, from its receipt to its close. Its
``state`` is the second state machine of the workflow engine (the entry review is the
first): who acts in each state, the permissions, the queue, the audit log and the notices
come from ``DisclosureRequest.workflow``, and every step goes through
``wagtail_disclosure.workflow.take_transition``.

The disclosure office (role ``publish_entries``, held for every department) registers,
accepts, asks for corrections, routes, answers and delivers; the department a case is
routed to (role ``handle_requests`` in that department) signs for it, consults third
parties and proposes the answer. The reply clock (:mod:`wagtail_disclosure.request_clock`)
is computed from the receipt date and the case's :class:`RequestClockEvent` rows.
"""

import secrets

import django_fsm as fsm
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..permissions import Role
from ..request_clock import ClockEvent, EventKind, PauseReason, compute_clock
from ..workflow.engine import RESPONSIBLE, Responsible, Workflow


class ApplicantType(models.TextChoices):
    PERSON = "person", _("Citizen (natural person)")
    ORGANISATION = "organisation", _("Legal person or other organisation")


class OrganisationKind(models.TextChoices):
    """The kinds of 法人或其他组织 in the 2021 statistics table (国办公开办函〔2021〕30号)."""

    BUSINESS = "business", _("Commercial enterprise")
    RESEARCH = "research", _("Research institution")
    PUBLIC_INTEREST = "public_interest", _("Public-interest organisation")
    LEGAL_SERVICE = "legal_service", _("Legal service institution")
    OTHER = "other", _("Other")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident identity card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO = "hk_macao", _("Mainland travel permit for Hong Kong and Macao residents")
    TAIWAN = "taiwan", _("Mainland travel permit for Taiwan residents")
    OTHER = "other", _("Other identity document")


class ReceiptChannel(models.TextChoices):
    """How a request came in; decides its receipt date (2019 条例, article 31)."""

    ONLINE = "online", _("Online form")
    IN_PERSON = "in_person", _("In person")
    POST = "post", _("By post")
    FAX = "fax", _("By fax")
    EMAIL = "email", _("By e-mail")


class InformationForm(models.TextChoices):
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic document")
    DISK = "disk", _("Disc or other storage medium")
    ON_SITE = "on_site", _("Inspection on site")


class DeliveryMethod(models.TextChoices):
    POST = "post", _("By post")
    EMAIL = "email", _("By e-mail")
    COLLECT = "collect", _("Collected in person")
    ON_SITE = "on_site", _("On site")


class RequestState(models.TextChoices):
    RECEIVED = "received", _("Received, awaiting acceptance")
    CORRECTION = "correction", _("Awaiting the applicant's correction")
    ACCEPTED = "accepted", _("Accepted by the disclosure office")
    ROUTED = "routed", _("Routed, awaiting the department's signature")
    IN_HAND = "in_hand", _("Being handled by the department")
    CONSULTING = "consulting", _("Consulting a third party")
    PROPOSED = "proposed", _("Answer proposed, awaiting the office")
    ANSWERED = "answered", _("Answered, awaiting delivery")
    DELIVERED = "delivered", _("Answer delivered")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    LAPSED = "lapsed", _("Lapsed (deemed abandoned)")


#: States before the answer: the reply clock runs (or is paused) in these.
OPEN_STATES = (
    RequestState.RECEIVED,
    RequestState.CORRECTION,
    RequestState.ACCEPTED,
    RequestState.ROUTED,
    RequestState.IN_HAND,
    RequestState.CONSULTING,
    RequestState.PROPOSED,
)
#: States in which a case is finished for the statistics.
FINISHED_STATES = (
    RequestState.ANSWERED,
    RequestState.DELIVERED,
    RequestState.CLOSED,
    RequestState.WITHDRAWN,
    RequestState.LAPSED,
)

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_lookup_code():
    """A 查询码: 8 characters, easy to read out and type."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


class DisclosureRequestQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("department")

    def visible_to(self, user):
        """The cases ``user`` may see: all for the disclosure office, else those routed to
        a department where ``user`` handles requests, as the lead department (主办) or as an
        assisting one (协办)."""
        from ..permissions import department_filter, holds_role_everywhere

        if holds_role_everywhere(user, Role.DISCLOSURE_OFFICE):
            return self
        condition = department_filter(user, [Role.REQUEST_HANDLER])
        if not condition:
            return self
        assisting = RequestAssistance.objects.filter(
            department_filter(user, [Role.REQUEST_HANDLER])
        ).values("request_id")
        return self.filter(
            models.Q(condition, department__isnull=False) | models.Q(pk__in=assisting)
        )

    def identity_visible_to(self, user):
        """The cases whose applicant ``user`` may know (identity fields, letters): all for
        the disclosure office, else those whose handling department (主办) is one where
        ``user`` handles requests. Assisting departments (协办) are not among them."""
        from ..permissions import department_filter, holds_role_everywhere

        if holds_role_everywhere(user, Role.DISCLOSURE_OFFICE):
            return self
        condition = department_filter(user, [Role.REQUEST_HANDLER])
        if not condition:
            return self
        return self.filter(condition, department__isnull=False)

    def waiting_for(self, user):
        return self.model.workflow.queue(user, self.for_listing())


class DisclosureRequest(fsm.ConcurrentTransitionMixin, models.Model):
    """One request for information (依申请公开), from receipt to close."""

    tracking_number = models.CharField(
        _("tracking number"), max_length=32, unique=True, editable=False
    )
    lookup_code = models.CharField(
        _("lookup code"), max_length=16, default=new_lookup_code, editable=False
    )
    state = fsm.FSMField(
        _("state"),
        default=RequestState.RECEIVED,
        choices=RequestState.choices,
        protected=True,
        db_index=True,
    )
    workflow = Workflow(
        state,
        responsible=[
            Responsible(RequestState.RECEIVED, Role.DISCLOSURE_OFFICE),
            Responsible(RequestState.ACCEPTED, Role.DISCLOSURE_OFFICE),
            Responsible(RequestState.ROUTED, Role.REQUEST_HANDLER),
            Responsible(RequestState.IN_HAND, Role.REQUEST_HANDLER),
            Responsible(RequestState.CONSULTING, Role.REQUEST_HANDLER),
            Responsible(RequestState.PROPOSED, Role.DISCLOSURE_OFFICE),
            Responsible(RequestState.ANSWERED, Role.DISCLOSURE_OFFICE),
            Responsible(RequestState.DELIVERED, Role.DISCLOSURE_OFFICE),
        ],
        # The department the case is routed to; the office (role held everywhere) acts
        # on cases that have none.
        department=["department_id"],
        log_prefix="wagtail_disclosure.request.",
    )

    # -- receipt ------------------------------------------------------------------------
    channel = models.CharField(
        _("received through"),
        max_length=16,
        choices=ReceiptChannel.choices,
        default=ReceiptChannel.ONLINE,
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    received_on = models.DateField(
        _("date of receipt"),
        help_text=_(
            "In person: the day it was handed in; by post: the day it was signed for; online, "
            "by fax or e-mail: the day both sides confirmed it. Day 0 of the reply period."
        ),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # -- applicant (visible to the office and to the staff the case is routed to) -------
    applicant_type = models.CharField(
        _("applicant type"), max_length=16, choices=ApplicantType.choices
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    id_type = models.CharField(
        _("identity document"), max_length=16, choices=IdType.choices, blank=True
    )
    id_number = models.CharField(_("identity document number"), max_length=40, blank=True)
    work_unit = models.CharField(_("work unit"), max_length=200, blank=True)
    organisation_name = models.CharField(_("organisation name"), max_length=200, blank=True)
    organisation_kind = models.CharField(
        _("kind of organisation"), max_length=16, choices=OrganisationKind.choices, blank=True
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[
            RegexValidator(
                r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
                _("A unified social credit code has 18 characters (digits and capitals)."),
            )
        ],
    )
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    address = models.CharField(_("postal address"), max_length=300, blank=True)
    postcode = models.CharField(
        _("postcode"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^\d{6}$", _("A postcode has six digits."))],
    )
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    # -- the request ----------------------------------------------------------------
    description = models.TextField(
        _("information sought"),
        help_text=_("Name, date, document number or other features that identify it."),
    )
    purpose = models.TextField(_("purpose"), blank=True)
    information_form = models.CharField(
        _("form of the information"),
        max_length=16,
        choices=InformationForm.choices,
        default=InformationForm.ELECTRONIC,
    )
    delivery = models.CharField(
        _("way of delivery"),
        max_length=16,
        choices=DeliveryMethod.choices,
        default=DeliveryMethod.EMAIL,
    )
    fee_waiver_requested = models.BooleanField(_("fee waiver requested"), default=False)
    fee_waiver_reason = models.TextField(_("reason for the fee waiver"), blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to="disclosure_requests/%Y/", blank=True, max_length=255
    )

    # -- handling -------------------------------------------------------------------
    department = models.ForeignKey(
        "wagtail_disclosure.Department",
        verbose_name=_("handling department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    correction_items = models.TextField(_("what to correct"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=48, blank=True)
    outcome_reason = models.TextField(_("reason for the outcome"), blank=True)
    outcome_link = models.URLField(_("where it is published"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivery_reference = models.CharField(
        _("delivery reference"),
        max_length=100,
        blank=True,
        help_text=_("Postal tracking number, e-mail address or who collected it."),
    )
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    last_comment = models.TextField(_("last comment"), blank=True)

    objects = DisclosureRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request for information")
        verbose_name_plural = _("requests for information")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["received_on"])]

    def __str__(self):
        return self.tracking_number or _("New request")

    # -- reading -----------------------------------------------------------------------

    @property
    def applicant_name(self):
        if self.applicant_type == ApplicantType.ORGANISATION:
            return self.organisation_name
        return self.name

    def shows_identity_to(self, user):
        """Whether ``user`` may know who applied (``identity_visible_to``, for one case)."""
        from ..permissions import has_role, holds_role_everywhere

        if holds_role_everywhere(user, Role.DISCLOSURE_OFFICE):
            return True
        return self.department_id is not None and has_role(
            user, Role.REQUEST_HANDLER, self.department_id
        )

    def clock_events(self):
        return [event.as_clock_event() for event in self.clock_event_rows.all()]

    def clock(self, *, calendar=None, rules_=None):
        """The reply clock (:class:`wagtail_disclosure.request_clock.Clock`)."""
        return compute_clock(self.received_on, self.clock_events(), rules_, calendar=calendar)

    def save(self, *args, **kwargs):
        if not self.tracking_number:
            self.tracking_number = _next_tracking_number(self.received_on)
        super().save(*args, **kwargs)

    # -- engine hooks -------------------------------------------------------------------

    def add_clock_event(self, kind, day, reason="", days=0, user=None, note=""):
        return RequestClockEvent.objects.create(
            request=self, kind=kind, day=day, reason=reason, days=days, user=user, note=note
        )

    def set_assisting_departments(self, departments, user=None):
        """The assisting departments (协办) of the case: ``departments`` (the lead one left
        out). A department that already gave its contribution stays, for the record."""
        wanted = {d.pk: d for d in departments or () if d.pk != self.department_id}
        self.assistance.filter(contributed_at__isnull=True).exclude(
            department_id__in=wanted
        ).delete()
        present = set(self.assistance.values_list("department_id", flat=True))
        RequestAssistance.objects.bulk_create(
            RequestAssistance(request=self, department=d, added_by=user)
            for pk, d in wanted.items()
            if pk not in present
        )

    # -- transitions ----------------------------------------------------------------
    @workflow.transition(
        source=[RequestState.RECEIVED],
        target=RequestState.ACCEPTED,
        role=Role.DISCLOSURE_OFFICE,
        label=_("Accept"),
        log_message=_("Request accepted"),
        icon="success",
    )
    def accept(self, user, when, comment="", **options):
        pass

    @workflow.transition(
        source=[RequestState.RECEIVED, RequestState.ACCEPTED],
        target=RequestState.CORRECTION,
        role=Role.DISCLOSURE_OFFICE,
        label=_("Ask for a correction"),
        log_message=_("Correction asked for (补正)"),
        icon="edit",
        needs_reason=True,
    )
    def request_correction(self, user, when, comment="", on=None, **options):
        self.correction_items = comment
        self.add_clock_event(
            EventKind.PAUSE, on or timezone.localdate(when), PauseReason.CORRECTION, user=user
        )

    @workflow.transition(
        source=[RequestState.CORRECTION],
        target=RequestState.ACCEPTED,
        role=Role.DISCLOSURE_OFFICE,
        label=_("Record the corrected request"),
        log_message=_("Corrected request received: the reply period starts again"),
        icon="resubmit",
    )
    def receive_correction(self, user, when, comment="", received_on=None, **options):
        self.add_clock_event(
            EventKind.RESTART, received_on or timezone.localdate(when), user=user, note=comment
        )

    @workflow.transition(
        source=[RequestState.CORRECTION],
        target=RequestState.LAPSED,
        role=Role.DISCLOSURE_OFFICE,
        label=_("Close as not corrected"),
        log_message=_("Not corrected in time: deemed abandoned"),
        icon="cross",
        needs_reason=True,
    )
    def lapse(self, user, when, comment="", **options):
        self.outcome = "other_uncorrected"
        self.outcome_reason = comment

    @workflow.transition(
        source=[RequestState.ACCEPTED],
        target=RequestState.ROUTED,
        role=Role.DISCLOSURE_OFFICE,
        label=_("Route to a department"),
        log_message=_("Routed to a department"),
        icon="arrow-right",
    )
    def route(self, user, when, comment="", department=None, assisting=(), **options):
        if department is None:
            from ..workflow import TransitionError

            raise TransitionError(_("Choose the department that holds the information."), "invalid")
        self.department = department
        self.set_assisting_departments(assisting, user)

    @workflow.transition(
        source=[RequestState.ROUTED],
        target=RequestState.IN_HAND,
        role=Role.REQUEST_HANDLER,
        label=_("Sign for the case"),
        log_message=_("Signed for by the department"),
        icon="success",
    )
    def sign_for(self, user, when, comment="", **options):
        pass

    @workflow.transition(
        source=[RequestState.ROUTED, RequestState.IN_HAND],
        target=RequestState.ROUTED,
        role=Role.REQUEST_HANDLER,
        label=_("Transfer to another department"),
        log_message=_("Transferred to another department (转办)"),
        icon="arrow-right",
        needs_reason=True,
    )
    def transfer(self, user, when, comment="", department=None, **options):
        from ..workflow import TransitionError

        if department is None:
            raise TransitionError(_("Choose the department that holds the information."), "invalid")
        if department.pk == self.department_id:
            raise TransitionError(
                _("The case is already with this department: choose another one."), "invalid"
            )
        self.department = department
        self.assistance.filter(department=department).delete()

    @workflow.transition(
        source=[RequestState.ROUTED, RequestState.IN_HAND],
        target=RequestState.ACCEPTED,
        role=Role.REQUEST_HANDLER,
        label=_("Return to the office"),
        log_message=_("Returned to the disclosure office"),
        icon="undo",
        needs_reason=True,
    )
    def return_to_office(self, user, when, comment="", **options):
        self.department = None

    @workflow.transition(
        source=[RequestState.IN_HAND],
        target=RequestState.CONSULTING,
        role=Role.REQUEST_HANDLER,
        label=_("Consult a third party"),
        log_message=_("Third party consulted: the clock is paused"),
        icon="mail",
        needs_reason=True,
    )
    def consult(self, user, when, comment="", on=None, **options):
        self.add_clock_event(
            EventKind.PAUSE,
            on or timezone.localdate(when),
            PauseReason.CONSULTATION,
            user=user,
            note=comment,
        )

    @workflow.transition(
        source=[RequestState.CONSULTING],
        target=RequestState.IN_HAND,
        role=Role.REQUEST_HANDLER,
        label=_("Record the third party's answer"),
        log_message=_("Consultation ended: the clock runs again"),
        icon="resubmit",
    )
    def end_consultation(self, user, when, comment="", answered_on=None, **options):
        self.add_clock_event(
            EventKind.RESUME, answered_on or timezone.localdate(when), user=user, note=comment
        )

    @workflow.transition(
        source=[RequestState.IN_HAND],
        target=RequestState.PROPOSED,
        role=Role.REQUEST_HANDLER,
        label=_("Propose the answer"),
        log_message=_("Answer proposed by the department"),
        icon="edit",
    )
    def propose_answer(self, user, when, comment="", outcome="", reason="", link="", **options):
        _set_outcome(self, outcome, reason, link)

    @workflow.transition(
        source=[RequestState.PROPOSED],
        target=RequestState.IN_HAND,
        role=RESPONSIBLE,
        label=_("Send the proposal back"),
        log_message=_("Proposed answer sent back to the department"),
        icon="undo",
        needs_reason=True,
    )
    def send_back_proposal(self, user, when, comment="", **options):
        pass

    @workflow.transition(
        source=[RequestState.ACCEPTED, RequestState.PROPOSED],
        target=RequestState.ANSWERED,
        role=Role.DISCLOSURE_OFFICE,
        label=_("Answer"),
        log_message=_("Answered"),
        icon="success",
    )
    def answer(self, user, when, comment="", outcome="", reason="", link="", **options):
        _set_outcome(
            self, outcome or self.outcome, reason or self.outcome_reason, link or self.outcome_link
        )
        self.answered_on = timezone.localdate(when)

    @workflow.transition(
        source=[RequestState.ANSWERED],
        target=RequestState.DELIVERED,
        role=Role.DISCLOSURE_OFFICE,
        label=_("Record the delivery"),
        log_message=_("Answer delivered"),
        icon="mail",
    )
    def deliver(self, user, when, comment="", reference="", delivered_on=None, **options):
        self.delivered_on = delivered_on or timezone.localdate(when)
        self.delivery_reference = reference

    @workflow.transition(
        source=[RequestState.DELIVERED],
        target=RequestState.CLOSED,
        role=Role.DISCLOSURE_OFFICE,
        label=_("Close"),
        log_message=_("Closed"),
        icon="lock",
    )
    def close(self, user, when, comment="", **options):
        pass

    @workflow.transition(
        source=list(OPEN_STATES),
        target=RequestState.WITHDRAWN,
        role=Role.DISCLOSURE_OFFICE,
        label=_("Record the withdrawal"),
        log_message=_("Withdrawn by the applicant"),
        icon="cross",
        needs_reason=True,
    )
    def withdraw(self, user, when, comment="", **options):
        pass


def _set_outcome(case, outcome, reason, link):
    from ..request_outcomes import validate_outcome
    from ..workflow import TransitionError

    error = validate_outcome(outcome, reason, link)
    if error:
        raise TransitionError(error, "invalid")
    case.outcome, case.outcome_reason, case.outcome_link = outcome, reason, link


def _next_tracking_number(received_on):
    """``YSQ-2026-0001``: the year of receipt and a number within it (one sequence row per
    year, locked while it is read, as for 索引号)."""
    from ..index_numbers import next_serial

    year = (received_on or timezone.localdate()).year
    return f"YSQ-{year}-{next_serial(None, f'request-{year}'):04d}"


class RequestAssistance(models.Model):
    """An assisting department (协办) of a case: it sees the request (not the applicant's
    identity) and gives its contribution to the lead department, which answers."""

    request = models.ForeignKey(
        DisclosureRequest, on_delete=models.CASCADE, related_name="assistance"
    )
    department = models.ForeignKey(
        "wagtail_disclosure.Department",
        verbose_name=_("assisting department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("asked on"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contribution = models.TextField(_("contribution"), blank=True)
    contributed_at = models.DateTimeField(_("contributed on"), null=True, blank=True)
    contributed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("assisting department")
        verbose_name_plural = _("assisting departments")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "department"], name="wagtail_disclosure_assistance_unique"
            )
        ]

    def __str__(self):
        return str(self.department)


class RequestClockEvent(models.Model):
    """Something that moved a case's reply clock (``request_clock``), with who and why."""

    request = models.ForeignKey(
        DisclosureRequest, on_delete=models.CASCADE, related_name="clock_event_rows"
    )
    kind = models.CharField(_("event"), max_length=16, choices=EventKind.choices)
    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=16, choices=PauseReason.choices, blank=True)
    days = models.PositiveSmallIntegerField(_("working days added"), default=0)
    note = models.TextField(_("note"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("clock event")
        verbose_name_plural = _("clock events")
        ordering = ["day", "pk"]

    def as_clock_event(self):
        return ClockEvent(self.kind, self.day, self.reason, self.days)


class FeeMode(models.TextChoices):
    """How a fee is charged (国办函〔2020〕109号: per request or per page, never both)."""

    NONE = "", _("No fee")
    PER_REQUEST = "per_request", _("Per request")
    PER_PAGE = "per_page", _("Per page")


class WaiverDecision(models.TextChoices):
    UNDECIDED = "", _("Not decided")
    GRANTED = "granted", _("Waiver granted")
    REFUSED = "refused", _("Waiver refused")


class RequestFee(models.Model):
    """The fee of a case, when fees are charged (off by default), paid offline."""

    request = models.OneToOneField(DisclosureRequest, on_delete=models.CASCADE, related_name="fee")
    mode = models.CharField(_("charged"), max_length=16, choices=FeeMode.choices, blank=True)
    quantity = models.PositiveIntegerField(
        _("quantity"), default=0, help_text=_("Requests this month, or pages, as the mode counts.")
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2, default=0)
    notice_sent_on = models.DateField(_("fee notice sent on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    waiver_decision = models.CharField(
        _("waiver decision"), max_length=16, choices=WaiverDecision.choices, blank=True
    )
    waiver_note = models.TextField(_("waiver note"), blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")


class ExtensionState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class RequestExtension(models.Model):
    """An extension of the reply period: asked for with a reason, decided by the head of
    the disclosure office; an approved one adds a ``extend`` clock event."""

    request = models.ForeignKey(
        DisclosureRequest, on_delete=models.CASCADE, related_name="extensions"
    )
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("decision"),
        max_length=16,
        choices=ExtensionState.choices,
        default=ExtensionState.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["requested_at", "pk"]


class LetterKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt (回执)")
    CORRECTION = "correction", _("Notice to correct (补正告知书)")
    EXTENSION = "extension", _("Notice of extension (延期告知书)")
    CONSULTATION = "consultation", _("Letter to a third party (第三方征求意见书)")
    FEE = "fee", _("Fee notice (收费通知书)")
    ANSWER = "answer", _("Answer (答复书)")


class RequestLetter(models.Model):
    """A letter issued on a case, with its number; its text is kept as issued."""

    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(_("letter"), max_length=16, choices=LetterKind.choices)
    number = models.CharField(_("letter number"), max_length=64, blank=True)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["issued_on", "pk"]


class LetterTemplate(models.Model):
    """The editable text of one kind of letter (one per kind and outcome group); Django
    template syntax, with the case as ``request``."""

    kind = models.CharField(_("letter"), max_length=16, choices=LetterKind.choices)
    outcome_group = models.CharField(
        _("outcome"), max_length=32, blank=True, help_text=_("For answers: the outcome group.")
    )
    subject = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "outcome_group"], name="wagtail_disclosure_letter_template_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.outcome_group}".strip()


class AppealKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint or report (举报)")
    RECONSIDERATION = "reconsideration", _("Administrative reconsideration (行政复议)")
    LAWSUIT = "lawsuit", _("Lawsuit without reconsideration")
    LAWSUIT_AFTER = "lawsuit_after", _("Lawsuit after reconsideration")


class AppealResult(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    CORRECTED = "corrected", _("Corrected")
    OTHER = "other", _("Other result")
    PENDING = "pending", _("Not yet decided")


class RequestAppeal(models.Model):
    """A complaint, reconsideration or lawsuit about the university's disclosure work,
    entered by staff, for the statistics (2021 table 4)."""

    kind = models.CharField(_("kind"), max_length=16, choices=AppealKind.choices)
    request = models.ForeignKey(
        DisclosureRequest,
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals",
    )
    filed_on = models.DateField(_("filed on"))
    result = models.CharField(
        _("result"), max_length=16, choices=AppealResult.choices, default=AppealResult.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("complaint or appeal")
        verbose_name_plural = _("complaints and appeals")
        ordering = ["-filed_on", "pk"]
