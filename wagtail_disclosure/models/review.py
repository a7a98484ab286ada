"""The review lifecycle of an entry (保密审查 before release), declared on the workflow engine.

An :class:`EntryReview` row accompanies every entry page. Its ``state`` follows the
pending revision of the entry, not the live version: an entry that is online can at the
same time have a revised version in review. Who decides each state is declared once, in
``EntryReview.workflow``; the permissions, the queue, the notices, the action menu and
the audit log are derived from it (``wagtail_disclosure/workflow/engine.py``). Every
transition is taken through ``wagtail_disclosure.workflow.take_transition``.
"""

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from wagtail.actions.unpublish_page import UnpublishPageAction

from ..permissions import Role
from ..workflow.engine import RESPONSIBLE, Deadline, Responsible, Workflow
from ..workflow.guard import publication_allowed
from ..workflow.services import take_system_transition


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("In department review")
    DEPARTMENT_APPROVED = "department_approved", _("In confidentiality review")
    CLEARED = "cleared", _("Cleared, awaiting sign-off or publication")
    SIGNED_OFF = "signed_off", _("Signed off, awaiting publication")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: States in which a version is waiting for someone's decision.
IN_REVIEW = (
    ReviewState.SUBMITTED,
    ReviewState.DEPARTMENT_APPROVED,
    ReviewState.CLEARED,
    ReviewState.SIGNED_OFF,
)


def _sign_off_done(review):
    return review.state == ReviewState.SIGNED_OFF or not review.requires_sign_off


def _sign_off_needed(review):
    return review.requires_sign_off


def _has_revision(review):
    return review.page.latest_revision_id is not None


def _has_bound_revision(review):
    return review.revision_id is not None and review.revision_id == review.page.latest_revision_id


def _is_live(review):
    return review.page.live


def _decided_version(review):
    """The revision a decision is about: the one bound at submission, or, before it, the
    latest one (the version an editor submits)."""
    if review.state == ReviewState.DRAFT:
        return review.page.latest_revision_id
    return review.revision_id


def _author(review):
    return review.submitted_by or (review.revision.user if review.revision_id else None)


def _notification_context(review):
    return {"review": review, "entry": review.page}


class EntryReviewQuerySet(models.QuerySet):
    def for_listing(self):
        """With what queue rows show (entry, departments, checklist item)."""
        return self.select_related(
            "department", "page", "page__department", "page__checklist_item__category"
        ).defer("page__body")

    def waiting_for(self, user):
        """The reviews whose next step ``user`` decides, in one query (the workflow's
        declaration: the role responsible for the state, in the version's department).
        Withdrawing, which the disclosure office may do at any time, puts nothing here."""
        return self.model.workflow.queue(user, self.for_listing())

    def oldest_first(self):
        return self.order_by(models.F("state_changed_at").asc(nulls_first=True), "pk")


