"""The previous relevance corpus (original text, generated + hand-written).

Since issue 12 the relevance benchmark uses ``benchmarks/relevance_corpus``; this module
only supplies the rows (``generate_entries``) that ``search_relevance.py`` and
``search_bulk.py`` use to extend the corpus to the latency sizes. Its judged queries are
no longer run.

Entries are made from templates over the 50 checklist items, 6 departments and the years
2019–2025, plus hand-written entries. Queries are words people type, each with its judged
relevant entries: for generated queries, the entries whose title says the word (and of the
year, if the query names one); for hand-written ones, the entries listed with them.
"""

import re

DEPARTMENTS = [
    ("XB", "校长办公室"),
    ("JWC", "教务处"),
    ("ZSB", "招生办公室"),
    ("CWC", "财务处"),
    ("RSC", "人事处"),
    # the code of relevance_corpus (and of the demo): their rows share the database
    ("XGC", "学生工作处"),
]
YEARS = list(range(2019, 2026))
SUFFIXES = ["", "公示", "的通知", "（修订）", "实施细则", "公告"]
ENTRIES_PER_ITEM = 20

#: Hand-written entries: (key, title, summary, item code). Key names them in HAND_QUERIES.
HAND_ENTRIES = [
    (
        "cet",
        "关于组织2024年上半年全国大学英语四、六级考试（CET-4/CET-6）报名的通知",
        "四六级考试报名时间、缴费方式及考场安排。",
        "29",
    ),
    (
        "fees-fw",
        "２０２４年本科生学费及住宿费收费标准",
        "按照物价部门核定的标准收取学费、住宿费，不得超标准收费。",
        "21",
    ),
    (
        "budget-2023",
        "2023年部门预算",
        "学校2023年收支预算总表、收入预算表、支出预算表及说明。",
        "19",
    ),
    (
        "final-2022",
        "2022年度部门决算公开",
        "学校2022年度收支决算总表、收入决算表、支出决算表。",
        "20",
    ),
    ("trad-rules", "學生學籍管理規定（繁體版）", "適用於港澳台學生的學籍管理規定。", "36"),
    (
        "scholarship",
        "国家奖学金、国家励志奖学金评审结果公示",
        "经学院推荐、学校评审委员会审定，拟推荐以下学生获得国家奖学金。",
        "37",
    ),
    ("loan", "生源地信用助学贷款办理指南", "家庭经济困难学生可在生源地申请信用助学贷款。", "37"),
    ("charter", "大学章程（2023年修正案）", "经教育部核准的学校章程修正案全文。", "2"),
    (
        "parttime",
        "校级领导干部在社会团体兼职情况公示",
        "校级领导干部兼职均按规定报批，未领取兼职报酬。",
        "22",
    ),
    ("abroad", "2024年校级领导因公出国（境）情况", "因公出国（境）批次、人数、天数及经费。", "23"),
    ("grad-plan", "2025年硕士研究生招生计划", "分学院、分专业硕士研究生招生计划。", "11"),
    ("ug-plan", "2025年本科分省分专业招生计划", "分批次、分科类招生计划。", "7"),
    ("min-score", "2024年本科各省录取最低分", "分批次、分科类录取人数和录取最低分。", "9"),
    ("appeal", "学生申诉处理办法", "学生对处理或处分决定有异议的，可以提出申诉。", "39"),
    (
        "misconduct",
        "关于一起学术不端行为的调查处理结果",
        "经学术委员会调查认定，撤销其学位并通报。",
        "42",
    ),
    ("degree", "博士、硕士学位授予基本要求", "各学科博士、硕士学位授予的学术成果要求。", "43"),
    ("intl", "中外合作办学项目年度报告", "学校中外合作办学项目招生、教学与质量保障情况。", "47"),
    ("inspect", "关于巡视整改进展情况的通报", "对照巡视组反馈意见，逐项落实整改。", "49"),
    ("emergency", "校园突发事件应急预案", "自然灾害、公共卫生等突发事件的应急处置流程。", "50"),
    ("employment", "2024届毕业生就业质量年度报告", "毕业生规模、结构、就业率、就业流向。", "33"),
    (
        "congress",
        "第七届教职工代表大会第三次会议工作报告",
        "教代会审议通过学校工作报告和财务工作报告。",
        "3",
    ),
    ("procure", "实验室仪器设备采购项目招标公告", "公开招标采购实验室仪器设备一批。", "18"),
    ("donation", "教育发展基金会受捐赠财产使用情况", "社会捐赠资金的使用与管理情况。", "16"),
    ("asset", "校办企业国有资产保值增值情况", "校办企业资产、负债及国有资产保值增值。", "17"),
    ("major", "2025年新增本科专业及停招专业名单", "新增专业、停招专业名单。", "28"),
    ("report", "2023—2024学年信息公开年度报告", "学校信息公开工作年度报告。", "6"),
    ("teaching-q", "2023—2024学年本科教学质量报告", "本科教学基本状态与质量保障。", "35"),
    ("hiring", "2025年专任教师公开招聘公告", "面向海内外公开招聘专任教师。", "25"),
    ("leaders", "学校领导班子成员及分工", "校级领导班子简介及分工。", "1"),
    ("plan", "学校“十四五”发展规划", "学校中长期发展规划全文。", "5"),
]

