"""Nox sessions for wagtail-disclosure (driven by ``make test``; see docs/development.md).

Sessions (``nox -l`` lists them):

* ``lint``                                  ruff check . and lint-imports (layers)
* ``checks-wagtail74``, ``checks-wagtail8`` example_site ``manage.py check`` and
                                            ``makemigrations --check --dry-run``
* ``tests-{wagtail74,wagtail8}-{sqlite,postgres}``
                                            the pytest suite; the PostgreSQL sessions use
                                            the cluster from ``scripts/with-postgres`` when
                                            DATABASE_URL points at PostgreSQL, and otherwise
                                            wrap pytest in ``scripts/with-postgres`` themselves;
                                            ``make test`` runs three of the four (``SCOPE``:
                                            the whole suite once per Wagtail series and once
                                            per database, the database-dependent tests in
                                            all three); each slow, single-purpose group of
                                            tests runs in one of them only (``ONE_SESSION``)
* ``docs``                                  mkdocs build --strict

Virtualenvs live under ``.nox/`` and are reused between runs (dependencies are
re-synced every time, which is a fast no-op with uv). Extra arguments after ``--``
go to pytest, e.g. ``nox -s tests-wagtail8-sqlite -- -k catalogue -x``.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
EXTRAS = PYPROJECT["project"]["optional-dependencies"]

# Let Python keep its bytecode cache in the session virtualenvs: some machines set
# PYTHONDONTWRITEBYTECODE, and then every pytest process (the controller and each xdist
# worker) and every subprocess compiles Django, Wagtail and the package again, ~7 s each.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_external_run = True

WAGTAIL_PINS = {
    "wagtail74": "wagtail>=7.4,<7.5",
    "wagtail8": "wagtail>=8.0,<9",
}
DATABASES = ("sqlite", "postgres")
# The test matrix of `make test` (docs/development.md, "The test matrix"). The whole suite
# runs once per Wagtail series and once per database: Wagtail 8 on SQLite (what `make demo`
# runs) and the LTS on PostgreSQL (what a production site on the LTS runs). The tests whose
# behaviour depends on the database (marker `each_database`, with the PostgreSQL-only ones and
# the outside-in test) also run with Wagtail 8 on PostgreSQL. The fourth combination is left
# out: it adds nothing the other three do not cover (the same modelsearch, the same SQL).
# A session not listed here runs the whole suite when called by name.
SCOPE = {
    "tests-wagtail8-sqlite": "all",
    "tests-wagtail74-postgres": "all",
    "tests-wagtail8-postgres": "each_database or postgres or outside_in",
}
# Slow, single-purpose tests run in exactly one of the pytest sessions of `make test`: pytest marker
# -> the session where it matters (tests/conftest.py skips the group everywhere else and
# says where it runs, and runs these tests first; its ONE_SESSION_MARKERS lists the same
# markers, tests/test_harness.py checks it; docs/development.md lists them).
ONE_SESSION = {
    # The wheel in a fresh `wagtail start` project, as a site installs it today.
    "packaging": "tests-wagtail8-sqlite",
    # Headless Chromium through the review, on the database `make demo` uses.
    "browser": "tests-wagtail8-sqlite",
    # load_demo_data, as `make demo` runs it (Wagtail 8, SQLite).
    "demo_data": "tests-wagtail8-sqlite",
    # .docx to PDF with headless LibreOffice: one soffice start per test, on any database.
    "office": "tests-wagtail8-sqlite",
    # nginx as a caching reverse proxy in front of the live server (purged on publication).
    "nginx": "tests-wagtail8-sqlite",
    # The example site from outside on its own database: production runs PostgreSQL.
    "outside_in": "tests-wagtail8-postgres",
    # The full API fuzz: odd input reaches PostgreSQL's stricter checks; with the LTS, so
    # that both Wagtail series run one of the long tests. A small fuzz runs everywhere.
    "full_fuzz": "tests-wagtail74-postgres",
    # The workflow diagram script in a new process (pure Python, any session does).
    "diagram_script": "tests-wagtail74-postgres",
    # The relevance benchmark's corpus rules (pure Python, no database: any session does).
    "corpus": "tests-wagtail74-postgres",
}
# The tests that also need an opt-in variable when pytest runs outside nox.
ONE_SESSION_OPT_IN = {
    "packaging": "WAGTAIL_DISCLOSURE_PACKAGING_TEST",
    "outside_in": "WAGTAIL_DISCLOSURE_OUTSIDE_IN_TEST",
}

MANAGE = "example_site/manage.py"
# `manage.py check`, then `manage.py makemigrations --check --dry-run [APP]`, in one process
# (Django and Wagtail start once, not twice); each exits non-zero as manage.py does.
CHECK_AND_MAKEMIGRATIONS = (
    "import sys; from django.core.management import execute_from_command_line as manage; "
    "manage(['manage.py', 'check']); "
    "manage(['manage.py', 'makemigrations', '--check', '--dry-run', *sys.argv[1:]])"
)
VERSIONS_SCRIPT = (
    "import django, wagtail; print('Django', django.__version__, '/ Wagtail', wagtail.__version__)"
)


def _uv_binary() -> str | None:
    """The uv executable nox itself uses (PATH or the `uv` package next to nox), if any."""
    try:
        from nox.virtualenv import find_uv

        has_uv, uv_bin, _version = find_uv()
    except Exception:  # noqa: BLE001 - private nox API; uv is only an accelerator
        return None
    if not has_uv:
        return None
    return shutil.which(uv_bin) or uv_bin


def _print_versions(session: nox.Session) -> None:
    session.run("python", "-c", VERSIONS_SCRIPT, silent=False)


@nox.session(name="lint")
def lint(session: nox.Session) -> None:
    """ruff check ., then lint-imports (the layers of [tool.importlinter] in pyproject.toml)."""
    session.install(*EXTRAS["lint"])
    session.run("ruff", "--version")
    session.run("ruff", "check", ".", *session.posargs)
    # Reads the source from this directory; no cache directory is left in the tree.
    session.run("lint-imports", "--no-cache", "--no-logo")


def _make_checks_session(wagtail: str) -> None:
    @nox.session(name=f"checks-{wagtail}")
    def checks(session: nox.Session) -> None:
        """manage.py check + makemigrations --check for the example site and test settings."""
        if not (ROOT / MANAGE).exists():
            session.error(f"{MANAGE} not found: the example site is required for the checks")
        session.install("-e", ".[demo]", WAGTAIL_PINS[wagtail])
        _print_versions(session)
        # The demo site decides its own database; make sure an outer DATABASE_URL
        # (for example from scripts/with-postgres) does not leak in. Its paths and
        # settings module are those example_site/manage.py sets.
        env = {
            "DATABASE_URL": None,
            "DJANGO_SETTINGS_MODULE": "demo.settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "example_site"), str(ROOT)]),
        }
        session.run("python", "-c", CHECK_AND_MAKEMIGRATIONS, env=env)
        # The package's own migrations, independently of what the demo site installs.
        env_tests = {
            "DATABASE_URL": None,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "PYTHONPATH": str(ROOT),
        }
        session.run("python", "-c", CHECK_AND_MAKEMIGRATIONS, "wagtail_disclosure", env=env_tests)


def _make_tests_session(wagtail: str, database: str) -> None:
    name = f"tests-{wagtail}-{database}"

    @nox.session(name=name)
    def tests(session: nox.Session) -> None:
        """The pytest suite with one Wagtail series on one database."""
        session.install("-e", ".[test]", WAGTAIL_PINS[wagtail])
        _print_versions(session)

        env: dict[str, str | None] = {
            "WAGTAIL_DISCLOSURE_EXPECTED_DB": "postgresql" if database == "postgres" else "sqlite",
            # tests/conftest.py: which session runs each slow group, and which this is.
            "WAGTAIL_DISCLOSURE_ONE_SESSION_TESTS": " ".join(
                f"{marker}={where}" for marker, where in ONE_SESSION.items()
            ),
            "WAGTAIL_DISCLOSURE_NOX_SESSION": name,
        }
        for marker, variable in ONE_SESSION_OPT_IN.items():
            env[variable] = "1" if ONE_SESSION[marker] == name else None
        uv_bin = _uv_binary()
        if uv_bin:
            env["UV"] = uv_bin  # lets tests/test_packaging.py use uv for build + venv
        # --create-db: the Wagtail 7.4 and 8 PostgreSQL sessions share one cluster, and
        # setup.cfg's --reuse-db would otherwise keep the other series' schema.
        # Two workers (pytest-xdist): one per core; each gets its own test database.
        workers = os.environ.get("WAGTAIL_DISCLOSURE_TEST_WORKERS", "2")
        pytest_cmd = ["pytest", "--create-db", "--durations=5", "-n", workers]
        if SCOPE.get(name, "all") != "all":
            pytest_cmd += ["-m", SCOPE[name]]
        pytest_cmd += session.posargs

        if database == "sqlite":
            env["DATABASE_URL"] = None
            session.run(*pytest_cmd, env=env)
        elif os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
            session.run(*pytest_cmd, env=env)
        else:
            # Standalone run (e.g. `nox -s tests-wagtail8-postgres`): own throwaway cluster.
            session.run(
                str(ROOT / "scripts" / "with-postgres"),
                *pytest_cmd,
                env=env,
                external=True,
            )


@nox.session(name="docs")
def docs(session: nox.Session) -> None:
    """mkdocs build --strict"""
    if not (ROOT / "mkdocs.yml").exists():
        session.skip("mkdocs.yml does not exist yet: docs build SKIPPED")
    session.install(*EXTRAS["docs"])
    session.run("mkdocs", "build", "--strict", "--site-dir", str(ROOT / "site"), *session.posargs)


for _wagtail in WAGTAIL_PINS:
    _make_checks_session(_wagtail)
for _database in DATABASES:
    for _wagtail in WAGTAIL_PINS:
        _make_tests_session(_wagtail, _database)

# `nox` with no -s runs sessions in this order (the pytest sessions of `make test`).
nox.options.sessions = [
    "lint",
    *(f"checks-{w}" for w in WAGTAIL_PINS),
    *(name for db in DATABASES for w in WAGTAIL_PINS if (name := f"tests-{w}-{db}") in SCOPE),
    "docs",
]
