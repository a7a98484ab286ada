from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language_info

from .. import people
from ..api.refs import document_serve_url as serve_url

register = template.Library()


@register.inclusion_tag("wagtail_disclosure/includes/language_switch.html", takes_context=True)
def disclosure_language_switch(context):
    """A form to switch language; renders nothing when ``set_language`` is not routed."""
    try:
        action = reverse("set_language")
    except NoReverseMatch:
        action = None
    request = context.get("request")
    languages = [
        (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
    ]
    return {
        "action": action,
        "languages": languages,
        "current": getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        "next": request.get_full_path() if request else "/",
    }


@register.filter
def document_serve_url(document):
    """The URL of Wagtail's serve view for a document, so every download is checked
    (``wagtail_disclosure.documents``), whatever ``WAGTAILDOCS_SERVE_METHOD`` says."""
    return serve_url(document) if document else ""


@register.filter
def person_name(user):
    """A person's name as the package shows it: 郑蓉, surname first, for Chinese names
    (``wagtail_disclosure.people.person_name``)."""
    return people.person_name(user)
