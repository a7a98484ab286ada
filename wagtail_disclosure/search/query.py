"""The search engine behind the public search page and the API.

:func:`search_entries` runs a query over the entries the public may see
(:func:`searchable_entries`) with Wagtail's configured search backend. If that backend
fails (Elasticsearch/OpenSearch down), it answers from a database backend instead and
says so (``SearchOutcome.fallback``), so the page can show a notice.
"""

import dataclasses
import functools
import itertools
import logging
import time

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.search.backends import get_search_backend
from wagtail.search.query import And, Boost, Or, Phrase, PlainText

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
#: Shown on the search page and sent by the API when a query has nothing to search for.
UNSEARCHABLE_MESSAGE = _(
    "Your search has no letters, digits or Chinese characters to look for. Please type a word."
)


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
    #: Words were typed but nothing in them can be searched (punctuation, symbols, emoji
    #: only): there are no results, and the page and the API say why.
    unsearchable: bool = False

    @property
    def truncated(self):
        """More entries match than ``results`` lists (database backends list at most
        :data:`MAX_RESULTS`)."""
        return bool(getattr(self.results, "truncated", False))


#: Queries with more counted words than this match any of their words on Elasticsearch /
#: OpenSearch (ranked by how many); database backends apply the minimum-should-match rule
#: in SQL whatever the length.
MAX_COMBINATION_WORDS = 6


def _alternatives_query(tokens_list):
    alternatives = [PlainText(" ".join(tokens), operator="and") for tokens in tokens_list]
    return alternatives[0] if len(alternatives) == 1 else Or(alternatives)


def word_query(word):
    """A query matching one :class:`~.segmentation.QueryWord` in any of its spellings."""
    return _alternatives_query(word.alternatives)


def literal_query(word):
    """A query matching one query word as written (not its synonyms)."""
    return _alternatives_query([word.literal or word.alternatives[0]])


def phrase_query(plan):
    """A query matching the whole query as written (its tokens next to each other), or
    None when it is a single token."""
    if len(plan.phrase) < 2:
        return None
    return Phrase(" ".join(plan.phrase))


def _and(queries):
    return queries[0] if len(queries) == 1 else And(queries)


def _or(queries):
    return queries[0] if len(queries) == 1 else Or(queries)


def match_query(plan, combinations=True):
    """The query that decides *what* matches: at least ``plan.minimum`` of the words.

    Expressed as OR of the ANDs of every choice of ``plan.minimum`` words (2 of 3 words:
    ``(a AND b) OR (a AND c) OR (b AND c)``), which every backend understands and which
    lets PostgreSQL's GIN index narrow the rows. Without ``combinations`` (or with more
    than :data:`MAX_COMBINATION_WORDS` words): any word; the caller then counts the words
    matched (``_run_database``).
    """
    words = [word_query(word) for word in plan.words]
    minimum = plan.minimum
    if minimum >= len(words):
        return _and(words)
    if not combinations or len(words) > MAX_COMBINATION_WORDS:
        return _or(words)
    return _or([_and(list(chosen)) for chosen in itertools.combinations(words, minimum)])


def build_query(text):
    """A Wagtail search query for ``text`` (what matches), or None if it has no searchable
    words.

    Results must contain at least two thirds of the query words
    (:func:`~.segmentation.minimum_should_match`); a word matches in any of its spellings
    (``segmentation.SYNONYMS``). How the matches are ranked: :func:`rank_annotations`.
    """
    plan = segmentation.query_plan(text)
    if not plan:
        return None
    return match_query(plan)


def remote_query(plan):
    """The query for Elasticsearch / OpenSearch: :func:`match_query` with the ranking
    expressed as boosts, since the server scores the sum of the clauses that match.

    A word's literal spelling counts twice its synonyms, the exact phrase more again;
    each is an OR-ed clause that implies the match, so the set of results is unchanged.
    """
    boosted = []
    for word in plan.words:
        literal = Boost(literal_query(word), 2.0)
        synonyms = [PlainText(" ".join(tokens), operator="and") for tokens in word.alternatives[1:]]
        boosted.append(_or([literal, *synonyms]))
    minimum = plan.minimum
    if minimum >= len(boosted):
        clauses = [_and(boosted)]
    elif len(boosted) > MAX_COMBINATION_WORDS:
        clauses = [_or(boosted)]
    else:
        clauses = [_and(list(chosen)) for chosen in itertools.combinations(boosted, minimum)]
    phrase = phrase_query(plan)
    if phrase is not None:
        clauses.append(Boost(phrase, 4.0))
    return _or(clauses)


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
        more = getattr(self._ranked_ids, "more", False)  # StagedIds: a stage not yet read
        self._complete = (len(self._ids) < want and not more) or want >= MAX_RANKED

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


