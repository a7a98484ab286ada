"""HTTP caching of the public pages: validators, ``304 Not Modified``, ``Cache-Control``.

The catalogue, category, entry, guide and report pages (and the section's search) are the
same for every visitor who is not logged in, as long as the URL decides the language
(``i18n_patterns``, docs/performance.md#cacheable-pages). Such a request is answered:

* with an ``ETag`` and a ``Last-Modified`` computed from :func:`content_state`, one query
  of scalar aggregates over everything a public page shows (pages, reviews, departments,
  the checklist, view restrictions), so every worker of every server agrees without
  sharing memory;
* ``304 Not Modified`` when the visitor's validators still match, **before** the page is
  rendered (the page's own queries are not run);
* with ``Cache-Control: public, max-age=N`` (``WAGTAIL_DISCLOSURE_PAGE_CACHE_MAX_AGE``), so
  a reverse proxy cache (nginx, Varnish) or a CDN may keep it; Wagtail's front-end cache
  purge (:func:`purge_public_pages`) removes what a publication changes.

A request that carries a session cookie (a logged-in editor) or whose language comes from a
cookie or ``Accept-Language`` (no language prefix in the URL) is served as before, with no
public caching. A response that sets a cookie (a CSRF token, a message) is never marked
public, whatever the page: ``PublicPageCacheMiddleware`` checks that last.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import threading
from collections import OrderedDict

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.cache import caches
from django.db import connections, router
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.crypto import salted_hmac
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from wagtail.models import ModelLogEntry, Page, PageLogEntry, PageViewRestriction

from .conf import get_setting

logger = logging.getLogger(__name__)

#: Request attribute holding the state computed for this request.
STATE_ATTRIBUTE = "_disclosure_content_state"
#: Response attribute: the response may be stored by shared caches.
PUBLIC_ATTRIBUTE = "_disclosure_public_cache"


def catalogue_models():
    from .models import Checklist, ChecklistCategory, ChecklistItem, Department, ReleaseChannel

    return [Department, Checklist, ChecklistCategory, ChecklistItem, ReleaseChannel]


# --- the content state ----------------------------------------------------------------------

#: How many of the latest changes the state is computed from: a change whose transaction
#: commits after this many later changes have committed would go unseen (until the next
#: change or the next day).
STATE_WINDOW = 256
STATE_FIELDS = ("changes", "change_sum", "last_change", "changed_at", "pages", "logged", "edited")
#: The state query's SQL, per database alias (built once per process).
_STATE_SQL = {}


def _state_sql(alias):
    from .models import PublicChange

    # Only quoted table and column names of our models go into the text; no input does.
    quote = connections[alias].ops.quote_name

    def latest_id(model):
        return f"(SELECT MAX({quote('id')}) FROM {quote(model._meta.db_table)})"  # noqa: S608

    pk, at = quote("id"), quote("at")
    changes = quote(PublicChange._meta.db_table)
    latest = ", ".join(latest_id(model) for model in (Page, PageLogEntry, ModelLogEntry))
    recent = f"SELECT {pk}, {at} FROM {changes} ORDER BY {pk} DESC LIMIT {STATE_WINDOW}"  # noqa: S608
    return (
        f"SELECT COUNT(*), COALESCE(SUM(recent.{pk}), 0), MAX(recent.{pk}), MAX(recent.{at}), "  # noqa: S608
        f"{latest} FROM ({recent}) recent"
    )


def _as_datetime(value):
    """A timestamp as the database returns it to a plain cursor: SQLite gives text."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime.datetime) and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def forget_state_query(**kwargs):
    """``post_migrate`` receiver: table names may have changed."""
    _STATE_SQL.clear()


