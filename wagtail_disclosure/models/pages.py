"""Page types of the disclosure section.

The entry page types follow Wagtail's guidance for reusable apps: the behaviour lives in
:class:`DisclosureEntryMixin` (an abstract model), and the package ships concrete pages
built from it: :class:`DisclosureEntryPage` holds the metadata every entry shares (one
table, so listings, the catalogue and the API query all entries at once), and one page
type per checklist category adds the structured fields that category needs.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.coreutils import camelcase_to_underscore
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager, PageQuerySet, get_page_models
from wagtail.search import index

from ..api.v2_fields import PublicBodyField, PublicKeywordsField, PublicSummaryField
from ..blocks import DisclosureBodyBlock, GuideBodyBlock
from ..conf import get_setting
from ..search.fields import with_segmented_title
from .checklist import Checklist, ChecklistCategory, ChecklistItem
from .choices import (
    Audience,
    DisclosureMode,
    EducationLevel,
    ExemptionBasis,
    FinanceDocumentType,
    Validity,
)


def default_checklist():
    """The checklist a new section uses: ``WAGTAIL_DISCLOSURE_DEFAULT_CHECKLIST``."""
    return Checklist.objects.filter(code=get_setting("DEFAULT_CHECKLIST")).first()


def ancestor_paths(path, steplen=Page.steplen):
    """Tree paths of a node's ancestors and of the node itself, root first."""
    return [path[:end] for end in range(steplen, len(path) + 1, steplen)]


# ---------------------------------------------------------------------------
# Section root and guide
# ---------------------------------------------------------------------------


class DisclosureIndexPage(RoutablePageMixin, Page):
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
    ]
    template = "wagtail_disclosure/pages/disclosure_index_page.html"
    # Wagtail's v2 pages API (serve it with wagtail_disclosure.api.v2, docs/api.md).
    api_fields = [APIField("intro"), APIField("organisation_code"), APIField("api_checklist")]

    class Meta:
        verbose_name = _("disclosure section")
        verbose_name_plural = _("disclosure sections")

    def save(self, *args, **kwargs):
        if self.checklist_id is None:
            self.checklist = default_checklist()
        return super().save(*args, **kwargs)

    @property
    def api_checklist(self):
        checklist = self.checklist
        if checklist is None:
            return None
        return {"id": checklist.pk, "code": checklist.code, "title": checklist.title}

    def get_context(self, request, *args, **kwargs):
        from ..catalogue import build_catalogue

        context = super().get_context(request, *args, **kwargs)
        context["catalogue"] = build_catalogue(self)
        context["search_url"] = (self.get_url(request) or "") + self.reverse_subpage("search")
        context["guide_page"] = DisclosureGuidePage.objects.child_of(self).live().public().first()
        return context

    @path("search/", name="search")
    def search_entries(self, request):
        """信息检索: full-text search of the section's public entries."""
        from ..search.views import search_view

        return search_view(request, self)

    @path("search/suggest/", name="search_suggest")
    def search_suggestions(self, request):
        from ..search.views import suggest_view

        return suggest_view(request, self)


class DisclosureGuidePage(Page):
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


# ---------------------------------------------------------------------------
# Category pages
# ---------------------------------------------------------------------------


