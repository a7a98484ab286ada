"""Assisting departments (协办) of a request for information.

When the information sought is held by several departments, the office routes the case to
the one that answers (主办, ``DisclosureRequest.department``) and asks the others for their
part (协办, :class:`~wagtail_disclosure.models.RequestAssistance` rows, chosen with the
``route`` step). The lead department can also hand the whole case to another department
(转办, the ``transfer`` step) or return it to the office with a reason.

An assisting department sees the case among its requests, without the applicant's identity
(it is asked for information, not to answer the applicant), and gives its contribution
once, as text. The contribution is on the case page and in the timeline; the lead
department takes it into its proposed answer. Only the disclosure office and the lead
department answer.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogFormatter, log

from .models import RequestAssistance
from .models.requests import RequestState
from .permissions import Role, has_role

__all__ = [
    "CONTRIBUTION_ACTION",
    "AssistanceError",
    "contribute",
    "pending_assistance",
    "register_assistance_log_actions",
]

CONTRIBUTION_ACTION = "wagtail_disclosure.request.contribution"
#: States in which an assisting department can still give its part: the case is with a
#: department (before the answer is proposed).
CONTRIBUTION_STATES = (RequestState.ROUTED, RequestState.IN_HAND, RequestState.CONSULTING)


class AssistanceError(Exception):
    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def pending_assistance(case, user):
    """The assistance rows of ``case`` that ``user`` can still fill in: the departments
    where ``user`` handles requests, asked and not yet answered, while the case is with a
    department."""
    if case.state not in CONTRIBUTION_STATES:
        return []
    return [
        row
        for row in case.assistance.all()
        if row.contributed_at is None and has_role(user, Role.REQUEST_HANDLER, row.department_id)
    ]


def contribute(case, user, department_id, text):
    """Record the contribution of the assisting department ``department_id`` to ``case``.

    ``user`` must handle requests in that department; the row must be open and the case
    still with a department. Returns the updated row."""
    text = (text or "").strip()
    if not text:
        raise AssistanceError(_("Write the contribution of your department."), "required")
    if case.state not in CONTRIBUTION_STATES:
        raise AssistanceError(
            _("The case is no longer with a department: contributions are closed."), "not_open"
        )
    if not has_role(user, Role.REQUEST_HANDLER, department_id):
        raise AssistanceError(
            _("Only the staff handling requests in the assisting department may contribute."),
            "permission_denied",
        )
    with transaction.atomic():
        row = (
            RequestAssistance.objects.select_for_update()
            .filter(request=case, department_id=department_id)
            .select_related("department")
            .first()
        )
        if row is None:
            raise AssistanceError(
                _("Your department is not asked to assist on this case."), "permission_denied"
            )
        if row.contributed_at is not None:
            raise AssistanceError(
                _("Your department has already given its contribution."), "already_done"
            )
        row.contribution = text
        row.contributed_at = timezone.now()
        row.contributed_by = user
        row.save(update_fields=["contribution", "contributed_at", "contributed_by"])
        log(
            instance=case,
            action=CONTRIBUTION_ACTION,
            user=user,
            data={"comment": text, "department": row.department.name},
        )
    return row


class _ContributionFormatter(LogFormatter):
    label = _("Contribution of an assisting department")

    def format_message(self, log_entry):
        department = (log_entry.data or {}).get("department", "")
        return _("Contribution of %(department)s (协办)") % {"department": department}

    def format_comment(self, log_entry):
        return (log_entry.data or {}).get("comment", "")


def register_assistance_log_actions(actions):
    """``register_log_actions`` hook: the contributions in a case's timeline."""
    actions.register_action(CONTRIBUTION_ACTION)(_ContributionFormatter)
