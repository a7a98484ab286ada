"""Short entry URLs: a new entry's slug is its 索引号, not its Chinese title.

Wagtail's editor fills the slug from the title as the editor types. With Chinese titles
that gives URLs such as ``/xxgk/jiben/%E5%85%B3%E4%BA%8E...%E9%80%9A%E7%9F%A5/``: hundreds
of characters once percent-encoded, unreadable when printed or read aloud. When
``WAGTAIL_DISCLOSURE_ENTRY_SLUG`` is ``"index_number"`` (the default), an entry saved for
the first time with a slug that is not plain ASCII gets its 索引号 as slug instead
(``/xxgk/jiben/4403-01-2026-0012/``). A slug the editor typed in ASCII is kept, and an
entry's slug never changes after its first save (published URLs stay valid).
``"title"`` keeps Wagtail's behaviour.
"""

from django.core.exceptions import ImproperlyConfigured
from django.utils.text import slugify
from wagtail.models import Page

from .conf import get_setting

SLUG_MODES = ("index_number", "title")


def slug_mode():
    mode = get_setting("ENTRY_SLUG")
    if mode not in SLUG_MODES:
        raise ImproperlyConfigured(
            f"WAGTAIL_DISCLOSURE_ENTRY_SLUG must be one of {SLUG_MODES}, not {mode!r}."
        )
    return mode


def wants_short_slug(entry):
    """Whether ``entry`` (about to be saved for the first time) should take a short slug."""
    if slug_mode() != "index_number" or not entry.index_number:
        return False
    return not entry.slug or not entry.slug.isascii()


def short_slug_base(index_number):
    """The 索引号 as a slug: lower-case ASCII letters, digits and hyphens ("" if none)."""
    return slugify(index_number, allow_unicode=False).strip("-_")


def unique_among_siblings(entry, base):
    """``base``, or ``base-2``, ``base-3``… if a sibling of ``entry`` already has it."""
    parent_path = entry.path[: -entry.steplen]
    taken = set(
        Page.objects.filter(path__startswith=parent_path, depth=entry.depth)
        .exclude(pk=entry.pk)
        .filter(slug__startswith=base)
        .values_list("slug", flat=True)
    )
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def apply_short_slug(entry):
    """Give ``entry`` its 索引号 as slug when :func:`wants_short_slug` says so.

    Returns True when the slug changed. Called from the entry's first save, once its
    索引号 is allocated and before Wagtail computes ``url_path`` from the slug.
    """
    if not wants_short_slug(entry):
        return False
    base = short_slug_base(entry.index_number)
    if not base:
        return False
    entry.slug = unique_among_siblings(entry, base)
    return True
