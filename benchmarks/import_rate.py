"""Rows per second of ``disclosure_import`` on PostgreSQL (docs/import.md, issue 15).

    scripts/with-postgres .nox/tests-wagtail8-postgres/bin/python benchmarks/import_rate.py \
        --rows 2000 20000 [--publish] [--no-index] [--one-by-one] [--profile N]

For each N: a fresh database (migrated), a section with its category pages, six
departments and a disclosure-office user; N generated rows (realistic titles, items of
every category, departments, 成文日期 over ten years, 文号 on half of them, a summary and a
body of one to four paragraphs, channels on a fifth) written to a CSV file; then the
import of that file as ``manage.py disclosure_import`` does it (file read, every row
checked, entries written, search index updated), timed from reading the file to the end.
The result is checked (entries, tree, review states, public count) and recorded in
benchmarks/results/import_rate.json with the machine's load.

``--profile N`` runs the import under cProfile and prints the N most expensive functions
(cumulative), to find the bottleneck.
"""

import argparse
import cProfile
import csv
import datetime
import io
import json
import os
import pstats
import random
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from catalogue_throughput import (  # noqa: E402  (benchmarks.settings on a URL)
    postgres_cpu,
    setup_django,
)

RESULTS = REPO / "benchmarks" / "results" / "import_rate.json"

DEPARTMENTS = [
    ("JWC", "教务处"),
    ("ZSB", "招生办公室"),
    ("CWC", "财务处"),
    ("RSC", "人事处"),
    ("XGB", "学生工作部"),
    ("GJC", "国际交流处"),
]
SUBJECTS = ["本科生招生章程", "研究生复试名单", "年度预算", "收费标准", "教职工招聘公告",
            "学生奖助学金评审结果", "学术不端行为处理", "学位授予名单", "国际交流项目",
            "校领导分工", "采购招标公告", "教学质量报告", "就业质量年度报告", "规章制度修订"]  # fmt: skip


def generate_rows(count, seed=15):
    """``count`` rows as ``disclosure_import`` reads them (Chinese headers)."""
    rng = random.Random(seed)
    header = ["标题", "事项编号", "责任部门", "成文日期", "发布日期", "文号", "公开方式",
              "公开范围", "有效性", "内容概述", "正文", "发布渠道"]  # fmt: skip
    rows = []
    for n in range(count):
        year = 2016 + n % 10
        date = datetime.date(year, 1 + rng.randrange(12), 1 + rng.randrange(28))
        subject = rng.choice(SUBJECTS)
        paragraphs = [
            f"根据有关规定，现将{year}年{subject}有关事项公布如下（第{k + 1}部分，编号{n}）。"
            for k in range(1 + rng.randrange(4))
        ]
        rows.append(
            [
                f"关于{year}年{subject}的通知（{n}）",
                str(1 + n % 50),
                DEPARTMENTS[n % len(DEPARTMENTS)][0],
                date.isoformat(),
                (date + datetime.timedelta(days=rng.randrange(20))).isoformat(),
                f"校发〔{year}〕{n}号" if n % 2 else "",
                "主动公开",
                "社会公众",
                "有效",
                f"{year}年{subject}的概述。",
                "\n".join(paragraphs),
                "website;wechat" if n % 5 == 0 else "",
            ]
        )
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(header)
    writer.writerows(rows)
    return stream.getvalue().encode("utf-8-sig")


def fresh_database():
    """Drop every table of the scratch database and migrate it again."""
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0, interactive=False)


def build_site():
    from django.contrib.auth import get_user_model
    from wagtail.models import Page, Site

    from wagtail_disclosure.models import Department, DisclosureIndexPage
    from wagtail_disclosure.sections import ensure_category_pages

    root = Page.get_first_root_node()
    section = root.add_child(
        instance=DisclosureIndexPage(title="信息公开", slug="xxgk", organisation_code="19999")
    )
    ensure_category_pages(section)
    site = Site.objects.get(is_default_site=True)
    site.root_page = section
    site.save()
    for code, name in DEPARTMENTS:
        Department.objects.create(short_code=code, name=name)
    office = get_user_model().objects.create_superuser("office", "office@example.com", "pw")
    return section, office


