"""The annual report (信息公开工作年度报告) and the figures the office enters for it.

:class:`AnnualReportPage` is an entry of checklist item 6 (信息公开年度报告, category 基本信息):
it is reviewed (保密审查) and published on the workflow engine like every entry and is public
exactly when ``publicly_visible()`` says so. Its figures are computed by
``wagtail_disclosure.annual_report`` (a service, named here by dotted path: models do not
import services) when a version of the report is saved, and stored in that version
(``figures``): the public page shows the figures of its live version, never figures
computed when it is read (docs/annual-report.md).
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from ..aliases import serve_alias
from ..forms import DisclosureEntryForm
from ..report_blocks import FIGURES_WITH_REFERENCE, AnnualReportBlock, default_outline
from ..search import documents as search_text
from ..search.segmentation import segment
from ..status_panels import EntryStatusPanel
from .checklist import ChecklistItem, ReleaseChannel
from .entries import DisclosureEntryPage
from .entry_types import academic_year_choices
from .sections import DisclosureIndexPage, default_checklist

#: The checklist item the reports belong to: 6. 信息公开年度报告 (category 1, 基本信息).
ANNUAL_REPORT_ITEM_CODE = "6"


def academic_year_period(year):
    """1 September ``year`` to 31 August ``year + 1`` (as ``request_statistics.academic_year``)."""
    return datetime.date(year, 9, 1), datetime.date(year + 1, 8, 31)


def default_academic_year():
    """The academic year that ended last: on 29 November 2026, 2025 (2025–2026)."""
    today = timezone.localdate()
    return today.year - 1 if today.month >= 9 else today.year - 2


def annual_report_item(checklist):
    """Item 6 of ``checklist`` (of the category 基本信息), or None."""
    if checklist is None:
        return None
    return ChecklistItem.objects.filter(
        category__checklist=checklist, category__key="basic", code=ANNUAL_REPORT_ITEM_CODE
    ).first()


def figure_reference_errors(report, academic_year):
    """Messages for the figure blocks of ``report`` (a StreamValue) that name a channel or
    an office figure that does not exist (for ``academic_year``). Checked by the admin
    form, not on every save: publishing an approved version must not fail on them (a
    missing figure shows as "—")."""
    wanted = {"channel": set(), "manual": set()}
    messages = []
    for section in report or []:
        for child in section.value or []:
            if child.block_type != "figure":
                continue
            figure = child.value.get("figure")
            reference = (child.value.get("reference") or "").strip()
            if figure not in FIGURES_WITH_REFERENCE:
                continue
            if not reference:
                messages.append(
                    _("A figure of a channel or entered by the office needs its code or key.")
                )
            else:
                wanted[figure].add(reference)
    if wanted["channel"]:
        known = set(
            ReleaseChannel.objects.filter(code__in=wanted["channel"]).values_list("code", flat=True)
        )
        messages += [
            _("No release channel has the code “%(code)s”.") % {"code": code}
            for code in sorted(wanted["channel"] - known)
        ]
    if wanted["manual"]:
        known = set(
            ReportFigure.objects.filter(
                academic_year=academic_year, key__in=wanted["manual"]
            ).values_list("key", flat=True)
        )
        messages += [
            _("No report figure of this academic year has the key “%(key)s”.") % {"key": key}
            for key in sorted(wanted["manual"] - known)
        ]
    return messages


class AnnualReportPageForm(DisclosureEntryForm):
    """Tells the page its section before it is in the tree (for the checks of ``clean``)
    and starts a new report with a title."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parent = self.parent_page
        if parent is not None and not self.instance.path:
            self.instance._section_hint = (
                DisclosureIndexPage.objects.ancestor_of(parent, inclusive=True)
                .order_by("-depth")
                .first()
            )

    def clean(self):
        cleaned_data = super().clean()
        year = cleaned_data.get("academic_year") or self.instance.academic_year
        for message in figure_reference_errors(cleaned_data.get("report"), year):
            self.add_error("report", message)
        return cleaned_data


