"""Nox sessions for wagtail-disclosure (driven by ``make test``; see docs/development.md).

Sessions (``nox -l`` lists them):

* ``lint``                                  ruff check .
* ``checks-wagtail74``, ``checks-wagtail8`` example_site ``manage.py check`` and
                                            ``makemigrations --check --dry-run``
* ``tests-{wagtail74,wagtail8}-{sqlite,postgres}``
                                            the pytest suite; the PostgreSQL sessions use
                                            the cluster from ``scripts/with-postgres`` when
                                            DATABASE_URL points at PostgreSQL, and otherwise
                                            wrap pytest in ``scripts/with-postgres`` themselves
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

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_external_run = True

WAGTAIL_PINS = {
    "wagtail74": "wagtail>=7.4,<7.5",
    "wagtail8": "wagtail>=8.0,<9",
}
DATABASES = ("sqlite", "postgres")
# The wheel/fresh-project test is slow; it runs in exactly one session.
PACKAGING_SESSION = "tests-wagtail8-sqlite"
# tests/test_outside_in.py (a real server on its own database, about a minute) runs with
# one Wagtail series only, on both databases.
OUTSIDE_IN_WAGTAIL = "wagtail8"

MANAGE = "example_site/manage.py"
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
    """ruff check ."""
    session.install(*EXTRAS["lint"])
    session.run("ruff", "--version")
    session.run("ruff", "check", ".", *session.posargs)


def _make_checks_session(wagtail: str) -> None:
    @nox.session(name=f"checks-{wagtail}")
    def checks(session: nox.Session) -> None:
        """manage.py check + makemigrations --check for the example site and test settings."""
        if not (ROOT / MANAGE).exists():
            session.error(f"{MANAGE} not found: the example site is required for the checks")
        session.install("-e", ".[demo]", WAGTAIL_PINS[wagtail])
        _print_versions(session)
        # The demo site decides its own database; make sure an outer DATABASE_URL
        # (for example from scripts/with-postgres) does not leak in.
        env = {"DATABASE_URL": None}
        session.run("python", MANAGE, "check", env=env)
        session.run("python", MANAGE, "makemigrations", "--check", "--dry-run", env=env)
        # The package's own migrations, independently of what the demo site installs.
        env_tests = {
            "DATABASE_URL": None,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "PYTHONPATH": str(ROOT),
        }
        session.run("django-admin", "check", env=env_tests)
        session.run(
            "django-admin",
            "makemigrations",
            "--check",
            "--dry-run",
            "wagtail_disclosure",
            env=env_tests,
        )


def _make_tests_session(wagtail: str, database: str) -> None:
    name = f"tests-{wagtail}-{database}"

    @nox.session(name=name)
    def tests(session: nox.Session) -> None:
        """The pytest suite with one Wagtail series on one database."""
        session.install("-e", ".[test]", WAGTAIL_PINS[wagtail])
        _print_versions(session)

        env: dict[str, str | None] = {
            "WAGTAIL_DISCLOSURE_EXPECTED_DB": "postgresql" if database == "postgres" else "sqlite",
            "WAGTAIL_DISCLOSURE_PACKAGING_TEST": "1" if name == PACKAGING_SESSION else None,
            "WAGTAIL_DISCLOSURE_OUTSIDE_IN_TEST": "1" if wagtail == OUTSIDE_IN_WAGTAIL else None,
        }
        uv_bin = _uv_binary()
        if uv_bin:
            env["UV"] = uv_bin  # lets tests/test_packaging.py use uv for build + venv
        # --create-db: the Wagtail 7.4 and 8 PostgreSQL sessions share one cluster, and
        # setup.cfg's --reuse-db would otherwise keep the other series' schema.
        # Two workers (pytest-xdist): one per core; each gets its own test database.
        workers = os.environ.get("WAGTAIL_DISCLOSURE_TEST_WORKERS", "2")
        pytest_cmd = ["pytest", "--create-db", "--durations=5", "-n", workers, *session.posargs]

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

# `nox` with no -s runs sessions in this order.
nox.options.sessions = [
    "lint",
    *(f"checks-{w}" for w in WAGTAIL_PINS),
    *(f"tests-{w}-{db}" for db in DATABASES for w in WAGTAIL_PINS),
    "docs",
]
