"""Middleware of the package (optional; docs/performance.md#cacheable-pages).

``PublicPageCacheMiddleware``: put it in ``MIDDLEWARE`` **above**
``django.middleware.locale.LocaleMiddleware`` (it then sees the response last). For the
public pages that ``wagtail_disclosure.public_cache`` marked as shareable it

* takes the public marking back if anything set a cookie on the way (a CSRF token, a
  message): such a page is never stored by a shared cache;
* sets ``Vary`` to ``WAGTAIL_DISCLOSURE_PAGE_CACHE_VARY`` (empty by default): with
  ``i18n_patterns`` the URL decides the language, so ``Accept-Language``, which
  ``LocaleMiddleware`` adds to the default language's unprefixed URLs, does not matter.

* keeps every public page it lets through in Django's cache, under the content state
  (``WAGTAIL_DISCLOSURE_PAGE_SERVER_CACHE_SECONDS``), and answers the same URL from there —
  or ``304`` — before Wagtail routes it, until a publication or an edit changes the state.

Without it the pages are still cacheable, with ``Vary: Accept-Language`` on the default
language's URLs.
"""

from .public_cache import cached_page_response, finish_public_response, store_page_response


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = cached_page_response(request)
        if response is not None:
            return response
        response = finish_public_response(self.get_response(request))
        store_page_response(request, response)
        return response
