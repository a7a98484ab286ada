"""The entry page types of the MOE checklist: one per category (教办函〔2014〕23号).

Each binds :class:`~.entries.DisclosureEntryPage` to a checklist category
(``category_key``) and adds the fields that category needs. Sites add their own the same
way (docs/extending.md).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.search import index

from .choices import EducationLevel, FinanceDocumentType
from .entries import DisclosureEntryPage


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
