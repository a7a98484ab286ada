"""Fixed tables of the demo: units, checklist set-up, groups, users and the guide.

Everything here describes 青岚大学 (Qinglan University), a FICTIONAL university in the
fictional city of 青岚市. Names, numbers, phone numbers and addresses are invented;
phone numbers use the unassigned area code 0000 and e-mail addresses a reserved
``.example`` domain.
"""

UNIVERSITY = "青岚大学"
ORGANISATION_CODE = "19999"
EMAIL_DOMAIN = "qinglan.edu.cn.example"
CAMPUS_ADDRESS = "青岚市湖滨区青岚大道1号"

SECTION_SLUG = "xxgk"
SECTION_TITLE = "信息公开"
SECTION_INTRO = (
    "<p>本栏目是青岚大学依据《高等学校信息公开办法》和《高等学校信息公开事项清单》"
    "设立的信息公开专栏。下方目录按清单的十大类五十项列出各事项的公开情况、责任单位"
    "和最近更新时间；点击事项可查看该事项下的全部公开信息。</p>"
    "<p>本站为 wagtail-disclosure 的演示站点，“青岚大学”及其全部数据均为虚构。</p>"
)

GUIDE_SLUG = "guide"
GUIDE_TITLE = "信息公开指南"

REQUEST_PAGE_SLUG = "apply"
REQUEST_PAGE_TITLE = "依申请公开"
REQUEST_PAGE_INTRO = (
    "<p>公民、法人或者其他组织可以向青岚大学申请获取本校尚未主动公开的信息。"
    "请每份申请只填写一项所需信息，并尽量写明信息的名称、文号或形成时间，便于我们查找。</p>"
    "<p>信息公开办公室自收到申请之日起15个工作日内答复；需要补正、征求第三方意见或延期的，"
    "将另行书面告知。提交后请保存好申请编号和查询码，可随时在本页查询办理状态。</p>"
)
REQUEST_PAGE_COMMITMENT = "本人承诺所填信息真实，所获取的信息仅用于申请中所述用途，并依法合理使用。"
REQUEST_PAGE_RECEIPT = (
    "<p>我们已收到您的申请，将按规定期限办理。如有疑问，请在工作日致电信息公开办公室。</p>"
)


def email(local):
    return f"{local}@{EMAIL_DOMAIN}"


def phone(number):
    return f"0000-8816{number:04d}"


# (short code, name, parent short code, contact person, phone extension, room)
DEPARTMENTS = [
    ("DZB", "党政办公室", None, "杜文清", 1001, "行政楼201室"),
    ("ZZTZB", "组织统战部", None, "梁一帆", 1012, "行政楼305室"),
    ("XCB", "宣传部", None, "沈若溪", 1016, "行政楼312室"),
    ("RSC", "人事处", None, "韦建国", 1020, "行政楼402室"),
    ("JWC", "教务处", None, "郑蓉", 1030, "明理楼105室"),
    ("JXZL", "教学质量监控中心", "JWC", "邱思齐", 1036, "明理楼118室"),
    ("CWC", "财务处", None, "贺晓舟", 1040, "行政楼108室"),
    ("HQC", "后勤处", None, "蒋立新", 1050, "后勤服务楼203室"),
    ("XGC", "学生工作处", None, "罗佳", 1060, "大学生活动中心301室"),
    ("TW", "团委", None, "田书恒", 1066, "大学生活动中心206室"),
    ("KJC", "科技处", None, "彭远航", 1070, "科研楼503室"),
    ("ZCZX", "资产管理中心", None, "石慧敏", 1080, "行政楼120室"),
    ("JJSJS", "纪检监察审计室", None, "钟正平", 1090, "行政楼508室"),
    ("GH", "工会", None, "吕秀兰", 1096, "教工之家102室"),
    ("ZSJYC", "招生就业处", None, "黎明轩", 1100, "学生事务服务大厅A区"),
    ("YJSY", "研究生院", None, "汪静怡", 1110, "明理楼306室"),
    ("GJC", "国际交流处", None, "欧阳凯", 1120, "国际交流中心201室"),
    ("JXXY", "机械工程学院", None, "马振东", 2100, "工程实训楼401室"),
    ("XXXY", "信息工程学院", None, "孔令晨", 2200, "信息楼302室"),
    ("JGXY", "经济管理学院", None, "袁珊", 2300, "博文楼215室"),
    ("WYXY", "外国语学院", None, "温嘉宁", 2400, "博文楼520室"),
    ("YSXY", "艺术设计学院", None, "柯雨桐", 2500, "艺术楼108室"),
]

COLLEGES = ["JXXY", "XXXY", "JGXY", "WYXY", "YSXY"]

