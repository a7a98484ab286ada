"""HTTP caching of the public API: validators, conditional GET, Cache-Control, purging.

Every public GET answers with an ``ETag`` and a ``Last-Modified`` derived from the
database by :func:`content_state`, one query of scalar aggregates, so that every worker
of every server computes the same validators without sharing memory. A conditional
request (``If-None-Match`` / ``If-Modified-Since``) whose validators still match is
answered ``304 Not Modified`` before the body is built (Django's ``condition``).

What the state covers (docs/api.md#caching):

* disclosure pages (sections, categories, guides, entries): the latest publication, and
  how many exist and are live, so publishing, unpublishing and deleting change it;
* reviews: the latest state change, so withdrawing (withheld or not) changes it;
* departments and the checklist: how many departments there are, and the latest admin
  edit of a department, checklist, category, item or release channel (Wagtail logs every
  edit made in the admin);
* view restrictions, which change what is public.

The ETag adds the full path with its query string and the active language, since the
same state gives a different body for other parameters or another language.

The answers themselves are kept in the server cache of the public pages
(``WAGTAIL_DISCLOSURE_PAGE_SERVER_CACHE_SECONDS``), under a key made of the scheme, the
host, the full path, the language and the same state: after the rate limit and the state
query, the same request is answered from there, without building the answer again. The
answers of the public API do not depend on who asks, so every client shares them.
"""

from functools import wraps

from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import condition

from ..conf import get_setting
from ..public_cache import (  # noqa: F401 - content_state is documented here too
    content_state,
    last_modified_of,
    request_state,
    server_cache,
    server_cache_key,
    state_etag,
)
from .throttling import check_rate


def etag_for(request, *args, **kwargs):
    return state_etag(request, request_state(request))


def last_modified_for(request, *args, **kwargs):
    return last_modified_of(request_state(request))


CACHEABLE_STATUSES = (200, 304)
#: Headers of an answer that are not kept with it (the cookies: an answer that sets one is
#: not kept at all).
STORED_HEADERS_SKIP = frozenset({"set-cookie", "date"})


def kept(run):
    """``run`` with its ``200`` answers kept in the server cache, keyed by the request and
    the content state (already read for the validators: no extra query)."""

    @wraps(run)
    def answer(request, *args, **kwargs):
        cache, seconds = server_cache()
        if cache is None or request.method != "GET":
            return run(request, *args, **kwargs)
        key = server_cache_key(request, request_state(request), "api", get_language() or "")
        stored = cache.get(key)
        if stored is not None:
            headers, content = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return response
        response = run(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in STORED_HEADERS_SKIP
            ]
            cache.set(key, (headers, response.content), seconds)
        return response

    return answer


def cached_public_get(run):
    """Wrap a ninja operation's ``run`` (``ninja.decorators.decorate_view``).

    Checks the rate limit first, then answers a conditional request from the validators
    alone, then a request answered lately from the server cache (:func:`kept`), and
    marks successful answers as publicly cacheable for
    ``WAGTAIL_DISCLOSURE_API_CACHE_MAX_AGE`` seconds.
    """
    # ``run`` is the ninja operation's own method: the operation knows the API it serves.
    operation = run.__self__
    conditional = condition(etag_func=etag_for, last_modified_func=last_modified_for)(kept(run))

    @wraps(run)
    def view(request, *args, **kwargs):
        throttled = check_rate(request, operation.api)
        if throttled is not None:
            return throttled
        response = conditional(request, *args, **kwargs)
        if response.status_code in CACHEABLE_STATUSES:
            max_age = get_setting("API_CACHE_MAX_AGE")
            if max_age:
                patch_cache_control(response, public=True, max_age=int(max_age))
            else:
                patch_cache_control(response, no_cache=True)
        else:
            # Errors carry no validators: a client must not revalidate an error.
            for header in ("ETag", "Last-Modified"):
                if response.has_header(header):
                    del response[header]
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return view


# --- purging a front-end cache (wagtail.contrib.frontend_cache) ------------------------


def entry_api_urls(entry):
    """Absolute URLs of the API answers that change when ``entry`` is published/withdrawn.

    The catalogue and the entries list (as served without parameters and for the entry's
    section) and the entry's own detail. Search answers and filtered lists are left to
    expire after ``WAGTAIL_DISCLOSURE_API_CACHE_MAX_AGE``.
    """
    from django.urls import reverse

    site = entry.get_site()
    root = site.root_url if site is not None else ""
    section = entry.section
    catalogue = reverse("wagtail_disclosure_api:catalogue")
    entries = reverse("wagtail_disclosure_api:entries")
    paths = [catalogue, entries, reverse("wagtail_disclosure_api:entry", args=[entry.pk])]
    if section is not None:
        paths += [f"{catalogue}?section={section.pk}", f"{entries}?section={section.pk}"]
    return [root + path for path in paths]


def purge_entry_urls(entry):
    """Purge the entry's API URLs from the front-end cache, if the site uses one."""
    from django.apps import apps

    if not apps.is_installed("wagtail.contrib.frontend_cache"):
        return
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    purge_urls_from_cache(entry_api_urls(entry))
