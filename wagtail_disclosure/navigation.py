"""The public portal's navigation: the top bar of every page of a section and the
catalogue tree on the left of category and entry pages.

Both are read once per request and kept on it (``request._disclosure_portal``), so a
page that shows the bar and the tree asks the database a fixed, small number of times:
the section, the section's public category pages, the checklist items of the current
category, and one query per page-type target of the bar. Only live, public pages appear.
"""

from dataclasses import dataclass, field
from urllib.parse import quote

from django.apps import apps
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _
from wagtail.models import PageViewRestriction

from .catalogue import CatalogueCategory
from .conf import get_setting
from .models import (
    ChecklistItem,
    DisclosureCategoryPage,
    DisclosureGuidePage,
    DisclosureIndexPage,
    DisclosureRequestPage,
)

#: What ``WAGTAIL_DISCLOSURE_NAVIGATION = None`` stands for. Targets: ``"section"`` (the
#: section root, i.e. the catalogue), ``"item:<code>"`` (a checklist item of the section's
#: checklist: its category page, filtered to it), ``"category:<key>"`` (a category page),
#: ``"<app_label>.<Model>"`` (the first live, public page of that type in the section), a
#: URL (``/…`` or ``http…``), a URL name, or ``None`` (not yet available).
DEFAULT_NAVIGATION = (
    ("guide", _("Disclosure guide"), "wagtail_disclosure.DisclosureGuidePage"),
    # 信息公开制度: item 2 of the MOE 2014 checklist (学校章程及制定的各项规章制度).
    ("rules", _("Rules"), "item:2"),
    ("catalogue", _("Catalogue"), "section"),
    # 依申请公开: the section's live DisclosureRequestPage; "not yet available" without one.
    ("requests", _("Requests for information"), "wagtail_disclosure.DisclosureRequestPage"),
    # 年度报告: the published reports are entries of item 6 (信息公开年度报告), listed there.
    ("annual-reports", _("Annual reports"), "item:6"),
    # The page of 监督与投诉 comes with a later release.
    ("complaints", _("Supervision and complaints"), None),
)


@dataclass
class NavLink:
    key: str
    label: str
    url: str | None = None
    #: The value of ``aria-current``: "page" on the link's own page, "true" below it.
    current: str = ""

    @property
    def available(self):
        return bool(self.url)


@dataclass
class TreeCategory:
    page: DisclosureCategoryPage
    current: bool = False
    items: list = field(default_factory=list)


@dataclass
class TreeItem:
    item: ChecklistItem
    url: str
    current: bool = False
    sub_items: list = field(default_factory=list)


def navigation_setting():
    value = get_setting("NAVIGATION")
    return DEFAULT_NAVIGATION if value is None else value


