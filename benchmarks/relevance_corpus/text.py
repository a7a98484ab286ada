"""Building blocks of the corpus text: filler sentences, names, blocks, normalisation.

Every sentence here is written for this project (the university, its departments, people
and figures are fictional). Filler sentences are put together from slot banks so that
pages do not all read alike; they never contain a phrase that a judged query looks for
(``audit()`` in ``__init__`` checks that).
"""

import re
import string
import unicodedata
import uuid

UNIVERSITY = "青岚大学"

#: Departments of the demo site's fictional university (example_site/demo_content/data.py).
DEPARTMENTS = [
    ("DZB", "党政办公室"),
    ("ZZTZB", "组织统战部"),
    ("XCB", "宣传部"),
    ("RSC", "人事处"),
    ("JWC", "教务处"),
    ("JXZL", "教学质量监控中心"),
    ("CWC", "财务处"),
    ("HQC", "后勤处"),
    ("XGC", "学生工作处"),
    ("TW", "团委"),
    ("KJC", "科技处"),
    ("ZCZX", "资产管理中心"),
    ("JJSJS", "纪检监察审计室"),
    ("GH", "工会"),
    ("ZSJYC", "招生就业处"),
    ("YJSY", "研究生院"),
    ("GJC", "国际交流处"),
    ("JXXY", "机械工程学院"),
    ("XXXY", "信息工程学院"),
    ("JGXY", "经济管理学院"),
    ("WYXY", "外国语学院"),
    ("YSXY", "艺术设计学院"),
    ("CLXY", "材料科学与工程学院"),
    ("MYXY", "马克思主义学院"),
]
DEPT_NAMES = dict(DEPARTMENTS)
COLLEGES = ["JXXY", "XXXY", "JGXY", "WYXY", "YSXY", "CLXY", "MYXY"]

