"""The 信息公开目录: checklist items with the state of their disclosure.

Everything here runs a fixed number of queries, however many entries a section holds:
the items, the figures of each item (kept, and counted again for the items that changed:
:func:`public_item_statistics`), one query for the latest entries of every item, and the
category pages. Reports and the API build on the same functions.
"""

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connections
from django.db.models import Count, F, Func, Max, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .conf import get_setting
from .models import (
    ChecklistCategory,
    ChecklistItem,
    DisclosureCategoryPage,
    DisclosureEntryPage,
    DisclosureIndexPage,
    UpdateRule,
)


class ItemStatus:
    PUBLISHED = "published"
    NOT_YET_PUBLISHED = "not_yet_published"
    NOT_APPLICABLE = "not_applicable"

    labels = {
        PUBLISHED: _("Published"),
        NOT_YET_PUBLISHED: _("Not yet published"),
        NOT_APPLICABLE: _("Not applicable"),
    }


@dataclass
class CatalogueItem:
    item: ChecklistItem
    entry_count: int = 0
    last_updated: object = None
    latest_entries: list = field(default_factory=list)
    sub_items: list = field(default_factory=list)

    @property
    def status(self):
        if self.entry_count:
            return ItemStatus.PUBLISHED
        if not self.item.is_applicable:
            return ItemStatus.NOT_APPLICABLE
        return ItemStatus.NOT_YET_PUBLISHED

    @property
    def status_label(self):
        return ItemStatus.labels[self.status]

    @cached_property
    def fingerprint(self):
        """A digest of everything the item's row of the catalogue shows: the rendered row
        is kept in Django's cache under it (``includes/catalogue_item.html``), so after a
        publication only the rows that changed are rendered again."""
        item = self.item
        parts = (
            item.pk,
            item.code,
            item.title,
            item.not_applicable_reason,
            item.update_rule,
            item.update_within_working_days,
            item.update_month,
            str(self.department or ""),
            self.status,
            self.entry_count,
            self.last_updated_local,
            [
                (entry.pk, entry.title, getattr(entry, "url", None), entry.publication_date)
                for entry in self.latest_entries
            ],
            [sub.fingerprint for sub in self.sub_items],
            get_setting("PAGE_CACHE_VERSION") or "",
        )
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]

    @property
    def last_updated_local(self):
        """``last_updated`` in the current time zone, as the ``date`` filter shows it."""
        if self.last_updated is None:
            return None
        return timezone.localtime(self.last_updated)

    @property
    def update_rule_text(self):
        """When the item must be (re)published, in words: "Within 20 working days of …"."""
        item = self.item
        if item.update_rule == UpdateRule.ON_CHANGE and item.update_within_working_days:
            days = item.update_within_working_days
            return ngettext(
                "Within %(days)d working day of being made or changed",
                "Within %(days)d working days of being made or changed",
                days,
            ) % {"days": days}
        if item.update_rule == UpdateRule.YEARLY and item.update_month:
            return _("Once a year, by the end of month %(month)d") % {"month": item.update_month}
        return item.get_update_rule_display()

    @property
    def department(self):
        """The item's responsible department, else that of its latest entry."""
        if self.item.default_department is not None:
            return self.item.default_department
        if self.latest_entries:
            return self.latest_entries[0].department
        return None


@dataclass
class CatalogueCategory:
    category: ChecklistCategory
    page: DisclosureCategoryPage = None
    items: list = field(default_factory=list)
    #: The category page's URL, when built for a request.
    url: str = None

    @property
    def published_count(self):
        return sum(1 for row in self.items if row.status == ItemStatus.PUBLISHED)


def public_entries(section):
    """Current (publicly visible, not withdrawn) entries below a section root or any page."""
    return DisclosureEntryPage.objects.descendant_of(section).current()


