"""Every admin screen of the package, in zh-hans, without an English word in what people read.

The screens are enumerated from the URL resolver (every URL of the package's admin
namespaces: its own views and its viewsets), plus the Wagtail screens our users work in:
the page editor (add and edit) of every page type of the package, the page history of an
entry in review, the dashboard, the page explorer and the site settings. Each is rendered
as the superuser and as a department editor, with data on it: an entry in review that was
sent back once with a comment, a department, a role, a token, a working-day override.

"Visible text" is the rendered HTML without ``<script>``, ``<style>``, ``<template>``,
elements marked ``hidden`` or ``aria-hidden="true"`` and attribute values, but with the
``title``, ``aria-label``, ``placeholder`` and ``alt`` of visible elements (Wagtail's dialogs,
hidden until opened, count as visible). A word is a run
of two or more ASCII letters; :data:`ALLOWED` lists those allowed, each with its reason
(documented in docs/translations.md).
"""

import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from wagtail.models import Page

from tests.utils import (
    build_once,
    fresh,
    grant,
    make_department,
    make_entry,
    make_section,
    staff,
)
from wagtail_disclosure.models import (
    ApiToken,
    Checklist,
    ChecklistCategory,
    ChecklistItem,
    Department,
    DepartmentGroupObjectPermission,
    DepartmentUserObjectPermission,
    DisclosureCategoryPage,
    DisclosureGuidePage,
    DisclosureIndexPage,
    DisclosureRequest,
    EntryReview,
    ReleaseChannel,
    WorkingDayOverride,
)
from wagtail_disclosure.models.entry_types import ENTRY_PAGE_TYPES
from wagtail_disclosure.models.review import ReviewState
from wagtail_disclosure.people import real_people
from wagtail_disclosure.permissions import Role, assign_role
from wagtail_disclosure.workflow import take_transition

pytestmark = pytest.mark.django_db

SEND_BACK = "请补充发文字号后再提交。"

#: Words of ASCII letters allowed in the visible text of an admin screen, with the reason.
ALLOWED = {
    # Abbreviations Chinese offices write in Latin letters.
    "API": "the staff API (API 令牌)",
    "URL": "网址 fields and the URL of a page",
    "ID": "identifiers (ID)",
    "PDF": "a file type",
    "DOCX": "a file type (the review record as .docx)",
    "docx": "a file name extension (审核记录.docx)",
    "CSV": "a file type",
    "XLSX": "a file type (Excel workbooks)",
    "csv": "a file name extension (导入.csv)",
    "xlsx": "a file name extension (.xlsx)",
    "UTF": "a text encoding (UTF-8)",
    "GB": "a text encoding (GB18030, the Chinese national standard)",
    "HTML": "a format",
    "ICP": "ICP备案号, the name of the site licence number",
    "SEO": "Wagtail's promote tab: “SEO 标题”, a term used as is in Chinese",
    # Proper nouns.
    "Wagtail": "the name of the CMS (in its own footer and help texts)",
    "Django": "the name of the template language of the letter texts",
    "JavaScript": "a proper noun (“使用 Wagtail 需要 JavaScript”)",
    "Word": "Microsoft Word (the review record's download link: “Word 文档”)",
    # Nothing of Wagtail's wording: what Wagtail leaves untranslated, the package translates
    # (wagtail_disclosure/wagtail_strings.py, docs/translations.md).
}


# -- the checker ----------------------------------------------------------------------------

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
SKIPPED_TAGS = {"script", "style", "template"}
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


