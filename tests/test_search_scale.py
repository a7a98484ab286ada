"""Search on large sites: the database query path, its result limit, and index rebuilds.

Speed itself is measured by ``benchmarks/search_relevance.py`` (docs/performance.md);
these tests check that the fast path returns what the backend's own search returns, never
more than the public may see, in a fixed number of queries.
"""

import io
import re

import pytest
from django.core.management import call_command
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents.models import Document
from wagtail.search.backends import get_search_backend

from tests.utils import build_once, fresh, make_department, make_entry
from wagtail_disclosure.models import DisclosureAttachment, DisclosureEntryPage
from wagtail_disclosure.search import query as search_query
from wagtail_disclosure.search.query import (
    Filters,
    RankedResults,
    build_query,
    search_entries,
    searchable_entries,
)

pytestmark = pytest.mark.each_database


@pytest.fixture
def section(shared_section):
    return shared_section


def build_ranked_entries(section):
    """Entries that rank differently for 招生 / 招生简章, and some the public may not see."""
    make_entry(section, title="2024年本科招生简章", summary="本科招生简章全文。")
    make_entry(section, title="研究生招生简章", summary="硕士研究生招生。")
    make_entry(section, title="招生章程", summary="学校招生章程。")
    make_entry(section, title="学生资助政策", summary="招生时一并公布资助政策。")
    make_entry(section, title="专项计划招生简章", summary="高校专项计划。")
    make_entry(section, title="招生简章（草稿）", publish=False)
    make_entry(section, title="校内招生简章", audience="campus", restriction_reason="仅限校内")


@pytest.fixture(scope="module")
def _ranked_entries_once(request, _section_once, django_db_blocker):
    yield from build_once(request, django_db_blocker, build_ranked_entries, _section_once)


@pytest.fixture
def ranked_entries(section, _ranked_entries_once):
    return fresh(_ranked_entries_once)


def backend_ranking(text, section):
    """What the backend's own search returns for the same query and visibility rules."""
    base = searchable_entries(section)
    hits = get_search_backend().search(
        build_query(text), DisclosureEntryPage.objects.filter(id__in=base.values("id"))
    )
    return [entry.pk for entry in hits]


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["招生", "招生简章", "研究生招生", "资助"])
def test_ranking_is_the_backends_own(section, ranked_entries, text):
    outcome = search_entries(text, section=section)
    assert isinstance(outcome.results, RankedResults)
    ranked = [entry.pk for entry in outcome.results]
    assert ranked == backend_ranking(text, section)
    assert ranked  # the fixture has matches for every query
    assert outcome.results.count() == len(ranked)
    assert not outcome.truncated


@pytest.mark.django_db
def test_hidden_entries_are_skipped_in_small_batches(section, ranked_entries, monkeypatch):
    # One key per visibility query: hidden entries between visible ones are walked past.
    monkeypatch.setattr(RankedResults, "batch", 1)
    monkeypatch.setattr(RankedResults, "first_fetch", 1)
    outcome = search_entries("招生简章", section=section)
    titles = [entry.title for entry in outcome.results]
    assert titles and "招生简章（草稿）" not in titles and "校内招生简章" not in titles
    assert [e.pk for e in outcome.results] == backend_ranking("招生简章", section)
    assert [e.title for e in outcome.results[1:3]] == titles[1:3]
    assert outcome.results[0].title == titles[0]


@pytest.mark.django_db
def test_filters_apply_to_ranked_results(section, ranked_entries):
    department = make_department("CWC", "财务处")
    entry = make_entry(section, title="财务处招生收费标准", department=department)
    outcome = search_entries("招生", section=section, filters=Filters(department=department))
    assert [e.pk for e in outcome.results] == [entry.pk]
    assert outcome.results.count() == 1


@pytest.mark.django_db
def test_result_count_stops_at_the_limit(client, section, ranked_entries, monkeypatch):
    monkeypatch.setattr(search_query, "MAX_RESULTS", 3)
    outcome = search_entries("招生", section=section)
    assert outcome.results.count() == 3
    assert outcome.truncated
    assert len(list(outcome.results)) == 3
    assert len(outcome.results[0:10]) == 3
    paginator = Paginator(outcome.results, 2)
    assert paginator.num_pages == 2
    assert len(paginator.page(2).object_list) == 1

    response = client.get(section.url + "search/", {"q": "招生"})
    assert response.status_code == 200
    assert response.context["outcome"].truncated
    assert response.context["page_obj"].paginator.count == 3

    monkeypatch.setattr(search_query, "MAX_RESULTS", 50)
    outcome = search_entries("招生", section=section)
    assert outcome.results.count() == len(backend_ranking("招生", section))
    assert not outcome.truncated


