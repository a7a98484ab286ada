"""The public search form (GET) of a disclosure section."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import ChecklistCategory, ChecklistItem, Department
from ..models.choices import Validity
from .query import SORT_NEWEST, SORT_OLDEST, SORT_RELEVANCE, Filters


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=ChecklistCategory.objects.none(),
        required=False,
        to_field_name="key",
        empty_label=_("All categories"),
    )
    item = forms.ModelChoiceField(
        label=_("Checklist item"),
        queryset=ChecklistItem.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All items"),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        to_field_name="short_code",
        empty_label=_("All departments"),
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    validity = forms.ChoiceField(
        label=_("Validity"),
        required=False,
        choices=[("", _("Any validity")), *Validity.choices],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            (SORT_RELEVANCE, _("Relevance")),
            (SORT_NEWEST, pgettext_lazy("sort", "Newest first")),
            (SORT_OLDEST, pgettext_lazy("sort", "Oldest first")),
        ],
    )

    def __init__(self, *args, section=None, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        checklist_id = getattr(section, "checklist_id", None)
        categories = ChecklistCategory.objects.order_by("number")
        items = ChecklistItem.objects.select_related("category").order_by(
            "category__number", "number"
        )
        if checklist_id:
            categories = categories.filter(checklist_id=checklist_id)
            items = items.filter(category__checklist_id=checklist_id)
        self.fields["category"].queryset = categories
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: f"{item.code}. {item.title}"
        self.fields["year"].choices = [("", _("Any year")), *((y, str(y)) for y in years)]

    def get_filters(self):
        data = self.cleaned_data if self.is_valid() else {}
        return Filters(
            category=data.get("category"),
            item=data.get("item"),
            department=data.get("department"),
            year=data.get("year"),
            validity=data.get("validity") or "",
        )

    def get_query(self):
        return (self.cleaned_data.get("q") or "").strip() if self.is_valid() else ""

    def get_sort(self):
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("sort") or (SORT_RELEVANCE if self.get_query() else SORT_NEWEST)