class Portal:
    """What the navigation of one section needs, read lazily and at most once."""

    def __init__(self, request, section):
        self.request = request
        self.section = section
        self._category_pages = None
        self._items = {}
        self._item_categories = None  # {item code: category id}, when known
        self._pages_of_type = {}
        self._private_q = None

    def seed(self, context):
        """Take what the section page has already read (its catalogue and guide), so the
        navigation costs the catalogue no queries. A catalogue not built yet (lazy, its
        rendering kept in the cache) is left alone: the navigation reads its own."""
        catalogue = context.get("catalogue")
        if isinstance(catalogue, LazyObject):
            catalogue = None if catalogue._wrapped is empty else catalogue._wrapped
        if (
            self._category_pages is None
            and isinstance(catalogue, list | tuple)
            and all(isinstance(group, CatalogueCategory) for group in catalogue)
        ):
            pages, codes = [], {}
            for group in catalogue:
                if group.page is not None:
                    group.page.category = group.category
                    pages.append(group.page)
                rows = list(group.items)
                while rows:
                    row = rows.pop()
                    codes[row.item.code] = row.item.category_id
                    rows.extend(row.sub_items)
            self._category_pages, self._item_categories = pages, codes
        if "guide_page" in context:
            self._pages_of_type.setdefault(DisclosureGuidePage, context["guide_page"])
        if "request_page" in context:
            self._pages_of_type.setdefault(DisclosureRequestPage, context["request_page"])

    def public(self, queryset):
        """``queryset.public()``, reading the view restrictions once per request."""
        if self._private_q is None:
            q = Q()
            for restriction in PageViewRestriction.objects.select_related("page"):
                q |= Q(path__startswith=restriction.page.path)
            self._private_q = q
        return queryset.exclude(self._private_q) if self._private_q else queryset

    def category_pages(self):
        """The section's live, public category pages, in checklist order (one query)."""
        if self._category_pages is None:
            self._category_pages = list(
                self.public(DisclosureCategoryPage.objects.child_of(self.section).live())
                .select_related("category")
                .order_by("category__number", "path")
            )
        return self._category_pages

    def items_of(self, category_id):
        """The checklist items of one category (one query, kept)."""
        if category_id not in self._items:
            self._items[category_id] = list(
                ChecklistItem.objects.filter(category_id=category_id).order_by("number", "code")
            )
        return self._items[category_id]

    def url_of(self, page):
        return page.get_url(self.request)

    # --- the top navigation ---

    def resolve(self, target):
        if not target:
            return None
        if target == "section":
            return self.url_of(self.section)
        if target.startswith(("/", "http://", "https://")):
            return target
        if target.startswith("item:"):
            return self.item_url(target.removeprefix("item:"))
        if target.startswith("category:"):
            key = target.removeprefix("category:")
            page = next((p for p in self.category_pages() if p.category.key == key), None)
            return self.url_of(page) if page else None
        if "." in target and ":" not in target:
            try:
                model = apps.get_model(target)
            except (LookupError, ValueError):
                model = None
            if model is not None:
                if model not in self._pages_of_type:
                    self._pages_of_type[model] = self.public(
                        model.objects.descendant_of(self.section).live()
                    ).first()
                page = self._pages_of_type[model]
                return self.url_of(page) if page else None
        try:
            return reverse(target)
        except NoReverseMatch:
            return None

    def item_url(self, code):
        if self._item_categories is None:
            # Every item target of the bar (rules, annual reports…) in one query.
            self._item_categories = dict(
                ChecklistItem.objects.filter(
                    category__checklist_id=self.section.checklist_id
                ).values_list("code", "category_id")
            )
        category_id = self._item_categories.get(code)
        if category_id is None:
            return None
        page = next((p for p in self.category_pages() if p.category_id == category_id), None)
        return f"{self.url_of(page)}?item={quote(code)}" if page else None

    def links(self):
        here = self.request.get_full_path() if self.request else None
        links = []
        for key, label, target in navigation_setting():
            url = self.resolve(target)
            links.append(
                NavLink(
                    key=key, label=label, url=url, current="page" if url and url == here else ""
                )
            )
        if not any(link.current for link in links) and here:
            # Below a link's page (an entry of the rules item, say): mark the longest match.
            path = self.request.path
            candidates = [
                link
                for link in links
                if link.url and "?" not in link.url and path.startswith(link.url)
            ]
            if candidates:
                max(candidates, key=lambda link: len(link.url)).current = "true"
        return links

    # --- the catalogue tree ---

    def tree(self, page, item_id=None):
        """Categories of the section; that of ``page`` expanded with its items."""
        categories = []
        for category_page in self.category_pages():
            current = page.path.startswith(category_page.path)
            node = TreeCategory(page=category_page, current=current)
            if current:
                url = self.url_of(category_page)
                nodes = {}
                for item in self.items_of(category_page.category_id):
                    nodes[item.pk] = TreeItem(
                        item=item, url=f"{url}?item={quote(item.code)}", current=item.pk == item_id
                    )
                for item in self.items_of(category_page.category_id):
                    if item.parent_id in nodes:
                        nodes[item.parent_id].sub_items.append(nodes[item.pk])
                    else:
                        node.items.append(nodes[item.pk])
            categories.append(node)
        return categories


def section_of(page):
    """The nearest ``DisclosureIndexPage`` at or above ``page`` (``None`` outside one)."""
    if page is None:
        return None
    if isinstance(page, DisclosureIndexPage):
        return page
    return (
        DisclosureIndexPage.objects.ancestor_of(page, inclusive=True)
        .live()
        .order_by("-depth")
        .first()
    )


def portal_for(request, page):
    """The request's ``Portal`` for the section of ``page``, built once per request."""
    cached = getattr(request, "_disclosure_portal", None) if request is not None else None
    if cached is not None and page is not None and page.path.startswith(cached.section.path):
        return cached
    section = section_of(page)
    if section is None:
        return None
    portal = Portal(request, section)
    if request is not None:
        request._disclosure_portal = portal
    return portal
