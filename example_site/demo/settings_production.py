"""Production settings of the example site: everything that differs between installations
comes from the environment (docs/production.md).

    DJANGO_SETTINGS_MODULE=demo.settings_production

Required (the site refuses to start without them):

``DJANGO_SECRET_KEY``      at least 50 characters, e.g. ``python -c "import secrets; print(secrets.token_urlsafe(50))"``
``DJANGO_ALLOWED_HOSTS``   comma-separated host names, e.g. ``xxgk.example.edu.cn``
``DATABASE_URL``           PostgreSQL, e.g. ``postgres://disclosure:…@db.internal:5432/disclosure``
``REDIS_URL``              Django's cache (built-in ``RedisCache``), e.g. ``redis://cache.internal:6379/1``
``WAGTAILADMIN_BASE_URL``  the public base URL, e.g. ``https://xxgk.example.edu.cn``

Optional:

``DJANGO_CSRF_TRUSTED_ORIGINS``     comma-separated origins (``https://…``)
``FRONTEND_CACHE_LOCATIONS``         comma-separated base URLs of the caching proxies to purge
                                     (nginx, Varnish), e.g. ``http://10.0.0.11,http://10.0.0.12``
``SEARCH_URLS``                      comma-separated Elasticsearch/OpenSearch URLs (docs/search.md);
                                     unset: the database search backend
``SEARCH_INDEX_PREFIX``              default ``xxgk_``
``AWS_STORAGE_BUCKET_NAME``          media (images, documents) on S3-compatible object storage
                                     (django-storages); ``AWS_S3_ENDPOINT_URL``, ``AWS_S3_REGION_NAME``,
                                     ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` as boto3 reads them.
                                     Unset: ``MEDIA_ROOT`` on a shared disk
``DJANGO_MEDIA_ROOT``, ``DJANGO_STATIC_ROOT``
``DJANGO_TASKS_BACKEND``             default ``django_tasks_db.DatabaseBackend`` (run ``manage.py db_worker``)
``DJANGO_EMAIL_HOST``, ``DJANGO_EMAIL_PORT``, ``DJANGO_EMAIL_HOST_USER``, ``DJANGO_EMAIL_HOST_PASSWORD``,
``DJANGO_DEFAULT_FROM_EMAIL``
``DJANGO_SECURE_SSL_REDIRECT``       default on (TLS ends at the proxy, which sets ``X-Forwarded-Proto``)
``DJANGO_SECURE_HSTS_SECONDS``       default 31536000; ``DJANGO_SECURE_HSTS_PRELOAD`` default on
``WAGTAIL_DISCLOSURE_PAGE_CACHE_MAX_AGE``  seconds a shared cache may keep a public page (60)
``WAGTAIL_DISCLOSURE_ORGANISATION_CODE``
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import INSTALLED_APPS, MIDDLEWARE


def env(name, default=None, *, required=False):
    value = os.environ.get(name, "").strip()
    if not value:
        if required:
            raise ImproperlyConfigured(f"Set the environment variable {name} (docs/production.md).")
        return default
    return value


def env_list(name, default=()):
    value = env(name)
    return [part.strip() for part in value.split(",") if part.strip()] if value else list(default)


def env_bool(name, default):
    value = env(name)
    return default if value is None else value.lower() in ("1", "true", "yes", "on")


DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", required=True)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS (docs/production.md).")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", required=True)

# The demo's data command is not part of a production site; the front-end cache purge is.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "demo_content"]
INSTALLED_APPS.insert(
    INSTALLED_APPS.index("wagtail.contrib.forms"), "wagtail.contrib.frontend_cache"
)

# HSTS, HTTPS redirect, nosniff, referrer and opener policies.
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", *MIDDLEWARE]

# --- database: PostgreSQL, persistent connections checked before reuse ---------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", required=True), conn_max_age=600, conn_health_checks=True
    )
}

# --- cache: Redis through Django's built-in backend (needs the `redis` package) -----------
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("REDIS_URL", required=True),
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "xxgk"),
        "TIMEOUT": 300,
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- reverse proxy caches purged by Wagtail (docs/production.md#reverse-proxy-cache) ------
WAGTAILFRONTENDCACHE = {
    f"proxy{number}": {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": location,
    }
    for number, location in enumerate(env_list("FRONTEND_CACHE_LOCATIONS"), start=1)
}
WAGTAIL_DISCLOSURE_PAGE_CACHE_MAX_AGE = int(env("WAGTAIL_DISCLOSURE_PAGE_CACHE_MAX_AGE", "60"))
WAGTAIL_DISCLOSURE_ORGANISATION_CODE = env("WAGTAIL_DISCLOSURE_ORGANISATION_CODE", "19999")

# --- search: Elasticsearch/OpenSearch with the database backend as the fallback -----------
if search_urls := env_list("SEARCH_URLS"):
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch8",
            "URLS": search_urls,
            "INDEX_PREFIX": env("SEARCH_INDEX_PREFIX", "xxgk_"),
            "TIMEOUT": 5,
        },
        "database": {"BACKEND": "wagtail.search.backends.database"},
    }
    WAGTAIL_DISCLOSURE_SEARCH_FALLBACK_BACKEND = "database"
else:
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- files: static files collected with hashed names; media on object storage -------------
STATIC_ROOT = env("DJANGO_STATIC_ROOT", str(BASE_DIR / "static"))  # noqa: F405
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media"))  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
if bucket := env("AWS_STORAGE_BUCKET_NAME"):
    # Private bucket: documents are served by Wagtail's view, which checks that their entry
    # is public (docs/security.md), never by a public bucket URL.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL"),
            "region_name": env("AWS_S3_REGION_NAME"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# --- background tasks: a worker process (manage.py db_worker) -----------------------------
TASKS = {"default": {"BACKEND": env("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
if TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
    INSTALLED_APPS.append("django_tasks_db")

# --- mail -------------------------------------------------------------------------------------
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- HTTPS behind the proxy (it ends TLS and sets X-Forwarded-Proto) -----------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "wagtail.frontendcache": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
