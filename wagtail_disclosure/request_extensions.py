"""Extensions of the reply period of a request for information (延期答复).

A handler of the department the case is routed to, or the disclosure office, asks for an
extension with a reason and a number of working days (at most
``request_clock.rules().extension_days``); the disclosure office (its role held for every
department: the office head decides) approves or refuses it. An approved extension adds
an ``extend`` event to the case's clock, so the due date moves by the approved working
days; a case has at most ``rules().max_extensions`` approved extensions (教育部令第29号:
one). Both steps are written to the case's audit log (timeline).

Every caller (admin views, the staff API) goes through :func:`ask_extension` and
:func:`decide_extension`: they check the permission on the case and raise
:class:`ExtensionError` with a message for the person when the step is not possible.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogFormatter, log

from .models import DisclosureRequest, RequestExtension
from .models.requests import OPEN_STATES, ExtensionState
from .permissions import Role, has_role, holds_role_everywhere
from .request_clock import EventKind, rules

__all__ = [
    "ASKED_ACTION",
    "DECIDED_ACTION",
    "ExtensionError",
    "approved_count",
    "ask_extension",
    "can_ask_extension",
    "can_decide_extension",
    "decide_extension",
    "register_extension_log_actions",
]

ASKED_ACTION = "wagtail_disclosure.request.extension_asked"
DECIDED_ACTION = "wagtail_disclosure.request.extension_decided"


class ExtensionError(Exception):
    """An extension step that cannot be taken; ``code`` is one of ``permission_denied``,
    ``not_open``, ``invalid``, ``reason_required``, ``limit``, ``pending``, ``decided``."""

    def __init__(self, message, code):
        super().__init__(str(message))
        self.message = message
        self.code = code


def can_decide_extension(user):
    """Only the disclosure office, its role held for every department, decides."""
    return holds_role_everywhere(user, Role.DISCLOSURE_OFFICE)


def can_ask_extension(user, case):
    """The office, or a handler of the department the case is routed to."""
    if can_decide_extension(user):
        return True
    return case.department_id is not None and has_role(
        user, Role.REQUEST_HANDLER, case.department_id
    )


def approved_count(case):
    return case.extensions.filter(state=ExtensionState.APPROVED).count()


def _check_open(case):
    if case.state not in OPEN_STATES:
        raise ExtensionError(
            _("The case is no longer open: its reply period cannot be extended."), "not_open"
        )


def _check_limit(case, rules_):
    if approved_count(case) >= rules_.max_extensions:
        raise ExtensionError(
            _("This case already has the most extensions allowed (%(count)s).")
            % {"count": rules_.max_extensions},
            "limit",
        )


def _locked_case(case):
    return DisclosureRequest.objects.select_for_update().get(pk=case.pk)


def ask_extension(case, user, days, reason, rules_=None):
    """Ask for an extension of ``days`` working days of ``case``'s reply period.

    Returns the new :class:`RequestExtension` (state ``requested``).
    """
    rules_ = rules_ or rules()
    if not can_ask_extension(user, case):
        raise ExtensionError(
            _(
                "Only the disclosure office or the department handling the case may ask for an "
                "extension."
            ),
            "permission_denied",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ExtensionError(_("Give the reason for the extension."), "reason_required")
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= rules_.extension_days:
        raise ExtensionError(
            _("An extension is between 1 and %(max)s working days.")
            % {"max": rules_.extension_days},
            "invalid",
        )
    with transaction.atomic():
        case = _locked_case(case)
        _check_open(case)
        _check_limit(case, rules_)
        if case.extensions.filter(state=ExtensionState.REQUESTED).exists():
            raise ExtensionError(
                _("An extension asked for on this case is still waiting for a decision."),
                "pending",
            )
        extension = RequestExtension.objects.create(
            request=case, days=days, reason=reason, requested_by=user
        )
        log(
            instance=case,
            action=ASKED_ACTION,
            user=user,
            data={"comment": reason, "days": days, "extension_id": extension.pk},
        )
    return extension


def decide_extension(extension, user, approve, note="", rules_=None):
    """Approve (``approve=True``) or refuse an extension asked for; the office only.

    An approval adds an ``extend`` clock event of the extension's days to the case.
    Returns the extension as decided.
    """
    rules_ = rules_ or rules()
    if not can_decide_extension(user):
        raise ExtensionError(
            _("Only the disclosure office decides on extensions."), "permission_denied"
        )
    note = (note or "").strip()
    if not approve and not note:
        raise ExtensionError(_("Give the reason for the refusal."), "reason_required")
    with transaction.atomic():
        case = _locked_case(extension.request)
        extension = RequestExtension.objects.select_for_update().get(pk=extension.pk)
        if extension.state != ExtensionState.REQUESTED:
            raise ExtensionError(_("This extension has already been decided."), "decided")
        if approve:
            _check_open(case)
            _check_limit(case, rules_)
        today = timezone.localdate()
        extension.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
        extension.decided_by = user
        extension.decided_on = today
        extension.decision_note = note
        extension.save()
        if approve:
            case.add_clock_event(
                EventKind.EXTEND, today, days=extension.days, user=user, note=extension.reason
            )
        log(
            instance=case,
            action=DECIDED_ACTION,
            user=user,
            data={
                "comment": note,
                "approved": bool(approve),
                "days": extension.days,
                "extension_id": extension.pk,
            },
        )
    return extension


class _ExtensionAskedFormatter(LogFormatter):
    label = _("Ask for an extension")

    def format_message(self, log_entry):
        days = (log_entry.data or {}).get("days", "")
        return _("Extension of %(days)s working days asked for") % {"days": days}

    def format_comment(self, log_entry):
        return (log_entry.data or {}).get("comment", "")


class _ExtensionDecidedFormatter(LogFormatter):
    label = _("Decide on an extension")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        if data.get("approved"):
            return _("Extension of %(days)s working days approved") % {"days": data.get("days")}
        return _("Extension refused")

    def format_comment(self, log_entry):
        return (log_entry.data or {}).get("comment", "")


def register_extension_log_actions(actions):
    """``register_log_actions`` hook: the two extension steps of the audit log."""
    actions.register_action(ASKED_ACTION)(_ExtensionAskedFormatter)
    actions.register_action(DECIDED_ACTION)(_ExtensionDecidedFormatter)
