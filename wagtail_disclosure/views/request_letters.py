"""An issued letter of a request for information, as a print page and as .docx.

``/admin/disclosure/requests/letters/<pk>/print/`` (``wagtail_disclosure:request_letter_print``)
and ``…/<pk>/letter.docx`` (``wagtail_disclosure:request_letter_docx``). Only people who may
know who applied (``DisclosureRequest.objects.identity_visible_to``: the office, the
department handling the case, not an assisting one) see its letters; everyone else gets a
404 that names nothing.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views import View

from ..models import DisclosureRequest, RequestLetter
from ..request_letters import layout, render_docx

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def visible_letter(user, pk):
    letters = RequestLetter.objects.filter(
        request__in=DisclosureRequest.objects.identity_visible_to(user)
    ).select_related("request")
    return get_object_or_404(letters, pk=pk)


class LetterPrintView(View):
    template_name = "wagtail_disclosure/letters/print.html"

    def get(self, request, pk):
        letter = visible_letter(request.user, pk)
        context = {
            "letter": letter,
            "paragraphs": layout(letter.body),
            "docx_url": reverse("wagtail_disclosure:request_letter_docx", args=[letter.pk]),
        }
        response = TemplateResponse(request, self.template_name, context)
        response["Cache-Control"] = "private, no-store"
        return response


class LetterDocxView(View):
    def get(self, request, pk):
        letter = visible_letter(request.user, pk)
        response = HttpResponse(render_docx(letter), content_type=DOCX_CONTENT_TYPE)
        filename = f"{letter.request.tracking_number}-{letter.kind}-{letter.pk}.docx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response


#: Added to ``admin_urls.urlpatterns``.
urlpatterns = [
    path(
        "requests/letters/<int:pk>/print/",
        LetterPrintView.as_view(),
        name="request_letter_print",
    ),
    path(
        "requests/letters/<int:pk>/letter.docx",
        LetterDocxView.as_view(),
        name="request_letter_docx",
    ),
]