class EntryReview(fsm.ConcurrentTransitionMixin, models.Model):
    """Where an entry stands in review, and who decided each step."""

    page = models.OneToOneField(
        "wagtail_disclosure.DisclosureEntryPage",
        on_delete=models.CASCADE,
        related_name="review",
        verbose_name=_("entry"),
    )
    state = fsm.FSMField(
        _("review state"),
        default=ReviewState.DRAFT,
        choices=ReviewState.choices,
        protected=True,
        db_index=True,
    )

    #: Who decides each state, and everything derived from it. ``sign_off_required`` is
    #: the snapshot of the version in review (``sync_from_revision``).
    workflow = Workflow(
        state,
        responsible=[
            Responsible(ReviewState.SUBMITTED, Role.DEPARTMENT_REVIEWER),
            Responsible(ReviewState.DEPARTMENT_APPROVED, Role.CONFIDENTIALITY_REVIEWER),
            Responsible(
                ReviewState.CLEARED, Role.SIGN_OFF_LEADER, when={"sign_off_required": True}
            ),
            Responsible(
                ReviewState.CLEARED, Role.DISCLOSURE_OFFICE, when={"sign_off_required": False}
            ),
            Responsible(ReviewState.SIGNED_OFF, Role.DISCLOSURE_OFFICE),
        ],
        # The department of the version in review; the entry's for rows that have none.
        department=["department_id", "page__department_id"],
        subject="page",
        version=_decided_version,
        author=_author,
        log_instance="page",
        log_revision="revision",
        log_prefix="wagtail_disclosure.",
        deadline=Deadline(
            start="page__document_date",
            working_days="page__checklist_item__update_within_working_days",
        ),
        notification_templates=(
            "wagtail_disclosure/notifications/transition_subject.txt",
            "wagtail_disclosure/notifications/transition.txt",
        ),
        notification_context=_notification_context,
        select_related=["page", "page__latest_revision", "revision"],
    )

    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("revision under review"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The version the decisions below apply to."),
    )
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    # Read from the latest version, not from the live page: a draft may change them.
    department = models.ForeignKey(
        "wagtail_disclosure.Department",
        verbose_name=_("department of the version in review"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sign_off_required = models.BooleanField(
        _("sign-off required"),
        default=False,
        help_text=_("Whether the version in review needs the leader's sign-off."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cleared by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who passed the confidentiality review (保密审查) of the current version."),
    )
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withheld = models.BooleanField(
        _("withheld"),
        default=False,
        help_text=_("Withdrawn for a legal reason: leaves no public trace."),
    )
    last_comment = models.TextField(_("last comment"), blank=True)

    objects = EntryReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("entry review")
        verbose_name_plural = _("entry reviews")

    def __str__(self):
        return f"{self.page_id}: {self.get_state_display()}"

    @property
    def acting_department_id(self):
        """The department whose people decide: that of the latest version."""
        return self.workflow.department_id(self)

    @property
    def acting_department(self):
        return self.department or self.page.department

    @property
    def requires_sign_off(self):
        """分管校领导 sign-off, as the version in review asks for it (major matter or category)."""
        return self.sign_off_required

    def sync_from_revision(self, revision):
        """Take department and sign-off rule from ``revision`` (the latest version)."""
        from .checklist import ChecklistCategory

        version = revision.as_object()
        self.department_id = version.department_id
        self.sign_off_required = bool(
            version.is_major_matter
            or ChecklistCategory.objects.filter(
                items=version.checklist_item_id, requires_sign_off=True
            ).exists()
        )

    # -- engine hooks ---------------------------------------------------------------

    def before_transition(self, name, user, revision=None, **options):
        """Read what the decision is about, under the row lock."""
        if name == "submit" and self.page.latest_revision_id:
            # Decisions are about this version: its department and sign-off rule.
            self.sync_from_revision(self.page.latest_revision)
        elif name == "reopen" and revision is not None:
            self.sync_from_revision(revision)
        elif name == "import_published":
            self.revision = self.page.latest_revision or self.page.save_revision(user=user)

    def after_transition(self, name, user, **options):
        """Publishing and withholding change the page, inside the transition."""
        if name in ("publish", "import_published"):
            with publication_allowed():
                self.revision.publish(user=user, skip_permission_checks=True)
        elif name == "withdraw" and self.withheld:
            with publication_allowed():
                UnpublishPageAction(self.page.specific, user=user).execute(
                    skip_permission_checks=True
                )

    def log_data(self):
        return {"withheld": self.withheld}

    # -- transitions ----------------------------------------------------------------
    # Each method only moves the state and records who decided; the engine's service
    # wraps it with the lock, the checks, the hooks above, the audit log and the notice.

    @workflow.transition(
        source=[ReviewState.DRAFT],
        target=ReviewState.SUBMITTED,
        conditions=[_has_revision],
        role=Role.DEPARTMENT_EDITOR,
        label=_("Submit for review"),
        log_message=_("Submitted for department review"),
        icon="resubmit",
    )
    def submit(self, user, when, comment="", **options):
        # Bind the review to the version submitted: every later decision is about it.
        self.revision_id = self.page.latest_revision_id
        self.submitted_by, self.submitted_at = user, when
        self.approved_by = self.cleared_by = self.signed_off_by = None
        self.approved_at = self.cleared_at = self.signed_off_at = None

    @workflow.transition(
        source=[ReviewState.SUBMITTED],
        target=ReviewState.DEPARTMENT_APPROVED,
        conditions=[_has_bound_revision],
        role=Role.DEPARTMENT_REVIEWER,
        label=_("Approve for the department"),
        log_message=_("Approved by the department"),
        icon="success",
    )
    def approve(self, user, when, comment="", **options):
        self.approved_by, self.approved_at = user, when

    @workflow.transition(
        source=[ReviewState.DEPARTMENT_APPROVED],
        target=ReviewState.CLEARED,
        conditions=[_has_bound_revision],
        role=Role.CONFIDENTIALITY_REVIEWER,
        label=_("Pass confidentiality review"),
        log_message=_("Passed the confidentiality review (保密审查)"),
        icon="lock",
    )
    def clear(self, user, when, comment="", **options):
        self.cleared_by, self.cleared_at = user, when

    @workflow.transition(
        source=[ReviewState.CLEARED],
        target=ReviewState.SIGNED_OFF,
        conditions=[_has_bound_revision, _sign_off_needed],
        role=Role.SIGN_OFF_LEADER,
        label=_("Sign off"),
        log_message=_("Signed off by the leader in charge"),
        icon="edit",
    )
    def sign_off(self, user, when, comment="", **options):
        self.signed_off_by, self.signed_off_at = user, when

    @workflow.transition(
        source=[ReviewState.CLEARED, ReviewState.SIGNED_OFF],
        target=ReviewState.PUBLISHED,
        conditions=[_has_bound_revision, _sign_off_done],
        role=Role.DISCLOSURE_OFFICE,
        label=_("Publish"),
        log_message=_("Published after review"),
        icon="upload",
        notify_author="approved_notifications",
    )
    def publish(self, user, when, comment="", **options):
        self.published_by, self.published_at = user, when
        self.withdrawn_at, self.withdrawal_reason, self.withheld = None, "", False

    @workflow.transition(
        source=list(IN_REVIEW),
        target=ReviewState.DRAFT,
        role=RESPONSIBLE,
        label=_("Send back"),
        log_message=_("Sent back to draft"),
        icon="arrow-left",
        needs_reason=True,
        notify_author="rejected_notifications",
    )
    def reject(self, user, when, comment="", **options):
        pass

    @workflow.transition(
        source=[ReviewState.PUBLISHED, ReviewState.DRAFT, *IN_REVIEW],
        target=ReviewState.WITHDRAWN,
        conditions=[_is_live],
        role=Role.DISCLOSURE_OFFICE,
        label=_("Withdraw"),
        log_message=_("Withdrawn"),
        icon="download",
        needs_reason=True,
    )
    def withdraw(self, user, when, comment="", withheld=False, **options):
        self.withdrawn_at, self.withdrawal_reason, self.withheld = when, comment, withheld

    @workflow.transition(
        source=[ReviewState.PUBLISHED, ReviewState.WITHDRAWN, *IN_REVIEW],
        target=ReviewState.DRAFT,
        label=_("Revise"),
        log_message=_("New version saved: review starts again"),
        system=True,
    )
    def reopen(self, user=None, when=None, comment="", **options):
        """A new version was saved: every earlier decision lapses."""
        self.submitted_by = self.approved_by = self.cleared_by = self.signed_off_by = None
        self.submitted_at = self.approved_at = self.cleared_at = self.signed_off_at = None

    @workflow.transition(
        source=[ReviewState.DRAFT],
        target=ReviewState.PUBLISHED,
        label=_("Import as published"),
        log_message=_("Imported as published"),
        system=True,
    )
    def import_published(self, user, when, comment="", **options):
        """Record an entry published elsewhere before (bulk import); logged as such."""
        self.published_by, self.published_at = user, when


def reopen_after_edit(page_id, revision, user=None):
    """A new version of the entry was saved: earlier decisions lapse, review starts over.

    The live version (if any) stays online until the new one is published. A draft only
    takes the new version's department and sign-off rule.
    """
    review = EntryReview.objects.filter(page_id=page_id).first()
    if review is None:
        return None
    return take_system_transition(review, "reopen", user, revision=revision)


class DepartmentUserObjectPermission(UserObjectPermissionBase):
    """A person's role in one department (django-guardian, direct foreign key)."""

    content_object = models.ForeignKey(
        "wagtail_disclosure.Department", on_delete=models.CASCADE, verbose_name=_("department")
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("department role of a person")
        verbose_name_plural = _("department roles of people")

    def __str__(self):
        from ..permissions import role_assignment_title

        return role_assignment_title(self)


class DepartmentGroupObjectPermission(GroupObjectPermissionBase):
    """A group's role in one department (django-guardian, direct foreign key)."""

    content_object = models.ForeignKey(
        "wagtail_disclosure.Department", on_delete=models.CASCADE, verbose_name=_("department")
    )

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("department role of a group")
        verbose_name_plural = _("department roles of groups")

    def __str__(self):
        from ..permissions import role_assignment_title

        return role_assignment_title(self)
