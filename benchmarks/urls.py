"""URLs of the benchmark project: page serving, the disclosure API and Wagtail's v2 API."""

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
    path("", include(wagtail_urls)),
]
