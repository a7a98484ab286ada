"""Settings of the demo site of wagtail-disclosure: 青岚大学信息公开网 (a fictional university).

SQLite at ``example_site/db.sqlite3`` by default; PostgreSQL (or any database) when the
``DATABASE_URL`` environment variable is set, e.g.
``DATABASE_URL=postgres://user:pass@localhost:5432/disclosure_demo``.

For local demonstration only: the secret key is public. DEBUG is off unless the
environment sets ``DJANGO_DEBUG=1`` (``make demo`` does, so that ``runserver`` serves the
static files and shows tracebacks).
"""

import os
from pathlib import Path

import dj_database_url

# example_site/
BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "demo-only-not-secret-qinglan")
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
# Listed explicitly: with DEBUG off Django allows no host by default.
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

INSTALLED_APPS = [
    "demo_content",
    "wagtail_disclosure",
    "wagtail.contrib.table_block",
    "guardian",
    "ninja",  # Swagger UI of the API docs page from local static files
    "corsheaders",
    "wagtail.api.v2",
    "rest_framework",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",  # sitemap.xml: publicly visible entries only
    "wagtail.contrib.settings",  # the footer of the public pages (DisclosureSiteSettings)
    "django.contrib.sitemaps",  # its sitemap.xml template
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

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "demo.middleware.SiteLanguageFirstMiddleware",
    "wagtail_disclosure.middleware.PublicPageCacheMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# Django's ModelBackend only: the package reads department roles itself
# (wagtail_disclosure.permissions); guardian's backend is not needed, and its check that
# asks for it is silenced (docs/dependencies.md).
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]

ROOT_URLCONF = "demo.urls"
WSGI_APPLICATION = "demo.wsgi.application"

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

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: review steps taken at the same moment wait for each other
    # instead of failing with "database is locked" (docs/installation.md#sqlite).
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"

# Wagtail runs search indexing and similar work as tasks; run them in-process.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Mail (review notices) is printed on the console, so the demo needs no mail server and
# prints no "Could not send" tracebacks. Another backend through the environment, e.g.
# DJANGO_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (with
# DJANGO_EMAIL_FILE_PATH) or django.core.mail.backends.smtp.EmailBackend (with
# DJANGO_EMAIL_HOST).
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_FILE_PATH = os.environ.get("DJANGO_EMAIL_FILE_PATH", str(BASE_DIR / "sent_mail"))
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")

WAGTAIL_SITE_NAME = "青岚大学信息公开网"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "csv", "txt", "zip"]

WAGTAIL_DISCLOSURE_ORGANISATION_CODE = "19999"

# The disclosure API (docs/api.md#cors): readable from any origin. Tokens, not cookies,
# authenticate the staff endpoints, so credentials stay off.
CORS_URLS_REGEX = r"^/api/disclosure/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
