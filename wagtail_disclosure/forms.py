from wagtail.admin.forms import WagtailAdminModelForm


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