def _compiled_tsquery(expression):
    """``expression`` (a tsquery expression of the PostgreSQL backend) as one constant node.

    A tsquery of a few words is a tree of hundreds of expression nodes (every lexeme is
    one), and Django copies and resolves every node of every annotation again each time a
    queryset is filtered or annotated: with the ranking keys, that took most of half a
    second per search at 100,000 entries (docs/performance.md). The backend also writes
    it as ``to_tsquery()`` calls joined with ``||`` and ``&&``: STABLE functions, which
    PostgreSQL evaluates again for every row it checks. Evaluated here once, the tsquery
    is a constant (``'…'::tsquery``); it refers to no column, so it fits any query."""
    from django.db import connections
    from django.db.models.sql import Query
    from modelsearch.conf import get_app_config

    IndexEntry = get_app_config().get_model("IndexEntry")
    connection = connections[IndexEntry.objects.db]
    sql_query = Query(IndexEntry)
    compiler = sql_query.get_compiler(connection=connection)
    sql, params = compiler.compile(expression.resolve_expression(sql_query, allow_joins=False))
    return _tsquery_constant_class()(_tsquery_text(connection.alias, sql, tuple(params)))


@functools.cache
def _tsquery_constant_class():
    """The expression class of a tsquery given as its text (made once, on first use:
    django.contrib.postgres is imported only where PostgreSQL is used)."""
    from django.contrib.postgres.search import SearchQuery, SearchQueryField
    from django.db.models import Func

    class TsQueryConstant(SearchQuery):
        def __init__(self, text):
            Func.__init__(self, output_field=SearchQueryField())
            self.text = text
            self.config, self.invert, self.search_type = None, False, "raw"

        def resolve_expression(self, *args, **kwargs):
            return self

        def get_source_expressions(self):
            return []

        def set_source_expressions(self, expressions):
            pass

        def as_sql(self, compiler, connection, **extra_context):
            return "%s::tsquery", [self.text]

        def __repr__(self):
            return f"TsQueryConstant({self.text!r})"

    return TsQueryConstant


@functools.lru_cache(maxsize=256)
def _tsquery_text(alias, sql, params):
    """The text of the tsquery ``sql`` computes: one query, remembered during one search
    (the same tsquery serves matching, ranking and counting)."""
    from django.db import connections

    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT ({sql})::text", params)  # noqa: S608 - a compiled tsquery
        return cursor.fetchone()[0]


def _query_compiler(backend, query):
    """The backend's compiler for ``query``; on PostgreSQL, one whose tsqueries (for
    matching and for ranking) are each compiled once (:func:`_compiled_tsquery`)."""
    compiler = backend.query_compiler_class(DisclosureEntryPage.objects.all(), query)
    if type(backend).__module__.endswith(".postgres.postgres"):
        build = compiler.build_tsquery

        def build_tsquery(query, config=None):
            return _compiled_tsquery(build(query, config=config))

        compiler.build_tsquery = build_tsquery
    return compiler


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
    compiler = _query_compiler(backend, query)
    config = compiler.get_config(backend)
    if module.endswith(".postgres.postgres"):
        from django.contrib.postgres.search import SearchRank, SearchVectorField

        IndexEntry = get_app_config().get_model("IndexEntry")
        tsquery = compiler.build_tsquery(compiler.query, config=config)
        # Wagtail's weighting (the title counts title_norm times), with one ts_rank per
        # field over the whole tsquery: the backend's own expression has one ts_rank per
        # lexeme of the query (hundreds for a query of four words with partial matches),
        # each reading the row's vectors again.
        rank = SearchRank(F("title"), tsquery, weights=compiler.sql_weights) * F(
            "title_norm"
        ) + SearchRank(F("body"), tsquery, weights=compiler.sql_weights)
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