@pytest.mark.django_db
def test_query_count_does_not_grow_with_matches(section):
    def queries_for_first_page():
        with CaptureQueriesContext(connection) as captured:
            outcome = search_entries("奖学金", section=section)
            page = Paginator(outcome.results, 10).get_page(1)
            list(page.object_list)
            assert page.paginator.count == matching
        return len(captured)

    matching = 0
    for n in range(3):
        make_entry(section, title=f"奖学金评审结果公示（第{n}批）")
        matching += 1
    few = queries_for_first_page()
    for n in range(3, 15):
        make_entry(section, title=f"奖学金评审结果公示（第{n}批）")
        matching += 1
    assert queries_for_first_page() == few


@pytest.mark.django_db
def test_backend_internals_missing_falls_back_to_backend_search(
    section, ranked_entries, monkeypatch
):
    def unsupported(backend, query):
        raise AttributeError("query_compiler_class")

    expected = [e.pk for e in search_entries("招生", section=section).results]
    monkeypatch.setattr(search_query, "_index_matches", unsupported)
    outcome = search_entries("招生", section=section)
    assert not isinstance(outcome.results, RankedResults)
    assert [e.pk for e in outcome.results] == expected


@pytest.mark.django_db
def test_date_sorts_use_the_index_too(section, ranked_entries):
    newest = search_entries("招生简章", section=section, sort="newest").results
    oldest = search_entries("招生简章", section=section, sort="oldest").results
    assert [e.pk for e in newest] == [e.pk for e in reversed(list(oldest))]
    assert {e.pk for e in newest} == set(backend_ranking("招生简章", section))


# --- rebuilding the index -------------------------------------------------------------


@pytest.mark.django_db
def test_update_index_shows_progress_per_model_and_chunk(section):
    for n in range(3):
        make_entry(section, key="admissions", title=f"重建索引测试{n}")
    out = io.StringIO()
    call_command("update_index", backend_name="default", chunk_size=1, stdout=out)
    text = out.getvalue()
    assert "Updating backend: default" in text
    # One line per model; a dot per chunk (here one entry each), then the total.
    line = re.search(r"default: wagtail_disclosure\.AdmissionsEntryPage\s*(\.+)", text)
    assert line and len(line.group(1)) == 3
    total = re.search(r"default: indexed (\d+) objects", text)
    assert total and int(total.group(1)) >= 3
    assert [e.title for e in search_entries("重建索引", section=section).results]


@pytest.mark.django_db
def test_rebuild_reads_attachments_with_the_chunk(section):
    def rebuild_queries():
        """Queries that read attachments (the writes to the index depend on the backend)."""
        with CaptureQueriesContext(connection) as captured:
            call_command("update_index", backend_name="default", verbosity=0)
        table = DisclosureAttachment._meta.db_table
        return sum(
            1 for q in captured if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]
        )

    def entry_with_attachment(n):
        entry = make_entry(section, title=f"附件条目{n}")
        document = Document.objects.create(title=f"附件{n}.txt")
        DisclosureAttachment.objects.create(
            page=entry, document=document, extracted_text=f"附件正文{n}"
        )

    for n in range(2):
        entry_with_attachment(n)
    few = rebuild_queries()
    for n in range(2, 6):
        entry_with_attachment(n)
    assert rebuild_queries() == few
    assert len(search_entries("附件正文", section=section).results) == 6


@pytest.mark.django_db
def test_postgresql_has_the_title_body_index(db):
    if connection.vendor != "postgresql":
        pytest.skip("the GIN index of migration 0008 exists on PostgreSQL only")
    from importlib import import_module

    migration = import_module("wagtail_disclosure.migrations.0008_search_index_title_body_gin")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [migration.INDEX_NAME]
        )
        row = cursor.fetchone()
    assert row and "gin" in row[0] and "(title || body)" in row[0]
