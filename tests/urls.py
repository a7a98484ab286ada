from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from wagtail_disclosure.api.v2 import DisclosurePagesAPIViewSet

# Wagtail's v2 pages API, with the disclosure visibility rule (docs/api.md#wagtail-v2-api).
api_v2 = WagtailAPIRouter("wagtailapi")
api_v2.register_endpoint("pages", DisclosurePagesAPIViewSet)

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", include(wagtailadmin_urls)),
    path("api/disclosure/v1/", include("wagtail_disclosure.api.urls")),
    path("api/v2/", api_v2.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap),
    path("", include(wagtail_urls)),
]
