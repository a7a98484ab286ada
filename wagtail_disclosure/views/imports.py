"""导入 (Import entries): the admin screen of the bulk import, for the disclosure office.

Upload a CSV or XLSX file: it is checked at once (a dry run, its row report shown on the
run's page); the import itself then runs as a django-tasks background task
(``tasks.run_import``), and the run's page shows its progress and the row report. The
rules of the import are in ``wagtail_disclosure.importing``; these views only call them.
"""

from django import forms
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .. import tasks
from ..conf import get_setting
from ..models import DisclosureIndexPage, ImportRun, ImportRunState
from ..permissions import can_manage_roles


def may_import(user):
    """The disclosure office (for every department) and superusers."""
    return can_manage_roles(user)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("CSV (UTF-8 or GB18030) or XLSX, with a header row.")
    )
    section = forms.ModelChoiceField(
        label=_("Section"), queryset=DisclosureIndexPage.objects.order_by("path"), empty_label=None
    )
    publish = forms.BooleanField(
        label=_("Publish the entries"),
        required=False,
        help_text=_("Without it, the entries are drafts in the review."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = int(get_setting("IMPORT_MAX_UPLOAD_BYTES"))
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s bytes.") % {"limit": limit}
            )
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


class OfficeOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not may_import(request.user):
            # A 403 (raising PermissionDenied would make Wagtail redirect to the dashboard).
            context = {"page_title": _("Import entries"), "header_icon": "upload"}
            return TemplateResponse(
                request, "wagtail_disclosure/admin/imports/forbidden.html", context, status=403
            )
        return super().dispatch(request, *args, **kwargs)


class ImportView(OfficeOnlyMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "wagtail_disclosure/admin/imports/index.html"
    form_class = ImportForm
    page_title = _("Import entries")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["runs"] = ImportRun.objects.select_related("user")[:20]
        return context

    def form_valid(self, form):
        # Imported when used: a worker that serves pages does not load the import.
        from ..importing import ImportFileError, check_run

        upload = form.cleaned_data["file"]
        run = ImportRun.objects.create(
            file=upload,
            original_name=upload.name,
            section=form.cleaned_data["section"],
            user=self.request.user,
            publish=form.cleaned_data["publish"],
        )
        try:
            check_run(run)
        except ImportFileError as exc:
            run.file.delete(save=False)
            run.delete()
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        return redirect("wagtail_disclosure:import_run", run.pk)


class ImportRunView(OfficeOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtail_disclosure/admin/imports/run.html"
    header_icon = "upload"

    def get_page_title(self):
        return _("Import %(name)s") % {"name": self.run}

    def dispatch(self, request, *args, **kwargs):
        if may_import(request.user):  # others get the 403 of OfficeOnlyMixin
            self.run = get_object_or_404(ImportRun.objects.select_related("user"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("wagtail_disclosure:imports"), "label": _("Import entries")},
            {"url": "", "label": str(self.run)},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.run
        context.update(
            run=run,
            checked=run.state == ImportRunState.CHECKED,
            percent=int(100 * run.processed / run.total) if run.total else 0,
        )
        return context


class ImportRunStartView(OfficeOnlyMixin, View):
    """POST: queue the checked run as a background task."""

    def post(self, request, pk):
        run = get_object_or_404(ImportRun, pk=pk)
        updated = ImportRun.objects.filter(pk=run.pk, state=ImportRunState.CHECKED).update(
            state=ImportRunState.QUEUED
        )
        if updated:
            tasks.run_import.enqueue(run.pk)
            messages.success(request, _("The import has started."))
        return redirect("wagtail_disclosure:import_run", run.pk)


urlpatterns = [
    path("imports/", ImportView.as_view(), name="imports"),
    path("imports/<int:pk>/", ImportRunView.as_view(), name="import_run"),
    path("imports/<int:pk>/start/", ImportRunStartView.as_view(), name="import_run_start"),
]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_import(request.user)


def import_menu_item():
    return ImportMenuItem(
        _("Import entries"),
        reverse("wagtail_disclosure:imports"),
        name="disclosure-imports",
        icon_name="upload",
        order=260,
    )
