"""The public pages are cacheable (``wagtail_disclosure.public_cache``): no CSRF token or
cookie, validators, ``304`` before rendering, ``Cache-Control: public``, a minimal
``Vary``, nothing shared for logged-in staff, and a purge of every page a publication
changes. With the URLs routed as the example site routes them (``i18n_patterns``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.contrib.frontend_cache.backends.base import BaseBackend

from tests.utils import category_page, make_department, make_entry, make_section, reviewer
from wagtail_disclosure.models import Department, DisclosureEntryPage, DisclosureRequestPage
from wagtail_disclosure.workflow import take_transition

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.urls_i18n")]


@pytest.fixture(autouse=True)
def _chinese():
    """Page URLs are computed in the default language (no /en/ prefix), whatever an
    earlier test of the process left active."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def site(db):
    section = make_section()
    entry = make_entry(section, "basic", title="青岚大学章程")
    hidden = make_entry(section, "basic", title="未发布的草稿", publish=False)
    public = DisclosureEntryPage.objects.publicly_visible()
    assert public.filter(pk=entry.pk).exists() and not public.filter(pk=hidden.pk).exists()
    return {"section": section, "entry": entry, "hidden": hidden}


def builds_catalogue(query):
    """The catalogue's counts per item (one aggregate over the entries, on every database)."""
    return "GROUP BY" in query["sql"] and "checklist_item_id" in query["sql"]


def public_urls(site):
    section, entry = site["section"], site["entry"]
    return [
        section.url,
        category_page(section, "basic").url,
        entry.url,
        f"{section.url}search/?q=章程",
    ]


def test_public_pages_carry_validators_and_no_cookie(client, site):
    for url in public_urls(site):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "csrfmiddlewaretoken" not in html and not response.cookies, url
        assert response["ETag"].startswith('"') and response["Last-Modified"], url
        assert response["Cache-Control"] == "public, max-age=60", url
        assert "Vary" not in response, (url, response.get("Vary"))
    page = client.get(site["section"].url).content.decode()
    # The language switch is made of links, one per language.
    assert 'href="/en/"' in page and 'hreflang="en"' in page


