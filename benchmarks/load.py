#!/usr/bin/env python
"""The public pages, the API and a review transition under wrk, each beside its references.

One run, for each ``--entries`` size, builds a throwaway database with the data generator
of ``catalogue_throughput.py`` (published entries round-robin over the 50 checklist items,
five departments, three years of dates; above ``--bulk-above``, 1,000 so and the rest in
batches by ``search_bulk.py``) plus draft entries for the transition target,
serves it with gunicorn (sync workers, ``DEBUG = False``, ``benchmarks/settings.py``) and
loads, with ``wrk -t2 -c16 -d10s`` (configurable), each target **interleaved** with its two
references, in this order: stock Wagtail's welcome page, the target, nginx serving the
target's own response body as a static file.

Targets: the catalogue, the busiest category page, an entry, the section's search, the
disclosure API's entries list, a review transition (``POST …/staff/entries/{id}/transitions``,
submit and reject in turn over the drafts, with an API token), the catalogue asked with
``If-None-Match`` (answered ``304``; its static reference is nginx answering ``304`` for its
own file) and the catalogue behind nginx's proxy cache (``benchmarks/nginx/proxy_cache.conf``,
key without cookies; the static reference is the same HTML from disk).

Stock Wagtail is a fresh ``wagtail start`` project on the same Wagtail, migrated into its own
scratch database on the same database server, served by gunicorn the same way.

Recorded: requests/s, latency percentiles, non-2xx/3xx answers and socket errors from wrk;
server CPU ms per request (``/proc``); the 1-minute load average before and after every
wrk run; the RSS of every gunicorn worker (``ps``) after the runs. Results are merged into
``benchmarks/results/load.json`` (one run per database vendor and size).

    scripts/with-postgres .nox/tests-wagtail8-postgres/bin/python benchmarks/load.py
    scripts/with-postgres .nox/tests-wagtail8-postgres/bin/python benchmarks/load.py \\
        --entries 1000 10000 --duration 10
    python benchmarks/load.py --print-results

Needs wrk and nginx from Debian (``apt-get install wrk nginx-light``) and gunicorn in the
Python environment (``uv pip install -p .nox/tests-wagtail8-postgres/bin/python gunicorn``).
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

_spec = importlib.util.spec_from_file_location(
    "catalogue_throughput", REPO / "benchmarks" / "catalogue_throughput.py"
)
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

from benchmarks import nginx as nginx_conf  # noqa: E402

DEFAULT_OUTPUT = REPO / "benchmarks" / "results" / "load.json"
STOCK_PROJECT = "stockwagtail"
SEARCH_QUERY = "招生"
API_PAGE_SIZE = 20

STOCK_SETTINGS = '''"""Benchmark settings of the stock project: production-like, database from the env."""

import os

import dj_database_url

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "benchmarks-only-not-secret"
ALLOWED_HOSTS = ["*"]
DATABASES = {
    "default": dj_database_url.parse(os.environ["BENCHMARK_DATABASE_URL"], conn_max_age=60)
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR"}},
}
'''

#: wrk script of the transition target: submit and reject in turn over the drafts given
#: to this run (none is used by another run), each wrk thread on its own share; an entry
#: comes round again only after every other of its share, long after its last step ended.
TRANSITION_LUA = """
local ids = {%(ids)s}
local threads = %(threads)d
local counter = 0
local created = 0
-- wrk calls request() once more in its first thread to check the request it builds (its
-- script_verify_request), and never sends that one: it must not take an entry's turn, or
-- that entry's submit is skipped and its reject answered 409.
local checked = false
function setup(thread)
  thread:set("tid", created)
  created = created + 1
