"""The "Review status" panel of an entry's edit form: where it stands, why it came back.

A Wagtail :class:`~wagtail.admin.panels.Panel` (public API, the same on Wagtail 7.4 and
8, whatever the order of ``INSTALLED_APPS``), placed first in the entries' content
panels. Its content comes from :func:`wagtail_disclosure.status.entry_status`. This module
imports no model at load time: the entry models import it to declare their panels.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


class EntryStatusPanel(Panel):
    """Review state, who acts next, deadline, sign-off, last decision, send-back reason."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Review status"))
        super().__init__(**kwargs)

    def clone_kwargs(self):
        kwargs = super().clone_kwargs()
        del kwargs["help_text"]
        return kwargs

    @property
    def clean_name(self):
        return super().clean_name or "disclosure_review_status"

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_disclosure/admin/status/entry_status_panel.html"

        def is_shown(self):
            return self.instance is not None and self.instance.pk is not None

        def get_context_data(self, parent_context=None):
            from .status import entry_status

            context = super().get_context_data(parent_context)
            context["status"] = entry_status(self.instance)
            return context
