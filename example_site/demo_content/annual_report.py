"""The demo's annual report: 青岚大学2025—2026学年信息公开工作年度报告 (fictional).

An ``AnnualReportPage`` of item 6: its narrative is written here, its figures are
computed from the demo entries when the report is saved (never typed), and the figures
that are not in the data are ``ReportFigure`` records with their source. The reports of
earlier years are ordinary entries of item 6 (published before the site existed).
"""

import datetime

ACADEMIC_YEAR = 2025  # 2025-09-01 .. 2026-08-31
SLUG = "ndbg-2025-2026"
TITLE = "青岚大学2025—2026学年信息公开工作年度报告"
DEPARTMENT = "DZB"
DOCUMENT_NUMBER = "青岚大办〔2026〕31号"
PUBLISHED_ON = datetime.date(2026, 10, 20)
SUMMARY = "2025—2026学年学校信息公开工作的制度建设、主动公开、依申请公开、评议和改进情况。"

#: (key, label, value, unit, source): figures that are not in the data.
FIGURES = [
    ("training_sessions", "信息公开专题培训", 6, "场", "信息公开办公室培训签到表"),
    ("training_attendance", "参加培训人员", 412, "人次", "信息公开办公室培训签到表"),
    ("training_departments", "参加培训的部门和学院", 31, "个", "信息公开办公室培训签到表"),
    ("wechat_readers", "微信公众号信息公开推文平均阅读量", 1860, "人次", "微信公众号后台统计"),
    ("survey_responses", "信息公开满意度问卷有效答卷", 1275, "份", "学校教代会信息公开评议问卷"),
]


def _p(text):
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def _h(text):
    return {"type": "heading", "value": text}


def _figure(key, reference="", label=""):
    return {"type": "figure", "value": {"figure": key, "reference": reference, "label": label}}


def _table(key, caption=""):
    return {"type": "table", "value": {"table": key, "caption": caption}}


REPORT = [
    {
        "type": "overview",
        "value": [
            _p(
                "根据《高等学校信息公开办法》和《高等学校信息公开事项清单》的要求，现将青岚大学"
                "2025年9月1日至2026年8月31日信息公开工作情况报告如下。本报告中的统计数据由学校"
                "信息公开平台按清单事项自动汇总。"
            ),
            _h("（一）健全工作机制"),
            _p(
                "学校信息公开工作领导小组由校长任组长，办公室设在党政办公室。本学年修订了"
                "《青岚大学信息公开实施细则》，明确各事项的责任部门、更新时限和发布前保密审查"
                "流程，所有信息均经部门审核和保密审查后发布。"
            ),
            _h("（二）推动清单落实"),
            _p(
                "学校对照清单逐项明确责任部门，平台按事项的更新规则提示到期事项。本学年对"
                "逾期更新的事项逐一督办，并在学期末通报各部门的更新情况。"
            ),
            _h("（三）开展宣教培训"),
            _p("学校面向各部门和学院的信息公开联络员举办专题培训，讲解清单要求和保密审查要点。"),
            _figure("manual", "training_sessions"),
            _figure("manual", "training_attendance"),
            _figure("manual", "training_departments"),
        ],
    },
    {
        "type": "proactive",
        "value": [
            _h("（一）公开途径"),
            _p(
                "学校以信息公开专栏为第一公开平台，同时通过微信公众号、校园信息公开栏、"
                "教职工代表大会等会议和纸质文件公开信息。"
            ),
            _figure("manual", "wechat_readers"),
            _h("（二）公开数量"),
            _figure("entries_released"),
            _table("by_channel"),
            _table("by_category"),
            _table("by_department"),
            _h("（三）撤回和及时性"),
            _figure("entries_withdrawn"),
            _table("withdrawn_reasons"),
            _figure("entries_late"),
            _table("late_items"),
        ],
    },
    {
        "type": "requests",
        "value": [
            _p(
                "学校通过信息公开专栏在线受理信息公开申请，申请人可凭申请编号和查询码查询"
                "办理进度。本学年依申请公开的数量和答复情况如下。"
            ),
            _figure("requests_received"),
            _figure("requests_answered"),
            _figure("fees_charged"),
            _table("request_outcomes"),
        ],
    },
    {
        "type": "evaluation",
        "value": [
            _p(
                "学校在教职工代表大会期间开展信息公开工作评议，并面向学生发放满意度问卷。"
                "评议意见集中在招生和收费信息的查找便利性上，相关部门已调整栏目设置。"
            ),
            _figure("manual", "survey_responses"),
        ],
    },
    {
        "type": "complaints",
        "value": [
            _p("本学年学校因信息公开工作受到举报、行政复议和行政诉讼的情况如下。"),
            _table("appeals"),
        ],
    },
    {
        "type": "problems",
        "value": [
            _h("（一）主要问题"),
            _p("个别事项更新不够及时，部分二级学院发布的信息缺少成文日期等目录信息。"),
            _h("（二）改进措施"),
            _p(
                "下一学年，学校将把清单事项的按时更新情况纳入部门年度考核，并对新任信息公开"
                "联络员开展岗前培训。"
            ),
        ],
    },
    {"type": "other", "value": [_p("无其他需要报告的事项。")]},
    {
        "type": "item_table",
        "value": [
            _p("清单各事项的公开情况、栏目链接、责任部门和最近更新日期见下表。"),
            _table("item_table"),
        ],
    },
]
