"""Invariants of the relevance benchmark's corpus (benchmarks/relevance_corpus), no database.

The benchmark itself (benchmarks/search_relevance.py) is not part of the test suite; this
checks that what it measures is sound: size, judgements correct by construction, a stable
development/test split, and every class of real-page difficulty present in both halves.
"""

import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import relevance_corpus  # noqa: E402
from benchmarks.relevance_corpus.text import squeeze  # noqa: E402

# Pure Python: one nox session runs it (noxfile.py ONE_SESSION).
pytestmark = pytest.mark.corpus

REQUIRED_CLASSES = {
    "punct", "variant", "absent", "synonym", "table", "docno", "mixed", "trad", "once", "year",
    "dept",
}  # fmt: skip


def category(item):
    """The checklist category (0-9) of item ``item`` of the MOE checklist (migration 0002)."""
    bounds = [6, 14, 21, 26, 35, 39, 42, 46, 48, 50]
    return next(i for i, b in enumerate(bounds) if int(item) <= b)


#: The corpus measured in docs/performance.md. A change of the generator changes it: then
#: re-run the benchmark (baseline and current) and update the figures and this digest.
FINGERPRINT = "db1871de5968b0ac"


@pytest.fixture(scope="module")
def corpus():
    return relevance_corpus.build()


@pytest.fixture(scope="module")
def texts(corpus):
    return corpus.texts


def test_the_corpus_is_the_one_measured(corpus):
    assert relevance_corpus.fingerprint(corpus) == FINGERPRINT


def test_size(corpus):
    assert len(corpus.entries) >= 2000
    assert len(corpus.queries) >= 300
    assert len({e.key for e in corpus.entries}) == len(corpus.entries)
    assert len({q.qid for q in corpus.queries}) == len(corpus.queries)


def test_every_category_and_many_items_are_covered(corpus):
    items = Counter(e.item for e in corpus.entries)
    assert set(items) <= {str(n) for n in range(1, 51)}
    assert len(items) >= 45
    assert {category(item) for item in items} == set(range(10))


def test_pages_vary(corpus):
    lengths = Counter(len(e.body) for e in corpus.entries)
    assert min(lengths) == 1 or min(lengths) <= 2
    assert max(lengths) >= 30
    kinds = Counter(b["type"] for e in corpus.entries for b in e.body)
    assert kinds["table"] >= 200 and kinds["heading"] >= 200 and kinds["paragraph"] > 5000
    assert sum(1 for e in corpus.entries if e.document_number) >= 500
    assert len({e.title for e in corpus.entries}) >= 0.65 * len(corpus.entries)


def test_judged_entries_exist_and_no_query_is_empty(corpus):
    keys = {e.key for e in corpus.entries}
    for query in corpus.queries:
        assert query.relevant, query.text
        assert set(query.relevant) <= keys
        assert 2 in query.relevant.values(), query.text  # every query has an answer
        assert set(query.relevant.values()) <= {1, 2}
        assert 1 <= len(query.text.split()) <= 4, query.text


def test_judgements_hold_by_construction(corpus, texts):
    assert relevance_corpus.audit(corpus, texts) == []


def test_no_relevant_set_is_a_whole_category(corpus):
    by_category = {}
    for entry in corpus.entries:
        by_category.setdefault(category(entry.item), set()).add(entry.key)
    largest = max(len(q.relevant) for q in corpus.queries)
    assert largest <= 40
    for query in corpus.queries:
        for keys in by_category.values():
            assert not keys <= set(query.relevant), query.text


def test_split_is_stable_disjoint_and_balanced(corpus):
    again = relevance_corpus.build()
    halves = {q.qid: q.half for q in corpus.queries}
    assert halves == {q.qid: q.half for q in again.queries}
    assert [q.text for q in corpus.queries] == [q.text for q in again.queries]
    dev, test = corpus.half("dev"), corpus.half("test")
    assert {q.qid for q in dev}.isdisjoint({q.qid for q in test})
    assert len(dev) + len(test) == len(corpus.queries)
    assert abs(len(dev) - len(test)) <= 1
    for half in (dev, test):
        present = {c for q in half for c in q.classes}
        assert present >= REQUIRED_CLASSES, REQUIRED_CLASSES - present


def test_the_classes_are_what_they_say(corpus, texts):
    by_key = corpus.by_key()
    queries = corpus.queries

    def answers(q):
        return [k for k, g in q.relevant.items() if g == 2]

    # a phrase split by punctuation on the page: the query's words are contiguous in the
    # page only once punctuation is removed
    punct = [q for q in queries if "punct" in q.classes and "synonym" in q.classes]
    assert punct
    for q in punct:
        assert any("“三公”经费" in by_key[k].text() for k in answers(q)), q.text
    assert any("“申请-考核”制" in e.title for e in corpus.entries)
    assert any("《青岚大学章程》修订" in e.title for e in corpus.entries)
    assert any("“双一流”" in e.title for e in corpus.entries)
    # a query word absent from every answer
    absent = [q for q in queries if "absent" in q.classes]
    assert len(absent) >= 10
    for q in absent:
        words = [w for w in q.text.split() if not w.isdigit()]
        assert any(all(squeeze(w) not in texts[k] for k in answers(q)) for w in words), q.text
    # three-word queries with a word missing
    assert any(len(q.text.split()) == 3 for q in absent)
    # synonyms: pages of 因公出国 and 公务接待 exist but are not answers to 三公经费
    sangong = next(q for q in queries if q.text == "三公经费")
    assert all("三公" in by_key[k].title for k in answers(sangong))
    synonym_pages = [e.key for e in corpus.entries if e.topic in ("abroad", "reception")]
    assert synonym_pages and not set(synonym_pages) & set(sangong.relevant)
    # document numbers in several typed forms
    docno = [q.text for q in queries if "docno" in q.classes]
    assert any("〔" in t for t in docno) and any("[" in t for t in docno)
    assert any(" " in t for t in docno)
    # mixed script and traditional characters, in queries and in pages
    assert any("MBA" in q.text or "GPA" in q.text for q in queries)
    assert any("-" in q.text for q in queries if "mixed" in q.classes)

    def traditional(text):
        return text != relevance_corpus.text.convert(text, "t2s")

    trad = [q for q in queries if "trad" in q.classes]
    assert len(trad) >= 10
    for q in trad:  # typed in 繁體, or looking for a page written in 繁體
        assert traditional(q.text) or all(traditional(by_key[k].title) for k in answers(q))
    assert any(traditional(q.text) for q in trad)
    assert any("學籍" in e.title for e in corpus.entries)
    # once: the phrase occurs in exactly one entry, a long one
    for q in queries:
        if "once" in q.classes:
            (key,) = answers(q)
            phrase = q.terms[0]
            assert len(by_key[key].body) >= 15
            assert texts[key].count(phrase) == 1
            assert sum(1 for t in texts.values() if phrase in t) == 1, q.text
    # tables hold the figures the table queries ask about
    for q in queries:
        if "table" in q.classes and q.year:
            assert any(b["type"] == "table" for k in answers(q) for b in by_key[k].body), q.text
    # near-duplicates: a year query has pages of the same topic in other years
    year_queries = [q for q in queries if "year" in q.classes and "dept" not in q.classes]
    assert len(year_queries) >= 60
    near = 0
    for q in year_queries:
        topic = by_key[answers(q)[0]].topic
        if any(e.topic == topic and e.year != q.year for e in corpus.entries):
            near += 1
    assert near >= 0.9 * len(year_queries)
