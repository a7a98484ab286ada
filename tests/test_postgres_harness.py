"""Sanity checks for the test harness itself (noxfile.py + scripts/with-postgres)."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from wagtail_disclosure.models import ChecklistItem

pytestmark = pytest.mark.each_database


@pytest.mark.django_db
def test_session_runs_on_the_expected_database():
    """A `tests-*-postgres` session must never silently fall back to SQLite (and vice versa)."""
    expected = os.environ.get("WAGTAIL_DISCLOSURE_EXPECTED_DB")
    if not expected:
        pytest.skip("WAGTAIL_DISCLOSURE_EXPECTED_DB not set (only the nox sessions set it)")
    assert connection.vendor == expected


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_test_database_is_migrated():
    assert connection.vendor == "postgresql"
    assert connection.settings_dict["NAME"].startswith("test_")  # test_wagtail_disclosure
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        (version_num,) = cursor.fetchone()
    assert int(version_num) >= 140000
    # Data migration 0002 installed the MOE 2014 checklist.
    assert ChecklistItem.objects.filter(title="学校章程及制定的各项规章制度").exists()
