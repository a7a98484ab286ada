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
* a run of Chinese characters is indexed as its **character bigrams** plus the words jieba
  finds in it (``cut_for_search``), so single-character words such as ``年`` are indexed;
* a query is cut into words with jieba (precise mode); a word of three or more characters
  is replaced by its bigrams. Every query word of two or more characters that occurs in
  the text therefore matches, whatever jieba made of the text around it;
* Latin letters and digits form their own tokens: ``CET-4`` → ``cet 4 cet4``.
"""

import functools
import logging
import re
import unicodedata

logger = logging.getLogger(__name__)

# CJK Unified Ideographs, Extension A, compatibility ideographs, Extensions B–F.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_TOKEN_RE = re.compile(rf"[{_HAN}]+|[0-9a-z]+(?:[.\-_/][0-9a-z]+)*")
_HAN_RE = re.compile(rf"^[{_HAN}]+$")
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
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    for word in SYNONYMS:
        jieba.add_word(word)
    return jieba


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


def runs(text):
    """The Chinese and Latin/digit runs of normalised ``text``, in order."""
    return _TOKEN_RE.findall(normalize(text))


def index_tokens(text):
    """Tokens to index for ``text``: bigrams + jieba words for Chinese runs."""
    tokens = []
    jieba = None
    for run in runs(text):
        if _HAN_RE.match(run):
            tokens.extend(bigrams(run))
            if len(run) > 1:
                jieba = jieba or _jieba()
                tokens.extend(w for w in jieba.cut_for_search(run, HMM=True) if len(w) == 1)
        else:
            tokens.extend(_latin_tokens(run))
    return tokens


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
    for run in _TOKEN_RE.findall(word):
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
