#!/usr/bin/env python
"""Throughput of the public catalogue (信息公开目录) against Wagtail's welcome page.

One run:

1. creates a throwaway database: a SQLite file in a temp dir, or, when ``DATABASE_URL``
   points at a PostgreSQL server, a scratch database on that server (dropped afterwards);
2. migrates it and builds two sites on it:

   * Site A ``welcome.localhost``: Wagtail's default welcome page (the page of
     ``wagtailcore``'s initial migration, rendered with ``wagtailcore/page.html``);
   * Site B ``disclosure.localhost``: a ``DisclosureIndexPage`` with its category pages and
     ``--entries`` published entries spread over every checklist item (search index and
     reference index auto-update are off during this bulk build);

3. counts the SQL queries of one request per page in-process (``CaptureQueriesContext``);
4. serves the project with gunicorn (``--workers 2``, sync workers, DEBUG off, no access
   log) on 127.0.0.1 and a free port, and loads each page in turn with a bounded
   thread-pool client (``http.client``; the ``Host`` header selects the site): a warm-up,
   then a fixed measuring window;
5. stops gunicorn, removes the temp dir (and drops the PostgreSQL scratch database),
   merges the results into ``benchmarks/results/catalogue_throughput.json`` and prints a
   Markdown table.

Usage (from the repository root; needs gunicorn, see benchmarks/README.md)::

    .venv/bin/python benchmarks/catalogue_throughput.py                 # SQLite
    scripts/with-postgres .venv/bin/python benchmarks/catalogue_throughput.py
    .venv/bin/python benchmarks/catalogue_throughput.py --print-results  # tables only
"""

import argparse
import contextlib
import datetime
import http.client
import importlib.util
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "benchmarks" / "results" / "catalogue_throughput.json"

WELCOME_HOST = "welcome.localhost"
DISCLOSURE_HOST = "disclosure.localhost"

#: Hard bounds of the load generator, whatever the options say.
MAX_REQUESTS_PER_THREAD = 200_000
REQUEST_TIMEOUT_S = 30
SERVER_START_TIMEOUT_S = 30


class BenchmarkError(Exception):
    """A run that cannot produce meaningful figures."""


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Requests/s and latency of the disclosure catalogue vs Wagtail's welcome page."
    )
    parser.add_argument("--entries", type=int, default=2000, help="published entries (2000)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per page")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per page")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=30.0,
        help="seconds to wait at most for other processes to go quiet before loading (30)",
    )
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help="JSON file the run is merged into"
    )
    parser.add_argument(
        "--print-results",
        action="store_true",
        help="print the tables of the JSON file and exit (no benchmark)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.entries <= 50_000:
        parser.error("--entries must be between 1 and 50000")
    if not 0 < args.duration <= 120 or not 0 <= args.warmup <= 60:
        parser.error("--duration must be in (0, 120] and --warmup in [0, 60] seconds")
    if not 0 <= args.wait_idle <= 300:
        parser.error("--wait-idle must be in [0, 300] seconds")
    if not 1 <= args.concurrency <= 64 or not 1 <= args.workers <= 16:
        parser.error("--concurrency must be 1..64 and --workers 1..16")
    return args


# ---------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------


class ScratchDatabase:
    """The throwaway database of one run: its URL, and how to get rid of it."""

    def __init__(self, tmpdir):
        self.tmpdir = tmpdir
        self.server_url = os.environ.get("DATABASE_URL", "").strip()
        self.created = False
        self.pg_name = None
        if not self.server_url:
            self.vendor = "sqlite"
            self.url = f"sqlite:///{Path(tmpdir) / 'benchmark.sqlite3'}"
            return
        scheme = urllib.parse.urlsplit(self.server_url).scheme
        if not scheme.startswith("postgres"):
            raise BenchmarkError(
                f"DATABASE_URL uses {scheme!r}; only PostgreSQL is supported (unset it for SQLite)"
            )
        self.vendor = "postgresql"
        # A database of our own on the given server, so the one in DATABASE_URL is never
        # touched: created here, dropped in drop().
        self.pg_name = f"bench_catalogue_{uuid.uuid4().hex[:12]}"
        parts = urllib.parse.urlsplit(self.server_url)
        self.url = urllib.parse.urlunsplit(parts._replace(path="/" + self.pg_name))

    def _pg_connect(self):
        import dj_database_url
        import psycopg

        config = dj_database_url.parse(self.server_url)
        params = {"dbname": config["NAME"] or "postgres"}
        for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user")):
            if config.get(key):
                params[name] = str(config[key])
        if config.get("PASSWORD"):
            params["password"] = config["PASSWORD"]
        return psycopg.connect(**params, autocommit=True)

    def create(self):
        if self.vendor != "postgresql":
            return
        with self._pg_connect() as conn:
            conn.execute(f'CREATE DATABASE "{self.pg_name}"')
        self.created = True

    def backend_pids(self):
        """PostgreSQL server processes serving the scratch database (the gunicorn workers')."""
        if self.vendor != "postgresql" or not self.created:
            return []
        with self._pg_connect() as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'",
                [self.pg_name],
            ).fetchall()
        return [row[0] for row in rows]

    def drop(self):
        if self.vendor != "postgresql" or not self.created:
            return
        with self._pg_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
        self.created = False