end
function request()
  local n = counter * threads + tid
  if tid == 0 and not checked then
    checked = true
  else
    counter = counter + 1
  end
  local round = math.floor(n / #ids)
  local id = ids[(n %% #ids) + 1]
  local body
  if round %% 2 == 0 then
    body = '{"transition": "submit"}'
  else
    body = '{"transition": "reject", "comment": "benchmark"}'
  end
  return wrk.format("POST", "/api/disclosure/v1/staff/entries/" .. id .. "/transitions", {
    ["Host"] = "%(host)s",
    ["Authorization"] = "Bearer %(token)s",
    ["Content-Type"] = "application/json",
  }, body)
end
local reported = 0
function response(status, headers, body)
  if status >= 300 and reported < 3 then
    reported = reported + 1
    io.write("UNEXPECTED " .. status .. " " .. string.sub(body, 1, 200) .. "\\n")
  end
end
"""


class BenchmarkError(base.BenchmarkError):
    pass


def log(message):
    print(f"[load] {message}", file=sys.stderr, flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--entries", type=int, nargs="+", default=[1000], help="sizes, e.g. 1000 10000 (1000)"
    )
    parser.add_argument(
        "--bulk-above",
        type=int,
        default=10_000,
        help="above this many entries, build the first 1,000 with add_child and the rest in "
        "batches with search_bulk.py (10000)",
    )
    parser.add_argument(
        "--drafts", type=int, default=600, help="drafts for the transition target (600)"
    )
    parser.add_argument("--duration", type=int, default=10, help="wrk -d, seconds (10)")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t (2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk -c (16)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of wrk before each (2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument(
        "--targets", nargs="+", help="only these targets (catalogue, category, entry, …)"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--print-results", action="store_true", help="tables of --output")
    args = parser.parse_args(argv)
    if any(not 1 <= n <= 200_000 for n in args.entries):
        parser.error("--entries: 1..200000 each")
    if not 1 <= args.duration <= 600 or not 0 <= args.warmup <= 60:
        parser.error("--duration 1..600, --warmup 0..60")
    return args


# ---------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------


class Gunicorn:
    """gunicorn (sync workers) serving ``app`` from ``chdir`` on 127.0.0.1."""

    def __init__(self, app, chdir, settings, database_url, workers, log_path, ready_path="/"):
        self.app, self.chdir, self.settings = app, Path(chdir), settings
        self.database_url, self.workers = database_url, workers
        self.log_path, self.ready_path = Path(log_path), ready_path
        self.process = None
        self.port = None

    def start(self):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": self.settings,
            "BENCHMARK_DATABASE_URL": self.database_url,
            "PYTHONPATH": str(self.chdir),
        }
        self.port = base.free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            self.app,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--chdir",
            str(self.chdir),
            "--timeout",
            "30",
            "--log-level",
            "warning",
            "--error-logfile",
            "-",
            "--no-control-socket",
        ]
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603
            command,
            cwd=self.chdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                status, _ = base.fetch(self.port, base.WELCOME_HOST, self.ready_path)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise BenchmarkError(f"gunicorn {self.app} did not start:\n{self.log_tail()}")

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def _workers(self, column):
        """One ``ps`` column of each worker (the master's children), as integers."""
        result = subprocess.run(
            ["ps", "-o", f"{column}=", "--ppid", str(self.process.pid)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        return [int(value) for value in result.stdout.split()]

    def worker_pids(self):
        return self._workers("pid")

    def worker_rss_kib(self):
        """RSS of each worker (``ps``), in KiB."""
        return self._workers("rss")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None


# ---------------------------------------------------------------------------
# wrk
# ---------------------------------------------------------------------------

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    return round(float(match.group(1)) * _UNITS_MS[match.group(2)], 3) if match else None


def parse_wrk(output):
    """requests/s, requests, latency percentiles, non-2xx/3xx and socket errors."""
    result = {"latency_ms": {}, "non_2xx_3xx": 0, "socket_errors": 0}
    for line in output.splitlines():
        line = line.strip()
        if match := re.match(r"Requests/sec:\s+([\d.]+)", line):
            result["requests_per_s"] = round(float(match.group(1)), 1)
        elif match := re.match(r"(\d+) requests in", line):
            result["requests"] = int(match.group(1))
        elif match := re.match(r"(50|75|90|99)%\s+(\S+)", line):
            result["latency_ms"][f"p{match.group(1)}"] = _ms(match.group(2))
        elif match := re.match(r"Non-2xx or 3xx responses:\s+(\d+)", line):
            result["non_2xx_3xx"] = int(match.group(1))
        elif line.startswith("Socket errors:"):
            result["socket_errors"] = sum(int(n) for n in re.findall(r"\d+", line))
    if "requests_per_s" not in result:
        raise BenchmarkError(f"could not read wrk's output:\n{output}")
    return result


def wrk(args, port, host, path, headers=(), script=None, duration=None, meter=None):
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration or args.duration}s",
        "--latency",
        "--timeout",
        "30s",
        "-H",
        f"Host: {host}",
    ]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", str(script)]
    command.append(f"http://127.0.0.1:{port}{path}")
    load_before = os.getloadavg()[0]
    before = meter.snapshot() if meter else None
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=900)  # noqa: S603
    after = meter.snapshot() if meter else None
    if done.returncode != 0:
        raise BenchmarkError(f"wrk failed ({done.returncode}): {done.stderr}")
    result = parse_wrk(done.stdout)
    unexpected = [line for line in done.stdout.splitlines() if line.startswith("UNEXPECTED ")]
    if unexpected:
        result["unexpected_answers"] = unexpected
    result["loadavg_1m"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    if meter:
        usage = meter.usage(before, after, result.get("requests", 0))
        result["server_cpu_ms_per_request"] = usage.get("server_cpu_ms_per_request")
        result["database_cpu_ms_per_request"] = usage.get("database_cpu_ms_per_request")
        result["other_cores"] = usage.get("other_cores")
    return result


# ---------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------


def build_drafts(section, count):
    """``count`` draft entries with a revision (review state draft), for the transition."""
    from django.db import transaction
    from django.test.utils import override_settings
    from wagtail.signal_handlers import disable_reference_index_auto_update

    from wagtail_disclosure.models import (
        ChecklistItem,
        Department,
        DisclosureCategoryPage,
        entry_page_type_for,
    )

    items = list(ChecklistItem.objects.for_checklist(section.checklist).select_related("category"))
    parents = {page.category_id: page for page in DisclosureCategoryPage.objects.child_of(section)}
    department = Department.objects.order_by("pk").first()
    off = {"default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}}
    drafts = []
    with (
        override_settings(WAGTAILSEARCH_BACKENDS=off),
        disable_reference_index_auto_update(),
        transaction.atomic(),
    ):
        for n in range(count):
            item = items[n % len(items)]
            entry = entry_page_type_for(item.category.key)(
                title=f"待审核条目 {n + 1}",
                slug=f"draft-{n + 1}",
                checklist_item=item,
                department=department,
                live=False,
                summary="基准测试草稿。",
            )
            parents[item.category_id].add_child(instance=entry)
            entry.save_revision()
            drafts.append(entry.pk)
    return drafts


def bulk_entries(section, items, count, offset):
    """``count`` more published entries written in batches (``search_bulk.py``: pages,
    entry rows, revisions, review rows as an import leaves them), over the checklist
    items, the corpus's departments and seven years; checked public and indexed."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import search_bulk
    import search_corpus

    search_corpus.ENTRIES_PER_ITEM = -(-count // len(items))
    rows = search_corpus.generate_entries(items)[:count]
    began = time.monotonic()
    ids = search_bulk.build_entries(section, rows, offset=offset)
    search_bulk.verify(section, ids)
    search_bulk.index_entries(ids)
    log(f"{len(ids)} entries in batches, checked public and indexed, in "
        f"{time.monotonic() - began:.0f} s")  # fmt: skip
    return ids


def target_paths(section):
    """The paths of the read targets (catalogue, busiest category page, the newest entry,
    the section's search, the API's entries list), and the category page's entry count."""
    from wagtail_disclosure.models import DisclosureEntryPage

    category, category_entries = base.busiest_category_page(section)
    entry = DisclosureEntryPage.objects.live().order_by("-publication_date", "pk").first()
    paths = {
        "catalogue": base.page_path(section),
        "category": base.page_path(category),
        "entry": base.page_path(entry),
        "search": f"{base.page_path(section)}search/?q={quote(SEARCH_QUERY)}",
        "api_list": f"/api/disclosure/v1/entries?page_size={API_PAGE_SIZE}",
    }
    return paths, category_entries


def api_token():
    from django.contrib.auth import get_user_model

    from wagtail_disclosure.models import ApiToken

    user = get_user_model().objects.create_superuser("bench-reviewer", password=None, email="")
    _token, key = ApiToken.objects.create_token(user, "benchmark")
    return key


def stock_project(tmpdir, database_url):
    """A fresh ``wagtail start`` project, migrated into its own database."""
    wagtail = Path(sys.executable).parent / "wagtail"
    directory = Path(tmpdir) / "stock"
    directory.mkdir()
    subprocess.run(  # noqa: S603
        [str(wagtail), "start", STOCK_PROJECT, str(directory)], check=True, capture_output=True
    )
    settings_dir = directory / STOCK_PROJECT / "settings"
    (settings_dir / "bench.py").write_text(STOCK_SETTINGS)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": f"{STOCK_PROJECT}.settings.bench",
        "BENCHMARK_DATABASE_URL": database_url,
    }
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BenchmarkError(f"migrating the stock project failed:\n{done.stderr[-3000:]}")
    return directory


def get(port, host, path, headers=None):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": host, **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


# ---------------------------------------------------------------------------
# One size
# ---------------------------------------------------------------------------


def run_size(args, entries, tmpdir):
    tmpdir = Path(tmpdir)
    (tmpdir / "app").mkdir()
    (tmpdir / "stockdb").mkdir()
    database = base.ScratchDatabase(tmpdir / "app")
    stock_db = base.ScratchDatabase(tmpdir / "stockdb")
    servers = []
    try:
        database.create()
        stock_db.create()
        base.setup_django(database.url)
        from django.core.management import call_command
        from django.db import connections

        began = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        slow = entries if entries <= args.bulk_above else min(1000, entries)
        _welcome, section, items = base.build_sites(slow)
        drafts = build_drafts(section, args.drafts)
        call_command("update_index", verbosity=0)
        if entries > slow:
            bulk_entries(section, items, entries - slow, offset=slow)
        if database.vendor == "postgresql":
            with connections["default"].cursor() as cursor:
                cursor.execute("ANALYZE")
        token = api_token()
        paths, category_entries = target_paths(section)
        # The first request renders (cold); the second is answered from the page kept in
        # Django's cache (warm, the state query only).
        counted = {
            name: base.count_queries(base.DISCLOSURE_HOST, path, "") for name, path in paths.items()
        }
        queries = {name: count["warm"] for name, count in counted.items()}
        cold_queries = {name: count["cold"] for name, count in counted.items()}
        build_s = round(time.monotonic() - began, 1)
        log(f"{database.vendor}, {entries} entries: built in {build_s} s; queries {counted}")
        stock_dir = stock_project(tmpdir, stock_db.url)
        connections.close_all()

        app = Gunicorn(
            "benchmarks.wsgi:application",
            REPO,
            "benchmarks.settings",
            database.url,
            args.workers,
            tmpdir / "app.log",
        ).start()
        servers.append(app)
        stock = Gunicorn(
            f"{STOCK_PROJECT}.wsgi:application",
            stock_dir,
            f"{STOCK_PROJECT}.settings.bench",
            stock_db.url,
            args.workers,
            tmpdir / "stock.log",
        ).start()
        servers.append(stock)
        static_root = tmpdir / "static"
        static_root.mkdir()
        static_port = nginx_conf.free_port()
        static = nginx_conf.Nginx(
            tmpdir / "nginx-static",
            static_port,
            nginx_conf.static_config(tmpdir / "nginx-static", static_port, static_root),
        )
        static.config = static.config.replace("worker_processes 1;", "worker_processes 2;")
        static.start()
        servers.append(static)
        cache_port = nginx_conf.free_port()
        cache = nginx_conf.Nginx(
            tmpdir / "nginx-cache",
            cache_port,
            nginx_conf.proxy_cache_config(
                tmpdir / "nginx-cache", cache_port, f"127.0.0.1:{app.port}", purge=False
            ),
        )
        cache.config = cache.config.replace("worker_processes 1;", "worker_processes 2;")
        cache.start()
        servers.append(cache)

        host = base.DISCLOSURE_HOST
        bodies = {}
        for name, path in paths.items():
            status, headers, body = get(app.port, host, path)
            if status != 200:
                raise BenchmarkError(f"GET {path}: {status}")
            bodies[name] = body
            (static_root / f"{name}.html").write_bytes(body)
        status, headers, _ = get(app.port, host, paths["catalogue"])
        etag = headers.get("ETag")
        if not etag or get(app.port, host, paths["catalogue"], {"If-None-Match": etag})[0] != 304:
            raise BenchmarkError("the catalogue is not answered 304 for its own ETag")
        static_etag = get(static_port, "static", "/catalogue.html")[1]["ETag"]
        get(cache_port, host, paths["catalogue"])  # stored
        if get(cache_port, host, paths["catalogue"])[1].get("X-Cache-Status") != "HIT":
            raise BenchmarkError("the nginx proxy cache does not store the catalogue")

        # The transition target: the warm-up and the measured run each take half the drafts
        # (a multiple of the wrk threads, so that each thread keeps to its own entries).
        half = len(drafts) // 2 // args.threads * args.threads
        scripts = {}
        for run, ids in (("warmup", drafts[:half]), ("measured", drafts[half : 2 * half])):
            scripts[run] = tmpdir / f"transition-{run}.lua"
            scripts[run].write_text(
                TRANSITION_LUA
                % {
                    "ids": ", ".join(map(str, ids)),
                    "threads": args.threads,
                    "host": host,
                    "token": token,
                }
            )
        transition_path = f"/api/disclosure/v1/staff/entries/{drafts[0]}/transitions"

        def meter(server):
            return base.CpuMeter(
                server.process.pid,
                database.backend_pids if database.vendor == "postgresql" else None,
            )

        targets = [
            ("catalogue", {"path": paths["catalogue"]}, {"path": "/catalogue.html"}),
            ("category", {"path": paths["category"]}, {"path": "/category.html"}),
            ("entry", {"path": paths["entry"]}, {"path": "/entry.html"}),
            ("search", {"path": paths["search"]}, {"path": "/search.html"}),
            ("api_list", {"path": paths["api_list"]}, {"path": "/api_list.html"}),
            (
                "catalogue_304",
                {"path": paths["catalogue"], "headers": [f"If-None-Match: {etag}"]},
                {"path": "/catalogue.html", "headers": [f"If-None-Match: {static_etag}"]},
            ),
            (
                "catalogue_nginx_cache",
                {"path": paths["catalogue"], "port": cache_port},
                {"path": "/catalogue.html"},
            ),
            (
                "transition",
                {"path": transition_path, "script": scripts["measured"]},
                {"path": "/api_list.html"},
            ),
        ]
        if args.targets:
            targets = [target for target in targets if target[0] in args.targets]
        results = []
        for name, spec, reference in targets:
            if name == "catalogue_304":  # transitions change the validators: ask afresh
                etag = get(app.port, host, paths["catalogue"])[1]["ETag"]
                spec["headers"] = [f"If-None-Match: {etag}"]
            port = spec.get("port", app.port)
            if args.warmup:
                warm_script = scripts["warmup"] if name == "transition" else None
                wrk(args, port, host, spec["path"], spec.get("headers", ()),
                    warm_script, duration=args.warmup)  # fmt: skip
            welcome = wrk(args, stock.port, "localhost", "/", meter=meter(stock))
            measured = wrk(
                args,
                port,
                host,
                spec["path"],
                spec.get("headers", ()),
                spec.get("script"),
                meter=meter(app),
            )
            static_run = wrk(args, static_port, "static", reference["path"],
                             reference.get("headers", ()))  # fmt: skip
            row = {
                "name": name,
                "path": spec["path"],
                "sql_queries": queries.get(name),
                "sql_queries_cold": cold_queries.get(name),
                "result": measured,
                "welcome": welcome,
                "nginx_static": static_run,
                "vs_welcome": round(measured["requests_per_s"] / welcome["requests_per_s"], 3),
                "vs_nginx_static": round(
                    measured["requests_per_s"] / static_run["requests_per_s"], 4
                ),
            }
            results.append(row)
            log(
                f"{name}: {measured['requests_per_s']} req/s = {row['vs_welcome']}× welcome "
                f"({welcome['requests_per_s']}), {row['vs_nginx_static']}× nginx static "
                f"({static_run['requests_per_s']}); non-2xx/3xx {measured['non_2xx_3xx']}, "
                f"socket errors {measured['socket_errors']}, load {measured['loadavg_1m']}"
            )
        rss = {"app": app.worker_rss_kib(), "stock": stock.worker_rss_kib()}
        env = base.environment(database.vendor)
        errors = [line for line in app.log_tail(200).splitlines() if "Error" in line]
    finally:
        for server in reversed(servers):
            server.stop()
        base.drop_database(database)
        stock_db.drop()
    return {
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "environment": env,
        "config": {
            "entries": entries,
            "drafts": args.drafts,
            "busiest_category_entries": category_entries,
            "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}s",
            "warmup_s": args.warmup,
            "workers": args.workers,
            "worker_class": "sync",
            "debug": False,
            "nginx": subprocess.run(
                [nginx_conf.nginx_binary(), "-v"], capture_output=True, text=True, check=False
            ).stderr.strip(),
        },
        "build_s": build_s,
        "targets": results,
        "worker_rss_mib": {
            name: [round(kib / 1024, 1) for kib in values] for name, values in rss.items()
        },
        "rss_ratio_vs_stock": round(max(rss["app"]) / max(rss["stock"]), 2)
        if rss["app"] and rss["stock"]
        else None,
        "server_log_errors": errors[:20],
    }


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


def markdown(run):
    config, env = run["config"], run["environment"]
    lines = [
        f"### {env['database']['vendor']}, {config['entries']} entries "
        f"({run['generated_at']}, wrk {config['wrk']}, {config['workers']} sync workers)",
        "",
        "| Target | req/s | × welcome | × nginx static | welcome req/s | static req/s | p50 ms "
        "| p99 ms | non-2xx/3xx | socket errors | SQL (first request) | server CPU ms/req | welcome CPU ms/req "
        "| load before→after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in run["targets"]:
        r, w, s = row["result"], row["welcome"], row["nginx_static"]
        lines.append(
            f"| {row['name']} | {r['requests_per_s']} | {row['vs_welcome']} | "
            f"{row['vs_nginx_static']} | {w['requests_per_s']} | {s['requests_per_s']} | "
            f"{r['latency_ms'].get('p50')} | {r['latency_ms'].get('p99')} | {r['non_2xx_3xx']} | "
            f"{r['socket_errors']} | {row['sql_queries'] if row['sql_queries'] is not None else '–'}"
            f" ({row.get('sql_queries_cold', '–')}) | "
            f"{r.get('server_cpu_ms_per_request')} | {w.get('server_cpu_ms_per_request')} | "
            f"{r['loadavg_1m'][0]}→{r['loadavg_1m'][1]} |"
        )
    rss = run["worker_rss_mib"]
    lines += [
        "",
        f"Worker RSS after the runs: ours {rss['app']} MiB, stock Wagtail {rss['stock']} MiB "
        f"(max ratio {run['rss_ratio_vs_stock']}).",
    ]
    return "\n".join(lines)


def merge(output, run):
    output.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(output.read_text()) if output.exists() else {}
    data.setdefault("benchmark", "load")
    key = f"{run['environment']['database']['vendor']}-{run['config']['entries']}"
    data.setdefault("runs", {})[key] = run
    output.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_results(output):
    if not output.exists():
        raise BenchmarkError(f"{output} does not exist; run the benchmark first")
    runs = json.loads(output.read_text()).get("runs", {})
    for _key, run in sorted(
        runs.items(), key=lambda kv: (kv[0].split("-")[0], kv[1]["config"]["entries"])
    ):
        print(markdown(run), end="\n\n")


def main(argv=None):
    args = parse_args(argv)
    if args.print_results:
        print_results(args.output)
        return 0
    missing = [tool for tool in ("wrk",) if not shutil.which(tool)]
    try:
        nginx_conf.nginx_binary()
    except nginx_conf.NginxMissing as exc:
        missing.append(str(exc))
    if importlib.util.find_spec("gunicorn") is None:
        missing.append("gunicorn (uv pip install -p <this python> gunicorn)")
    if missing:
        print("missing: " + "; ".join(missing), file=sys.stderr)
        return 2

    def terminate(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    if len(args.entries) > 1:
        # Django is set up once per process: run each size in a process of its own.
        for entries in args.entries:
            command = [sys.executable, __file__, "--entries", str(entries)]
            for option in (
                "bulk_above",
                "drafts",
                "duration",
                "threads",
                "connections",
                "warmup",
                "workers",
            ):
                command += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
            command += ["--output", str(args.output)]
            if args.targets:
                command += ["--targets", *args.targets]
            subprocess.run(command, check=True)  # noqa: S603
        print_results(args.output)
        return 0
    tmpdir = tempfile.mkdtemp(prefix="load-")
    try:
        run = run_size(args, args.entries[0], tmpdir)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    merge(args.output, run)
    print(markdown(run))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchmarkError as exc:
        print(f"load: {exc}", file=sys.stderr)
        sys.exit(1)
