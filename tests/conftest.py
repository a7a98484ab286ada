"""Shared pytest configuration for the wagtail-disclosure test suite.

Test harness basics (see docs/development.md, "Test harness"):

* every test gets a private MEDIA_ROOT under its ``tmp_path`` (autouse fixture), so
  uploaded images/documents never land in the repository or leak between tests;
* tests marked ``@pytest.mark.postgres`` are skipped, with a visible reason, unless the
  default database is PostgreSQL (``scripts/with-postgres`` / the ``tests-*-postgres``
  nox sessions set ``DATABASE_URL``);
* slow, single-purpose tests (markers in :data:`ONE_SESSION_MARKERS`) run in one nox
  session of ``make test`` only, and first, so that two xdist workers share them;
* data that many tests of a module need is built once per module with
  ``tests.utils.build_once`` (the ``setUpTestData`` pattern, with savepoints); the section
  most test modules use is the ``shared_section`` fixture.

Keep this file small; add feature-specific fixtures next to the tests that use them
(or below, under a clear heading, when they are genuinely shared).
"""

from __future__ import annotations

import itertools
import os

import pytest
from django.conf import settings as django_settings

#: Markers of slow, single-purpose tests (the keys of ``ONE_SESSION`` in noxfile.py).
#: ``make test`` runs each group in one of its pytest sessions only: nox passes
#: ``marker=session`` pairs in this variable, and the other sessions skip the group,
#: saying where it runs.
ONE_SESSION_ENV = "WAGTAIL_DISCLOSURE_ONE_SESSION_TESTS"
ONE_SESSION_MARKERS = (
    "outside_in",
    "packaging",
    "browser",
    "demo_data",
    "office",
    "nginx",
    "full_fuzz",
    "diagram_script",
    "corpus",
)


def _default_db_vendor() -> str:
    engine = django_settings.DATABASES["default"]["ENGINE"]
    if "postgres" in engine:
        return "postgresql"
    return engine.rsplit(".", 1)[-1]


def one_session_groups() -> dict[str, str]:
    """``{marker: nox session}`` when nox runs the suite; empty for a plain pytest run."""
    pairs = (pair.partition("=") for pair in os.environ.get(ONE_SESSION_ENV, "").split())
    return {marker: session for marker, _, session in pairs if session}


def _is_slow(item: pytest.Item) -> bool:
    return any(item.get_closest_marker(marker) for marker in ONE_SESSION_MARKERS)


def _is_transactional(item: pytest.Item) -> bool:
    """As pytest-django decides it (its ordering puts these tests after the others)."""
    from django.test import TestCase, TransactionTestCase

    test_class = getattr(item, "cls", None)
    if test_class is not None and issubclass(test_class, TransactionTestCase):
        return not issubclass(test_class, TestCase)
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    names = getattr(item, "fixturenames", ())
    return any(name in names for name in ("transactional_db", "live_server"))


def _slow_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """The slow tests first, so that pytest-xdist hands them out to both workers at the
    start rather than leaving one worker to finish a long test alone at the end. A
    transactional one only goes first among the transactional tests: those flush the
    database when they end, so they stay after the others (pytest-django's order)."""
    slow = [item for item in items if _is_slow(item)]
    rest = [item for item in items if not _is_slow(item)]
    first = [item for item in slow if not _is_transactional(item)]
    slow_transactional = [item for item in slow if _is_transactional(item)]
    at = next((i for i, item in enumerate(rest) if _is_transactional(item)), len(rest))
    return first + rest[:at] + slow_transactional + rest[at:]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Runs after pytest-django's reordering (database tests first, transactional ones
    # after them, then those without a database).
    items[:] = _shared_data_first(_slow_first(items))

    groups = one_session_groups()
    current = os.environ.get("WAGTAIL_DISCLOSURE_NOX_SESSION", "")
    if groups and not current:
        raise pytest.UsageError(
            f"{ONE_SESSION_ENV} is set but WAGTAIL_DISCLOSURE_NOX_SESSION (this session) is not"
        )
    for item in items:
        for marker, session in groups.items():
            if item.get_closest_marker(marker) and session != current:
                # skipif(True) before the test's own skipif marks: this reason is shown.
                reason = f"{marker}: runs in nox session {session} only, not in {current}"
                item.add_marker(pytest.mark.skipif(True, reason=reason), append=False)

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


@pytest.fixture(autouse=True)
def _live_server_idle(request):
    """After a live-server test, wait for the requests the server is still answering.

    A page closed at the end of a test can leave a request in flight (Wagtail's editing
    session sends a release beacon on unload). On SQLite the server thread shares the
    test's in-memory connection: its read of ``django_session`` would lock that table
    against the flush that ends the test ("database table is locked"). This fixture is
    torn down before pytest-django's database teardown."""
    if "live_server" not in request.fixturenames:
        yield
        return
    from tests.browser import RequestsInFlight

    request.getfixturevalue("live_server")
    with RequestsInFlight():
        yield


# --- data built once per module (tests.utils.build_once) -----------------------------


def _built_data(item: pytest.Item) -> tuple[str, ...]:
    """The fixtures of data built once (``tests.utils.build_once``) that a test uses."""
    return tuple(sorted(n for n in getattr(item, "fixturenames", ()) if n.endswith("_once")))


def _shared_data_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """In each run of one module's tests, those using data built once come first, grouped
    by that data: it is built once, and rolled back before the module's other tests."""
    ordered = []
    for _path, run in itertools.groupby(items, key=lambda item: item.path):
        ordered.extend(sorted(run, key=lambda item: (not _built_data(item), _built_data(item))))
    return ordered


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield  # the test's own fixtures are torn down: its transaction is rolled back
    from tests.utils import known_builds, open_builds

    following = _built_data(nextitem) if nextitem is not None else ()
    for built in reversed(list(open_builds)):
        if built.fixture_name not in following:
            built.close()
    for built in known_builds:
        if built.fixture_name in following and not built.is_open:
            built.open()


@pytest.fixture(autouse=True)
def _no_transactional_test_inside_built_data(request):
    from tests.utils import open_builds

    if not open_builds:
        return
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction", False)) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        names = ", ".join(built.fixture_name for built in open_builds)
        pytest.fail(
            f"a transactional test uses data built once ({names}): its commits are not real"
        )


@pytest.fixture(scope="module")
def _section_once(request, django_db_setup, django_db_blocker):
    from tests.utils import build_once, make_section

    yield from build_once(request, django_db_blocker, make_section)


@pytest.fixture
def shared_section(_section_once, db):
    """``make_section()``, built once per test module (and xdist worker): a live section at
    the site root with its ten category pages; each test sees it as built."""
    from tests.utils import fresh

    return fresh(_section_once)
