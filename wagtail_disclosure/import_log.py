"""The audit-log action of imported entries, registered at start-up.

Kept apart from ``wagtail_disclosure.importing`` so that a worker serving pages does not
load the import (``wagtail_hooks`` imports this module; the import itself is imported by
the commands, the admin screen's views and the background task when they run)."""

from django.utils.translation import gettext_lazy

IMPORTED_ACTION = "wagtail_disclosure.imported"


def register_import_log_actions(actions):
    """``register_log_actions`` hook: the action recorded for each imported entry."""
    actions.register_action(
        IMPORTED_ACTION, gettext_lazy("Import"), gettext_lazy("Imported from a file")
    )
