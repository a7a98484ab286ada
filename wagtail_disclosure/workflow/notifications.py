"""E-mail notices after a transition, for any workflow.

Recipients come from the declarations (:meth:`Workflow.recipients`): the people holding
the role responsible for the new state in the row's department, or the author when the
step says ``notify_author``. People opt out in their Wagtail account settings (the same
switches as Wagtail's moderation notices).
"""

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from wagtail.admin.mail import send_mail
from wagtail.users.models import UserProfile

logger = logging.getLogger(__name__)


def notify_transition(workflow, row, step, actor, comment):
    """Send the notices of ``step`` just taken on ``row``; returns how many were sent."""
    users, switch = workflow.recipients(row, step, actor)
    subject_template, body_template = workflow.notification_templates
    sent = 0
    for user in users:
        if not user.email:
            continue
        profile = UserProfile.get_for_user(user)
        if switch and not getattr(profile, switch, True):
            continue
        language = profile.get_preferred_language() or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "row": row,
                "workflow": workflow,
                "transition": step.name,
                "step": step,
                "state": workflow.state_label(workflow.state_of(row)),
                "workflow_waiting": workflow.responsible_role(row) is not None,
                "actor": actor,
                "comment": comment,
                "recipient": user,
                "base_url": getattr(settings, "WAGTAILADMIN_BASE_URL", ""),
            }
            if workflow.notification_context is not None:
                context.update(workflow.notification_context(row))
            subject = " ".join(render_to_string(subject_template, context).split())
            body = render_to_string(body_template, context)
        try:
            send_mail(subject, body, [user.email])
            sent += 1
        except Exception:  # noqa: BLE001 - a mail failure must not undo the decision
            logger.exception("Could not send the notice to %s", user.email)
    return sent
