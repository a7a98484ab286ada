from wagtail.admin.forms import WagtailAdminModelForm

from .models import ChecklistItem


class ChecklistItemForm(WagtailAdminModelForm):
    """Shows the official wording of MOE items read-only; local fields stay editable."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.is_official:
            for name in ChecklistItem.OFFICIAL_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
