"""No silent restarts: what saving an entry in review does, said before and after (wired in
wagtail_hooks.py).

Every new version of an entry sends its review back to draft
(``models/review.py reopen_after_edit``). So, in Wagtail's edit view of an entry:

* ``warn_before_edit`` (``before_edit_page``, GET): while the entry is anywhere but in
  draft, the page says that saving a changed version restarts the review, and
  ``label_save_draft`` (``construct_page_action_menu``) names the Save button so;
* ``skip_unchanged_save`` (``before_edit_page``, POST): a save whose content is the same as
  the latest version's creates no revision and restarts nothing; the person is sent back
  to the edit view and told the entry stays where it is. Wagtail's automatic saves
  (Wagtail 8's autosave, which posts for JSON) never save an entry that is not in draft:
  only the person pressing Save does, after the warning;
* ``report_restart_after_edit`` (``after_edit_page``): after a save that restarted the
  review, the message says so, with the state before.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail.admin import messages
from wagtail.admin.action_menu import SaveDraftMenuItem

from .models import DisclosureEntryPage, EntryReview
from .models.review import ReviewState

#: Fields of a version's serialised content that Wagtail or the package set as
#: bookkeeping, not what a person edits (``draft_title`` follows ``title``).
BOOKKEEPING_FIELDS = frozenset(
    {
        "pk",
        "id",
        "path",
        "depth",
        "numchild",
        "url_path",
        "draft_title",
        "latest_revision",
        "latest_revision_created_at",
        "live_revision",
        "has_unpublished_changes",
        "live",
        "first_published_at",
        "last_published_at",
        "locked",
        "locked_at",
        "locked_by",
        "owner",
        "content_type",
        "expired",
        "alias_of",
        "translation_key",
        "locale",
        "comments",
        "wagtail_admin_comments",
    }
)

# The state of the review when the edit view was entered (read by the after hook).
_STATE_BEFORE = "_wagtail_disclosure_review_state_before"


def _review_state(page):
    return (
        EntryReview.objects.filter(page_id=page.pk).values_list("state", flat=True).first()
        or ReviewState.DRAFT
    )


def restarts_review(state):
    """Whether saving a new version in ``state`` sends the review back to draft."""
    return state != ReviewState.DRAFT


def state_label(state):
    return str(ReviewState(state).label)


def restart_warning():
    return _("Saving a changed version sends this entry back to draft: the review starts again.")


def _expects_json(request):
    return not request.accepts("text/html")


def comparable_content(page):
    """``page``'s serialised content without bookkeeping fields, as JSON values."""
    data = json.loads(json.dumps(page.serializable_data(), cls=DjangoJSONEncoder))
    return {
        key: value
        for key, value in data.items()
        if key not in BOOKKEEPING_FIELDS and not key.endswith("_ptr")
    }


def posted_version(request, page):
    """The version the edit form posted, built on a copy of the latest revision as Wagtail's
    edit view builds it (nothing is saved); ``None`` if the form is not valid (the view
    then shows the errors) or the latest revision is missing."""
    latest = page.get_latest_revision()
    if latest is None:
        return None, None
    instance = latest.as_object()
    form_class = type(page).get_edit_handler().get_form_class()
    form = form_class(
        request.POST,
        request.FILES,
        instance=instance,
        parent_page=page.get_parent(),
        for_user=request.user,
    )
    defer = getattr(form, "defer_required_fields", None)
    if defer is not None:  # Wagtail 8: a draft is saved with required fields deferred
        defer()
    if not form.is_valid():
        return None, latest
    comments = getattr(form, "formsets", {}).get("comments")
    if comments is not None and comments.has_changed():
        return None, latest  # a new comment is saved with a revision: let Wagtail do it
    return form.save(commit=False), latest


def is_unchanged(request, page):
    version, latest = posted_version(request, page)
    if version is None:
        return False
    return comparable_content(version) == comparable_content(latest.as_object())


def warn_before_edit(request, page):
    """``before_edit_page`` hook (GET): the warning on the edit page of an entry in review."""
    if request.method != "GET" or not isinstance(page, DisclosureEntryPage):
        return None
    if restarts_review(_review_state(page)):
        messages.warning(request, restart_warning())
    return None


def skip_unchanged_save(request, page):
    """``before_edit_page`` hook (POST): no revision for a save that changes nothing, and
    no automatic save of an entry that is not in draft."""
    if request.method != "POST" or not isinstance(page, DisclosureEntryPage):
        return None
    state = _review_state(page)
    setattr(request, _STATE_BEFORE, state)
    if _expects_json(request):
        if restarts_review(state):
            return JsonResponse(
                {
                    "success": False,
                    "error_code": "review_restart",
                    "error_message": _(
                        "Not saved automatically: saving a changed version sends this "
                        "entry back to draft. Press “Save draft and restart the review” "
                        "to save it."
                    ),
                },
                status=400,
            )
        return None
    if not is_unchanged(request, page):
        return None
    messages.info(
        request,
        _("Nothing changed: the entry stays “%(state)s”.") % {"state": state_label(state)},
    )
    return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))


def report_restart_after_edit(request, page):
    """``after_edit_page`` hook: say that the save restarted the review, from which state."""
    before = getattr(request, _STATE_BEFORE, None)
    if not isinstance(page, DisclosureEntryPage) or before is None or not restarts_review(before):
        return None
    after = _review_state(page)
    if after == ReviewState.DRAFT:
        messages.warning(
            request,
            _(
                "The review restarted: “%(before)s” → “%(after)s”. Submit the new version "
                "for review when it is ready."
            )
            % {"before": state_label(before), "after": state_label(after)},
        )
    return None


class RestartingSaveDraftMenuItem(SaveDraftMenuItem):
    """Wagtail's Save draft button, labelled for an entry in review."""

    label = _lazy("Save draft and restart the review")
    template_name = "wagtail_disclosure/admin/editing/save_draft_restarts.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["warning"] = restart_warning()
        return context


def label_save_draft(menu_items, request, context):
    """``construct_page_action_menu`` hook: the Save button of an entry in review says
    that it restarts the review."""
    page = context.get("page")
    if context.get("view") not in ("edit", "revisions_revert"):
        return
    if not isinstance(page, DisclosureEntryPage) or not page.pk:
        return
    if not restarts_review(_review_state(page)):
        return
    for index, item in enumerate(menu_items):
        if type(item) is SaveDraftMenuItem:
            menu_items[index] = RestartingSaveDraftMenuItem(order=item.order)
