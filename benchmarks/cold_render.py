#!/usr/bin/env python
"""Server CPU of one public page request, in-process: cold after a publish, warm, and 304.

    scripts/with-postgres .nox/tests-wagtail8-postgres/bin/python benchmarks/cold_render.py \\
        --entries 1000 10000 [--repeat 15] [--profile catalogue-cold]

For each ``--entries`` size: a scratch PostgreSQL database (or SQLite without
``DATABASE_URL``) built with the generator of ``load.py`` (the first 1,000 entries one by
one, the rest in batches), then requests made through Django's WSGI handler in this
process (``benchmarks/settings.py``: DEBUG off, the middleware of a typical site, Django's
local-memory cache), each timed in CPU seconds of this process (``time.process_time``,
the database server's CPU is not included) and with its SQL queries counted:

* ``cold``: the first request after a publication (an entry of another item each time
  gets today's date: a new content state, so the page and the catalogue miss, the
  catalogue is built, and the rows of the items that did not change come from the cache);
* ``warm``: the same page asked again (the page kept in Django's cache under the state);
* ``304``: asked with the ETag it was given.

Pages: the catalogue, the busiest category page and an entry. The content-state query's
own time (wall, database included) is recorded too. Results: median of ``--repeat``,
merged into ``benchmarks/results/cold_render.json`` and printed as a table
(docs/performance.md#cold-render).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO))

import load  # noqa: E402  (the data generator and scratch databases)

base = load.base
RESULTS = REPO / "benchmarks" / "results" / "cold_render.json"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=15, help="requests per measure (15)")
    parser.add_argument(
        "--profile", default="", help="print a cProfile of one measure, e.g. catalogue-cold"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch database (print its URL)"
    )
    parser.add_argument(
        "--reuse", default="", help="measure a database kept by --keep (its URL), no build"
    )
    return parser.parse_args(argv)


def environ_for(path, host, headers=None):
    from django.test.client import RequestFactory

    request = RequestFactory().get(path, headers=headers or {})
    environ = dict(request.environ)
    environ["HTTP_HOST"] = host
    environ["SERVER_NAME"] = host
    return environ


def call(handler, environ):
    """One request through the WSGI handler; (status, headers, body)."""
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    body = b"".join(handler(dict(environ), start_response))
    return answer["status"], answer["headers"], body


_touched = []


def touch_state():
    """A change as a publication makes one: an entry of the next checklist item (in turn)
    gets today's publication date and is saved, so the content state changes and the
    item's row of the catalogue (its latest entries, its last update) with it."""
    from django.utils import timezone

    from wagtail_disclosure.models import DisclosureEntryPage

    entries = DisclosureEntryPage.objects.live().order_by("checklist_item_id", "pk")
    entry = entries.exclude(checklist_item_id__in=_touched[-40:]).first()
    _touched.append(entry.checklist_item_id)
    entry.publication_date = timezone.localdate()
    entry.last_published_at = timezone.now()
    entry.save(update_fields=["publication_date", "last_published_at"])


def measure(handler, environ, repeat, before=None, profile=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cpu, queries, database, server, status = [], [], [], 0.0, None
    for _ in range(repeat):
        if before:
            before()
        server_started = base.postgres_cpu()
        with CaptureQueriesContext(connection) as captured:
            started = time.process_time()
            if profile is not None:
                profile.enable()
            status, _headers, _body = call(handler, environ)
            if profile is not None:
                profile.disable()
            cpu.append(time.process_time() - started)
        server += base.postgres_cpu() - server_started
        queries.append(len(captured))
        database.append(sum(float(query["time"]) for query in captured.captured_queries))
    return {
        "status": status,
        "cpu_ms": round(statistics.median(cpu) * 1000, 2),
        "queries": max(queries),
        # The queries' time as this process waited for them (the database's work and the
        # round trips), median.
        "database_ms": round(statistics.median(database) * 1000, 2),
        # The CPU of PostgreSQL's processes on this machine, per request: a mean, as the
        # kernel counts it in ticks of 10 ms (0 when the server is not local).
        "postgres_cpu_ms": round(server / repeat * 1000, 2),
    }


def state_query_ms(repeat):
    from wagtail_disclosure.public_cache import content_state

    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        content_state()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 2)