def test_a_current_copy_is_answered_304_before_rendering(client, site):
    url = site["entry"].url
    with CaptureQueriesContext(connection) as full:
        first = client.get(url)
    with CaptureQueriesContext(connection) as conditional:
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"] and "public" in again["Cache-Control"]
    # The one query of the content state: the URL is not even routed.
    assert len(full) > 5
    assert len(conditional) == 1 and "MAX(" in conditional.captured_queries[0]["sql"]
    # The catalogue: routing and the state only; none of its own queries run.
    section = site["section"].url
    etag = client.get(section)["ETag"]
    with CaptureQueriesContext(connection) as catalogue:
        current = client.get(section, HTTP_IF_NONE_MATCH=etag)
    assert current.status_code == 304
    assert not any("checklistitem" in q["sql"] for q in catalogue.captured_queries)
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_publishing_changes_the_validators(client, site):
    url = site["section"].url
    before = client.get(url)["ETag"]
    from tests.utils import publish_through_review

    publish_through_review(site["hidden"])
    assert DisclosureEntryPage.objects.publicly_visible().filter(pk=site["hidden"].pk).exists()
    after = client.get(url, HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and after["ETag"] != before
    assert "未发布的草稿" in after.content.decode()


def test_each_language_has_its_own_url_and_etag(client, site):
    chinese = client.get(site["section"].url)
    english = client.get("/en" + site["section"].url)
    assert '<html lang="zh-hans">' in chinese.content.decode()
    assert '<html lang="en">' in english.content.decode()
    assert chinese["ETag"] != english["ETag"] and "public" in english["Cache-Control"]


def test_staff_and_unpublished_pages_are_not_shared(client, site):
    assert client.get(site["hidden"].url).status_code == 404
    missing = client.get(site["hidden"].url)
    assert "ETag" not in missing and "public" not in missing.get("Cache-Control", "")
    client.force_login(reviewer())
    staff = client.get(site["section"].url)
    assert staff.status_code == 200 and "ETag" not in staff
    assert "public" not in staff.get("Cache-Control", "")


def test_the_application_form_is_not_shared(client, site):
    page = DisclosureRequestPage(title="依申请公开", slug="apply")
    site["section"].add_child(instance=page)
    page.save_revision().publish()
    response = client.get(page.url)
    assert response.status_code == 200 and "csrfmiddlewaretoken" in response.content.decode()
    assert "public" not in response.get("Cache-Control", "") and "ETag" not in response


class RecordingBackend(BaseBackend):
    """A stand-in for a CDN: records the URLs it is asked to purge."""

    purged = []

    def purge(self, url):
        self.purged.append(url)


def test_publication_and_catalogue_edits_purge_every_language(
    site, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILFRONTENDCACHE = {"test": {"BACKEND": "tests.test_page_cache.RecordingBackend"}}
    RecordingBackend.purged.clear()
    section, entry = site["section"], site["entry"]
    category = category_page(section, "basic")
    with django_capture_on_commit_callbacks(execute=True):
        take_transition(entry, "withdraw", reviewer(), comment="已失效")
    for page in (entry, category, section):
        with translation.override("zh-hans"):
            url = page.url
        for prefix in ("", "/en"):
            assert f"http://localhost{prefix}{url}" in RecordingBackend.purged, (
                prefix,
                url,
                RecordingBackend.purged,
            )
    RecordingBackend.purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Department.objects.filter(pk=make_department("CWC", "财务处").pk).first().save()
    with translation.override("zh-hans"):
        category_url, section_url = category.url, section.url
    assert f"http://localhost/en{category_url}" in RecordingBackend.purged
    assert f"http://localhost{section_url}" in RecordingBackend.purged


def test_the_rendered_catalogue_is_kept_until_the_content_changes(client, site):
    """For a logged-in editor too (no HTTP caching): the second rendering of the catalogue
    runs none of its queries; a publication makes a new key, and the new entry shows."""
    client.force_login(reviewer())
    url = site["section"].url
    with CaptureQueriesContext(connection) as cold:
        assert "青岚大学章程" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as warm:
        again = client.get(url)
    assert again.status_code == 200 and "青岚大学章程" in again.content.decode()
    # The catalogue's own queries (items with their counts, the latest entries per item)
    # are not run again.
    assert any(builds_catalogue(q) for q in cold.captured_queries)
    assert not any(builds_catalogue(q) for q in warm.captured_queries)
    assert len(warm) <= len(cold) - 3
    from tests.utils import publish_through_review

    publish_through_review(site["hidden"])
    assert "未发布的草稿" in client.get(url).content.decode()


def test_the_catalogue_cache_can_be_turned_off(client, site, settings):
    settings.WAGTAIL_DISCLOSURE_CATALOGUE_CACHE_SECONDS = 0
    settings.WAGTAIL_DISCLOSURE_PAGE_SERVER_CACHE_SECONDS = 0
    url = site["section"].url
    client.get(url)
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    assert any(builds_catalogue(q) for q in again.captured_queries)


# --- the server's page cache (PublicPageCacheMiddleware) ------------------------------------


def test_a_public_page_is_served_again_from_the_server_cache(client, site):
    """The second visitor of a URL gets the same bytes and headers for one query (the
    content state), before Wagtail routes the URL."""
    for url in public_urls(site):
        first = client.get(url)
        with CaptureQueriesContext(connection) as again_queries:
            again = client.get(url)
        assert again.status_code == 200 and again.content == first.content, url
        for header in ("ETag", "Last-Modified", "Cache-Control", "Content-Type"):
            assert again[header] == first[header], (url, header)
        assert not again.cookies and "Vary" not in again, url
        assert len(again_queries) == 1, (url, [q["sql"][:80] for q in again_queries])


def test_a_publication_or_a_withdrawal_shows_at_the_next_request(client, site):
    from tests.utils import publish_through_review

    section, entry = site["section"].url, site["entry"]
    assert "未发布的草稿" not in client.get(section).content.decode()
    client.get(entry.url)
    publish_through_review(site["hidden"])
    assert "未发布的草稿" in client.get(section).content.decode()
    take_transition(entry, "withdraw", reviewer(), comment="已失效")
    # A withdrawn entry stays readable, marked as such, but leaves the catalogue.
    assert not DisclosureEntryPage.objects.current().filter(pk=entry.pk).exists()
    assert "青岚大学章程" not in client.get(section).content.decode()
    assert "已失效" in client.get(entry.url).content.decode()


def test_nothing_restricted_or_personal_comes_from_the_server_cache(client, site):
    from django.contrib.messages.storage.cookie import CookieStorage
    from wagtail.models import PageViewRestriction

    url = site["entry"].url
    assert client.get(url).status_code == 200 and client.get(url).status_code == 200
    # A logged-in editor is served a page of their own, never the stored one.
    client.force_login(reviewer())
    staff = client.get(url)
    assert "ETag" not in staff and "public" not in staff.get("Cache-Control", "")
    client.logout()
    # A visitor with a message waiting is not given the stored page (without the message).
    client.cookies[CookieStorage.cookie_name] = "pending"
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) > 1
    del client.cookies[CookieStorage.cookie_name]
    # A view restriction added afterwards applies at once.
    PageViewRestriction.objects.create(
        page=site["entry"], restriction_type=PageViewRestriction.LOGIN
    )
    restricted = client.get(url)
    assert restricted.status_code == 302 and "login" in restricted["Location"]
    assert client.get(url).status_code == 302


def test_each_host_and_query_has_its_own_copy(client, site, settings):
    settings.ALLOWED_HOSTS = ["*"]
    url = f"{site['section'].url}search/?q=章程"
    found = client.get(url)
    other_query = client.get(f"{site['section'].url}search/?q=不存在的词语")
    # The search box repeats the query: each URL has its own page.
    assert "不存在的词语" in other_query.content.decode()
    assert "不存在的词语" not in found.content.decode()
    assert client.get(url).content == found.content
    # Another host may be another site: it is routed by Wagtail, not given localhost's copy.
    with CaptureQueriesContext(connection) as elsewhere:
        client.get(site["section"].url, HTTP_HOST="unknown.example")
    assert len(elsewhere) > 1


def test_head_and_the_setting_off_bypass_the_server_cache(client, site, settings):
    url = site["section"].url
    client.get(url)
    with CaptureQueriesContext(connection) as head:
        assert client.head(url).status_code == 200
    assert len(head) > 1
    settings.WAGTAIL_DISCLOSURE_PAGE_SERVER_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as off:
        client.get(url)
    assert len(off) > 1


def test_the_daily_run_prunes_the_log_of_public_changes(client, site):
    """A change is one INSERT (no pruning in between, so a transition's queries do not
    vary); the daily run keeps the latest ``PublicChange.KEEP`` rows, and the state (read
    from the latest rows) is unchanged by it."""
    from django.core.management import call_command

    from wagtail_disclosure.models import PublicChange
    from wagtail_disclosure.public_cache import content_state

    PublicChange.objects.bulk_create(PublicChange(reason="test") for _ in range(PublicChange.KEEP))
    latest = PublicChange.objects.order_by("-pk").first().pk
    before = content_state()
    call_command("disclosure_request_reminders", verbosity=0)
    assert PublicChange.objects.count() == PublicChange.KEEP
    assert PublicChange.objects.order_by("-pk").first().pk == latest
    assert not PublicChange.objects.filter(pk__lte=latest - PublicChange.KEEP).exists()
    assert content_state() == before
