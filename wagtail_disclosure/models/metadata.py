"""The catalogue metadata every disclosure entry carries (docs/concepts/metadata.md).

:class:`DisclosureEntryMixin` is the abstract model behind every entry page type
(:mod:`.entries`); :data:`PUBLIC_METADATA` is the part of "public" that the metadata decides.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField

from ..blocks import DisclosureBodyBlock
from ..dates import date_range_error
from .checklist import ChecklistItem
from .choices import Audience, DisclosureMode, ExemptionBasis, Validity

#: The metadata that discloses an entry to the public: 主动公开 (proactively), to 社会公众
#: (the public). One of the conditions of ``publicly_visible()``; both are search
#: FilterFields, so a search server filters on them too (``search.query``).
PUBLIC_METADATA = {"disclosure_mode": DisclosureMode.ACTIVE, "audience": Audience.PUBLIC}


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
        """Whether the metadata keeps the entry from the public (:data:`PUBLIC_METADATA`)."""
        return any(getattr(self, name) != value for name, value in PUBLIC_METADATA.items())
