"""Debian's nginx, started from the templates in this directory, on loopback only.

``proxy_cache.conf``: a caching reverse proxy in front of application servers, purged
through Wagtail's front-end cache (``PURGE``, Debian's ``libnginx-mod-http-cache-purge``);
``static.conf``: files from a directory. ``tests/test_nginx_cache.py`` and
``benchmarks/load.py`` use them; ``docs/production.md`` shows the proxy configuration.

Everything nginx writes (pid, logs, temp files, the cache) stays under the prefix directory
given to :class:`Nginx`; it runs in the foreground (``daemon off``) as a child process and
:meth:`Nginx.stop` ends it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: The nginx binary: ``$NGINX``, else ``nginx`` on ``PATH``, else Debian's ``/usr/sbin/nginx``.
NGINX = os.environ.get("NGINX", "nginx")
#: Debian's cache purge module (``apt-get install libnginx-mod-http-cache-purge``).
PURGE_MODULE = os.environ.get(
    "NGINX_CACHE_PURGE_MODULE", "/usr/lib/nginx/modules/ngx_http_cache_purge_module.so"
)
INSTALL_HINT = (
    "apt-get install -y --no-install-recommends nginx-light libnginx-mod-http-cache-purge"
)


class NginxMissing(RuntimeError):
    """nginx (or the purge module) is not installed."""


def nginx_binary() -> str:
    path = NGINX if os.path.isabs(NGINX) else shutil.which(NGINX)
    if not path and os.access("/usr/sbin/nginx", os.X_OK):
        path = "/usr/sbin/nginx"
    if not path or not os.access(path, os.X_OK):
        raise NginxMissing(
            f"nginx not found ({NGINX!r}, /usr/sbin/nginx); install Debian's: {INSTALL_HINT}"
        )
    return path


def purge_module() -> str:
    if not os.path.exists(PURGE_MODULE):
        raise NginxMissing(
            f"the nginx cache purge module is missing ({PURGE_MODULE}); install it: {INSTALL_HINT}"
        )
    return PURGE_MODULE


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render(template: str, **values) -> str:
    """The configuration ``template`` (a file here) with ``@NAME@`` replaced by
    ``values[name.lower()]``, after the shared top (``common.conf``)."""
    text = (HERE / "common.conf").read_text() + "\n" + (HERE / template).read_text()
    values.setdefault("workers", 1)
    values.setdefault("load_modules", "")
    # nginx started as root switches its workers to "nobody", which cannot enter the
    # private temp dirs the prefix lives in.
    values.setdefault("user", "user root;" if os.geteuid() == 0 else "")
    for name, value in values.items():
        text = text.replace(f"@{name.upper()}@", str(value))
    missing = sorted(set(re.findall(r"@([A-Z_]+)@", text)))
    if missing:
        raise ValueError(f"{template}: no value for {', '.join(missing)}")
    return text


PURGE_LOCATION = """location = /.purge {
            internal;
            allow 127.0.0.1;
            deny all;
            proxy_cache_purge disclosure_pages "$host$request_uri";
        }"""


def proxy_cache_config(prefix, port, upstream, session_cookie="sessionid", purge=True) -> str:
    """The caching reverse proxy on ``127.0.0.1:port`` in front of ``upstream``
    (``host:port``); with ``purge``, ``PURGE`` requests from loopback remove an entry."""
    return render(
        "proxy_cache.conf",
        prefix=prefix,
        port=port,
        upstream=upstream,
        session_cookie=session_cookie,
        load_modules=f"load_module {purge_module()};" if purge else "",
        purge_method="if ($request_method = PURGE) { rewrite ^ /.purge last; }" if purge else "",
        purge_location=PURGE_LOCATION if purge else "",
    )


def static_config(prefix, port, root) -> str:
    return render("static.conf", prefix=prefix, port=port, root=root)


class Nginx:
    """One nginx master (and its workers) running ``config`` with ``prefix`` as its
    working directory, listening on ``127.0.0.1:port``."""

    def __init__(self, prefix, port, config):
        self.prefix = Path(prefix)
        self.port = port
        self.config = config
        self.process = None

    @property
    def conf_path(self) -> Path:
        return self.prefix / "nginx.conf"

    @property
    def error_log(self) -> Path:
        return self.prefix / "error.log"

    def start(self, timeout=10.0):
        binary = nginx_binary()
        self.prefix.mkdir(parents=True, exist_ok=True)
        self.conf_path.write_text(self.config)
        command = [binary, "-p", str(self.prefix), "-c", str(self.conf_path), "-e", "stderr"]
        check = subprocess.run(
            [*command, "-t", "-q"], capture_output=True, text=True, timeout=30, check=False
        )
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{check.stderr}\n{self.config}")
        self.process = subprocess.Popen(  # noqa: S603 - our own binary and config
            command,
            stdout=subprocess.DEVNULL,
            stderr=open(self.prefix / "startup.log", "w"),  # noqa: SIM115
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not listen on 127.0.0.1:{self.port}: {self.log_tail()}")

    def log_tail(self, lines=20) -> str:
        text = ""
        for path in (self.prefix / "startup.log", self.error_log):
            if path.exists():
                text += path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def stop(self):
        """Fast shutdown (``SIGTERM``), ``SIGKILL`` to the process group after 10 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
