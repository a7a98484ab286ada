"""Chinese text segmentation for search, shared by every search backend.

Wagtail's database backends (SQLite FTS5 ``unicode61``, PostgreSQL ``to_tsvector``) and
Elasticsearch's ``standard`` analyzer do not segment Chinese: FTS5 and PostgreSQL index a
run of Chinese characters as one token, so ``学籍`` does not find ``学籍管理办法``.

This module turns text into space-separated tokens *before* it reaches the backend, at
index time (:func:`index_tokens`, used by the hidden ``search_*`` fields of entry pages)
and at query time (:func:`query_tokens`). Every backend splits on spaces, so the same code
serves SQLite, PostgreSQL and Elasticsearch/OpenSearch.

The scheme (chosen by measurement, see ``docs/search.md`` and
``benchmarks/search_segmentation.py``):

* text is normalised: Unicode NFKC (full-width ``ＣＥＴ－４`` → ``CET-4``), traditional →
  simplified (OpenCC ``t2s`` when installed), lower case;
* a run of Chinese characters is read **across the punctuation written inside a phrase**:
  quotes, hyphens and dashes, brackets, book-title marks, middle dots and spaces
  (“三公”经费 → 三公经费, 《章程》修订 → 章程修订), but never across the marks that end a
  phrase (。！？；，、： and their half-width forms, line breaks);
* such a run is indexed as its **character bigrams** plus the single-character words jieba
  finds in it (``cut_for_search``), so single-character words such as ``年`` are indexed;
* a query is cut into words with jieba (precise mode); a word of three or more characters
  is replaced by its bigrams. Every query word of two or more characters that occurs in
  the text therefore matches, whatever jieba made of the text around it;
* Latin letters and digits form their own tokens: ``CET-4`` → ``cet 4 cet4``.
"""

import dataclasses
import functools
import logging
import re
import unicodedata

logger = logging.getLogger(__name__)

# CJK Unified Ideographs, Extension A, compatibility ideographs, Extensions B–F, and
# 〇 (U+3007, the zero of dates written in characters: 二〇二三年).
_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
#: Marks written *inside* a phrase, read through when they stand between Chinese
#: characters (after NFKC): quotes, hyphens and dashes, brackets, book-title marks,
#: middle dots, ellipses and spaces. Marks that end a phrase (。！？；，、：, line
#: breaks) are not among them, so no word is made across two sentences or cells.
BRIDGE_MARKS = (
    "\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u300c\u300d\u300e\u300f"
    "\u301d\u301e\u301f"  # quotes “”‘’「」『』〝〞
    "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2e3a\u2e3b~\u301c"  # hyphens, dashes, ～
    "()\\[\\]{}\u3008\u3009\u300a\u300b\u3010\u3011\u3014\u3015\u3016\u3017"
    "\u3018\u3019\u301a\u301b"  # brackets 〈〉《》【】〔〕〖〗
    "\u00b7\u2027\u30fb\u2022\u2026\u22ef"  # middle dots ·‧・•, ellipses …⋯
    " \t\u00a0"  # spaces (NFKC turns the ideographic space into " ")
)
_BRIDGED_HAN = rf"[{_HAN}]+(?:[{BRIDGE_MARKS}]+[{_HAN}]+)*"
_TOKEN_RE = re.compile(rf"{_BRIDGED_HAN}|[0-9a-z]+(?:[.\-_/\u2010-\u2015~\u301c][0-9a-z]+)*")
_BRIDGE_RE = re.compile(rf"[{BRIDGE_MARKS}]+")
_HAN_RE = re.compile(rf"^[{_HAN}]+$")
_HAN_START_RE = re.compile(rf"[{_HAN}]")
_LATIN_PARTS_RE = re.compile(r"[0-9a-z]+")

#: Abbreviations people type for words the documents spell out: the query word matches
#: any of the alternatives (after segmentation). Extend with
#: ``WAGTAIL_DISCLOSURE_SEARCH_SYNONYMS`` (same shape).
SYNONYMS = {
    "预决算": ["预算", "决算"],
    "教代会": ["教职工代表大会", "教代会"],
    "学代会": ["学生代表大会", "学代会"],
    "三公经费": ["三公经费", "因公出国", "公务接待", "公务用车"],
    "双一流": ["双一流", "一流大学", "一流学科"],
    "研招": ["研究生招生", "研招"],
    "四六级": ["四六级", "四、六级", "cet"],
    # Everyday words for the terms of official documents.
    "保研": ["保研", "推免", "推荐免试"],
    "勤工俭学": ["勤工俭学", "勤工助学"],
    "聘用": ["聘用", "聘任"],
    "聘任": ["聘任", "聘用"],
}