def postgres_cpu():
    """CPU seconds used so far by the processes called ``postgres`` on this machine,
    with their ended children (the server's backends)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if name.startswith("postgres"):
            fields = stat[stat.rindex(")") + 2 :].split()
            total += sum(int(value) for value in fields[11:15])
    return total / ticks


def setup_django(database_url):
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    os.environ["BENCHMARK_DATABASE_URL"] = database_url
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import django

    django.setup()


# ---------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------


def publication_allowed():
    """The review workflow's guard (``workflow.guard``), or a no-op where it does not exist.

    Since the review workflow, an entry saved as live outside a review transition becomes
    a draft. The bulk build makes its entries live inside the guard the review service
    opens (as an import of information published before would), so every entry is
    public without running 2,000 review transitions. Public pages read only the pages.
    """
    try:
        from wagtail_disclosure.workflow.guard import publication_allowed as allowed
    except ImportError:
        return contextlib.nullcontext()
    return allowed()


def build_sites(entry_count):
    """Site A (welcome page) and Site B (disclosure section with ``entry_count`` entries)."""
    from django.db import transaction
    from django.test.utils import override_settings
    from django.utils import timezone
    from wagtail.models import Page, Site
    from wagtail.signal_handlers import disable_reference_index_auto_update

    from wagtail_disclosure.models import (
        ChecklistItem,
        Department,
        DisclosureCategoryPage,
        DisclosureIndexPage,
        entry_page_type_for,
    )
    from wagtail_disclosure.sections import ensure_category_pages

    # Site A: the site and welcome page made by wagtailcore's initial migration.
    welcome_site = Site.objects.get(is_default_site=True)
    welcome_site.hostname = WELCOME_HOST
    welcome_site.port = 80
    welcome_site.save()
    welcome = welcome_site.root_page.specific
    if type(welcome) is not Page:
        raise BenchmarkError(f"default site root is a {type(welcome).__name__}, expected Page")

    # Site B: a disclosure section with its category pages, as the site root.
    root = Page.get_first_root_node()
    section = root.add_child(
        instance=DisclosureIndexPage(title="信息公开", slug="xxgk", organisation_code="19999")
    )
    ensure_category_pages(section)
    Site.objects.create(
        hostname=DISCLOSURE_HOST, port=80, root_page=section, site_name="基准大学信息公开网"
    )

    departments = [
        Department.objects.get_or_create(short_code=code, defaults={"name": name})[0]
        for code, name in [
            ("XB", "校长办公室"),
            ("JWC", "教务处"),
            ("ZSB", "招生办公室"),
            ("CWC", "财务处"),
            ("RSC", "人事处"),
        ]
    ]
    items = list(
        ChecklistItem.objects.for_checklist(section.checklist)
        .select_related("category")
        .order_by("number", "code")
    )
    parents = {page.category_id: page for page in DisclosureCategoryPage.objects.child_of(section)}
    today = timezone.localdate()
    no_search_auto_update = {
        "default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}
    }
    # Published entries as tests/test_catalogue.py::bulk_entries makes them (add_child,
    # live, no revisions: the public pages never read revisions), with dates spread over
    # three years so the "latest entries" ordering has work to do. One transaction keeps
    # SQLite from syncing the file once per page.
    with (
        override_settings(WAGTAILSEARCH_BACKENDS=no_search_auto_update),
        disable_reference_index_auto_update(),
        publication_allowed(),
        transaction.atomic(),
    ):
        for n in range(entry_count):
            item = items[n % len(items)]
            published = today - datetime.timedelta(days=(n * 7) % 1095)
            published_at = timezone.make_aware(
                datetime.datetime.combine(published, datetime.time(9, n % 60))
            )
            entry = entry_page_type_for(item.category.key)(
                title=f"{item.title[:40]}（第 {n + 1} 号）",
                slug=f"entry-{n + 1}",
                checklist_item=item,
                department=departments[n % len(departments)],
                document_date=published - datetime.timedelta(days=3),
                publication_date=published,
                summary=f"基准测试条目 {n + 1}。",
                live=True,
                first_published_at=published_at,
                last_published_at=published_at,
            )
            parents[item.category_id].add_child(instance=entry)

    from wagtail_disclosure.catalogue import public_entries

    public = public_entries(section).count()
    if public != entry_count:
        raise BenchmarkError(f"{public} of the {entry_count} entries built are public")
    return welcome, section, items


def busiest_category_page(section):
    from wagtail_disclosure.catalogue import public_entries
    from wagtail_disclosure.models import DisclosureCategoryPage

    counts = [
        (public_entries(page).count(), page)
        for page in DisclosureCategoryPage.objects.child_of(section).live()
    ]
    count, page = max(counts, key=lambda pair: (pair[0], -pair[1].pk))
    return page, count


def page_path(page):
    _site_id, _root_url, path = page.get_url_parts()
    return path


# ---------------------------------------------------------------------------
# In-process measurement
# ---------------------------------------------------------------------------


def count_queries(host, path, marker):
    """SQL queries of a request, cold (first in this process) and warm (steady state)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, HTTP_HOST=host)
        if response.status_code != 200 or marker.encode() not in response.content:
            raise BenchmarkError(
                f"in-process GET http://{host}{path} gave {response.status_code}, "
                f"or lacked {marker!r}"
            )
        counts.append(len(queries))
    return {"cold": counts[0], "warm": counts[1], "bytes": len(response.content)}