class AnnualReportPage(RoutablePageMixin, DisclosureEntryPage):
    """信息公开工作年度报告: one per academic year and section, an entry of checklist item 6.

    Routes: the page, ``print/`` (a print version) and ``docx/`` (the report as .docx),
    served by the views named in ``print_view`` and ``docx_view``.
    """

    category_key = "basic"

    academic_year = models.PositiveSmallIntegerField(
        _("academic year"),
        choices=academic_year_choices,
        default=default_academic_year,
        validators=[MinValueValidator(2000), MaxValueValidator(2999)],
        help_text=_("The academic year reported on (1 September to 31 August)."),
    )
    period_start = models.DateField(
        _("period starts"),
        null=True,
        blank=True,
        help_text=_("Leave empty for 1 September. Cannot be changed once the report is published."),
    )
    period_end = models.DateField(
        _("period ends"),
        null=True,
        blank=True,
        help_text=_("Leave empty for 31 August. Cannot be changed once the report is published."),
    )
    report = StreamField(AnnualReportBlock(), verbose_name=_("report"), blank=True)
    figures = models.JSONField(
        _("figures"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("The figures and the item table, computed when the report is saved."),
    )
    figures_computed_at = models.DateTimeField(
        _("figures computed at"), null=True, blank=True, editable=False
    )

    content_panels = [
        EntryStatusPanel(),
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("academic_year"),
                FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]),
            ],
            heading=_("Period"),
        ),
        FieldPanel("report"),
        MultiFieldPanel(
            [
                FieldPanel("department"),
                FieldRowPanel([FieldPanel("document_number"), FieldPanel("document_date")]),
                FieldPanel("publication_date"),
                FieldPanel("summary"),
                FieldPanel("keywords"),
                FieldPanel("channels", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Catalogue metadata"),
        ),
    ]
    api_fields = DisclosureEntryPage.api_fields + [
        APIField("academic_year"),
        APIField("period_start"),
        APIField("period_end"),
    ]
    # The narrative is searchable like an entry's body (not once the report is withdrawn).
    search_fields = DisclosureEntryPage.search_fields + [
        index.FilterField("academic_year"),
        index.SearchField("search_report"),
    ]

    base_form_class = AnnualReportPageForm

    #: The service that builds the report document, and the views of the routes, by
    #: dotted path (imported when used).
    document_function = "wagtail_disclosure.annual_report.report_document"
    print_view = "wagtail_disclosure.views.annual_report_public.print_page"
    docx_view = "wagtail_disclosure.views.annual_report_public.docx"

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.pk is None and not self.report.raw_data:
            self.report = default_outline()

    # -- the period ----------------------------------------------------------------------

    @property
    def academic_year_label(self):
        return f"{self.academic_year}-{self.academic_year + 1}" if self.academic_year else ""

    @property
    def period(self):
        """``(start, end)``: the academic year unless overridden."""
        start, end = academic_year_period(self.academic_year)
        return self.period_start or start, self.period_end or end

    @property
    def report_section(self):
        """The section of the report, known before the page is in the tree (admin form)."""
        return self.section or getattr(self, "_section_hint", None)

    def has_been_published(self):
        return bool(self.pk) and (
            Page.objects.filter(pk=self.pk, first_published_at__isnull=False).exists()
        )

    # -- checks ----------------------------------------------------------------------

    def ensure_checklist_item(self):
        if self.checklist_item_id:
            return
        section = self.report_section
        checklist = section.checklist if section is not None else default_checklist()
        item = annual_report_item(checklist)
        if item is not None:
            self.checklist_item = item

    def clean(self):
        self.ensure_checklist_item()
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors.update(error.update_error_dict({}))
        if not self.checklist_item_id:
            errors.setdefault("title", []).append(
                _("The section's checklist has no item 6 (annual report) in 基本信息.")
            )
        elif self.checklist_item.code != ANNUAL_REPORT_ITEM_CODE:
            errors.setdefault("title", []).append(
                _("An annual report belongs to checklist item 6 (annual report).")
            )
        start, end = self.period
        if end < start:
            errors.setdefault("period_end", []).append(_("The period cannot end before it starts."))
        section = self.report_section
        if section is not None and self.academic_year:
            taken = AnnualReportPage.objects.descendant_of(section).filter(
                academic_year=self.academic_year
            )
            if self.pk:
                taken = taken.exclude(pk=self.pk)
            if taken.exists():
                errors.setdefault("academic_year", []).append(
                    _("This section already has a report for this academic year.")
                )
        errors.update(self.period_lock_errors())
        if errors:
            raise ValidationError(errors)

    def period_lock_errors(self):
        """Once a report has been published its period is fixed: {field: message}."""
        if not self.pk:
            return {}
        stored = (
            AnnualReportPage.objects.filter(pk=self.pk, first_published_at__isnull=False)
            .values("academic_year", "period_start", "period_end")
            .first()
        )
        if stored is None:
            return {}
        message = _("The report has been published: its academic year and period cannot change.")
        return {
            name: [message]
            for name in ("academic_year", "period_start", "period_end")
            if stored[name] != getattr(self, name)
        }

    def save(self, *args, **kwargs):
        self.ensure_checklist_item()
        return super().save(*args, **kwargs)

    # -- serving ---------------------------------------------------------------------

    def serve(self, request, *args, **kwargs):
        """As every entry: to anyone only if public (else 404), aliases redirect; then
        the route (the page, ``print/``, ``docx/``)."""
        if self.alias_of_id is not None:
            return serve_alias(self, request)
        if not getattr(request, "is_preview", False):
            visible = DisclosureEntryPage.objects.publicly_visible(include_view_restricted=True)
            if not visible.filter(pk=self.pk).exists():
                raise Http404
        return RoutablePageMixin.serve(self, request, *args, **kwargs)

    # -- search ----------------------------------------------------------------------

    def search_report(self):
        """The report's narrative as text; nothing once withdrawn (its trace only)."""
        if search_text.is_trace_only(self):
            return ""
        return search_text.streamfield_text(self, "report")

    def search_text_segmented(self):
        parts = (search_text.entry_search_text(self), self.search_report())
        return segment("\n".join(part for part in parts if part))

    def report_document(self, *, frozen=True):
        """The report as a dict (``wagtail_disclosure.annual_report.report_document``)."""
        return import_string(self.document_function)(self, frozen=frozen)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # A preview shows figures computed now (marked as such); the page, those frozen in
        # its live version.
        preview = bool(getattr(request, "is_preview", False))
        context["report_preview"] = preview
        context["report"] = self.report_document(frozen=not preview)
        context["print_url"] = self.reverse_subpage("print")
        context["docx_url"] = self.reverse_subpage("docx")
        return context

    def _view(self, name):
        return import_string(getattr(self, name))

    @path("print/", name="print")
    def print_route(self, request):
        return self._view("print_view")(self, request)

    @path("docx/", name="docx")
    def docx_route(self, request):
        return self._view("docx_view")(self, request)


class ReportFigure(models.Model):
    """A figure of the annual report that is not in the data (training sessions, their
    attendance, readers of the WeChat account…), entered by the office with its source."""

    academic_year = models.PositiveSmallIntegerField(
        _("academic year"),
        choices=academic_year_choices,
        default=default_academic_year,
        help_text=_("The academic year (1 September to 31 August) the figure is for."),
    )
    key = models.SlugField(
        _("key"),
        max_length=50,
        help_text=_("How a figure block of the report names it, such as training_sessions."),
    )
    label = models.CharField(_("label"), max_length=255)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    unit = models.CharField(
        _("unit"), max_length=20, blank=True, help_text=_("Such as 人次 or 场.")
    )
    source = models.CharField(
        _("source"),
        max_length=255,
        help_text=_("Where the figure comes from, such as the sign-in sheets of the trainings."),
    )

    class Meta:
        ordering = ["-academic_year", "pk"]
        verbose_name = _("report figure")
        verbose_name_plural = _("report figures")
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "key"], name="wagtail_disclosure_report_figure_unique"
            )
        ]

    def __str__(self):
        return f"{self.academic_year}–{self.academic_year + 1}: {self.label}"
