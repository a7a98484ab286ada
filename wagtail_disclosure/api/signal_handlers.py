"""Purge the public API's answers and the public pages from a front-end cache when an
entry, a department or the checklist changes.

Only when ``wagtail.contrib.frontend_cache`` is installed (and configured with
``WAGTAILFRONTENDCACHE``); connected in ``AppConfig.ready()``. Publishing and
unpublishing (a withheld withdrawal unpublishes) arrive as Wagtail's ``page_published``
and ``page_unpublished`` signals; a withdrawal that keeps the page live arrives as the
save of the entry's review row in ``workflow.services.take_transition``. Purging waits
for the transaction to commit.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished

logger = logging.getLogger(__name__)


def _purge_after_commit(entry, page_too=False):
    """Purge the entry's API URLs, and its page's URLs if ``page_too``.

    Wagtail's front-end cache purges a page's URLs itself when the page is published or
    unpublished; a withdrawal that keeps the page live is neither, and the cached page
    would go on showing the body that the trace no longer has.
    """
    from ..public_cache import public_pages_of_entry, purge_public_pages
    from .caching import purge_entry_urls

    def purge():
        try:
            purge_entry_urls(entry)
            # The entry, its category page and the catalogue, in every language.
            purge_public_pages(public_pages_of_entry(entry))
            if page_too:
                from wagtail.contrib.frontend_cache.utils import purge_page_from_cache

                purge_page_from_cache(entry)
        except Exception:  # a cache that cannot be reached must not break publishing
            logger.exception("Could not purge the URLs of entry %s", entry.pk)

    transaction.on_commit(purge)


def entry_published_or_unpublished(sender, instance, **kwargs):
    from ..models import DisclosureEntryPage

    if isinstance(instance, DisclosureEntryPage):
        _purge_after_commit(instance)


def review_saved(sender, instance, created=False, raw=False, **kwargs):
    from ..models.review import ReviewState

    if raw or instance.state != ReviewState.WITHDRAWN or instance.withheld:
        return  # withheld: the page is unpublished, page_unpublished purges
    _purge_after_commit(instance.page, page_too=True)


def catalogue_edited(sender, instance, raw=False, **kwargs):
    """A department, checklist, category, item or release channel was saved or deleted:
    every section and category page shows them."""
    if raw:
        return
    from ..public_cache import purge_every_section

    def purge():
        try:
            purge_every_section()
        except Exception:  # a cache that cannot be reached must not break editing
            logger.exception("Could not purge the section pages")

    transaction.on_commit(purge)


def connect():
    from django.apps import apps

    if not apps.is_installed("wagtail.contrib.frontend_cache"):
        return
    from ..models import EntryReview

    page_published.connect(
        entry_published_or_unpublished, dispatch_uid="wagtail_disclosure_api_purge_published"
    )
    page_unpublished.connect(
        entry_published_or_unpublished, dispatch_uid="wagtail_disclosure_api_purge_unpublished"
    )
    post_save.connect(
        review_saved, sender=EntryReview, dispatch_uid="wagtail_disclosure_api_purge_withdrawn"
    )
    from ..public_cache import catalogue_models

    for model in catalogue_models():
        for signal in (post_save, post_delete):
            signal.connect(
                catalogue_edited,
                sender=model,
                dispatch_uid=f"wagtail_disclosure_purge_{signal is post_save}_{model.__name__}",
            )
