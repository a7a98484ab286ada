import posixpath

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.http import Http404
from django.urls import include, path, re_path
from django.views.static import serve
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
]

#: Folders of MEDIA_ROOT the development server may serve as they are (Wagtail's images).
#: Never ``documents/``: a document is served by Wagtail's document view, which refuses
#: those of entries that are not public (docs/security.md).
PUBLIC_MEDIA_FOLDERS = frozenset(["images", "original_images"])


def serve_media(request, path):
    """A file of MEDIA_ROOT, with DEBUG on, if it is in one of PUBLIC_MEDIA_FOLDERS."""
    path = posixpath.normpath(path).lstrip("/")  # "images/../documents/x.pdf" is documents/
    if path.split("/", 1)[0] not in PUBLIC_MEDIA_FOLDERS:
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def media_urlpatterns():
    prefix = settings.MEDIA_URL.lstrip("/")
    return [re_path(rf"^{prefix}(?P<path>.*)$", serve_media)]


# Only with DEBUG on (DJANGO_DEBUG=1, as `make demo` sets it): a production server serves
# static files itself, and never MEDIA_ROOT/documents/.
if settings.DEBUG:
    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += media_urlpatterns()

# Wagtail's page serving comes last: it catches every remaining URL. The URL decides the
# language (Chinese unprefixed, English under /en/), so the public pages need no language
# cookie and no form to switch: shared caches may keep them (docs/performance.md).
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
