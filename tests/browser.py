"""Helpers for the tests that drive a real headless Chromium (``@pytest.mark.browser``).

The browser is Debian's ``chromium`` (``make test`` installs it when missing), driven by
Playwright's Python package with ``executable_path``: Playwright's own browser downloads
(``playwright install``) are never used. Override the binary with ``$CHROMIUM``.

A missing browser is a failure, not a skip: the tests are part of the normal suite.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

#: Flags every launch uses (Playwright adds a fresh temporary --user-data-dir itself).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000


def chromium_executable() -> str:
    """The Chromium binary, or a test failure saying how to get one."""
    path = CHROMIUM if os.path.isabs(CHROMIUM) else shutil.which(CHROMIUM)
    if not path or not os.access(path, os.X_OK):
        pytest.fail(
            f"Chromium not found at {CHROMIUM!r}: the browser tests need it. `make test` "
            "installs it (apt-get install -y chromium); or set $CHROMIUM to a Chromium binary.",
            pytrace=False,
        )
    return path


@contextmanager
def chromium():
    """Launch headless Chromium with a fresh temporary user-data-dir; yields the browser.

    Playwright creates each launch's profile (``--user-data-dir``) in the temporary
    directory of its driver process, which inherits ``TMPDIR`` when it starts: point it at
    a private directory (short: Chromium's singleton socket path is limited to ~100
    bytes, too little for pytest's tmp_path) and remove it afterwards.
    """
    executable = chromium_executable()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the `test` extra installs it
        pytest.fail("playwright is not installed: pip install -e '.[test]'", pytrace=False)

    old_tmpdir = os.environ.get("TMPDIR")
    with tempfile.TemporaryDirectory(prefix="wd-chromium-") as profiles:
        os.environ["TMPDIR"] = profiles
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=executable, headless=True, args=CHROMIUM_ARGS
                )
                try:
                    assert any(Path(profiles).glob("*profile*")), "no fresh user-data-dir"
                    yield browser
                finally:
                    browser.close()
        finally:
            if old_tmpdir is None:
                os.environ.pop("TMPDIR", None)
            else:
                os.environ["TMPDIR"] = old_tmpdir


def new_page(browser, locale="zh-CN"):
    """A page in a fresh context (own cookies): one per person."""
    context = browser.new_context(viewport=VIEWPORT, locale=locale)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def log_in(browser, base_url: str, username: str, password: str, locale="zh-CN"):
    """Log in through the admin login form in a new context; returns the page, on the dashboard."""
    page = new_page(browser, locale)
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert page.url.rstrip("/").endswith("/admin"), f"{username} could not log in: {page.url}"
    return page


def goto(page, url: str) -> int:
    """Load ``url``; returns the HTTP status of the (final) response."""
    response = page.goto(url)
    assert response is not None, url
    return response.status


def open_action_menu(page):
    """Open the dropdown next to the edit view's main button (Save draft)."""
    toggle = page.locator("footer .w-dropdown-button [data-w-dropdown-target='toggle']")
    toggle.click()
    page.locator("footer .w-dropdown-button [data-w-dropdown-target='content']").wait_for(
        state="visible"
    )
    # Let the dropdown's fade-in finish (matters for screenshots).
    page.wait_for_function(
        """() => {
            const box = document.querySelector(".tippy-box[data-state='visible']");
            return box && getComputedStyle(box).opacity === "1"
                && box.getAnimations({subtree: true}).length === 0;
        }"""
    )


def action_links(page):
    """hrefs of the review-transition items in the edit view's action menu."""
    return page.eval_on_selector_all(
        "footer a[href*='/admin/disclosure/entries/']", "links => links.map(a => a.pathname)"
    )


def take_action_from_menu(page, transition_url: str, comment: str):
    """On an open edit view: action menu → the transition's item → comment → confirm."""
    open_action_menu(page)
    link = page.locator(f"footer a[href='{transition_url}']")
    link.wait_for(state="visible")
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(transition_url), page.url
    page.fill("textarea[name=comment]", comment)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    # Taken: the view sends the person back to the entry's edit view.
    assert not page.url.endswith(transition_url), page_messages(page)
    return page


def page_messages(page) -> str:
    """Wagtail's messages and field errors on the current page (for assertion messages)."""
    texts = page.eval_on_selector_all(
        ".messages li, .error-message, .w-field__errors, .help-critical, .w-field--error label",
        "nodes => nodes.map(n => n.innerText.trim()).filter(Boolean)",
    )
    return f"{page.url}: {' | '.join(texts) or '(no messages)'}"


# --- helpers of the per-role tests (tests/test_browser_roles.py) -------------------------

#: Where the screenshots of the documentation live.
DOCS_IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"
#: Set to write the screenshots into docs/images as well (otherwise only into tmp_path).
UPDATE_SCREENSHOTS = "WAGTAIL_DISCLOSURE_UPDATE_SCREENSHOTS"
#: The largest screenshot the docs take, in bytes.
SCREENSHOT_MAX_BYTES = 300_000


def screenshot(page, name: str, tmp_path, **options) -> Path:
    """A PNG of ``page`` (the viewport, 1280 px wide) in ``tmp_path``; copied to
    ``docs/images/<name>`` when ``$WAGTAIL_DISCLOSURE_UPDATE_SCREENSHOTS`` is set. Fails if
    the image is too large for the docs."""
    # Web fonts loaded; ``animations="disabled"`` finishes finite animations (fade-ins)
    # and cancels infinite ones before the shot.
    page.evaluate("document.fonts.ready")
    path = Path(tmp_path) / name
    page.screenshot(path=str(path), animations="disabled", **options)
    size = path.stat().st_size
    assert size < SCREENSHOT_MAX_BYTES, f"{name} is {size} bytes"
    if os.environ.get(UPDATE_SCREENSHOTS):
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        (DOCS_IMAGES / name).write_bytes(path.read_bytes())
    return path


def text_of(locator) -> str:
    """The visible text of ``locator`` (one element), whitespace collapsed."""
    return " ".join(locator.inner_text().split())


def row_texts(page, selector: str) -> list[str]:
    """The visible text of each element ``selector`` matches, whitespace collapsed."""
    return [" ".join(text.split()) for text in page.locator(selector).all_inner_texts()]


def line_count(locator) -> int:
    """How many lines the text of ``locator`` (one element) takes on the screen."""
    return locator.evaluate(
        """element => {
            const range = document.createRange();
            range.selectNodeContents(element);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            return tops.size;
        }"""
    )


def log_in_to(browser, base_url: str, path: str, username: str, password: str, locale="zh-CN"):
    """Log in through the admin login form, asked for by ``path`` (as when following a link
    to an admin page while logged out); returns the page, on ``path``."""
    from urllib.parse import quote

    page = new_page(browser, locale)
    page.goto(f"{base_url}/admin/login/?next={quote(path)}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert page.url == base_url + path, f"{username} could not log in: {page.url}"
    return page


class RequestsInFlight:
    """Counts the requests the live server is answering (Django's ``request_started`` and
    ``request_finished`` signals, sent in the server's threads). A thread kept for an idle
    keep-alive connection is not counted: it holds nothing."""

    def __init__(self):
        import threading

        self.count = 0
        self.changed = threading.Condition()

    def started(self, **kwargs):
        with self.changed:
            self.count += 1

    def finished(self, **kwargs):
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def __enter__(self):
        from django.core.signals import request_finished, request_started

        request_started.connect(self.started, dispatch_uid=id(self))
        request_finished.connect(self.finished, dispatch_uid=id(self))
        return self

    def __exit__(self, *exc_info):
        from django.core.signals import request_finished, request_started

        try:
            self.wait_until_none()
        finally:
            request_started.disconnect(dispatch_uid=id(self))
            request_finished.disconnect(dispatch_uid=id(self))

    def wait_until_none(self, timeout: float = 10.0) -> None:
        """A short pause lets a request already sent arrive; then wait for every one."""
        import time

        time.sleep(0.05)
        with self.changed:
            if not self.changed.wait_for(lambda: self.count <= 0, timeout):
                pytest.fail(f"the live server still answers {self.count} request(s)")


@contextmanager
def chromium_for_module(django_db_blocker):
    """:func:`chromium` for a module-scoped fixture of live-server tests, with
    ``DJANGO_ALLOW_ASYNC_UNSAFE`` set (Playwright's sync API keeps an event loop running in
    this thread; the ORM calls of the tests are still plain synchronous code).

    While a loop runs, Django's connections (an asgiref ``Local``, thread-critical) live in
    a context variable, not in the thread: the tests get a new connection object to the
    same test database, without the contents Django serialized when it created the
    database, and ``serialized_rollback`` would restore nothing after the first test. They
    are handed over to the new connections here. (A browser per test, launched after the
    restore, does not need this; ``tests/test_browser.py`` does that.)
    """
    from django.db import connections

    with django_db_blocker.unblock():
        serialized = {
            alias: connections[alias]._test_serialized_contents
            for alias in connections
            if hasattr(connections[alias], "_test_serialized_contents")
        }
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with chromium() as launched:
            with django_db_blocker.unblock():
                for alias, contents in serialized.items():
                    connections[alias]._test_serialized_contents = contents
            yield launched
