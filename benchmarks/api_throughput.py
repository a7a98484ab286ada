#!/usr/bin/env python
"""Throughput of the disclosure API beside Wagtail's v2 pages endpoint, on the same data.

One run builds the same throwaway database and sites as ``catalogue_throughput.py`` (whose
database, content, gunicorn and load-generator code it reuses), then serves the project
with gunicorn and loads, in turn:

* Wagtail's welcome page (the floor of a Wagtail request, as in the catalogue benchmark);
* Wagtail's v2 pages endpoint listing the disclosure entries
  (``/api/v2/pages/?type=wagtail_disclosure.DisclosureEntryPage&limit=20``), stock
  ``PagesAPIViewSet`` with its default fields;
* the same listing through ``DisclosurePagesAPIViewSet`` (the v2 viewset that applies the
  disclosure visibility rule, at ``/api/v2/disclosure-pages/``);
* the disclosure API's entries list (``/api/disclosure/v1/entries?page_size=20``);
* the disclosure API's catalogue (``/api/disclosure/v1/catalogue``);
* an entry's detail (``/api/disclosure/v1/entries/<id>``).

Conditional requests are not used: every request builds its response.

Usage (from the repository root; needs gunicorn, see benchmarks/README.md)::

    .venv/bin/python benchmarks/api_throughput.py                      # SQLite
    scripts/with-postgres .venv/bin/python benchmarks/api_throughput.py
    .venv/bin/python benchmarks/api_throughput.py --print-results       # tables only

Results are merged into ``benchmarks/results/api_throughput.json``.
"""

import datetime
import importlib.util
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

_spec = importlib.util.spec_from_file_location(
    "catalogue_throughput", REPO / "benchmarks" / "catalogue_throughput.py"
)
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

DEFAULT_OUTPUT = REPO / "benchmarks" / "results" / "api_throughput.json"
PAGE_SIZE = 20


def log(message):
    print(f"[api_throughput] {message}", file=sys.stderr, flush=True)


def targets_for(welcome, entry):
    from wagtail_disclosure.api.main import API_PREFIX

    api = "/" + API_PREFIX
    host = base.DISCLOSURE_HOST
    v2_query = f"?type=wagtail_disclosure.DisclosureEntryPage&limit={PAGE_SIZE}"
    return [
        {
            "name": "welcome",
            "label": "Wagtail welcome page (Site A)",
            "host": base.WELCOME_HOST,
            "path": base.page_path(welcome),
            "marker": welcome.title,
        },
        {
            "name": "v2_pages",
            "label": f"Wagtail v2 pages endpoint, {PAGE_SIZE} entries",
            "host": host,
            "path": f"/api/v2/pages/{v2_query}",
            "marker": '"total_count"',
        },
        {
            "name": "v2_disclosure_pages",
            "label": f"DisclosurePagesAPIViewSet (v2), {PAGE_SIZE} entries",
            "host": host,
            "path": f"/api/v2/disclosure-pages/{v2_query}",
            "marker": '"total_count"',
        },
        {
            "name": "entries",
            "label": f"Disclosure API entries list, {PAGE_SIZE} entries",
            "host": host,
            "path": f"{api}entries?page_size={PAGE_SIZE}",
            "marker": '"index_number"',
        },
        {
            "name": "catalogue",
            "label": "Disclosure API catalogue",
            "host": host,
            "path": f"{api}catalogue",
            "marker": '"categories"',
        },
        {
            "name": "entry_detail",
            "label": "Disclosure API entry detail",
            "host": host,
            "path": f"{api}entries/{entry.pk}",
            "marker": '"index_number"',
        },
    ]


def benchmark(args, tmpdir):
    database = base.ScratchDatabase(tmpdir)
    try:
        database.create()
        base.setup_django(database.url)
        from django.core.management import call_command

        began = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        migrate_s = time.monotonic() - began
        log(f"{database.vendor}: migrated in {migrate_s:.1f} s; building {args.entries} entries")
        began = time.monotonic()
        welcome, section, items = base.build_sites(args.entries)
        if database.vendor == "postgresql":
            # Planner statistics, as autovacuum gathers them on a live site shortly after
            # a bulk load; without them PostgreSQL estimates one row per table.
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        build_s = time.monotonic() - began
        from wagtail_disclosure.catalogue import public_entries

        entry = public_entries(section).order_by("-publication_date", "-id").first()
        log(f"built in {build_s:.1f} s")
        targets = targets_for(welcome, entry)
        env, server_errors = base.measure(args, database, tmpdir, targets, log=log)
    finally:
        base.drop_database(database)

    by_name = {target["name"]: target for target in targets}
    v2_rps = by_name["v2_pages"]["requests_per_s"]
    return {
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "environment": env,
        "config": {
            "entries": args.entries,
            "checklist_items": len(items),
            "page_size": PAGE_SIZE,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "concurrency": args.concurrency,
            "workers": args.workers,
            "worker_class": "sync",
            "conn_max_age": 60,
            "wait_idle_s": args.wait_idle,
            "debug": False,
            "throttle": None,
        },
        "setup_s": {"migrate": round(migrate_s, 1), "build": round(build_s, 1)},
        "targets": [
            {key: value for key, value in target.items() if key != "marker"} for target in targets
        ],
        "ratios_vs_v2_pages": {
            name: round(by_name[name]["requests_per_s"] / v2_rps, 3) if v2_rps else None
            for name in ("v2_disclosure_pages", "entries", "catalogue", "entry_detail")
        },
        "server_log_errors": server_errors[:20],
    }


def main(argv=None):
    # Every request builds its answer: the server cache of pages and API answers is off in
    # the gunicorn workers (benchmarks/settings.py reads this).
    os.environ["BENCHMARK_PAGE_SERVER_CACHE_SECONDS"] = "0"
    return base.main(
        argv, run_benchmark=benchmark, default_output=DEFAULT_OUTPUT, name="api_throughput"
    )


if __name__ == "__main__":
    try:
        sys.exit(main())
    except base.BenchmarkError as exc:
        print(f"api_throughput: {exc}", file=sys.stderr)
        sys.exit(1)
