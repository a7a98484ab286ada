"""Taking a review transition: permission, state change, publication, audit log, notice.

Every path (admin views, the staff API, management commands) calls
:func:`take_transition`; nothing else publishes or withdraws an entry.
"""

import django_fsm as fsm
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import log

from ..models.review import EntryReview, ReviewState
from .guard import publication_allowed

#: The transitions people take, in the order of the review chain.
TRANSITIONS = ["submit", "approve", "clear", "sign_off", "publish", "reject", "withdraw"]

LOG_PREFIX = "wagtail_disclosure."


#: SQLSTATEs of PostgreSQL that mean another transaction won: lock_not_available (with a
#: lock_timeout), deadlock_detected, serialization_failure.
LOST_RACE_SQLSTATES = {"55P03", "40P01", "40001"}


def lost_race(error):
    """Whether ``error`` (an OperationalError) means another transaction held the entry.

    SQLite answers "database is locked" when its busy timeout runs out, or at once when two
    deferred transactions both want to write (sites should set ``transaction_mode``
    ``IMMEDIATE``; docs/installation.md#sqlite). Nothing was written: the transaction is
    rolled back as a whole.
    """
    if connection.vendor == "sqlite":
        return "locked" in str(error)
    return getattr(error.__cause__, "sqlstate", None) in LOST_RACE_SQLSTATES


class TransitionError(Exception):
    """A transition that cannot be taken, with a message for the person who tried."""

    def __init__(self, message, code):
        super().__init__(str(message))
        self.message = message
        self.code = code


def get_review(entry):
    """The entry's review row, created on first use for entries made before it existed."""
    try:
        return entry.review
    except EntryReview.DoesNotExist:
        review, _created = EntryReview.objects.get_or_create(page_id=entry.pk)
        return review


def transition_meta(name):
    method = getattr(EntryReview, name)
    return method._django_fsm.transitions


def needs_reason(name):
    return any(t.custom.get("needs_reason") for t in transition_meta(name).values())


def transition_label(name):
    return next(iter(transition_meta(name).values())).custom["label"]


def available_transitions(entry, user, review=None):
    """Names of the transitions ``user`` may take on ``entry`` now.

    Reads the review state afresh unless a ``review`` (with its page) is given, as list
    views do to keep to a fixed number of queries.
    """
    if review is None:
        get_review(entry)
        review = EntryReview.objects.select_related("page", "page__checklist_item__category").get(
            page_id=entry.pk
        )
    return [name for name in TRANSITIONS if fsm.has_transition_perm(getattr(review, name), user)]


def take_transition(entry, name, user, comment="", withheld=False, expected_state=None):
    """Take transition ``name`` on ``entry`` as ``user``. Returns the updated review.

    ``expected_state`` is the state the person saw when deciding (forms send it back); if
    someone else moved the entry on meanwhile, nothing happens and the error says so.

    Raises :class:`TransitionError` (with ``code`` ``unknown``, ``not_allowed``,
    ``permission_denied``, ``reason_required`` or ``concurrent``) and changes nothing when
    the transition cannot be taken.
    """
    if name not in TRANSITIONS:
        raise TransitionError(_("Unknown action."), "unknown")
    comment = (comment or "").strip()
    if needs_reason(name) and not comment:
        raise TransitionError(_("Give a reason."), "reason_required")
    try:
        get_review(entry)  # make sure the row exists before locking it
        with transaction.atomic():
            review = (
                EntryReview.objects.select_for_update(of=("self",))
                .select_related("page", "page__latest_revision", "revision")
                .get(page_id=entry.pk)
            )
            if name == "submit" and review.page.latest_revision_id:
                # Decisions are about this version: read its department and sign-off rule.
                review.sync_from_revision(review.page.latest_revision)
            method = getattr(review, name)
            if expected_state and review.state != expected_state:
                raise TransitionError(
                    _(
                        "Someone else acted on this entry meanwhile: it is now “%(state)s”. "
                        "Reload it and decide again."
                    )
                    % {"state": review.get_state_display()},
                    "concurrent",
                )
            if not fsm.can_proceed(method):
                raise TransitionError(
                    _("This entry is now “%(state)s”; the action is no longer possible.")
                    % {"state": review.get_state_display()},
                    "not_allowed",
                )
            if not fsm.has_transition_perm(method, user):
                raise TransitionError(
                    _("You do not have the role needed for this action in this department."),
                    "permission_denied",
                )
            from_state = review.state
            now = timezone.now()
            if name == "withdraw":
                method(user, now, comment, withheld=withheld)
            else:
                method(user, now)
            review.state_changed_at = now
            review.last_comment = comment
            apply_side_effects(review, name, user)
            review.save()
            record(review, name, user, from_state, comment)
    except (fsm.ConcurrentTransition, OperationalError) as exc:
        if isinstance(exc, OperationalError) and not lost_race(exc):
            raise
        raise TransitionError(
            _("Someone else acted on this entry at the same moment; reload it and try again."),
            "concurrent",
        ) from exc
    from .notifications import notify_transition

    transaction.on_commit(lambda: notify_transition(review, name, user, comment))
    return review


def apply_side_effects(review, name, user):
    page = review.page
    if name == "publish":
        with publication_allowed():
            review.revision.publish(user=user, skip_permission_checks=True)
    elif name == "withdraw" and review.withheld:
        with publication_allowed():
            UnpublishPageAction(page.specific, user=user).execute(skip_permission_checks=True)


def record(review, name, user, from_state, comment):
    """Write the transition to Wagtail's audit log (page history)."""
    log(
        instance=review.page,
        action=LOG_PREFIX + name,
        user=user,
        revision=review.revision,
        data={
            "transition": name,
            "from": from_state,
            "to": review.state,
            "comment": comment,
            "revision_id": review.revision_id,
            "withheld": review.withheld,
        },
    )


def reopen_after_edit(page_id, revision, user=None):
    """A new version of the entry was saved: earlier decisions lapse, review starts over.

    The live version (if any) stays online until the new one is published.
    """
    with transaction.atomic():
        review = (
            EntryReview.objects.select_for_update(of=("self",))
            .select_related("page")
            .filter(page_id=page_id)
            .first()
        )
        if review is None:
            return review
        review.sync_from_revision(revision)
        if review.state == ReviewState.DRAFT:
            review.save(update_fields=["department", "sign_off_required"])
            return review
        from_state = review.state
        review.reopen()
        review.state_changed_at = timezone.now()
        review.last_comment = ""
        review.save()
        log(
            instance=review.page,
            action=LOG_PREFIX + "reopen",
            user=user,
            revision=revision,
            data={
                "transition": "reopen",
                "from": from_state,
                "to": review.state,
                "comment": "",
                "revision_id": revision.pk,
                "withheld": review.withheld,
            },
        )
        return review


def import_as_published(entry, user=None, note=""):
    """Publish ``entry``'s latest revision as an import of information published before.

    For bulk imports and demo data: logged as ``wagtail_disclosure.import_published``,
    never offered in the admin.
    """
    review = get_review(entry)
    if user is not None and not user.is_superuser:
        raise PermissionDenied
    with transaction.atomic():
        review = EntryReview.objects.select_for_update(of=("self",)).get(pk=review.pk)
        revision = entry.latest_revision or entry.save_revision(user=user)
        review.revision = revision
        from_state = review.state
        review.import_published(user, timezone.now())
        with publication_allowed():
            revision.publish(user=user, skip_permission_checks=True)
        review.save()
        record(review, "import_published", user, from_state, note)
    return review