class VisibleText(HTMLParser):
    """Collects the text a person reads (see the module's docstring)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # [tag, hides], innermost last
        self.parts = []

    @property
    def hidden(self):
        return any(hides for _tag, hides in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        hides = (
            tag in SKIPPED_TAGS
            or "hidden" in attributes
            or (
                (attributes.get("aria-hidden") or "").lower() == "true"
                # Wagtail's dialogs (the keyboard shortcuts, confirmations) are
                # aria-hidden until opened: they are read then.
                and "w-dialog" not in (attributes.get("data-controller") or "")
            )
            or (tag == "input" and (attributes.get("type") or "").lower() == "hidden")
        )
        if not self.hidden and not hides:
            self.parts.extend(
                attributes[name] or "" for name in READ_ATTRIBUTES if name in attributes
            )
        if tag not in VOID:
            self.stack.append([tag, hides])

    def handle_startendtag(self, tag, attrs):
        if tag in VOID:
            self.handle_starttag(tag, attrs)
        else:  # <div/>: opened and closed at once
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


SKIPPED_ELEMENTS = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.S | re.I)


def visible_text(html):
    parser = VisibleText()
    parser.feed(SKIPPED_ELEMENTS.sub(" ", html))  # the same as the parser's skipping, faster
    parser.close()
    return " ".join(parser.parts)


# Template variables ({{ tracking_number }}) that administrators type into letter texts:
# code, not wording.
TEMPLATE_VARIABLES = re.compile(r"\{\{.*?\}\}")
# Addresses are data, not wording: a URL or path, an e-mail address, a domain name.
ADDRESSES = re.compile(
    r"(?:https?://|/)[^\s\"'<>]*|[\w.+-]+@[\w.-]+|\b(?:[a-z0-9-]+\.)+(?:cn|com|org|net)\b"
)
WORD = re.compile(r"[A-Za-z]{2,}")


def without_data(text, data=()):
    """The text without addresses and without ``data``: strings people typed or chose
    (usernames, codes, group and site names), which are not the interface's wording."""
    text = ADDRESSES.sub(" ", TEMPLATE_VARIABLES.sub(" ", text))
    for value in sorted(data, key=len, reverse=True):  # whole values, not parts of words
        text = re.sub(rf"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])", " ", text)
    return text


def english_words(html, data=()):
    """The words of ASCII letters in the visible text that are not allowed, in order."""
    text = without_data(visible_text(html), data)
    return [word for word in WORD.findall(text) if word not in ALLOWED]


PHRASE = re.compile(r"[A-Za-z][A-Za-z0-9 ,.'’:;!?()…%-]*")


def english_phrases(html, data=()):
    """The runs of English text holding a word that is not allowed (for the report)."""
    text = re.sub(r"\s+", " ", without_data(visible_text(html), data))
    return {
        phrase.strip()
        for phrase in PHRASE.findall(text)
        if any(word not in ALLOWED for word in WORD.findall(phrase))
    }


@pytest.mark.parametrize(
    "html, words",
    [
        ("<p>请补充 Save draft</p>", ["Save", "draft"]),
        ('<button title="Toggle sidebar">切换</button>', ["Toggle", "sidebar"]),
        ('<input placeholder="Search pages">', ["Search", "pages"]),
        ("<p>232 Pages created in 信息公开</p>", ["Pages", "created", "in"]),
        ("<p>审核记录 (API, PDF, URL)</p>", []),
        ("<p>见 https://example.cn/xxgk/ 或 xxgk@example.cn</p>", []),
        ("<script>var hidden = 1;</script><style>p { color: red }</style>", []),
        ('<div hidden><p>Locking:</p></div><svg aria-hidden="true"><p>Icon</p></svg>', []),
        ('<div aria-hidden="true"><span title="Shown">x</span></div><p>页面</p>', []),
        (
            '<div aria-hidden="true" data-controller="w-dialog"><h2>Keyboard shortcuts</h2></div>',
            ["Keyboard", "shortcuts"],
        ),
        ('<input type="hidden" value="Nope" title="Nope">', []),
        (
            "<template><p>Hidden template</p></template><p>Anyone can edit</p>",
            ["Anyone", "can", "edit"],
        ),
        ("<ul><li>一<li>Two</ul><p>三</p>", ["Two"]),
        ('<img alt="Avatar of 郑蓉">', ["Avatar", "of"]),
    ],
)
def test_the_checker_finds_english_words(html, words):
    assert english_words(html) == words


