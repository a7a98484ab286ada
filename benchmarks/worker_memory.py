#!/usr/bin/env python
"""Memory of the gunicorn workers: ours against stock Wagtail's, after the same requests.

A quick, repeatable form of the "Worker RSS" measurement of ``load.py`` (issue 15): no wrk
and no nginx, only gunicorn and urllib. One run builds the throwaway databases and pages
the way ``load.py`` does (its data builders, its gunicorn wrapper and its stock
``wagtail start`` project are imported from it), starts gunicorn (sync workers,
``benchmarks/settings.py``, ``DEBUG = False``) for ours and for stock Wagtail, then asks
each of ours's targets ``--requests`` times (catalogue, busiest category page, an entry,
the search, the API's entry list, a review transition: submit and reject in turn over
drafts, with an API token) and stock Wagtail's welcome page as many times in all, from
``--clients`` threads, so every worker serves every target. Then it reads, for each
worker, the RSS (``VmRSS``) and the PSS (``Pss`` of ``/proc/PID/smaps_rollup``: shared
pages divided among the processes that map them) and prints the ratios of the largest
worker of each.

Modes (``--modes``, both by default):

* ``inherit``: the workers get this process's environment as it is, as in ``load.py``
  (on this project's machines ``PYTHONDONTWRITEBYTECODE=1``: every worker compiles every
  module it imports, and the compiler's memory stays in the worker);
* ``bytecode``: bytecode written to and read from a cache directory of the run
  (``PYTHONPYCACHEPREFIX``), filled by a first start of each server that is asked every
  target once and stopped, as on a site whose packages were installed with their
  bytecode (pip's default).

Results are merged into ``benchmarks/results/worker_memory.json``, keyed by database vendor,
entries and mode::

    scripts/with-postgres .nox/tests-wagtail8-postgres/bin/python benchmarks/worker_memory.py
    .nox/tests-wagtail8-postgres/bin/python benchmarks/worker_memory.py --print-results

Needs gunicorn in the Python environment, as ``load.py`` does.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

_spec = importlib.util.spec_from_file_location("load", REPO / "benchmarks" / "load.py")
load = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(load)
base = load.base

DEFAULT_OUTPUT = REPO / "benchmarks" / "results" / "worker_memory.json"
#: The acceptance point of issue 15: worker RSS at most this many times stock Wagtail's.
TARGET_RATIO = 1.3
MODES = ("inherit", "bytecode")


class BenchmarkError(base.BenchmarkError):
    pass


def log(message):
    print(f"[worker_memory] {message}", file=sys.stderr, flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000, help="published entries (1000)")
    parser.add_argument("--drafts", type=int, default=100, help="drafts to transition (100)")
    parser.add_argument("--requests", type=int, default=300, help="requests per target (300)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--print-results", action="store_true", help="tables of --output")
    args = parser.parse_args(argv)
    if not 1 <= args.entries <= 20_000 or not 1 <= args.requests <= 10_000:
        parser.error("--entries 1..20000, --requests 1..10000")
    if not 1 <= args.clients <= 32 or not 1 <= args.workers <= 16 or args.drafts < args.clients:
        parser.error("--clients 1..32, --workers 1..16, --drafts at least --clients")
    return args


# ---------------------------------------------------------------------------
# Memory of a process
# ---------------------------------------------------------------------------


def _kib(path, field):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def process_memory(pid):
    """RSS, PSS and the private (unshared) pages of ``pid``, in MiB."""
    rollup = f"/proc/{pid}/smaps_rollup"
    private = [_kib(rollup, "Private_Clean"), _kib(rollup, "Private_Dirty")]
    values = {
        "rss": _kib(f"/proc/{pid}/status", "VmRSS"),
        "pss": _kib(rollup, "Pss"),
        "private": None if None in private else sum(private),
    }
    return {"pid": pid, **{k: None if v is None else round(v / 1024, 1) for k, v in values.items()}}


def memory_of(server):
    workers = [process_memory(pid) for pid in server.worker_pids()]
    if not workers:
        raise BenchmarkError("no gunicorn worker found")
    return {
        "workers": workers,
        "max_rss_mib": max(w["rss"] for w in workers),
        "max_pss_mib": max(w["pss"] or 0 for w in workers),
        "master": process_memory(server.process.pid),
    }


# ---------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def request(port, host, path, method="GET", body=None, headers=None):
    """Status of one request (errors answered by the server count as answers)."""
    req = urllib.request.Request(  # noqa: S310 - 127.0.0.1 only
        f"http://127.0.0.1:{port}{path}",
        data=body,
        method=method,
        headers={"Host": host, **(headers or {})},
    )
    try:
        with _opener.open(req, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code


def transition_request(port, host, token, drafts, n):
    """The ``n``-th review transition: submit, then reject, each draft in turn."""
    entry = drafts[n % len(drafts)]
    if (n // len(drafts)) % 2 == 0:
        payload = {"transition": "submit"}
    else:
        payload = {"transition": "reject", "comment": "benchmark"}
    return request(
        port,
        host,
        f"/api/disclosure/v1/staff/entries/{entry}/transitions",
        method="POST",
        body=json.dumps(payload).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )


def run_requests(calls, clients):
    """Run ``calls`` (functions of no argument returning a status) from ``clients``
    threads, in order; return the count of each status."""
    statuses = {}
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        for status in pool.map(lambda call: call(), calls):
            statuses[status] = statuses.get(status, 0) + 1
    return statuses


#: Transitions made so far in this run: the next one continues the submit/reject cycle.
_transitions = [0]


def our_calls(port, targets, token, drafts, count):
    host = base.DISCLOSURE_HOST
    calls = {}
    for name, path in targets.items():
        calls[name] = [lambda path=path: request(port, host, path)] * count
    first = _transitions[0]
    _transitions[0] += count
    calls["transition"] = [
        lambda n=n: transition_request(port, host, token, drafts, n)
        for n in range(first, first + count)
    ]
    return calls


# ---------------------------------------------------------------------------
# One run
# ---------------------------------------------------------------------------


def build(args, tmpdir):
    """Databases, pages and the stock project; returns what the servers need."""
    from django.core.management import call_command
    from django.db import connections

    began = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    _welcome, section, _items = base.build_sites(args.entries)
    drafts = load.build_drafts(section, args.drafts)
    call_command("update_index", verbosity=0)
    token = load.api_token()
    targets, _count = load.target_paths(section)
    log(f"built {args.entries} entries and {args.drafts} drafts in "
        f"{time.monotonic() - began:.0f} s")  # fmt: skip
    return targets, token, drafts, connections


def start_servers(args, tmpdir, database, stock_db, stock_dir, label):
    app = load.Gunicorn(
        "benchmarks.wsgi:application",
        REPO,
        "benchmarks.settings",
        database.url,
        args.workers,
        Path(tmpdir) / f"app-{label}.log",
    )
    stock = load.Gunicorn(
        f"{load.STOCK_PROJECT}.wsgi:application",
        stock_dir,
        f"{load.STOCK_PROJECT}.settings.bench",
        stock_db.url,
        args.workers,
        Path(tmpdir) / f"stock-{label}.log",
    )
    return app, stock


def measure_mode(args, mode, tmpdir, database, stock_db, stock_dir, targets, token, drafts):
    saved = {
        name: os.environ.get(name) for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
    }
    if mode == "bytecode":
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(Path(tmpdir) / "pycache")
    servers = []
    try:
        if mode == "bytecode":
            # Fill the bytecode cache: every target once, then stop.
            app, stock = start_servers(args, tmpdir, database, stock_db, stock_dir, "warmup")
            servers += [app.start(), stock.start()]
            calls = our_calls(app.port, targets, token, drafts, 1)
            run_requests([c for cs in calls.values() for c in cs], 1)
            run_requests([lambda: request(stock.port, "localhost", "/")], 1)
            for server in servers:
                server.stop()
            servers = []
        app, stock = start_servers(args, tmpdir, database, stock_db, stock_dir, mode)
        servers += [app.start(), stock.start()]
        started = {"app": memory_of(app), "stock": memory_of(stock)}
        load_before = os.getloadavg()[0]
        statuses = {}
        began = time.monotonic()
        growth = {}
        for name, calls in our_calls(app.port, targets, token, drafts, args.requests).items():
            statuses[name] = run_requests(calls, args.clients)
            growth[name] = memory_of(app)["max_rss_mib"]
        total = len(targets) + 1  # and the transition
        stock_calls = [lambda: request(stock.port, "localhost", "/")] * (args.requests * total)
        statuses["stock_welcome"] = run_requests(stock_calls, args.clients)
        elapsed = round(time.monotonic() - began, 1)
        after = {"app": memory_of(app), "stock": memory_of(stock)}
        errors = [line for line in app.log_tail(200).splitlines() if "Error" in line]
    finally:
        for server in reversed(servers):
            server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    bad = {
        name: counts
        for name, counts in statuses.items()
        if any(status >= 400 for status in counts)  # transitions answer 200
    }
    if bad:
        raise BenchmarkError(f"unexpected answers ({mode}): {bad}\n{app.log_tail()}")
    ratio = {
        "rss": round(after["app"]["max_rss_mib"] / after["stock"]["max_rss_mib"], 2),
        "pss": round(after["app"]["max_pss_mib"] / after["stock"]["max_pss_mib"], 2),
    }
    result = {
        "mode": mode,
        "after_start": started,
        "after_requests": after,
        # Ours's largest worker RSS after each target's requests, in the order made.
        "app_max_rss_after_target": growth,
        "ratio_vs_stock": ratio,
        "target_ratio": TARGET_RATIO,
        "meets_target": ratio["rss"] <= TARGET_RATIO,
        "statuses": {
            name: {str(k): v for k, v in counts.items()} for name, counts in statuses.items()
        },
        "requests_s": elapsed,
        "loadavg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "server_log_errors": errors[:20],
    }
    log(
        f"{mode}: ours max RSS {after['app']['max_rss_mib']} MiB / PSS "
        f"{after['app']['max_pss_mib']} MiB, stock {after['stock']['max_rss_mib']} / "
        f"{after['stock']['max_pss_mib']} MiB: RSS ×{ratio['rss']}, PSS ×{ratio['pss']}"
    )
    return result


def run(args, tmpdir):
    tmpdir = Path(tmpdir)
    (tmpdir / "app").mkdir()
    (tmpdir / "stockdb").mkdir()
    database = base.ScratchDatabase(tmpdir / "app")
    stock_db = base.ScratchDatabase(tmpdir / "stockdb")
    try:
        database.create()
        stock_db.create()
        base.setup_django(database.url)
        targets, token, drafts, connections = build(args, tmpdir)
        env = base.environment(database.vendor)
        stock_dir = load.stock_project(tmpdir, stock_db.url)
        connections.close_all()
        results = [
            measure_mode(args, mode, tmpdir, database, stock_db, stock_dir, targets, token, drafts)
            for mode in args.modes
        ]
    finally:
        base.drop_database(database)
        stock_db.drop()
    config = {
        "entries": args.entries,
        "drafts": args.drafts,
        "requests_per_target": args.requests,
        "targets": [*targets, "transition"],
        "clients": args.clients,
        "workers": args.workers,
        "worker_class": "sync",
        "debug": False,
        "environment_PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE"),
    }
    generated = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    return [
        {"generated_at": generated, "environment": env, "config": config, **result}
        for result in results
    ]


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


def markdown(runs):
    lines = [
        "| database, entries | mode | ours RSS MiB (workers) | ours PSS | stock RSS MiB (workers) "
        "| stock PSS | RSS × stock | PSS × stock | ≤ 1.3× | load before→after |",
        "|---|---|---|---:|---|---:|---:|---:|---|---|",
    ]
    for run in runs:
        app, stock = run["after_requests"]["app"], run["after_requests"]["stock"]
        lines.append(
            f"| {run['environment']['database']['vendor']}, {run['config']['entries']} "
            f"| {run['mode']}{' (before)' if run.get('note') else ''} | {app['max_rss_mib']} ({', '.join(str(w['rss']) for w in app['workers'])}) "
            f"| {app['max_pss_mib']} | {stock['max_rss_mib']} "
            f"({', '.join(str(w['rss']) for w in stock['workers'])}) | {stock['max_pss_mib']} "
            f"| {run['ratio_vs_stock']['rss']} | {run['ratio_vs_stock']['pss']} "
            f"| {'yes' if run['meets_target'] else 'no'} "
            f"| {run['loadavg_1m'][0]}→{run['loadavg_1m'][1]} |"
        )
    return "\n".join(lines)


def merge(output, runs):
    output.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(output.read_text()) if output.exists() else {}
    data.setdefault("benchmark", "worker_memory")
    for run in runs:
        key = f"{run['environment']['database']['vendor']}-{run['config']['entries']}-{run['mode']}"
        data.setdefault("runs", {})[key] = run
    output.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_results(output):
    if not output.exists():
        raise BenchmarkError(f"{output} does not exist; run the benchmark first")
    print(markdown(list(json.loads(output.read_text()).get("runs", {}).values())))


def main(argv=None):
    args = parse_args(argv)
    if args.print_results:
        print_results(args.output)
        return 0
    if importlib.util.find_spec("gunicorn") is None:
        print("missing: gunicorn (uv pip install -p <this python> gunicorn)", file=sys.stderr)
        return 2
    tmpdir = tempfile.mkdtemp(prefix="worker-memory-")
    try:
        runs = run(args, tmpdir)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    merge(args.output, runs)
    print(markdown(runs))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except base.BenchmarkError as exc:
        print(f"worker_memory: {exc}", file=sys.stderr)
        sys.exit(1)