class DisclosureCategoryPageForm(WagtailAdminPageForm):
    """Offers only the categories of the section's checklist, each at most once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = self.parent_page.specific if self.parent_page else None
        if "category" in self.fields and isinstance(self.section, DisclosureIndexPage):
            self.fields["category"].queryset = ChecklistCategory.objects.filter(
                checklist_id=self.section.checklist_id
            )

    def clean(self):
        cleaned_data = super().clean()
        category = cleaned_data.get("category")
        if category and isinstance(self.section, DisclosureIndexPage):
            taken = DisclosureCategoryPage.objects.child_of(self.section).filter(category=category)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("category", _("This section already has a page for this category."))
        return cleaned_data


class DisclosureCategoryPage(Page):
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
    api_fields = [APIField("intro"), APIField("api_category")]

    class Meta:
        verbose_name = _("disclosure category")
        verbose_name_plural = _("disclosure categories")

    @property
    def api_category(self):
        from ..api.refs import category_ref

        return category_ref(self.category)

    @classmethod
    def clean_subpage_models(cls):
        """Every entry page type, including those other apps build on ours.

        Each is then only creatable under the page of its own category
        (``DisclosureEntryPage.can_create_at``).
        """
        if cls._clean_subpage_models is None:
            cls._clean_subpage_models = [
                model
                for model in get_page_models()
                if issubclass(model, DisclosureEntryPage) and model.is_creatable
            ]
        return cls._clean_subpage_models

    def get_context(self, request, *args, **kwargs):
        from ..catalogue import build_category_listing

        context = super().get_context(request, *args, **kwargs)
        listing = build_category_listing(self, item_code=request.GET.get("item"))
        paginator = Paginator(listing.entries, get_setting("ENTRIES_PER_PAGE"))
        try:
            entries = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            entries = paginator.page(1)
        except EmptyPage:
            entries = paginator.page(paginator.num_pages)
        context.update(listing=listing, entries=entries, paginator=paginator)
        return context


# ---------------------------------------------------------------------------
# Entries
# ---------------------------------------------------------------------------


class DisclosureEntryQuerySet(PageQuerySet):
    def publicly_visible(self):
        """Entries anyone may read: live, proactively disclosed to the public, unrestricted,
        and not an alias of another page (``wagtail_disclosure.aliases``).

        This is the one definition of "public" used by the catalogue, listings, and
        (in later releases) search, feeds and the API.
        """
        return (
            self.live()
            .public()
            .filter(
                disclosure_mode=DisclosureMode.ACTIVE,
                audience=Audience.PUBLIC,
                alias_of__isnull=True,
            )
        )

    def current(self):
        """Publicly visible entries that have not been withdrawn.

        A withdrawn entry keeps a public trace (its page says when and why it was
        withdrawn) but no longer counts in the catalogue or listings.
        """
        return self.publicly_visible().filter(review__withdrawn_at__isnull=True)


DisclosureEntryManager = PageManager.from_queryset(DisclosureEntryQuerySet)


class DisclosureEntryForm(WagtailAdminPageForm):
    """Limits the checklist item to the category of the page type (and section)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("checklist_item")
        if field is not None:
            items = ChecklistItem.objects.select_related("category").filter(
                category__key=self._meta.model.category_key
            )
            parent = self.parent_page.specific if self.parent_page else None
            if isinstance(parent, DisclosureCategoryPage):
                items = items.filter(category_id=parent.category_id)
            field.queryset = items
            if items.count() == 1 and not self.initial.get("checklist_item"):
                field.initial = items.get().pk
        self.limit_departments()

    def limit_departments(self):
        """Offer the departments where the user is an editor (and the entry's own)."""
        from ..roles import Role, department_filter
        from .departments import Department

        field = self.fields.get("department")
        user = getattr(self, "for_user", None)
        if field is None or user is None:
            return
        allowed = department_filter(user, [Role.DEPARTMENT_EDITOR], field="pk")
        if not allowed:  # an empty Q: every department
            return
        if self.instance.department_id:
            allowed |= models.Q(pk=self.instance.department_id)
        field.queryset = Department.objects.filter(allowed)


