"""Disclosure entries: the shared base of every entry page type.

The entry page types follow Wagtail's guidance for reusable apps: the metadata lives in
:class:`~.metadata.DisclosureEntryMixin` (an abstract model), and the package ships
concrete pages built from it: :class:`DisclosureEntryPage` holds what every entry shares
(one table, so listings, the catalogue and the API query all entries at once), and one
page type per checklist category (:mod:`.entry_types`) adds the fields that category needs.

What is public is decided in one place, :meth:`DisclosureEntryQuerySet.publicly_visible`.
"""

from django import forms
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.coreutils import camelcase_to_underscore
from wagtail.models import Orderable, Page, PageManager, PageQuerySet
from wagtail.search import index

from ..aliases import check_not_alias, serve_alias
from ..api.v2_fields import (
    AttachmentsField,
    ChannelsField,
    ChecklistItemRefField,
    DepartmentRefField,
    PublicBodyField,
    PublicKeywordsField,
    PublicSummaryField,
    WithdrawalField,
)
from ..entry_urls import apply_short_slug
from ..forms import DisclosureEntryForm
from ..index_numbers import assign_index_number
from ..permissions import EntryPermissionTester
from ..search import documents as search_text
from ..search.fields import with_segmented_title
from ..search.segmentation import segment
from ..status_panels import EntryStatusPanel
from ..workflow.guard import check_publication_change
from .cacheable import CacheablePageMixin
from .metadata import PUBLIC_METADATA, DisclosureEntryMixin
from .review import EntryReview, ReviewState
from .sections import DisclosureCategoryPage, DisclosureIndexPage


class DisclosureEntryQuerySet(PageQuerySet):
    def publicly_visible(self, *, include_view_restricted=False):
        """Entries anyone may read: the one definition of "public".

        An entry is public when it is live (only the review publishes), has no Wagtail
        view restriction on itself or an ancestor, is proactively disclosed to the public
        (:data:`PUBLIC_METADATA`), is not an alias of another page
        (``wagtail_disclosure.aliases``) and is not withheld (a withheld withdrawal also
        unpublishes the entry; it is checked all the same). A withdrawn entry that keeps
        its public trace is public: :meth:`current` leaves it out.

        The pages, the catalogue and listings, search and suggestions, both APIs, the
        sitemap, aliases and document serving all build on this method.

        ``include_view_restricted=True`` keeps the entries that only a view restriction
        hides: for serving an entry's page, which Wagtail does only once the visitor has
        passed the restriction (its password, login or group).
        """
        entries = self.live()
        if not include_view_restricted:
            entries = entries.public()
        return entries.filter(**PUBLIC_METADATA, alias_of__isnull=True).exclude(
            review__withheld=True
        )

    def current(self):
        """Publicly visible entries that have not been withdrawn.

        A withdrawn entry keeps a public trace (its page says when and why it was
        withdrawn) but no longer counts in the catalogue or listings.
        """
        return self.publicly_visible().filter(review__withdrawn_at__isnull=True)


DisclosureEntryManager = PageManager.from_queryset(DisclosureEntryQuerySet)


class DisclosureEntryTag(TaggedItemBase):
    content_object = ParentalKey(
        "wagtail_disclosure.DisclosureEntryPage",
        related_name="tagged_items",
        on_delete=models.CASCADE,
    )


