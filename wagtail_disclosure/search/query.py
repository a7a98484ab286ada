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
from ..models.metadata import PUBLIC_METADATA
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
#: Most results a database search lists (and counts exactly): 100 pages of 10. A query
#: with more says "more than 1,000 results", like the Elasticsearch path above.
MAX_RESULTS = 1000
#: Most ranked primary keys a database search reads from the index (all matches are
#: ranked; only the visibility of the first ones is ever checked).
MAX_RANKED = 10000


def searchable_entries(section=None):
    """Entries that may appear in search results and suggestions.

    The ``publicly_visible()`` ones; those withdrawn with a public trace only while
    ``WAGTAIL_DISCLOSURE_SEARCH_INCLUDE_WITHDRAWN`` is on (else the ``current()`` ones).
    """
    entries = DisclosureEntryPage.objects
    if get_setting("SEARCH_INCLUDE_WITHDRAWN"):
        entries = entries.publicly_visible()
    else:
        entries = entries.current()
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

    @property
    def truncated(self):
        """More entries match than ``results`` lists (database backends list at most
        :data:`MAX_RESULTS`)."""
        return bool(getattr(self.results, "truncated", False))


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


class RankedResults:
    """Entries in the order of the search index, checked against the visibility rules.

    The index is asked for the ranked primary keys of the matches (at most
    :data:`MAX_RANKED`); the visibility rules (``base``) are applied to those keys in small
    batches, only as far as the requested page needs. Sliceable and countable like a
    queryset, so ``Paginator`` takes it. The count stops at :data:`MAX_RESULTS`
    (``truncated`` says there are more); ``count_query`` (optional) counts the visible
    matches in SQL, else they are counted by walking the ranked keys.
    """

    #: Fewest ranked keys checked against the visibility rules in one query.
    batch = 50
    #: Ranked keys read from the index by the first query.
    first_fetch = 200

    def __init__(self, ranked_ids, base, count_query=None, limit=MAX_RESULTS):
        self._ranked_ids = ranked_ids  # a values_list queryset of primary keys, best first
        self._base = base.order_by()
        self._count_query = count_query
        self.limit = limit
        self._ids = []
        self._complete = False  # all ranked ids fetched
        self._visible = []  # visible primary keys, best first, found so far
        self._checked = 0  # how many of self._ids have been checked
        self._count = None

    def _fetch(self, n):
        """Make at least ``n`` ranked ids available (fewer if there are no more)."""
        if n <= len(self._ids) or self._complete:
            return
        # The database ranks all matches whatever the slice is: the first query reads a
        # few, a second one (deep pages, few visible) all the rest.
        want = min(max(n, self.first_fetch) if not self._ids else MAX_RANKED, MAX_RANKED)
        got = list(self._ranked_ids[len(self._ids) : want])
        self._ids.extend(got)
        self._complete = len(self._ids) < want or want >= MAX_RANKED

    def _visible_ids(self, n):
        """The first ``n`` visible primary keys (fewer if there are fewer)."""
        while len(self._visible) < n:
            size = max(2 * (n - len(self._visible)), self.batch)
            self._fetch(self._checked + size)
            chunk = self._ids[self._checked : self._checked + size]
            if not chunk:
                break
            self._checked += len(chunk)
            visible = set(self._base.filter(pk__in=chunk).values_list("pk", flat=True))
            self._visible.extend(pk for pk in chunk if pk in visible)
        return self._visible[:n]

    def _counted(self):
        if self._count is None:
            if self._count_query is not None:
                self._count = self._count_query[: self.limit + 1].count()
            else:
                self._count = len(self._visible_ids(self.limit + 1))
        return self._count

    def count(self):
        return min(self._counted(), self.limit)

    def __len__(self):
        return self.count()

    @property
    def truncated(self):
        """Whether more entries match than are listed (and counted)."""
        return self._counted() > self.limit

    def __getitem__(self, key):
        if not isinstance(key, slice):
            if key < 0:
                raise IndexError("negative indexing is not supported")
            items = self[key : key + 1]
            if not items:
                raise IndexError("search result index out of range")
            return items[0]
        if key.step not in (None, 1):
            raise ValueError("slicing with a step is not supported")
        start = key.start or 0
        stop = self.limit if key.stop is None else min(key.stop, self.limit)
        ids = self._visible_ids(stop)[start:stop]
        objects = self._base.in_bulk(ids)
        return [objects[pk] for pk in ids if pk in objects]

    def __iter__(self):
        return iter(self[: self.limit])


