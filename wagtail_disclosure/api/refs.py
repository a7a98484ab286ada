"""Short references to related objects, the same in the disclosure API and Wagtail's v2 API.

Imports nothing of the package: the page models' v2 API fields (:mod:`.v2_fields`) use it.
"""

from django.urls import reverse


def department_ref(department):
    if department is None:
        return None
    return {"id": department.pk, "short_code": department.short_code, "name": department.name}


def category_ref(category):
    return {
        "id": category.pk,
        "key": category.key,
        "number": category.number,
        "code": category.code,
        "title": category.title,
    }


def document_serve_url(document):
    """The URL of Wagtail's serve view for ``document``, whatever the serve method.

    With ``WAGTAILDOCS_SERVE_METHOD = "direct"``, ``document.url`` is the storage URL and
    downloads would skip the package's check (``wagtail_disclosure.documents``); links made
    by the package always go through the serve view, which checks and then serves or
    redirects.
    """
    return reverse("wagtaildocs_serve", args=[document.pk, document.filename])