def _matching_rows(backend, query, title_only=False, cap=None, exclude=None):
    """An expression for ``pk__in`` on the rows of :func:`_index_matches`: the index rows
    matching ``query`` (one subquery, answered from the full-text index); ``title_only``:
    in the title field; ``cap``: only the ``cap`` newest index rows (entries are indexed
    when they are created) of those that do not match ``exclude``."""
    module = type(backend).__module__
    if module.endswith(".postgres.postgres"):
        if cap is not None:
            rows = _index_matches(backend, query)[0]
            if exclude is not None:
                rows = rows.exclude(pk__in=_matching_rows(backend, exclude))
            # The newest index rows (as on SQLite): the primary key's index lets
            # PostgreSQL stop after ``cap`` matches of a word found in most rows.
            return rows.order_by("-pk").values("pk")[:cap]
        if not title_only:
            return _index_matches(backend, query)[0].values("pk")
        from modelsearch.conf import get_app_config
        from modelsearch.utils import get_descendants_content_types_pks

        IndexEntry = get_app_config().get_model("IndexEntry")
        compiler = _query_compiler(backend, query)
        tsquery = compiler.build_tsquery(compiler.query, config=compiler.get_config(backend))
        content_types = get_descendants_content_types_pks(DisclosureEntryPage)
        return (
            IndexEntry.objects.filter(content_type_id__in=content_types)
            .filter(title=tsquery)
            .values("pk")
        )
    # SQLite: the MATCH operator must name the FTS table itself, which Django would alias
    # in a subquery, so the subquery is written out.
    from django.db import connections
    from django.db.models.expressions import RawSQL
    from django.db.models.sql import Query
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
    from modelsearch.conf import get_app_config

    SQLiteFTSIndexEntry = get_app_config().get_model("SQLiteFTSIndexEntry")
    compiler = backend.query_compiler_class(DisclosureEntryPage.objects.all(), query)
    search_query = compiler.build_search_query(
        normalize(compiler.query), config=compiler.get_config(backend)
    )
    connection = connections[SQLiteFTSIndexEntry.objects.db]
    sql_compiler = Query(SQLiteFTSIndexEntry).get_compiler(connection=connection)
    fields = ["title"] if title_only else compiler.FTS_TABLE_FIELDS
    _template, params = MatchExpression(fields, search_query).as_sql(sql_compiler, connection)
    table = connection.ops.quote_name(SQLiteFTSIndexEntry._meta.db_table)
    sql = f"SELECT rowid FROM {table} WHERE {table} MATCH %s"  # noqa: S608 - a table name
    params = list(params)
    if cap is not None:
        if exclude is not None:
            excluded = _matching_rows(backend, exclude)
            sql += f" AND rowid NOT IN ({excluded.sql})"
            params.extend(excluded.params)
        sql += f" ORDER BY rowid DESC LIMIT {int(cap)}"
    return RawSQL(sql, params)  # noqa: S611 - the query is a parameter


def rank_annotations(backend, plan, only=None):
    """Annotations of the index rows that rank a query's matches, best first in this order:

    * ``_words``: how many of the query words the row has (in any spelling), when fewer
      than all may match (the minimum-should-match rule): all words first;
    * ``_phrase``: 1 when the row has the query as written (its tokens next to each
      other): the exact wording first;
    * ``_literal``: how many words with synonyms, and single characters, the row has as
      typed: a synonym may add results but never goes above the literal match.

    Only the ones that can differ between rows are returned (of ``only``, if given);
    within equal values the backend's own rank (BM25 / ``ts_rank``) decides. Each is one
    subquery on the index.
    """
    from django.db.models import Case, IntegerField, Value, When

    postgres = type(backend).__module__.endswith(".postgres.postgres")

    def hit(query, title_only=False):
        if postgres:
            # Checked on each ranked row's own vector (at most RANK_CAP rows), not by a
            # subquery over every row that has the word.
            compiler = _query_compiler(backend, query)
            tsquery = compiler.build_tsquery(compiler.query, config=compiler.get_config(backend))
            # Title and body are matched one by one, not as ``title || body``: the
            # concatenation copies the whole body vector for every key of every row (most
            # of a query's time at 100,000 entries), and each key is one word or phrase,
            # which the two fields cannot share.
            condition = (
                When(title=tsquery, then=Value(1))
                if title_only
                else When(Q(title=tsquery) | Q(body=tsquery), then=Value(1))
            )
        else:
            condition = When(pk__in=_matching_rows(backend, query, title_only), then=Value(1))
        return Case(condition, default=Value(0), output_field=IntegerField())

    def total(queries, title_only=False):
        expressions = [hit(q, title_only) for q in queries]
        result = expressions[0]
        for expression in expressions[1:]:
            result = result + expression
        return result

    annotations = {}
    if len(plan.words) > plan.minimum:
        annotations["_words"] = total([word_query(word) for word in plan.words])
    annotations["_title"] = total([word_query(word) for word in plan.words], title_only=True)
    phrase = phrase_query(plan)
    if phrase is not None:
        annotations["_phrase"] = hit(phrase)
    pairs = segmentation.adjacent_pairs(plan)
    if len(plan.sequence) > 2 and pairs:  # with two words, the pair is the phrase
        annotations["_near"] = total([Phrase(" ".join(tokens)) for tokens in pairs])
    literal = [word for word in plan.words if word.has_synonyms] + list(plan.optional)
    if literal:
        annotations["_literal"] = total([literal_query(word) for word in literal])
    return {k: v for k, v in annotations.items() if only is None or k in only}


