"""索引号 stay unique when many editors create entries at the same moment (PostgreSQL)."""

import datetime
import threading

import pytest
from django.db import connection, connections
from wagtail.models import Page, Site

from tests.utils import make_department
from wagtail_disclosure.index_numbers import next_serial
from wagtail_disclosure.models import (
    AdmissionsEntryPage,
    ChecklistItem,
    DisclosureCategoryPage,
    DisclosureEntryPage,
    DisclosureIndexPage,
)
from wagtail_disclosure.sections import ensure_category_pages

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 6


def run_together(target, count):
    """Start ``count`` threads on ``target(i)`` behind a barrier; re-raise any failure."""
    barrier = threading.Barrier(count)
    errors = []

    def worker(i):
        try:
            barrier.wait()
            target(i)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


def test_really_concurrent_connections():
    assert connection.vendor == "postgresql"


def test_next_serial_never_repeats_under_contention():
    results = []
    lock = threading.Lock()

    def take(_i):
        for _ in range(25):
            value = next_serial(None, "19999-03-2026-#")
            with lock:
                results.append(value)

    run_together(take, THREADS)
    assert sorted(results) == list(range(1, THREADS * 25 + 1))


def test_concurrently_created_entries_get_distinct_numbers():
    # One site; several sections below its root, so every thread adds pages under a
    # parent of its own (the page tree itself is not what is being tested) while all
    # threads draw from the same 索引号 sequence (same site, category and year).
    home = Page.get_first_root_node().add_child(instance=Page(title="首页", slug="concurrency-home"))
    Site.objects.update(root_page=home)
    parents = []
    for i in range(THREADS):
        section = home.add_child(instance=DisclosureIndexPage(title=f"栏目{i}", slug=f"s{i}"))
        ensure_category_pages(section)
        parents.append(
            DisclosureCategoryPage.objects.child_of(section).get(category__key="admissions")
        )
    item = ChecklistItem.objects.get(category__checklist__code="moe-2014", code="7")
    department = make_department()
    per_thread = 8

    def create(i):
        parent = Page.objects.get(pk=parents[i].pk)
        for n in range(per_thread):
            entry = AdmissionsEntryPage(
                title=f"并发条目 {i}-{n}", slug=f"c-{i}-{n}", checklist_item=item,
                department=department, document_date=datetime.date(2026, 5, 1),
            )
            parent.add_child(instance=entry)
            parent.refresh_from_db()

    run_together(create, THREADS)
    numbers = list(DisclosureEntryPage.objects.values_list("index_number", flat=True))
    assert len(numbers) == THREADS * per_thread
    assert len(set(numbers)) == len(numbers)
    assert sorted(numbers) == [
        f"19999-02-2026-{serial:04d}" for serial in range(1, THREADS * per_thread + 1)
    ]