class DisclosureEntryPage(CacheablePageMixin, DisclosureEntryMixin, Page):
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
        [EntryStatusPanel()]  # where the review stands, why it came back (status_panels.py)
        + Page.content_panels
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
    # fields (restriction reason, grounds, review) are left out on purpose. The output of
    # the computed fields is in wagtail_disclosure.api.v2_fields.
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
        APIField("api_checklist_item", serializer=ChecklistItemRefField()),
        APIField("api_department", serializer=DepartmentRefField()),
        APIField("api_channels", serializer=ChannelsField()),
        APIField("body", serializer=PublicBodyField()),
        APIField("api_attachments", serializer=AttachmentsField()),
        APIField("api_withdrawal", serializer=WithdrawalField()),
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

    # -- where the entry is ----------------------------------------------------------

    @cached_property
    def section(self):
        """The disclosure section (:class:`DisclosureIndexPage`) the entry is in: its
        nearest ancestor of that type, or None. Known as soon as the entry has its place
        in the tree, before it is first saved."""
        if not self.path:
            return None
        return DisclosureIndexPage.objects.ancestor_of(self).order_by("-depth").first()

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
        check_not_alias(self)
        stored = None
        if self.pk:
            stored = (
                DisclosureEntryPage.objects.filter(pk=self.pk)
                .values_list("live", "live_revision_id", "checklist_item_id")
                .first()
            )
        if stored is not None:
            # The item it was filed under: its figures change too (public_cache).
            self._checklist_items_before = stored[2:]
            stored = stored[:2]
        check_publication_change(self, stored, kwargs.get("update_fields"))
        if self.live and not self.publication_date:
            self.publication_date = timezone.localdate()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "publication_date"}
        if self.index_number or not self.path:
            return super().save(*args, **kwargs)
        with transaction.atomic():
            assign_index_number(self)
            extra = {"index_number", "index_site"}
            if self.pk is None and apply_short_slug(self):
                extra.add("slug")
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], *extra}
            return super().save(*args, **kwargs)

    def copy(self, *args, **kwargs):
        """Copies start as drafts: only the review publishes an entry."""
        kwargs["keep_live"] = False
        return super().copy(*args, **kwargs)

    def permissions_for_user(self, user):
        return EntryPermissionTester(user, self)

    @property
    def status_string(self):
        """Wagtail's status, followed by the review state when a version is in review.

        Only where the listing annotated ``disclosure_review_state`` (the explorer does,
        in one query for all rows): elsewhere no query is made per page.
        """
        status = super().status_string
        state = getattr(self, "disclosure_review_state", None)
        if state and state != ReviewState.PUBLISHED:
            return f"{status} · {ReviewState(state).label}"
        return status

    def get_workflow(self):
        """Wagtail's moderation workflows are not used for entries: ours replaces them."""
        return None

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
        return search_text.entry_summary_text(self)

    def search_body(self):
        return search_text.entry_body_text(self)

    def search_keywords(self):
        return search_text.entry_keywords_text(self)

    def search_text_segmented(self):
        return segment(search_text.entry_search_text(self))

    # -- what the public sees --------------------------------------------------------

    def is_publicly_visible(self):
        """Whether ``publicly_visible()`` includes this entry (one query)."""
        if not self.pk:
            return False
        return DisclosureEntryPage.objects.publicly_visible().filter(pk=self.pk).exists()

    def get_sitemap_urls(self, request=None):
        """Only entries the public may read (``publicly_visible()``) are listed in
        ``sitemap.xml``.

        Wagtail's sitemap lists every live page without a view restriction. Entries on
        request, not disclosed or for the campus only are live too, and aliases repeat an
        entry at another address: none of them is listed. Withheld entries are unpublished,
        so never listed. A withdrawn entry stays listed: its page is public (the trace),
        and listing it brings search engines back to drop the withdrawn text.
        """
        if request is None:
            visible = self.is_publicly_visible()
        else:
            visible = self.pk in publicly_visible_ids(request)
        if not visible:
            return []
        return super().get_sitemap_urls(request)

    @cached_property
    def withdrawal(self):
        """The review row if the entry was withdrawn (with a public trace), else None.

        Uses the review row read with the page (``select_related("review")``) when there
        is one, else asks the database.
        """
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
        """The entry's page, to anyone only if the entry is public (else 404); editors'
        previews are not checked. An alias redirects to its original
        (``aliases.serve_alias``).

        Wagtail serves only live pages, and only to visitors who passed the page's view
        restrictions: those are not checked again here.
        """
        if self.alias_of_id is not None:
            return serve_alias(self, request)
        if not getattr(request, "is_preview", False):
            visible = DisclosureEntryPage.objects.publicly_visible(include_view_restricted=True)
            if not visible.filter(pk=self.pk).exists():
                raise Http404
        return super().serve(request, *args, **kwargs)

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


def publicly_visible_ids(request):
    """Primary keys of the ``publicly_visible()`` entries, read once per request and kept
    on it: the sitemap asks for each page it lists (one query, not one per entry)."""
    ids = getattr(request, "_disclosure_publicly_visible_ids", None)
    if ids is None:
        ids = frozenset(
            DisclosureEntryPage.objects.publicly_visible().values_list("pk", flat=True)
        )
        request._disclosure_publicly_visible_ids = ids
    return ids


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