# ---------------------------------------------------------------------------
# gunicorn
# ---------------------------------------------------------------------------


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving ``benchmarks.wsgi`` on 127.0.0.1; always stopped by ``stop()``."""

    def __init__(self, database_url, workers, log_path):
        self.database_url = database_url
        self.workers = workers
        self.log_path = Path(log_path)
        self.process = None
        self.port = None
        self._log = None

    def command(self, port):
        from gunicorn.config import KNOWN_SETTINGS

        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "benchmarks.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--chdir",
            str(REPO),
            "--timeout",
            str(REQUEST_TIMEOUT_S),
            "--log-level",
            "warning",
            "--error-logfile",
            "-",
        ]  # no --access-logfile: no request logging
        if any(setting.name == "control_socket_disable" for setting in KNOWN_SETTINGS):
            command.append("--no-control-socket")  # gunicorn >= 24 would create ~/.gunicorn
        return command

    def start(self):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "BENCHMARK_DATABASE_URL": self.database_url,
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")])
            ),
        }
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        for _attempt in range(3):  # the free port may be taken before gunicorn binds it
            self.port = free_port()
            self.process = subprocess.Popen(
                self.command(self.port),
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, stopped as one in stop()
            )
            if self._wait_ready():
                return
            self.stop()
            self._log = open(self.log_path, "ab")  # noqa: SIM115
        raise BenchmarkError(f"gunicorn did not start; its log:\n{self.log_tail()}")

    def _wait_ready(self):
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
            except OSError:
                time.sleep(0.1)
                continue
            # The socket is bound by the master; wait for a worker to answer.
            try:
                status, _ = fetch(self.port, WELCOME_HOST, "/")
                if status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.2)
        return False

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                # The master is not reaped yet, so its process group (master and workers,
                # made by start_new_session) is still ours to kill.
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines=30):
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def fetch(port, host, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    try:
        conn.request("GET", path, headers={"Host": host})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# ---------------------------------------------------------------------------
# Load generator
# ---------------------------------------------------------------------------


def proc_cpu_ticks(pid):
    """user + system CPU ticks of a process, from /proc (None where there is no /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


def process_tree(pid):
    """A process and its direct children (gunicorn's master and its workers)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return [pid, *(int(child) for child in children)]


def machine_busy_ticks():
    """CPU ticks all processes spent running (user, nice, system, irq, softirq)."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, _steal = fields
    return user + nice + system + irq + softirq


def wait_for_quiet_machine(max_wait, threshold=0.3):
    """Wait (at most ``max_wait`` s) until other processes use < ``threshold`` cores.

    Other jobs on a shared machine steal cores from gunicorn and skew requests/s; the
    load is recorded per page anyway (``other_cores``). Returns (seconds waited, cores
    busy in the last one-second sample).
    """
    tick = os.sysconf("SC_CLK_TCK")
    began = time.monotonic()
    busy = None
    while True:
        before = machine_busy_ticks()
        time.sleep(1.0)
        after = machine_busy_ticks()
        if before is None or after is None:
            return 0.0, None
        busy = (after - before) / tick
        waited = time.monotonic() - began
        if busy < threshold or waited >= max_wait:
            return round(waited, 1), round(busy, 2)


class CpuMeter:
    """CPU used during the measuring window: by gunicorn, by this client, by the rest."""

    def __init__(self, server_pid, database_pids=None):
        self.pids = process_tree(server_pid) if server_pid else []
        self.database_pids = database_pids
        self.db_pids = []
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    @staticmethod
    def _sum(ticks):
        return None if not ticks or None in ticks else sum(ticks)

    def snapshot(self):
        if self.database_pids is not None and not self.db_pids:
            # Persistent connections: the same backends serve the whole window.
            self.db_pids = self.database_pids()
        return {
            "wall": time.monotonic(),
            "client": time.process_time(),
            "server": self._sum([proc_cpu_ticks(pid) for pid in self.pids]),
            "database": self._sum([proc_cpu_ticks(pid) for pid in self.db_pids]),
            "machine": machine_busy_ticks(),
        }

    def usage(self, before, after, requests):
        wall = after["wall"] - before["wall"]
        client = (after["client"] - before["client"]) / wall
        result = {"client_cores": round(client, 2)}
        if before["server"] is not None and after["server"] is not None:
            server_s = (after["server"] - before["server"]) / self.tick
            result["server_cores"] = round(server_s / wall, 2)
            result["server_cpu_ms_per_request"] = (
                round(server_s * 1000 / requests, 2) if requests else None
            )
        database = 0.0
        if before["database"] is not None and after["database"] is not None:
            # PostgreSQL runs in its own processes; SQLite inside the gunicorn workers.
            database_s = (after["database"] - before["database"]) / self.tick
            database = database_s / wall
            result["database_cores"] = round(database, 2)
            result["database_cpu_ms_per_request"] = (
                round(database_s * 1000 / requests, 2) if requests else None
            )
        if before["machine"] is not None and "server_cores" in result:
            machine = (after["machine"] - before["machine"]) / self.tick / wall
            # Anything else on the machine (other users' jobs) competing for the cores.
            other = machine - result["server_cores"] - database - client
            result["other_cores"] = round(max(0.0, other), 2)
        return result


class CountingConnection(http.client.HTTPConnection):
    """Keeps the connection alive when the server allows it; counts (re)connects."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.connects = 0

    def connect(self):
        self.connects += 1
        super().connect()


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return None
    rank = max(1, min(len(sorted_values), round(fraction * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def run_load(
    port, host, path, marker, *, concurrency, warmup, duration, server_pid=None, database_pids=None
):
    """``concurrency`` threads GET ``path`` for ``warmup`` + ``duration`` seconds.

    Only requests that start and finish inside the measuring window count towards the
    throughput and the latency percentiles; errors are counted over the whole window.
    """
    first_status, first_body = fetch(port, host, path)
    if first_status != 200 or marker.encode() not in first_body:
        raise BenchmarkError(f"GET http://{host}{path} gave {first_status} or lacked {marker!r}")

    start = time.monotonic()
    window_start = start + warmup
    window_end = window_start + duration
    per_thread = [
        {"latencies": [], "errors": 0, "sizes": set(), "connects": 0} for _ in range(concurrency)
    ]
    headers = {"Host": host}

    def worker(result):
        conn = CountingConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
        try:
            for _ in range(MAX_REQUESTS_PER_THREAD):
                began = time.monotonic()
                if began >= window_end:
                    break
                try:
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    body = response.read()
                    ok = response.status == 200
                except (OSError, http.client.HTTPException):
                    conn.close()
                    ok, body = False, b""
                ended = time.monotonic()
                if ended >= window_start and began < window_end:
                    if not ok:
                        result["errors"] += 1
                    elif began >= window_start and ended <= window_end:
                        result["latencies"].append(ended - began)
                        result["sizes"].add(len(body))
        finally:
            result["connects"] = conn.connects
            conn.close()

    threads = [
        threading.Thread(target=worker, args=(result,), daemon=True) for result in per_thread
    ]
    meter = CpuMeter(server_pid, database_pids)
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, window_start - time.monotonic()))
    cpu_before = meter.snapshot()
    time.sleep(max(0.0, window_end - time.monotonic()))
    cpu_after = meter.snapshot()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT_S + 5)
    if any(thread.is_alive() for thread in threads):
        raise BenchmarkError(f"load threads for http://{host}{path} did not stop")

    latencies = sorted(lat for result in per_thread for lat in result["latencies"])
    sizes = sorted(set().union(*(result["sizes"] for result in per_thread)))
    errors = sum(result["errors"] for result in per_thread)

    def ms(value):
        return None if value is None else round(value * 1000, 2)

    return {
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / duration, 1),
        "latency_ms": {
            "p50": ms(percentile(latencies, 0.50)),
            "p95": ms(percentile(latencies, 0.95)),
            "p99": ms(percentile(latencies, 0.99)),
            "mean": ms(statistics.fmean(latencies)) if latencies else None,
            "max": ms(latencies[-1]) if latencies else None,
        },
        "errors": errors,
        "response_bytes": sizes[0] if len(sizes) == 1 else sizes,
        "connections_opened": sum(result["connects"] for result in per_thread),
        # Cores busy during the window: gunicorn, this client (on the same machine), others.
        "cpu": meter.usage(cpu_before, cpu_after, len(latencies)),
    }


# ---------------------------------------------------------------------------
# Environment and report
# ---------------------------------------------------------------------------


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def source_state():
    """The commit measured, and whether the package had uncommitted changes (read-only git)."""

    def git(*args):
        try:
            return subprocess.run(
                ["git", *args], cwd=REPO, capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    changed = git("status", "--porcelain", "--", "wagtail_disclosure")
    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "package_uncommitted_changes": None if changed is None else len(changed.splitlines()),
    }


def environment(vendor):
    import django
    import gunicorn
    import wagtail
    from django.db import connection

    if vendor == "postgresql":
        version = connection.cursor().connection.info.server_version  # e.g. 170005
        db_version = f"{version // 10000}.{version % 10000}"
    else:
        import sqlite3

        db_version = sqlite3.sqlite_version
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout
        nproc = int(nproc)
    except (OSError, ValueError, subprocess.CalledProcessError):
        nproc = len(os.sched_getaffinity(0))
    return {
        "nproc": nproc,
        "cpu": cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "gunicorn": gunicorn.__version__,
        "database": {"vendor": vendor, "version": db_version},
        "source": source_state(),
    }


def markdown_table(run):
    env = run["environment"]
    config = run["config"]
    lines = [
        f"**{env['database']['vendor']} {env['database']['version']}** — "
        f"{config['entries']} entries over {config['checklist_items']} items; "
        f"gunicorn {config['workers']} sync workers; {config['concurrency']} client threads; "
        f"{config['duration_s']:g} s per page after {config['warmup_s']:g} s warm-up; "
        f"{env['nproc']} cores; Python {env['python']}, Django {env['django']}, "
        f"Wagtail {env['wagtail']}",
        "",
        "| Page | req/s | vs welcome | p50 ms | p95 ms | p99 ms | errors | bytes "
        "| SQL queries | gunicorn CPU ms/req | PostgreSQL CPU ms/req | other load (cores) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    baseline = run["targets"][0]["requests_per_s"] or None
    for target in run["targets"]:
        lat = target["latency_ms"]
        cpu = target.get("cpu", {})
        ratio = f"{target['requests_per_s'] / baseline:.3f}" if baseline else "–"
        lines.append(
            f"| {target['label']} | {target['requests_per_s']:.1f} | {ratio} | {lat['p50']} | "
            f"{lat['p95']} | {lat['p99']} | {target['errors']} | {target['response_bytes']} | "
            f"{target['sql_queries']['warm']} | {cpu.get('server_cpu_ms_per_request', '–')} | "
            f"{cpu.get('database_cpu_ms_per_request', '–')} | {cpu.get('other_cores', '–')} |"
        )
    return "\n".join(lines)


def merge_results(output, run, name="catalogue_throughput"):
    output.parent.mkdir(parents=True, exist_ok=True)
    data = {}
    if output.exists():
        try:
            data = json.loads(output.read_text())
        except ValueError:
            data = {}
    data.setdefault("benchmark", name)
    data.setdefault("runs", {})
    data["runs"][run["environment"]["database"]["vendor"]] = run
    output.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_results(output):
    if not output.exists():
        raise BenchmarkError(f"{output} does not exist; run the benchmark first")
    for run in json.loads(output.read_text()).get("runs", {}).values():
        print(markdown_table(run), end="\n\n")


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def log(message):
    print(f"[catalogue_throughput] {message}", file=sys.stderr, flush=True)


def measure(args, database, tmpdir, targets, log=log):
    """Count each target's queries in-process, then serve the project with gunicorn and
    load every target in turn. Returns the environment and the server's error lines."""
    from django.db import connections

    for target in targets:
        target["sql_queries"] = count_queries(target["host"], target["path"], target["marker"])
    env = environment(database.vendor)
    env["load_average_before_load"] = list(os.getloadavg())
    connections.close_all()  # the load phase must not share our connection

    waited, background = wait_for_quiet_machine(args.wait_idle)
    env["background_cores_before_load"] = background
    if background is not None and background >= 0.3:
        log(f"other processes still use {background} cores after {waited} s; measuring anyway")

    server = Server(database.url, args.workers, Path(tmpdir) / "gunicorn.log")
    server.start()
    try:
        log(f"gunicorn on 127.0.0.1:{server.port}; {args.warmup:g}+{args.duration:g} s per URL")
        for target in targets:
            target.update(
                run_load(
                    server.port,
                    target["host"],
                    target["path"],
                    target["marker"],
                    concurrency=args.concurrency,
                    warmup=args.warmup,
                    duration=args.duration,
                    server_pid=server.process.pid,
                    database_pids=database.backend_pids
                    if database.vendor == "postgresql"
                    else None,
                )
            )
            log(
                f"{target['name']}: {target['requests_per_s']} req/s, "
                f"p50 {target['latency_ms']['p50']} ms, {target['errors']} errors, "
                f"cpu {target['cpu']}"
            )
        server_errors = [line for line in server.log_tail(200).splitlines() if "Error" in line]
    except BenchmarkError as exc:
        raise BenchmarkError(f"{exc}\ngunicorn log (tail):\n{server.log_tail()}") from exc
    finally:
        server.stop()
    return env, server_errors


def drop_database(database):
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: S110 - Django may not be set up yet
        pass
    database.drop()


def benchmark(args, tmpdir):
    database = ScratchDatabase(tmpdir)
    try:
        database.create()
        setup_django(database.url)
        from django.core.management import call_command
        from django.utils.html import escape

        try:  # a model changed without its migration would fail later, less clearly
            call_command("makemigrations", check=True, dry_run=True, verbosity=0)
        except SystemExit as exc:
            raise BenchmarkError(
                "the models have changes without migrations (makemigrations --check); "
                "the benchmark needs a migratable tree"
            ) from exc
        began = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        migrate_s = time.monotonic() - began
        log(f"{database.vendor}: migrated in {migrate_s:.1f} s; building {args.entries} entries")

        began = time.monotonic()
        welcome, section, items = build_sites(args.entries)
        build_s = time.monotonic() - began
        category_page, category_entries = busiest_category_page(section)
        log(
            f"built in {build_s:.1f} s; busiest category: {category_page.title} "
            f"({category_entries} entries)"
        )

        targets = [
            {
                "name": "welcome",
                "label": "Wagtail welcome page (Site A)",
                "host": WELCOME_HOST,
                "path": page_path(welcome),
                "marker": welcome.title,
            },
            {
                "name": "catalogue",
                "label": "Disclosure catalogue (Site B root)",
                "host": DISCLOSURE_HOST,
                "path": page_path(section),
                "marker": 'id="catalogue-heading"',
            },
            {
                "name": "category",
                "label": f"Busiest category page ({category_page.category.key}, "
                f"{category_entries} entries)",
                "host": DISCLOSURE_HOST,
                "path": page_path(category_page),
                "marker": escape(category_page.title),
            },
        ]
        env, server_errors = measure(args, database, tmpdir, targets)
    finally:
        drop_database(database)

    by_name = {target["name"]: target for target in targets}
    welcome_rps = by_name["welcome"]["requests_per_s"]
    return {
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "environment": env,
        "config": {
            "entries": args.entries,
            "checklist_items": len(items),
            "categories": len({item.category_id for item in items}),
            "busiest_category_entries": category_entries,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "concurrency": args.concurrency,
            "workers": args.workers,
            "worker_class": "sync",
            "conn_max_age": 60,
            "wait_idle_s": args.wait_idle,
            "debug": False,
        },
        "setup_s": {"migrate": round(migrate_s, 1), "build": round(build_s, 1)},
        "targets": [
            {key: value for key, value in target.items() if key != "marker"} for target in targets
        ],
        "ratios_vs_welcome": {
            name: round(by_name[name]["requests_per_s"] / welcome_rps, 3) if welcome_rps else None
            for name in ("catalogue", "category")
        },
        "server_cpu_ratios_vs_welcome": {
            name: cpu_ratio(by_name[name], by_name["welcome"]) for name in ("catalogue", "category")
        },
        "server_log_errors": server_errors[:20],
    }


def cpu_ratio(target, baseline):
    """How many times the server CPU per request of ``baseline`` a target needs."""
    mine = target.get("cpu", {}).get("server_cpu_ms_per_request")
    base = baseline.get("cpu", {}).get("server_cpu_ms_per_request")
    return round(mine / base, 1) if mine and base else None


def main(argv=None, *, run_benchmark=None, default_output=DEFAULT_OUTPUT, name=None):
    """Run one benchmark (``run_benchmark(args, tmpdir)``, this module's by default) and
    merge its results into ``--output``; ``api_throughput.py`` calls it with its own."""
    run_benchmark = run_benchmark or benchmark
    name = name or "catalogue_throughput"
    args = parse_args(argv)
    if args.output == DEFAULT_OUTPUT:
        args.output = default_output
    if args.print_results:
        print_results(args.output)
        return 0
    if importlib.util.find_spec("gunicorn") is None:
        print(
            "gunicorn is not installed in this environment. Install it with\n"
            "    uv pip install -p .venv gunicorn\n"
            "(see benchmarks/README.md) and run the benchmark again.",
            file=sys.stderr,
        )
        return 2

    # SIGTERM (e.g. from a CI timeout) unwinds through the finally blocks below.
    def terminate(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    started = time.monotonic()
    tmpdir = tempfile.mkdtemp(prefix=f"{name}-")
    try:
        run = run_benchmark(args, tmpdir)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    merge_results(args.output, run, name)
    print(markdown_table(run))
    print(f"\nResults merged into {args.output} ({time.monotonic() - started:.0f} s in all).")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchmarkError as exc:
        print(f"catalogue_throughput: {exc}", file=sys.stderr)
        sys.exit(1)
