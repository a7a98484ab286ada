"""Admin forms of the package's models.

The page models name their form (``base_form_class``), so this module imports none of the
package's models: it reads them with ``apps.get_model`` when a form is built.
"""

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm

from .permissions import Role, department_filter


def _model(name):
    return apps.get_model("wagtail_disclosure", name)


class OfficialWordingForm(WagtailAdminModelForm):
    """Shows the official wording (``Model.OFFICIAL_FIELDS``) of MOE data read-only.

    Disabled fields ignore whatever is posted, so the lock holds server-side; the
    school's own attributes (responsible department, sign-off rule…) stay editable.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.is_official:
            for name in self._meta.model.OFFICIAL_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True


class DisclosureCategoryPageForm(WagtailAdminPageForm):
    """Offers only the categories of the section's checklist, each at most once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = self.parent_page.specific if self.parent_page else None
        if "category" in self.fields and self.in_section():
            self.fields["category"].queryset = _model("ChecklistCategory").objects.filter(
                checklist_id=self.section.checklist_id
            )

    def in_section(self):
        return isinstance(self.section, _model("DisclosureIndexPage"))

    def clean(self):
        cleaned_data = super().clean()
        category = cleaned_data.get("category")
        if category and self.in_section():
            taken = (
                _model("DisclosureCategoryPage")
                .objects.child_of(self.section)
                .filter(category=category)
            )
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("category", _("This section already has a page for this category."))
        return cleaned_data


class DisclosureEntryForm(WagtailAdminPageForm):
    """Limits the checklist item to the category of the page type (and section)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("checklist_item")
        if field is not None:
            items = (
                _model("ChecklistItem")
                .objects.select_related("category")
                .filter(category__key=self._meta.model.category_key)
            )
            parent = self.parent_page.specific if self.parent_page else None
            if isinstance(parent, _model("DisclosureCategoryPage")):
                items = items.filter(category_id=parent.category_id)
            field.queryset = items
            if items.count() == 1 and not self.initial.get("checklist_item"):
                field.initial = items.get().pk
        self.limit_departments()

    def limit_departments(self):
        """Offer the departments where the user is an editor (and the entry's own)."""
        field = self.fields.get("department")
        user = getattr(self, "for_user", None)
        if field is None or user is None:
            return
        allowed = department_filter(user, [Role.DEPARTMENT_EDITOR], field="pk")
        if not allowed:  # an empty Q: every department
            return
        if self.instance.department_id:
            allowed |= models.Q(pk=self.instance.department_id)
        field.queryset = _model("Department").objects.filter(allowed)
