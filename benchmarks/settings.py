"""Django settings for the benchmarks: production-like (DEBUG off), throwaway database.

``catalogue_throughput.py`` sets ``BENCHMARK_DATABASE_URL`` (a SQLite file in a temp dir,
or a scratch PostgreSQL database) before Django starts, in its own process and in the
gunicorn workers it launches. Nothing here is meant for a real site.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_database_url = os.environ.get("BENCHMARK_DATABASE_URL")
if not _database_url:
    raise ImproperlyConfigured(
        "BENCHMARK_DATABASE_URL is not set; run benchmarks/catalogue_throughput.py, "
        "which creates a throwaway database and sets it."
    )

SECRET_KEY = "benchmarks-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["welcome.localhost", "disclosure.localhost", "testserver"]

INSTALLED_APPS = [
    "wagtail_disclosure",
    "wagtail.api.v2",
    "rest_framework",
    "ninja",
    "wagtail.contrib.table_block",
    "guardian",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

# The middleware of a typical Wagtail site (the same as the test suite and the demo).
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The public pages are cacheable (docs/performance.md#cacheable-pages).
    "wagtail_disclosure.middleware.PublicPageCacheMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

ROOT_URLCONF = "benchmarks.urls"
WSGI_APPLICATION = "benchmarks.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

# Persistent connections, as a production site would configure them: each gunicorn
# worker keeps one connection instead of opening one per request.
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
MEDIA_URL = "/media/"

# load.py's transition target notifies nobody (its user has no e-mail); never send mail.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

WAGTAIL_SITE_NAME = "wagtail-disclosure benchmark"
WAGTAILADMIN_BASE_URL = "http://disclosure.localhost"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

WAGTAIL_DISCLOSURE_ORGANISATION_CODE = "19999"
# api_throughput.py measures the server, not the rate limit.
WAGTAIL_DISCLOSURE_API_THROTTLE_RATE = None
# api_throughput.py measures building the answers: it sets this to 0 (no server cache).
WAGTAIL_DISCLOSURE_PAGE_SERVER_CACHE_SECONDS = int(
    os.environ.get("BENCHMARK_PAGE_SERVER_CACHE_SECONDS", "3600")
)

# No request logging; server errors go to stderr (the gunicorn log of the run).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR"}},
}
