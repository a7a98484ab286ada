"""Admin screens to edit the texts of the letters of requests (LetterTemplate).

A row overrides the built-in text of one kind of letter (and, for answers, one outcome
group); ``wagtail_disclosure.request_letters`` documents what the texts can use. Letters
already issued keep their text. Access follows the model permissions
(``add/change/delete_lettertemplate``), as for the other ModelViewSets.
"""

from django import forms
from django.template import Engine, TemplateSyntaxError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import LetterTemplate
from ..models.requests import LetterKind
from ..request_outcomes import GROUPS

VARIABLES_HELP = _(
    "Django template syntax. Available: {{ tracking_number }}, {{ lookup_code }}, "
    "{{ applicant_name }}, {{ received_on }}, {{ description }}, {{ due_date }}, "
    "{{ outcome_label }}, {{ outcome_reason }}, {{ outcome_link }}, {{ correction_items }}, "
    "{{ extension.days }}, {{ fee.amount }}, {{ law }}, {{ university }}, {{ issued_on }}, "
    "{{ letter_number }}. One paragraph per line; the lines after the last empty line are "
    "the signature and the date. Letters already issued keep their text."
)


def _outcome_group_choices():
    return [("", _("All outcomes (or not an answer)")), *GROUPS.items()]


class LetterTemplateForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_group"] = forms.ChoiceField(
            label=self.fields["outcome_group"].label,
            help_text=self.fields["outcome_group"].help_text,
            choices=_outcome_group_choices(),
            required=False,
        )

    def _compiled(self, name):
        value = self.cleaned_data.get(name, "")
        try:
            Engine.get_default().from_string(value)
        except TemplateSyntaxError as error:
            raise forms.ValidationError(
                _("This text is not a valid template: %(error)s"), params={"error": error}
            ) from error
        return value

    def clean_subject(self):
        return self._compiled("subject")

    def clean_body(self):
        return self._compiled("body")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome_group") and cleaned.get("kind") != LetterKind.ANSWER:
            self.add_error("outcome_group", _("Only answers have a text per outcome."))
        return cleaned


class LetterTemplateViewSet(ModelViewSet):
    name = "disclosure_letter_templates"
    model = LetterTemplate
    icon = "doc-full"
    menu_label = _("Letter texts")
    add_to_admin_menu = False
    list_display = ["__str__", "subject"]
    list_filter = ["kind"]
    ordering = ["kind", "outcome_group"]
    copy_view_enabled = False
    inspect_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("kind"),
            FieldPanel("outcome_group"),
            HelpPanel(content=VARIABLES_HELP),
            FieldPanel("subject"),
            FieldPanel("body"),
        ],
        base_form_class=LetterTemplateForm,
    )
