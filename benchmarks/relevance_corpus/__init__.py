"""The relevance benchmark's corpus: pages written the way real disclosure pages are.

``build()`` returns a :class:`Corpus` of entries and judged queries, made deterministically
(fixed seed) from the hand-written topics, phrase banks and table builders of this
package. Everything is about the fictional 青岚大学 of the demo site and written for the
project; facts and patterns follow real pages (document numbers 〔2023〕12号, quotes and
book-title marks inside phrases, budget tables, mixed script, 繁體 pages), sentences do not.

Judgements are correct by construction: the generator knows which entries it wrote for
a query's topic, year, college, project, document number or once-only phrase (grade 2,
"the answer"). An entry of another topic that also contains the query's page-side marker
(a 三公经费 table lists 公务接待费) is judged grade 1 ("relevant"). ``audit()`` checks that
no entry outside any topic (notices and other filler) contains a judged marker.

The queries are split into a development and a test half by a fixed seed, within each
query class so both halves hold every class (:func:`split`). Tune on ``dev`` only.
"""

import hashlib
import random
import re
from dataclasses import dataclass, field

from . import tables, topics
from .text import (
    COLLEGES,
    DEPARTMENTS,
    DEPT_NAMES,
    HEADINGS,
    UNIVERSITY,
    block_text,
    cn_ordinal,
    domain_of,
    filler_paragraph,
    heading,
    paragraph,
    remark,
    squeeze,
    table,
    to_traditional,
)

SEED = 20261129
_YEARISH = re.compile(r"\d{4}(年度?|级|届)?|\d{4}[-—]\d{4}(学年度?)?")
SPLIT_SEED = "issue-12-split"
TARGET_ENTRIES = 2200

#: Query classes; every one must be present in both halves.
CLASSES = {
    "punct": "a phrase split by punctuation in the page (“三公”经费, “申请-考核”制, 《章程》修订)",
    "variant": "the query phrases it differently from the page (年度 / 学年度, 聘用 / 聘任)",
    "absent": "one query word is absent from the answer",
    "synonym": "a synonym's pages (因公出国, 公务接待) must not outrank the literal match",
    "table": "the answer is in a table (budget rows, fees, scores)",
    "docno": "a document number 青大教〔2023〕12号, typed in various forms",
    "mixed": "mixed script (GPA, MBA, 2024-2025)",
    "trad": "traditional characters in the query or the page",
    "once": "the key phrase occurs once, in a long body",
    "year": "names a year: the other years' near-duplicate pages are not relevant",
    "dept": "names a college or department among near-duplicates",
    "plain": "the topic in the page's own words",
}

SUMMARY_DOMAINS = {
    "DZB": "basic", "RSC": "personnel", "JWC": "teaching", "CWC": "finance", "HQC": "other",
    "XGC": "students", "TW": "students", "KJC": "integrity", "ZCZX": "finance", "GH": "basic",
    "YJSY": "degrees", "GJC": "international",
}  # fmt: skip
SUMMARIES = [
    "公开{y}年{m}的主要内容。",
    "本页公布{m}，供师生员工和社会各界查阅。",
    "{d}发布的{m}。",
    "",
    "现予公开，欢迎监督。",
]
TOPIC_SENTENCES = [
    "现将{y}年{m}有关情况予以公开。",
    "{m}由{d}会同相关单位编制，已经学校审议通过。",
    "本次公开的{m}涵盖全校各二级单位，数据截至{y}年{mo}月底。",
    "师生员工对{m}如有意见，可在公开之日起十个工作日内向{d}书面反映。",
    "与上一年度相比，{m}在编制口径上未作调整。",
    "{m}的具体内容详见下文。",
]


@dataclass
class Entry:
    key: str
    title: str
    item: str
    department: str
    year: int
    summary: str = ""
    body: list = field(default_factory=list)
    document_number: str = ""
    topic: str = None
    college: str = None
    kind: str = "topic"

    def text(self):
        parts = [self.title, self.summary, self.document_number]
        parts += [block_text(b) for b in self.body]
        return "\n".join(p for p in parts if p)