def _index_matches(backend, query):
    """The search index rows matching ``query``, with their rank and entry primary key.

    Returns ``(matches, rank_order, count_in_sql)``: a queryset of index rows annotated
    with ``entry_id`` and ``_rank``, the ordering that lists the best first, and whether
    visible matches are best counted in SQL (PostgreSQL). Built with the backend's own
    query compiler, so the ranking is the backend's. ``None`` for backends other than the
    SQLite (FTS5) and PostgreSQL database backends.

    Why not ``backend.search()``: it joins the index to the page table on a text cast of
    the primary key (``object_id = id::text``), which makes the database read every
    entry, checks the visibility of every match, and ranks and counts them all in SQL.
    At 100,000 entries that is close to a second a query (see docs/performance.md).
    """
    from django.db.models import F, IntegerField
    from django.db.models.expressions import CombinedExpression
    from django.db.models.functions import Cast
    from modelsearch.conf import get_app_config
    from modelsearch.utils import get_descendants_content_types_pks

    module = type(backend).__module__
    if not module.endswith((".postgres.postgres", ".sqlite.sqlite")):
        return None
    content_types = get_descendants_content_types_pks(DisclosureEntryPage)
    compiler = backend.query_compiler_class(DisclosureEntryPage.objects.all(), query)
    config = compiler.get_config(backend)
    if module.endswith(".postgres.postgres"):
        from django.contrib.postgres.search import SearchVectorField

        IndexEntry = get_app_config().get_model("IndexEntry")
        tsquery = compiler.build_tsquery(compiler.query, config=config)
        rank = compiler._build_rank_expression(
            [(F("title"), F("title_norm")), (F("body"), 1.0)], config
        )
        # The same expression as the GIN index of migration 0008.
        vector = CombinedExpression(F("title"), "||", F("body"), output_field=SearchVectorField())
        matches = (
            IndexEntry.objects.filter(content_type_id__in=content_types)
            .annotate(_vector_=vector)
            .filter(_vector_=tsquery)
            .annotate(entry_id=Cast("object_id", IntegerField()), _rank=rank)
        )
        return matches, ("-_rank", "-entry_id"), True
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize

    SQLiteFTSIndexEntry = get_app_config().get_model("SQLiteFTSIndexEntry")
    search_query = compiler.build_search_query(normalize(compiler.query), config=config)
    rank = compiler._build_rank_expression(compiler.get_search_vectors(), config)
    matches = (
        SQLiteFTSIndexEntry.objects.filter(MatchExpression(compiler.FTS_TABLE_FIELDS, search_query))
        .filter(index_entry__content_type_id__in=content_types)
        .annotate(
            entry_id=Cast("index_entry__object_id", IntegerField()),
            _rank=rank,
        )
    )
    # bm25(): lower is better.
    return matches, ("_rank", "-entry_id"), False


def _run_database(backend, query, base, sort):
    found = None
    try:
        found = _index_matches(backend, query)
    except (AttributeError, ImportError, LookupError, TypeError):  # backend internals changed
        logger.warning("Using the search backend's generic query path", exc_info=True)
    if found is None:
        # Database backends accept only FilterFields in the queryset: wrap the visibility
        # and filter conditions in a subquery on the primary key.
        candidates = DisclosureEntryPage.objects.filter(id__in=base.values("id"))
        if sort == SORT_RELEVANCE:
            return backend.search(query, candidates)
        return backend.search(
            query, candidates.order_by(*DATE_ORDER[sort]), order_by_relevance=False
        )
    matches, rank_order, count_in_sql = found
    if sort != SORT_RELEVANCE:
        return base.filter(pk__in=matches.values("entry_id")).order_by(*DATE_ORDER[sort])
    count_query = None
    if count_in_sql:
        # PostgreSQL checks each match's visibility by primary key (a nested-loop semi-join)
        # and stops at the limit.
        count_query = matches.filter(entry_id__in=base.order_by().values("pk")).values("pk")
    ranked_ids = matches.order_by(*rank_order).values_list("entry_id", flat=True)
    return RankedResults(ranked_ids, base, count_query, limit=MAX_RESULTS)


def _run_remote(backend, query, base, filters, sort):
    # Elasticsearch/OpenSearch: filter on the indexed fields of publicly_visible() (live
    # and the public metadata), then check every hit against ``base``: the database is
    # the authority on what is public.
    candidates = DisclosureEntryPage.objects.live().filter(**PUBLIC_METADATA)
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
    """Last resort without any search index: every query word in the title, 索引号 or
    summary (not the summary of a withdrawn entry: only its trace is public)."""
    entries = base
    for word in segmentation.query_words(text):
        entries = entries.filter(
            Q(title__icontains=word)
            | Q(index_number__icontains=word)
            | Q(summary__icontains=word, review__withdrawn_at__isnull=True)
        )
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
    # The review row comes with each result: it says whether only the trace is shown.
    base = searchable_entries(section).filter(filters.as_q()).select_related("review")
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