# -- the data -------------------------------------------------------------------------------


def build_screens():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    section = make_section()
    jwc = make_department("JWC", "教务处", contact_person="王老师", phone="010-12345678")
    # The superuser, named in Chinese as the demo's users are.
    # Usernames in pinyin: the check leaves usernames out (data), so they must not be
    # English words that would hide Wagtail's ("editor guide").
    admin = User.objects.create_superuser(
        "liqiang", "liqiang@example.cn", "pw", first_name="强", last_name="李"
    )
    editor = staff(User, "zhengrong", section, first_name="蓉", last_name="郑")
    grant(editor, Role.DEPARTMENT_EDITOR, jwc)
    head = staff(User, "wangwei", section, first_name="伟", last_name="王")
    grant(head, Role.DEPARTMENT_REVIEWER, jwc)
    group = Group.objects.create(name="教务处编辑组")
    assign_role(group, Role.DEPARTMENT_EDITOR, jwc)

    # An entry in review that was sent back once, with a comment.
    in_review = make_entry(section, publish=False, department=jwc, title="2026年招生章程")
    take_transition(in_review, "submit", editor)
    take_transition(in_review, "reject", head, comment=SEND_BACK)
    in_review.refresh_from_db()
    in_review.title = "2026年招生章程（修订）"
    in_review.save_revision(user=editor)
    take_transition(in_review, "submit", editor)

    # A published entry of every page type.
    entries = {"admissions": in_review}
    for model in ENTRY_PAGE_TYPES:
        if model.category_key not in entries:
            entry = make_entry(
                section,
                key=model.category_key,
                department=jwc,
                title=f"{model._meta.verbose_name}条目",
            )
            entries[model.category_key] = entry
    guide = section.add_child(instance=DisclosureGuidePage(title="信息公开指南", slug="guide"))
    # A section without a guide, where one may be added.
    bare = Page.get_first_root_node().add_child(
        instance=DisclosureIndexPage(title="另一个信息公开栏目", slug="xxgk-2")
    )
    token, _key = ApiToken.objects.create_token(user=admin, name="审核控制台")
    channel = ReleaseChannel.objects.first() or ReleaseChannel.objects.create(
        code="web", name="学校网站"
    )
    override = WorkingDayOverride.objects.create(
        date="2026-10-10", is_working_day=True, note="国庆调休"
    )
    # A request for information routed to 教务处, with its receipt, and a letter text.
    import datetime

    from wagtail_disclosure.models import DisclosureRequest, LetterTemplate
    from wagtail_disclosure.request_letters import issue_letter

    case = DisclosureRequest.objects.create(
        applicant_type="person",
        name="赵敏",
        id_type="resident_id",
        id_number="110101199003071234",
        phone="010-62750000",
        description="2025年本科招生录取分数线的确定依据",
        received_on=datetime.date(2026, 11, 20),
    )
    take_transition(case, "accept", admin)
    case = take_transition(case, "request_correction", admin, comment="请写明所需文件的名称")
    letter = issue_letter(case, "receipt", admin)
    letter_text = LetterTemplate.objects.create(
        kind="receipt", subject="信息公开申请接收回执", body="{{ applicant_name }}：\n已收到。"
    )
    # An annual report in draft, and a figure the office entered for it.
    from wagtail_disclosure.models import AnnualReportPage, ReportFigure

    report = AnnualReportPage(
        title="2025—2026学年信息公开工作年度报告",
        slug="report-2025",
        academic_year=2025,
        department=jwc,
        live=False,
    )
    DisclosureCategoryPage.objects.child_of(section).get(category__key="basic").add_child(
        instance=report
    )
    report.save_revision(user=admin)
    figure = ReportFigure.objects.create(
        academic_year=2025,
        key="training_sessions",
        label="培训场次",
        value=12,
        unit="场",
        source="培训签到表",
    )
    # A checked import (its report page) with one bad row (the file itself is not read).
    from wagtail_disclosure.models import ImportRun

    run = ImportRun(original_name="导入.csv", section=section, user=admin, total=2, bad=1)
    run.report = [{"line": 3, "reason": "缺少标题"}]
    run.file.name = "disclosure_imports/import.csv"
    run.save()
    return {
        "section": section,
        "jwc": jwc,
        "import_run": run,
        "admin": admin,
        "editor": editor,
        "head": head,
        "group": group,
        "in_review": in_review,
        "entries": entries,
        "guide": guide,
        "bare": bare,
        "token": token,
        "channel": channel,
        "override": override,
        "case": case,
        "letter": letter,
        "letter_text": letter_text,
        "report": report,
        "figure": figure,
    }


