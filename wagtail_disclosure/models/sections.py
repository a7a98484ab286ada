"""The pages of a disclosure section: its root, its guide and one page per checklist category.

The entries themselves are in :mod:`.entries` (the shared base) and :mod:`.entry_types`
(one page type per category).
"""

from functools import partial

from django.apps import apps
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, get_page_models
from wagtail.search import index

from ..api.v2_fields import CategoryRefField, ChecklistRefField
from ..blocks import GuideBodyBlock
from ..conf import get_setting
from ..forms import DisclosureCategoryPageForm
from ..pagination import KnownCountPaginator
from .cacheable import CacheablePageMixin
from .checklist import Checklist, ChecklistCategory


def default_checklist():
    """The checklist a new section uses: ``WAGTAIL_DISCLOSURE_DEFAULT_CHECKLIST``."""
    return Checklist.objects.filter(code=get_setting("DEFAULT_CHECKLIST")).first()


#: The name of the catalogue's fragment in Django's cache (the page template's ``{% cache %}``).
CATALOGUE_FRAGMENT = "disclosure_catalogue"


class DisclosureIndexPage(CacheablePageMixin, RoutablePageMixin, Page):
    """The root of the disclosure section (信息公开专栏): shows the 信息公开目录.

    Also serves the section's public search at ``search/`` (``wagtail_disclosure.search``).
    """

    intro = RichTextField(_("introduction"), blank=True)
    checklist = models.ForeignKey(
        Checklist,
        verbose_name=_("checklist"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty to use the default checklist (MOE 2014)."),
    )
    organisation_code = models.CharField(
        _("organisation code"),
        max_length=30,
        blank=True,
        help_text=_(
            "机构代码 used in 索引号, such as the school's MOE identifier. Leave empty to use "
            "the WAGTAIL_DISCLOSURE_ORGANISATION_CODE setting."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("checklist"), FieldPanel("organisation_code")],
            heading=_("Catalogue"),
        ),
    ]

    subpage_types = [
        "wagtail_disclosure.DisclosureCategoryPage",
        "wagtail_disclosure.DisclosureGuidePage",
        "wagtail_disclosure.DisclosureRequestPage",
    ]
    template = "wagtail_disclosure/pages/disclosure_index_page.html"
    # Wagtail's v2 pages API (serve it with wagtail_disclosure.api.v2, docs/api.md).
    api_fields = [
        APIField("intro"),
        APIField("organisation_code"),
        APIField("api_checklist", serializer=ChecklistRefField()),
    ]

    #: What the page and its routes show, named by dotted path and imported when a request
    #: comes, as ``template`` names the template: the catalogue and the search build on the
    #: models, so the models name them rather than import them. A subclass may name its own.
    catalogue_function = "wagtail_disclosure.catalogue.build_catalogue"
    #: The key of the rendered catalogue in Django's cache (``None``: not cached).
    catalogue_cache_key_function = "wagtail_disclosure.public_cache.catalogue_cache_key"
    search_view = "wagtail_disclosure.search.views.search_view"
    suggest_view = "wagtail_disclosure.search.views.suggest_view"

    class Meta:
        verbose_name = _("disclosure section")
        verbose_name_plural = _("disclosure sections")

    def save(self, *args, **kwargs):
        if self.checklist_id is None:
            self.checklist = default_checklist()
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        key = import_string(self.catalogue_cache_key_function)(self, request)
        build = partial(import_string(self.catalogue_function), self, request=request)
        if key is not None and cache.get(make_template_fragment_key(CATALOGUE_FRAGMENT, [key])):
            # Rendered before under this key: built only if something else reads it.
            context["catalogue"] = SimpleLazyObject(build)
        else:
            context["catalogue"] = build()
        context["catalogue_cache_key"] = key
        context["catalogue_cache_seconds"] = get_setting("CATALOGUE_CACHE_SECONDS")
        context["search_url"] = (self.get_url(request) or "") + self.reverse_subpage("search")
        # The guide, and the 依申请公开 page for the portal navigation (which reads it from
        # here): the first live, public one of each among the children, in one query.
        from .request_page import DisclosureRequestPage

        context["guide_page"] = context["request_page"] = None
        children = (
            Page.objects.child_of(self)
            .live()
            .public()
            .type(DisclosureGuidePage, DisclosureRequestPage)
            .order_by("path")
        )
        for child in children:
            for name, model in (
                ("guide_page", DisclosureGuidePage),
                ("request_page", DisclosureRequestPage),
            ):
                if context[name] is None and issubclass(child.specific_class, model):
                    context[name] = child
        return context

    @path("search/", name="search")
    def search_entries(self, request):
        """信息检索: full-text search of the section's public entries."""
        return import_string(self.search_view)(request, self)

    @path("search/suggest/", name="search_suggest")
    def search_suggestions(self, request):
        return import_string(self.suggest_view)(request, self)


