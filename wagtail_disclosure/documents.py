"""Attachments of entries that are not public are not served to the public either."""

from django.http import Http404

from .models import DisclosureAttachment, DisclosureEntryPage
from .roles import department_filter


def serve_document_check(document, request):
    """``before_serve_document`` hook.

    A document attached to disclosure entries is served only if one of those entries is
    current (live, public, proactively disclosed, not withdrawn), or to a user who holds a
    role in the department of one of them. Documents that are not attachments of any entry
    are left to Wagtail's own collection privacy.
    """
    entry_ids = list(
        DisclosureAttachment.objects.filter(document=document).values_list("page_id", flat=True)
    )
    if not entry_ids:
        return None
    entries = DisclosureEntryPage.objects.filter(pk__in=entry_ids)
    if entries.current().exists():
        return None
    user = getattr(request, "user", None)
    if (
        user is not None
        and user.is_authenticated
        and entries.filter(department_filter(user)).exists()
    ):
        return None
    raise Http404