def build_screens_in_chinese():
    # What the data is made of (page type names in titles, letter texts) in the site's
    # language, whatever language an earlier test's request left active in this thread.
    with translation.override("zh-hans"):
        return build_screens()


@pytest.fixture(scope="module")
def _screens_once(request, django_db_setup, django_db_blocker):
    yield from build_once(request, django_db_blocker, build_screens_in_chinese)


@pytest.fixture
def world(_screens_once, db):
    return fresh(_screens_once)


def test_the_data_is_what_the_screens_need(world):
    review = EntryReview.objects.get(page_id=world["in_review"].pk)
    assert review.state == ReviewState.SUBMITTED
    assert SEND_BACK in review_log_comments(world["in_review"])
    assert {model.category_key for model in ENTRY_PAGE_TYPES} == set(world["entries"])
    for key, entry in world["entries"].items():
        if key != "admissions":
            assert entry.specific.live, key
    assert DepartmentUserObjectPermission.objects.filter(user=world["editor"]).exists()
    assert DepartmentGroupObjectPermission.objects.filter(group=world["group"]).exists()
    assert not DisclosureGuidePage.objects.child_of(world["bare"]).exists()
    assert ApiToken.objects.filter(pk=world["token"].pk, user=world["admin"]).exists()
    assert WorkingDayOverride.objects.filter(pk=world["override"].pk).exists()


def review_log_comments(entry):
    from wagtail.models import PageLogEntry

    return [(log.data or {}).get("comment") for log in PageLogEntry.objects.filter(page=entry)]


# -- the screens ----------------------------------------------------------------------------


def package_url_names():
    """``namespace:name`` of every URL of the package's admin (its views and viewsets)."""
    from wagtail_disclosure.viewsets import DisclosureViewSetGroup

    namespaces = {"wagtail_disclosure"} | {viewset.name for viewset in DisclosureViewSetGroup.items}

    def walk(resolver, namespace=None):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace in namespaces and pattern.name:
                yield f"{namespace}:{pattern.name}"

    return sorted(set(walk(get_resolver())))


#: URL names that are not screens, with the reason.
NOT_SCREENS = {
    "wagtail_disclosure:review_record_docx": "a .docx download (tests/test_review_record.py)",
    "wagtail_disclosure:request_letter_docx": "a .docx download (tests/test_requests_letters.py)",
    "disclosure_requests:transition": "POST only (tests/test_requests_admin.py)",
    "disclosure_requests:ask_extension": "POST only (tests/test_requests_admin.py)",
    "disclosure_requests:issue_letter": "POST only (tests/test_requests_admin.py)",
    "disclosure_requests:decide_extension": "POST only (tests/test_requests_admin.py)",
    "disclosure_requests:contribute": "POST only (tests/test_requests_routing.py)",
    "wagtail_disclosure:import_run_start": "POST only (tests/test_import_export.py)",
}


def transitions():
    from wagtail_disclosure.workflow.engine import registry

    workflow = next(w for w in registry if w.model is EntryReview)
    return sorted(name for name, step in workflow.steps.items() if not step.system)


