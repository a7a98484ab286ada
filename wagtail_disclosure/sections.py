"""Setting up a disclosure section: one category page per checklist category."""

from django.db import transaction
from django.utils.text import slugify

from .models import ChecklistCategory, DisclosureCategoryPage, DisclosureIndexPage


def category_slug(category):
    return slugify(category.key) or f"category-{category.number}"


@transaction.atomic
def ensure_category_pages(section, publish=True):
    """Create the missing category pages under ``section`` (a DisclosureIndexPage).

    Returns the list of pages created. Existing category pages are left untouched, so
    this is safe to run again, for example after a checklist gains a category.
    """
    existing = set(
        DisclosureCategoryPage.objects.child_of(section).values_list("category_id", flat=True)
    )
    created = []
    for category in ChecklistCategory.objects.filter(checklist_id=section.checklist_id):
        if category.pk in existing:
            continue
        page = DisclosureCategoryPage(
            title=category.title, slug=category_slug(category), category=category, live=False
        )
        section.add_child(instance=page)
        revision = page.save_revision()
        if publish:
            revision.publish()
        created.append(page)
    return created


def ensure_category_pages_after_create(request, page):
    """``after_create_page`` hook: a new section gets its category pages at once.

    They are published only when the section itself is live.
    """
    if isinstance(page.specific, DisclosureIndexPage):
        ensure_category_pages(page.specific, publish=page.live)


def publish_category_pages_after_publish(request, page):
    """``after_publish_page`` hook: publishing a section publishes its category pages
    that were never published (those created while the section was a draft)."""
    section = page.specific
    if not isinstance(section, DisclosureIndexPage):
        return
    ensure_category_pages(section)
    pending = DisclosureCategoryPage.objects.child_of(section).filter(first_published_at=None)
    for category_page in pending:
        category_page.save_revision().publish()