# Default responsible unit of every checklist item (by item code).
ITEM_DEPARTMENTS = {
    "1": "DZB", "1.1": "DZB", "1.2": "ZZTZB", "2": "DZB", "3": "GH", "4": "KJC",
    "5": "DZB", "6": "DZB",
    "7": "ZSJYC", "8": "ZSJYC", "9": "ZSJYC", "10": "ZSJYC",
    "11": "YJSY", "12": "YJSY", "13": "YJSY", "14": "YJSY",
    "15": "CWC", "16": "CWC", "17": "ZCZX", "18": "ZCZX", "19": "CWC", "20": "CWC",
    "21": "CWC",
    "22": "ZZTZB", "23": "GJC", "24": "RSC", "25": "RSC", "26": "RSC",
    "27": "JWC", "28": "JWC", "29": "JWC", "30": "JWC", "31": "ZSJYC", "32": "ZSJYC",
    "33": "ZSJYC", "34": "JWC", "35": "JXZL",
    "36": "JWC", "37": "XGC", "38": "XGC", "39": "XGC",
    "40": "KJC", "41": "KJC", "42": "KJC",
    "43": "YJSY", "44": "YJSY", "45": "YJSY", "46": "YJSY",
    "47": "GJC", "48": "GJC",
    "49": "JJSJS", "50": "DZB",
}

# Items that do not apply to the university: the catalogue shows the reason.
NOT_APPLICABLE = {
    "47": "本校目前没有中外合作办学机构或项目。",
    "34": "本校未设置艺术教育发展年度报告的编制任务，公共艺术教育情况在本科教学质量报告中一并说明。",
}

# Applicable items deliberately left without any entry, so the catalogue shows gaps.
EMPTY_ITEMS = ["16", "17", "26", "44", "46"]

# School-defined sub-items: (code, number, parent code, title, description)
SUB_ITEMS = [
    ("1.1", 101, "1", "办学基本情况",
     "办学规模、学科专业、在校生和教职工数量等年度基本数据。"),
    ("1.2", 102, "1", "校级领导班子简介及分工",
     "校级领导班子成员的简介及工作分工，班子调整后及时更新。"),
]

# Groups: name -> (page permissions on the section, extra Django permissions,
# document permissions on the root collection)
GROUPS = {
    "信息公开办公室": (
        ["add_page", "change_page", "publish_page"],
        [
            ("wagtail_disclosure", "add_department"),
            ("wagtail_disclosure", "change_department"),
            ("wagtail_disclosure", "delete_department"),
            ("wagtail_disclosure", "view_department"),
            # Role: the disclosure office, for every department.
            ("wagtail_disclosure", "publish_entries"),
            # Managing who holds which role in which department.
            ("wagtail_disclosure", "add_departmentuserobjectpermission"),
            ("wagtail_disclosure", "change_departmentuserobjectpermission"),
            ("wagtail_disclosure", "delete_departmentuserobjectpermission"),
            ("wagtail_disclosure", "view_departmentuserobjectpermission"),
            ("wagtail_disclosure", "add_departmentgroupobjectpermission"),
            ("wagtail_disclosure", "change_departmentgroupobjectpermission"),
            ("wagtail_disclosure", "delete_departmentgroupobjectpermission"),
            ("wagtail_disclosure", "view_departmentgroupobjectpermission"),
        ],
        ["add_document", "change_document", "choose_document"],
    ),
    "部门编辑": (
        ["add_page", "change_page"],
        [],
        ["add_document", "change_document", "choose_document"],
    ),
    "部门审核人": (["change_page"], [], ["choose_document"]),
    # Confidentiality reviewers and the leader in charge act for every department.
    "保密审查员": (["change_page"], [("wagtail_disclosure", "clear_entries")], ["choose_document"]),
    "分管校领导": (["change_page"], [("wagtail_disclosure", "sign_off_entries")], ["choose_document"]),
}

# Department roles held by one person in one department (django-guardian object
# permissions): (username, role codename, department short code).
DEPARTMENT_ROLES = [
    ("editor_jwc", "edit_entries", "JWC"),
    ("editor_zsjy", "edit_entries", "ZSJYC"),
    ("editor_zsjy", "edit_entries", "YJSY"),
    ("reviewer_jwc", "review_entries", "JWC"),
    # Requests for information (依申请公开): 教务处 and 招生就业处 each handle theirs.
    ("reviewer_jwc", "handle_requests", "JWC"),
    ("editor_zsjy", "handle_requests", "ZSJYC"),
]

# Entries of 教务处 left part-way through the review, so the queue has something in it:
# (slug, title, item, transitions taken, major matter)
REVIEW_PIPELINE = [
    ("review-demo-submitted", "2026—2027学年第一学期校历（送审稿）", "5", ["submit"], False),
    ("review-demo-approved", "青岚大学本科课程考核管理办法（修订送审稿）", "2", ["submit", "approve"], False),
    ("review-demo-cleared", "2026年本科专业设置调整说明（送审稿）", "28", ["submit", "approve", "clear"], False),
    (
        "review-demo-sign-off",
        "青岚大学本科教学质量报告（2025—2026学年，送审稿）",
        "35",
        ["submit", "approve", "clear"],
        True,
    ),
]

DEMO_PASSWORD = "changeme"