def viewset_objects(world):
    """The object whose screens each viewset shows."""
    return {
        "disclosure_departments": world["jwc"],
        "disclosure_user_roles": DepartmentUserObjectPermission.objects.filter(
            user=world["editor"]
        ).first(),
        "disclosure_group_roles": DepartmentGroupObjectPermission.objects.get(group=world["group"]),
        "disclosure_checklist_items": ChecklistItem.objects.order_by("pk").first(),
        "disclosure_checklist_categories": ChecklistCategory.objects.order_by("pk").first(),
        "disclosure_checklists": Checklist.objects.order_by("pk").first(),
        "disclosure_channels": world["channel"],
        "disclosure_working_days": world["override"],
        "disclosure_api_tokens": world["token"],
        "disclosure_requests": world["case"],
        "disclosure_letter_templates": world["letter_text"],
        "disclosure_report_figures": world["figure"],
    }


def package_screens(world):
    """(label, URL) of every screen of the package's admin URLs."""
    entry = world["in_review"]
    review = EntryReview.objects.get(page_id=entry.pk)
    objects = viewset_objects(world)
    screens = []
    for name in package_url_names():
        if name in NOT_SCREENS:
            continue
        namespace, view = name.split(":")
        if namespace == "wagtail_disclosure":
            if view == "review_record":
                screens.append((name, reverse(name, args=[entry.pk])))
            elif view == "entry_transition":
                for transition in transitions():
                    screens.append(
                        (f"{name} {transition}", reverse(name, args=[entry.pk, transition]))
                    )
            elif view == "request_letter_print":
                screens.append((name, reverse(name, args=[world["letter"].pk])))
            elif view == "import_run":
                screens.append((name, reverse(name, args=[world["import_run"].pk])))
            elif view == "workflow_transition":
                for transition in transitions():
                    args = [EntryReview._meta.label_lower, review.pk, transition]
                    screens.append((f"{name} {transition}", reverse(name, args=args)))
            else:
                screens.append((name, reverse(name)))
        elif view in ("index", "index_results", "add"):
            screens.append((name, reverse(name)))
        else:
            screens.append((name, reverse(name, args=[objects[namespace].pk])))
    return screens


def page_screens(world):
    """(label, URL) of Wagtail's page screens for the package's page types."""
    section, entries = world["section"], world["entries"]
    category = DisclosureCategoryPage.objects.child_of(section).first()
    pages = {
        "index": (section, Page.get_first_root_node()),
        "guide": (world["guide"], world["bare"]),
        "category": (category, section),
    }
    for key, entry in entries.items():
        pages[key] = (entry, entry.get_parent())
    pages["annual report"] = (world["report"], world["report"].get_parent())
    screens = []
    for key, (page, parent) in pages.items():
        model = page.specific_class
        add = reverse(
            "wagtailadmin_pages:add",
            args=[model._meta.app_label, model._meta.model_name, parent.pk],
        )
        screens.append((f"add {key}", add))
        screens.append((f"edit {key}", reverse("wagtailadmin_pages:edit", args=[page.pk])))
    entry = world["in_review"]
    screens += [
        ("history of the entry in review", reverse("wagtailadmin_pages:history", args=[entry.pk])),
        ("dashboard", reverse("wagtailadmin_home")),
        ("explorer of a category", reverse("wagtailadmin_explore", args=[entry.get_parent().pk])),
        ("explorer of the section", reverse("wagtailadmin_explore", args=[section.pk])),
        (
            "site settings",
            reverse(
                "wagtailsettings:edit",
                args=["wagtail_disclosure", "disclosuresitesettings", section.get_site().pk],
            ),
        ),
    ]
    return screens


def test_every_url_of_the_package_is_a_screen_here(world):
    names = package_url_names()
    assert "wagtail_disclosure:review_queue" in names and "disclosure_api_tokens:index" in names
    covered = {label.split(" ")[0] for label, _url in package_screens(world)} | set(NOT_SCREENS)
    assert set(names) <= covered