#: The ranking keys of :func:`rank_annotations`, most important first.
TIERS = ("_words", "_phrase", "_near", "_title", "_literal")


def _run_database(backend, query, base, sort, plan=None):
    found = None
    try:
        found = _index_matches(backend, query)
    except (AttributeError, ImportError, LookupError, TypeError):  # backend internals changed
        logger.warning("Using the search backend's generic query path", exc_info=True)
    if found is None:
        # Database backends accept only FilterFields in the queryset: wrap the visibility
        # and filter conditions in a subquery on the primary key.
        candidates = result_rows_queryset(
            DisclosureEntryPage.objects.filter(id__in=base.values("id"))
        )
        if sort == SORT_RELEVANCE:
            return backend.search(query, candidates)
        return backend.search(
            query, candidates.order_by(*DATE_ORDER[sort]), order_by_relevance=False
        )
    matches, rank_order, count_in_sql = found
    if plan and len(plan.words) > MAX_COMBINATION_WORDS and plan.minimum < len(plan.words):
        # The match is "any word": keep those with enough of them.
        words = rank_annotations(backend, plan, only=("_words",))["_words"]
        matches = matches.annotate(_words=words).filter(_words__gte=plan.minimum)
    if sort != SORT_RELEVANCE:
        return base.filter(pk__in=matches.values("entry_id")).order_by(*DATE_ORDER[sort])
    count_query = None
    if count_in_sql:
        # PostgreSQL checks each match's visibility by primary key (a nested-loop semi-join)
        # and stops at the limit.
        count_query = matches.filter(entry_id__in=base.order_by().values("pk")).values("pk")
    if not plan:
        ranked_ids = matches.order_by(*rank_order).values_list("entry_id", flat=True)
        return RankedResults(ranked_ids, base, count_query, limit=MAX_RESULTS)
    # Those with all the words first, then those with enough of them: each set ranked on
    # its own, the second only when a page reaches it.
    all_words = _and([word_query(word) for word in plan.words])
    stages = [_ranked_stage(backend, all_words, plan, rank_order, partial=False)]
    if plan.minimum < len(plan.words):
        stages.append(
            _ranked_stage(backend, query, plan, rank_order, partial=True, exclude=all_words)
        )
    return RankedResults(StagedIds(stages), base, count_query, limit=MAX_RESULTS)


#: Most matches of one stage that are ranked: a query matching more ranks the newest
#: ``RANK_CAP`` of them, as many as are ever listed (``MAX_RESULTS``). Ranking costs time
#: for every match ranked (docs/search.md, "Two stages").
RANK_CAP = 1000


def _ranked_stage(backend, query, plan, rank_order, partial, exclude=None):
    """Primary keys of the entries matching ``query`` (less those matching ``exclude``),
    best first (:func:`rank_annotations`, then the backend's rank)."""
    matches = _index_matches(backend, query)[0]
    matches = matches.filter(pk__in=_matching_rows(backend, query, cap=RANK_CAP, exclude=exclude))
    tiers = rank_annotations(backend, plan, only=None if partial else TIERS[1:])
    matches = matches.annotate(**tiers)
    if "_words" in tiers:  # more words than combinations are written for: any word matched
        matches = matches.filter(_words__gte=plan.minimum)
    order = [f"-{name}" for name in TIERS if name in tiers]
    return matches.order_by(*order, *rank_order).values_list("entry_id", flat=True)


