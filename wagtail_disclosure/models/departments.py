from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from ..permissions import DEPARTMENT_PERMISSIONS


class Department(index.Indexed, models.Model):
    """A unit of the university (处室、学院): owns disclosure items and entries."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_code = models.CharField(
        _("short code"),
        max_length=20,
        unique=True,
        help_text=_("Letters, digits and hyphens; used in 索引号 patterns and URLs."),
        validators=[
            models.fields.validators.RegexValidator(
                r"^[A-Za-z0-9-]+$", _("Use only letters, digits and hyphens.")
            )
        ],
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    sort_order = models.IntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("short_code"),
        index.FilterField("is_active"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        permissions = DEPARTMENT_PERMISSIONS

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        # A unit may not be its own ancestor.
        seen = {self.pk} if self.pk else set()
        node = self.parent
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": _("A unit cannot be placed under itself.")})
            seen.add(node.pk)
            node = node.parent
