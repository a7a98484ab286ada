"""The example production settings (``example_site/demo/settings_production.py``, the recipe
of docs/production.md) read everything from the environment and pass
``manage.py check --deploy`` with no warning."""

import importlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_SITE = REPO / "example_site"
MODULE = "demo.settings_production"

ENVIRONMENT = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "xxgk.example.edu.cn, www.xxgk.example.edu.cn",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://xxgk.example.edu.cn",
    "DATABASE_URL": "postgres://disclosure:secret@db.internal:5432/disclosure",
    "REDIS_URL": "redis://cache.internal:6379/1",
    "WAGTAILADMIN_BASE_URL": "https://xxgk.example.edu.cn",
    "FRONTEND_CACHE_LOCATIONS": "http://10.0.0.11:8080,http://10.0.0.12:8080",
    "SEARCH_URLS": "http://search.internal:9200",
}


def load(monkeypatch, **extra):
    """The settings module, imported afresh with ``ENVIRONMENT`` (and ``extra``) set."""
    for name in list(os.environ):
        if name in ENVIRONMENT or name.startswith(("DJANGO_", "AWS_", "SEARCH_")):
            monkeypatch.delenv(name, raising=False)
    for name, value in {**ENVIRONMENT, **extra}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.syspath_prepend(str(EXAMPLE_SITE))
    sys.modules.pop(MODULE, None)
    return importlib.import_module(MODULE)


def test_everything_comes_from_the_environment(monkeypatch):
    settings = load(monkeypatch, AWS_STORAGE_BUCKET_NAME="xxgk-media")
    assert settings.DEBUG is False
    assert ENVIRONMENT["DJANGO_SECRET_KEY"] == settings.SECRET_KEY
    assert settings.ALLOWED_HOSTS == ["xxgk.example.edu.cn", "www.xxgk.example.edu.cn"]
    database = settings.DATABASES["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["NAME"]) == ("db.internal", "disclosure")
    cache = settings.CACHES["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == ENVIRONMENT["REDIS_URL"]
    purgers = settings.WAGTAILFRONTENDCACHE.values()
    assert [p["LOCATION"] for p in purgers] == ENVIRONMENT["FRONTEND_CACHE_LOCATIONS"].split(",")
    assert "wagtail.contrib.frontend_cache" in settings.INSTALLED_APPS
    assert "demo_content" not in settings.INSTALLED_APPS
    search = settings.WAGTAILSEARCH_BACKENDS
    assert search["default"]["URLS"] == ["http://search.internal:9200"]
    assert settings.WAGTAIL_DISCLOSURE_SEARCH_FALLBACK_BACKEND == "database"
    media = settings.STORAGES["default"]
    assert media["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"]["bucket_name"] == "xxgk-media"
    assert media["OPTIONS"]["default_acl"] == "private"
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_tasks_db" in settings.INSTALLED_APPS
    assert settings.MIDDLEWARE[0] == "django.middleware.security.SecurityMiddleware"
    # Without the optional ones: the database search backend and media on disk.
    plain = load(monkeypatch, SEARCH_URLS=None, FRONTEND_CACHE_LOCATIONS=None)
    assert plain.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"].endswith("database")
    assert plain.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
    assert plain.WAGTAILFRONTENDCACHE == {}


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"]
)
def test_a_required_variable_missing_stops_the_site(monkeypatch, missing):
    with pytest.raises(ImproperlyConfigured, match=missing):
        load(monkeypatch, **{missing: None})


def test_check_deploy_is_clean():
    """``manage.py check --deploy`` in a process of its own, failing on any warning.

    The task backend is Django's immediate one here: the worker's backend
    (``django_tasks_db``) is not installed in the test environments."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "AWS_", "SEARCH_", "DATABASE_URL", "WAGTAIL"))
    }
    env.update(ENVIRONMENT)
    env["DJANGO_SETTINGS_MODULE"] = MODULE
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(EXAMPLE_SITE)])
    try:
        import django_tasks_db  # noqa: F401
    except ImportError:
        env["DJANGO_TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=EXAMPLE_SITE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout, done.stdout + done.stderr