def run_size(entries, repeat, profile_target, keep=False, reuse=""):
    from django.core.management import call_command
    from django.db import connections

    if reuse:
        base.setup_django(reuse)
        call_command("migrate", verbosity=0, interactive=False)
        from wagtail_disclosure.models import DisclosureIndexPage

        section = DisclosureIndexPage.objects.get()
        return measure_size(section, entries, repeat, profile_target, connections["default"].vendor)
    with tempfile.TemporaryDirectory() as tmpdir:
        database = base.ScratchDatabase(Path(tmpdir))
        database.create()
        try:
            base.setup_django(database.url)
            call_command("migrate", verbosity=0, interactive=False)
            slow = min(1000, entries)
            _welcome, section, items = base.build_sites(slow)
            call_command("update_index", verbosity=0)
            if entries > slow:
                load.bulk_entries(section, items, entries - slow, offset=slow)
            if database.vendor == "postgresql":
                with connections["default"].cursor() as cursor:
                    cursor.execute("ANALYZE")
            return measure_size(section, entries, repeat, profile_target, database.vendor)
        finally:
            connections.close_all()
            if keep:
                print(f"kept: {database.url}")
            else:
                database.drop()


def measure_size(section, entries, repeat, profile_target, vendor):
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    paths, _count = load.target_paths(section)
    pages = {name: paths[name] for name in ("catalogue", "category", "entry")}
    results = {"state_query_ms": state_query_ms(repeat), "pages": {}}
    for name, path in pages.items():
        environ = environ_for(path, base.DISCLOSURE_HOST)
        status, headers, _ = call(handler, environ)
        if status != 200 or "ETag" not in headers:
            raise load.BenchmarkError(f"GET {path}: {status}, headers {headers}")

        row = {}
        for kind, env, before in (
            ("cold", environ, touch_state),
            ("warm", environ, None),
        ):
            profile = (
                cProfile.Profile(time.process_time) if profile_target == f"{name}-{kind}" else None
            )
            row[kind] = measure(handler, env, repeat, before, profile)
            if profile is not None:
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats(
                    os.environ.get("PROFILE_SORT", "cumulative")
                ).print_stats(45)
                print(out.getvalue())
        _status, headers, _ = call(handler, environ)
        conditional = environ_for(path, base.DISCLOSURE_HOST, {"If-None-Match": headers["ETag"]})
        row["304"] = measure(handler, conditional, repeat)
        if row["304"]["status"] != 304:
            raise load.BenchmarkError(f"{path} with its ETag: {row['304']['status']}")
        results["pages"][name] = row
    results["environment"] = {
        "database": vendor,
        "entries": entries,
        "repeat": repeat,
        "loadavg_1m": round(__import__("os").getloadavg()[0], 2),
    }
    return results


def print_table(name, result):
    print(f"\n{name}: state query {result['state_query_ms']} ms "
          f"(load {result['environment']['loadavg_1m']})")  # fmt: skip
    print("| page | cold CPU ms (queries) | cold database ms / PostgreSQL CPU ms "
          "| warm CPU ms (queries) | 304 CPU ms (queries) |")  # fmt: skip
    print("|---|---|---|---|---|")
    for page, row in result["pages"].items():
        cells = [f"{row[k]['cpu_ms']} ({row[k]['queries']})" for k in ("cold", "warm", "304")]
        cold = row["cold"]
        cells.insert(1, f"{cold.get('database_ms', '')} / {cold.get('postgres_cpu_ms', '')}")
        print(f"| {page} | " + " | ".join(cells) + " |")


def main(argv=None):
    args = parse_args(argv)
    if len(args.entries) > 1:
        # Django is set up once per process, on one database: one process per size.
        for entries in args.entries:
            command = [sys.executable, __file__, "--entries", str(entries)]
            command += ["--repeat", str(args.repeat), "--output", str(args.output)]
            subprocess.run([*command, "--profile", args.profile], check=True)  # noqa: S603
        return
    results = json.loads(args.output.read_text()) if args.output.exists() else {}
    for entries in args.entries:
        result = run_size(entries, args.repeat, args.profile, args.keep, args.reuse)
        name = f"{result['environment']['database']}-{entries}"
        results[name] = result
        print_table(name, result)
        args.output.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
