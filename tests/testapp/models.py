"""The worked example of docs/extending.md, kept here so the test suite proves it works.

Keep this file and the code in docs/extending.md identical.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from wagtail_disclosure.models import AdmissionsEntryPage


class QuotaAdmissionsEntryPage(AdmissionsEntryPage):
    """An admissions entry that also records the enrolment quota (招生计划数)."""

    enrolment_quota = models.PositiveIntegerField(
        _("enrolment quota"),
        null=True,
        blank=True,
        help_text=_("招生计划数: the number of places in the admission plan."),
    )

    # Show the quota in the public metadata table, after the inherited fields.
    category_field_names = AdmissionsEntryPage.category_field_names + ("enrolment_quota",)

    content_panels = AdmissionsEntryPage.content_panels + [
        MultiFieldPanel([FieldPanel("enrolment_quota")], heading=_("Admission plan")),
    ]

    class Meta:
        verbose_name = _("admissions entry with quota")
        verbose_name_plural = _("admissions entries with quota")


# The second state machine of docs/extending.md, in its own module (shown whole there).
from .errata import ErrataReport, ErrataState  # noqa: E402, F401
