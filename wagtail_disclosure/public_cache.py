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
import logging

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models import DateTimeField, F, Func, IntegerField, Subquery
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.crypto import salted_hmac
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from wagtail.models import ModelLogEntry, Page, PageViewRestriction

from .conf import get_setting

logger = logging.getLogger(__name__)

#: Request attribute holding the state computed for this request.
STATE_ATTRIBUTE = "_disclosure_content_state"
#: Response attribute: the response may be stored by shared caches.
PUBLIC_ATTRIBUTE = "_disclosure_public_cache"


def disclosure_page_models():
    from .models import (
        DisclosureCategoryPage,
        DisclosureEntryPage,
        DisclosureGuidePage,
        DisclosureIndexPage,
    )

    return [DisclosureIndexPage, DisclosureCategoryPage, DisclosureGuidePage, DisclosureEntryPage]


def catalogue_models():
    from .models import Checklist, ChecklistCategory, ChecklistItem, Department, ReleaseChannel

    return [Department, Checklist, ChecklistCategory, ChecklistItem, ReleaseChannel]


class _Max(Func):
    """``MAX(column)`` as a plain function: a scalar subquery, not a GROUP BY."""

    function = "MAX"


class _Count(Func):
    template = "COUNT(*)"

    def __init__(self, **extra):
        super().__init__(output_field=IntegerField(), **extra)


def _scalar(queryset, expression):
    return Subquery(queryset.order_by().annotate(_value=expression).values("_value")[:1])


STATE_FIELDS = (
    "pages_published",
    "pages",
    "pages_live",
    "reviewed",
    "departments",
    "departments_last_id",
    "edited",
    "restrictions",
    "restrictions_last_id",
)
#: The fields of the state that are timestamps.
STATE_TIMES = ("pages_published", "reviewed", "edited")
#: The state query's SQL and parameters, per database alias: built once per process (it
#: names content type ids, so it is built again after a migrate or flush).
_STATE_SQL = {}


def _state_queryset():
    from .models import Department, EntryReview

    page_types = Page.objects.type(*disclosure_page_models())
    logged_types = list(ContentType.objects.get_for_models(*catalogue_models()).values())
    edits = ModelLogEntry.objects.filter(content_type__in=logged_types)
    when = DateTimeField()
    return (
        # Any single row serves as the anchor; the tree root always exists.
        Page.objects.filter(depth=1)
        .order_by()
        .annotate(
            pages_published=_scalar(page_types, _Max(F("last_published_at"), output_field=when)),
            pages=_scalar(page_types, _Count()),
            pages_live=_scalar(page_types.filter(live=True), _Count()),
            reviewed=_scalar(
                EntryReview.objects.all(), _Max(F("state_changed_at"), output_field=when)
            ),
            departments=_scalar(Department.objects.all(), _Count()),
            departments_last_id=_scalar(
                Department.objects.all(), _Max(F("pk"), output_field=IntegerField())
            ),
            edited=_scalar(edits, _Max(F("timestamp"), output_field=when)),
            restrictions=_scalar(PageViewRestriction.objects.all(), _Count()),
            restrictions_last_id=_scalar(
                PageViewRestriction.objects.all(),
                _Max(F("pk"), output_field=IntegerField()),
            ),
        )
        .values(*STATE_FIELDS)[:1]
    )


def _as_datetime(value):
    """A timestamp as the database returns it to a plain cursor: SQLite gives text."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime.datetime) and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def forget_state_query(**kwargs):
    """``post_migrate`` receiver: content type ids may have changed."""
    _STATE_SQL.clear()


def content_state():
    """The state of everything the public pages and the public API show, in one query.

    * disclosure pages (sections, categories, guides, entries): the latest publication, and
      how many exist and are live, so publishing, unpublishing and deleting change it;
    * reviews: the latest state change, so withdrawing (withheld or not) changes it;
    * departments and the checklist: how many departments there are, and the latest admin
      edit of a department, checklist, category, item or release channel (Wagtail logs
      every edit made in the admin);
    * view restrictions, which change what is public.

    The query's SQL is built once per process and database (building it is most of the
    cost of a ``304``); every call runs it.
    """
    alias = router.db_for_read(Page)
    compiled = _STATE_SQL.get(alias)
    if compiled is None:
        compiled = _state_queryset().query.get_compiler(using=alias).as_sql()
        _STATE_SQL[alias] = compiled
    sql, params = compiled
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return {}
    state = dict(zip(STATE_FIELDS, row, strict=True))
    for name in STATE_TIMES:
        state[name] = _as_datetime(state[name])
    return state


def last_modified_of(state):
    """The latest of the state's timestamps (an aware datetime), or None."""
    stamps = [
        value
        for key in ("pages_published", "reviewed", "edited")
        if isinstance(value := state.get(key), datetime.datetime)
    ]
    if not stamps:
        return None
    stamps = [s if timezone.is_aware(s) else timezone.make_aware(s, datetime.UTC) for s in stamps]
    return max(stamps)


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


def may_share(request):
    """Whether the answer to ``request`` is the same for everyone who could send it."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and url_decides_language(request)
    )


def _restricted(page, state):
    """Whether a view restriction applies to ``page`` (only asked when any exists)."""
    return bool(state.get("restrictions")) and page.get_view_restrictions().exists()


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
