"""The search engine behind the public search page and the API.

:func:`search_entries` runs a query over the entries the public may see
(:func:`searchable_entries`) with Wagtail's configured search backend. If that backend
fails (Elasticsearch/OpenSearch down), it answers from a database backend instead and
says so (``SearchOutcome.fallback``), so the page can show a notice.
"""

import dataclasses
import logging
import time

from django.conf import settings
from django.db.models import Q
from wagtail.search.backends import get_search_backend
from wagtail.search.query import And, Or, PlainText

from ..conf import get_setting
from ..models import DisclosureEntryPage
from ..models.choices import Audience, DisclosureMode
from . import segmentation

logger = logging.getLogger(__name__)

SORT_RELEVANCE = "relevance"
SORT_NEWEST = "newest"
SORT_OLDEST = "oldest"
SORTS = (SORT_RELEVANCE, SORT_NEWEST, SORT_OLDEST)
DATE_ORDER = {
    SORT_NEWEST: ("-publication_date", "-document_date", "-id"),
    SORT_OLDEST: ("publication_date", "document_date", "id"),
}
#: Most results taken from a non-database backend before the visibility check.
MAX_REMOTE_RESULTS = 1000


def searchable_entries(section=None):
    """Entries that may appear in search results and suggestions.

    Live, public (社会 audience, proactively disclosed, no view restriction: that is
    ``publicly_visible()``), not withheld; withdrawn ones only while they keep a public
    trace (not withheld) and ``WAGTAIL_DISCLOSURE_SEARCH_INCLUDE_WITHDRAWN`` is on.
    """
    entries = DisclosureEntryPage.objects.publicly_visible().exclude(review__withheld=True)
    if not get_setting("SEARCH_INCLUDE_WITHDRAWN"):
        entries = entries.filter(review__withdrawn_at__isnull=True)
    if section is not None:
        entries = entries.descendant_of(section)
    return entries


@dataclasses.dataclass
class Filters:
    category: object = None  # ChecklistCategory
    item: object = None  # ChecklistItem
    department: object = None  # Department
    year: int | None = None
    validity: str = ""

    def as_q(self):
        q = Q()
        if self.category is not None:
            q &= Q(checklist_item__category=self.category)
        if self.item is not None:
            q &= Q(checklist_item=self.item) | Q(checklist_item__parent=self.item)
        if self.department is not None:
            q &= Q(department=self.department)
        if self.year:
            q &= Q(document_date__year=self.year)
        if self.validity:
            q &= Q(validity=self.validity)
        return q


@dataclasses.dataclass
class SearchOutcome:
    #: A sliceable sequence of DisclosureEntryPage (a queryset, search results or list).
    results: object
    query: str
    words: list
    backend: str
    fallback: bool = False
    elapsed_ms: float = 0.0


def build_query(text):
    """A Wagtail search query for ``text``, or None if it has no searchable words.

    Tokens of each query word must all match; abbreviations with several spellings
    (``segmentation.SYNONYMS``) match any of them.
    """
    groups = segmentation.query_groups(text)
    if not groups:
        return None
    if all(len(group) == 1 for group in groups):
        tokens = list(dict.fromkeys(t for group in groups for t in group[0]))
        return PlainText(" ".join(tokens), operator="and")
    clauses = []
    for group in groups:
        alternatives = [PlainText(" ".join(alt), operator="and") for alt in group]
        clauses.append(alternatives[0] if len(alternatives) == 1 else Or(alternatives))
    return clauses[0] if len(clauses) == 1 else And(clauses)


def highlight_words(text):
    """Words to mark in snippets: the query words and their alternative spellings."""
    table = segmentation.synonyms()
    words = []
    for word in segmentation.query_words(text):
        words.append(word)
        words.extend(table.get(word, []))
    return list(dict.fromkeys(words))


def is_database_backend(backend):
    return type(backend).__module__.startswith(
        ("modelsearch.backends.database", "wagtail.search.backends.database")
    )