#: What a listing of latest entries shows of each (a link, the title, the date, the
#: department): the rest of the page and entry rows is not read.
LATEST_ENTRY_FIELDS = (
    "title",
    "slug",
    "url_path",
    "path",
    "depth",
    "locale_id",
    "content_type_id",
    "live",
    "checklist_item_id",
    "publication_date",
    "index_number",
    "department__name",
    "department__short_code",
)


@dataclass(slots=True)
class LatestEntry:
    """An entry as a listing of latest entries on a public page shows it: no page object
    is built (a catalogue lists up to 150 of them)."""

    pk: int
    title: str
    url: str
    publication_date: object
    index_number: str
    department: str


#: The order of "latest": by publication date, then the later created first. Both are
#: columns of the entry table, so the ``disclosure_entry_item_latest`` index gives it.
LATEST_ORDER = (
    F("publication_date").desc(nulls_last=True),
    F("pk").desc(),
)


def _ranked(entries, per_item):
    return (
        entries.annotate(
            item_rank=Window(
                RowNumber(),
                partition_by=[F("checklist_item_id")],
                order_by=list(LATEST_ORDER),
            )
        )
        .filter(item_rank__lte=per_item)
        .order_by("checklist_item_id", "item_rank")
    )


def _latest_by_index(entries, per_item):
    """On PostgreSQL: the latest entries of every item as one array subquery per item,
    each read from the ``disclosure_entry_item_latest`` index and stopped after
    ``per_item`` rows (the cost does not grow with the number of entries); the rows are
    then read by primary key. ``None`` elsewhere: the window query ranks every entry,
    which is fine at SQLite's scale."""
    if connections[entries.db].vendor != "postgresql":
        return None
    from django.contrib.postgres.expressions import ArraySubquery

    latest = (
        entries.filter(checklist_item_id=OuterRef("pk"))
        .order_by(*LATEST_ORDER)
        .values("pk")[:per_item]
    )
    ids = (
        ChecklistItem.objects.order_by()
        .annotate(latest=ArraySubquery(latest))
        .annotate(entry_id=Func(F("latest"), function="unnest"))
        .values("entry_id")
    )
    return DisclosureEntryPage.objects.filter(pk__in=Subquery(ids)).order_by(
        "checklist_item_id", *LATEST_ORDER
    )


def _latest(entries, per_item):
    by_index = _latest_by_index(entries, per_item)
    return by_index if by_index is not None else _ranked(entries, per_item)


def latest_entries_by_item(entries, per_item):
    """The ``per_item`` latest entries of every checklist item, in one query."""
    ranked = _latest(entries, per_item).select_related("department").only(*LATEST_ENTRY_FIELDS)
    grouped = {}
    for entry in ranked:
        grouped.setdefault(entry.checklist_item_id, []).append(entry)
    return grouped


#: The columns of a latest entry's row (:func:`latest_rows`), its item last.
LATEST_ROW_FIELDS = (
    "pk",
    "title",
    "url_path",
    "publication_date",
    "index_number",
    "department__name",
    "checklist_item_id",
)


def latest_rows(entries, per_item):
    """{item id: the ``per_item`` latest entries as rows of :data:`LATEST_ROW_FIELDS`
    (without the item)}, in one query."""
    grouped = {}
    for row in _latest(entries, per_item).values_list(*LATEST_ROW_FIELDS):
        grouped.setdefault(row[-1], []).append(row[:-1])
    return grouped


def entry_links(rows_by_item, section, section_url):
    """:func:`latest_rows` as ``LatestEntry`` rows linked from ``section_url`` (the URL of
    ``section``, below which they all are: an entry's URL is the section's followed by the
    rest of its ``url_path``)."""
    prefix = len(section.url_path)
    return {
        item: [
            LatestEntry(
                pk, title, section_url + url_path[prefix:] if section_url else None, date,
                index_number, department,
            )
            for pk, title, url_path, date, index_number, department in rows
        ]
        for item, rows in rows_by_item.items()
    }  # fmt: skip


