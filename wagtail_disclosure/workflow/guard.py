"""Publication happens only inside a review transition.

Wagtail can publish or unpublish a page by many paths: the Publish button, bulk actions,
scheduled publishing, reverting a revision, copying, any API. For disclosure entries all of
them end in ``DisclosureEntryPage.save()``, which calls :func:`check_publication_change`;
the review service opens :func:`publication_allowed` around its own, logged, changes.
"""

import contextvars
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

_allowed = contextvars.ContextVar("wagtail_disclosure_publication_allowed", default=False)


class PublicationBypassError(PermissionDenied):
    """A disclosure entry was about to be published or unpublished outside the review."""


@contextmanager
def publication_allowed():
    token = _allowed.set(True)
    try:
        yield
    finally:
        _allowed.reset(token)


def is_publication_allowed():
    return _allowed.get()


#: The fields that make up the live state: a save that writes none of them cannot change it.
LIVE_STATE_FIELDS = frozenset({"live", "live_revision", "live_revision_id"})


def check_publication_change(page, stored, update_fields=None):
    """Raise unless the change of ``page``'s live state is made by a transition.

    ``stored`` is ``(live, live_revision_id)`` as in the database, or ``None`` for a new
    page. A new page that would start out live is made a draft instead.

    ``update_fields`` is what ``save()`` was asked to write. A page object built from an
    older revision (Wagtail's revert view, ``Revision.as_object()``) carries the live
    revision of that revision's time; saving it as a new version writes only the revision
    bookkeeping fields, so it changes nothing live and is let through. A full save of such
    an object is refused if the page is live; if it is not live, the stored live revision
    is kept.
    """
    if is_publication_allowed():
        return
    if stored is None:
        if page.live:
            page.live = False
            page.has_unpublished_changes = True
            page.live_revision = None
            page.first_published_at = page.last_published_at = None
        return
    if update_fields is not None and not LIVE_STATE_FIELDS.intersection(update_fields):
        return
    was_live, live_revision_id = stored
    if was_live != page.live or (page.live and live_revision_id != page.live_revision_id):
        raise PublicationBypassError(
            _(
                "Disclosure entries are published and withdrawn only through the review "
                "workflow (保密审查)."
            )
        )
    page.live_revision_id = live_revision_id
