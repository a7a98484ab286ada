"""The demo is Chinese first: the browser's Accept-Language does not override it.

Visitors still choose English with the language switch (a cookie that LocaleMiddleware
reads); without that choice every page is served in LANGUAGE_CODE (zh-hans).
"""


class SiteLanguageFirstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
