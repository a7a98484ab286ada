"""The demo's disclosure entries, generated deterministically from templates.

Each :class:`Series` is a kind of document that recurs (one per year, or one per unit),
written as templates over years, units and invented figures. ``build_entries()`` expands
them into plain dicts; the same input always gives the same output, because every
entry draws its numbers from a ``random.Random`` seeded with its own slug.

All text is original and describes the fictional 青岚大学; every figure is invented.
"""

import csv
import datetime
import io
import random
from dataclasses import dataclass, field

from .data import DEPARTMENTS, ITEM_DEPARTMENTS, UNIVERSITY, email, phone

SEED = "qinglan-demo-2026"
#: No entry is dated after this day, so the demo never shows future dates.
LATEST = datetime.date(2026, 11, 20)
YEARS = (2023, 2024, 2025, 2026)
CN = "〇一二三四五六七八九十"
DEFAULT_HEADING = "主要内容"

DEPT_NAMES = {code: name for code, name, *_ in DEPARTMENTS}


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


def N(lo, hi, step=0):
    """A whole number in [lo, hi], shifted by ``step`` for every year after 2023."""
    return lambda r, y: r.randint(lo + step * (y - 2023), hi + step * (y - 2023))


def D(lo, hi, step=0.0, nd=1):
    """A decimal in [lo, hi] (shifted by ``step`` a year), formatted with ``nd`` digits."""
    return lambda r, y: f"{r.uniform(lo + step * (y - 2023), hi + step * (y - 2023)):.{nd}f}"


def C(*options):
    """One of the options."""
    return lambda r, y: r.choice(options)


def table(rows, caption=""):
    return {
        "data": [[str(cell) for cell in row] for row in rows],
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_caption": caption,
    }


# ---------------------------------------------------------------------------
# Series
# ---------------------------------------------------------------------------


@dataclass
class Series:
    """A recurring kind of entry.

    ``variants`` are dicts of extra template values; a variant with ``year`` gives one
    entry, otherwise one entry per year of ``years``. A variant (or ``overrides[year]``)
    may also carry ``slug``, ``dept``, ``date``, ``fields``, ``draft`` and ``attach``.
    """

    item: str
    key: str
    title: str
    paragraphs: tuple
    summary: str = ""
    years: tuple = YEARS
    months: tuple = (3, 10)
    dept: str = None
    doc: str = None
    tags: tuple = ()
    channels: tuple = ("website",)
    heading: str = None
    table: object = None
    caption: str = ""
    nums: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    variants: tuple = ({},)
    overrides: dict = field(default_factory=dict)


S = Series

LEADERS_2023 = [
    ("林致远", "党委书记", "主持党委全面工作"),
    ("许明澄", "党委副书记、校长", "主持行政全面工作，分管发展规划、审计工作"),
    ("韩素秋", "党委副书记", "分管组织、宣传、统战、学生工作和共青团工作"),
    ("顾承安", "副校长", "分管本科教学、招生就业和研究生教育"),
    ("唐一鸣", "副校长", "分管财务、资产、后勤和基本建设"),
    ("宋清和", "副校长", "分管科研、学科建设和国际交流"),
    ("方宁", "纪委书记", "主持纪委全面工作"),
]
LEADERS_2025 = [
    row if row[0] != "宋清和" else ("裴敬之", "副校长", "分管科研、学科建设、国际交流和研究生教育")
    for row in LEADERS_2023
]
LEADERS_2025[3] = ("顾承安", "副校长", "分管本科教学、招生就业")

PROVINCES = [
    ("本省", "物理类"), ("本省", "历史类"), ("河南", "物理类"), ("山东", "综合改革"),
    ("四川", "理科"), ("江西", "物理类"), ("广西", "物理类"), ("贵州", "物理类"),
    ("湖北", "历史类"), ("浙江", "综合改革"),
]