class StagedIds:
    """Ranked primary keys read from several ranked querysets one after the other, each
    only when a slice reaches it (sliceable like a ``values_list`` queryset)."""

    def __init__(self, stages):
        self._stages = list(stages)
        self._ids = []
        self._current = 0  # the stage being read
        self._offset = 0  # how far into it

    @property
    def more(self):
        """Whether a stage is left that has not been read to its end."""
        return self._current < len(self._stages)

    def __getitem__(self, key):
        """The ids of ``key`` (a slice); fewer when a stage ends within it: the next stage
        is read only by a slice that starts after the ids read so far."""
        start, stop = key.start or 0, key.stop
        while len(self._ids) < stop and self.more:
            need = stop - len(self._ids)
            got = list(self._stages[self._current][self._offset : self._offset + need])
            self._ids.extend(got)
            self._offset += len(got)
            if len(got) < need:
                self._current, self._offset = self._current + 1, 0
                if len(self._ids) > start:  # something to answer with: stop at the stage
                    break
        return self._ids[start:stop]


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


def result_rows_queryset(entries):
    """``entries`` with everything a result row shows, read with the page of results in a
    fixed number of queries whatever its size: the review (withdrawn or not), department,
    checklist item and category (joined), and the attachments with their documents (one
    query for the page). Used by the search page and the API."""
    from django.db.models import Prefetch

    from ..models import DisclosureAttachment

    attachments = DisclosureAttachment.objects.select_related("document")
    return entries.select_related(
        "review", "department", "checklist_item__category"
    ).prefetch_related(Prefetch("attachments", queryset=attachments))


def search_entries(text="", filters=None, section=None, sort=SORT_RELEVANCE, backend=None):
    """Search the public entries (of ``section``, if given).

    ``text`` empty: the filtered entries, newest first (or as ``sort`` says). Returns a
    :class:`SearchOutcome` whose ``results`` can be paginated. Never raises because the
    search server is unreachable: falls back to a database backend (``fallback=True``).
    """
    started = time.perf_counter()
    # Each search evaluates its own tsqueries (a fixed number of queries per search).
    _tsquery_text.cache_clear()
    filters = filters or Filters()
    sort = sort if sort in SORTS else SORT_RELEVANCE
    base = result_rows_queryset(searchable_entries(section).filter(filters.as_q()))
    plan = segmentation.query_plan(text) if text else None
    query = match_query(plan) if plan else None
    words = highlight_words(text) if text else []
    alias = backend or get_setting("SEARCH_BACKEND")

    if text and query is None:
        # Nothing searchable typed (punctuation, an emoji): no results, never everything.
        return SearchOutcome(
            base.none(), text, words, alias, False, _ms(started), unsearchable=True
        )
    if query is None:
        order = DATE_ORDER[SORT_OLDEST if sort == SORT_OLDEST else SORT_NEWEST]
        results = base.order_by(*order)
        return SearchOutcome(results, text, words, alias, False, _ms(started))

    primary = get_search_backend(alias)
    try:
        if is_database_backend(primary):
            results = _run_database(primary, query, base, sort, plan)
        else:
            results = _run_remote(primary, remote_query(plan), base, filters, sort)
        return SearchOutcome(results, text, words, alias, False, _ms(started))
    except Exception:
        if is_database_backend(primary):
            raise
        logger.warning(
            "Search backend %r failed; answering from the database", alias, exc_info=True
        )

    fallback = fallback_alias(alias)
    if fallback:
        results = _run_database(get_search_backend(fallback), query, base, sort, plan)
    else:
        results = _run_orm(text, base, sort)
        fallback = "orm"
    return SearchOutcome(results, text, words, fallback, True, _ms(started))


def suggest(text, section=None, limit=8):
    """Titles of public entries for a search box's suggestions (same visibility rules)."""
    if not text or not segmentation.query_plan(text):
        return []
    outcome = search_entries(text, section=section)
    return [entry.title for entry in list(outcome.results[:limit])]


def _ms(started):
    return (time.perf_counter() - started) * 1000