def verify(section, count, publish):
    from wagtail.models import Page

    from wagtail_disclosure.models import DisclosureEntryPage, EntryReview, ImportedEntry
    from wagtail_disclosure.models.review import ReviewState

    entries = DisclosureEntryPage.objects.descendant_of(section)
    checks = {
        "entries": entries.count(),
        "keys": ImportedEntry.objects.count(),
        "reviews": EntryReview.objects.filter(
            state=ReviewState.PUBLISHED if publish else ReviewState.DRAFT
        ).count(),
        "publicly visible": entries.publicly_visible().count() if publish else count,
    }
    wrong = {name: value for name, value in checks.items() if value != count}
    problems = Page.find_problems()
    if wrong or any(problems):
        raise SystemExit(f"import gave {wrong or ''} tree problems {problems}")
    return checks


def cpu_time():
    """CPU seconds of this process and of its ended children (the import's jobs)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def load():
    with open("/proc/loadavg") as handle:
        return handle.read().split()[:3]


def run(count, args):
    from wagtail_disclosure.importing import import_file

    fresh_database()
    section, office = build_site()
    data = generate_rows(count)
    # The progress bar of ``manage.py disclosure_import`` (a bar on a terminal, else lines).
    from wagtail_disclosure.management.commands.disclosure_import import Progress

    progress = Progress(sys.stderr)

    options = {
        "user": office,
        "publish": args.publish,
        "bulk": not args.one_by_one,
        "index": not args.no_index,
        "progress": progress,
        "jobs": args.jobs,
    }
    load_before = load()
    cpu_started = cpu_time()
    postgres_started = postgres_cpu()
    started = time.perf_counter()
    if args.profile:
        profiler = cProfile.Profile()
        result = profiler.runcall(import_file, data, "rows.csv", section, **options)
    else:
        result = import_file(data, "rows.csv", section, **options)
    seconds = time.perf_counter() - started
    cpu_seconds = cpu_time() - cpu_started
    postgres_seconds = postgres_cpu() - postgres_started
    sys.stderr.write("\n")
    if result.bad or result.imported != count:
        raise SystemExit(f"{count} rows: imported {result.imported}, bad {result.bad[:5]}")
    checks = verify(section, count, args.publish)
    record = {
        "rows": count,
        "seconds": round(seconds, 2),
        "rows_per_second": round(count / seconds, 1),
        "publish": args.publish,
        "search_index": not args.no_index,
        "path": "one by one" if args.one_by_one else "batches",
        "jobs": args.jobs,
        "checks": checks,
        "load_before": load_before,
        "load_after": load(),
        # CPU of the importing process alone (PostgreSQL's own is not counted): on a
        # shared machine the wall-clock rate falls with the load, this much less.
        "cpu_seconds": round(cpu_seconds, 2),
        "rows_per_cpu_second": round(count / cpu_seconds, 1),
        # PostgreSQL's processes on this machine (the server of scripts/with-postgres).
        "postgres_cpu_seconds": round(postgres_seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_mb_of_a_job": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
        "cores": os.cpu_count(),
        "progress_bar": True,
        "profiled": bool(args.profile),
    }
    print(json.dumps(record, ensure_ascii=False))
    if args.profile:
        if args.profile_out:
            profiler.dump_stats(args.profile_out)
        stats = pstats.Stats(profiler)
        stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(args.profile)
    return record


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--publish", action="store_true")
    parser.add_argument("--no-index", action="store_true")
    parser.add_argument("--one-by-one", action="store_true")
    parser.add_argument("--jobs", type=int, default=1, help="Processes (--jobs of the command).")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--profile-out", metavar="FILE", help="Also save the profile (pstats).")
    parser.add_argument("--save", action="store_true", help=f"Append the results to {RESULTS}.")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        raise SystemExit("Run under scripts/with-postgres (DATABASE_URL of a scratch PostgreSQL).")
    setup_django(database_url)
    records = [run(count, args) for count in args.rows]
    if args.save:
        previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
        RESULTS.write_text(json.dumps(previous + records, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