# (username, surname, given name, group or None for the superuser, unit)
USERS = [
    ("admin", "管理员", "", None, None),
    ("office", "杜", "文清", "信息公开办公室", "DZB"),
    ("editor_jwc", "郑", "蓉", "部门编辑", "JWC"),
    ("editor_zsjy", "黎", "明轩", "部门编辑", "ZSJYC"),
    ("reviewer_jwc", "邱", "思齐", "部门审核人", "JWC"),
    ("secrecy", "钟", "正平", "保密审查员", "JJSJS"),
    ("leader", "顾", "承安", "分管校领导", None),
]

GUIDE_OFFICE = {
    "office_name": "青岚大学信息公开办公室（设在党政办公室）",
    "office_address": f"{CAMPUS_ADDRESS} 青岚大学行政楼201室，邮编 000001",
    "office_hours": "工作日 8:30—11:30，14:30—17:30（法定节假日除外）",
    "office_phone": phone(1001),
    "office_email": email("xxgk"),
}


def _p(*paragraphs):
    return "".join(f"<p>{text}</p>" for text in paragraphs)


GUIDE_BODY = [
    {"type": "heading", "value": {"text": "一、总则", "level": "h2"}},
    {"type": "paragraph", "value": _p(
        "为方便师生员工、考生家长和社会公众了解和获取学校信息，青岚大学依据《高等学校"
        "信息公开办法》编制本指南，并根据工作变化适时更新。",
        "学校信息公开工作由校信息公开工作领导小组统一领导，日常工作由信息公开办公室负责，"
        "各职能部门和二级学院按照“谁制作、谁公开，谁保存、谁公开”的原则承担本单位信息"
        "的发布与更新。",
    )},
    {"type": "heading", "value": {"text": "二、主动公开", "level": "h2"}},
    {"type": "paragraph", "value": _p(
        "主动公开的范围以《高等学校信息公开事项清单》十大类五十项为基础，学校结合实际"
        "补充了办学基本情况、校级领导班子分工等子事项，详见本站信息公开目录。",
        "学校网站“信息公开”专栏是主动公开的主要渠道，校园微信公众号、行政楼一楼信息"
        "公开栏、纸质文件汇编以及教职工代表大会、学生代表大会等会议同时作为辅助渠道。",
        "属于主动公开范围的信息，责任单位应当自信息制作完成或获取之日起二十个工作日内"
        "予以公开；信息内容发生变更的，在变更后二十个工作日内更新。",
    )},
    {"type": "heading", "value": {"text": "三、依申请公开", "level": "h2"}},
    {"type": "paragraph", "value": _p(
        "公民、法人或者其他组织可以根据自身学习、科研、工作等特殊需要，向学校申请获取"
        "未主动公开的信息。申请人应填写《青岚大学信息公开申请表》（可在本站下载或到"
        "信息公开办公室领取），写明申请人姓名或名称、联系方式、所需信息的内容描述及用途。",
        "申请可以当面提交，也可以通过信函或电子邮件提交；以信函方式申请的，请在信封左下角"
        "注明“信息公开申请”字样。信息公开办公室收到申请后进行登记，能够当场答复的当场"
        "答复，不能当场答复的，自收到申请之日起十五个工作日内答复；需要延长答复期限的，"
        "将告知申请人，延长期限最长不超过十五个工作日。",
        "学校依申请提供信息不收取费用。",
    )},
    {"type": "heading", "value": {"text": "四、不予公开的信息", "level": "h2"}},
    {"type": "paragraph", "value": _p(
        "涉及国家秘密、商业秘密、个人隐私的信息，以及法律法规和学校规定不予公开的其他"
        "信息，学校不予公开；经权利人同意公开或者学校认为不公开可能对公共利益造成重大"
        "影响的涉及商业秘密、个人隐私的信息，可以予以公开。",
        "拟公开的信息在发布前须经本单位负责人审核和保密审查。",
    )},
    {"type": "heading", "value": {"text": "五、监督和投诉", "level": "h2"}},
    {"type": "paragraph", "value": _p(
        "对学校信息公开工作有意见或建议，或者认为学校未依法履行信息公开义务的，可向学校"
        "纪检监察审计室反映（电话 " + phone(1090) + "，邮箱 " + email("jjjc") + "），"
        "也可以向学校的上级主管部门反映。",
    )},
    {"type": "heading", "value": {"text": "六、联系方式", "level": "h2"}},
    {"type": "table", "value": {
        "data": [
            ["事项", "联系单位", "电话", "电子邮箱"],
            ["信息公开申请与咨询", "信息公开办公室", phone(1001), email("xxgk")],
            ["本科招生咨询", "招生就业处", phone(1100), email("zsb")],
            ["研究生招生咨询", "研究生院", phone(1110), email("yzb")],
            ["收费咨询与投诉", "财务处", phone(1040), email("cwc")],
            ["监督投诉", "纪检监察审计室", phone(1090), email("jjjc")],
        ],
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_caption": "",
    }},
]
