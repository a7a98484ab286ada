"""How a transition reads in the audit log and the page history.

The message stays the declared one (``Step.log_message``); the log entry's comment,
which Wagtail 7.4 and 8 show under the message in the history view, gives the exact
time (``YYYY-MM-DD HH:MM``, local time) and the comment or reason given with the
decision (``data["comment"]``): the history's date column only shows "3 hours ago".
"""

from django.utils import timezone
from wagtail.log_actions import LogFormatter


def _exact_time(value):
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M")


class TransitionLogFormatter(LogFormatter):
    """A workflow transition: label and message from the declaration (``Step``)."""

    def format_comment(self, log_entry):
        comment = ((log_entry.data or {}).get("comment") or "").strip()
        when = _exact_time(getattr(log_entry, "timestamp", None))
        return " · ".join(part for part in (when, comment) if part)


def formatter_for(step):
    """A formatter class for one declared transition."""
    return type(
        "TransitionLogFormatter",
        (TransitionLogFormatter,),
        {"label": step.label, "message": step.log_message},
    )
