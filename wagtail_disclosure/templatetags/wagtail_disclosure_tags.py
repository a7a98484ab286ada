from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.translation import get_language, get_language_info

from .. import people
from ..api.refs import document_serve_url as serve_url
from ..public_cache import url_decides_language

register = template.Library()


@register.inclusion_tag("wagtail_disclosure/includes/language_switch.html", takes_context=True)
def disclosure_language_switch(context):
    """The language switch: links to the page in each language when the site routes its
    pages with ``i18n_patterns`` (no form, no CSRF token: the page stays cacheable, see
    ``wagtail_disclosure.public_cache``); else Django's ``set_language`` form, if routed;
    else nothing."""
    request = context.get("request")
    current = getattr(request, "LANGUAGE_CODE", None) or get_language() or settings.LANGUAGE_CODE
    languages = [
        (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
    ]
    if request is not None and url_decides_language(request):
        path = request.get_full_path()
        links = [
            {
                "code": code,
                "name": name,
                "url": translate_url(path, code),
                "current": code == current,
            }
            for code, name in languages
        ]
        return {"links": links, "current": current}
    try:
        action = reverse("set_language")
    except NoReverseMatch:
        action = None
    return {
        "action": action,
        "languages": languages,
        "current": current,
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
