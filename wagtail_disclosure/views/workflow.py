"""Admin screens of any declared workflow: confirming and taking one transition, and a
listing column with the transitions a person may take.

Thin callers of ``wagtail_disclosure.workflow``: the service decides, under a row lock,
whether a transition may be taken; these views ask first only to answer with the right
status code and message. The entry review uses them through ``views/review.py``; another
workflow gets them at ``disclosure/workflow/<app_label>.<model>/<pk>/<transition>/``
without writing a view (docs/extending.md).
"""

import django_fsm as fsm
from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..permissions import has_any_role
from ..workflow.engine import registry, step_label
from ..workflow.services import TransitionError, available_transitions, resolve, take_transition

#: Status code for each ``TransitionError.code``.
ERROR_STATUS = {
    "unknown": 404,
    "reason_required": 400,
    "permission_denied": 403,
    "not_allowed": 409,
    "concurrent": 409,
    "stale": 409,
}


class TransitionForm(forms.Form):
    """The comment, and what the person saw: the form is refused if either moved on."""

    comment = forms.CharField(
        label=pgettext_lazy("review", "Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. Recorded in the history and sent with the notice."),
    )
    expected_state = forms.CharField(required=False, widget=forms.HiddenInput)
    expected_version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, step, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        if step.needs_reason:
            comment = self.fields["comment"]
            comment.label = _("Reason")
            comment.help_text = _("Required. Recorded in the history and sent with the notice.")

    def options(self):
        """Keyword options for the model's transition method (none by default)."""
        return {}


class TransitionView(WagtailAdminTemplateMixin, FormView):
    """Confirm (GET) and take (POST) one transition on one object of a workflow.

    Status codes: 404 for an unknown transition or object; 403 when the user does not
    hold the role the transition needs (or no role at all in the object's department:
    then nothing of the object is shown); 409 when the state does not allow the
    transition, or the state or version changed since the form was shown; 400 when a
    required reason is missing.
    """

    template_name = "wagtail_disclosure/admin/workflow_transition_form.html"
    refused_template_name = "wagtail_disclosure/admin/transition_refused.html"
    form_class = TransitionForm
    header_icon = "tasks"
    #: Set when the user holds no role in the object's department (see ``refusal``).
    concealed = False

    def get_object(self):
        model = self.kwargs["model"]
        workflow = next((w for w in registry if w.model._meta.label_lower == model), None)
        if workflow is None:
            raise Http404
        try:
            return get_object_or_404(workflow.model, pk=self.kwargs["pk"])
        except (ValueError, ValidationError) as error:  # not a key of this model
            raise Http404 from error

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.workflow, self.row = resolve(self.object)
        self.transition = kwargs["transition"]
        self.step = self.workflow.steps.get(self.transition)
        if self.step is None or self.step.system:
            raise Http404
        refusal = self.refusal()
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)

    # -- checks -------------------------------------------------------------------

    def refusal(self):
        """A 403 or 409 response unless the user may take the transition now."""
        user = self.request.user
        method = getattr(self.row, self.transition)
        if fsm.has_transition_perm(method, user):
            return None
        # Whoever holds no role in the department learns nothing of the object.
        self.concealed = not has_any_role(user, self.workflow.department_id(self.row))
        if not self.concealed and not fsm.can_proceed(method):
            return self.refuse(
                409,
                _("This is “%(state)s”: “%(action)s” is not possible now.")
                % {"state": self.state_label, "action": self.label},
            )
        return self.refuse(
            403, _("You do not have the role needed for this action in this department.")
        )

    def refuse(self, status, message):
        context = self.get_context_data(message=message, status=status)
        return TemplateResponse(self.request, self.refused_template_name, context, status=status)

    # -- display ------------------------------------------------------------------

    @property
    def label(self):
        return step_label(self.workflow, self.transition)

    @property
    def state_label(self):
        return self.workflow.state_label(self.workflow.state_of(self.row))

    @property
    def object_url(self):
        """Where the person looks at the object (and is sent back to)."""
        return AdminURLFinder(self.request.user).get_edit_url(self.object) or ""

    def object_title(self):
        return str(self.object)

    def get_page_title(self):
        return self.label

    def get_page_subtitle(self):
        return self.label

    def get_header_title(self):
        if self.concealed:
            return self.label
        return f"{self.label}: {self.object_title()}"

    def get_breadcrumbs_items(self):
        if self.concealed:
            return self.breadcrumbs_items + [{"url": "", "label": self.label}]
        return self.breadcrumbs_items + [
            {"url": self.object_url, "label": self.object_title()},
            {"url": "", "label": self.label},
        ]

    def get_initial(self):
        version = self.workflow.version_of(self.row)
        return {
            "expected_state": self.workflow.state_of(self.row),
            "expected_version": "" if version is None else version,
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "step": self.step}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            concealed=self.concealed,
            object=self.object,
            object_title=self.object_title(),
            row=self.row,
            state_label=self.state_label,
            transition=self.transition,
            transition_label=self.label,
            needs_reason=self.step.needs_reason,
            edit_url=self.object_url,
            action_url=self.request.path,
            submit_button_label=self.label,
            submit_button_active_label=self.label,
        )
        return context

    # -- taking it ------------------------------------------------------------------

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            row = take_transition(
                self.object,
                self.transition,
                self.request.user,
                comment=data["comment"],
                expected_state=data.get("expected_state") or None,
                expected_version=data.get("expected_version") or None,
                **form.options(),
            )
        except TransitionError as error:
            if error.code == "reason_required":
                form.add_error("comment", error.message)
                return self.render_to_response(self.get_context_data(form=form), status=400)
            self.row = self.workflow.model._default_manager.get(pk=self.row.pk)
            return self.refuse(ERROR_STATUS.get(error.code, 409), error.message)
        messages.success(
            self.request,
            _("“%(title)s” is now “%(state)s”.")
            % {
                "title": self.object_title(),
                "state": self.workflow.state_label(self.workflow.state_of(row)),
            },
        )
        return redirect(self.object_url or reverse("wagtailadmin_home"))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


def transition_url(row, name):
    """The admin URL confirming transition ``name`` on a workflow row."""
    return reverse(
        "wagtail_disclosure:workflow_transition",
        args=[row._meta.label_lower, row.pk, name],
    )


class TransitionsColumn(Column):
    """A listing column with a link per transition the user may take on the row.

    For the listings of a workflow model's ``ModelViewSet``::

        list_display = ["title", "state", TransitionsColumn("actions")]
    """

    cell_template_name = "wagtail_disclosure/admin/cells/transitions.html"

    def __init__(self, name="transitions", label=None, **kwargs):
        super().__init__(name, label=label or _("Actions"), **kwargs)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        workflow, row = resolve(instance)
        context["transitions"] = [
            {
                "name": name,
                "label": step_label(workflow, name),
                "icon": workflow.steps[name].icon,
                "url": transition_url(row, name),
            }
            for name in available_transitions(row, request.user, row=row)
        ]
        return context
