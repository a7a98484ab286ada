"""The 信息公开目录: checklist items with the state of their disclosure.

Everything here runs a fixed number of queries, however many entries a section holds:
the items, one aggregate over the entries, one windowed query for the latest entries
of every item, and the category pages. Reports and the API build on the same functions.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Window
from django.db.models.functions import RowNumber
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

    @property
    def published_count(self):
        return sum(1 for row in self.items if row.status == ItemStatus.PUBLISHED)


def public_entries(section):
    """Current (publicly visible, not withdrawn) entries below a section root or any page."""
    return DisclosureEntryPage.objects.descendant_of(section).current()


def latest_entries_by_item(entries, per_item):
    """The ``per_item`` latest entries of every checklist item, in one query."""
    ranked = (
        entries.select_related("department")
        .annotate(
            item_rank=Window(
                RowNumber(),
                partition_by=[F("checklist_item_id")],
                order_by=[
                    F("publication_date").desc(nulls_last=True),
                    F("first_published_at").desc(nulls_last=True),
                    F("pk").desc(),
                ],
            )
        )
        .filter(item_rank__lte=per_item)
        .order_by("checklist_item_id", "item_rank")
    )
    grouped = {}
    for entry in ranked:
        grouped.setdefault(entry.checklist_item_id, []).append(entry)
    return grouped


def item_statistics(entries):
    """{item id: (number of entries, date last updated)} in one aggregate query."""
    rows = (
        entries.order_by()
        .values("checklist_item_id")
        .annotate(count=Count("pk"), last=Max("last_published_at"))
    )
    return {row["checklist_item_id"]: (row["count"], row["last"]) for row in rows}


def build_catalogue(section, per_item=None):
    """The catalogue of a ``DisclosureIndexPage``: a list of ``CatalogueCategory``."""
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
    entries = public_entries(section)
    stats = item_statistics(entries)
    latest = latest_entries_by_item(entries, per_item) if per_item else {}
    pages = {
        page.category_id: page
        for page in DisclosureCategoryPage.objects.child_of(section).live().public()
    }
    return assemble(categories, items, stats, latest, pages)


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
    stats = item_statistics(entries)
    selected = next((item for item in items if item.code == item_code), None)
    # The selected item's page names its department: the item's, else its latest entry's.
    latest = (
        latest_entries_by_item(entries.filter(checklist_item=selected), 1)
        if selected is not None and selected.default_department_id is None
        else {}
    )
    rows = assemble([category], items, stats, latest, {category.pk: category_page})
    if selected is not None:
        entries = entries.filter(checklist_item=selected)
    entries = entries.select_related("department", "checklist_item").order_by(
        F("publication_date").desc(nulls_last=True), "-first_published_at", "-pk"
    )
    return CategoryListing(
        category_page=category_page,
        items=rows[0].items if rows else [],
        selected_item=selected,
        entries=entries,
    )
