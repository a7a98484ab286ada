"""The test URLs as the example site routes its pages: ``i18n_patterns``, the default
language unprefixed and English under ``/en/``; the public pages are then cacheable
(``wagtail_disclosure.public_cache``). Tests use it with ``ROOT_URLCONF``."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls

from tests.urls import urlpatterns as plain

urlpatterns = [pattern for pattern in plain if str(pattern.pattern) != ""]
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