def data_strings():
    """What people typed or chose that is shown as it is: not wording to translate."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from wagtail.models import Site

    from wagtail_disclosure.models import ImportRun, ReportFigure

    User = get_user_model()
    # Not guardian's AnonymousUser: it must not be shown at all (tests/test_admin_chinese.py).
    people = real_people()
    values = [
        *people.values_list(User.USERNAME_FIELD, flat=True),
        *Group.objects.values_list("name", flat=True),  # Wagtail's "Editors", "Moderators"
        *ChecklistCategory.objects.values_list("key", flat=True),
        *Checklist.objects.values_list("code", flat=True),
        *ChecklistItem.objects.values_list("code", flat=True),
        *ReleaseChannel.objects.values_list("code", flat=True),
        *Department.objects.values_list("short_code", flat=True),
        *ApiToken.objects.values_list("prefix", flat=True),
        *Site.objects.values_list("hostname", flat=True),
        *Site.objects.values_list("site_name", flat=True),
        *DisclosureRequest.objects.values_list("tracking_number", flat=True),
        *DisclosureRequest.objects.values_list("lookup_code", flat=True),
        *ReportFigure.objects.values_list("key", flat=True),
        *ImportRun.objects.values_list("original_name", flat=True),
        settings.WAGTAIL_SITE_NAME,
    ]
    return {value for value in values if value}


def render(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    return response


@pytest.mark.parametrize("who", ["admin", "editor"])
def test_admin_screens_have_no_english(world, client, who):
    user = world[who]
    client.force_login(user)
    screens = package_screens(world) + page_screens(world)
    data = data_strings()
    found = {}  # phrase: [screens]
    rendered = 0
    statuses = {}
    for label, url in screens:
        response = render(client, url)
        statuses[label] = response.status_code
        if response.status_code >= 500:
            raise AssertionError(f"{label}: {response.status_code}")
        content_type = response.get("Content-Type", "")
        if "html" not in content_type:
            continue
        html = response.content.decode()
        rendered += 1
        if english_words(html, data):
            for phrase in english_phrases(html, data):
                found.setdefault(phrase, []).append(label)
    # The screens people work in were shown, with content, not refused.
    for label in (
        "dashboard",
        "wagtail_disclosure:review_queue",
        "wagtail_disclosure:my_entries",
        "wagtail_disclosure:review_record",
        "edit admissions",
        "add admissions",
        "history of the entry in review",
        "explorer of a category",
    ):
        assert statuses[label] == 200, (label, statuses[label])
    if who == "admin":
        assert statuses["wagtail_disclosure:entry_transition approve"] == 200  # the form
        assert statuses["disclosure_user_roles:edit"] == 200
        assert statuses["site settings"] == 200
    assert rendered > 40
    assert not found, "\n".join(f"{phrase!r}: {labels}" for phrase, labels in found.items())


def test_the_pages_menu_item_is_not_called_pagination(world, client):
    """The package's catalogue translated its own "Pages" (a pagination label) as 分页, and
    being before wagtail.admin it won: Wagtail's sidebar then showed 分页 for Pages."""
    client.force_login(world["editor"])
    html = render(client, reverse("wagtailadmin_home")).content.decode()
    found = re.search(r'"name": "explorer", "label": "((?:[^"\\]|\\.)*)"', html)
    assert found, "the sidebar's explorer item"
    label = json.loads(f'"{found.group(1)}"')
    assert label == "页面", label
    with translation.override("zh-hans"):
        assert translation.gettext("Pages") == "页面"
        assert translation.gettext("Pagination") == "分页"


# -- Wagtail's strings, and the order of the apps ----------------------------------------------