class DisclosureEntryMixin(models.Model):
    """The catalogue metadata every disclosure entry carries.

    Concrete entry pages combine this mixin with a page class. ``category_key`` binds
    a page type to a checklist category (see ``ChecklistCategory.key``).
    """

    category_key = None

    checklist_item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("checklist item"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "wagtail_disclosure.Department",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    index_number = models.CharField(
        _("index number"),
        max_length=100,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("索引号, generated when the entry is created."),
    )
    index_site = models.ForeignKey(
        "wagtailcore.Site",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    document_number = models.CharField(
        _("document number"), max_length=100, blank=True, help_text=_("发文字号")
    )
    document_date = models.DateField(
        _("date of making"),
        default=timezone.localdate,
        help_text=_("成文日期: the date the information was made, obtained or changed."),
    )
    publication_date = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("发布日期. Set automatically on first publication if left empty."),
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("内容概述"))
    disclosure_mode = models.CharField(
        _("disclosure mode"),
        max_length=20,
        choices=DisclosureMode.choices,
        default=DisclosureMode.ACTIVE,
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.PUBLIC
    )
    exemption_basis = models.CharField(
        _("grounds for not disclosing"),
        max_length=30,
        choices=ExemptionBasis.choices,
        blank=True,
    )
    restriction_reason = models.TextField(
        _("reason for restriction"),
        blank=True,
        help_text=_(
            "Required when the entry is not proactively disclosed, or shown on campus only."
        ),
    )
    validity = models.CharField(
        _("validity"), max_length=20, choices=Validity.choices, default=Validity.VALID
    )
    validity_changed_on = models.DateField(_("validity changed on"), null=True, blank=True)
    is_major_matter = models.BooleanField(
        _("major matter"),
        default=False,
        help_text=_("重大事项: needs the sign-off of the leader in charge before publication."),
    )
    body = StreamField(DisclosureBodyBlock(), verbose_name=_("body"), blank=True)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        errors = {}
        if (
            self.checklist_item_id
            and self.category_key
            and self.checklist_item.category.key != self.category_key
        ):
            errors["checklist_item"] = _(
                "Choose an item of the category this page type belongs to."
            )
        if self.disclosure_mode == DisclosureMode.EXEMPT and not self.exemption_basis:
            errors["exemption_basis"] = _("Give the grounds for not disclosing this entry.")
        if self.disclosure_mode != DisclosureMode.EXEMPT and self.exemption_basis:
            errors["exemption_basis"] = _("Grounds apply only to entries that are not disclosed.")
        needs_reason = (
            self.disclosure_mode != DisclosureMode.ACTIVE or self.audience == Audience.CAMPUS
        )
        if needs_reason and not self.restriction_reason.strip():
            errors["restriction_reason"] = _("Say why this entry is not disclosed to the public.")
        if self.validity != Validity.VALID and not self.validity_changed_on:
            errors["validity_changed_on"] = _("Give the date the entry expired or was repealed.")
        errors.update(self.date_range_errors())
        if errors:
            raise ValidationError(errors)

    def date_range_errors(self):
        """{field: message} for dates outside 1949-10-01 … today + MAX_FUTURE_DAYS
        (``wagtail_disclosure.dates``): every date field, those of subclasses too."""
        from ..dates import date_range_error

        errors = {}
        for field in self._meta.concrete_fields:
            if not isinstance(field, models.DateField) or isinstance(field, models.DateTimeField):
                continue
            message = field.editable and date_range_error(getattr(self, field.attname))
            if message:
                errors[field.name] = message
        return errors

    @property
    def year(self):
        return self.document_date.year if self.document_date else None

    @property
    def is_restricted(self):
        return self.disclosure_mode != DisclosureMode.ACTIVE or self.audience != Audience.PUBLIC


class DisclosureEntryTag(TaggedItemBase):
    content_object = ParentalKey(
        "wagtail_disclosure.DisclosureEntryPage",
        related_name="tagged_items",
        on_delete=models.CASCADE,
    )


class DisclosureEntryPage(DisclosureEntryMixin, Page):
    """The shared base of all entry page types. Not created directly."""

    keywords = ClusterTaggableManager(
        through=DisclosureEntryTag, blank=True, verbose_name=_("keywords")
    )
    channels = ParentalManyToManyField(
        "wagtail_disclosure.ReleaseChannel",
        verbose_name=_("also released on"),
        blank=True,
        related_name="entries",
    )

    objects = DisclosureEntryManager()

    metadata_panels = [
        MultiFieldPanel(
            [
                FieldPanel("checklist_item"),
                FieldPanel("department"),
                FieldRowPanel([FieldPanel("document_number"), FieldPanel("document_date")]),
                FieldPanel("publication_date"),
                FieldPanel("summary"),
                FieldPanel("keywords"),
            ],
            heading=_("Catalogue metadata"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("disclosure_mode"), FieldPanel("audience")]),
                FieldPanel("exemption_basis"),
                FieldPanel("restriction_reason"),
                FieldRowPanel([FieldPanel("validity"), FieldPanel("validity_changed_on")]),
                FieldPanel("is_major_matter"),
                FieldPanel("channels", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Disclosure attributes"),
        ),
    ]
    content_panels = (
        Page.content_panels
        + metadata_panels
        + [FieldPanel("body"), InlinePanel("attachments", label=_("Attachments"))]
    )
    # The title is indexed with its Chinese segmentation (wagtail_disclosure.search).
    search_fields = with_segmented_title(Page.search_fields) + [
        # Summary, body and keywords through methods that leave them out of the index
        # once the entry is withdrawn: its public trace is found by title and 索引号 only.
        index.SearchField("search_summary"),
        index.SearchField("search_body"),
        index.SearchField("document_number"),
        index.SearchField("index_number"),
        index.SearchField("search_keywords"),
        index.FilterField("disclosure_mode"),
        index.FilterField("audience"),
        index.FilterField("validity"),
        index.FilterField("department"),
        index.FilterField("checklist_item"),
        index.FilterField("document_date"),
        index.FilterField("publication_date"),
        # Chinese segmented for the search backends (wagtail_disclosure.search): a hidden
        # field holding space-separated tokens of everything but the title, attachments'
        # text included (only the trace of a withdrawn entry).
        index.SearchField("search_text_segmented"),
    ]

    # No scheduled publishing or expiry: entries go live and leave only by review.
    settings_panels = []

    # Wagtail's v2 pages API. Serve it with wagtail_disclosure.api.v2.DisclosurePagesAPIViewSet,
    # which hides entries that are not public (docs/api.md#wagtail-v2-api). Internal
    # fields (restriction reason, grounds, review) are left out on purpose.
    api_fields = [
        APIField("index_number"),
        APIField("document_number"),
        APIField("document_date"),
        APIField("publication_date"),
        APIField("summary", serializer=PublicSummaryField()),
        APIField("keywords", serializer=PublicKeywordsField()),
        APIField("disclosure_mode"),
        APIField("audience"),
        APIField("validity"),
        APIField("validity_changed_on"),
        APIField("api_checklist_item"),
        APIField("api_department"),
        APIField("api_channels"),
        APIField("body", serializer=PublicBodyField()),
        APIField("api_attachments"),
        APIField("api_withdrawal"),
    ]

    base_form_class = DisclosureEntryForm
    is_creatable = False
    parent_page_types = ["wagtail_disclosure.DisclosureCategoryPage"]
    subpage_types = []
    exclude_fields_in_copy = ["index_number", "index_site"]
    #: Template every entry type falls back to; see ``get_template``.
    entry_template = "wagtail_disclosure/pages/disclosure_entry_page.html"

    class Meta:
        verbose_name = _("disclosure entry")
        verbose_name_plural = _("disclosure entries")
        ordering = ["-publication_date", "-first_published_at"]

    # -- page tree rules ----------------------------------------------------

    @classmethod
    def is_category_page_of_mine(cls, parent):
        return DisclosureCategoryPage.objects.filter(
            pk=parent.pk, category__key=cls.category_key
        ).exists()

    @classmethod
    def can_create_at(cls, parent):
        return super().can_create_at(parent) and cls.is_category_page_of_mine(parent)

    def can_move_to(self, parent):
        return super().can_move_to(parent) and self.is_category_page_of_mine(parent)

    # -- saving ----------------------------------------------------------------

    def save(self, *args, **kwargs):
        from ..aliases import check_not_alias
        from ..workflow.guard import check_publication_change

        check_not_alias(self)
        stored = None
        if self.pk:
            stored = (
                Page.objects.filter(pk=self.pk).values_list("live", "live_revision_id").first()
            )
        check_publication_change(self, stored, kwargs.get("update_fields"))
        if self.live and not self.publication_date:
            self.publication_date = timezone.localdate()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "publication_date"}
        if self.index_number or not self.path:
            return super().save(*args, **kwargs)
        with transaction.atomic():
            self.assign_index_number()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "index_number", "index_site"}
            return super().save(*args, **kwargs)

    def copy(self, *args, **kwargs):
        """Copies start as drafts: only the review publishes an entry."""
        kwargs["keep_live"] = False
        return super().copy(*args, **kwargs)

    def permissions_for_user(self, user):
        from ..permissions import EntryPermissionTester

        return EntryPermissionTester(user, self)

    @property
    def status_string(self):
        """Wagtail's status, followed by the review state when a version is in review.

        Only where the listing annotated ``disclosure_review_state`` (the explorer does,
        in one query for all rows): elsewhere no query is made per page.
        """
        from .review import ReviewState

        status = super().status_string
        state = getattr(self, "disclosure_review_state", None)
        if state and state != ReviewState.PUBLISHED:
            return f"{status} · {ReviewState(state).label}"
        return status

    def get_workflow(self):
        """Wagtail's moderation workflows are not used for entries: ours replaces them."""
        return None

    def assign_index_number(self):
        """Give the entry its 索引号 from the sequence of its site and prefix."""
        from wagtail.models import Site

        from ..index_numbers import allocate_index_number

        paths = ancestor_paths(self.path)
        site = Site.objects.filter(root_page__path__in=paths).order_by("-root_page__depth").first()
        org_code = (
            DisclosureIndexPage.objects.filter(path__in=paths)
            .exclude(organisation_code="")
            .order_by("-depth")
            .values_list("organisation_code", flat=True)
            .first()
        ) or get_setting("ORGANISATION_CODE")
        self.index_site = site
        self.index_number = allocate_index_number(self, site, org_code)

    # -- search ----------------------------------------------------------------

    @classmethod
    def get_indexed_objects(cls):
        """What ``update_index`` reads, chunk by chunk: attachments (and the documents
        their titles come from) are fetched with the chunk, not one query per entry;
        so are the keywords and the review row that says whether the entry is withdrawn."""
        attachments = DisclosureAttachment.objects.select_related("document")
        return (
            super()
            .get_indexed_objects()
            .select_related("review")
            .prefetch_related(models.Prefetch("attachments", queryset=attachments), "keywords")
        )

    # The search fields below hold nothing for a withdrawn entry, whose public trace is
    # its title, 索引号, dates and withdrawal only (wagtail_disclosure.search.documents).

    def search_summary(self):
        from ..search.documents import entry_summary_text

        return entry_summary_text(self)

    def search_body(self):
        from ..search.documents import entry_body_text

        return entry_body_text(self)

    def search_keywords(self):
        from ..search.documents import entry_keywords_text

        return entry_keywords_text(self)

    def search_text_segmented(self):
        from ..search.documents import entry_search_text
        from ..search.segmentation import segment

        return segment(entry_search_text(self))

    # -- serving ---------------------------------------------------------------

    def is_publicly_visible(self):
        return self.live and not self.is_restricted and not self.get_view_restrictions()

    def get_sitemap_urls(self, request=None):
        """Only entries the public may read are listed in ``sitemap.xml``.

        Wagtail's sitemap lists every live page without a view restriction. Entries on
        request, not disclosed or for the campus only are live too, and aliases repeat an
        entry at another address: none of them is listed. Withheld entries are unpublished,
        so never listed. A withdrawn entry stays listed: its page is public (the trace),
        and listing it brings search engines back to drop the withdrawn text.
        """
        if not self.live or self.is_restricted or self.alias_of_id:
            return []
        return super().get_sitemap_urls(request)

    # -- Wagtail's v2 API (api_fields) ----------------------------------------------

    @property
    def api_checklist_item(self):
        item = self.checklist_item
        return {
            "id": item.pk,
            "code": item.code,
            "title": item.title,
            "category": {"id": item.category_id, "key": item.category.key},
        }

    @property
    def api_department(self):
        from ..api.refs import department_ref

        return department_ref(self.department)

    @property
    def api_channels(self):
        return [{"code": channel.code, "name": channel.name} for channel in self.channels.all()]

    @property
    def api_attachments(self):
        from ..documents import document_serve_url

        if self.withdrawal is not None:  # the public trace of a withdrawn entry has none
            return []
        return [
            {
                "title": attachment.display_title,
                "url": document_serve_url(attachment.document),
                "file_type": attachment.document.file_extension.lower(),
                "file_size": attachment.document.file_size,
            }
            for attachment in self.attachments.select_related("document")
        ]

    @property
    def api_withdrawal(self):
        review = self.withdrawal
        if review is None:
            return None
        return {"withdrawn_at": review.withdrawn_at, "reason": review.withdrawal_reason}

    @cached_property
    def withdrawal(self):
        """The review row if the entry was withdrawn (with a public trace), else None.

        Uses the review row read with the page (``select_related("review")``) when there
        is one, else asks the database.
        """
        from .review import EntryReview

        if "review" in self._state.fields_cache:
            review = self._state.fields_cache["review"]
            return review if review is not None and review.withdrawn_at else None
        if not self.pk:
            return None
        return EntryReview.objects.filter(page_id=self.pk, withdrawn_at__isnull=False).first()

    def get_template(self, request, *args, **kwargs):
        """A page type's own template if the site has one, else the shared entry template.

        ``AdmissionsEntryPage`` looks for ``wagtail_disclosure/pages/admissions_entry_page.html``.
        """
        own = f"{self._meta.app_label}/pages/{camelcase_to_underscore(type(self).__name__)}.html"
        return [own, self.entry_template]

    def serve(self, request, *args, **kwargs):
        if self.alias_of_id is not None:
            from ..aliases import serve_alias

            return serve_alias(self, request)
        if self.is_restricted and not getattr(request, "is_preview", False):
            raise Http404
        return super().serve(request, *args, **kwargs)

    @cached_property
    def category_page(self):
        return DisclosureCategoryPage.objects.filter(path=self.path[: -self.steplen]).first()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The public trace of a withdrawn entry lists no attachments.
        withdrawn = self.withdrawal is not None
        context["attachments"] = [] if withdrawn else self.attachments.select_related("document")
        context["category_fields"] = self.get_category_fields()
        return context

    #: Names of category-specific fields shown in the metadata table.
    category_field_names = ()

    def get_category_fields(self):
        rows = []
        for name in self.category_field_names:
            field = self._meta.get_field(name)
            display = getattr(self, f"get_{name}_display", None)
            value = display() if display and field.choices else getattr(self, name)
            if value not in (None, ""):
                rows.append((field.verbose_name, value))
        return rows


