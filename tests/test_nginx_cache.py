"""Debian's nginx as a caching reverse proxy in front of the site (the configuration of
docs/production.md, ``benchmarks/nginx/proxy_cache.conf``), purged through Wagtail's
front-end cache (``HTTPBackend``, ``PURGE``, Debian's ``libnginx-mod-http-cache-purge``).

The site runs in pytest-django's live server with the URLs routed as the example site
routes them (``i18n_patterns``); nginx listens on loopback only, keeps its files under
``tmp_path`` and is stopped after the test. A missing nginx is a failure, not a skip:
``make test`` installs it.
"""

import http.client

import pytest
from django.test import Client

from benchmarks.nginx import INSTALL_HINT, Nginx, NginxMissing, free_port, proxy_cache_config
from tests.utils import (
    category_page,
    make_entry,
    make_section,
    publish_through_review,
    reviewer,
)
from wagtail_disclosure.models import DisclosureEntryPage, DisclosureRequestPage

pytestmark = [
    # The live server runs in another thread: the data must be committed. Transactional
    # flushes wipe the checklist migration rows and Wagtail's root page; restore them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.urls("tests.urls_i18n"),
    # One nginx start: `make test` runs it in one nox session (noxfile.py ONE_SESSION).
    pytest.mark.nginx,
]

HOST = "localhost"  # the default site's hostname: page URLs and purges use it


@pytest.fixture
def nginx(live_server, tmp_path, settings):
    """nginx on 127.0.0.1 in front of the live server; Wagtail purges through it."""
    upstream = live_server.url.split("//", 1)[1].replace("localhost", "127.0.0.1")
    port = free_port()
    try:
        config = proxy_cache_config(
            tmp_path / "nginx", port, upstream, session_cookie=settings.SESSION_COOKIE_NAME
        )
        server = Nginx(tmp_path / "nginx", port, config)
        server.start()
    except NginxMissing as exc:
        pytest.fail(f"{exc}. `make test` installs it ({INSTALL_HINT}).", pytrace=False)
    settings.WAGTAILFRONTENDCACHE = {
        "nginx": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{port}",
        }
    }
    try:
        assert "listen 127.0.0.1:" in config and str(tmp_path) in config
        yield server
    finally:
        server.stop()
    assert server.process.poll() is not None


def fetch(server, path, cookie=None):
    """GET ``path`` through nginx: (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = {"Host": HOST}
    if cookie:
        headers["Cookie"] = cookie
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()


def test_nginx_caches_the_public_pages_and_a_publish_purges_them(nginx):
    section = make_section()
    entry = make_entry(section, "basic", title="青岚大学章程")
    draft = make_entry(section, "basic", title="青岚大学学术委员会章程（修订）", publish=False)
    public = DisclosureEntryPage.objects.publicly_visible()
    assert public.filter(pk=entry.pk).exists() and not public.filter(pk=draft.pk).exists()
    catalogue, category = section.url, category_page(section, "basic").url
    assert catalogue == "/" and category != catalogue

    # Stored on the first request, then served by nginx.
    for path in (catalogue, category):
        status, headers, body = fetch(nginx, path)
        assert status == 200 and headers["X-Cache-Status"] == "MISS", (path, headers)
        assert "public" in headers["Cache-Control"] and "Set-Cookie" not in headers
        assert "青岚大学章程" in body and "学术委员会章程" not in body
        status, headers, body = fetch(nginx, path)
        assert status == 200 and headers["X-Cache-Status"] == "HIT", (path, headers)
        assert "学术委员会章程" not in body

    # A logged-in editor goes past the cache, and what they get is not stored.
    client = Client()
    client.force_login(reviewer())
    session = f"sessionid={client.cookies['sessionid'].value}"
    status, headers, body = fetch(nginx, catalogue, cookie=session)
    assert status == 200 and headers["X-Cache-Status"] == "BYPASS"
    assert "ETag" not in headers and "public" not in headers.get("Cache-Control", "")
    assert fetch(nginx, catalogue)[1]["X-Cache-Status"] == "HIT"

    # Publishing through the review purges the catalogue and the category page (in every
    # language): the next request reaches the site and shows the new entry.
    publish_through_review(draft)
    assert public.filter(pk=draft.pk).exists()
    for path in (catalogue, category):
        status, headers, body = fetch(nginx, path)
        assert status == 200 and headers["X-Cache-Status"] == "MISS", (path, headers)
        assert "青岚大学学术委员会章程（修订）" in body
        assert fetch(nginx, path)[1]["X-Cache-Status"] == "HIT"
    # The entry's own page was never cached; it is served and stored now.
    status, headers, body = fetch(nginx, draft.url)
    assert status == 200 and headers["X-Cache-Status"] == "MISS"

    # A page that sets a cookie (the application form's CSRF token) is never stored.
    form = DisclosureRequestPage(title="依申请公开", slug="apply")
    section.add_child(instance=form)
    form.save_revision().publish()
    for _ in range(2):
        status, headers, body = fetch(nginx, form.url)
        assert status == 200 and "csrfmiddlewaretoken" in body
        assert "csrftoken=" in headers["Set-Cookie"]
        assert headers["X-Cache-Status"] == "MISS", headers
    # The English catalogue, beside it, is stored as usual.
    assert fetch(nginx, "/en/")[1]["X-Cache-Status"] == "MISS"
    assert fetch(nginx, "/en/")[1]["X-Cache-Status"] == "HIT"
    assert "[emerg]" not in nginx.log_tail() and "[crit]" not in nginx.log_tail()
