"""Taking a transition of any workflow: permission, lock, state and version check, side
effects, audit log, notice after commit.

Every path (admin views, the staff API, management commands, imports) calls
:func:`take_transition` or, for steps the software takes, :func:`take_system_transition`;
nothing else moves a workflow's state. The entry review is the first workflow declared on
the engine (``models/review.py``): for entries this is also the only path that publishes or
withdraws one.

Side effects belong to the model: the engine calls ``row.before_transition(name, user,
**options)`` after locking the row (to read what the decision is about) and
``row.after_transition(name, user, **options)`` after the state changed and before the
row is saved, when the model defines them.
"""

import django_fsm as fsm
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from .engine import lookup, workflow_for_subject, workflow_of

#: SQLSTATEs of PostgreSQL that mean another transaction won: lock_not_available (with a
#: lock_timeout), deadlock_detected, serialization_failure.
LOST_RACE_SQLSTATES = {"55P03", "40P01", "40001"}


def lost_race(error):
    """Whether ``error`` (an OperationalError) means another transaction held the row.

    SQLite answers "database is locked" when its busy timeout runs out, or at once when two
    deferred transactions both want to write (sites should set ``transaction_mode``
    ``IMMEDIATE``; docs/installation.md#sqlite). Nothing was written: the transaction is
    rolled back as a whole.
    """
    if connection.vendor == "sqlite":
        return "locked" in str(error)
    return getattr(error.__cause__, "sqlstate", None) in LOST_RACE_SQLSTATES


class TransitionError(Exception):
    """A transition that cannot be taken, with a message for the person who tried.

    ``code`` is one of ``unknown``, ``not_allowed``, ``permission_denied``,
    ``reason_required``, ``concurrent`` (someone acted at the same moment or meanwhile)
    and ``stale`` (another version is now the one under decision).
    """

    def __init__(self, message, code):
        super().__init__(str(message))
        self.message = message
        self.code = code


def resolve(obj):
    """(workflow, row) for a workflow row or for the object a row accompanies.

    The row of a subject (an entry's review) is created on first use, for objects made
    before their workflow existed.
    """
    workflow = workflow_of(obj)
    if workflow is not None:
        return workflow, obj
    workflow = workflow_for_subject(obj)
    if workflow is None:
        raise TypeError(f"No workflow is declared for {type(obj).__name__}.")
    manager = workflow.model._default_manager
    row, _created = manager.get_or_create(**{f"{workflow.subject}_id": obj.pk})
    return workflow, row


def get_row(obj):
    return resolve(obj)[1]


def _locked(workflow, row):
    related = [*workflow.select_related]
    queryset = workflow.model._default_manager.select_for_update(of=("self",))
    if related:
        queryset = queryset.select_related(*related)
    return queryset.get(pk=row.pk)


def available_transitions(obj, user, row=None):
    """Names of the transitions ``user`` may take on ``obj`` (a row or its subject) now.

    Reads the row afresh unless ``row`` is given, as list views do to keep to a fixed
    number of queries.
    """
    if row is None:
        workflow, row = resolve(obj)
        manager = workflow.model._default_manager
        if workflow.select_related:
            manager = manager.select_related(*workflow.select_related)
        row = manager.get(pk=row.pk)
    else:
        workflow = workflow_of(row)
    return workflow.available(row, user)


def _stale_message(workflow, row):
    return _(
        "A newer version is now under decision (it is “%(state)s”): what you looked at has "
        "changed. Look at it again before you decide."
    ) % {"state": workflow.state_label(workflow.state_of(row))}