def content_state():
    """The state of everything the public pages and the public API show, in one query that
    reads a few index entries, however many entries the site holds:

    * the latest rows of ``PublicChange``: every change of what is public adds one, in its
      own transaction (:func:`record_public_change`, called by the signal receivers of
      :func:`connect_public_changes`: pages saved, published, unpublished, moved or
      deleted; reviews; view restrictions; departments and the checklist; documents;
      sites and settings). Their number, sum and latest id change whenever one more
      commits, in whatever order transactions commit;
    * as a safety net for writes that send no signal, the latest id of the pages and of
      Wagtail's log entries (every admin action and every import logs one);
    * the date, so that nothing kept shows yesterday's view of what is current.
    """
    alias = router.db_for_read(Page)
    sql = _STATE_SQL.get(alias)
    if sql is None:
        sql = _STATE_SQL[alias] = _state_sql(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    if row is None:
        return {}
    state = dict(zip(STATE_FIELDS, row, strict=True))
    state["changed_at"] = _as_datetime(state["changed_at"])
    # Pages say what is current today (validity, deadlines): a new day is a new state.
    state["day"] = timezone.localdate().isoformat()
    return state


def record_public_change(reason="", items=None):
    """Add a ``PublicChange`` row in the current transaction (so the new state shows once
    it commits): one for each checklist item of ``items`` whose entries changed, or one
    for any change (``items=None``). One query for a change of one item: the rows the
    state no longer reads are pruned by the daily run (:func:`prune_public_changes`)."""
    from .models import PublicChange

    for item in items or [None]:
        PublicChange.objects.create(reason=str(reason)[:100], item=item)


def changed_items(instance):
    """The checklist items whose public entries a save or delete of ``instance`` may
    change, or ``None`` when it may change any: an entry's item (and the one it had, when
    it moves to another), the item of a review's entry when the review has it at hand."""
    from .models import DisclosureEntryPage, EntryReview

    if isinstance(instance, DisclosureEntryPage):
        items = {instance.checklist_item_id, *getattr(instance, "_checklist_items_before", ())}
    elif isinstance(instance, EntryReview) and EntryReview.page.is_cached(instance):
        items = {instance.page.checklist_item_id}
    else:
        return None
    return None if None in items else sorted(items)


def prune_public_changes():
    """Delete all but the latest ``PublicChange.KEEP`` rows (the state reads the latest
    ``STATE_WINDOW``); called by the daily run. Returns how many were deleted."""
    from .models import PublicChange

    latest = PublicChange.objects.order_by("-pk").values_list("pk", flat=True).first()
    if latest is None:
        return 0
    deleted, _ = PublicChange.objects.filter(pk__lte=latest - PublicChange.KEEP).delete()
    return deleted


def _public_content_models():
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.documents.models import AbstractDocument
    from wagtail.images.models import AbstractImage
    from wagtail.models import CollectionViewRestriction, Locale, Site

    from .models import EntryReview

    return (
        Page,
        EntryReview,
        PageViewRestriction,
        CollectionViewRestriction,
        Site,
        Locale,
        AbstractDocument,
        AbstractImage,
        BaseSiteSetting,
        BaseGenericSetting,
        *catalogue_models(),
    )


_PUBLIC_CONTENT = []


def is_public_content(instance):
    """Whether a save or delete of ``instance`` may change a public page or API answer."""
    if not _PUBLIC_CONTENT:
        _PUBLIC_CONTENT.append(_public_content_models())
    return isinstance(instance, _PUBLIC_CONTENT[0])


def content_saved_or_deleted(sender, instance, raw=False, **kwargs):
    """``post_save`` / ``post_delete`` receiver (any model): records a public change when
    ``instance`` is public content. A tag rename changes the entries that show it too.
    Fixture and backup loads (``raw``) record one change at the end instead."""
    if raw:
        return
    if is_public_content(instance) or sender._meta.label_lower == "taggit.tag":
        record_public_change(f"{sender._meta.label_lower} {instance.pk}", changed_items(instance))


def page_changed(sender, instance=None, **kwargs):
    """``page_published`` / ``page_unpublished`` / ``post_page_move`` receiver."""
    page = instance if instance is not None else kwargs.get("page")
    # An entry moved to another section changes the figures of its item in both.
    record_public_change(f"page {getattr(page, 'pk', '')}", changed_items(page))


def connect_public_changes():
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    post_save.connect(content_saved_or_deleted, dispatch_uid="wagtail_disclosure_change_saved")
    post_delete.connect(content_saved_or_deleted, dispatch_uid="wagtail_disclosure_change_deleted")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(page_changed, dispatch_uid=f"wagtail_disclosure_change_{id(signal)}")


def last_modified_of(state):
    """The time of the latest public change (an aware datetime), or None."""
    value = state.get("changed_at")
    if not isinstance(value, datetime.datetime):
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)


def request_state(request):
    """The content state, computed once per request."""
    state = getattr(request, STATE_ATTRIBUTE, None)
    if state is None:
        state = content_state()
        setattr(request, STATE_ATTRIBUTE, state)
    return state


def state_etag(request, state, *extra):
    """An ETag value (unquoted) for ``request``'s full path in the active language.

    Keyed with the site's secret (``salted_hmac``): nobody can work out the ETag of a page
    they were never served, so a conditional request cannot probe whether a hidden URL
    exists (a 304 instead of a 404)."""
    fingerprint = "|".join(
        [
            request.get_full_path(),
            get_language() or "",
            *map(str, extra),
            *(f"{key}={state[key]}" for key in sorted(state)),
        ]
    )
    return salted_hmac("wagtail_disclosure.etag", fingerprint, algorithm="sha256").hexdigest()[:32]


# --- pages ---------------------------------------------------------------------------------


