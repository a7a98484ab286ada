from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class WorkingDayOverride(models.Model):
    """One date whose working-day status is set by an administrator.

    An override wins over the ``chinesecalendar`` data and over the Monday–Friday
    fallback used for years that library does not cover. Administrators enter the
    State Council's holiday schedule (放假安排) for a year the installed library does
    not know yet, or correct its data. See ``wagtail_disclosure.working_days``.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_(
            "Ticked: people work on this date, e.g. a weekend make-up day (调休上班). "
            "Not ticked: a rest day, e.g. a weekday inside a public holiday."
        ),
    )
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_("For example “2027年春节调休上班” or the number of the State Council notice."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")

    def __str__(self):
        kind = _("working day") if self.is_working_day else _("rest day")
        return f"{self.date.isoformat()} ({kind})"

    def weekday(self):
        """The localised day of the week, e.g. “星期日”, shown next to the date in the admin."""
        return date_format(self.date, "l")

    weekday.short_description = _("day of the week")