class DisclosureGuidePage(CacheablePageMixin, Page):
    """信息公开指南: how the university discloses and how to ask for information."""

    body = StreamField(GuideBodyBlock(), verbose_name=_("body"), blank=True)
    office_name = models.CharField(_("office"), max_length=255, blank=True)
    office_address = models.CharField(_("address"), max_length=255, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=255, blank=True)
    office_phone = models.CharField(_("phone"), max_length=50, blank=True)
    office_email = models.EmailField(_("email"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("office_name"),
                FieldPanel("office_address"),
                FieldRowPanel([FieldPanel("office_phone"), FieldPanel("office_email")]),
                FieldPanel("office_hours"),
            ],
            heading=_("Disclosure office"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("body")]

    parent_page_types = ["wagtail_disclosure.DisclosureIndexPage"]
    subpage_types = []
    max_count_per_parent = 1
    template = "wagtail_disclosure/pages/disclosure_guide_page.html"

    class Meta:
        verbose_name = _("disclosure guide")
        verbose_name_plural = _("disclosure guides")


class DisclosureCategoryPage(CacheablePageMixin, Page):
    """One checklist category in the section; its children are the category's entries."""

    category = models.ForeignKey(
        ChecklistCategory,
        verbose_name=_("checklist category"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("category"), FieldPanel("intro")]
    base_form_class = DisclosureCategoryPageForm

    parent_page_types = ["wagtail_disclosure.DisclosureIndexPage"]
    template = "wagtail_disclosure/pages/disclosure_category_page.html"
    api_fields = [APIField("intro"), APIField("api_category", serializer=CategoryRefField())]

    #: Builds the category's listing (see ``DisclosureIndexPage.catalogue_function``).
    listing_function = "wagtail_disclosure.catalogue.build_category_listing"

    class Meta:
        verbose_name = _("disclosure category")
        verbose_name_plural = _("disclosure categories")

    @classmethod
    def clean_subpage_models(cls):
        """Every entry page type, including those other apps build on ours.

        Each is then only creatable under the page of its own category
        (``DisclosureEntryPage.can_create_at``).
        """
        if cls._clean_subpage_models is None:
            entry_base = apps.get_model("wagtail_disclosure", "DisclosureEntryPage")
            cls._clean_subpage_models = [
                model
                for model in get_page_models()
                if issubclass(model, entry_base) and model.is_creatable
            ]
        return cls._clean_subpage_models

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        listing = import_string(self.listing_function)(self, item_code=request.GET.get("item"))
        paginator = KnownCountPaginator(
            listing.entries, get_setting("ENTRIES_PER_PAGE"), count=getattr(listing, "count", None)
        )
        try:
            entries = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            entries = paginator.page(1)
        except EmptyPage:
            entries = paginator.page(paginator.num_pages)
        context.update(listing=listing, entries=entries, paginator=paginator)
        return context
