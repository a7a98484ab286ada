"""Middleware of the package (optional; docs/performance.md#cacheable-pages).

``PublicPageCacheMiddleware``: put it in ``MIDDLEWARE`` **above**
``django.middleware.locale.LocaleMiddleware`` (it then sees the response last). For the
public pages that ``wagtail_disclosure.public_cache`` marked as shareable it

* takes the public marking back if anything set a cookie on the way (a CSRF token, a
  message): such a page is never stored by a shared cache;
* sets ``Vary`` to ``WAGTAIL_DISCLOSURE_PAGE_CACHE_VARY`` (empty by default): with
  ``i18n_patterns`` the URL decides the language, so ``Accept-Language``, which
  ``LocaleMiddleware`` adds to the default language's unprefixed URLs, does not matter.

Without it the pages are still cacheable, with ``Vary: Accept-Language`` on the default
language's URLs.
"""

from .public_cache import finish_public_response


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return finish_public_response(self.get_response(request))