def url_decides_language(request):
    """Whether the language of ``request`` comes from its URL alone: the site routes its
    pages with ``i18n_patterns`` (the default language may be unprefixed)."""
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    used, _prefixed_default = is_language_prefix_patterns_used(urlconf)
    return used


def _private_cookies():
    """Cookies that make a page personal: the session, and Django's messages cookie (a
    message waiting to be shown, e.g. after a form was sent)."""
    from django.contrib.messages.storage.cookie import CookieStorage

    return (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)


def may_share(request):
    """Whether the answer to ``request`` is the same for everyone who could send it."""
    return (
        request.method in ("GET", "HEAD")
        and not any(name in request.COOKIES for name in _private_cookies())
        and url_decides_language(request)
    )


def _restricted(page, state):
    """Whether a view restriction applies to ``page``."""
    return page.get_view_restrictions().exists()


def mark_public(response, etag, last_modified):
    max_age = get_setting("PAGE_CACHE_MAX_AGE")
    response["ETag"] = quote_etag(etag)
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    if max_age:
        patch_cache_control(response, public=True, max_age=int(max_age))
    else:
        patch_cache_control(response, public=True, no_cache=True)
    setattr(response, PUBLIC_ATTRIBUTE, True)
    return response


def serve_cacheable(page, request, serve, *args, **kwargs):
    """Serve ``page`` through ``serve`` (its own ``serve``), with validators and a public
    ``Cache-Control`` when :func:`may_share` allows; ``304`` before rendering when the
    visitor's copy is current. Called by ``PublicCacheMixin.serve``."""
    if getattr(request, "is_preview", False) or not may_share(request):
        return serve(request, *args, **kwargs)
    state = request_state(request)
    if _restricted(page, state):
        return serve(request, *args, **kwargs)
    etag = state_etag(request, state, page.pk, get_setting("PAGE_CACHE_VERSION") or "")
    last_modified = last_modified_of(state)
    timestamp = int(last_modified.timestamp()) if last_modified else None
    not_modified = get_conditional_response(request, etag=quote_etag(etag), last_modified=timestamp)
    if not_modified is not None:
        if not_modified.status_code == 304:
            return mark_public(not_modified, etag, last_modified)
        return not_modified
    response = serve(request, *args, **kwargs)
    if response.status_code == 200:
        mark_public(response, etag, last_modified)
    return response


def finish_public_response(response):
    """Called last on the way out (``PublicPageCacheMiddleware``): a response that sets a
    cookie is made private; a public one gets the configured ``Vary`` only."""
    if not getattr(response, PUBLIC_ATTRIBUTE, False):
        return response
    if response.cookies:
        logger.warning("A public page set a cookie (%s): not cached", ", ".join(response.cookies))
        for header in ("ETag", "Last-Modified", "Cache-Control"):
            if response.has_header(header):
                del response[header]
        patch_cache_control(response, private=True, no_cache=True)
        setattr(response, PUBLIC_ATTRIBUTE, False)
        return response
    vary = list(get_setting("PAGE_CACHE_VARY") or ())
    if vary:
        response["Vary"] = ", ".join(vary)
    elif response.has_header("Vary"):
        del response["Vary"]
    return response


def catalogue_cache_key(page, request):
    """The key part of a section's rendered catalogue in Django's cache, or ``None`` when
    ``WAGTAIL_DISCLOSURE_CATALOGUE_CACHE_SECONDS`` is 0: the content state (one query,
    shared with the page's validators), the host and the language. A publication, a
    withdrawal or an edit of the checklist or a department changes it."""
    if not get_setting("CATALOGUE_CACHE_SECONDS") or getattr(request, "is_preview", False):
        return None
    return state_etag(request, request_state(request), page.pk, request.get_host())


# --- the server's page cache (PublicPageCacheMiddleware) -----------------------------------
#
# A response marked public is also kept in Django's cache, under a key made of the host,
# the full path, the Vary headers' values and the content state: the next request for the
# same URL, from anyone who may share it, is answered from there (or ``304``) by the
# middleware before Wagtail routes it, at the cost of the state query. A publication, a
# withdrawal, a catalogue edit or a new day makes a new state, hence new keys: nothing is
# purged, stale copies expire (``WAGTAIL_DISCLOSURE_PAGE_SERVER_CACHE_SECONDS``).

#: Paths answered with a public page lately, per host (only a hint: without it the state
#: query is not run for URLs that are never public, e.g. the API or documents).
_PUBLIC_PATHS = OrderedDict()
_PUBLIC_PATHS_MAX = 5000
_PUBLIC_PATHS_LOCK = threading.Lock()
#: Headers of a stored response that are replayed (Set-Cookie never is: such a response is
#: not public).
_STORED_HEADERS_SKIP = frozenset({"set-cookie", "date"})


