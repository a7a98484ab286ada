from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index


class Checklist(models.Model):
    """A version of the list of items a university must disclose.

    The MOE 2014 list (教办函〔2014〕23号) is installed by a data migration. A later
    version, or a provincial supplement, is added as data: new rows, no code.
    """

    OFFICIAL_FIELDS = ("code", "title", "document_number", "issued_by", "issued_on", "description")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=255)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issued_by = models.CharField(_("issued by"), max_length=255, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_official = models.BooleanField(
        _("official"),
        default=False,
        editable=False,
        help_text=_("Installed from an official source; its wording cannot be edited."),
    )

    class Meta:
        ordering = ["-issued_on", "code"]
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")

    def __str__(self):
        return self.title


class ChecklistCategory(models.Model):
    """One of the checklist's categories (基本信息, 招生考试信息, …)."""

    OFFICIAL_FIELDS = ("checklist", "number", "key", "title")

    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.CASCADE, related_name="categories"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    key = models.SlugField(
        _("key"),
        max_length=50,
        help_text=_(
            "Stable identifier that binds the category to an entry page type "
            "(for example 'admissions'). Keep it across checklist versions."
        ),
    )
    title = models.CharField(_("title"), max_length=255)
    is_official = models.BooleanField(_("official"), default=False, editable=False)
    requires_sign_off = models.BooleanField(
        _("requires sign-off"),
        default=False,
        help_text=_(
            "Entries of this category need the sign-off of the leader in charge (分管校领导) "
            "before publication."
        ),
    )

    class Meta:
        ordering = ["checklist", "number"]
        verbose_name = _("checklist category")
        verbose_name_plural = _("checklist categories")
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "number"], name="wagtail_disclosure_category_number_unique"
            ),
            models.UniqueConstraint(
                fields=["checklist", "key"], name="wagtail_disclosure_category_key_unique"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def code(self):
        """Two-digit category code used in 索引号 (``01`` … ``10``)."""
        return f"{self.number:02d}"


class UpdateRule(models.TextChoices):
    ON_CHANGE = "on_change", _("Within N working days of being made or changed")
    YEARLY = "yearly", _("Once a year, by a given month")
    ADMISSION_CYCLE = "admission_cycle", _("Each admission cycle")
    AS_NEEDED = "as_needed", _("As needed")


class ChecklistItemQuerySet(models.QuerySet):
    def for_checklist(self, checklist):
        return self.filter(category__checklist=checklist)


class ChecklistItem(index.Indexed, models.Model):
    """One item of the checklist (事项), such as 7. 招生章程…; or an item a school adds."""

    # Fields holding the official wording; locked on official items.
    OFFICIAL_FIELDS = ("category", "parent", "number", "code", "title", "description")

    category = models.ForeignKey(
        ChecklistCategory,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sub_items",
        help_text=_("Set this to make the item a sub-item (such as 1.1) of another item."),
    )
    number = models.PositiveIntegerField(
        _("number"), help_text=_("Position in the checklist; official items are numbered 1–50.")
    )
    code = models.CharField(
        _("code"),
        max_length=20,
        help_text=_("Shown before the title, e.g. '7', '1.1' or 'S-01' for a school's own item."),
    )
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    related_regulations = models.TextField(
        _("related regulations"),
        blank=True,
        help_text=_("The documents that set out what this item requires (有关文件), one per line."),
    )
    default_department = models.ForeignKey(
        "wagtail_disclosure.Department",
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checklist_items",
    )
    update_rule = models.CharField(
        _("update rule"), max_length=20, choices=UpdateRule.choices, default=UpdateRule.ON_CHANGE
    )
    update_within_working_days = models.PositiveSmallIntegerField(
        _("update within (working days)"),
        default=20,
        help_text=_("For items updated within N working days of a change: the number N."),
    )
    update_month = models.PositiveSmallIntegerField(
        _("update by month"),
        null=True,
        blank=True,
        choices=[(m, m) for m in range(1, 13)],
        help_text=_("For yearly items: the month by which the year's entry is due."),
    )
    not_applicable_reason = models.TextField(
        _("not applicable because"),
        blank=True,
        help_text=_(
            "Fill this in when the item does not apply to the university (for example no "
            "Sino-foreign cooperative programmes). The catalogue then shows the reason."
        ),
    )
    is_official = models.BooleanField(_("official"), default=False, editable=False)

    objects = ChecklistItemQuerySet.as_manager()

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.SearchField("code"),
        index.SearchField("description"),
    ]

    class Meta:
        ordering = ["category__checklist", "number", "code"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code"], name="wagtail_disclosure_item_code_unique"
            ),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"

    @property
    def is_applicable(self):
        return not self.not_applicable_reason

    def clean(self):
        super().clean()
        errors = {}
        if self.parent_id:
            if self.parent_id == self.pk:
                errors["parent"] = _("An item cannot be its own parent.")
            elif self.parent.category_id != self.category_id:
                errors["parent"] = _("A sub-item must be in the same category as its parent.")
        if self.category_id:
            clash = ChecklistItem.objects.filter(
                category__checklist_id=self.category.checklist_id, code=self.code
            ).exclude(pk=self.pk)
            if clash.exists():
                errors["code"] = _("Another item of this checklist already uses this code.")
        if self.is_official and self.pk:
            stored = (
                ChecklistItem.objects.filter(pk=self.pk)
                .values(
                    *(
                        f"{name}_id" if name in ("category", "parent") else name
                        for name in self.OFFICIAL_FIELDS
                    )
                )
                .first()
            )
            for name in self.OFFICIAL_FIELDS:
                attname = f"{name}_id" if name in ("category", "parent") else name
                if stored and stored[attname] != getattr(self, attname):
                    errors[name] = _("This is official wording and cannot be changed.")
        if errors:
            raise ValidationError(errors)


class ReleaseChannel(models.Model):
    """A channel an entry was (also) released on: website, WeChat, bulletin board…

    The annual report counts entries per channel.
    """

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    sort_order = models.IntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("release channel")
        verbose_name_plural = _("release channels")

    def __str__(self):
        return self.name
