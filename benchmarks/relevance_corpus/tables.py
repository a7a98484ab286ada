"""Tables of the corpus pages (StreamField table blocks): headers and invented figures."""

from .text import money

PROVINCES = ["本省", "河南", "山东", "河北", "安徽", "江西", "湖南", "四川", "广西", "甘肃"]
TRACKS = ["物理类", "历史类", "综合改革"]

#: Queries answered by a table row: (template, topics, page-side term).
TABLE_QUERIES = [
    ("{y} 科学技术支出", ["budget", "final"], "科学技术支出"),
    ("住房保障支出 {y}", ["budget", "final"], "住房保障支出"),
    ("{y}年 教育支出 预算", ["budget"], "教育支出"),
    ("公务用车运行维护费 {y}", ["sangong-budget", "sangong-final"], "公务用车购置及运行维护费"),
    ("{y} 艺术设计类 学费", ["fees"], "艺术设计类"),
    ("河南 最低分 {y}", ["min-score"], "录取最低分"),
]


def _budget(rng, year, kind):
    label = "预算数" if kind == "budget" else "决算数"
    rows = [["科目名称", f"{year}年{label}（万元）", "上年数（万元）"]]
    for name, lo, hi in [
        ("教育支出", 52000, 98000),
        ("科学技术支出", 3000, 9800),
        ("社会保障和就业支出", 2100, 6400),
        ("卫生健康支出", 400, 1600),
        ("住房保障支出", 1800, 5200),
    ]:
        rows.append([name, money(rng, lo, hi), money(rng, lo, hi)])
    rows.append(["合计", money(rng, 62000, 120000), money(rng, 60000, 118000)])
    caption = "收支预算总表（单位：万元）" if kind == "budget" else "收入支出决算总表（单位：万元）"
    return rows, caption


