"""Entries cannot be aliased.

Wagtail's aliases follow their original without revisions: publishing the original makes
its aliases live with the same content, while an alias has a review row of its own that
never moves. An alias of an entry would show the entry at a second address, outside its
review and its withdrawal. So:

* the copy view refuses to alias an entry, or a page with entries below it when subpages
  are copied too (:func:`refuse_entry_aliases`, Wagtail's ``before_copy_page`` hook);
* ``DisclosureEntryPage.save()`` refuses any new entry that is an alias
  (:func:`check_not_alias`), whatever the path: ``create_alias()``, a recursive alias
  of a category page, the shell;
* an alias made before this rule is not public (``publicly_visible()`` leaves aliases out)
  and its page redirects to the original if that is public, else answers 404
  (:func:`serve_alias`). Its documents count as its original's (``documents``).

The entry model calls :func:`check_not_alias` and :func:`serve_alias`, so this module reads
the model with ``apps.get_model`` rather than importing it.
"""

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import CheckboxInput
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

ALIAS_REFUSED = _(
    "Disclosure entries cannot be aliased: an alias would show the entry at a second "
    "address, outside its review. Make a copy instead; the copy goes through the review."
)


def entry_model():
    return apps.get_model("wagtail_disclosure", "DisclosureEntryPage")


class EntryAliasError(PermissionDenied):
    """An alias of a disclosure entry was about to be created."""


def check_not_alias(page):
    """Raise :class:`EntryAliasError` if ``page`` is a new entry that is an alias."""
    if page.alias_of_id is not None and page.pk is None:
        raise EntryAliasError(ALIAS_REFUSED)


def posted_flag(request, name):
    """A checkbox of the posted form, read as the form reads it."""
    return CheckboxInput().value_from_datadict(request.POST, None, name)


def refuse_entry_aliases(request, page):
    """``before_copy_page``: send the user back to the copy form when the copy would alias
    an entry (the page itself, or any page below it if subpages are copied too)."""
    if request.method != "POST" or not posted_flag(request, "alias"):
        return None
    entries = entry_model().objects.all()
    if posted_flag(request, "copy_subpages"):
        entries = entries.descendant_of(page, inclusive=True)
    else:
        entries = entries.filter(pk=page.pk)
    if not entries.exists():
        return None
    messages.error(request, ALIAS_REFUSED)
    return redirect(request.get_full_path())


def serve_alias(page, request):
    """An alias of an entry: redirect (302) to its original if that is public, else 404."""
    original = entry_model().objects.publicly_visible().filter(pk=page.alias_of_id).first()
    url = original.get_url(request) if original is not None else None
    if not url:
        raise Http404
    return redirect(url)