MASTER_UNITS = [
    "机械工程学院", "信息工程学院", "经济管理学院", "外国语学院", "艺术设计学院",
    "材料科学与工程学院", "马克思主义学院",
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马胡朱郭何罗高林"
MAJORS_BY_UNIT = {
    "机械工程学院": ["机械工程", "机械（专业学位）"],
    "信息工程学院": ["计算机科学与技术", "电子信息（专业学位）"],
    "经济管理学院": ["应用经济学", "工商管理（专业学位）"],
    "外国语学院": ["外国语言文学", "翻译（专业学位）"],
    "艺术设计学院": ["设计学", "艺术设计（专业学位）"],
    "材料科学与工程学院": ["材料科学与工程", "材料与化工（专业学位）"],
    "马克思主义学院": ["马克思主义理论"],
}


def t_structure(r, v):
    return table([
        ["类别", "单位"],
        ["党群部门", "党政办公室、组织统战部、宣传部、纪检监察审计室、工会、团委"],
        ["行政部门", "人事处、教务处、财务处、后勤处、学生工作处、科技处、招生就业处、"
                     "国际交流处、资产管理中心"],
        ["教学科研单位", "机械工程学院、信息工程学院、经济管理学院、外国语学院、艺术设计学院、"
                         "材料科学与工程学院、马克思主义学院等12个二级学院，研究生院"],
        ["直属单位", "图书馆、现代教育技术中心、教学质量监控中心、校医院"],
    ])


def t_basic(r, v):
    g = v["year"] - 2023
    ug = 23800 + 260 * g + r.randint(-120, 120)
    pg = 2100 + 230 * g + r.randint(-40, 40)
    intl = 180 + 25 * g + r.randint(-10, 10)
    teachers = 1480 + 35 * g + r.randint(-15, 15)
    v.update(growth=f"{260 + 230 + r.randint(-60, 60):,}", pg_growth=230 + r.randint(-30, 30),
             phd_ratio=f"{46.5 + 2.8 * g + r.uniform(-0.6, 0.6):.1f}")
    return table([
        ["项目", "数量", "单位"],
        ["占地面积", "2,346", "亩"],
        ["校舍建筑面积", f"{86.4 + 1.3 * g:.1f}", "万平方米"],
        ["本科专业", 66 + (1 if g >= 2 else 0), "个"],
        ["硕士学位授权一级学科", 11 + (1 if g >= 2 else 0), "个"],
        ["全日制本科生", f"{ug:,}", "人"],
        ["全日制硕士研究生", f"{pg:,}", "人"],
        ["国际学生", f"{intl:,}", "人"],
        ["专任教师", f"{teachers:,}", "人"],
        ["教职工总数", f"{teachers + 640 + r.randint(-20, 20):,}", "人"],
    ])


def t_leaders(r, v):
    rows = LEADERS_2025 if v["year"] >= 2025 else LEADERS_2023
    return table([["姓名", "职务", "工作分工"], *rows])


def t_disclosure_report(r, v):
    web = r.randint(1350, 1700)
    wechat = r.randint(380, 520)
    board = r.randint(140, 230)
    meeting = r.randint(25, 45)
    req = r.randint(2, 9)
    v.update(total=f"{web + wechat + board + meeting:,}", requests=req,
             granted=req - r.randint(0, 2))
    return table([
        ["公开渠道", "公开信息（条）"],
        ["学校网站", f"{web:,}"],
        ["微信公众号", wechat],
        ["信息公开栏、宣传栏", board],
        ["会议", meeting],
        ["合计", f"{web + wechat + board + meeting:,}"],
    ])


def t_plan(r, v):
    rows = [["省份", "科类", "计划数"]]
    total = 0
    local = 0
    for province, track in PROVINCES:
        if province == "本省":
            n = r.randint(2650, 2900) if track == "物理类" else r.randint(1050, 1200)
            local += n
        else:
            n = r.randint(230, 400)
        total += n
        rows.append([province, track, n])
    rows.append(["合计", "", f"{total:,}"])
    v.update(plan=f"{total:,}", local=f"{local:,}", outside=f"{total - local:,}")
    return table(rows)


def t_sports(r, v):
    rows = [["测试项目", "参加测试（人）", "测试合格（人）"]]
    tested = passed = 0
    for sport in ("田径", "篮球", "足球", "游泳"):
        t = r.randint(18, 60)
        p = r.randint(4, 12)
        tested += t
        passed += p
        rows.append([sport, t, p])
    v.update(tested=tested, passed=passed)
    return table(rows)


def t_scores(r, v):
    rows = [["省份", "科类", "录取人数", "最低分"]]
    for province, track in PROVINCES[:7]:
        admitted = r.randint(1050, 2900) if province == "本省" else r.randint(230, 400)
        rows.append([province, track, admitted, r.randint(498, 585)])
    return table(rows)


def t_master_quota(r, v):
    rows = [["学院", "学术学位（人）", "专业学位（人）"]]
    total = 0
    for unit in MASTER_UNITS:
        a = r.randint(12, 45)
        b = r.randint(25, 110) if unit != "马克思主义学院" else 0
        total += a + b
        rows.append([unit, a, b or "—"])
    v.update(quota=f"{total:,}")
    return table(rows)


def _candidate(r, year):
    return f"19999{year % 100:02d}{r.randint(10000000, 99999999)}"


def t_retest(r, v):
    rows = [["考生编号", "报考学院", "初试成绩", "复试成绩", "总成绩"]]
    for _ in range(8):
        first = r.randint(305, 398)
        second = r.randint(62, 94)
        rows.append([_candidate(r, v["year"]), r.choice(MASTER_UNITS), first, second,
                     f"{first / 5 * 0.7 + second * 0.3:.2f}"])
    return table(rows, "复试成绩（节选，完整名单见各学院公示）")


def t_admitted(r, v):
    rows = [["考生编号", "姓名", "录取学院", "录取专业"]]
    for _ in range(8):
        unit = r.choice(MASTER_UNITS)
        rows.append([_candidate(r, v["year"]), r.choice(SURNAMES) + "*" * r.randint(1, 2),
                     unit, r.choice(MAJORS_BY_UNIT[unit])])
    return table(rows, "拟录取名单（节选）")


def _money_rows(year, scale=1.0):
    """Revenue and expenditure of one year (万元); the same for a year's budget and accounts."""
    r = random.Random(f"{SEED}:money:{year}")
    g = year - 2023
    fiscal = int((r.randint(58000, 63000) + 1500 * g) * scale)
    biz = int((r.randint(39000, 43000) + 800 * g) * scale)
    other = int(r.randint(6000, 9500) * scale)
    carry = int(r.randint(8000, 12500) * scale)
    total = fiscal + biz + other + carry
    edu = round(total * r.uniform(0.80, 0.84))
    sci = round(total * r.uniform(0.05, 0.07))
    ss = round(total * r.uniform(0.05, 0.06))
    house = total - edu - sci - ss
    values = {
        "total": total,
        "income": f"{total / 10000:.2f}",
        "fiscal": f"{fiscal / 10000:.2f}",
        "fiscal_pct": f"{fiscal / total * 100:.1f}",
        "biz": f"{biz / 10000:.2f}",
        "edu": f"{edu / 10000:.2f}",
        "sci": f"{sci / 10000:.2f}",
        "ss": f"{ss / 10000:.2f}",
        "house": f"{house / 10000:.2f}",
    }
    rows = [
        ["项目", "金额（万元）"],
        ["一、财政拨款收入", f"{fiscal:,}"],
        ["二、事业收入", f"{biz:,}"],
        ["三、其他收入", f"{other:,}"],
        ["四、上年结转结余", f"{carry:,}"],
        ["收入合计", f"{total:,}"],
        ["一、教育支出", f"{edu:,}"],
        ["二、科学技术支出", f"{sci:,}"],
        ["三、社会保障和就业支出", f"{ss:,}"],
        ["四、住房保障支出", f"{house:,}"],
        ["支出合计", f"{total:,}"],
    ]
    return rows, values


def t_budget(r, v):
    rows, values = _money_rows(v["year"])
    _, last_year = _money_rows(v["prev"])
    change = (values["total"] / last_year["total"] - 1) * 100
    values["change"] = f"增长{change:.1f}%" if change >= 0 else f"减少{-change:.1f}%"
    v.update(values)
    return table(rows, f"{UNIVERSITY}{v['year']}年收支预算总表")


def t_final(r, v):
    rows, values = _money_rows(v["prev"], scale=1.03)
    rows[0] = ["项目", "决算数（万元）"]
    v.update(values)
    return table(rows, f"{UNIVERSITY}{v['prev']}年收支决算总表")


def t_fees(r, v):
    g = v["year"] - 2023
    return table([
        ["项目", "标准（元/生·学年）", "依据"],
        ["学费：文史、经管类专业", f"{4800 + 200 * (g // 2):,}", "省物价和教育主管部门核定"],
        ["学费：理工类专业", f"{5400 + 200 * (g // 2):,}", "省物价和教育主管部门核定"],
        ["学费：艺术类专业", f"{8200 + 300 * (g // 2):,}", "省物价和教育主管部门核定"],
        ["学费：硕士研究生", "8,000", "按国家研究生收费政策执行"],
        ["住宿费：四人间（独立卫浴）", "1,200", "按核定标准执行"],
        ["住宿费：六人间", "900", "按核定标准执行"],
    ])


def t_service_fees(r, v):
    return table([
        ["项目", "标准", "性质"],
        ["学生公寓空调使用费", "按实际用电量计收", "服务性收费"],
        ["补办校园卡工本费", "20元/张", "服务性收费"],
        ["大学英语四、六级考试费", "按省考试院标准代收", "代收费"],
        ["城乡居民基本医疗保险", "按青岚市当年标准代收", "代收费"],
    ])


def t_sideline(r, v):
    rows = [["姓名", "职务", "兼职单位", "兼职职务", "是否取酬"]]
    leaders = LEADERS_2025 if v["year"] >= 2025 else LEADERS_2023
    posts = [
        ("青岚市高等教育学会", "副会长"), ("省机械工程学会", "常务理事"),
        ("省高校外语教学研究会", "理事"), ("青岚市人民政府决策咨询委员会", "委员"),
        ("省会计学会", "理事"),
    ]
    for (name, job, _), (org, post) in zip(r.sample(leaders, 4), r.sample(posts, 4), strict=True):
        rows.append([name, job, org, post, "否"])
    return table(rows)


def t_trips(r, v):
    rows = [["姓名", "职务", "出访国家（地区）", "主要任务", "在外天数"]]
    trips = [
        ("德国", "考察应用科学大学人才培养模式，续签校际合作协议"),
        ("新加坡", "参加亚太地区高等教育论坛"),
        ("日本", "访问合作院校，洽谈学生交换项目"),
        ("澳大利亚", "考察职业教育与本科教育衔接经验"),
        ("中国香港", "参加粤港澳高校科技成果转化交流会"),
        ("马来西亚", "走访合作院校，商谈国际学生招生合作"),
    ]
    leaders = LEADERS_2025 if v["year"] >= 2025 else LEADERS_2023
    count = 1 if v["year"] == 2026 else r.randint(2, 3)
    for (name, job, _), (place, task) in zip(r.sample(leaders, count), r.sample(trips, count), strict=True):
        rows.append([name, job, place, task, r.randint(5, 8)])
    v.update(trips=count)
    return table(rows)


def t_staff_structure(r, v):
    ug = r.randint(23700, 24800)
    total = ug + r.randint(2300, 3100)
    teachers = r.randint(1480, 1600)
    prof = r.randint(210, 250)
    assoc = r.randint(520, 580)
    phd = r.randint(700, 820)
    v.update(ug_ratio=f"{ug / total * 100:.1f}")
    return table([
        ["项目", "数值"],
        ["全日制在校生（人）", f"{total:,}"],
        ["其中本科生（人）", f"{ug:,}"],
        ["本科生占全日制在校生比例", f"{ug / total * 100:.1f}%"],
        ["专任教师（人）", f"{teachers:,}"],
        ["正高级职称（人）", prof],
        ["副高级职称（人）", assoc],
        ["具有博士学位（人）", phd],
        ["生师比", f"{r.uniform(17.2, 18.6):.1f}:1"],
    ])


# (new majors, stopped major) of each year
MAJOR_CHANGES = {
    2023: (("数据科学与大数据技术", "智能制造工程"), "公共事业管理"),
    2024: (("人工智能", "跨境电子商务"), "商务英语（专升本）"),
    2025: (("机器人工程", "数字媒体艺术"), "信息管理与信息系统"),
    2026: (("供应链管理", "虚拟现实技术"), "工业设计（二年制）"),
}
MAJOR_COLLEGES = {
    "数据科学与大数据技术": "信息工程学院", "智能制造工程": "机械工程学院",
    "人工智能": "信息工程学院", "跨境电子商务": "经济管理学院", "机器人工程": "机械工程学院",
    "数字媒体艺术": "艺术设计学院", "供应链管理": "经济管理学院", "虚拟现实技术": "信息工程学院",
    "公共事业管理": "经济管理学院", "商务英语（专升本）": "外国语学院",
    "信息管理与信息系统": "经济管理学院", "工业设计（二年制）": "艺术设计学院",
}


def t_majors(r, v):
    new, stopped = MAJOR_CHANGES[v["year"]]
    v.update(new=new[0], new2=new[1], stopped=stopped, majors=64 + v["year"] - 2023)
    return table([
        ["类别", "专业名称", "所属学院"],
        ["当年新增", new[0], MAJOR_COLLEGES[new[0]]],
        ["当年新增", new[1], MAJOR_COLLEGES[new[1]]],
        ["当年停招", stopped, MAJOR_COLLEGES[stopped]],
    ])


def t_courses(r, v):
    courses = r.randint(2300, 2650)
    v.update(courses=f"{courses:,}")
    rows = [["学科门类", "实践教学学分占比", "选修课学分占比"]]
    for disc in ("工学", "经济学", "管理学", "文学", "艺术学"):
        low = 30 if disc in ("工学", "艺术学") else 22
        rows.append([disc, f"{r.uniform(low, low + 6):.1f}%", f"{r.uniform(16, 24):.1f}%"])
    return table(rows)


def t_professors(r, v):
    prof = r.randint(215, 245)
    teaching = prof - r.randint(6, 14)
    v.update(prof=prof, teaching=teaching, ratio=f"{teaching / prof * 100:.1f}",
             share=f"{r.uniform(14.5, 19.5):.1f}")
    return table([
        ["指标", "数值"],
        ["教授总数（人）", prof],
        ["主讲本科课程的教授（人）", teaching],
        ["主讲本科课程的教授占教授总数比例", f"{teaching / prof * 100:.1f}%"],
        ["教授授本科课程占课程总门次数比例", f"{v['share']}%"],
    ])


def t_graduates(r, v):
    rows = [["学院", "毕业生（人）", "毕业去向落实率", "升学（人）"]]
    total = placed = further = 0
    for unit in ("机械工程学院", "信息工程学院", "经济管理学院", "外国语学院", "艺术设计学院",
                 "其他学院"):
        n = r.randint(480, 760) if unit != "其他学院" else r.randint(2900, 3300)
        rate = r.uniform(0.86, 0.95)
        up = int(n * r.uniform(0.12, 0.24))
        total += n
        placed += int(n * rate)
        further += up
        rows.append([unit, f"{n:,}", f"{rate * 100:.1f}%", up])
    rows.append(["全校", f"{total:,}", f"{placed / total * 100:.1f}%", f"{further:,}"])
    v.update(graduates=f"{total:,}", rate=f"{placed / total * 100:.1f}", further=f"{further:,}",
             local_pct=f"{r.uniform(52, 64):.1f}")
    return table(rows)


def t_procurement(r, v):
    budget = r.randint(38, 960) * 10000
    v.update(budget=f"{budget / 10000:,.0f}")
    return table([
        ["项目编号", "预算金额（元）", "采购方式", "投标截止时间"],
        [f"QLDX-{v['year']}-{r.randint(10, 99)}{r.randint(100, 999)}", f"{budget:,}",
         v["method"], f"{v['year']}年{r.randint(1, 12)}月{r.randint(1, 28)}日 9:30"],
    ])


def t_college_jobs(r, v):
    rows = [["岗位", "学科方向", "人数", "学历学位要求"]]
    for post, field_, n in v["posts"]:
        rows.append([post, field_, n, "博士研究生" if post != "实验员" else "硕士研究生及以上"])
    return table(rows)


def t_cadres(r, v):
    rows = [["姓名", "现任职务", "拟任职务"]]
    units = ["教务处", "科技处", "人事处", "学生工作处", "机械工程学院", "信息工程学院",
             "经济管理学院", "外国语学院", "图书馆"]
    for unit_from, unit_to in zip(r.sample(units, 4), r.sample(units, 4), strict=True):
        name = r.choice(SURNAMES) + r.choice("文明志海晓慧建国立新思远雅宁")
        rows.append([name, f"{unit_from}副处长" if "学院" not in unit_from else f"{unit_from}副院长",
                     f"{unit_to}处长" if "学院" not in unit_to else f"{unit_to}院长"])
    return table(rows)


def t_scholarship(r, v):
    national = r.randint(22, 30)
    inspire = r.randint(680, 760)
    grant = r.randint(4300, 4900)
    v.update(national=national, inspire=inspire, grant=f"{grant:,}")
    return table([
        ["项目", "人数", "标准（元/人·学年）"],
        ["国家奖学金", national, "10,000"],
        ["国家励志奖学金", inspire, "6,000"],
        ["国家助学金（一等）", int(grant * 0.3), "4,400"],
        ["国家助学金（二等）", grant - int(grant * 0.3), "3,300"],
    ])


def t_degree_meeting(r, v):
    bachelor = r.randint(5800, 6300)
    master = r.randint(560, 720) + 60 * (v["year"] - 2023)
    v.update(bachelor=f"{bachelor:,}", master=master)
    return table([
        ["学位类别", "授予人数"],
        ["学士学位", f"{bachelor:,}"],
        ["硕士学位（学术学位）", int(master * 0.4)],
        ["硕士学位（专业学位）", master - int(master * 0.4)],
    ])


# ---------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------

REGULATION_PARAS = (
    "为规范{aim}，学校依据国家和上级主管部门的有关规定，结合本校实际，制定了《青岚大学{topic}》。"
    "该文件经{meeting}审议通过，现予公布，自公布之日起施行。",
    "文件共{chapters}章{articles}条，明确了适用范围、职责分工、工作程序和监督检查等内容。"
    "执行中遇到的问题，请向{dept}反映。",
)

FIN_RULE_PARAS = (
    "为加强{aim}，提高资金和资产使用效益，学校修订了《青岚大学{topic}》，"
    "经{meeting}研究通过，现印发全校执行。",
    "本次修订主要调整了{change}，并进一步明确了经办人、审核人和审批人的责任。"
    "原有规定与本办法不一致的，以本办法为准。",
)

TENDER_TAIL = (
    "有意参加的供应商请在青岚市公共资源交易平台下载采购文件，并在投标截止时间前递交投标文件。"
)

SERIES = [
    # ---------------------------------------------------------------- 1 基本信息
    S("1", "xxjj", "青岚大学简介", years=(2024,), months=(3, 3), tags=("学校概况",),
      summary="学校历史沿革、校区、学科专业和办学定位的简要介绍。",
      channels=("website", "wechat", "print"),
      nums={"area": lambda r, y: 2346, "majors": lambda r, y: 67},
      paragraphs=(
          "青岚大学位于青岚市湖滨区，办学历史可追溯到1958年建立的青岚工学院。1999年，"
          "青岚工学院与青岚财经学校、青岚外语师范学校合并组建青岚大学，现为省属全日制"
          "普通本科高校。",
          "学校设湖滨、西山两个校区，占地{area:,}亩，开设本科专业{majors}个，形成了以工学"
          "为主体，经济学、管理学、文学、艺术学协调发展的学科布局，是省内重要的应用型"
          "人才培养基地。",
          "学校以“博学笃行、明理致用”为校训，面向区域产业发展需要，着力培养基础扎实、"
          "实践能力强的高素质专门人才。",
      )),
    S("1", "jgsz", "青岚大学机构设置一览（{year}年）", years=(2024, 2026), months=(1, 4),
      tags=("机构设置",), table=t_structure,
      summary="学校党群部门、行政部门、教学科研单位和直属单位的设置情况。",
      paragraphs=(
          "根据学校内设机构调整方案，现将截至{year}年{month}月的机构设置情况公布如下。",
          "各单位的职能、负责人和联系方式可在学校主页“机构设置”栏目查询。",
      )),
    S("1.1", "jbqk", "{year}年办学基本情况", years=(2023, 2024, 2025), months=(10, 10),
      tags=("办学规模", "基本数据"), table=t_basic,
      summary="截至{year}年9月30日的办学规模、学科专业、在校生和教职工数量等基本数据。",
      paragraphs=(
          "以下数据的统计时点为{year}年9月30日，口径与学校报送的高等教育基层统计报表一致。",
          "与上一统计年度相比，全日制在校生增加约{growth}人，其中研究生增加{pg_growth}人；"
          "专任教师中具有博士学位的比例达到{phd_ratio}%。",
      )),
    S("1.2", "ldbz", "校级领导班子成员及分工（{year}年）", years=(2023, 2025), months=(3, 7),
      tags=("领导班子", "工作分工"), table=t_leaders,
      summary="校级领导班子成员名单及各自分管的工作。",
      paragraphs=(
          "经学校党委研究，现将校级领导班子成员及工作分工公布如下。",
          "班子成员在分管范围内履行职责；跨分管领域的事项由主要负责同志协调，"
          "或提交校长办公会研究。",
      )),
    S("2", "gzzd", "青岚大学{topic}", months=(1, 12), doc="青岚大发〔{year}〕{docno}号",
      tags=("规章制度",), paragraphs=REGULATION_PARAS,
      summary="《青岚大学{topic}》全文，规范{aim}。",
      nums={"meeting": C("校长办公会", "党委常委会"), "chapters": N(5, 8), "articles": N(24, 46)},
      variants=(
          {"slug": "jw", "dept": "JWC", "year": 2023, "topic": "本科课程考核与成绩管理办法",
           "aim": "本科课程考核的组织和成绩记载工作"},
          {"slug": "dz", "dept": "DZB", "year": 2023, "topic": "公文处理实施细则",
           "aim": "公文的起草、审核、签发和归档"},
          {"slug": "xxgk", "dept": "DZB", "year": 2023, "topic": "信息公开实施办法",
           "aim": "学校信息的主动公开、依申请公开和保密审查"},
          {"slug": "hq", "dept": "HQC", "year": 2024, "topic": "学生公寓管理规定",
           "aim": "学生公寓的住宿秩序和安全管理", "date": datetime.date(2024, 8, 26)},
          {"slug": "rs", "dept": "RSC", "year": 2024, "topic": "教职工年度考核办法",
           "aim": "教职工年度考核的标准与程序"},
          {"slug": "xc", "dept": "XCB", "year": 2024, "topic": "校园网站与新媒体平台管理办法",
           "aim": "各级网站和新媒体账号的开设、内容发布与安全管理"},
          {"slug": "kj", "dept": "KJC", "year": 2025, "topic": "横向科研项目管理办法",
           "aim": "横向科研项目的立项、合同签订和经费使用"},
          {"slug": "zc", "dept": "ZCZX", "year": 2025, "topic": "公用房管理办法",
           "aim": "公用房的配置、调整和收回"},
          {"slug": "gj", "dept": "GJC", "year": 2026, "topic": "外事接待管理办法",
           "aim": "外宾来访接待和因公对外交流活动"},
      )),
    S("2", "zc", "青岚大学章程（2024年修订）", years=(2024,), doc="青岚大党发〔2024〕9号",
      tags=("章程", "依法治校"), channels=("website", "print"),
      overrides={2024: {"date": datetime.date(2024, 5, 20)}},
      summary="经省教育厅核准的学校章程修订稿全文。",
      paragraphs=(
          "《青岚大学章程（2024年修订）》已经学校第五届教职工代表大会第二次会议讨论、"
          "党委常委会审定，并报省教育厅核准，现予发布。",
          "这次修订重点完善了党委领导下的校长负责制的运行机制，补充了学术委员会、"
          "教职工代表大会和二级学院治理的有关条款，共修改条款二十一条、新增六条。",
          "章程是学校办学治校的基本依据，学校其他规章制度与章程不一致的，应当按照章程修改。",
      )),
    S("2", "ssgd", "青岚大学学生宿舍管理暂行规定", years=(2023,), dept="HQC",
      doc="青岚大发〔2023〕4号", tags=("规章制度", "学生宿舍"),
      overrides={2023: {"date": datetime.date(2023, 2, 20), "fields": {
          "validity": "repealed", "validity_changed_on": datetime.date(2024, 8, 26)}}},
      summary="已由《青岚大学学生公寓管理规定》替代，仅供查阅。",
      paragraphs=(
          "本规定对学生宿舍的分配、调整、卫生检查和用电安全作了暂行安排。",
          "自2024年8月26日《青岚大学学生公寓管理规定》施行之日起，本规定同时废止。",
      )),
    S("3", "jdhbg", "第五届教职工代表大会第{session}次会议学校工作报告",
      months=(3, 4), tags=("教代会", "工作报告"), channels=("website", "meeting"),
      nums={"reps": N(268, 296), "props": N(46, 88), "resolution": C(
          "关于学校工作报告的决议和关于财务工作报告的决议",
          "《教职工年度考核办法》修订方案和关于提案工作报告的决议",
          "《校园建设规划（修编）》和关于学校工作报告的决议"),
          "focus": C("青年教师发展、校园交通和食堂服务", "绩效工资分配、实验室安全和教师培训",
                     "职称评审、学科建设和校园环境改善", "住房公积金调整、课程建设和教职工体检")},
      summary="{year}年教代会审议的学校工作报告及会议主要情况。",
      paragraphs=(
          "{year}年{month}月，青岚大学第五届教职工代表大会第{session}次会议暨工会会员代表大会"
          "在湖滨校区召开，{reps}名正式代表出席。",
          "会议审议了校长所作的学校工作报告、财务工作报告和提案工作报告，表决通过了{resolution}。",
          "会议期间，代表们围绕{focus}等议题分组讨论，共提交提案{props}件，会后由提案工作"
          "委员会审查立案并交有关部门办理。",
      )),
    S("3", "jdhxz", "青岚大学教职工代表大会实施细则", years=(2023,), months=(5, 6),
      doc="青岚大党发〔{year}〕{docno}号", tags=("教代会", "规章制度"),
      summary="教代会的职权、代表产生办法、组织制度和提案工作程序。",
      paragraphs=(
          "本细则规定了教职工代表大会的职权、代表的产生与任期、会议的召开程序以及"
          "提案的征集、立案和督办办法。",
          "教代会每学年至少召开一次全体会议，涉及教职工切身利益的重要改革方案须提交大会审议。",
      )),
    S("3", "tabl", "第五届教职工代表大会第三次会议提案办理情况", years=(2025,), months=(9, 9),
      tags=("教代会", "提案"), channels=("meeting",),
      overrides={2025: {"fields": {"audience": "campus", "restriction_reason":
                                   "办理情况逐件列出提案人及其个人诉求，仅在校内向教职工公开。"}}},
      summary="本次会议立案提案的办理进度和答复情况。",
      paragraphs=(
          "第五届教职工代表大会第三次会议共立案提案{props}件，截至{year}年{month}月，"
          "已办结{done}件，其余提案已列入相关部门年度工作计划。",
      ), nums={"props": N(52, 60), "done": N(44, 50)}),
    S("4", "xswyh", "学术委员会{prev}年度工作报告", years=(2024, 2025, 2026), months=(1, 3),
      dept="KJC", tags=("学术委员会", "年度报告"),
      nums={"meetings": N(3, 5), "sub": N(9, 16), "items": N(28, 47), "revised": N(2, 5),
            "awards": N(30, 52)},
      summary="{prev}年校学术委员会的会议、审议事项和学术评价工作情况。",
      paragraphs=(
          "{prev}年，校学术委员会召开全体会议{meetings}次、专门委员会会议{sub}次，"
          "审议学科专业设置、人才引进、科研评价等事项{items}项。",
          "年内审议修订学术管理制度{revised}项，评审校级教学科研成果奖{awards}项，"
          "并对新增本科专业申报材料进行了论证。",
      )),
    S("4", "xswyhzc", "青岚大学学术委员会章程", years=(2023,), months=(4, 4),
      doc="青岚大发〔{year}〕{docno}号", dept="KJC", tags=("学术委员会", "规章制度"),
      summary="学术委员会的组成、职责、议事规则和委员产生办法。",
      paragraphs=(
          "学术委员会是学校最高学术机构，统筹行使学术事务的决策、审议、评定和咨询等职权。",
          "委员由学校不同学科、专业的教授和具有正高级专业技术职务的教师组成，"
          "不担任党政领导职务的专任教授不少于委员总数的二分之一。",
      )),
    S("5", "gzyd", "青岚大学{year}年工作要点", months=(2, 3), doc="青岚大党发〔{year}〕{docno}号",
      tags=("工作要点", "年度计划"),
      nums={"focus": lambda r, y: {
          2023: "本科教学工作审核评估整改、新工科专业建设和西山校区二期工程",
          2024: "章程修订、硕士学位授权点培育和智慧校园建设",
          2025: "“十四五”规划收官评估、产教融合平台建设和学生公寓改造",
          2026: "“十五五”规划启动实施、博士学位授予单位培育和人才引进“青岚计划”",
      }[y], "tasks": N(36, 52)},
      summary="学校{year}年的工作思路、重点任务和责任分工。",
      paragraphs=(
          "{year}年学校工作的总体要求是：坚持立德树人根本任务，围绕{focus}等重点，"
          "推进内涵式发展。",
          "全年共安排重点工作{tasks}项，每项工作明确了牵头校领导、责任单位和完成时限，"
          "由党政办公室按季度督办。",
      )),
    S("5", "sww", "青岚大学“十五五”事业发展规划", years=(2026,), months=(1, 1),
      doc="青岚大党发〔2026〕2号", tags=("发展规划", "十五五"), channels=("website", "print"),
      summary="2026—2030年学校发展目标、主要任务和保障措施。",
      paragraphs=(
          "规划提出，到2030年，学校全日制在校生规模稳定在2.8万人左右，研究生占比提高到"
          "百分之十二以上，力争获批博士学位授予单位。",
          "规划围绕人才培养、学科建设、科技创新、师资队伍、开放办学和治理能力六个方面"
          "部署了二十项重点任务，并配套编制了学科建设等七个专项规划。",
      )),
    S("5", "gzyd2027", "青岚大学2027年工作要点（征求意见稿）", years=(2026,), months=(11, 11),
      tags=("工作要点",),
      overrides={2026: {"draft": True, "date": datetime.date(2026, 11, 10)}},
      summary="2027年工作要点的征求意见稿，定稿后发布。",
      paragraphs=("本稿正在各单位征求意见，意见汇总后提交党委常委会审议。",)),
    # The reports up to 2024-2025; that of 2025-2026 is an AnnualReportPage computed from
    # the data (demo_content/annual_report.py).
    S("6", "ndbg", "青岚大学{pay}学年信息公开工作年度报告", years=(2023, 2024, 2025),
      months=(10, 10), tags=("年度报告", "信息公开"), table=t_disclosure_report,
      summary="{pay}学年学校主动公开、依申请公开和信息公开工作情况的年度报告。",
      paragraphs=(
          "{pay}学年，学校对照信息公开事项清单，通过学校网站、微信公众号、信息公开栏和"
          "各类会议主动公开信息{total}条。",
          "本学年共收到信息公开申请{requests}件，已全部在规定期限内答复，其中同意公开{granted}件，"
          "其余申请所涉信息不属于学校掌握的信息或涉及个人隐私。学校未因信息公开工作被举报，"
          "未收取任何费用。",
          "下一学年，学校将继续完善信息公开目录，推动各单位按时更新清单事项，并加强对"
          "信息发布前保密审查的培训。",
      )),
    # ---------------------------------------------------------------- 2 招生考试信息
    S("7", "bkzszc", "青岚大学{year}年普通本科招生章程", months=(5, 6),
      tags=("招生章程", "本科招生"), channels=("website", "wechat"),
      extra={"admission_year": "{year}", "education_level": "undergraduate"},
      nums={"provinces": N(22, 26)},
      summary="{year}年普通本科招生的录取规则、收费标准和咨询方式。",
      paragraphs=(
          "本章程依据《中华人民共和国高等教育法》和教育部有关招生工作的规定制定，"
          "适用于青岚大学{year}年普通本科招生。",
          "学校{year}年面向{provinces}个省（自治区、直辖市）招生，分省分专业计划以各省级"
          "招生考试机构公布的为准；在实行高考综合改革的省份，按专业（类）提出选考科目要求。",
          "投档后，学校按照“分数优先、遵循志愿”的原则安排专业，专业志愿之间不设分数级差。"
          "招生咨询电话：{tel_zs}。",
      )),
    S("7", "zsjh", "青岚大学{year}年分省分科类招生计划", months=(6, 6),
      tags=("招生计划", "本科招生"), channels=("website", "wechat"), table=t_plan,
      extra={"admission_year": "{year}", "education_level": "undergraduate"},
      overrides={2026: {"attach": "csv"}},
      summary="{year}年普通本科分省份、分科类招生计划，共计{plan}人。",
      paragraphs=(
          "学校{year}年普通本科计划招生{plan}人，其中本省{local}人，省外{outside}人。",
          "分专业计划见各省招生考试机构编印的志愿填报指南；如计划有调整，以省级招生考试"
          "机构公布的为准。",
      )),
    S("7", "yszs", "青岚大学{year}年艺术类本科专业招生办法", years=(2024, 2025, 2026), months=(1, 2),
      tags=("艺术类", "特殊类型招生"), channels=("website", "wechat"),
      extra={"admission_year": "{year}", "education_level": "undergraduate"},
      nums={"plan": N(160, 220)},
      summary="{year}年艺术类本科专业的报考条件、专业考试和录取规则。",
      paragraphs=(
          "{year}年学校艺术类专业计划招生{plan}人，涉及视觉传达设计、环境设计、产品设计和"
          "数字媒体艺术四个专业，使用各省美术与设计类专业统考成绩，不组织校考。",
          "录取时按照考生综合分从高到低排序，综合分计算办法以生源省份的规定为准。",
      )),
    S("8", "gspyd", "{year}年高水平运动队招生测试合格考生名单公示", months=(3, 4),
      tags=("高水平运动队", "特殊类型招生", "公示"), table=t_sports,
      extra={"admission_year": "{year}", "education_level": "undergraduate"},
      summary="{year}年高水平运动队专项测试合格考生的公示。",
      paragraphs=(
          "根据学校{year}年高水平运动队招生简章，专项测试于{month}月在湖滨校区体育馆和田径场"
          "举行，{tested}名考生参加测试，{passed}名考生测试合格。",
          "公示期为5个工作日。对名单有异议的，可在公示期内以实名方式向招生就业处或"
          "纪检监察审计室反映。",
      )),
    S("8", "ysxk", "{year}年艺术类专业加试合格考生名单", years=(2025, 2026), months=(3, 3),
      tags=("艺术类", "公示"), extra={"admission_year": "{year}", "education_level": "undergraduate"},
      nums={"passed": N(48, 90)},
      summary="{year}年音乐表演专业面试加试合格考生的公示。",
      paragraphs=(
          "{year}年音乐表演专业面试加试共有{passed}名考生合格，名单按考生号顺序排列。",
          "合格考生须在高考志愿中填报本校相应专业方可参加录取。",
      )),
    S("9", "lqcx", "{year}年本科录取结果查询办法", years=(2024, 2025, 2026), months=(7, 7),
      tags=("录取查询", "本科招生"), channels=("website", "wechat"),
      extra={"admission_year": "{year}", "education_level": "undergraduate"},
      summary="考生查询{year}年本科录取结果的渠道和时间。",
      paragraphs=(
          "考生可在各批次录取结束后的第二天起，通过学校招生信息网“录取查询”栏目或"
          "青岚大学招生微信公众号，输入考生号和身份证号后六位查询录取结果。",
          "录取通知书一般在录取结束后两周内通过邮政特快专递寄出，请考生保持电话畅通。",
      )),
    S("9", "lqfs", "{year}年分省录取人数及最低分", years=(2023, 2024, 2025), months=(8, 9),
      tags=("录取分数", "本科招生"), table=t_scores, channels=("website", "wechat"),
      extra={"admission_year": "{year}", "education_level": "undergraduate"},
      summary="{year}年普通本科在部分省份的录取人数和录取最低分。",
      paragraphs=(
          "下表列出{year}年学校在部分省份的录取人数和投档最低分，其余省份数据可向"
          "招生就业处咨询。",
      )),
    S("10", "zxss", "{year}年本科招生咨询及考生申诉渠道", years=(2024, 2025, 2026), months=(5, 6),
      tags=("招生咨询", "申诉"), channels=("website", "wechat"),
      extra={"admission_year": "{year}", "education_level": "undergraduate"},
      summary="{year}年本科招生的咨询电话、网站和申诉受理方式。",
      paragraphs=(
          "招生咨询电话：{tel_zs}；招生咨询邮箱：{mail_zs}。高考志愿填报期间，咨询电话"
          "每天8:00至22:00有人值守。",
          "考生对录取工作有异议的，可向学校招生工作监督小组书面申诉（电话 {tel_jj}），"
          "学校将在收到申诉后10个工作日内答复。",
      )),
    S("10", "xsfc", "{year}级新生入学资格复查结果公告", years=(2023, 2024, 2025), months=(10, 11),
      tags=("新生复查",), extra={"admission_year": "{year}", "education_level": "undergraduate"},
      nums={"checked": N(6100, 6500), "issues": N(1, 3)},
      summary="{year}级本科新生入学资格复查的总体结果。",
      paragraphs=(
          "学校对{year}级{checked:,}名本科新生的录取资格、身份信息和体检结果进行了复查。",
          "复查中发现需进一步核实的情况{issues}起，已按规定调查处理；复查期间未收到"
          "有关新生资格的实名举报。",
      )),
    S("11", "ssjz", "青岚大学{next}年硕士研究生招生简章", months=(9, 10), dept="YJSY",
      tags=("研究生招生", "招生简章"), channels=("website", "wechat"),
      extra={"admission_year": "{next}", "education_level": "master"},
      nums={"quota": N(820, 900, 60)},
      summary="{next}年硕士研究生的招生计划、报考条件和报名时间。",
      paragraphs=(
          "学校{next}年计划招收硕士研究生约{quota}人，其中全日制专业学位研究生约占六成，"
          "最终计划以上级部门下达的为准。",
          "网上报名和预报名时间、考试科目及参考书目，请以本简章附件的招生专业目录为准。",
      )),
    S("11", "fslq", "{year}年硕士研究生复试录取工作办法", years=(2024, 2025, 2026), months=(3, 3),
      dept="YJSY", tags=("研究生招生", "复试"), table=t_master_quota,
      extra={"admission_year": "{year}", "education_level": "master"},
      summary="{year}年硕士研究生复试的组织、成绩计算和录取办法及各学院招收人数。",
      paragraphs=(
          "复试由各学院组织，采用现场方式进行，内容包括专业课笔试、综合面试和外语听说能力测试。",
          "考生总成绩按初试成绩占七成、复试成绩占三成计算；复试成绩不合格的，不予录取。"
          "各学院{year}年计划招收硕士研究生共{quota}人。",
      )),
    S("12", "fscj", "{year}年硕士研究生复试考生成绩公示", years=(2024, 2025, 2026), months=(4, 4),
      dept="YJSY", tags=("研究生招生", "复试成绩"), table=t_retest,
      extra={"admission_year": "{year}", "education_level": "master"},
      summary="{year}年参加硕士研究生复试考生的初试、复试和总成绩。",
      paragraphs=(
          "现将{year}年参加复试考生的成绩予以公示，公示期为10个工作日。",
          "考生对本人成绩有疑问的，可在公示期内向报考学院申请复核。",
      )),
    S("13", "nlq", "{year}年拟录取硕士研究生名单公示", years=(2024, 2025, 2026), months=(4, 5),
      dept="YJSY", tags=("研究生招生", "拟录取"), table=t_admitted,
      extra={"admission_year": "{year}", "education_level": "master"},
      summary="{year}年拟录取硕士研究生名单。",
      paragraphs=(
          "经复试和资格审查，现将{year}年拟录取硕士研究生名单公示如下，公示期不少于10个工作日。",
          "拟录取名单须经上级招生考试机构审核后方为正式录取。",
      )),
    S("14", "yzzx", "{year}年研究生招生咨询及申诉渠道", years=(2025, 2026), months=(9, 10),
      dept="YJSY", tags=("研究生招生", "咨询", "申诉"),
      extra={"admission_year": "{next}", "education_level": "master"},
      summary="{next}年研究生招生的咨询和申诉方式。",
      paragraphs=(
          "研究生招生咨询电话：{tel_yz}，邮箱：{mail_yz}。",
          "考生对招生录取有异议的，可在公示期内向研究生院或纪检监察审计室书面申诉。",
      )),
    # ---------------------------------------------------------------- 3 财务、资产及收费
    S("15", "cwzd", "青岚大学{topic}", months=(1, 12), doc="青岚大发〔{year}〕{docno}号",
      tags=("财务制度",), paragraphs=FIN_RULE_PARAS, extra={"finance_document_type": "rules"},
      summary="《青岚大学{topic}》全文。",
      nums={"meeting": C("校长办公会", "党委常委会")},
      variants=(
          {"slug": "clf", "dept": "CWC", "year": 2023, "topic": "差旅费管理办法",
           "aim": "差旅费管理", "change": "住宿费限额和市内交通费包干标准"},
          {"slug": "kyjf", "dept": "CWC", "year": 2024, "topic": "科研经费管理办法",
           "aim": "科研经费管理", "change": "间接费用比例和劳务费的发放方式"},
          {"slug": "gwjd", "dept": "CWC", "year": 2024, "topic": "公务接待管理规定",
           "aim": "公务接待管理", "change": "接待审批程序和用餐标准"},
          {"slug": "gyzc", "dept": "ZCZX", "year": 2025, "topic": "国有资产管理办法",
           "aim": "国有资产管理", "change": "资产配置、调剂和处置的审批权限"},
          {"slug": "nbsj", "dept": "JJSJS", "year": 2026, "topic": "内部审计工作规定",
           "aim": "内部审计监督", "change": "经济责任审计的范围和审计结果的运用"},
      )),
    S("18", "zb", "{project}{kind}", months=(1, 12), tags=("招标采购",),
      channels=("website", "bulletin"), table=t_procurement,
      extra={"finance_document_type": "procurement"},
      summary="{project}的{kind}。",
      paragraphs=(
          "{project}已经学校批准立项，资金来源为{source}，采用{method}方式确定供应商。",
          "{tail}项目联系人：{contact}，电话：{tel}。",
      ),
      nums={"source": C("财政专项资金", "学校自筹资金", "中央支持地方高校发展专项资金")},
      variants=(
          {"slug": "wlsb", "dept": "ZCZX", "year": 2023, "project": "校园网核心交换设备升级项目",
           "kind": "招标公告", "method": "公开招标", "tail": TENDER_TAIL},
          {"slug": "jsj", "dept": "ZCZX", "year": 2023, "project": "信息工程学院计算机实验室设备采购项目",
           "kind": "招标公告", "method": "公开招标", "tail": TENDER_TAIL},
          {"slug": "ts", "dept": "ZCZX", "year": 2024, "project": "图书馆2024年中外文图书采购项目",
           "kind": "中标结果公告", "method": "公开招标",
           "tail": "经评标委员会评审，中标供应商为青岚书香图书发行有限公司，中标金额按码洋折扣"
                   "72.5%结算。对结果有异议的，可在公告期满前书面提出质疑。"},
          {"slug": "gy", "dept": "HQC", "year": 2024, "project": "西山校区学生公寓维修改造工程",
           "kind": "招标公告", "method": "公开招标", "tail": TENDER_TAIL},
          {"slug": "st", "dept": "HQC", "year": 2025, "project": "湖滨校区第二食堂改造工程",
           "kind": "招标公告", "method": "竞争性磋商", "tail": TENDER_TAIL},
          {"slug": "znzz", "dept": "ZCZX", "year": 2025, "project": "机械工程学院智能制造实训平台建设项目",
           "kind": "中标结果公告", "method": "公开招标",
           "tail": "经评标委员会评审，中标供应商为青岚智造装备科技有限公司，中标金额"
                   "3,486,000元。公告期限为1个工作日。"},
          {"slug": "tyg", "dept": "HQC", "year": 2026, "project": "体育馆屋面防水维修工程",
           "kind": "招标公告", "method": "询价", "tail": TENDER_TAIL},
          {"slug": "yp", "dept": "ZCZX", "year": 2026, "project": "化学实验药品及耗材年度采购项目",
           "kind": "招标公告", "method": "公开招标", "tail": TENDER_TAIL},
      )),
    S("18", "gysj", "西山校区学生公寓维修改造工程结算审计报告", years=(2025,), months=(6, 6),
      dept="JJSJS", tags=("基建工程", "审计"), extra={"finance_document_type": "procurement"},
      overrides={2025: {"fields": {"disclosure_mode": "on_request", "restriction_reason":
                                   "报告含工程结算明细和施工单位报价构成，依申请提供。"}}},
      summary="工程结算审计的结论和审减金额。",
      paragraphs=("本报告对西山校区学生公寓维修改造工程的结算进行了审计，审减金额{cut}万元。",),
      nums={"cut": D(18, 46)}),
    S("18", "tbwj", "校园网核心交换设备升级项目投标文件", years=(2023,), months=(7, 7),
      dept="ZCZX", tags=("招标采购",), extra={"finance_document_type": "procurement"},
      overrides={2023: {"fields": {"disclosure_mode": "exempt",
                                   "exemption_basis": "commercial_secret", "restriction_reason":
                                   "投标文件载有投标人的技术方案和报价构成，属于商业秘密。"}}},
      summary="中标供应商的投标文件。",
      paragraphs=("本项目中标供应商的投标文件，由资产管理中心存档。",)),
    S("19", "ys", "青岚大学{year}年部门预算", months=(3, 4), tags=("部门预算", "财务公开"),
      channels=("website", "bulletin"), table=t_budget,
      extra={"fiscal_year": "{year}", "finance_document_type": "budget"},
      overrides={2026: {"attach": "csv"}},
      summary="{year}年收支预算总表及预算说明，收支总预算{income}亿元。",
      paragraphs=(
          "{year}年学校收入预算{income}亿元，比上年{change}；支出预算{income}亿元，收支平衡。",
          "收入预算中，财政拨款收入{fiscal}亿元，占{fiscal_pct}%；事业收入{biz}亿元，"
          "主要为学费、住宿费和科研事业收入。",
          "支出预算中，教育支出{edu}亿元，科学技术支出{sci}亿元，社会保障和就业支出{ss}亿元，"
          "住房保障支出{house}亿元。",
      )),
    S("20", "js", "青岚大学{prev}年部门决算", months=(8, 9), tags=("部门决算", "财务公开"),
      channels=("website", "bulletin"), table=t_final,
      extra={"fiscal_year": "{prev}", "finance_document_type": "final_accounts"},
      summary="{prev}年收支决算总表及决算说明。",
      paragraphs=(
          "{prev}年学校决算收入{income}亿元，决算支出{income}亿元。其中财政拨款收入{fiscal}亿元，"
          "事业收入{biz}亿元。",
          "支出决算中，教育支出{edu}亿元，科学技术支出{sci}亿元。“三公”经费支出控制在"
          "预算以内，具体情况见决算说明。",
      )),
    S("20", "jsmx", "2024年度部门决算分项目明细表", years=(2025,), months=(9, 9),
      tags=("部门决算",), extra={"fiscal_year": "2024", "finance_document_type": "final_accounts"},
      overrides={2025: {"fields": {"disclosure_mode": "on_request", "restriction_reason":
                                   "明细表按合同逐项列示，涉及合同相对方信息，依申请提供。"}}},
      summary="2024年度决算按项目列示的明细数据。",
      paragraphs=("本表按项目列示2024年度各类支出的决算数。",)),
    S("21", "sfbz", "{ay}学年学费、住宿费收费标准", months=(7, 8),
      tags=("收费标准", "学费", "住宿费"), channels=("website", "bulletin", "print"),
      table=t_fees, extra={"finance_document_type": "fees"},
      overrides={2023: {"fields": {"validity": "expired",
                                   "validity_changed_on": datetime.date(2024, 8, 31)}}},
      summary="{ay}学年本科生和研究生的学费、住宿费标准及收费依据。",
      paragraphs=(
          "学校按照省物价主管部门和教育主管部门核定的标准收取学费和住宿费，{ay}学年"
          "各项标准见下表。",
          "学生对收费有疑问的，可向财务处咨询（电话 {tel_cw}）；认为收费不合规的，"
          "可向纪检监察审计室投诉（电话 {tel_jj}）。",
      )),
    S("21", "fwsf", "服务性收费和代收费项目公示", years=(2025,), months=(8, 8),
      tags=("收费标准",), channels=("website", "bulletin"), table=t_service_fees,
      extra={"finance_document_type": "fees"},
      summary="学校服务性收费和代收费项目、标准及其性质。",
      paragraphs=(
          "服务性收费和代收费遵循学生自愿、非营利和事先公示的原则，学校不得强制收取。",
      )),
    # ---------------------------------------------------------------- 4 人事师资信息
    S("22", "sjqk", "校级领导干部社会兼职情况（{year}年）", months=(3, 5),
      tags=("社会兼职", "领导干部"), table=t_sideline,
      summary="{year}年校级领导干部在社会团体中兼职的情况。",
      paragraphs=(
          "按照干部管理权限，校级领导干部在社会团体兼职均已履行审批程序，"
          "兼职期间均未领取薪酬、奖金和津贴。",
      )),
    S("23", "cgcj", "校级领导干部因公出国（境）情况（{year}年）", months=(5, 11),
      tags=("因公出国", "领导干部"), table=t_trips,
      summary="{year}年校级领导干部因公出国（境）的团组和任务。",
      paragraphs=(
          "{year}年，校级领导干部因公出国（境）{trips}人次，均按规定报批，"
          "出访任务、行程和经费执行情况如下。",
      )),
    S("24", "gwsz", "青岚大学{topic}", months=(3, 11), doc="青岚大人〔{year}〕{docno}号",
      tags=("岗位设置", "聘用"), paragraphs=REGULATION_PARAS,
      summary="《青岚大学{topic}》全文。",
      nums={"meeting": C("校长办公会", "教职工代表大会主席团会议"), "chapters": N(5, 7),
            "articles": N(28, 40)},
      variants=(
          {"slug": "fa", "year": 2023, "topic": "岗位设置管理实施方案",
           "aim": "各类岗位的设置比例、聘用条件和聘期管理"},
          {"slug": "zc", "year": 2024, "topic": "专业技术职务评聘办法",
           "aim": "专业技术职务的申报条件、评审程序和聘后管理"},
      )),
    S("24", "pygs", "{year}年专业技术岗位聘用结果公示", years=(2024, 2025), months=(12, 12),
      tags=("岗位聘用", "公示"), nums={"senior": N(38, 55), "middle": N(60, 92)},
      summary="{year}年度专业技术岗位聘用结果。",
      paragraphs=(
          "经个人申报、学院推荐和学校岗位聘用委员会评议，{year}年度拟聘高级专业技术岗位"
          "{senior}人、中级专业技术岗位{middle}人。",
          "公示期为7天。对公示人员有异议的，请以书面形式向人事处或纪检监察审计室反映。",
      )),
    S("25", "zp", "{dept}{year}年专任教师招聘公告", months=(3, 10),
      tags=("人员招聘",), table=t_college_jobs, channels=("website", "wechat"),
      summary="{dept}{year}年专任教师岗位、条件和报名方式。",
      paragraphs=(
          "因学科建设和教学工作需要，{dept}{year}年面向海内外公开招聘专任教师，岗位和条件见下表。",
          "应聘者请将个人简历、学位证书和代表性成果发送至{mail}，邮件标题注明“应聘岗位-姓名”。",
      ),
      variants=(
          {"slug": "jxxy", "dept": "JXXY", "year": 2023, "mail": email("jxxy"), "posts": (
              ("专任教师", "机械设计及理论", 3), ("专任教师", "机器人与智能装备", 2),
              ("实验员", "数控技术", 1))},
          {"slug": "xxxy", "dept": "XXXY", "year": 2024, "mail": email("xxxy"), "posts": (
              ("专任教师", "人工智能", 4), ("专任教师", "网络空间安全", 2))},
          {"slug": "jgxy", "dept": "JGXY", "year": 2024, "mail": email("jgxy"), "posts": (
              ("专任教师", "数字经济", 2), ("专任教师", "会计学", 2))},
          {"slug": "wyxy", "dept": "WYXY", "year": 2025, "mail": email("wyxy"), "posts": (
              ("专任教师", "翻译学", 2), ("专任教师", "日语语言文学", 1))},
          {"slug": "ysxy", "dept": "YSXY", "year": 2026, "mail": email("ysxy"), "posts": (
              ("专任教师", "数字媒体艺术", 2), ("专任教师", "环境设计", 1),
              ("实验员", "交互设计实验室", 1))},
      )),
    S("25", "fdy", "{year}年公开招聘专职辅导员公告", years=(2024, 2025), months=(4, 6),
      tags=("人员招聘", "辅导员"), nums={"n": N(12, 20)},
      summary="{year}年专职辅导员的招聘人数、条件和程序。",
      paragraphs=(
          "学校{year}年公开招聘专职辅导员{n}名，须为中共党员，具有硕士研究生及以上学历。",
          "招聘程序包括资格审查、笔试、面试、考察和体检，各环节结果在本栏目公布。",
      )),
    S("25", "rqgs", "{year}年中层干部任前公示", months=(6, 12), dept="ZZTZB",
      tags=("干部任免", "任前公示"), table=t_cadres, channels=("website", "bulletin"),
      summary="{year}年拟任中层干部人选的任前公示。",
      paragraphs=(
          "经学校党委常委会研究，拟任命以下同志担任中层领导职务，现予以公示。",
          "公示期为5个工作日。如有问题，请在公示期内向组织统战部反映，电话 {tel_zz}。",
      )),
    S("25", "khjg", "2025年度中层干部考核结果", years=(2026,), months=(1, 1), dept="ZZTZB",
      tags=("干部考核",),
      overrides={2026: {"fields": {"audience": "campus", "restriction_reason":
                                   "考核结果涉及干部个人评价，按干部管理规定在校内公布。"}}},
      summary="2025年度中层领导班子和中层干部考核结果。",
      paragraphs=("2025年度中层干部考核共评出优秀等次{good}人，考核结果已反馈本人。",),
      nums={"good": N(24, 31)}),
    # ---------------------------------------------------------------- 5 教学质量信息
    S("27", "bksb", "{pay}学年本科生占比及教师队伍结构", years=(2023, 2024, 2025), months=(10, 11),
      tags=("教学质量", "师资结构"), table=t_staff_structure, extra={"academic_year": "{prev}"},
      summary="{pay}学年本科生占全日制在校生比例和专任教师结构。",
      paragraphs=(
          "{pay}学年，本科生占全日制在校生总数的{ug_ratio}%。专任教师的职称、学位结构见下表。",
      )),
    S("28", "zysz", "{year}年本科专业设置及新增、停招专业名单", months=(4, 5),
      tags=("专业设置", "新增专业"), table=t_majors, extra={"academic_year": "{year}"},
      summary="{year}年招生的本科专业数量及当年新增、停招专业。",
      paragraphs=(
          "{year}年学校招生本科专业{majors}个。经教育部备案，新增{new}、{new2}两个本科专业，"
          "{stopped}专业自当年起停止招生。",
          "停招专业的在校学生按原培养方案完成学业，学校保障其教学资源不减少。",
      )),
    S("29", "kcjg", "{pay}学年开设课程及学分结构", years=(2023, 2024, 2025), months=(10, 11),
      tags=("课程", "学分结构"), table=t_courses, extra={"academic_year": "{prev}"},
      summary="{pay}学年全校开设课程门数、实践教学和选修课学分比例。",
      paragraphs=(
          "{pay}学年全校共开设本科课程{courses}门。各学科门类实践教学学分和选修课学分"
          "占总学分的比例见下表。",
      )),
    S("30", "jsskl", "{pay}学年教授为本科生授课情况", years=(2023, 2024, 2025), months=(10, 11),
      tags=("教授授课",), table=t_professors, extra={"academic_year": "{prev}"},
      summary="主讲本科课程的教授比例和教授授课门次占比。",
      paragraphs=(
          "{pay}学年学校共有教授{prof}人，其中{teaching}人主讲本科课程，占{ratio}%；"
          "教授讲授的本科课程占课程总门次数的{share}%。",
          "未承担本科教学任务的教授，主要因借调、长期病假或出国研修等原因。",
      )),
    S("31", "jycs", "青岚大学促进毕业生就业创业的若干措施", years=(2023,), months=(3, 3),
      doc="青岚大发〔{year}〕{docno}号", tags=("就业创业", "政策措施"),
      channels=("website", "wechat"), extra={"academic_year": "2022"},
      summary="学校促进毕业生就业创业的十二条措施。",
      paragraphs=(
          "学校从拓展就业岗位、加强就业指导、支持自主创业和帮扶重点群体四个方面制定了"
          "十二条措施，建立“一生一策”的就业帮扶台账。",
          "对家庭经济困难毕业生和残疾毕业生，学校发放求职创业补贴，并优先推荐就业岗位。",
      )),
    S("31", "jyzd", "{year}届毕业生就业指导服务工作安排", years=(2024, 2025, 2026), months=(2, 3),
      tags=("就业指导", "招聘会"), channels=("website", "wechat"), extra={"academic_year": "{prev}"},
      nums={"fairs": N(3, 5), "sessions": N(180, 260)},
      summary="{year}届毕业生的招聘活动、就业指导课程和帮扶安排。",
      paragraphs=(
          "本学年学校计划举办大型双选会{fairs}场、专场招聘会约{sessions}场，"
          "并开设就业指导课程和简历门诊。",
          "招生就业处在学生事务服务大厅设立就业咨询窗口，工作日提供一对一咨询。",
      )),
    S("31", "qzap", "2027届毕业生秋季校园招聘活动安排", years=(2026,), months=(11, 11),
      tags=("就业指导",), extra={"academic_year": "2026"},
      overrides={2026: {"draft": True, "date": datetime.date(2026, 11, 6)}},
      summary="2027届毕业生秋季校园招聘的场次和时间（草稿）。",
      paragraphs=("秋季校园招聘活动安排草稿，待场地落实后发布。",)),
    S("32", "byqx", "{year}届毕业生规模、结构及就业去向", months=(9, 11),
      tags=("毕业生", "就业率"), table=t_graduates, extra={"academic_year": "{prev}"},
      overrides={2025: {"attach": "csv"}},
      summary="{year}届毕业生人数、各学院毕业去向落实率和升学情况。",
      paragraphs=(
          "学校{year}届本科毕业生共{graduates}人，截至当年8月31日，毕业去向落实率为{rate}%，"
          "升学{further}人。",
          "就业地域以本省为主，在本省就业的毕业生占已就业人数的{local_pct}%。",
      )),
    S("33", "jyzl", "青岚大学{year}届毕业生就业质量年度报告", years=(2023, 2024, 2025),
      months=(12, 12), tags=("就业质量", "年度报告"), extra={"academic_year": "{prev}"},
      nums={"satisfaction": D(88, 94), "salary": N(5200, 5900, 180)},
      summary="{year}届毕业生就业质量的调查分析。",
      paragraphs=(
          "报告依据毕业去向统计数据和毕业生、用人单位问卷调查编写。",
          "调查显示，{year}届毕业生对就业现状的满意度为{satisfaction}%，"
          "毕业半年后的平均月收入约{salary:,}元；用人单位对毕业生的总体评价较高。",
      )),
    S("35", "zlbg", "青岚大学{pay}学年本科教学质量报告", months=(11, 11),
      tags=("教学质量报告",), extra={"academic_year": "{prev}"},
      nums={"courses": N(86, 120), "awards": N(12, 25)},
      summary="{pay}学年本科教学基本状态和质量保障情况的年度报告。",
      paragraphs=(
          "报告从本科教育基本情况、师资与教学条件、教学建设与改革、质量保障体系和学生"
          "学习效果五个方面反映了{pay}学年的本科教学状况。",
          "本学年新立项校级一流课程{courses}门，学生在省级以上学科竞赛中获奖{awards}项；"
          "学校公共艺术教育的开课和活动情况也在本报告中一并说明。",
      )),
    # ---------------------------------------------------------------- 6 学生管理服务信息
    S("36", "xjgl", "青岚大学{topic}", months=(3, 9), doc="青岚大教〔{year}〕{docno}号",
      tags=("学籍管理",), paragraphs=REGULATION_PARAS, summary="《青岚大学{topic}》全文。",
      nums={"meeting": C("校长办公会",), "chapters": N(6, 9), "articles": N(40, 62)},
      variants=(
          {"slug": "gd", "year": 2024, "topic": "普通本科学生学籍管理规定",
           "aim": "本科学生的入学、注册、考核、转专业和毕业等学籍事务"},
          {"slug": "zzy", "year": 2025, "topic": "普通本科学生转专业实施办法",
           "aim": "本科学生转专业的条件、程序和名额"},
          {"slug": "xx", "year": 2023, "topic": "学生休学、复学办理规程",
           "aim": "学生休学、复学的申请和审批"},
      )),
    S("37", "gjjxj", "{pay}学年国家奖学金、国家励志奖学金评审结果公示",
      years=(2023, 2024, 2025), months=(10, 11), tags=("奖学金", "资助", "公示"),
      table=t_scholarship, channels=("website", "bulletin"),
      summary="{pay}学年国家奖学金、国家励志奖学金和国家助学金的评审人数。",
      paragraphs=(
          "经学生申请、学院评审和学校学生资助工作领导小组审定，{pay}学年评定国家奖学金"
          "{national}人、国家励志奖学金{inspire}人、国家助学金{grant}人。",
          "获奖学生名单在各学院公示栏张贴，公示期为5个工作日。",
      )),
    S("37", "zzzd", "青岚大学{topic}", months=(3, 9), doc="青岚大学工〔{year}〕{docno}号",
      tags=("学生资助",), paragraphs=REGULATION_PARAS, summary="《青岚大学{topic}》全文。",
      nums={"meeting": C("校长办公会", "学生资助工作领导小组会议"), "chapters": N(5, 7),
            "articles": N(22, 34)},
      variants=(
          {"slug": "kn", "year": 2024, "topic": "家庭经济困难学生认定办法",
           "aim": "家庭经济困难学生的认定标准、程序和动态调整"},
          {"slug": "qg", "year": 2025, "topic": "勤工助学管理办法",
           "aim": "勤工助学岗位的设置、酬金标准和学生权益保护"},
          {"slug": "dk", "year": 2024, "topic": "国家助学贷款实施细则",
           "aim": "国家助学贷款的申请、审核、发放和还款服务",
           "date": datetime.date(2024, 7, 12)},
      )),
    S("37", "dkzn", "生源地信用助学贷款办理指南（2023年版）", years=(2023,), months=(7, 7),
      tags=("学生资助", "助学贷款"),
      overrides={2023: {"fields": {"validity": "repealed",
                                   "validity_changed_on": datetime.date(2024, 7, 12)}}},
      summary="已被《青岚大学国家助学贷款实施细则》取代。",
      paragraphs=(
          "本指南介绍了生源地信用助学贷款的办理流程和回执提交方式。",
          "2024年7月12日起按《青岚大学国家助学贷款实施细则》办理，本指南不再适用。",
      )),
    S("38", "wjcf", "青岚大学学生违纪处分规定", years=(2023,), months=(8, 8),
      doc="青岚大学工〔{year}〕{docno}号", tags=("学生处分",),
      summary="学生违纪行为的种类、处分等级和处分程序。",
      paragraphs=(
          "处分分为警告、严重警告、记过、留校察看和开除学籍五种，处分决定须告知学生"
          "陈述和申辩的权利。",
          "受处分学生在处分期内表现良好的，可按规定申请解除处分。",
      )),
    S("38", "bzjd", "关于表彰{pay}学年优秀学生和先进班集体的决定", years=(2023, 2024, 2025),
      months=(10, 11), tags=("表彰", "奖励"), nums={"students": N(820, 960), "classes": N(40, 58)},
      summary="{pay}学年校级优秀学生和先进班集体表彰名单。",
      paragraphs=(
          "经评审，学校决定授予{students}名同学“优秀学生”称号，授予{classes}个班级"
          "“先进班集体”称号。",
      )),
    S("38", "cfga", "学生违纪处分个案材料汇编（2025年）", years=(2025,), months=(12, 12),
      tags=("学生处分",),
      overrides={2025: {"fields": {"disclosure_mode": "exempt", "exemption_basis": "privacy",
                                   "restriction_reason":
                                   "材料载有受处分学生的姓名、学号和违纪细节，属于个人隐私。"}}},
      summary="2025年学生违纪处分的个案材料。",
      paragraphs=("本汇编收录2025年作出的学生违纪处分决定及相关调查材料。",)),
    S("39", "ssbf", "青岚大学学生申诉处理办法", years=(2023,), months=(9, 9),
      doc="青岚大学工〔{year}〕{docno}号", tags=("学生申诉",),
      summary="学生申诉的受理范围、申诉时限和复查程序。",
      paragraphs=(
          "学生对处分或者涉及本人权益的其他处理决定有异议的，可在收到决定书之日起"
          "10日内向学生申诉处理委员会提出书面申诉。",
          "委员会自受理之日起15日内作出复查结论并告知申诉人。",
      )),
    S("39", "sswyh", "学生申诉处理委员会组成人员名单", years=(2025,), months=(3, 3),
      tags=("学生申诉",), summary="学生申诉处理委员会的组成。",
      paragraphs=(
          "学生申诉处理委员会由校领导、职能部门负责人、教师代表、学生代表和法律顾问组成，"
          "其中学生代表不少于三人。",
      )),
    # ---------------------------------------------------------------- 7 学风建设信息
    S("40", "xfwyh", "学风建设委员会组成及职责", years=(2023,), months=(4, 4),
      tags=("学风建设",), summary="学风建设委员会的组成、职责和办事机构。",
      paragraphs=(
          "学校学风建设委员会由分管科研的副校长任主任，成员包括科技处、研究生院、教务处、"
          "学生工作处负责人和各学院学术骨干。",
          "委员会办公室设在科技处，负责学风建设的日常组织协调和学术不端举报的受理。",
      )),
    S("40", "xfyd", "{year}年学风建设工作要点", years=(2024, 2025, 2026), months=(3, 4),
      tags=("学风建设",), nums={"lectures": N(10, 18)},
      summary="{year}年学风和科研诚信建设的重点工作。",
      paragraphs=(
          "{year}年学校将举办科研诚信专题讲座{lectures}场，面向新入职教师和研究生新生"
          "开展学术规范教育全覆盖。",
          "结合学位论文抽检结果，对问题较多的学科开展专项检查。",
      )),
    S("41", "xsgf", "青岚大学{topic}", months=(3, 10), doc="青岚大发〔{year}〕{docno}号",
      tags=("学术规范",), paragraphs=REGULATION_PARAS, summary="《青岚大学{topic}》全文。",
      nums={"meeting": C("学术委员会全体会议",), "chapters": N(4, 6), "articles": N(18, 30)},
      variants=(
          {"slug": "ddsz", "year": 2023, "topic": "学术规范与学术道德守则",
           "aim": "教师和学生在科研、写作和成果发表中的学术行为"},
          {"slug": "lwzj", "year": 2024, "dept": "YJSY", "topic": "研究生学位论文作假行为处理办法",
           "aim": "研究生学位论文作假行为的认定与处理"},
          {"slug": "cnzd", "year": 2025, "topic": "科研诚信承诺制度实施办法",
           "aim": "项目申报、成果报奖和职称评审中的科研诚信承诺"},
      )),
    S("42", "ccjz", "青岚大学学术不端行为调查处理办法", years=(2023,), months=(6, 6),
      doc="青岚大发〔{year}〕{docno}号", tags=("学术不端", "调查处理"),
      summary="学术不端行为的受理、调查、认定和处理程序。",
      paragraphs=(
          "学术委员会负责学术不端行为的调查和认定；举报应以书面形式实名提出，"
          "并提供必要的证据线索。",
          "调查一般在受理后90日内完成，处理决定作出前应听取被调查人的陈述和申辩。",
      )),
    S("42", "tb", "{prev}年学术不端行为举报受理及处理情况通报", years=(2025, 2026), months=(2, 3),
      tags=("学术不端",), nums={"reports": N(3, 7)},
      summary="{prev}年学术不端举报的受理和处理情况。",
      paragraphs=(
          "{prev}年学校共受理学术不端行为举报{reports}件，均已按程序调查完毕，"
          "其中认定存在学术不端行为的已依规作出处理，并撤销了相关奖励。",
      )),
    # ---------------------------------------------------------------- 8 学位、学科信息
    S("43", "xwsy", "青岚大学{topic}", months=(4, 9), doc="青岚大发〔{year}〕{docno}号",
      tags=("学位授予",), paragraphs=REGULATION_PARAS, summary="《青岚大学{topic}》全文。",
      nums={"meeting": C("校学位评定委员会会议",), "chapters": N(5, 7), "articles": N(22, 36)},
      variants=(
          {"slug": "xs", "year": 2023, "dept": "JWC", "topic": "学士学位授予工作细则",
           "aim": "学士学位的授予条件和审核程序"},
          {"slug": "ss", "year": 2024, "topic": "硕士学位授予工作细则",
           "aim": "硕士学位的课程学习、学位论文和答辩要求"},
      )),
    S("43", "xwjy", "{year}年校学位评定委员会会议决议", months=(6, 6),
      tags=("学位授予", "学位评定委员会"), table=t_degree_meeting,
      summary="{year}年学位评定委员会审议通过的学位授予人数。",
      paragraphs=(
          "{year}年{month}月，校学位评定委员会召开会议，审议通过授予{bachelor}名本科毕业生"
          "学士学位，授予{master}名研究生硕士学位。",
      )),
    S("45", "sqsh", "青岚大学{topic}", months=(3, 10), doc="青岚大研〔{year}〕{docno}号",
      tags=("学位授权点",), paragraphs=REGULATION_PARAS, summary="《青岚大学{topic}》全文。",
      nums={"meeting": C("校学位评定委员会会议",), "chapters": N(4, 6), "articles": N(20, 28)},
      variants=(
          {"slug": "sbsh", "year": 2024, "topic": "学位授权点申报审核办法",
           "aim": "新增学位授权点的校内遴选、论证和申报"},
          {"slug": "hgpg", "year": 2025, "topic": "学位授权点合格评估实施方案",
           "aim": "已有学位授权点的周期性合格评估"},
      )),
    # ---------------------------------------------------------------- 9 对外交流与合作
    S("48", "lxgl", "青岚大学{topic}", months=(3, 9), doc="青岚大发〔{year}〕{docno}号",
      tags=("来华留学",), paragraphs=REGULATION_PARAS, summary="《青岚大学{topic}》全文。",
      nums={"meeting": C("校长办公会",), "chapters": N(6, 8), "articles": N(30, 48)},
      variants=(
          {"slug": "gd", "year": 2023, "topic": "来华留学生管理规定",
           "aim": "国际学生的招收、教学、校内管理和奖学金"},
          {"slug": "jxj", "year": 2024, "topic": "国际学生奖学金评审办法",
           "aim": "校级国际学生奖学金的申请和评审"},
      )),
    S("48", "gjzs", "青岚大学{year}年国际学生招生简章", years=(2024, 2025, 2026), months=(1, 2),
      tags=("来华留学", "招生简章"), nums={"programmes": N(18, 26)},
      summary="{year}年国际学生本科和研究生项目的申请条件与学费。",
      paragraphs=(
          "{year}年学校面向国际学生开放{programmes}个本科和硕士专业，其中部分专业可用英语授课。",
          "申请材料请通过国际交流处网站在线提交，咨询邮箱 {mail_gj}。",
      )),
    # ---------------------------------------------------------------- 10 其他
    S("49", "xszg", "关于巡视反馈意见整改进展情况的通报", years=(2024,), months=(9, 9),
      tags=("巡视整改",), channels=("website", "meeting"),
      summary="学校落实上级党委巡视反馈意见的整改进展。",
      paragraphs=(
          "上级党委巡视组于2024年春季对学校开展常规巡视，并于6月反馈了巡视意见。"
          "学校党委制定整改方案，将反馈的四个方面问题细化为{tasks}项整改任务。",
          "截至9月，已完成整改任务{done}项，其余任务正在按计划推进；欢迎师生对整改工作"
          "进行监督，联系电话 {tel_jj}。",
      ), nums={"tasks": N(38, 46), "done": N(26, 33)}),
    S("49", "xszj", "巡视整改工作总结报告", years=(2025,), months=(3, 3),
      tags=("巡视整改",), summary="巡视整改任务的完成情况和长效机制建设。",
      paragraphs=(
          "巡视整改任务已全部完成，学校围绕整改制定和修订制度{rules}项，追回或规范不合规"
          "资金{money}万元。",
      ), nums={"rules": N(18, 27), "money": D(30, 120)}),
    S("49", "xc", "{year}年校内巡察整改情况公告", years=(2025, 2026), months=(6, 10),
      tags=("巡察整改",), nums={"units": N(4, 7), "issues": N(40, 70)},
      summary="{year}年校内巡察发现问题的整改情况。",
      paragraphs=(
          "{year}年学校党委对{units}个二级单位开展了巡察，发现问题{issues}个，"
          "被巡察单位已逐项制定整改措施并公布整改结果。",
      )),
    S("50", "zyya", "青岚大学{topic}", months=(3, 9), doc="青岚大发〔{year}〕{docno}号",
      tags=("应急预案",), paragraphs=REGULATION_PARAS, summary="《青岚大学{topic}》全文。",
      nums={"meeting": C("校长办公会",), "chapters": N(6, 8), "articles": N(26, 40)},
      variants=(
          {"slug": "zt", "year": 2023, "topic": "突发公共事件总体应急预案",
           "aim": "自然灾害、事故灾难、公共卫生和社会安全事件的预防与应对"},
          {"slug": "fx", "year": 2024, "dept": "HQC", "topic": "防汛防台风应急预案",
           "aim": "汛期和台风期间的值班、预警、转移和抢险"},
          {"slug": "sys", "year": 2025, "dept": "ZCZX", "topic": "实验室安全事故应急处置预案",
           "aim": "实验室火灾、化学品泄漏和人员伤害等事故的处置"},
      )),
    S("50", "byyj", "{year}年汛期暴雨预警及校园安全提示", years=(2024, 2025, 2026), months=(6, 8),
      dept="HQC", tags=("预警信息", "校园安全"), channels=("website", "wechat"),
      nums={"rain": N(80, 160)},
      summary="{year}年汛期暴雨预警期间的校园安全安排。",
      paragraphs=(
          "据青岚市气象台预报，{month}月中旬我市将出现强降雨，局部累计雨量可达{rain}毫米。",
          "学校已启动防汛应急响应：暂停户外体育课和集体活动，地下车库和低洼路段设置警示，"
          "后勤值班电话 {tel_hq} 全天有人值守。",
      )),
    S("50", "wlaq", "校园网络安全事件应急演练方案（2026年）", years=(2026,), months=(5, 5),
      tags=("网络安全", "应急演练"), channels=("meeting",),
      overrides={2026: {"fields": {"audience": "campus", "restriction_reason":
                                   "方案含校内信息系统的拓扑和处置流程，仅在校内发布。"}}},
      summary="网络安全应急演练的场景、分工和时间安排。",
      paragraphs=("本次演练模拟门户网站被篡改和数据泄露两类场景，检验各单位的应急响应。",)),
]


# ---------------------------------------------------------------------------
# Expansion
# ---------------------------------------------------------------------------

COMMON_VALUES = {
    "U": UNIVERSITY,
    "tel_zs": phone(1100), "mail_zs": email("zsb"),
    "tel_yz": phone(1110), "mail_yz": email("yzb"),
    "tel_cw": phone(1040), "tel_jj": phone(1090), "tel_zz": phone(1012),
    "tel_hq": phone(1050), "mail_gj": email("gjc"),
}

OPTION_KEYS = ("slug", "dept", "year", "date", "fields", "draft", "attach")


def _fmt(template, values):
    return template.format_map(values)


def _date(rng, series, year, opts):
    if opts.get("date"):
        return opts["date"]
    month = rng.randint(*series.months)
    day = rng.randint(1, 28)
    return min(datetime.date(year, month, day), LATEST)


def _expand(series):
    for variant in series.variants:
        years = (variant["year"],) if "year" in variant else series.years
        for year in years:
            opts = {**variant, **series.overrides.get(year, {})}
            suffix = f"-{variant['slug']}" if "slug" in variant else ""
            slug = f"{series.key}{suffix}-{year}"
            yield slug, year, variant, opts


def build_entries():
    """Every demo entry as a dict; deterministic, in a stable order."""
    entries = []
    seen = set()
    doc_numbers = set()
    for series in SERIES:
        for slug, year, variant, opts in _expand(series):
            key = (series.item, slug)
            if key in seen:
                raise ValueError(f"duplicate demo entry slug {slug!r}")
            seen.add(key)
            rng = random.Random(f"{SEED}:{series.item}:{slug}")
            dept = opts.get("dept") or series.dept or ITEM_DEPARTMENTS[series.item]
            doc_date = _date(rng, series, year, opts)
            values = {
                **COMMON_VALUES,
                "year": year, "prev": year - 1, "next": year + 1,
                "ay": f"{year}—{year + 1}", "pay": f"{year - 1}—{year}",
                "month": doc_date.month, "session": CN[min(year - 2022, 10)],
                "docno": rng.randint(3, 68), "dept": DEPT_NAMES[dept],
                "tel": phone(rng.randint(1000, 1999)),
                "contact": rng.choice(SURNAMES) + "老师",
                **{k: v for k, v in variant.items() if k not in OPTION_KEYS},
            }
            for name, make in series.nums.items():
                values[name] = make(rng, year)
            table_value = series.table(rng, values) if series.table else None
            title = _fmt(series.title, values)
            body = [{"type": "heading",
                     "value": {"text": _fmt(series.heading or DEFAULT_HEADING, values), "level": "h2"}}]
            paragraphs = [_fmt(text, values) for text in series.paragraphs]
            # Put the table after the first paragraph when there are several.
            for index, text in enumerate(paragraphs):
                body.append({"type": "paragraph", "value": f"<p>{text}</p>"})
                if table_value and index == 0:
                    body.append({"type": "table", "value": table_value})
            fields = {}
            for name, value in series.extra.items():
                value = _fmt(value, values) if isinstance(value, str) else value
                fields[name] = int(value) if isinstance(value, str) and value.isdigit() else value
            fields.update(opts.get("fields", {}))
            document_number = _fmt(series.doc, values) if series.doc else ""
            while document_number and document_number in doc_numbers:
                values["docno"] += 1
                document_number = _fmt(series.doc, values)
            doc_numbers.add(document_number)
            entries.append({
                "item": series.item,
                "slug": slug,
                "title": title,
                "department": dept,
                "document_number": document_number,
                "document_date": doc_date,
                "publication_date": min(doc_date + datetime.timedelta(days=rng.randint(1, 9)),
                                        LATEST),
                "summary": _fmt(series.summary, values),
                "keywords": [_fmt(tag, values) for tag in series.tags],
                "channels": list(series.channels),
                "body": body,
                "fields": fields,
                "draft": bool(opts.get("draft")),
                "attachment": _attachment(opts.get("attach"), title, slug, paragraphs, table_value),
            })
    return entries


def _attachment(kind, title, slug, paragraphs, table_value):
    """(document title, file name, bytes) of a small generated attachment, or None."""
    if not kind:
        return None
    if kind == "csv" and table_value:
        out = io.StringIO()
        csv.writer(out).writerows(table_value["data"])
        # UTF-8 with BOM so spreadsheet programs detect the encoding.
        return (f"{title}（数据表）", f"{slug}.csv", out.getvalue().encode("utf-8-sig"))
    text = "\n\n".join([title, *paragraphs, "（青岚大学为虚构的演示学校，本文件由演示数据生成。）"])
    return (f"{title}（全文）", f"{slug}.txt", text.encode("utf-8"))


__all__ = ["build_entries", "SERIES"]