SUBJECTS = [
    "各二级单位",
    "各职能部门",
    "相关单位",
    "校内各部门",
    "各学院（部）",
    "有关部门",
    "牵头部门",
    "各工作小组",
    "承办单位",
    "各党总支",
]
ACTIONS = [
    "要指定专人负责",
    "应当按照时间节点推进",
    "须认真核对所报材料",
    "要加强统筹协调",
    "应及时报送进展",
    "要做好过程记录",
    "须妥善保存原始凭证",
    "应在规定时限内办结",
    "要主动向分管校领导汇报",
    "须严格执行审批程序",
    "要结合本单位实际细化分工",
    "应把好数据质量关",
]
ENDINGS = [
    "，确保工作有序开展",
    "，避免出现遗漏",
    "，做到有据可查",
    "，并接受师生监督",
    "",
    "，按期完成各项任务",
    "，防止层层加码",
    "，不得敷衍应付",
]
OPENINGS = [
    "为进一步规范内部运行，",
    "按照学校党委的统一部署，",
    "根据上级主管部门的有关要求，",
    "经研究决定，",
    "结合近年来的实践，",
    "在广泛征求意见的基础上，",
    "",
    "",
]
REMARKS = [
    "本页面内容由{d}负责维护，如发现信息有误，请及时告知。",
    "联系人：{person}，联系电话：0000-8816{ext}，办公地点：{room}。",
    "本文件自印发之日起施行，由{d}负责解释。",
    "如有疑问，请在工作日上午八时至十一时三十分与{d}联系。",
    "相关材料已在校内办公系统同步发布，纸质文本存放于{d}备查。",
    "请各单位于{mo}月{day}日前将回执发送至{d}邮箱。",
    "特此通知。",
    "以上内容如有更新，以{d}最新发布的为准。",
    "逾期未报送的，视为本单位无相关事项。",
    "此前发布的同类文件与本文件不一致的，以本文件为准。",
]
ROOMS = ["综合楼201室", "求是楼105室", "致远楼215室", "学生事务服务大厅B区", "至善楼312室"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
GIVEN = [
    "建华",
    "晓东",
    "丽君",
    "志强",
    "秀英",
    "海涛",
    "静怡",
    "文博",
    "雨桐",
    "子轩",
    "思远",
    "嘉宁",
    "立新",
    "慧敏",
    "振宇",
    "若溪",
    "明轩",
    "一帆",
    "书恒",
    "晓舟",
    "清和",
    "承安",
    "素秋",
    "致远",
    "敬之",
    "鹏程",
    "欣然",
    "浩然",
    "婉清",
    "俊杰",
    "晨阳",
    "雅琴",
    "国栋",
    "丹阳",
    "卫东",
    "梦洁",
    "天佑",
    "宏伟",
    "春燕",
    "玉洁",
]
CN_NUM = "〇一二三四五六七八九十"
HEADINGS = [
    "一、基本情况",
    "二、主要做法",
    "三、取得的成效",
    "四、存在的不足",
    "五、下一步安排",
    "六、其他事项",
]


def cn_ordinal(n):
    """1 → 一, 12 → 十二 (up to 99)."""
    if n <= 10:
        return CN_NUM[n]
    tens, ones = divmod(n, 10)
    return (CN_NUM[tens] if tens > 1 else "") + "十" + (CN_NUM[ones] if ones else "")


def person(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def filler_sentence(rng):
    return (
        rng.choice(OPENINGS)
        + rng.choice(SUBJECTS)
        + rng.choice(ACTIONS)
        + rng.choice(ENDINGS)
        + "。"
    )


def remark(rng, dept):
    return rng.choice(REMARKS).format(
        d=DEPT_NAMES[dept],
        person=person(rng),
        ext=f"{rng.randint(1000, 2600):04d}",
        room=rng.choice(ROOMS),
        mo=rng.randint(1, 12),
        day=rng.randint(1, 28),
    )


#: Sentences in the vocabulary of each checklist category (by item number), so that pages
#: of different subjects read differently. Slots: {n} a count, {p} a percentage, {mo} {day}
#: a date, {x} a small number, {w} an amount in 万元.
DOMAINS = {
    "basic": [
        "学校现有{x}个校区，占地面积约{n}亩，校舍建筑面积{x}{x2}万平方米。",
        "校长办公会全年召开{x}{x2}次，审议议题{n3}项。",
        "学校党委坚持民主集中制，重大事项均经集体研究决定。",
        "本年度共修订校内规范性文件{x}件，废止{x2}件。",
        "各部门按照职责分工抓好落实，年底前报送完成情况。",
        "学校官方网站和微信公众号同步发布相关内容，累计阅读量{n}次。",
    ],
    "admissions": [
        "考生可登录学校本科招生信息网查询个人录取结果。",
        "招生录取工作接受纪检监察部门全程监督。",
        "各省投档比例原则上不超过105%，调档后无特殊原因不退档。",
        "咨询时间为{mo}月{day}日至{mo}月{day2}日每天八时至十八时。",
        "今年共接待来访考生及家长{n}人次，解答咨询{n2}条。",
        "考生须按时登录系统确认志愿，逾期视为自动放弃。",
        "复核期间如对结果有异议，可书面提出复查申请。",
    ],
    "finance": [
        "学校严格执行国库集中支付制度，全年资金支付{n}笔。",
        "本年度财政拨款收入{w}万元，事业收入{w2}万元。",
        "各项支出均按照批复的用途和标准执行，未超范围列支。",
        "会计核算以权责发生制为基础，按季度编制财务分析报告。",
        "政府采购预算执行率达到{p}%。",
        "报销单据须附发票、审批单及相关合同复印件。",
        "固定资产账卡相符率{p}%，年末盘点未发现重大差异。",
    ],
    "personnel": [
        "学校现有教职工{n}人，其中具有博士学位的{n2}人。",
        "本年度新进教职工{n3}人，退休{x}{x2}人。",
        "应聘人员须在报名截止前提交学历学位证书扫描件（PDF格式）。",
        "考察对象的基本条件和任职资格均符合有关规定。",
        "公示期间如有异议，请以书面形式实名反映。",
        "岗位职责、任职条件及待遇详见附件一。",
    ],
    "teaching": [
        "全校本学年开设课程{n}门、{n2}门次。",
        "学生评教平均分为{x}.{x2}分，较上学年略有提高。",
        "各专业人才培养方案均经校外专家论证后执行。",
        "实验课开出率达到{p}%。",
        "教学督导全年听课{n}学时，发现的问题已逐一反馈给相关学院。",
        "毕业设计选题结合生产实际的比例为{p}%。",
        "期中教学检查覆盖全部教学单位。",
    ],
    "students": [
        "全校共设立各类资助项目{x}项，受助学生{n}人次。",
        "辅导员与学生的配比为1:{n3}。",
        "学生宿舍实行门禁管理，晚间查寝由各学院负责。",
        "申请学生须如实填写家庭经济情况，学院认定小组逐一审核。",
        "受处分学生享有陈述和申辩的权利。",
        "资助资金通过学生本人银行卡发放，不得代领。",
    ],
    "integrity": [
        "本年度共开展科研诚信专题教育{x}场，覆盖师生{n}人次。",
        "学位论文在答辩前须经文字复制比检测。",
        "对举报线索，学校在受理后{x}个月内完成核查。",
        "导师是研究生培养的第一责任人。",
        "调查过程中，当事人有权申请相关人员回避。",
    ],
    "degrees": [
        "本年度授予学士学位{n}人，授予硕士学位{n2}人。",
        "学位评定分委员会须有三分之二以上委员出席方为有效。",
        "申请人须在规定年限内完成课程学习并通过论文答辩。",
        "学位论文抽检结果将作为下一年度招生名额分配的参考。",
        "学科评估材料由研究生院统一汇总报送。",
    ],
    "international": [
        "本年度接待境外来访团组{x}批次{n3}人次。",
        "学校与{x}所境外高校签署了合作协议。",
        "合作项目引进外方课程{x}门，外方教师承担的专业核心课程比例符合规定。",
        "来访人员须提前{x}个工作日提交日程安排。",
        "相关项目学费收取标准已报物价部门备案。",
    ],
    "other": [
        "各单位要落实值班值守制度，保持通讯畅通。",
        "发现险情须第一时间报告保卫处，值班电话二十四小时畅通。",
        "后勤保障部门已对重点部位进行了全面排查。",
        "问题清单实行销号管理，每月更新一次。",
        "相关负责人已按程序作出书面检查。",
    ],
}
CATEGORY_OF_ITEM = [
    (6, "basic"), (14, "admissions"), (21, "finance"), (26, "personnel"), (35, "teaching"),
    (39, "students"), (42, "integrity"), (46, "degrees"), (48, "international"), (50, "other"),
]  # fmt: skip
FIGURES = [
    "截至{mo}月底，已完成年度任务的{p}%。",
    "相关数据详见附件（Excel格式），如需纸质版可到现场查阅。",
    "扫描页面下方二维码可在手机上查看全文。",
    "全年累计投入经费{w}万元。",
    "共涉及{n}名师生。",
    "办理时限压缩至{x}个工作日。",
]


def domain_of(item):
    number = int(str(item).split(".")[0])
    return next(name for bound, name in CATEGORY_OF_ITEM if number <= bound)


_SLOTS = {
    "n": lambda rng: rng.randint(120, 9800),
    "n2": lambda rng: rng.randint(30, 4000),
    "n3": lambda rng: rng.randint(150, 220),
    "p": lambda rng: f"{rng.uniform(80, 99.9):.1f}",
    "mo": lambda rng: rng.randint(1, 12),
    "day": lambda rng: rng.randint(1, 14),
    "day2": lambda rng: rng.randint(15, 28),
    "x": lambda rng: rng.randint(2, 9),
    "x2": lambda rng: rng.randint(2, 9),
    "w": lambda rng: f"{rng.uniform(10, 9000):,.2f}",
    "w2": lambda rng: f"{rng.uniform(10, 9000):,.2f}",
}
_FIELDS = {}


def fill(rng, template):
    """``template`` with its slots ({n}, {p}, …) filled with invented figures."""
    if template not in _FIELDS:
        _FIELDS[template] = [f for _, f, _, _ in string.Formatter().parse(template) if f]
    return template.format(**{f: _SLOTS[f](rng) for f in _FIELDS[template]})


def filler_paragraph(rng, sentences=None, domain=None):
    """1-4 sentences (or ``sentences``): the subject's own vocabulary when ``domain`` is
    given, figures, and the general administrative sentences every page has."""
    n = sentences or rng.randint(1, 4)
    out, used = [], set()
    for _ in range(n):
        roll = rng.random()
        if domain and roll < 0.5:
            template = rng.choice(DOMAINS[domain])
        elif roll < 0.62:
            template = rng.choice(FIGURES)
        else:
            out.append(filler_sentence(rng))
            continue
        if template not in used:  # a sentence is not said twice in a paragraph
            used.add(template)
            out.append(fill(rng, template))
    return "".join(out) or filler_sentence(rng)


def block_id(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def paragraph(rng, text):
    return {"type": "paragraph", "value": f"<p>{text}</p>", "id": block_id(rng)}


def heading(rng, text, level="h2"):
    return {"type": "heading", "value": {"text": text, "level": level}, "id": block_id(rng)}


def table(rng, rows, caption=""):
    return {
        "type": "table",
        "value": {
            "data": [[str(cell) for cell in row] for row in rows],
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_caption": caption,
        },
        "id": block_id(rng),
    }


def money(rng, lo, hi):
    """A figure in 万元 with two decimals and thousands separators."""
    return f"{rng.uniform(lo, hi):,.2f}"


_TAG = re.compile(r"<[^>]+>")


def block_text(block):
    """Plain text of one body block (for the audit only; search has its own extraction)."""
    value = block["value"]
    if block["type"] == "paragraph":
        return _TAG.sub("", value)
    if block["type"] == "heading":
        return value["text"]
    if block["type"] == "table":
        return (
            " ".join(" ".join(row) for row in value["data"]) + " " + value.get("table_caption", "")
        )
    return ""


_converters = {}


def convert(text, config):
    """OpenCC conversion (``s2t`` or ``t2s``). opencc is a dependency of the package."""
    if config not in _converters:
        import opencc

        _converters[config] = opencc.OpenCC(config)
    return _converters[config].convert(text)


def to_traditional(text):
    return convert(text, "s2t")


def squeeze(text):
    """Text for containment checks: NFKC, simplified, lower case, no punctuation or space."""
    text = convert(unicodedata.normalize("NFKC", text), "t2s").lower()
    return re.sub(r"[\W_]+", "", text)