def take_transition(
    obj, name, user, comment="", expected_state=None, expected_version=None, **options
):
    """Take transition ``name`` on ``obj`` (a workflow row, or the object it accompanies)
    as ``user``. Returns the updated row.

    ``expected_state`` and ``expected_version`` are the state and the version (for entries:
    the revision) the person saw when deciding; forms and the staff API send them back. If
    the row moved on meanwhile, nothing happens and the error says what changed.

    Raises :class:`TransitionError` and changes nothing when the transition cannot be
    taken. ``options`` go to the model's transition method (``withheld=True`` when
    withdrawing an entry).
    """
    workflow, row = resolve(obj)
    step = workflow.steps.get(name)
    if step is None or step.system:
        raise TransitionError(_("Unknown action."), "unknown")
    comment = (comment or "").strip()
    if step.needs_reason and not comment:
        raise TransitionError(_("Give a reason."), "reason_required")

    def check(locked):
        method = getattr(locked, name)
        state = workflow.state_of(locked)
        if expected_state and state != expected_state:
            raise TransitionError(
                _(
                    "Someone else acted on this meanwhile: it is now “%(state)s”. "
                    "Look at it again and decide."
                )
                % {"state": workflow.state_label(state)},
                "concurrent",
            )
        if expected_version is not None and str(workflow.version_of(locked)) != str(
            expected_version
        ):
            raise TransitionError(_stale_message(workflow, locked), "stale")
        if not fsm.can_proceed(method):
            raise TransitionError(
                _("This is now “%(state)s”; the action is no longer possible.")
                % {"state": workflow.state_label(state)},
                "not_allowed",
            )
        if not fsm.has_transition_perm(method, user):
            raise TransitionError(
                _("You do not have the role needed for this action in this department."),
                "permission_denied",
            )

    row = _take(workflow, row, step, user, comment, check, options)
    from .notifications import notify_transition

    transaction.on_commit(lambda: notify_transition(workflow, row, step, user, comment))
    return row


def take_system_transition(obj, name, user=None, comment="", **options):
    """Take a step the software takes (``system=True``: a new version saved, an import).

    No permission check and no notice; the audit log records it like any other. Returns
    the row, or ``None`` when the state does not allow the step (nothing changes then,
    but ``before_transition`` has run and its changes are saved).
    """
    workflow, row = resolve(obj)
    step = workflow.steps[name]
    skipped = []

    def check(locked):
        if not fsm.can_proceed(getattr(locked, name)):
            skipped.append(True)

    result = _take(workflow, row, step, user, comment, check, options)
    return None if skipped else result


def _take(workflow, row, step, user, comment, check, options):
    name = step.name
    try:
        with transaction.atomic():
            locked = _locked(workflow, row)
            before = getattr(locked, "before_transition", None)
            if before is not None:
                before(name, user, **options)
            check(locked)
            method = getattr(locked, name)
            from_state = workflow.state_of(locked)
            if not fsm.can_proceed(method):  # a system step the state does not allow
                locked.save()
                return locked
            now = timezone.now()
            method(user, now, comment=comment, **options)
            if hasattr(locked, workflow.changed_at):
                setattr(locked, workflow.changed_at, now)
            if hasattr(locked, workflow.comment_field):
                setattr(locked, workflow.comment_field, comment)
            after = getattr(locked, "after_transition", None)
            if after is not None:
                after(name, user, **options)
            locked.save()
            record(workflow, locked, name, user, from_state, comment, options.get("revision"))
    except (fsm.ConcurrentTransition, OperationalError) as exc:
        if isinstance(exc, OperationalError) and not lost_race(exc):
            raise
        raise TransitionError(
            _("Someone else acted on this at the same moment; reload it and try again."),
            "concurrent",
        ) from exc
    return locked


def record(workflow, row, name, user, from_state, comment, revision=None):
    """Write the transition to Wagtail's audit log (the page history, for entries).

    ``revision`` is the version the step is about when it is not the row's own (a new
    version saved).
    """
    instance = lookup(row, workflow.log_instance) if workflow.log_instance else row
    if revision is None and workflow.log_revision:
        revision = lookup(row, workflow.log_revision)
    data = {
        "transition": name,
        "from": from_state,
        "to": workflow.state_of(row),
        "comment": comment,
        "revision_id": getattr(revision, "pk", None),
    }
    extra = getattr(row, "log_data", None)
    if extra is not None:
        data.update(extra())
    log(
        instance=instance,
        action=workflow.log_prefix + name,
        user=user,
        revision=revision,
        data=data,
    )


def import_as_published(entry, user=None, note=""):
    """Publish ``entry``'s latest revision as information published before the package.

    For bulk imports and demo data: logged as ``wagtail_disclosure.import_published``,
    never offered in the admin; only superusers (or the software, ``user=None``).
    """
    if user is not None and not user.is_superuser:
        raise PermissionDenied
    return take_system_transition(entry, "import_published", user, comment=note)