#: Query words that carry no meaning on their own.
STOP_WORDS = frozenset(
    ["的", "了", "和", "与", "及", "或", "等", "之", "在", "是", "对", "于", "有", "关", "其", "各"]
)


@functools.cache
def _t2s():
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a dependency, but stay usable
        logger.info("opencc is not installed: traditional characters are not converted")
        return None
    return opencc.OpenCC("t2s")


@functools.cache
def _jieba():
    """The jieba tokenizer: jieba's own, with its prefix dictionary in a memory-mapped
    trie shared by the processes of a machine (:mod:`.prefix_dictionary`)."""
    from .prefix_dictionary import compact_tokenizer

    tokenizer = compact_tokenizer()
    for word in SYNONYMS:
        tokenizer.add_word(word)
    return tokenizer


def normalize(text):
    """NFKC, traditional → simplified, lower case."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    converter = _t2s()
    if converter is not None:
        text = converter.convert(text)
    return text.lower()


def bigrams(run):
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _latin_tokens(token):
    parts = _LATIN_PARTS_RE.findall(token)
    if len(parts) > 1:
        return [*parts, "".join(parts)]
    return parts


def _runs_of_normal(normal):
    # A Chinese run read across the marks inside a phrase loses them: “三公”经费 → 三公经费.
    return [
        _BRIDGE_RE.sub("", run) if _HAN_START_RE.match(run) else run
        for run in _TOKEN_RE.findall(normal)
    ]


def runs(text):
    """The Chinese and Latin/digit runs of normalised ``text``, in order.

    A Chinese run goes on across the marks written inside a phrase (:data:`BRIDGE_MARKS`)
    and stops at those that end one: ``“三公”经费；《章程》`` → ``三公经费``, ``章程``.
    """
    return _runs_of_normal(normalize(text))


def index_tokens(text):
    """Tokens to index for ``text``: bigrams of each Chinese run, Latin/digit tokens, then
    the single-character words jieba finds in the Chinese runs.

    The single-character words come last, so the tokens of one phrase stay next to each
    other and the phrase can be matched as such (:func:`phrase_tokens`).
    """
    tokens = []
    singles = []
    jieba = None
    for run in runs(text):
        if _HAN_RE.match(run):
            tokens.extend(bigrams(run))
            if len(run) > 1:
                jieba = jieba or _jieba()
                # The words of one character cut_for_search gives are those cut gives:
                # it only adds the dictionary words found inside the longer ones.
                singles.extend(w for w in jieba.cut(run, HMM=True) if len(w) == 1)
        else:
            tokens.extend(_latin_tokens(run))
    return tokens + singles


def phrase_tokens(text):
    """The tokens ``text`` has in the index when it occurs there as written (in one
    phrase): its bigrams and Latin/digit tokens in order, without the single-character
    words. Searched as a phrase, they find the exact wording."""
    tokens = []
    for run in runs(text):
        tokens.extend(bigrams(run) if _HAN_RE.match(run) else _latin_tokens(run))
    return tokens


def is_searchable(text):
    """Whether ``text`` has anything to search for after normalisation: a Chinese
    character (〇 included), a Latin letter or a digit. Punctuation, symbols and emoji
    alone are not searchable."""
    return bool(runs(text))


def segment(text):
    """``text`` as a space-separated string of index tokens (the hidden search field)."""
    return " ".join(index_tokens(text))


def query_words(text):
    """The words of a query as the user meant them (for highlighting), normalised."""
    words = []
    jieba = None
    for run in runs(text):
        if _HAN_RE.match(run):
            jieba = jieba or _jieba()
            words.extend(w for w in jieba.cut(run, HMM=True) if w not in STOP_WORDS)
        else:
            words.append(run)
    # Keep order, drop duplicates.
    return list(dict.fromkeys(w for w in words if w))


def word_tokens(word):
    """Index tokens a single (normalised) query word must match, all of them."""
    tokens = []
    for run in _runs_of_normal(word):
        if _HAN_RE.match(run):
            tokens.extend(bigrams(run) if len(run) > 2 else [run])
        else:
            tokens.extend(_latin_tokens(run))
    return tokens


def synonyms():
    from ..conf import get_setting

    try:
        extra = get_setting("SEARCH_SYNONYMS")
    except Exception:  # settings not configured: the segmentation is usable without Django
        extra = {}
    return {**SYNONYMS, **{normalize(k): [normalize(v) for v in vs] for k, vs in extra.items()}}


def query_groups(text):
    """A query as AND-of-OR groups: ``[[alternative tokens, ...], ...]``.

    Every group must match; a group matches if all tokens of one of its alternatives do.
    Plain words have a single alternative; words in :data:`SYNONYMS` have several.
    """
    table = synonyms()
    jieba = _jieba()
    for word in table:
        if word not in SYNONYMS and _HAN_RE.match(word):
            jieba.add_word(word)
    expanded = []
    for word in query_words(text):
        alternatives = table.get(word, [word])
        expanded.append([word_tokens(w) for w in alternatives if word_tokens(w)])
    groups = [g for g in expanded if g]
    return groups


def query_tokens(text):
    """All tokens of a query, flattened (for engines that take one token list)."""
    tokens = [t for group in query_groups(text) for alt in group for t in alt]
    return list(dict.fromkeys(tokens))


def minimum_should_match(count):
    """How many of ``count`` query words a result must contain: two thirds, rounded up,
    except one of two (1 of 1, 1 of 2, 2 of 3, 3 of 4, 4 of 5, 4 of 6). Results with
    all the words always come first."""
    if count == 2:
        return 1
    return -(-2 * count // 3)


@dataclasses.dataclass(frozen=True)
class QueryWord:
    #: The word as the user typed it (normalised).
    word: str
    #: Index tokens of the word as written; all of them must be in a matching text.
    literal: tuple
    #: Token lists of every spelling that counts as the word: the literal one first (when
    #: the word has tokens of its own), then its synonyms (:data:`SYNONYMS`).
    alternatives: tuple

    @property
    def has_synonyms(self):
        return len(self.alternatives) > 1


@dataclasses.dataclass(frozen=True)
class QueryPlan:
    """What a query asks for.

    ``words`` are the words that count for the minimum-should-match rule; ``optional``
    are single Chinese characters (年, 号) that only rank, unless the query has nothing
    else. ``phrase`` are the tokens of the query as written, to find the exact wording.
    """

    words: tuple
    optional: tuple
    phrase: tuple
    #: All the words in the order typed (``words`` and ``optional`` together).
    sequence: tuple = ()

    @property
    def minimum(self):
        return minimum_should_match(len(self.words))

    def __bool__(self):
        return bool(self.words)


#: Most words of a query that are searched for (the first ones typed); a pasted paragraph
#: is not a query of a hundred words, each costing index lookups.
MAX_QUERY_WORDS = 10


def query_plan(text):
    """The :class:`QueryPlan` of ``text``; false when there is nothing to search for.

    At most :data:`MAX_QUERY_WORDS` words count, the first ones typed."""
    table = synonyms()
    jieba = _jieba()
    for word in table:
        if word not in SYNONYMS and _HAN_RE.match(word):
            jieba.add_word(word)
    words, optional, sequence = [], [], []
    for word in query_words(text):
        literal = tuple(word_tokens(word))
        spellings = [literal] if literal else []
        for alternative in table.get(word, []):
            tokens = tuple(word_tokens(alternative))
            if tokens and tokens not in spellings:
                spellings.append(tokens)
        if not spellings:
            continue
        plan_word = QueryWord(word, literal, tuple(spellings))
        single_han = len(word) == 1 and _HAN_RE.match(word) and not plan_word.has_synonyms
        (optional if single_han else words).append(plan_word)
        sequence.append(plan_word)
        if len(sequence) >= MAX_QUERY_WORDS:
            break
    if not words:  # a query of single characters only: they are what must match
        words, optional = optional, []
    return QueryPlan(tuple(words), tuple(optional), tuple(phrase_tokens(text)), tuple(sequence))


def adjacent_pairs(plan, limit=6):
    """Token lists of each two words typed one after the other, as they read when they
    stand next to each other in a text (``行政楼 监控`` → 行政楼监控), at most ``limit``."""
    pairs = []
    for first, second in zip(plan.sequence, plan.sequence[1:], strict=False):
        tokens = tuple(phrase_tokens(first.word + second.word))
        if len(tokens) > 1 and tokens not in pairs:
            pairs.append(tokens)
    return pairs[:limit]
