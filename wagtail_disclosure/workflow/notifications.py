"""E-mail notices: to the next step's people in the entry's department, to the author
when an entry is sent back. People opt out in their Wagtail account settings
(the same switches as Wagtail's moderation notices)."""

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from wagtail.admin.mail import send_mail
from wagtail.users.models import UserProfile

from ..roles import Role, users_with_role

logger = logging.getLogger(__name__)

#: After this transition, who acts next.
NEXT_ROLE = {
    "submit": Role.DEPARTMENT_REVIEWER,
    "approve": Role.CONFIDENTIALITY_REVIEWER,
    "sign_off": Role.DISCLOSURE_OFFICE,
}


def next_role(review, name):
    if name == "clear":
        return Role.SIGN_OFF_LEADER if review.requires_sign_off else Role.DISCLOSURE_OFFICE
    return NEXT_ROLE.get(name)


def recipients(review, name, actor):
    """(users, profile switch that lets them opt out) for a transition."""
    role = next_role(review, name)
    if role is not None:
        users = users_with_role(role, review.acting_department_id)
        return [u for u in users if u.pk != getattr(actor, "pk", None)], "submitted_notifications"
    author = review.submitted_by or (review.revision.user if review.revision else None)
    if author is None or author.pk == getattr(actor, "pk", None):
        return [], None
    if name == "reject":
        return [author], "rejected_notifications"
    if name == "publish":
        return [author], "approved_notifications"
    return [], None


def notify_transition(review, name, actor, comment):
    users, switch = recipients(review, name, actor)
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
                "review": review,
                "entry": review.page,
                "transition": name,
                "actor": actor,
                "comment": comment,
                "recipient": user,
                "base_url": getattr(settings, "WAGTAILADMIN_BASE_URL", ""),
            }
            subject = render_to_string(
                "wagtail_disclosure/notifications/transition_subject.txt", context
            ).strip()
            body = render_to_string("wagtail_disclosure/notifications/transition.txt", context)
        try:
            send_mail(subject, body, [user.email])
            sent += 1
        except Exception:  # noqa: BLE001 - a mail failure must not undo the decision
            logger.exception("Could not send the review notice to %s", user.email)
    return sent
