"""Settings for wagtail-disclosure.

Every setting is named ``WAGTAIL_DISCLOSURE_<NAME>`` and read when it is used, never at
import time, so ``override_settings`` works in tests and a site may change a value
without restarting workers that import this module early.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "WAGTAIL_DISCLOSURE_"

DEFAULTS = {
    # Code of the checklist a new DisclosureIndexPage uses when none is chosen.
    "DEFAULT_CHECKLIST": "moe-2014",
    # Pattern of the 索引号 (index number). Fields: org_code, category_code,
    # category_key, item_code, department_code, year, serial.
    "INDEX_NUMBER_PATTERN": "{org_code}-{category_code}-{year}-{serial:04d}",
    # Slug of a new entry whose slug is not plain ASCII (e.g. filled from its Chinese
    # title): "index_number" (its 索引号, short URLs) or "title" (Wagtail's behaviour).
    "ENTRY_SLUG": "index_number",
    # 机构代码 used when the section root does not give its own.
    "ORGANISATION_CODE": "",
    # Top navigation of the public pages: a list of (key, label, target); None: the default
    # (wagtail_disclosure.navigation.DEFAULT_NAVIGATION, docs/configuration.md).
    "NAVIGATION": None,
    # How many latest entries the catalogue shows under each checklist item.
    "CATALOGUE_LATEST_ENTRIES": 3,
    # Seconds the rendered catalogue of a section is kept in Django's default cache, keyed
    # by the content state (any publication, withdrawal or catalogue edit makes a new key).
    # 0: render it every time. docs/performance.md#cacheable-pages.
    "CATALOGUE_CACHE_SECONDS": 3600,
    # Page size of entry listings on category pages.
    "ENTRIES_PER_PAGE": 20,
    # Working days within which an active item must be published after it is made
    # or changed (《高等学校信息公开办法》 and 教办函〔2014〕23号).
    "PUBLISH_WITHIN_WORKING_DAYS": 20,
    # A deadline with at most this many working days left is "due soon"
    # (wagtail_disclosure.working_days.DeadlineStatus).
    "DUE_SOON_WORKING_DAYS": 3,
    # Month (1-12) on whose 1st an admission cycle starts: an item updated "each admission
    # cycle" with nothing published since then is missing (wagtail_disclosure.compliance).
    "ADMISSION_CYCLE_START_MONTH": 9,
    # --- requests for information (依申请公开, docs/requests.md) ---
    # The reply clock's rules: "moe29" (教育部令第29号: 15 working days, one extension of
    # at most 15), "ordinance2019" (the 2019 条例: 20 + 20), or a dict of
    # wagtail_disclosure.request_clock.ClockRules fields with an optional "preset".
    "REQUEST_RULES": "moe29",
    # The outcomes of a request, a list of wagtail_disclosure.request_outcomes.Outcome;
    # None: the built-in catalogue (the rows of the 2021 statistics table).
    "REQUEST_OUTCOMES": None,
    # Number of the letters of a request (wagtail_disclosure.request_letters). Fields: org
    # (REQUEST_LETTER_ORG, else "校"), kind (收 回执, 补 补正, 延 延期, 征 征求意见, 费 收费,
    # 复 答复书), year, serial (per year and kind of letter).
    "REQUEST_LETTER_NUMBER_PATTERN": "{org}公开{kind}〔{year}〕{serial}号",
    # Short name of the university in letter numbers, such as "京大"; "": "校".
    "REQUEST_LETTER_ORG": "",
    # Fees for requests (国办函〔2020〕109号), off by default. None: no fees; or
    # {"mode": "per_request" | "per_page", "bands": [...]} (wagtail_disclosure.request_fees).
    "REQUEST_FEES": None,
    # Largest attachment an applicant may add to the online application, in bytes.
    "REQUEST_ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
    # Applications stored per client address ("5/hour", "20/day", ...); None: no limit.
    # Counted in Django's default cache, like API_THROTTLE_RATE (docs/requests.md).
    "REQUEST_SUBMIT_RATE": "5/hour",
    # Status lookups (tracking number + 查询码) per client address; None: no limit.
    "REQUEST_LOOKUP_RATE": "20/hour",
    # Entry dates (成文日期, 发布日期, ...) may be at most this many days after today
    # (and not before 1949-10-01); the public API's date filters likewise.
    "MAX_FUTURE_DAYS": 366,
    # --- the annual report (wagtail_disclosure.annual_report, docs/annual-report.md) ---
    # Code of the release channel every released entry counts on: the school's website,
    # where the disclosure section is (the other channels count the entries naming them).
    "ANNUAL_REPORT_WEBSITE_CHANNEL": "website",
    # Whether the report also gives the 2021 tables 3 and 4 of requests (for a site that
    # reports on a government platform under the 2019 条例).
    "ANNUAL_REPORT_GOVERNMENT_TABLES": False,
    # --- bulk import (wagtail_disclosure.importing, docs/import.md) ---
    # Largest file (bytes) and most rows the admin's import screen accepts; larger files
    # go through manage.py disclosure_import.
    "IMPORT_MAX_UPLOAD_BYTES": 5 * 1024 * 1024,
    "IMPORT_ADMIN_MAX_ROWS": 5000,
    # --- search (wagtail_disclosure.search, docs/search.md) ---
    # Alias in WAGTAILSEARCH_BACKENDS that the public search uses.
    "SEARCH_BACKEND": "default",
    # Alias of a database backend to use when SEARCH_BACKEND fails (e.g. Elasticsearch is
    # down). None: the first database backend in WAGTAILSEARCH_BACKENDS, if any.
    "SEARCH_FALLBACK_BACKEND": None,
    # Results per page of the public search.
    "SEARCH_RESULTS_PER_PAGE": 10,
    # Extra query abbreviations, {"预决算": ["预算", "决算"], ...}, merged with the built-in ones.
    "SEARCH_SYNONYMS": {},
    # Withdrawn (but not withheld) entries keep a public trace; list them in search results?
    "SEARCH_INCLUDE_WITHDRAWN": True,
    # Characters of an attachment's text that are kept and indexed.
    "SEARCH_EXTRACTED_TEXT_LIMIT": 500_000,
    # Attachments larger than this are not read for search.
    "SEARCH_EXTRACTION_MAX_BYTES": 50 * 1024 * 1024,
    # Directory of jieba's prefix dictionary as a memory-mapped trie, shared by the workers
    # (wagtail_disclosure.search.prefix_dictionary). None: a directory of the user's own in
    # the temporary directory.
    "SEARCH_DICTIONARY_DIR": None,
    # --- the public API (wagtail_disclosure.api, docs/api.md) ---
    # Entries per page of the API's entries list and search when the client asks for none.
    "API_PAGE_SIZE": 20,
    # Largest page size a client may ask for; larger requests get this many. None: no cap.
    "API_MAX_PAGE_SIZE": 100,
    # Seconds public API answers may be cached (Cache-Control: public, max-age=...).
    # 0: "no-cache" (clients and proxies revalidate every time, with ETag/Last-Modified).
    "API_CACHE_MAX_AGE": 60,
    # Seconds the public pages (catalogue, categories, entries, guide, reports, search) may
    # be kept by browsers and shared caches when the URL decides the language
    # (i18n_patterns) and the visitor is not logged in. 0: "no-cache" (revalidate with
    # ETag/Last-Modified every time). docs/performance.md#cacheable-pages.
    "PAGE_CACHE_MAX_AGE": 60,
    # The Vary header of those pages (with PublicPageCacheMiddleware); () sends none.
    "PAGE_CACHE_VARY": (),
    # Seconds a public page is kept in Django's cache by PublicPageCacheMiddleware, keyed
    # by the content state (a publication or an edit makes new keys). 0: not kept.
    "PAGE_SERVER_CACHE_SECONDS": 3600,
    # The Django cache (CACHES alias) of those pages: share it between app servers
    # (Redis) in production. docs/performance.md#cacheable-pages.
    "PAGE_SERVER_CACHE_ALIAS": "default",
    # Part of every page ETag: change it when a deployment changes the templates, so that
    # caches do not keep pages rendered by the old ones.
    "PAGE_CACHE_VERSION": "",
    # Requests per client (by address) to the public API, "120/min", "1000/hour", ...
    # None: no limit. Counted in Django's default cache (share it between workers).
    "API_THROTTLE_RATE": "120/min",
}


def get_setting(name):
    """Return the value of ``WAGTAIL_DISCLOSURE_<name>``, or its default."""
    if name not in DEFAULTS:
        raise ImproperlyConfigured(f"Unknown wagtail-disclosure setting: {PREFIX}{name}")
    return getattr(settings, PREFIX + name, DEFAULTS[name])