class DisclosureAttachment(Orderable):
    """A document attached to an entry (附件)."""

    page = ParentalKey(DisclosureEntryPage, related_name="attachments", on_delete=models.CASCADE)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(
        _("title"), max_length=255, blank=True, help_text=_("Defaults to the document's title.")
    )
    extracted_text = models.TextField(
        _("extracted text"),
        blank=True,
        editable=False,
        help_text=_("Text of the document (PDF, DOCX, XLSX), extracted in the background for search."),
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.display_title

    @property
    def display_title(self):
        return self.title or self.document.title


# ---------------------------------------------------------------------------
# The ten category page types (教办函〔2014〕23号)
# ---------------------------------------------------------------------------


def academic_year_choices():
    this_year = timezone.localdate().year
    return [(year, f"{year}–{year + 1}") for year in range(this_year + 1, 1999, -1)]


class BasicInformationEntryPage(DisclosureEntryPage):
    category_key = "basic"

    class Meta:
        verbose_name = _("basic information entry")
        verbose_name_plural = _("basic information entries")


class AdmissionsEntryPage(DisclosureEntryPage):
    category_key = "admissions"
    category_field_names = ("admission_year", "education_level")

    admission_year = models.PositiveSmallIntegerField(
        _("admission year"), null=True, blank=True, help_text=_("招生年份, e.g. 2026")
    )
    education_level = models.CharField(
        pgettext_lazy("education", "level"), max_length=20, choices=EducationLevel.choices, blank=True
    )

    content_panels = DisclosureEntryPage.content_panels + [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("admission_year"), FieldPanel("education_level")])],
            heading=_("Admissions"),
        )
    ]
    api_fields = DisclosureEntryPage.api_fields + [
        APIField("admission_year"),
        APIField("education_level"),
    ]
    search_fields = DisclosureEntryPage.search_fields + [
        index.FilterField("admission_year"),
        index.FilterField("education_level"),
    ]

    class Meta:
        verbose_name = _("admissions entry")
        verbose_name_plural = _("admissions entries")


