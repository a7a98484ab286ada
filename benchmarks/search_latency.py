"""Search latency on a database kept by ``search_relevance.py --keep-db`` (PostgreSQL).

Times what the search page does in-process (``search_entries()``, the first page of 10,
the count) for each judged query of the real-text corpus twice, and the broad one-word
queries five times each, and writes the figures as JSON (docs/performance.md, "Latency")::

    DATABASE_URL=postgres://... python benchmarks/search_relevance.py --half dev \\
        --latency-sizes 100000 --keep-db        # prints "kept: <url>"
    python benchmarks/search_latency.py <url> benchmarks/results/search_latency_postgresql_100k.json
"""

import datetime
import importlib.util
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

BROAD_QUERIES = ["公开", "信息公开", "学校", "通知", "2024", "招生", "学院"]


def _setup(url):
    spec = importlib.util.spec_from_file_location(
        "catalogue_throughput", REPO / "benchmarks" / "catalogue_throughput.py"
    )
    throughput = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(throughput)
    throughput.setup_django(url)


def main(url, output):
    _setup(url)
    import relevance_corpus
    from django.core.paginator import Paginator
    from django.db import connection

    from wagtail_disclosure.models import DisclosureEntryPage, DisclosureIndexPage
    from wagtail_disclosure.search.query import search_entries

    section = DisclosureIndexPage.objects.get()
    queries = [query.text for query in relevance_corpus.build().queries]

    def timed(text):
        started = time.perf_counter()
        outcome = search_entries(text, section=section)
        page = Paginator(outcome.results, 10).get_page(1)
        list(page.object_list)
        page.paginator.count  # noqa: B018
        return (time.perf_counter() - started) * 1000

    load_before = os.getloadavg()[0]
    samples = {}
    for _ in range(2):
        for text in queries:
            samples.setdefault(text, []).append(timed(text))
    timings = sorted(ms for values in samples.values() for ms in values)
    broad = {}
    for text in BROAD_QUERIES:
        runs = sorted(timed(text) for _ in range(5))
        broad[text] = {"median_ms": round(statistics.median(runs), 1), "max_ms": round(runs[-1], 1)}
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    slowest = sorted(samples.items(), key=lambda item: -max(item[1]))[:5]
    result = {
        "date": datetime.date.today().isoformat(),
        "vendor": connection.vendor,
        "server_version": version,
        "entries": DisclosureEntryPage.objects.count(),
        "what": "search_entries() + first page of 10 + count, in-process, "
        "each judged query of the real-text corpus twice",
        "samples": len(timings),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "max_ms": round(timings[-1], 1),
        "slowest": {text: round(max(values), 1) for text, values in slowest},
        "broad_one_word_queries": broad,
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "python": platform.python_version(),
    }
    Path(output).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
