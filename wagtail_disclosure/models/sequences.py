from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexNumberSequence(models.Model):
    """The last serial handed out for one 索引号 prefix on one site.

    A row per (site, prefix); the row is locked while a number is taken, so two
    editors creating entries at once never get the same number.
    """

    site = models.ForeignKey(
        "wagtailcore.Site", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("prefix"), max_length=200)
    last_value = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("index number sequence")
        verbose_name_plural = _("index number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "key"], name="wagtail_disclosure_sequence_unique"
            ),
            # NULLs are distinct in a unique index: pages outside any site share one
            # sequence per prefix through this partial index.
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(site__isnull=True),
                name="wagtail_disclosure_sequence_no_site_unique",
            ),
        ]

    def __str__(self):
        return f"{self.key} → {self.last_value}"
