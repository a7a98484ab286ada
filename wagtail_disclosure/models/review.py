"""The review lifecycle of an entry (保密审查 before release), declared once with django-fsm.

An :class:`EntryReview` row accompanies every entry page. Its ``state`` follows the
pending revision of the entry, not the live version: an entry that is online can at the
same time have a revised version in review. Each transition checks the acting user's role
in the entry's department (see ``wagtail_disclosure.roles``); the side effects that touch
the page (publishing, unpublishing) and the audit log live in
``wagtail_disclosure.workflow``.
"""

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from ..roles import Role, has_role


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


def _role_check(role):
    def check(review, user):
        return has_role(user, role, review.acting_department_id)

    check.role = role
    return check


def _rejecter(review, user):
    """Who may send an entry back: the role responsible for its current step."""
    role = {
        ReviewState.SUBMITTED: Role.DEPARTMENT_REVIEWER,
        ReviewState.DEPARTMENT_APPROVED: Role.CONFIDENTIALITY_REVIEWER,
        ReviewState.CLEARED: Role.SIGN_OFF_LEADER
        if review.requires_sign_off
        else Role.DISCLOSURE_OFFICE,
        ReviewState.SIGNED_OFF: Role.DISCLOSURE_OFFICE,
    }.get(review.state)
    return role is not None and has_role(user, role, review.acting_department_id)


def _sign_off_done(review):
    return review.state == ReviewState.SIGNED_OFF or not review.requires_sign_off


def _sign_off_needed(review):
    return review.requires_sign_off


def _has_revision(review):
    return review.page.latest_revision_id is not None


def _has_bound_revision(review):
    return review.revision_id is not None and review.revision_id == review.page.latest_revision_id


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

    class Meta:
        verbose_name = _("entry review")
        verbose_name_plural = _("entry reviews")

    def __str__(self):
        return f"{self.page_id}: {self.get_state_display()}"

    @property
    def acting_department_id(self):
        """The department whose people decide: that of the latest version."""
        return self.department_id or self.page.department_id

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

    # -- transitions ----------------------------------------------------------------
    # Each method only moves the state and records who decided; the service in
    # wagtail_disclosure.workflow wraps it with the side effects and the audit log.

    @fsm.transition(
        field=state,
        source=[ReviewState.DRAFT],
        target=ReviewState.SUBMITTED,
        conditions=[_has_revision],
        permission=_role_check(Role.DEPARTMENT_EDITOR),
        custom={"label": _("Submit for review"), "role": Role.DEPARTMENT_EDITOR},
    )
    def submit(self, user, when):
        # Bind the review to the version submitted: every later decision is about it.
        self.revision_id = self.page.latest_revision_id
        self.submitted_by, self.submitted_at = user, when
        self.approved_by = self.cleared_by = self.signed_off_by = None
        self.approved_at = self.cleared_at = self.signed_off_at = None

    @fsm.transition(
        field=state,
        source=[ReviewState.SUBMITTED],
        target=ReviewState.DEPARTMENT_APPROVED,
        conditions=[_has_bound_revision],
        permission=_role_check(Role.DEPARTMENT_REVIEWER),
        custom={"label": _("Approve for the department"), "role": Role.DEPARTMENT_REVIEWER},
    )
    def approve(self, user, when):
        self.approved_by, self.approved_at = user, when

    @fsm.transition(
        field=state,
        source=[ReviewState.DEPARTMENT_APPROVED],
        target=ReviewState.CLEARED,
        conditions=[_has_bound_revision],
        permission=_role_check(Role.CONFIDENTIALITY_REVIEWER),
        custom={"label": _("Pass confidentiality review"), "role": Role.CONFIDENTIALITY_REVIEWER},
    )
    def clear(self, user, when):
        self.cleared_by, self.cleared_at = user, when

    @fsm.transition(
        field=state,
        source=[ReviewState.CLEARED],
        target=ReviewState.SIGNED_OFF,
        conditions=[_has_bound_revision, _sign_off_needed],
        permission=_role_check(Role.SIGN_OFF_LEADER),
        custom={"label": _("Sign off"), "role": Role.SIGN_OFF_LEADER},
    )
    def sign_off(self, user, when):
        self.signed_off_by, self.signed_off_at = user, when

    @fsm.transition(
        field=state,
        source=[ReviewState.CLEARED, ReviewState.SIGNED_OFF],
        target=ReviewState.PUBLISHED,
        conditions=[_has_bound_revision, _sign_off_done],
        permission=_role_check(Role.DISCLOSURE_OFFICE),
        custom={"label": _("Publish"), "role": Role.DISCLOSURE_OFFICE},
    )
    def publish(self, user, when):
        self.published_by, self.published_at = user, when
        self.withdrawn_at, self.withdrawal_reason, self.withheld = None, "", False

    @fsm.transition(
        field=state,
        source=list(IN_REVIEW),
        target=ReviewState.DRAFT,
        permission=_rejecter,
        custom={"label": _("Send back"), "role": None, "needs_reason": True},
    )
    def reject(self, user, when):
        pass

    @fsm.transition(
        field=state,
        source=[ReviewState.PUBLISHED, ReviewState.DRAFT, *IN_REVIEW],
        target=ReviewState.WITHDRAWN,
        conditions=[lambda review: review.page.live],
        permission=_role_check(Role.DISCLOSURE_OFFICE),
        custom={"label": _("Withdraw"), "role": Role.DISCLOSURE_OFFICE, "needs_reason": True},
    )
    def withdraw(self, user, when, reason, withheld=False):
        self.withdrawn_at, self.withdrawal_reason, self.withheld = when, reason, withheld

    @fsm.transition(
        field=state,
        source=[ReviewState.PUBLISHED, ReviewState.WITHDRAWN, *IN_REVIEW],
        target=ReviewState.DRAFT,
        custom={"label": _("Revise"), "role": None, "system": True},
    )
    def reopen(self):
        """A new version was saved: every earlier decision lapses (no permission: automatic)."""
        self.submitted_by = self.approved_by = self.cleared_by = self.signed_off_by = None
        self.submitted_at = self.approved_at = self.cleared_at = self.signed_off_at = None

    @fsm.transition(
        field=state,
        source=[ReviewState.DRAFT],
        target=ReviewState.PUBLISHED,
        custom={"label": _("Import as published"), "role": None, "system": True},
    )
    def import_published(self, user, when):
        """Record an entry published elsewhere before (bulk import); logged as such."""
        self.published_by, self.published_at = user, when


class DepartmentUserObjectPermission(UserObjectPermissionBase):
    """A person's role in one department (django-guardian, direct foreign key)."""

    content_object = models.ForeignKey(
        "wagtail_disclosure.Department", on_delete=models.CASCADE, verbose_name=_("department")
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("department role of a person")
        verbose_name_plural = _("department roles of people")


class DepartmentGroupObjectPermission(GroupObjectPermissionBase):
    """A group's role in one department (django-guardian, direct foreign key)."""

    content_object = models.ForeignKey(
        "wagtail_disclosure.Department", on_delete=models.CASCADE, verbose_name=_("department")
    )

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("department role of a group")
        verbose_name_plural = _("department roles of groups")
