"""Install the MOE checklist 《高等学校信息公开事项清单》 (教办函〔2014〕23号).

10 categories and 50 items. The wording is that of the checklist as reproduced by
universities' disclosure catalogues; it is marked official and cannot be edited.
Also installs the default release channels counted by the annual report.
"""

import datetime

from django.db import migrations

CHECKLIST_CODE = "moe-2014"

CATEGORIES = [
    (1, "basic", "基本信息"),
    (2, "admissions", "招生考试信息"),
    (3, "finance", "财务、资产及收费信息"),
    (4, "personnel", "人事师资信息"),
    (5, "teaching", "教学质量信息"),
    (6, "students", "学生管理服务信息"),
    (7, "integrity", "学风建设信息"),
    (8, "degrees", "学位、学科信息"),
    (9, "international", "对外交流与合作信息"),
    (10, "other", "其他"),
]

# (number, category number, title, update rule, update month)
ON_CHANGE, YEARLY, ADMISSION = "on_change", "yearly", "admission_cycle"
ITEMS = [
    (1, 1, "办学规模、校级领导班子简介及分工、学校机构设置、学科情况、专业情况、各类在校生情况、教师和专业技术人员数量等办学基本情况", ON_CHANGE, None),
    (2, 1, "学校章程及制定的各项规章制度", ON_CHANGE, None),
    (3, 1, "教职工代表大会相关制度、工作报告", ON_CHANGE, None),
    (4, 1, "学术委员会相关制度、年度报告", ON_CHANGE, None),
    (5, 1, "学校发展规划、年度工作计划及重点工作安排", ON_CHANGE, None),
    (6, 1, "信息公开年度报告", YEARLY, 10),
    (7, 2, "招生章程及特殊类型招生办法,分批次、分科类招生计划", ADMISSION, None),
    (8, 2, "保送、自主选拔录取、高水平运动员和艺术特长生招生等特殊类型招生入选考生资格及测试结果", ADMISSION, None),
    (9, 2, "考生个人录取信息查询渠道和办法,分批次、分科类录取人数和录取最低分", ADMISSION, None),
    (10, 2, "招生咨询及考生申诉渠道,新生复查期间有关举报、调查及处理结果", ADMISSION, None),
    (11, 2, "研究生招生简章、招生专业目录、复试录取办法,各院(系、所)或学科、专业招收研究生人数", ADMISSION, None),
    (12, 2, "参加研究生复试的考生成绩", ADMISSION, None),
    (13, 2, "拟录取研究生名单", ADMISSION, None),
    (14, 2, "研究生招生咨询及申诉渠道", ADMISSION, None),
    (15, 3, "财务、资产管理制度", ON_CHANGE, None),
    (16, 3, "受捐赠财产的使用与管理情况", ON_CHANGE, None),
    (17, 3, "校办企业资产、负债、国有资产保值增值等信息", ON_CHANGE, None),
    (18, 3, "仪器设备、图书、药品等物资设备采购和重大基建工程的招投标", ON_CHANGE, None),
    (19, 3, "收支预算总表、收入预算表、支出预算表、财政拨款支出预算表", YEARLY, None),
    (20, 3, "收支决算总表、收入决算表、支出决算表、财政拨款支出决算表", YEARLY, None),
    (21, 3, "收费项目、收费依据、收费标准及投诉方式", ON_CHANGE, None),
    (22, 4, "校级领导干部社会兼职情况", ON_CHANGE, None),
    (23, 4, "校级领导干部因公出国(境)情况", ON_CHANGE, None),
    (24, 4, "岗位设置管理与聘用办法", ON_CHANGE, None),
    (25, 4, "校内中层干部任免、人员招聘信息", ON_CHANGE, None),
    (26, 4, "教职工争议解决办法", ON_CHANGE, None),
    (27, 5, "本科生占全日制在校生总数的比例、教师数量及结构", YEARLY, None),
    (28, 5, "专业设置、当年新增专业、停招专业名单", YEARLY, None),
    (29, 5, "全校开设课程总门数、实践教学学分占总学分比例、选修课学分占总学分比例", YEARLY, None),
    (30, 5, "主讲本科课程的教授占教授总数的比例、教授授本科课程占课程总门次数的比例", YEARLY, None),
    (31, 5, "促进毕业生就业的政策措施和指导服务", ON_CHANGE, None),
    (32, 5, "毕业生的规模、结构、就业率、就业流向", YEARLY, None),
    (33, 5, "高校毕业生就业质量年度报告", YEARLY, None),
    (34, 5, "艺术教育发展年度报告", YEARLY, None),
    (35, 5, "本科教学质量报告", YEARLY, None),
    (36, 6, "学籍管理办法", ON_CHANGE, None),
    (37, 6, "学生奖学金、助学金、学费减免、助学贷款、勤工俭学的申请与管理规定", ON_CHANGE, None),
    (38, 6, "学生奖励处罚办法", ON_CHANGE, None),
    (39, 6, "学生申诉办法", ON_CHANGE, None),
    (40, 7, "学风建设机构", ON_CHANGE, None),
    (41, 7, "学术规范制度", ON_CHANGE, None),
    (42, 7, "学术不端行为查处机制", ON_CHANGE, None),
    (43, 8, "授予博士、硕士、学士学位的基本要求", ON_CHANGE, None),
    (44, 8, "拟授予硕士、博士学位同等学力人员资格审查和学力水平认定", ON_CHANGE, None),
    (45, 8, "新增硕士、博士学位授权学科或专业学位授权点审核办法", ON_CHANGE, None),
    (46, 8, "拟新增学位授权学科或专业学位授权点的申报及论证材料", ON_CHANGE, None),
    (47, 9, "中外合作办学情况", ON_CHANGE, None),
    (48, 9, "来华留学生管理相关规定", ON_CHANGE, None),
    (49, 10, "巡视组反馈意见,落实反馈意见整改情况", ON_CHANGE, None),
    (50, 10, "自然灾害等突发事件的应急处理预案、预警信息和处置情况,涉及学校的重大事件的调查和处理情况", ON_CHANGE, None),
]

