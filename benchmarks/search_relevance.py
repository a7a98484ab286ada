"""Relevance and latency of the disclosure search, beside stock Wagtail search.

Builds a throwaway database (SQLite in a temp dir; PostgreSQL when DATABASE_URL is set,
e.g. under ``scripts/with-postgres``), fills it with the corpus of
``benchmarks/search_corpus.py`` (≥1,000 original entries, ≥100 judged queries), and
reports per backend:

* recall@10 (relevant found in the top 10 / min(relevant, 10)), MRR, nDCG@10 (binary),
  for wagtail-disclosure's segmented search and for stock Wagtail search (the same
  corpus indexed with Wagtail's own fields only, queried with the raw query string);
* search latency p50/p95 (``search_entries`` + first page of 10 + count) at the sizes
  given with ``--latency-sizes`` (default 10000).

Run from the repository root::

    .venv/bin/python benchmarks/search_relevance.py
    scripts/with-postgres .venv/bin/python benchmarks/search_relevance.py
    .venv/bin/python benchmarks/search_relevance.py --latency-sizes 10000 100000

Results are written to ``benchmarks/results/search_relevance_<vendor>.json``.
"""

import argparse
import datetime
import importlib.util
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

_spec = importlib.util.spec_from_file_location(
    "catalogue_throughput", REPO / "benchmarks" / "catalogue_throughput.py"
)
throughput = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(throughput)

import search_bulk  # noqa: E402
import search_corpus as corpus  # noqa: E402


