"""The outside-in test's own database, its subprocesses and its one server process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_SITE = ROOT / "example_site"
SETTINGS = "tests.outside_in.settings"
COMMAND_TIMEOUT = 600  # seconds; generous for a loaded machine


class SiteDatabase:
    """A fresh database for the site: a SQLite file under ``tmp_path``, or, when the test
    settings' default database is PostgreSQL, a new database on the same server (created
    with psycopg, dropped by :meth:`drop`)."""

    def __init__(self, tmp_path: Path):
        from django.conf import settings

        self.default = settings.DATABASES["default"]
        self.vendor = "postgresql" if "postgresql" in self.default["ENGINE"] else "sqlite"
        self.name = None
        if self.vendor == "postgresql":
            self.name = f"outside_in_{uuid.uuid4().hex[:12]}"
            with self._connect() as connection:
                connection.execute(f'CREATE DATABASE "{self.name}"')
            self.url = self._postgres_url(self.name)
        else:
            self.url = f"sqlite:///{tmp_path / 'site.sqlite3'}"

    def _connect(self):
        import psycopg

        db = self.default
        params = {
            "dbname": "postgres",
            "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None,
            "host": db.get("HOST") or None,
            "port": db.get("PORT") or None,
        }
        return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)

    def _postgres_url(self, name):
        db = self.default
        user = quote(db.get("USER") or "", safe="")
        password = db.get("PASSWORD") or ""
        credentials = user + (":" + quote(password, safe="") if password else "")
        host = quote(db.get("HOST") or "localhost", safe="")
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{credentials}@{host}{port}/{name}"

    def drop(self):
        if self.vendor != "postgresql" or not self.name:
            return
        with self._connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.name = None


def site_environment(database_url: str, media_root: Path) -> dict[str, str]:
    """The environment of every subprocess: the example site, our settings, DEBUG unset."""
    env = dict(os.environ)
    for name in ("DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE", "PYTHONPATH", "DEBUG"):
        env.pop(name, None)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE=SETTINGS,
        OUTSIDE_IN_MEDIA_ROOT=str(media_root),
        PYTHONPATH=os.pathsep.join([str(EXAMPLE_SITE), str(ROOT)]),
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Run ``python args...`` in example_site/; returns (seconds, output). Fails loudly."""
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, *args],
        cwd=EXAMPLE_SITE,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    elapsed = time.monotonic() - started
    output = completed.stdout + completed.stderr
    if completed.returncode != 0:
        raise RuntimeError(
            f"`python {' '.join(args)}` failed with exit code {completed.returncode}:\n"
            + output[-6000:]
        )
    return elapsed, output


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``manage.py runserver 127.0.0.1:PORT --noreload``: one process, stopped by :meth:`stop`."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.env = env
        self.log_path = log_path
        self.process = None
        self.port = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=90):
        self.port = free_port()
        self._log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=EXAMPLE_SITE,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                requests.get(self.base_url + "/admin/login/", timeout=5)
                return self
            except requests.RequestException:
                pass
            # Not listening yet: wait for the process to exit, for a fifth of a second at most.
            try:
                self.process.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                continue
            raise RuntimeError(f"the server exited at start:\n{self.log_tail()}")
        raise RuntimeError(f"the server did not answer within {timeout} s:\n{self.log_tail()}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None
        if getattr(self, "_log", None) is not None:
            self._log.close()
            self._log = None

    def log_tail(self, chars=4000):
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""
