"""An import in several processes (``disclosure_import --jobs``, wagtail_disclosure.import_jobs).

The processes open their own connections, so the rows must be committed: these tests run
outside the test's transaction, on PostgreSQL (the only database the jobs are used on).
"""

import collections
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation
from wagtail.models import PageLogEntry

from tests.test_import_export import HEADER_ZH, csv_bytes, good_row
from tests.utils import grant, make_department, make_section, staff, tree_problems
from wagtail_disclosure import import_jobs
from wagtail_disclosure.importing import Importer, import_file, read_table
from wagtail_disclosure.models import (
    DisclosureCategoryPage,
    DisclosureEntryPage,
    ImportedEntry,
)
from wagtail_disclosure.models.review import EntryReview, ReviewState
from wagtail_disclosure.permissions import Role
from wagtail_disclosure.search.query import search_entries


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def rows_of_many_categories(count):
    """``count`` good rows over the 50 items (every category page)."""
    rows = []
    for n in range(count):
        row = good_row(n, item=str(1 + n % 50))
        row[4] = ""  # publication date: the day of publication
        rows.append(row)
    return rows


@pytest.mark.django_db
def test_the_parts_are_whole_category_pages():
    section = make_section()
    make_department("JWC", "教务处")
    importer = Importer(section)
    rows = read_table(csv_bytes(rows_of_many_categories(200)), "e.csv").rows
    parts = import_jobs.partition(importer, rows, 2)
    assert len(parts) == 2 and sum(map(len, parts)) == 200
    assert abs(len(parts[0]) - len(parts[1])) < 40  # balanced by rows
    owner = {}
    for index, part in enumerate(parts):
        assert [line for line, _values in part] == sorted(line for line, _values in part)
        for _line, values in part:
            category = importer.items[values["item"]].category_id
            assert owner.setdefault(category, index) == index  # no category in two parts
    # One key given to rows of two category pages: their duplicate is found by one
    # process only, so the file is imported in one.
    with_keys = csv_bytes(
        [[*good_row(1, item="1"), "k1"], [*good_row(2, item="12"), "k1"]]
        + [[*row, ""] for row in rows_of_many_categories(50)],
        [*HEADER_ZH, "key"],
    )
    assert import_jobs.partition(importer, read_table(with_keys, "k.csv").rows, 2) is None
    # The jobs are used on PostgreSQL only, outside a transaction, for files of some size.
    assert not import_jobs.usable(2, 10_000)  # inside the test's transaction
    assert not import_jobs.usable(1, 10_000)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_processes_import_what_one_process_imports(django_user_model, tmp_path):
    section = make_section()
    make_department("JWC", "教务处")
    office = staff(django_user_model, "office", section)
    grant(office, Role.DISCLOSURE_OFFICE)
    count = import_jobs.MIN_ROWS + 200
    rows = rows_of_many_categories(count)
    rows[10][1] = "99"  # unknown item: bad, in whichever part
    rows[700][3] = "2024-02-30"  # bad date
    rows[900] = list(rows[850])  # the same row twice (same key): a duplicate, same part
    path = tmp_path / "e.csv"
    path.write_bytes(csv_bytes(rows))
    assert import_jobs.usable(2, count) and connection.vendor == "postgresql"

    seen = []
    result = import_file(
        path.read_bytes(),
        "e.csv",
        section,
        user=office,
        publish=True,
        jobs=2,
        progress=lambda done, total, phase="rows": seen.append((done, total)),
    )

    assert result.jobs == 2
    assert (
        sorted(result.bad)
        == result.bad
        == [
            (12, "unknown item code “99”"),
            (702, "bad date in 成文日期 (document date): “2024-02-30”"),
            (902, "duplicate key in the file (first on line 852)"),
        ]
    )
    good = count - 3
    assert result.imported == good and result.skipped == 0
    assert len(set(result.page_ids)) == good
    assert seen[-1] == (count, count)  # the sum of both processes' progress

    entries = DisclosureEntryPage.objects.descendant_of(section)
    assert entries.count() == good
    assert entries.publicly_visible().count() == good
    assert not any(tree_problems())
    for category in DisclosureCategoryPage.objects.child_of(section):
        assert category.numchild == category.get_children().count()
    assert EntryReview.objects.filter(state=ReviewState.PUBLISHED).count() == good
    assert ImportedEntry.objects.count() == good
    assert PageLogEntry.objects.filter(action="wagtail_disclosure.imported").count() == good
    # 索引号: each sequence numbered from 1 without gap or repeat across the processes.
    serials = collections.defaultdict(list)
    for number in entries.values_list("index_number", flat=True):
        prefix, serial = number.rsplit("-", 1)
        serials[prefix].append(int(serial))
    assert len(serials) > 1
    for numbers in serials.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
    # Indexed in the processes' batches, found by search.
    hits = search_entries("第1033号", section=section).results
    assert [hit.title for hit in hits] == ["2024年招生章程 第1033号"]

    # A rerun by the command, also in two processes, imports nothing twice.
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:  # the 3 bad rows again
        call_command(
            "disclosure_import", str(path), "--jobs", "2", "--user", "office", "--publish",
            stdout=out, stderr=io.StringIO(),
        )  # fmt: skip
    assert raised.value.returncode == 1
    assert f"imported 0, skipped {good} (already imported), bad 3" in out.getvalue()
    assert "in 2 processes" in out.getvalue()
    assert entries.count() == good


@pytest.mark.django_db
def test_jobs_must_be_a_positive_number(tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes(csv_bytes([good_row(1)]))
    for bad in ("0", "two"):
        with pytest.raises(CommandError, match="--jobs"):
            call_command("disclosure_import", str(path), "--jobs", bad)
    assert not DisclosureEntryPage.objects.exists()