def item_statistics(entries):
    """{item id: (number of entries, date last updated)} in one aggregate query."""
    rows = (
        entries.order_by()
        .values("checklist_item_id")
        .annotate(count=Count("pk"), last=Max("last_published_at"))
    )
    return {row["checklist_item_id"]: (row["count"], row["last"]) for row in rows}


#: The kept figures are brought up to date from at most this many of the latest public
#: changes; when more came since, every item is counted again.
FIGURES_WINDOW = 64


def count_of(stats, item_ids=None):
    """How many entries :func:`item_statistics` counted; only those filed under
    ``item_ids`` when given."""
    return sum(
        number for item, (number, _last) in stats.items() if item_ids is None or item in item_ids
    )


def public_entry_count(scope, item_ids=None):
    """How many public (current) entries are below ``scope``, from the kept figures; only
    those filed under ``item_ids`` when given."""
    return count_of(public_item_statistics(scope), item_ids)


def public_item_statistics(scope):
    """:func:`item_statistics` of the public entries below ``scope`` (a section or a
    category page), kept as :func:`public_item_figures` keeps them."""
    return public_item_figures(scope)[0]


def public_item_figures(scope, per_item=0):
    """The figures of each checklist item of the public entries below ``scope`` (a section
    or a category page): ``(statistics, latest)``, :func:`item_statistics` and, for
    ``per_item`` > 0, :func:`latest_rows`. Kept in Django's default cache (for
    ``WAGTAIL_DISCLOSURE_CATALOGUE_CACHE_SECONDS``; 0: read each time) and brought up to
    date from the public changes since (``PublicChange``), instead of reading every item
    again after each change.

    A save of an entry or of its review names the entry's checklist item: only that
    item's entries are read again. Any other change (a view restriction, a moved or
    edited category page, a department), more changes than :data:`FIGURES_WINDOW`, new
    pages written without signals and a new day read all the items again. The latest
    changes are read before the entries, so a change that commits in between is applied
    again next time rather than missed. One query for the changes, and for the changed
    items (or all) one aggregate and one query of latest entries."""
    from django.core.cache import cache
    from wagtail.models import Page

    from .models import PublicChange

    def read(entries):
        return item_statistics(entries), latest_rows(entries, per_item) if per_item else {}

    seconds = get_setting("CATALOGUE_CACHE_SECONDS")
    if not seconds:
        return read(public_entries(scope))
    newest_page = Page.objects.order_by("-pk").values("pk")[:1]
    window = list(
        PublicChange.objects.order_by("-pk")
        .annotate(newest_page=Subquery(newest_page))
        .values_list("pk", "item", "newest_page", "at")[:FIGURES_WINDOW]
    )
    if not window:
        return read(public_entries(scope))
    basis = (window[0][2], timezone.localdate().isoformat())
    ids = frozenset(pk for pk, _item, _page, _at in window)
    # The latest change known to the kept figures, by id and time: a database restored or
    # made anew may give the same ids to other changes.
    last = (window[0][0], window[0][3])
    key = f"wagtail_disclosure:item-figures:{scope.pk}:{per_item}"
    kept = cache.get(key)
    figures = None
    if (
        kept is not None
        and kept["basis"] == basis
        and kept["last"] in {(pk, at) for pk, _item, _page, at in window}
    ):
        changed = {item for pk, item, _page, _at in window if pk not in kept["ids"]}
        if not changed:
            return kept["figures"]
        if None not in changed:
            stats, latest = read(public_entries(scope).filter(checklist_item_id__in=changed))
            figures = tuple(
                {item: value for item, value in before.items() if item not in changed} | after
                for before, after in zip(kept["figures"], (stats, latest), strict=True)
            )
    if figures is None:
        figures = read(public_entries(scope))
    cache.set(key, {"basis": basis, "ids": ids, "last": last, "figures": figures}, int(seconds))
    return figures


