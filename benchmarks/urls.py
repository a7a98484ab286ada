"""URLs of the benchmark project: page serving, the disclosure API and Wagtail's v2 API.

Pages are routed as the example site routes them (``i18n_patterns``, the default language
unprefixed), so the public pages are cacheable."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from wagtail_disclosure.api.v2 import DisclosurePagesAPIViewSet

v2 = WagtailAPIRouter("wagtailapi")
v2.register_endpoint("pages", PagesAPIViewSet)
v2.register_endpoint("disclosure-pages", DisclosurePagesAPIViewSet)

urlpatterns = [
    path("api/disclosure/v1/", include("wagtail_disclosure.api.urls")),
    path("api/v2/", v2.urls),
]
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