@dataclass
class Query:
    qid: str
    text: str
    classes: tuple
    relevant: dict  # entry key -> grade (2 = the answer, 1 = relevant)
    terms: tuple = ()  # page-side markers (squeezed); an entry holding one is relevant
    year: int = None
    college: str = None
    half: str = None


@dataclass
class Corpus:
    entries: list
    queries: list
    texts: dict = None  # entry key -> squeezed text (see ``text.squeeze``)

    def by_key(self):
        return {e.key: e for e in self.entries}

    def half(self, name):
        return [q for q in self.queries if name in ("both", q.half)]


class _Builder:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.entries = []
        self.queries = []
        self.doc_serials = {}
        self.by_topic = {}
        self.texts = {}  # entry key -> squeezed text, once the entries are written

    def squeezed(self, entry):
        if entry.key not in self.texts:
            self.texts[entry.key] = squeeze(entry.text())
        return self.texts[entry.key]

    # -- entries -------------------------------------------------------------------------

    def doc_number(self, prefix, year):
        serial = self.doc_serials.get((prefix, year), 0) + self.rng.randint(1, 9)
        self.doc_serials[(prefix, year)] = serial
        return f"{prefix}〔{year}〕{serial}号"

    def add(self, **kwargs):
        entry = Entry(key=f"e{len(self.entries) + 1:05d}", **kwargs)
        self.entries.append(entry)
        if entry.topic:
            self.by_topic.setdefault(entry.topic, []).append(entry)
        return entry

    def body(self, size, intro, tables_=(), once=None, domain=None):
        rng = self.rng
        count = {
            "short": rng.randint(1, 3),
            "medium": rng.randint(3, 10),
            "long": rng.randint(15, 40),
        }[size]
        blocks = [paragraph(rng, intro)]
        sections = size == "long" or (size == "medium" and rng.random() < 0.4)
        headings = iter(HEADINGS)
        for n in range(count):
            if sections and n % max(2, count // 5) == 0:
                text = next(headings, None)
                if text:
                    blocks.append(heading(rng, text, rng.choice(["h2", "h3"])))
            blocks.append(paragraph(rng, filler_paragraph(rng, domain=domain)))
        if once:
            # once in a long body, somewhere in the middle
            at = rng.randint(len(blocks) // 3, max(len(blocks) // 3, 2 * len(blocks) // 3))
            sentence = rng.choice(
                [
                    "本年度还完成了{p}工作，相关经验已在全校推广。",
                    "根据师生反映，{p}已列入本单位年度重点事项并如期完成。",
                    "此外，{p}按计划推进，累计投入经费由学校专项列支。",
                ]
            ).format(p=once)
            blocks.insert(
                at,
                paragraph(
                    rng,
                    filler_paragraph(rng, 1, domain) + sentence + filler_paragraph(rng, 1, domain),
                ),
            )
        for position, block in tables_:
            blocks.insert(min(position, len(blocks)), block)
        return blocks

    def topic_entries(self):
        rng = self.rng
        for topic in topics.TOPICS:
            years = topic["years"]
            for index, year in enumerate(years):
                values = {
                    "u": UNIVERSITY,
                    "y": year,
                    "y1": year + 1,
                    "mo": rng.randint(1, 12),
                    "n": cn_ordinal(index + 1),
                    "d": DEPT_NAMES[topic["dept"]],
                }
                title = rng.choice(topic["titles"]).format(**values)
                form = rng.choice(topic["forms"]).format(**values)
                doc = self.doc_number(topic["doc"], year) if topic["doc"] else ""
                intro = rng.choice(TOPIC_SENTENCES).format(m=form, **values)
                if doc:
                    intro = f"（{doc}）" + intro
                size = topic["size"]
                if size == "medium" and rng.random() < 0.3:
                    size = rng.choice(["short", "long"])
                blocks = []
                if topic["table"]:
                    rows, caption = tables.build(topic["table"], rng, year)
                    blocks.append((rng.randint(1, 3), table(rng, rows, caption)))
                summary = rng.choice(SUMMARIES).format(m=form, **values)
                body = self.body(size, intro, blocks, domain=domain_of(topic["item"]))
                if topic["trad"]:
                    title, summary, intro = map(to_traditional, (title, summary, intro))
                    body = _traditional_body(body)
                self.add(
                    title=title,
                    item=topic["item"],
                    department=topic["dept"],
                    year=year,
                    summary=summary,
                    body=body,
                    document_number=doc,
                    topic=topic["key"],
                )

    def college_entries(self):
        rng = self.rng
        for key, item, markers, titles, _queries in topics.COLLEGE_SERIES:
            for college in COLLEGES:
                for year in topics.RECENT:
                    if college == "MYXY" and key == "exempt":
                        continue
                    values = {"c": DEPT_NAMES[college], "y": year, "y1": year + 1}
                    title = rng.choice(titles).format(**values)
                    rows = [["序号", "考生编号", "专业", "成绩"]] + [
                        [
                            i + 1,
                            f"1{rng.randint(10**13, 10**14 - 1)}",
                            rng.choice(["学术学位", "专业学位"]),
                            f"{rng.uniform(60, 95):.1f}",
                        ]
                        for i in range(rng.randint(3, 12))
                    ]
                    intro = (
                        f"经{values['c']}研究生招生工作小组审核，现将{year}年{markers[0]}予以公示。"
                    )
                    self.add(
                        title=title,
                        item=item,
                        department=college,
                        year=year,
                        summary="",
                        body=self.body(
                            "short", intro, [(1, table(rng, rows, ""))], domain=domain_of(item)
                        ),
                        topic=key,
                        college=college,
                    )

    def summaries(self):
        """Long work summaries of the departments; some hold a once-only phrase."""
        rng = self.rng
        depts = ["DZB", "RSC", "JWC", "CWC", "HQC", "XGC", "TW", "KJC", "ZCZX", "GH", "YJSY", "GJC"]
        slots = [(d, y) for d in depts for y in topics.ALL_YEARS]
        chosen = dict(zip(rng.sample(slots, len(topics.ONCE)), topics.ONCE, strict=True))
        for dept, year in slots:
            values = {"d": DEPT_NAMES[dept], "y": year, "y1": year + 1}
            title = rng.choice(
                ["{d}{y}年工作总结", "{d}{y}年度工作总结及{y1}年工作思路", "{d}{y}年工作总结报告"]
            )
            once = chosen.get((dept, year))
            self.add(
                title=title.format(**values),
                item="5",
                department=dept,
                year=year,
                summary=rng.choice(["", f"{values['d']}{year}年主要工作回顾。"]),
                body=self.body(
                    "long",
                    filler_paragraph(rng, 2, SUMMARY_DOMAINS[dept]),
                    once=once and once[0],
                    domain=SUMMARY_DOMAINS[dept],
                ),
                topic="summary",
                college=dept,
                kind="once" if once else "summary",
            )

    def procurement(self):
        rng = self.rng
        pairs = [(b, g) for b in topics.BUILDINGS for g in topics.GOODS]
        rng.shuffle(pairs)
        self.projects = []
        for n, (building, (goods, query)) in enumerate(pairs[:120]):
            year = rng.choice(topics.ALL_YEARS)
            project = f"{building}{goods}"
            key = f"project-{n}"
            self.projects.append((key, building, goods, query, year))
            budget = rng.randint(20, 900) * 1000
            for stage in ["tender", "result"] if rng.random() < 0.8 else ["tender"]:
                if stage == "tender":
                    title = rng.choice(
                        [
                            "{p}项目招标公告",
                            "{p}采购项目公开招标公告",
                            "关于{p}项目竞争性磋商的公告",
                        ]
                    )
                    intro = f"{UNIVERSITY}拟对{project}项目进行公开采购，预算金额{budget:,}元，欢迎符合条件的供应商参加。"
                    rows = [
                        ["包号", "采购内容", "数量", "预算金额（元）"],
                        ["1", goods, rng.randint(1, 60), f"{budget:,}"],
                    ]
                else:
                    title = rng.choice(["{p}项目中标结果公告", "{p}采购项目成交结果公示"])
                    intro = f"{project}项目评审工作已经结束，现将成交结果公告如下。"
                    rows = [
                        ["包号", "成交供应商", "成交金额（元）"],
                        [
                            "1",
                            f"青州{rng.choice('恒达晟泰锦华瑞丰')}{rng.choice(['科技', '建设', '机电', '实业'])}有限公司",
                            f"{int(budget * rng.uniform(0.8, 0.99)):,}",
                        ],
                    ]
                self.add(
                    kind=stage,
                    title=title.format(p=project),
                    item="18",
                    department="ZCZX",
                    year=year,
                    summary="",
                    body=self.body("short", intro, [(1, table(rng, rows, ""))], domain="finance"),
                    document_number=self.doc_number("青大采", year) if rng.random() < 0.5 else "",
                    topic=key,
                )

    def rules(self):
        rng = self.rng
        prefixes = {
            "DZB": "青大办发",
            "CWC": "青大财",
            "ZCZX": "青大资",
            "JWC": "青大教",
            "YJSY": "青大研",
            "RSC": "青大人",
            "HQC": "青大后",
            "TW": "青岚团发",
            "KJC": "青大科",
        }
        for n, (rule, item, dept, _query) in enumerate(topics.RULES):
            years = sorted(rng.sample(topics.ALL_YEARS, rng.randint(1, 3)))
            for year in years:
                title = rng.choice(
                    ["{u}{r}（{y}年修订）", "关于印发《{u}{r}》的通知", "《{u}{r}》（{y}年修订版）"]
                )
                doc = self.doc_number(prefixes[dept], year)
                intro = rng.choice(
                    [
                        "各单位：《{u}{r}》已经校长办公会研究通过，现予印发，请遵照执行。",
                        "为规范相关工作，学校修订了《{r}》，现将全文公布如下。",
                    ]
                ).format(u=UNIVERSITY, r=rule)
                articles = [
                    f"第{cn_ordinal(i + 1)}条　"
                    + filler_paragraph(rng, rng.randint(1, 2), domain_of(item))
                    for i in range(rng.randint(5, 30))
                ]
                body = [paragraph(rng, f"（{doc}）" + intro)]
                body += [heading(rng, "第一章　总则", "h3")]
                body += [paragraph(rng, a) for a in articles]
                body.append(paragraph(rng, remark(rng, dept)))
                self.add(
                    title=title.format(u=UNIVERSITY, r=rule, y=year),
                    item=item,
                    department=dept,
                    year=year,
                    summary=rng.choice(["", f"{rule}全文。"]),
                    body=body,
                    document_number=doc,
                    topic=f"rule-{n}",
                )

    def appointments(self):
        rng = self.rng
        self.people = []
        used = set()
        for n in range(150):
            year = rng.choice(topics.ALL_YEARS)
            names = []
            while len(names) < rng.randint(1, 4):
                name = rng.choice(topics.APPOINTEE_SURNAMES) + rng.choice(topics.APPOINTEE_GIVEN)
                if name not in used:
                    used.add(name)
                    names.append(name)
            key = f"appointment-{n}"
            lines = [
                f"任命{name}为{DEPT_NAMES[rng.choice(list(DEPT_NAMES))]}{rng.choice(['副处长', '处长', '副院长', '副主任', '主任'])}（试用期一年）；"
                for name in names
            ]
            doc = self.doc_number("青大党任", year)
            self.add(
                title=f"关于{names[0]}{'等同志' if len(names) > 1 else '同志'}职务任免的通知",
                item="25",
                department="ZZTZB",
                year=year,
                summary="",
                body=[paragraph(self.rng, f"（{doc}）经学校党委常委会研究决定：")]
                + [paragraph(self.rng, line) for line in lines]
                + [paragraph(self.rng, remark(rng, "ZZTZB"))],
                document_number=doc,
                topic=key,
            )
            self.people.append((key, names, year))

    def notices(self):
        rng = self.rng
        prefixes = {
            "DZB": "青大办发",
            "JWC": "青大教",
            "HQC": "青大后",
            "XGC": "青大学",
            "JXZL": "青大教",
        }
        while len(self.entries) < TARGET_ENTRIES:
            template, item, dept = rng.choice(topics.NOTICES)
            year = rng.choice(topics.ALL_YEARS)
            values = {
                "y": year,
                "hol": rng.choice(topics.HOLIDAYS),
                "season": rng.choice(topics.SEASONS),
                "review": rng.choice(topics.REVIEWS),
                "dept": rng.choice([name for code, name in DEPARTMENTS]),
                "n": rng.randint(1, 24),
            }
            doc = self.doc_number(prefixes[dept], year) if rng.random() < 0.6 else ""
            size = rng.choice(["short", "short", "medium", "long"])
            intro = filler_paragraph(rng, 1, domain_of(item))
            if doc:
                intro = f"（{doc}）" + intro
            body = self.body(size, intro, domain=domain_of(item))
            body.append(paragraph(rng, remark(rng, dept if dept in DEPT_NAMES else "DZB")))
            self.add(
                title=template.format(**values),
                item=item,
                department=dept if dept in DEPT_NAMES else "DZB",
                year=year,
                summary=rng.choice(["", filler_paragraph(rng, 1, domain_of(item))]),
                body=body,
                document_number=doc,
                topic=None,
                kind="notice",
            )

    # -- queries -------------------------------------------------------------------------

    def query(self, text, classes, answers, terms, year=None, college=None, related=()):
        relevant = {e.key: 1 for e in related}
        relevant.update({e.key: 2 for e in answers})
        classes = classes.split()
        # "absent": a word of the query (not a year) is on none of the answers
        texts = [self.squeezed(e) for e in answers]
        words = [w for w in text.split() if not _YEARISH.fullmatch(w)]
        absent = any(all(squeeze(w) not in t for t in texts) for w in words)
        classes = [c for c in classes if c != "absent"] + (["absent"] if absent else [])
        self.queries.append(
            Query(
                qid=f"q{len(self.queries) + 1:03d}",
                text=text,
                classes=tuple(classes),
                relevant=relevant,
                terms=tuple("|".join(squeeze(part) for part in t.split("|")) for t in terms),
                year=year,
                college=college,
            )
        )

    def topic_queries(self):
        rng = self.rng
        specs = {t["key"]: t for t in topics.TOPICS}
        for topic in topics.TOPICS:
            for spec in topic["queries"]:
                template, classes, *extra = spec
                keys = [topic["key"], *(extra[0] if extra else [])]
                pool = [e for k in keys for e in self.by_topic[k]]
                terms = [specs[k]["markers"][0] for k in keys]
                if "{y}" in template or "{n}" in template:
                    year = rng.choice(sorted({e.year for e in self.by_topic[topic["key"]]}))
                    index = topic["years"].index(year)
                    text = template.format(y=year, y1=year + 1, n=cn_ordinal(index + 1))
                    # "2024 国家奖学金" names the 2024—2025 page; the 2023—2024 one is related
                    related = [e for e in pool if e.year != year and str(year) in e.title]
                    self.query(
                        text,
                        classes,
                        [e for e in pool if e.year == year],
                        terms,
                        year=year,
                        related=related,
                    )
                else:
                    self.query(template.format(n=""), classes, pool, terms)
        for text, keys, term in tables.TABLE_QUERIES:
            year = rng.choice(topics.RECENT[:-1])
            pool = [e for k in keys for e in self.by_topic[k] if e.year == year]
            self.query(text.format(y=year), "table year", pool, [term], year=year)

    def college_queries(self):
        rng = self.rng
        for key, _item, markers, _titles, queries in topics.COLLEGE_SERIES:
            for template, classes in queries:
                for college in rng.sample([c for c in COLLEGES if c != "MYXY"], 3):
                    name = DEPT_NAMES[college]
                    pool = [e for e in self.by_topic[key] if e.college == college]
                    year = None
                    if "{y}" in template or "{n}" in template:
                        year = rng.choice(topics.RECENT)
                        pool = [e for e in pool if e.year == year]
                    terms = [markers[0] + "|" + name]
                    self.query(
                        template.format(c=name, y=year),
                        classes,
                        pool,
                        terms,
                        year=year,
                        college=college,
                    )

    def once_queries(self):
        for entry in self.entries:
            if entry.kind != "once":
                continue
            phrase, query = next((p, q) for p, q in topics.ONCE if p in entry.text())
            self.query(query, "once", [entry], [phrase])
        rng = self.rng
        summaries = [e for e in self.entries if e.topic == "summary"]
        for entry in rng.sample(summaries, 10):
            name = DEPT_NAMES[entry.department]
            pool = [
                e for e in summaries if e.department == entry.department and e.year == entry.year
            ]
            self.query(
                f"{name} {entry.year} 工作总结",
                "dept year",
                pool,
                [name + "|工作总结"],
                year=entry.year,
                college=entry.department,
            )

    def procurement_queries(self):
        rng = self.rng
        for key, building, goods, query, _year in rng.sample(self.projects, 30):
            pages = self.by_topic[key]
            word = rng.choice(["", " 采购", " 招标", " 中标"] if len(pages) > 1 else ["", " 招标"])
            # 中标 asks for the result, 招标 for the call for tenders: the other is related
            wanted = {" 中标": "result", " 招标": "tender"}.get(word)
            answers = [e for e in pages if wanted in (None, e.kind)]
            related = [e for e in pages if e not in answers]
            self.query(
                f"{building} {query}{word}",
                "plain",
                answers,
                [building + "|" + goods],
                related=related,
            )

    def docno_queries(self):
        rng = self.rng
        numbered = [e for e in self.entries if e.document_number]
        forms = [
            lambda p, y, n: f"{p}〔{y}〕{n}号",
            lambda p, y, n: f"{p}[{y}]{n}号",
            lambda p, y, n: f"{p}({y}){n}号",
            lambda p, y, n: f"{p} {y} {n}号",
            lambda p, y, n: f"{p}〔{y}〕{n}",
        ]
        for n, entry in enumerate(rng.sample(numbered, 40)):
            prefix, rest = entry.document_number.split("〔")
            year, serial = rest.rstrip("号").split("〕")
            text = forms[n % len(forms)](prefix, year, serial)
            self.query(text, "docno", [entry], [entry.document_number])

    def appointment_queries(self):
        rng = self.rng
        for key, names, _year in rng.sample(self.people, 15):
            name = rng.choice(names)
            self.query(
                f"{name} {rng.choice(['任免', '任职', '任命'])}",
                "plain",
                self.by_topic[key],
                [name],
            )

    def rule_queries(self):
        rng = self.rng
        for n, (rule, _item, _dept, query) in enumerate(topics.RULES):
            pool = self.by_topic[f"rule-{n}"]
            if rng.random() < 0.25 and to_traditional(query) != query:
                self.query(to_traditional(query), "trad", pool, [rule])
            else:
                self.query(query, "plain", pool, [rule])
            if n % 3 == 0:
                self.query(f"《{rule}》", "punct", pool, [rule])


def _traditional_body(body):
    out = []
    for block in body:
        block = dict(block)
        if block["type"] == "paragraph":
            block["value"] = to_traditional(block["value"])
        elif block["type"] == "heading":
            block["value"] = {**block["value"], "text": to_traditional(block["value"]["text"])}
        elif block["type"] == "table":
            value = dict(block["value"])
            value["data"] = [[to_traditional(c) for c in row] for row in value["data"]]
            block["value"] = value
        out.append(block)
    return out


class _Index:
    """Which entries hold a (squeezed) term: each term looked up once."""

    def __init__(self, corpus, texts=None):
        self.entries = corpus.entries
        self.texts = texts or {e.key: squeeze(e.text()) for e in corpus.entries}
        self._holders = {}

    def holders(self, part):
        if part not in self._holders:
            self._holders[part] = {k for k, t in self.texts.items() if part in t}
        return self._holders[part]

    def matching(self, query):
        """Keys of the entries holding one of the query's page-side terms (a term ``a|b``
        needs both parts)."""
        keys = set()
        for term in query.terms:
            parts = term.split("|")
            found = set(self.holders(parts[0]))
            for part in parts[1:]:
                found &= self.holders(part)
            keys |= found
        return keys


def judge(corpus, texts=None):
    """Add grade 1 to entries of other topics that hold the query's marker (in its year,
    and of its college if it names one)."""
    index = _Index(corpus, texts)
    by_key = corpus.by_key()
    for query in corpus.queries:
        for key in index.matching(query):
            entry = by_key[key]
            if key in query.relevant or entry.topic is None:
                continue
            if query.year is not None and entry.year != query.year:
                continue
            if query.college is not None and entry.college != query.college:
                continue
            query.relevant[key] = 1
    return index.texts


def audit(corpus, texts=None):
    """Problems of the judgements (an empty list when the corpus is sound).

    * no query without an answer;
    * every answer (grade 2) holds the query's page-side marker;
    * no entry outside the topics (notices and other filler) holds the marker of a query
      (in the query's year) without being judged.
    """
    index = _Index(corpus, texts)
    by_key = corpus.by_key()
    problems = []
    for query in corpus.queries:
        answers = {k for k, g in query.relevant.items() if g == 2}
        if not answers:
            problems.append(f"{query.qid} {query.text!r}: no answer")
        matching = index.matching(query)
        for key in sorted(answers - matching):
            problems.append(f"{query.qid} {query.text!r}: answer {key} lacks {query.terms}")
        for key in sorted(matching - set(query.relevant)):
            entry = by_key[key]
            if entry.topic is None and (query.year is None or entry.year == query.year):
                problems.append(f"{query.qid} {query.text!r}: filler {key} {entry.title!r}")
    return problems


def split(queries):
    """Assign ``half`` = dev | test: within each query's first class, queries sorted by a
    hash of (seed, query text) alternate dev, test. Stable across runs and machines."""

    def rank(q):
        return hashlib.sha256(f"{SPLIT_SEED}:{q.text}:{q.qid}".encode()).hexdigest()

    groups = {}
    for q in queries:
        groups.setdefault(_stratum(q), []).append(q)
    flip = 0
    for name in sorted(groups):
        for q in sorted(groups[name], key=rank):
            q.half = ("dev", "test")[flip % 2]
            flip += 1
    return queries


def _stratum(query):
    for name in (
        "trad",
        "docno",
        "once",
        "synonym",
        "punct",
        "absent",
        "variant",
        "mixed",
        "table",
        "dept",
    ):
        if name in query.classes:
            return name
    return "year" if "year" in query.classes else "plain"


def fingerprint(corpus):
    """A digest of every entry, query, judgement and half: which corpus a result is for."""
    digest = hashlib.sha256()
    for e in corpus.entries:
        digest.update(repr((e.key, e.title, e.summary, e.document_number, e.body)).encode())
    for q in corpus.queries:
        digest.update(repr((q.qid, q.text, sorted(q.relevant.items()), q.half)).encode())
    return digest.hexdigest()[:16]


def build():
    builder = _Builder()
    builder.topic_entries()
    builder.college_entries()
    builder.summaries()
    builder.procurement()
    builder.rules()
    builder.appointments()
    builder.notices()
    builder.topic_queries()
    builder.college_queries()
    builder.once_queries()
    builder.procurement_queries()
    builder.docno_queries()
    builder.appointment_queries()
    builder.rule_queries()
    corpus = Corpus(builder.entries, builder.queries)
    corpus.texts = judge(corpus, {e.key: builder.squeezed(e) for e in builder.entries})
    split(corpus.queries)
    return corpus
