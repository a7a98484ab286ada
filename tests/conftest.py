"""Shared pytest configuration for the wagtail-disclosure test suite.

Test harness basics (see docs/development.md, "Test harness"):

* every test gets a private MEDIA_ROOT under its ``tmp_path`` (autouse fixture), so
  uploaded images/documents never land in the repository or leak between tests;
* tests marked ``@pytest.mark.postgres`` are skipped, with a visible reason, unless the
  default database is PostgreSQL (``scripts/with-postgres`` / the ``tests-*-postgres``
  nox sessions set ``DATABASE_URL``).

Keep this file small; add feature-specific fixtures next to the tests that use them
(or below, under a clear heading, when they are genuinely shared).
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings


def _default_db_vendor() -> str:
    engine = django_settings.DATABASES["default"]["ENGINE"]
    if "postgres" in engine:
        return "postgresql"
    return engine.rsplit(".", 1)[-1]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    vendor = _default_db_vendor()
    if vendor == "postgresql":
        return
    skip_postgres = pytest.mark.skip(
        reason=f"needs PostgreSQL (default database is {vendor}); run under scripts/with-postgres"
    )
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip_postgres)


@pytest.fixture(autouse=True)
def _isolated_media_root(settings, tmp_path):
    """Point MEDIA_ROOT at a per-test temporary directory."""
    media_root = tmp_path / "media"
    media_root.mkdir()
    settings.MEDIA_ROOT = str(media_root)
    return media_root


# --- shared fixtures (added by the lead) ---------------------------------------------


@pytest.fixture(autouse=True)
def _clear_cache():
    """Wagtail caches site root paths; a rolled-back test must not leave them behind."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