def fallback_alias(primary):
    alias = get_setting("SEARCH_FALLBACK_BACKEND")
    if alias:
        return alias
    for name, conf in getattr(settings, "WAGTAILSEARCH_BACKENDS", {}).items():
        if name != primary and ".database" in conf.get("BACKEND", ""):
            return name
    return None


def _run_database(backend, query, base, sort):
    # Database backends accept only FilterFields in the queryset: wrap the visibility and
    # filter conditions in a subquery on the primary key.
    candidates = DisclosureEntryPage.objects.filter(id__in=base.values("id"))
    if sort == SORT_RELEVANCE:
        return backend.search(query, candidates)
    return backend.search(query, candidates.order_by(*DATE_ORDER[sort]), order_by_relevance=False)


def _run_remote(backend, query, base, filters, sort):
    # Elasticsearch/OpenSearch: filter on indexed fields, then check every hit against
    # the database, which is the authority on what is public.
    candidates = DisclosureEntryPage.objects.live().filter(
        disclosure_mode=DisclosureMode.ACTIVE, audience=Audience.PUBLIC
    )
    if filters.department is not None:
        candidates = candidates.filter(department=filters.department)
    if filters.validity:
        candidates = candidates.filter(validity=filters.validity)
    if sort != SORT_RELEVANCE:
        candidates = candidates.order_by(*DATE_ORDER[sort])
    hits = backend.search(query, candidates, order_by_relevance=sort == SORT_RELEVANCE)
    ids = [hit.pk for hit in hits[:MAX_REMOTE_RESULTS]]
    visible = base.in_bulk(ids)
    return [visible[pk] for pk in ids if pk in visible]


def _run_orm(text, base, sort):
    """Last resort without any search index: every query word in the title or summary."""
    entries = base
    for word in segmentation.query_words(text):
        entries = entries.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    return entries.order_by(*DATE_ORDER.get(sort, DATE_ORDER[SORT_NEWEST]))


def search_entries(text="", filters=None, section=None, sort=SORT_RELEVANCE, backend=None):
    """Search the public entries (of ``section``, if given).

    ``text`` empty: the filtered entries, newest first (or as ``sort`` says). Returns a
    :class:`SearchOutcome` whose ``results`` can be paginated. Never raises because the
    search server is unreachable: falls back to a database backend (``fallback=True``).
    """
    started = time.perf_counter()
    filters = filters or Filters()
    sort = sort if sort in SORTS else SORT_RELEVANCE
    base = searchable_entries(section).filter(filters.as_q())
    query = build_query(text) if text else None
    words = highlight_words(text) if text else []
    alias = backend or get_setting("SEARCH_BACKEND")

    if query is None:
        order = DATE_ORDER[SORT_OLDEST if sort == SORT_OLDEST else SORT_NEWEST]
        results = base.order_by(*order)
        return SearchOutcome(results, text, words, alias, False, _ms(started))

    primary = get_search_backend(alias)
    try:
        if is_database_backend(primary):
            results = _run_database(primary, query, base, sort)
        else:
            results = _run_remote(primary, query, base, filters, sort)
        return SearchOutcome(results, text, words, alias, False, _ms(started))
    except Exception:
        if is_database_backend(primary):
            raise
        logger.warning(
            "Search backend %r failed; answering from the database", alias, exc_info=True
        )

    fallback = fallback_alias(alias)
    if fallback:
        results = _run_database(get_search_backend(fallback), query, base, sort)
    else:
        results = _run_orm(text, base, sort)
        fallback = "orm"
    return SearchOutcome(results, text, words, fallback, True, _ms(started))


def suggest(text, section=None, limit=8):
    """Titles of public entries for a search box's suggestions (same visibility rules)."""
    if not text or not segmentation.query_tokens(text):
        return []
    outcome = search_entries(text, section=section)
    return [entry.title for entry in list(outcome.results[:limit])]


def _ms(started):
    return (time.perf_counter() - started) * 1000