class FinanceEntryPage(DisclosureEntryPage):
    category_key = "finance"
    category_field_names = ("fiscal_year", "finance_document_type")

    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), null=True, blank=True, help_text=_("预决算年度, e.g. 2026")
    )
    finance_document_type = models.CharField(
        _("type"), max_length=20, choices=FinanceDocumentType.choices, blank=True
    )

    content_panels = DisclosureEntryPage.content_panels + [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("fiscal_year"), FieldPanel("finance_document_type")])],
            heading=_("Finance"),
        )
    ]
    api_fields = DisclosureEntryPage.api_fields + [
        APIField("fiscal_year"),
        APIField("finance_document_type"),
    ]
    search_fields = DisclosureEntryPage.search_fields + [
        index.FilterField("fiscal_year"),
        index.FilterField("finance_document_type"),
    ]

    class Meta:
        verbose_name = _("finance, assets and fees entry")
        verbose_name_plural = _("finance, assets and fees entries")


class PersonnelEntryPage(DisclosureEntryPage):
    category_key = "personnel"

    class Meta:
        verbose_name = _("personnel entry")
        verbose_name_plural = _("personnel entries")


class TeachingQualityEntryPage(DisclosureEntryPage):
    category_key = "teaching"
    category_field_names = ("academic_year",)

    academic_year = models.PositiveSmallIntegerField(
        _("academic year"),
        null=True,
        blank=True,
        choices=academic_year_choices,
        help_text=_("The academic year (1 September to 31 August) the entry reports on."),
    )

    content_panels = DisclosureEntryPage.content_panels + [
        MultiFieldPanel([FieldPanel("academic_year")], heading=_("Teaching quality"))
    ]
    api_fields = DisclosureEntryPage.api_fields + [APIField("academic_year")]
    search_fields = DisclosureEntryPage.search_fields + [index.FilterField("academic_year")]

    class Meta:
        verbose_name = _("teaching quality entry")
        verbose_name_plural = _("teaching quality entries")