#: Hand-written queries: (query, keys of HAND_ENTRIES that are relevant).
HAND_QUERIES = [
    ("CET-4", ["cet"]),
    ("四六级", ["cet"]),
    ("住宿费", ["fees-fw"]),
    ("2024年学费", ["fees-fw"]),
    ("预决算", ["budget-2023", "final-2022"]),
    ("2023年部门预算", ["budget-2023"]),
    ("决算", ["final-2022"]),
    ("學籍", ["trad-rules"]),
    ("国家奖学金", ["scholarship"]),
    ("助学贷款", ["loan"]),
    ("章程修正案", ["charter"]),
    ("领导兼职", ["parttime"]),
    ("因公出国", ["abroad"]),
    ("硕士招生计划", ["grad-plan"]),
    ("本科招生计划", ["ug-plan"]),
    ("录取最低分", ["min-score"]),
    ("学生申诉", ["appeal"]),
    ("学术不端", ["misconduct"]),
    ("学位授予", ["degree"]),
    ("中外合作办学", ["intl"]),
    ("巡视整改", ["inspect"]),
    ("应急预案", ["emergency"]),
    ("就业质量报告", ["employment"]),
    ("教代会", ["congress"]),
    ("仪器设备采购", ["procure"]),
    ("捐赠", ["donation"]),
    ("国有资产", ["asset"]),
    ("停招专业", ["major"]),
    ("信息公开年度报告", ["report"]),
    ("教学质量报告", ["teaching-q"]),
    ("公开招聘", ["hiring"]),
    ("领导班子分工", ["leaders"]),
    ("十四五规划", ["plan"]),
]

#: Words that say nothing about a subject; not used as generated queries.
GENERIC = {
    "情况",
    "信息",
    "办法",
    "制度",
    "相关",
    "有关",
    "管理",
    "规定",
    "基本",
    "工作",
    "年度",
    "报告",
    "学校",
    "各类",
    "以及",
    "结果",
    "渠道",
    "名单",
    "比例",
    "总数",
    "要求",
    "及其",
    "材料",
    "人员",
    "措施",
    "政策",
    "服务",
    "数量",
    "结构",
    "专业",
    "学科",
    "资格",
    "人数",
    "学生",
    "教师",
    "总表",
    "机制",
    "水平",
}


def item_phrases(title):
    """The phrases of a checklist item's title: "收费项目、收费依据…" → ["收费项目", …]."""
    parts = re.split(r"[、，,；;（）()等及和与]", title)
    return [p for p in parts if len(p) >= 2][:6] or [title[:20]]


def generate_entries(items):
    """Dicts (title, summary, item, department, year) for the templated corpus."""
    entries = []
    for i, item in enumerate(items):
        phrases = item_phrases(item.title)
        for n in range(ENTRIES_PER_ITEM):
            phrase = phrases[n % len(phrases)]
            year = YEARS[(i + n) % len(YEARS)]
            suffix = SUFFIXES[(n // len(phrases)) % len(SUFFIXES)]
            code, department = DEPARTMENTS[(i + n) % len(DEPARTMENTS)]
            entries.append(
                {
                    "title": f"{year}年{phrase}{suffix}",
                    "summary": f"根据《高等学校信息公开办法》，现公开{year}年{phrase}。",
                    "item": item,
                    "department": code,
                    "year": year,
                }
            )
    return entries


def generated_queries(items, words_of):
    """Two queries per checklist item: a subject word, and the word with a year."""
    queries = []
    for i, item in enumerate(items):
        words = [
            w
            for phrase in item_phrases(item.title)
            for w in words_of(phrase)
            if len(w) >= 2 and w not in GENERIC and not w.isdigit()
        ]
        if not words:
            continue
        word = max(words, key=len)
        year = YEARS[i % len(YEARS)]
        queries.append({"query": word, "word": word, "year": None})
        queries.append({"query": f"{year}年{word}", "word": word, "year": year})
    return queries
