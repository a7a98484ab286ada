"""HTTP probing for the outside-in test: sessions, logins, and cells that collect failures.

A **cell** is one check (one surface for one subject, such as "the search page for the
draft's body marker"). A cell fails with one or more problems, each of a kind:

* ``leak``: a marker the public (or this member of staff) must not see is in a response,
  or a non-public document answered 200;
* ``mismatch``: something differs from what is expected: a status, a control that must be
  visible and is not, an entry missing from a listing where it must be;
* ``server error``: a 5xx answer or no answer at all.

Nothing stops at the first failure: the test runs every cell and reports them all.
"""

from __future__ import annotations

import dataclasses
import threading
from urllib.parse import urlsplit

import requests

from .spec import MARKER_RE

LEAK, MISMATCH, SERVER_ERROR = "leak", "mismatch", "server error"
KINDS = (LEAK, MISMATCH, SERVER_ERROR)


@dataclasses.dataclass
class Cell:
    name: str
    problems: list = dataclasses.field(default_factory=list)

    def fail(self, kind, detail):
        self.problems.append((kind, detail))

    @property
    def ok(self):
        return not self.problems


class Results:
    """All cells of a run (thread-safe: cells are checked from a few threads)."""

    def __init__(self):
        self.cells: list[Cell] = []
        self.notes: list[str] = []
        self._lock = threading.Lock()

    def cell(self, name) -> Cell:
        cell = Cell(name)
        with self._lock:
            self.cells.append(cell)
        return cell

    def add(self, cell):
        with self._lock:
            self.cells.append(cell)
        return cell

    def note(self, text):
        with self._lock:
            self.notes.append(text)

    def failing(self):
        return [cell for cell in self.cells if not cell.ok]

    def count(self, kind):
        return sum(1 for cell in self.cells if any(k == kind for k, _ in cell.problems))

    def summary(self):
        return (
            f"outside-in: {len(self.cells)} cells, {self.count(LEAK)} leaks, "
            f"{self.count(MISMATCH)} mismatches, {self.count(SERVER_ERROR)} server errors"
        )

    def failure_lines(self):
        lines = []
        for cell in self.failing():
            for kind, detail in cell.problems:
                lines.append(f"[{kind}] {cell.name}: {detail}")
        return lines


class Client:
    """One person's HTTP client (a ``requests.Session``, so cookies persist).

    Requests never follow redirects unless asked, so a redirect to the login page is seen
    as one. Any 5xx or failed request is recorded on the cell as a server error.
    """

    def __init__(self, base_url, name="anonymous"):
        self.base_url = base_url
        self.name = name
        self.session = requests.Session()
        self.session.headers["Accept-Language"] = "zh-hans"

    def request(self, cell, method, url, follow=False, **kwargs):
        """One request; with ``follow``, redirects are followed on this server (the site's
        own full URLs name the demo's host, ``localhost:8000``, not the test server)."""
        for _hop in range(5):
            try:
                response = self.session.request(
                    method, self.base_url + url, allow_redirects=False, timeout=60, **kwargs
                )
            except requests.RequestException as exc:
                cell.fail(SERVER_ERROR, f"{method} {url[:120]}: no answer ({type(exc).__name__})")
                return None
            if response.status_code >= 500:
                cell.fail(SERVER_ERROR, f"{method} {url[:120]}: HTTP {response.status_code}")
            location = response.headers.get("Location")
            if not (follow and response.status_code in (301, 302, 303, 307, 308) and location):
                return response
            target = urlsplit(location)
            url = target.path + (f"?{target.query}" if target.query else "")
            method, kwargs = "GET", {}
        return response

    def get(self, cell, url, **kwargs):
        return self.request(cell, "GET", url, **kwargs)

    def post(self, cell, url, data=None, **kwargs):
        data = dict(data or {})
        token = self.session.cookies.get("csrftoken")
        if token:
            data.setdefault("csrfmiddlewaretoken", token)
        return self.request(cell, "POST", url, data=data, **kwargs)

    def log_in(self, cell, login_url, username, password):
        """Log in through the admin login form, with its CSRF token. True if logged in."""
        form = self.get(cell, login_url)
        if form is None or form.status_code != 200 or "csrftoken" not in self.session.cookies:
            cell.fail(MISMATCH, f"login form of {username}: no form or CSRF cookie")
            return False
        response = self.post(
            cell,
            login_url,
            {"username": username, "password": password, "next": "/admin/"},
            headers={"Referer": self.base_url + login_url},
        )
        if (
            response is None
            or response.status_code != 302
            or "/login/" in response.headers.get("Location", "")
        ):
            status = None if response is None else response.status_code
            cell.fail(MISMATCH, f"{username} could not log in (HTTP {status})")
            return False
        return True


def response_text(response):
    """Body and Location header: a redirect can leak a document's file name too."""
    if response is None:
        return ""
    try:
        text = response.content.decode("utf-8", errors="replace")
    except Exception:  # noqa: BLE001 - never let decoding hide a response
        text = ""
    return text + "\n" + response.headers.get("Location", "")


def markers_in(response):
    return set(MARKER_RE.findall(response_text(response)))


def scan(cell, response, forbidden, exempt=(), kind=LEAK, where=""):
    """Fail ``cell`` if the response holds a forbidden marker (other than ``exempt``)."""
    if response is None:
        return set()
    found = (markers_in(response) & forbidden) - set(exempt)
    if found:
        shown = ", ".join(sorted(found)[:10]) + (" …" if len(found) > 10 else "")
        cell.fail(kind, f"{where or response.request.path_url[:100]} shows {shown}")
    return found


def expect_status(cell, response, allowed, where="", kind=MISMATCH):
    if response is None:
        return False
    if response.status_code not in allowed:
        cell.fail(
            kind,
            f"{where or response.request.path_url[:100]}: HTTP {response.status_code}, "
            f"expected {'/'.join(str(s) for s in allowed)}",
        )
        return False
    return True


def expect_present(cell, response, markers, where="", kind=MISMATCH):
    """Fail ``cell`` unless every marker is in the response (controls and presence)."""
    if response is None:
        return False
    missing = set(markers) - markers_in(response)
    if missing:
        cell.fail(
            kind,
            f"{where or response.request.path_url[:100]} (HTTP {response.status_code}) "
            f"lacks {', '.join(sorted(missing))}",
        )
        return False
    return True