def _server_cache():
    seconds = get_setting("PAGE_SERVER_CACHE_SECONDS")
    if not seconds:
        return None, 0
    return caches[get_setting("PAGE_SERVER_CACHE_ALIAS")], int(seconds)


def _path_hint(request):
    try:
        return (request.get_host(), request.get_full_path())
    except Exception:  # DisallowedHost: Django answers it, not the cache
        return None


def server_cache_key(request, state, kind="page", *extra):
    """The key of ``request``'s page (or API answer, ``kind="api"``) in the server cache for
    ``state``. The package's version is part of it: after an upgrade nothing an older
    version rendered is served from a cache that outlived the restart (Redis)."""
    from . import __version__

    vary = [request.headers.get(name, "") for name in get_setting("PAGE_CACHE_VARY") or ()]
    fingerprint = "|".join(
        [
            __version__,
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            str(get_setting("PAGE_CACHE_VERSION") or ""),
            *vary,
            *map(str, extra),
            *(f"{key}={state[key]}" for key in sorted(state)),
        ]
    )
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()[:40]
    return f"wagtail_disclosure.{kind}:{digest}"


def server_cache():
    """``(cache, seconds)`` of the server cache, or ``(None, 0)`` when it is off
    (``WAGTAIL_DISCLOSURE_PAGE_SERVER_CACHE_SECONDS = 0``)."""
    return _server_cache()


def cached_page_response(request):
    """The stored answer to ``request`` (``304`` when its validators match), or ``None``.

    Runs the state query only for a GET that may be shared, to a URL that was answered with
    a public page lately in this process."""
    cache, _seconds = _server_cache()
    if cache is None or request.method != "GET" or not may_share(request):
        return None
    hint = _path_hint(request)
    if hint is None or hint not in _PUBLIC_PATHS:
        return None
    stored = cache.get(server_cache_key(request, request_state(request)))
    if stored is None:
        return None
    status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    setattr(response, PUBLIC_ATTRIBUTE, True)
    last_modified = response.get("Last-Modified")
    not_modified = get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=_timestamp(last_modified) if last_modified else None,
        response=response,
    )
    if not_modified is not None and not_modified is not response:
        setattr(not_modified, PUBLIC_ATTRIBUTE, not_modified.status_code == 304)
        return not_modified
    return response


def _timestamp(http_date_value):
    from django.utils.http import parse_http_date_safe

    return parse_http_date_safe(http_date_value)


def store_page_response(request, response):
    """Keep ``response`` (a public ``200`` to a GET, already finished) in the server cache."""
    cache, seconds = _server_cache()
    if (
        cache is None
        or request.method != "GET"
        or response.status_code != 200
        or response.streaming
        or not getattr(response, PUBLIC_ATTRIBUTE, False)
        or response.cookies
    ):
        return
    state = getattr(request, STATE_ATTRIBUTE, None)
    hint = _path_hint(request)
    if state is None or hint is None:
        return
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in _STORED_HEADERS_SKIP
    ]
    cache.set(
        server_cache_key(request, state), (response.status_code, headers, response.content), seconds
    )
    with _PUBLIC_PATHS_LOCK:
        _PUBLIC_PATHS[hint] = True
        _PUBLIC_PATHS.move_to_end(hint)
        while len(_PUBLIC_PATHS) > _PUBLIC_PATHS_MAX:
            _PUBLIC_PATHS.popitem(last=False)


# --- purging a front-end cache (wagtail.contrib.frontend_cache) ---------------------------


def page_urls_in_every_language(pages):
    """The full URLs of ``pages`` in each language of ``LANGUAGES`` (with ``i18n_patterns``
    each language has its own URL; without, the one URL)."""
    urls = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for page in pages:
                url = page.get_full_url()
                if url and url not in urls:
                    urls.append(url)
    return urls


def public_pages_of_entry(entry):
    """The pages whose HTML changes when ``entry`` is published, withdrawn or withheld: the
    entry, its category page and its section (the catalogue)."""
    pages = [entry]
    parent = entry.get_parent()
    if parent is not None:
        pages.append(parent.specific_deferred)
    section = getattr(entry, "section", None)
    if section is not None and section not in pages:
        pages.append(section)
    return pages


def purge_public_pages(pages):
    """Purge ``pages`` (every language) from the front-end cache, if the site uses one."""
    from django.apps import apps

    if not apps.is_installed("wagtail.contrib.frontend_cache"):
        return
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    urls = page_urls_in_every_language(pages)
    if urls:
        purge_urls_from_cache(urls)


def purge_every_section():
    """After a department or checklist edit: every section and category page, which show
    departments and items."""
    from .models import DisclosureCategoryPage, DisclosureIndexPage

    pages = list(DisclosureIndexPage.objects.live()) + list(DisclosureCategoryPage.objects.live())
    purge_public_pages(pages)
