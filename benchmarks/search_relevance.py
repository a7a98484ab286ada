"""Relevance and latency of the disclosure search, beside stock Wagtail search.

Builds a throwaway database (SQLite in a temp dir; PostgreSQL when DATABASE_URL is set,
e.g. under ``scripts/with-postgres``), fills it with the corpus of
``benchmarks/relevance_corpus`` (2,200 original entries written the way real disclosure
pages are, 356 judged queries split into a development and a test half), and reports per
half and backend:

* recall@10 (relevant, grade >= 1, found in the top 10 / min(relevant, 10)), MRR (the
  first answer, grade 2), nDCG@10 (graded gains 2^g - 1), for wagtail-disclosure's search
  and for stock Wagtail search (the same corpus indexed with Wagtail's own fields only,
  queried with the raw query string); the development half also by query class, with the
  queries missed;
* search latency p50/p95 (``search_entries`` + first page of 10 + count) at the sizes
  given with ``--latency-sizes`` (default 10000; none to skip).

Tune on ``--half dev`` only; the test half is the figure that counts.

Run from the repository root, with a Python that has the package and its ``test`` extra
(e.g. ``.nox/tests-wagtail8-sqlite/bin/python``)::

    python benchmarks/search_relevance.py
    python benchmarks/search_relevance.py --half dev --latency-sizes
    scripts/with-postgres python benchmarks/search_relevance.py
    python benchmarks/search_relevance.py --latency-sizes 10000 100000

Results are written to ``benchmarks/results/search_relevance_<vendor>.json`` (with
``--half dev`` or ``test``: ``search_relevance_<vendor>_<half>.json``).
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

import relevance_corpus  # noqa: E402
import search_bulk  # noqa: E402
import search_corpus as corpus_rows  # noqa: E402  (rows of the latency sizes)


def build(section_title, corpus):
    """Create the section, departments and the corpus entries (live, no revisions),
    unindexed. Returns the section and a map of corpus entry key -> page id."""
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

    root = Page.get_first_root_node()
    section = root.add_child(instance=DisclosureIndexPage(title=section_title, slug="xxgk"))
    ensure_category_pages(section)
    departments = {
        code: Department.objects.get_or_create(short_code=code, defaults={"name": name})[0]
        for code, name in relevance_corpus.DEPARTMENTS
    }
    parents = {p.category_id: p for p in DisclosureCategoryPage.objects.child_of(section)}
    items = {
        i.code: i
        for i in ChecklistItem.objects.for_checklist(section.checklist).select_related("category")
    }
    no_index = {"default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}}
    keys = {}
    with (
        override_settings(WAGTAILSEARCH_BACKENDS=no_index),
        disable_reference_index_auto_update(),
        throughput.publication_allowed(),
        transaction.atomic(),
    ):
        for n, row in enumerate(corpus.entries):
            item = items[row.item]
            date = datetime.date(row.year, 1 + n % 12, 1 + n % 28)
            entry = entry_page_type_for(item.category.key)(
                title=row.title,
                slug=f"e-{n + 1}",
                checklist_item=item,
                department=departments[row.department],
                document_number=row.document_number,
                document_date=date,
                publication_date=date,
                summary=row.summary,
                body=row.body,
                live=True,
                first_published_at=timezone.make_aware(
                    datetime.datetime.combine(date, datetime.time(9))
                ),
            )
            parents[item.category_id].add_child(instance=entry)
            keys[row.key] = entry.pk
    return section, keys


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


def judged_queries(corpus, keys, half):
    """(query text, {page id: grade}, query) of the queries of ``half`` (dev, test, both)."""
    return [
        (q.text, {keys[k]: grade for k, grade in q.relevant.items()}, q) for q in corpus.half(half)
    ]


def metrics(ranked, relevant):
    """recall@10 (grade >= 1), reciprocal rank of the first answer (grade 2), nDCG@10."""
    top = ranked[:10]
    grades = [relevant.get(pk, 0) for pk in top]
    recall = sum(1 for g in grades if g) / min(len(relevant), 10)
    rr = next((1 / (i + 1) for i, g in enumerate(grades) if g == 2), 0.0)
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))
    best = sorted(relevant.values(), reverse=True)[:10]
    ideal = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(best))
    return recall, rr, dcg / ideal


SHOW = set()


def _summary(scores):
    n = len(scores)
    return {
        "queries": n,
        "recall@10": round(sum(s[0] for s in scores) / n, 4),
        "MRR": round(sum(s[1] for s in scores) / n, 4),
        "nDCG@10": round(sum(s[2] for s in scores) / n, 4),
    }


def evaluate(section, queries, stock=False, details=False):
    """Scores of ``queries``; ``details`` (development half only): by class, and misses."""
    from wagtail.search.backends import get_search_backend

    from wagtail_disclosure.models import DisclosureEntryPage
    from wagtail_disclosure.search.query import search_entries, searchable_entries

    backend = get_search_backend()
    visible = DisclosureEntryPage.objects.filter(id__in=searchable_entries(section).values("id"))
    scores, by_class, misses = [], {}, []
    for text, relevant, query in queries:
        if stock:
            ranked = [e.pk for e in backend.search(text, visible)[:10]]
        else:
            ranked = [e.pk for e in search_entries(text, section=section).results[:10]]
        m = metrics(ranked, relevant)
        if text in SHOW and query.half == "dev":  # never the test half's rankings
            titles = dict(
                DisclosureEntryPage.objects.filter(pk__in=set(ranked) | set(relevant)).values_list(
                    "pk", "title"
                )
            )
            print(f"{text!r} {'stock' if stock else 'ours'}: {m}")
            print("  ranked:", [(titles[pk], relevant.get(pk, 0)) for pk in ranked])
            print("  missed:", [titles[pk] for pk in set(relevant) - set(ranked)][:10])
        scores.append(m)
        for name in query.classes:
            by_class.setdefault(name, []).append(m)
        if m[0] < 1 or m[1] < 1:
            misses.append(
                {
                    "query": text,
                    "classes": list(query.classes),
                    "recall@10": round(m[0], 3),
                    "RR": round(m[1], 3),
                }
            )
    result = _summary(scores)
    result["by_class"] = {name: _summary(s) for name, s in sorted(by_class.items())}
    if details:
        result["queries with recall@10 < 1 or first answer not first"] = misses
    else:
        result["queries with recall@10 < 1 or first answer not first"] = len(misses)
    return result


def latency(section, queries, repeat=2):
    from django.core.paginator import Paginator

    from wagtail_disclosure.search.query import search_entries

    timings, slowest = [], {}
    load_before = os.getloadavg()[0]
    for _ in range(repeat):
        for query, _relevant, _q in queries:
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

    t = time.perf_counter()
    corpus = relevance_corpus.build()
    result["corpus"] = {
        "generator": f"benchmarks/relevance_corpus (seed {relevance_corpus.SEED})",
        "entries": len(corpus.entries),
        "judged_queries": len(corpus.queries),
        "dev_queries": len(corpus.half("dev")),
        "test_queries": len(corpus.half("test")),
        "fingerprint": relevance_corpus.fingerprint(corpus),
        "generate_s": round(time.perf_counter() - t, 1),
    }
    t = time.perf_counter()
    section, keys = build("信息公开", corpus)
    ids = list(keys.values())
    result["build_s"] = round(time.perf_counter() - t, 1)
    halves = ["dev", "test"] if args.half == "both" else [args.half]
    queries = {half: judged_queries(corpus, keys, half) for half in halves}

    saved, result["index_s_stock"] = reindex(stock=True)
    stock = {
        half: evaluate(section, queries[half], stock=True, details=half == "dev") for half in halves
    }
    restore(saved)
    _, result["index_s_segmented"] = reindex()
    ours = {half: evaluate(section, queries[half], details=half == "dev") for half in halves}
    result["halves"] = {half: {"ours": ours[half], "stock": stock[half]} for half in halves}
    print(json.dumps(result, ensure_ascii=False, indent=1), flush=True)
    print_table(result)

    result["latency"] = {}
    timed = judged_queries(corpus, keys, "both")
    for size in args.latency_sizes:
        extra = size - len(ids)
        if extra > 0:
            per_item = math.ceil(extra / len(items))
            corpus_rows.ENTRIES_PER_ITEM = per_item
            t = time.perf_counter()
            rows = corpus_rows.generate_entries(items)[:extra]
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
        result["latency"][str(size)] = latency(section, timed)
        print(json.dumps({size: result["latency"][str(size)]}), flush=True)
    return result


def print_table(result):
    print(f"\n{result['vendor']}: ours (stock Wagtail)")
    print("| half | queries | recall@10 | MRR | nDCG@10 |")
    print("|---|---:|---:|---:|---:|")
    for half, scores in result["halves"].items():
        ours, stock = scores["ours"], scores["stock"]
        print(
            f"| {half} | {ours['queries']} | "
            + " | ".join(f"{ours[k]:.3f} ({stock[k]:.3f})" for k in ("recall@10", "MRR", "nDCG@10"))
            + " |"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-sizes", type=int, nargs="*", default=[10000])
    parser.add_argument(
        "--half",
        choices=["dev", "test", "both"],
        default="both",
        help="which judged queries to score (default: both, reported separately); tune on dev",
    )
    parser.add_argument("--output", type=Path)
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="keep the PostgreSQL database built (its URL is printed), for profiling",
    )
    parser.add_argument(
        "--show", nargs="*", default=[], help="print the ranking of these (development) queries"
    )
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
            if args.keep_db and db.url.startswith("postgres"):
                print(f"kept: {db.url}", flush=True)
            else:
                db.drop()
    suffix = "" if args.half == "both" else f"_{args.half}"
    output = args.output or (
        REPO / "benchmarks" / "results" / f"search_relevance_{result['vendor']}{suffix}.json"
    )
    output.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(f"written to {output}")


if __name__ == "__main__":
    main()