def build(section_title, entries, hand=True, section=None):
    """Create the section, departments and entries (live, no revisions), unindexed."""
    from django.db import transaction
    from django.test.utils import override_settings
    from django.utils import timezone
    from wagtail.models import Page
    from wagtail.signal_handlers import disable_reference_index_auto_update

    from wagtail_disclosure.models import (
        ChecklistItem,
        Department,
        DisclosureCategoryPage,
        DisclosureIndexPage,
        entry_page_type_for,
    )
    from wagtail_disclosure.sections import ensure_category_pages

    if section is None:
        root = Page.get_first_root_node()
        section = root.add_child(instance=DisclosureIndexPage(title=section_title, slug="xxgk"))
        ensure_category_pages(section)
    offset = section.get_descendants().count()
    departments = {
        code: Department.objects.get_or_create(short_code=code, defaults={"name": name})[0]
        for code, name in corpus.DEPARTMENTS
    }
    parents = {p.category_id: p for p in DisclosureCategoryPage.objects.child_of(section)}
    items = {i.code: i for i in ChecklistItem.objects.for_checklist(section.checklist)}
    no_index = {"default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}}
    keys = {}
    rows = list(entries)
    if hand:
        for key, title, summary, code in corpus.HAND_ENTRIES:
            rows.append(
                {
                    "key": key,
                    "title": title,
                    "summary": summary,
                    "item": items[code],
                    "department": "XB",
                    "year": 2024,
                }
            )
    ids = []
    with (
        override_settings(WAGTAILSEARCH_BACKENDS=no_index),
        disable_reference_index_auto_update(),
        throughput.publication_allowed(),
        transaction.atomic(),
    ):
        for n, row in enumerate(rows):
            item = row["item"]
            date = datetime.date(row["year"], 1 + n % 12, 1 + n % 28)
            entry = entry_page_type_for(item.category.key)(
                title=row["title"],
                slug=f"e-{offset + n + 1}",
                checklist_item=item,
                department=departments[row["department"]],
                document_date=date,
                publication_date=date,
                summary=row["summary"],
                live=True,
                first_published_at=timezone.make_aware(
                    datetime.datetime.combine(date, datetime.time(9))
                ),
            )
            parents[item.category_id].add_child(instance=entry)
            ids.append(entry.pk)
            if "key" in row:
                keys[row["key"]] = entry.pk
    return section, ids, keys


def reindex(stock=False):
    """(Re)build the database search index; ``stock``: without the segmented fields."""
    from django.core.management import call_command

    from wagtail_disclosure.models import DisclosureEntryPage
    from wagtail_disclosure.search.fields import SegmentedTitleField

    saved = {}
    if stock:
        models = [DisclosureEntryPage, *DisclosureEntryPage.__subclasses__()]
        saved = {model: model.search_fields for model in models}  # before any is changed
        for model in models:
            model.search_fields = [
                f
                for f in model.search_fields
                if not f.field_name.startswith("search_") and not isinstance(f, SegmentedTitleField)
            ]
    started = time.perf_counter()
    call_command("update_index", verbosity=0)
    elapsed = time.perf_counter() - started
    return saved, elapsed


def restore(saved):
    for model, fields in saved.items():
        model.search_fields = fields


def judged_queries(section, keys):
    from wagtail_disclosure.models import ChecklistItem, DisclosureEntryPage
    from wagtail_disclosure.search import segmentation

    items = list(ChecklistItem.objects.for_checklist(section.checklist).order_by("number"))
    entries = list(
        DisclosureEntryPage.objects.descendant_of(section).values_list(
            "pk", "title", "document_date"
        )
    )
    normal = [(pk, segmentation.normalize(t), d.year) for pk, t, d in entries]
    jieba = segmentation._jieba()
    queries = []
    for q in corpus.generated_queries(items, lambda phrase: list(jieba.cut(phrase))):
        word = segmentation.normalize(q["word"])
        relevant = {
            pk for pk, t, y in normal if word in t and (q["year"] is None or y == q["year"])
        }
        if relevant:
            queries.append((q["query"], relevant))
    for query, hand_keys in corpus.HAND_QUERIES:
        words = [segmentation.normalize(w) for w in query.split()]
        relevant = {keys[k] for k in hand_keys}
        relevant |= {pk for pk, t, y in normal if all(w in t for w in words)}
        queries.append((query, relevant))
    return queries


def metrics(ranked, relevant):
    top = ranked[:10]
    hits = [1 if pk in relevant else 0 for pk in top]
    recall = sum(hits) / min(len(relevant), 10)
    rr = next((1 / (i + 1) for i, h in enumerate(hits) if h), 0.0)
    dcg = sum(h / math.log2(i + 2) for i, h in enumerate(hits))
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
    return recall, rr, dcg / ideal


SHOW = set()


def evaluate(section, queries, stock=False):
    from wagtail.search.backends import get_search_backend

    from wagtail_disclosure.models import DisclosureEntryPage
    from wagtail_disclosure.search.query import search_entries, searchable_entries

    backend = get_search_backend()
    visible = DisclosureEntryPage.objects.filter(id__in=searchable_entries(section).values("id"))
    scores, misses = [], []
    for query, relevant in queries:
        if stock:
            ranked = [e.pk for e in backend.search(query, visible)[:10]]
        else:
            ranked = [e.pk for e in search_entries(query, section=section).results[:10]]
        m = metrics(ranked, relevant)
        if query in SHOW:
            from wagtail_disclosure.models import DisclosureEntryPage as E

            titles = dict(
                E.objects.filter(pk__in=set(ranked) | relevant).values_list("pk", "title")
            )
            print(f"{query!r} {'stock' if stock else 'ours'}: {m}")
            print("  ranked:", [(titles[pk], pk in relevant) for pk in ranked])
            print("  missed:", [titles[pk] for pk in relevant - set(ranked)][:10])
        scores.append(m)
        if m[0] < 1:
            misses.append(query)
    n = len(scores)
    return {
        "queries": n,
        "recall@10": round(sum(s[0] for s in scores) / n, 4),
        "MRR": round(sum(s[1] for s in scores) / n, 4),
        "nDCG@10": round(sum(s[2] for s in scores) / n, 4),
        "queries with recall@10 < 1": misses[:30],
    }


def latency(section, queries, repeat=2):
    from django.core.paginator import Paginator

    from wagtail_disclosure.search.query import search_entries

    timings, slowest = [], {}
    load_before = os.getloadavg()[0]
    for _ in range(repeat):
        for query, _relevant in queries:
            started = time.perf_counter()
            outcome = search_entries(query, section=section)
            page = Paginator(outcome.results, 10).get_page(1)
            list(page.object_list)
            page.paginator.count  # noqa: B018
            elapsed = (time.perf_counter() - started) * 1000
            timings.append(elapsed)
            slowest[query] = max(elapsed, slowest.get(query, 0))
    timings.sort()
    return {
        "samples": len(timings),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "max_ms": round(timings[-1], 1),
        "slowest": {
            q: round(ms, 1) for q, ms in sorted(slowest.items(), key=lambda kv: -kv[1])[:5]
        },
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def environment():
    """Machine, versions and the commit measured (as the catalogue benchmark records them)."""
    import platform

    import django
    import wagtail
    from django.db import connection

    if connection.vendor == "postgresql":
        version = connection.cursor().connection.info.server_version
        database = f"PostgreSQL {version // 10000}.{version % 10000}"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": throughput.cpu_model(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "database": database,
        "source": throughput.source_state(),
    }


def run(args):
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from wagtail_disclosure.models import Checklist, ChecklistItem

    checklist = Checklist.objects.get(code="moe-2014")
    items = list(ChecklistItem.objects.for_checklist(checklist).order_by("number"))
    result = {
        "vendor": connection.vendor,
        "date": datetime.date.today().isoformat(),
        "environment": environment(),
    }

    entries = corpus.generate_entries(items)
    t = time.perf_counter()
    section, ids, keys = build("信息公开", entries)
    result["corpus_entries"] = len(ids)
    result["build_s"] = round(time.perf_counter() - t, 1)
    queries = judged_queries(section, keys)
    result["judged_queries"] = len(queries)

    saved, result["index_s_stock"] = reindex(stock=True)
    result["stock"] = evaluate(section, queries, stock=True)
    restore(saved)
    _, result["index_s_segmented"] = reindex()
    result["segmented"] = evaluate(section, queries)
    print(json.dumps(result, ensure_ascii=False, indent=1), flush=True)

    result["latency"] = {}
    for size in args.latency_sizes:
        extra = size - len(ids)
        if extra > 0:
            per_item = math.ceil(extra / len(items))
            corpus.ENTRIES_PER_ITEM = per_item
            t = time.perf_counter()
            rows = corpus.generate_entries(items)[:extra]
            new_ids = search_bulk.build_entries(section, rows, offset=len(ids))
            checks = search_bulk.verify(section, new_ids)
            built = round(time.perf_counter() - t, 1)
            t = time.perf_counter()
            search_bulk.index_entries(new_ids)
            indexed = round(time.perf_counter() - t, 1)
            print(f"size {size}: built in {built}s ({checks}), indexed in {indexed}s", flush=True)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
            ids = ids + new_ids
            result.setdefault("bulk_build", {})[str(size)] = {
                "entries_added": extra,
                "build_s": built,
                "index_s": indexed,
            }
        result["latency"][str(size)] = latency(section, queries)
        print(json.dumps({size: result["latency"][str(size)]}), flush=True)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-sizes", type=int, nargs="*", default=[10000])
    parser.add_argument("--output", type=Path)
    parser.add_argument("--show", nargs="*", default=[], help="print the ranking of these queries")
    args = parser.parse_args(argv)
    SHOW.update(args.show)
    with tempfile.TemporaryDirectory() as tmpdir:
        db = throughput.ScratchDatabase(tmpdir)
        db.create()
        try:
            throughput.setup_django(db.url)
            result = run(args)
        finally:
            from django.db import connections

            connections.close_all()
            db.drop()
    output = (
        args.output or REPO / "benchmarks" / "results" / f"search_relevance_{result['vendor']}.json"
    )
    output.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(f"written to {output}")


if __name__ == "__main__":
    main()
