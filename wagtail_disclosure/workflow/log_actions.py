"""Labels of the review transitions in Wagtail's audit log and page history."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "submit": (_("Submit for review"), _("Submitted for department review")),
    "approve": (_("Approve for the department"), _("Approved by the department")),
    "clear": (_("Pass confidentiality review"), _("Passed the confidentiality review (保密审查)")),
    "sign_off": (_("Sign off"), _("Signed off by the leader in charge")),
    "publish": (_("Publish after review"), _("Published after review")),
    "reject": (_("Send back"), _("Sent back to draft")),
    "withdraw": (_("Withdraw"), _("Withdrawn")),
    "reopen": (_("Revise"), _("New version saved: review starts again")),
    "import_published": (_("Import as published"), _("Imported as published")),
}


def register_review_log_actions(actions):
    for name, (label, message) in ACTIONS.items():
        actions.register_action(f"wagtail_disclosure.{name}", label, message)
