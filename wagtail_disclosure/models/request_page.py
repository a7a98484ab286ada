"""The public page of requests for information (依申请公开): the application form, the
receipt and the status lookup. The page holds what an office edits (introduction, the
commitment the applicant accepts, the text after submission); the form and the views live
in ``wagtail_disclosure.request_forms`` and ``wagtail_disclosure.views.request_public``."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page


class DisclosureRequestPage(RoutablePageMixin, Page):
    """依申请公开: the application form (the page itself), ``receipt/`` after a submission,
    and ``lookup/``, where a tracking number and 查询码 show the state of a request."""

    intro = RichTextField(_("introduction"), blank=True)
    commitment = models.TextField(
        _("commitment"),
        blank=True,
        help_text=_("What the applicant confirms before submitting (use of the information)."),
    )
    receipt_text = RichTextField(_("text of the receipt"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("commitment"),
        FieldPanel("receipt_text"),
    ]

    parent_page_types = ["wagtail_disclosure.DisclosureIndexPage"]
    subpage_types = []
    max_count_per_parent = 1
    template = "wagtail_disclosure/pages/disclosure_request_page.html"

    #: The views of the page and its routes, by dotted path (imported when a request comes).
    form_view = "wagtail_disclosure.views.request_public.application"
    receipt_view = "wagtail_disclosure.views.request_public.receipt"
    lookup_view = "wagtail_disclosure.views.request_public.lookup"

    class Meta:
        verbose_name = _("request for information page")
        verbose_name_plural = _("request for information pages")

    def _view(self, name):
        from django.utils.module_loading import import_string

        return import_string(getattr(self, name))

    @path("")
    def application(self, request):
        return self._view("form_view")(self, request)

    @path("receipt/")
    def receipt(self, request):
        return self._view("receipt_view")(self, request)

    @path("lookup/")
    def lookup(self, request):
        return self._view("lookup_view")(self, request)