def test_every_marked_wagtail_string_is_translated():
    from wagtail_disclosure import wagtail_strings

    assert len(wagtail_strings.MESSAGES) > 50 and wagtail_strings.PLURAL_MESSAGES
    with translation.override("zh-hans"):
        untranslated = [m for m in wagtail_strings.MESSAGES if translation.gettext(m) == m]
        for lazy in wagtail_strings.PLURAL_MESSAGES:
            singular, plural = lazy._kw["singular"], lazy._kw["plural"]  # ngettext_lazy()
            if translation.ngettext(singular, plural, 2) in (singular, plural):
                untranslated.append(singular)
        assert not untranslated, untranslated
        # As people read them: the dashboard's count and the page editor's lock panel.
        assert translation.ngettext(
            '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
            '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>',
            232,
        ) % {"total": 232, "site_name": "信息公开网"} == (
            '232 个页面<span class="w-sr-only">（信息公开网）</span>'
        )
        assert translation.gettext("Locking: ") == "锁定："
        assert (
            translation.gettext("Anyone can edit this %(model_name)s") % {"model_name": "页面"}
            == "任何人都可以编辑此页面"
        )


def test_the_package_must_come_before_wagtail_admin():
    from django.conf import settings

    from wagtail_disclosure.checks import app_order_messages

    assert settings.INSTALLED_APPS.index("wagtail_disclosure") < settings.INSTALLED_APPS.index(
        "wagtail.admin"
    )
    assert app_order_messages(settings.INSTALLED_APPS) == []
    after = [name for name in settings.INSTALLED_APPS if name != "wagtail_disclosure"]
    after.insert(after.index("wagtail.admin") + 1, "wagtail_disclosure")
    [warning] = app_order_messages(after)
    assert warning.id == "wagtail_disclosure.W007" and "before" in warning.hint
    assert app_order_messages(["wagtail_disclosure", "wagtail.admin", "wagtail"]) == []
    assert app_order_messages(["wagtail.admin"]) == []


# -- names of people on Wagtail's screens -----------------------------------------------------


def test_the_surname_first_mixin_names_people_as_the_package_does():
    from django.contrib.auth.models import AbstractUser
    from wagtail.admin.utils import get_user_display_name

    from wagtail_disclosure.people import SurnameFirstNameMixin, person_name

    class Person(SurnameFirstNameMixin, AbstractUser):  # a site's custom user model
        class Meta:
            abstract = True

    class Plain(AbstractUser):
        class Meta:
            abstract = True

    names = [("蓉", "郑"), ("修", "欧阳"), ("Ada", "Lovelace"), ("", "")]
    for first, last in names:
        person = Person.__new__(Person)
        person.__dict__.update(first_name=first, last_name=last, username="zr")
        plain = Plain.__new__(Plain)
        plain.__dict__.update(first_name=first, last_name=last, username="zr")
        # Wagtail's own screens name a person through get_full_name(): surname first now.
        assert get_user_display_name(person) == person_name(person), (first, last)
        if first == "蓉":
            assert get_user_display_name(person) == "郑蓉"
            assert get_user_display_name(plain) == "蓉 郑"  # Django's User, as it was


# -- the review record from Wagtail's page history ---------------------------------------------


def test_page_history_of_an_entry_links_to_its_review_record(world, client):
    entry = world["in_review"]
    record = reverse("wagtail_disclosure:review_record", args=[entry.pk])
    history = reverse("wagtailadmin_pages:history", args=[entry.pk])
    edit = reverse("wagtailadmin_pages:edit", args=[entry.pk])
    for who in ("admin", "editor"):
        client.force_login(world[who])
        for url in (history, edit):
            response = render(client, url)
            assert response.status_code == 200, (who, url)
            assert f'href="{record}"' in response.content.decode(), (who, url)
        assert render(client, record).status_code == 200
    # Not on the history of a page that is not an entry.
    client.force_login(world["admin"])
    category = reverse("wagtailadmin_pages:history", args=[entry.get_parent().pk])
    html = render(client, category).content.decode()
    assert "/record/" not in html and "disclosure-history-record" not in html
