"""Which Chinese segmentation to use? Recall and precision on the 50 checklist titles.

Emulates a full-text backend that splits on whitespace and requires every query token
(AND, as Wagtail's ``search()`` does by default). Ground truth: the query word occurs in
the (normalised) title. Run from the repository root::

    .venv/bin/python benchmarks/search_segmentation.py

No database needed. Results are quoted in docs/search.md.
"""

import importlib.util
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wagtail_disclosure.search import segmentation as seg  # noqa: E402

spec = importlib.util.spec_from_file_location(
    "checklist", ROOT / "wagtail_disclosure/migrations/0002_moe_2014_checklist.py"
)
checklist = importlib.util.module_from_spec(spec)
spec.loader.exec_module(checklist)
TITLES = [item[2] for item in checklist.ITEMS]

#: Words people type (the issue's seven first); each occurs in at least one title.
QUERIES = [
    "学籍",
    "收费",
    "预决算",
    "招生计划",
    "奖学金",
    "兼职",
    "章程",
    "预算",
    "决算",
    "助学贷款",
    "录取",
    "研究生",
    "复试",
    "招投标",
    "采购",
    "国有资产",
    "捐赠",
    "出国",
    "聘用",
    "招聘",
    "就业",
    "就业质量",
    "毕业生",
    "本科教学",
    "质量报告",
    "学费",
    "学费减免",
    "申诉",
    "处罚",
    "学术不端",
    "学位",
    "博士",
    "硕士学位",
    "授权点",
    "中外合作",
    "留学生",
    "巡视",
    "整改",
    "突发事件",
    "应急",
    "年度报告",
    "规章制度",
    "教代会",
    "学术委员会",
    "发展规划",
    "课程",
    "选修课",
    "专业设置",
    "录取最低分",
    "特长生",
    "財務",
    "學籍管理",
    "招生 计划",
]


def stock_tokens(text):
    # FTS5 unicode61 / PostgreSQL default parser: a run of letters is one token.
    return re.findall(r"\w+", text.lower())


def jieba_precise(text):
    j = seg._jieba()
    return [w for r in seg.runs(text) for w in (j.cut(r) if seg._HAN_RE.match(r) else [r])]


def jieba_search(text):
    j = seg._jieba()
    return [
        w for r in seg.runs(text) for w in (j.cut_for_search(r) if seg._HAN_RE.match(r) else [r])
    ]


def bigram_only(text):
    return [t for r in seg.runs(text) for t in (seg.bigrams(r) if seg._HAN_RE.match(r) else [r])]


def unigram_only(text):
    return [t for r in seg.runs(text) for t in (list(r) if seg._HAN_RE.match(r) else [r])]


STRATEGIES = {
    "stock (one token per run)": (stock_tokens, stock_tokens),
    "jieba precise / precise": (jieba_precise, jieba_precise),
    "jieba search / precise": (jieba_search, jieba_precise),
    "unigrams / unigrams": (unigram_only, unigram_only),
    "bigrams / bigrams": (bigram_only, bigram_only),
    "bigrams+jieba / jieba→bigrams (chosen)": (seg.index_tokens, seg.query_groups),
}

#: Judged answers where the query word itself is not in the title.
TRUTH = {
    "预决算": ("预算", "决算"),
    "教代会": ("教职工代表大会",),
    "硕士学位": ("硕士、学士学位", "硕士、博士学位"),
}


def truth(query):
    if query in TRUTH:
        return {i for i, t in enumerate(TITLES) if any(w in t for w in TRUTH[query])}
    words = [seg.normalize(w) for w in query.split()]
    return {i for i, t in enumerate(TITLES) if all(w in seg.normalize(t) for w in words)}


def evaluate(index_fn, query_fn):
    start = time.perf_counter()
    index = [set(index_fn(t)) for t in TITLES]
    index_ms = (time.perf_counter() - start) * 1000
    tokens = sum(len(index_fn(t)) for t in TITLES)
    recalls, precisions, found_all = [], [], 0
    for query in QUERIES:
        want = truth(query)
        q = query_fn(query)
        if q and isinstance(q[0], str):
            q = [[q]]  # one group, one alternative: every token required
        got = {
            i
            for i, toks in enumerate(index)
            if q and all(any(set(alt) <= toks for alt in group) for group in q)
        }
        recalls.append(len(got & want) / len(want) if want else 1.0)
        if got:
            precisions.append(len(got & want) / len(got))
        found_all += want <= got
    return {
        "recall": statistics.mean(recalls),
        "precision": statistics.mean(precisions) if precisions else 0.0,
        "queries fully answered": found_all,
        "tokens per title": tokens / len(TITLES),
        "index ms": index_ms,
    }


def main():
    seg._jieba()  # load the dictionary outside the timings
    missing = [q for q in QUERIES if not truth(q)]
    assert not missing, f"queries not in any title: {missing}"
    print(f"{len(TITLES)} checklist titles, {len(QUERIES)} queries\n")
    print("| strategy | recall | precision | queries fully answered | tokens/title |")
    print("|---|---|---|---|---|")
    for name, (index_fn, query_fn) in STRATEGIES.items():
        r = evaluate(index_fn, query_fn)
        print(
            f"| {name} | {r['recall']:.3f} | {r['precision']:.3f} | "
            f"{r['queries fully answered']}/{len(QUERIES)} | {r['tokens per title']:.1f} |"
        )


if __name__ == "__main__":
    main()
