"""URLs of the benchmark project: Wagtail's page serving only (no admin needed)."""

from django.urls import include, path
from wagtail import urls as wagtail_urls

urlpatterns = [path("", include(wagtail_urls))]