def build(name, rng, year):
    """(rows, caption) of the table named ``name`` for ``year``."""
    if name in ("budget", "final"):
        return _budget(rng, year, name)
    if name == "sangong":
        rows = [["项目", "金额（万元）", "比上年增减"]]
        for item in ["出国（境）费", "公务接待费", "公务用车购置及运行维护费"]:
            rows.append([item, money(rng, 3, 120), f"{rng.uniform(-30, 10):.1f}%"])
        return rows, ""
    if name == "profile":
        return [
            ["项目", "数量"],
            ["二级学院", rng.randint(12, 16)],
            ["本科专业", rng.randint(48, 62)],
            ["全日制本科生（人）", rng.randint(18000, 23000)],
            ["研究生（人）", rng.randint(2500, 5200)],
            ["专任教师（人）", rng.randint(1100, 1500)],
        ], ""
    if name == "leaders":
        return [
            ["姓名", "职务", "分工"],
            ["林致远", "党委书记", "主持党委全面工作"],
            ["许明澄", "党委副书记、校长", "主持行政全面工作"],
            [
                "顾承安",
                "副校长",
                rng.choice(["分管本科教学、招生就业", "分管本科教学和研究生教育"]),
            ],
            ["唐一鸣", "副校长", "分管财务、资产和后勤"],
        ], ""
    if name == "plan":
        rows = [["省份", "科类", "计划数"]]
        for province in rng.sample(PROVINCES, rng.randint(5, 10)):
            rows.append([province, rng.choice(TRACKS), rng.randint(20, 2400)])
        return rows, f"{year}年分省招生计划（以各省招生主管部门公布为准）"
    if name == "scores":
        rows = [["省份", "科类", "批次", "录取最低分"]]
        for province in PROVINCES:
            rows.append([province, rng.choice(TRACKS), "本科批", rng.randint(455, 610)])
        return rows, ""
    if name == "mba":
        return [
            ["项目", "学制", "学费（万元）"],
            ["MBA（非全日制）", "2.5年", f"{rng.uniform(9, 16):.1f}"],
            ["MBA（全日制）", "2年", f"{rng.uniform(8, 14):.1f}"],
        ], ""
    if name == "fees":
        rows = [["专业类别", "学费（元/学年）", "住宿费（元/学年）"]]
        for category, lo, hi in [
            ("文史类", 4400, 5200),
            ("理工类", 4800, 5800),
            ("艺术设计类", 8000, 11000),
            ("外语类", 4600, 5400),
        ]:
            rows.append(
                [
                    category,
                    f"{rng.randint(lo, hi) // 100 * 100:,}",
                    rng.choice(["800", "1,000", "1,200", "1,500"]),
                ]
            )
        return rows, "收费依据：省发展改革委、省财政厅、省教育厅核定标准"
    if name == "hiring":
        rows = [["岗位", "所属学院", "人数", "学历要求"]]
        for _ in range(rng.randint(3, 9)):
            rows.append(
                [
                    rng.choice(["专任教师", "实验教师", "辅导员"]),
                    rng.choice(["机械工程学院", "信息工程学院", "外国语学院"]),
                    rng.randint(1, 6),
                    rng.choice(["博士研究生", "硕士研究生及以上"]),
                ]
            )
        return rows, ""
    if name == "ratio":
        students = rng.randint(20000, 26000)
        teachers = rng.randint(1100, 1500)
        return [
            ["项目", "数值"],
            ["全日制在校生（人）", students],
            ["本科生占比", f"{rng.uniform(78, 88):.2f}%"],
            ["专任教师（人）", teachers],
            ["生师比", f"{students / teachers:.2f}:1"],
        ], ""
    if name == "majors":
        return [
            ["类别", "专业名称", "所属学院"],
            [
                "新增",
                rng.choice(["数据科学与大数据技术", "智能制造工程", "数字经济", "机器人工程"]),
                rng.choice(["信息工程学院", "机械工程学院"]),
            ],
            [
                "停招",
                rng.choice(["市场营销", "日语", "工业设计", "公共事业管理"]),
                rng.choice(["经济管理学院", "外国语学院", "艺术设计学院"]),
            ],
        ], ""
    if name == "credits":
        rows = [["专业大类", "总学分", "实践教学学分占比", "选修课学分占比"]]
        for group in ["工学", "经济学", "文学", "艺术学"]:
            rows.append(
                [
                    group,
                    rng.randint(150, 175),
                    f"{rng.uniform(18, 35):.1f}%",
                    f"{rng.uniform(12, 25):.1f}%",
                ]
            )
        return rows, ""
    if name == "calendar":
        return [
            ["学期", "起止日期", "备注"],
            [
                "第一学期",
                f"{year}年9月{rng.randint(1, 8)}日至{year + 1}年1月{rng.randint(10, 20)}日",
                "新生9月上旬报到",
            ],
            ["寒假", f"{year + 1}年1月{rng.randint(18, 25)}日起", "共5周"],
            [
                "第二学期",
                f"{year + 1}年2月{rng.randint(20, 28)}日至{year + 1}年7月{rng.randint(3, 10)}日",
                "",
            ],
        ], ""
    if name == "employment":
        return [
            ["学历层次", "毕业生人数", "就业率"],
            ["本科", rng.randint(4500, 5600), f"{rng.uniform(86, 95):.2f}%"],
            ["硕士研究生", rng.randint(700, 1400), f"{rng.uniform(90, 97):.2f}%"],
        ], ""
    if name == "quality":
        return [
            ["指标", "数值"],
            ["本科专业数", rng.randint(48, 62)],
            ["生均教学日常运行支出（元）", f"{rng.randint(3800, 6200):,}"],
            ["教授授课比例", f"{rng.uniform(85, 97):.1f}%"],
        ], ""
    if name == "scholars":
        rows = [["序号", "姓名", "学院", "年级"]]
        for i in range(rng.randint(6, 20)):
            rows.append(
                [
                    i + 1,
                    rng.choice("王李张刘陈杨黄赵") + "*" + rng.choice("华明婷杰琳涛"),
                    rng.choice(["机械工程学院", "信息工程学院", "经济管理学院"]),
                    f"{year - rng.randint(1, 3)}级",
                ]
            )
        return rows, ""
    if name == "info":
        return [
            ["项目", "数量（条）"],
            ["主动公开信息", rng.randint(900, 2400)],
            ["收到公开申请", rng.randint(3, 40)],
            ["举报、投诉", rng.randint(0, 6)],
        ], ""
    raise KeyError(name)