class StudentAffairsEntryPage(DisclosureEntryPage):
    category_key = "students"

    class Meta:
        verbose_name = _("student affairs entry")
        verbose_name_plural = _("student affairs entries")


class AcademicIntegrityEntryPage(DisclosureEntryPage):
    category_key = "integrity"

    class Meta:
        verbose_name = _("academic integrity entry")
        verbose_name_plural = _("academic integrity entries")


class DegreesEntryPage(DisclosureEntryPage):
    category_key = "degrees"

    class Meta:
        verbose_name = _("degrees and disciplines entry")
        verbose_name_plural = _("degrees and disciplines entries")


class InternationalEntryPage(DisclosureEntryPage):
    category_key = "international"

    class Meta:
        verbose_name = _("international exchange entry")
        verbose_name_plural = _("international exchange entries")


class OtherEntryPage(DisclosureEntryPage):
    category_key = "other"

    class Meta:
        verbose_name = _("other entry")
        verbose_name_plural = _("other entries")


ENTRY_PAGE_TYPES = [
    BasicInformationEntryPage,
    AdmissionsEntryPage,
    FinanceEntryPage,
    PersonnelEntryPage,
    TeachingQualityEntryPage,
    StudentAffairsEntryPage,
    AcademicIntegrityEntryPage,
    DegreesEntryPage,
    InternationalEntryPage,
    OtherEntryPage,
]


def entry_page_type_for(category_key):
    """The concrete entry page type bound to a checklist category key."""
    for model in ENTRY_PAGE_TYPES:
        if model.category_key == category_key:
            return model
    raise LookupError(f"No entry page type for category key {category_key!r}")


__all__ = [
    "DisclosureIndexPage",
    "DisclosureGuidePage",
    "DisclosureCategoryPage",
    "DisclosureEntryMixin",
    "DisclosureEntryPage",
    "DisclosureEntryTag",
    "DisclosureAttachment",
    "ENTRY_PAGE_TYPES",
    "entry_page_type_for",
    *[m.__name__ for m in ENTRY_PAGE_TYPES],
]
