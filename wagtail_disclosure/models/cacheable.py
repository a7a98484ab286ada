"""Public pages that shared caches may keep (``wagtail_disclosure.public_cache``)."""

from django.utils.module_loading import import_string


class CacheablePageMixin:
    """Serves the page with validators, ``304 Not Modified`` and a public ``Cache-Control``
    when the request allows it (not logged in, language from the URL). The work is done by
    the function named in ``cache_function``, imported when a request comes: it builds on
    the models, so the models name it rather than import it."""

    cache_function = "wagtail_disclosure.public_cache.serve_cacheable"

    def serve(self, request, *args, **kwargs):
        return import_string(self.cache_function)(self, request, super().serve, *args, **kwargs)
