"""Median time and query count of a review transition (submit, approve, clear, publish).

Builds a throwaway test database (SQLite by default, PostgreSQL when DATABASE_URL is set,
e.g. under scripts/with-postgres), creates ``--entries`` draft entries, takes every entry
through the chain as a user holding department roles, and reports per transition the
median and p95 wall time and the number of SQL queries. Results are merged into
benchmarks/results/transition_timing.json; docs/performance.md quotes them.

    .venv/bin/python benchmarks/transition_timing.py
    scripts/with-postgres .venv/bin/python benchmarks/transition_timing.py
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

CHAIN = ("submit", "approve", "clear", "publish")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=60)
    parser.add_argument(
        "--output", default=str(ROOT / "benchmarks" / "results" / "transition_timing.json")
    )
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        results = run(args.entries)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    write(args.output, results)


def run(count):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from guardian.shortcuts import assign_perm
    from wagtail import VERSION as WAGTAIL_VERSION

    from tests.utils import make_department, make_entry, make_section
    from wagtail_disclosure.workflow import take_transition

    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}
    }
    section = make_section(slug="bench")
    department = make_department()
    user = get_user_model().objects.create_user("bench-reviewer")
    for role in ("edit_entries", "review_entries", "clear_entries", "publish_entries"):
        assign_perm(f"wagtail_disclosure.{role}", user, department)
    entries = [
        make_entry(section, key="basic", publish=False, department=department) for _ in range(count)
    ]
    timings = {name: [] for name in CHAIN}
    queries = {name: set() for name in CHAIN}
    for entry in entries:
        for name in CHAIN:
            actor = get_user_model().objects.get(pk=user.pk)  # a fresh request's user
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                take_transition(entry, name, actor, comment="bench")
                timings[name].append((time.perf_counter() - started) * 1000)
            queries[name].add(len(captured))
    return {
        "environment": {
            "nproc": os.cpu_count(),
            "python": sys.version.split()[0],
            "django": django.get_version(),
            "wagtail": ".".join(map(str, WAGTAIL_VERSION[:3])),
            "database": connection.vendor,
        },
        "entries": count,
        "transitions": {
            name: {
                "median_ms": round(statistics.median(values), 2),
                "p95_ms": round(sorted(values)[int(len(values) * 0.95) - 1], 2),
                "queries": sorted(queries[name]),
            }
            for name, values in timings.items()
        },
    }


def write(path, results):
    path = Path(path)
    data = json.loads(path.read_text()) if path.exists() else {"runs": {}}
    data["runs"][results["environment"]["database"]] = results
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    print(f"| transition | median ms | p95 ms | queries ({results['environment']['database']}) |")
    print("|---|---|---|---|")
    for name, row in results["transitions"].items():
        print(
            f"| {name} | {row['median_ms']} | {row['p95_ms']} | {', '.join(map(str, row['queries']))} |"
        )


if __name__ == "__main__":
    main()