CHANNELS = [
    ("website", "学校网站", 10),
    ("wechat", "微信公众号", 20),
    ("bulletin", "信息公开栏、宣传栏", 30),
    ("print", "纸质材料", 40),
    ("meeting", "会议", 50),
]


def install(apps, schema_editor):
    Checklist = apps.get_model("wagtail_disclosure", "Checklist")
    ChecklistCategory = apps.get_model("wagtail_disclosure", "ChecklistCategory")
    ChecklistItem = apps.get_model("wagtail_disclosure", "ChecklistItem")
    ReleaseChannel = apps.get_model("wagtail_disclosure", "ReleaseChannel")

    checklist, _ = Checklist.objects.update_or_create(
        code=CHECKLIST_CODE,
        defaults={
            "title": "高等学校信息公开事项清单",
            "document_number": "教办函〔2014〕23号",
            "issued_by": "教育部",
            "issued_on": datetime.date(2014, 7, 25),
            "is_official": True,
            "description": "10 个大类 50 条具体项目。学校可在此基础上增加本校的公开事项。",
        },
    )
    categories = {}
    for number, key, title in CATEGORIES:
        categories[number], _ = ChecklistCategory.objects.update_or_create(
            checklist=checklist,
            number=number,
            defaults={"key": key, "title": title, "is_official": True},
        )
    for number, category_number, title, rule, month in ITEMS:
        ChecklistItem.objects.update_or_create(
            category__checklist=checklist,
            code=str(number),
            defaults={
                "category": categories[category_number],
                "number": number,
                "title": title,
                "update_rule": rule,
                "update_month": month,
                "update_within_working_days": 20,
                "is_official": True,
            },
        )
    for code, name, order in CHANNELS:
        ReleaseChannel.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


def uninstall(apps, schema_editor):
    Checklist = apps.get_model("wagtail_disclosure", "Checklist")
    Checklist.objects.filter(code=CHECKLIST_CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("wagtail_disclosure", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