def build_catalogue(section, per_item=None, request=None):
    """The catalogue of a ``DisclosureIndexPage``: a list of ``CatalogueCategory``.

    For a ``request`` (a page being served), the latest entries are ``LatestEntry`` rows
    with their URLs and each category carries its page's URL; without one, they are entry
    pages (the API and the annual report read more of them)."""
    if per_item is None:
        per_item = get_setting("CATALOGUE_LATEST_ENTRIES")
    checklist_id = section.checklist_id
    categories = list(
        ChecklistCategory.objects.filter(checklist_id=checklist_id).select_related("checklist")
    )
    if categories and not DisclosureIndexPage.checklist.is_cached(section):
        # The section page names its checklist: read with the categories, not once more.
        DisclosureIndexPage.checklist.field.set_cached_value(section, categories[0].checklist)
    items = list(
        ChecklistItem.objects.filter(category__checklist_id=checklist_id)
        .select_related("default_department")
        .order_by("number", "code")
    )
    if request is not None:
        section_url = section.get_url(request)
        stats, rows = public_item_figures(section, per_item)
        latest = entry_links(rows, section, section_url)
    else:
        stats = public_item_statistics(section)
        latest = latest_entries_by_item(public_entries(section), per_item) if per_item else {}
    pages = {
        page.category_id: page
        for page in DisclosureCategoryPage.objects.child_of(section).live().public()
    }
    catalogue = assemble(categories, items, stats, latest, pages)
    if request is not None:
        for group in catalogue:
            if group.page is not None:
                group.url = section_url + group.page.url_path[len(section.url_path) :]
    return catalogue


def assemble(categories, items, stats, latest, pages):
    rows = {}
    for item in items:
        count, last = stats.get(item.pk, (0, None))
        rows[item.pk] = CatalogueItem(
            item=item,
            entry_count=count,
            last_updated=last,
            latest_entries=latest.get(item.pk, []),
        )
    by_category = {
        category.pk: CatalogueCategory(category=category, page=pages.get(category.pk))
        for category in categories
    }
    for item in items:
        row = rows[item.pk]
        if item.parent_id and item.parent_id in rows:
            rows[item.parent_id].sub_items.append(row)
        elif item.category_id in by_category:
            by_category[item.category_id].items.append(row)
    return list(by_category.values())


@dataclass
class CategoryListing:
    category_page: DisclosureCategoryPage
    items: list
    selected_item: ChecklistItem
    entries: object
    #: How many ``entries`` holds, when known without a query (the kept item figures).
    count: int | None = None

    @property
    def selected_row(self):
        """The ``CatalogueItem`` of the selected item (a sub-item too), or ``None``."""
        if self.selected_item is None:
            return None
        rows = list(self.items)
        while rows:
            row = rows.pop(0)
            if row.item.pk == self.selected_item.pk:
                return row
            rows.extend(row.sub_items)
        return None


def build_category_listing(category_page, item_code=None):
    """Items of one category with their status, and its entries (a lazy queryset)."""
    category = category_page.category
    items = list(
        ChecklistItem.objects.filter(category=category)
        .select_related("default_department")
        .order_by("number", "code")
    )
    entries = public_entries(category_page)
    stats = public_item_statistics(category_page)
    selected = next((item for item in items if item.code == item_code), None)
    # The selected item's page names its department: the item's, else its latest entry's.
    latest = (
        latest_entries_by_item(entries.filter(checklist_item=selected), 1)
        if selected is not None and selected.default_department_id is None
        else {}
    )
    rows = assemble([category], items, stats, latest, {category.pk: category_page})
    # The figures count the same entries by item: the listing's count needs no query.
    count = count_of(stats, None if selected is None else {selected.pk})
    if selected is not None:
        entries = entries.filter(checklist_item=selected)
    # Newest first; the disclosure_entry_newest index (PostgreSQL) gives this order.
    entries = entries.select_related("department", "checklist_item").order_by(
        F("publication_date").desc(nulls_last=True), "-first_published_at", "-pk"
    )
    return CategoryListing(
        category_page=category_page,
        items=rows[0].items if rows else [],
        selected_item=selected,
        entries=entries,
        count=count,
    )
