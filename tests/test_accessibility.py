"""axe-core on the public pages, at a desktop and a phone width, and no JavaScript needed.

Issue 11's acceptance: "axe-core: 0 violations on the catalogue, a category, an item, an
entry, search, guide, at 1280 and 390 px", and "no JavaScript requirement". A live server
serves a realistic section (a category with items and entries, an entry with a table in
its body and attachments, a not-applicable item, an empty item, the demo site's guide,
footer settings); headless Chromium loads each page at both widths and runs the official
axe-core (bundled by axe-playwright-python) with axe's default rules: WCAG 2.0/2.1/2.2
A and AA, and best practices. A violation fails the test with its rule, impact, the
elements (CSS selectors) and axe's help text.

At 390 px no page may scroll sideways, and with JavaScript switched off the pages still
show their content (the entry list, the catalogue, the entry's text, the search results).
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Site

from tests.browser import TIMEOUT_MS, chromium_for_module, goto
from tests.utils import category_page, make_department, make_entry, make_section
from wagtail_disclosure.models import (
    ChecklistItem,
    DisclosureAttachment,
    DisclosureGuidePage,
    DisclosureSiteSettings,
)

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread: the data must be committed. Transactional
    # flushes wipe the checklist migration rows and Wagtail's root page; restore them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

#: Viewport widths (CSS px): a desktop and a phone (iPhone 12 to 15: 390 × 844).
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
#: A Chinese query that finds the admissions entries.
QUERY = "招生"

AXE = Axe()


@pytest.fixture(scope="module")
def browser(django_db_setup, django_db_blocker):
    """One Chromium for the module (with the serialized contents handed over, so that
    ``serialized_rollback`` restores the checklist and the root page before each test)."""
    with chromium_for_module(django_db_blocker) as launched:
        yield launched


def body_table(rows, caption=""):
    return {
        "data": rows,
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_caption": caption,
    }


def build_portal():
    """A section as a university fills it; returns {page name: path} and what was built."""
    from demo_content import data as demo

    section = make_section(title="信息公开")
    site = Site.objects.get(is_default_site=True)
    site.site_name = "青岚大学信息公开网"
    site.save()
    DisclosureSiteSettings.objects.update_or_create(
        site=site,
        defaults={
            "organiser": "青岚大学",
            "address": "青岚市学府路1号",
            "phone": "0000-12345678",
            "email": "xxgk@example.edu.cn",
            "icp_number": "京ICP备00000000号",
        },
    )
    guide = DisclosureGuidePage(
        title=demo.GUIDE_TITLE, slug=demo.GUIDE_SLUG, body=demo.GUIDE_BODY, **demo.GUIDE_OFFICE
    )
    section.add_child(instance=guide)
    guide.save_revision().publish()

    admissions = category_page(section, "admissions")
    items = list(
        ChecklistItem.objects.filter(category_id=admissions.category_id).order_by("number")
    )
    with_entries, empty, not_applicable = items[0], items[1], items[2]
    not_applicable.not_applicable_reason = "学校未举办特殊类型招生，本项不适用。"
    not_applicable.save(update_fields=["not_applicable_reason"])

    zsjy = make_department("ZSJYC", "招生就业处")
    document = get_document_model().objects.create(
        title="2026年本科招生计划表",
        file=ContentFile("专业,计划数\n计算机科学与技术,120\n".encode(), name="plan-2026.csv"),
    )
    entry = make_entry(
        section,
        item_code=with_entries.code,
        department=zsjy,
        title="青岚大学2026年本科招生章程",
        slug="admissions-charter-2026",
        document_number="青大招〔2026〕3号",
        document_date="2026-03-01",
        publication_date="2026-03-05",
        summary="本章程规定了学校2026年本科招生的计划、录取规则与咨询方式。",
        body=[
            {"type": "heading", "value": {"text": "第一章 总则", "level": "h2"}},
            {
                "type": "paragraph",
                "value": "<p>为规范本科招生工作，依据《中华人民共和国高等教育法》制定本章程。"
                '招生网：<a href="https://zsb.example.edu.cn/2026/benke/zhangcheng/index.html">'
                "https://zsb.example.edu.cn/2026/benke/zhangcheng/index.html</a>。</p>",
            },
            {
                "type": "table",
                "value": body_table(
                    [
                        ["专业", "科类", "计划数", "学制", "学费（元/年）", "考生咨询电话"],
                        ["计算机科学与技术", "物理类", "120", "四年", "5,800", "0000-12345678"],
                        ["汉语言文学", "历史类", "60", "四年", "4,600", "0000-12345679"],
                    ],
                    caption="2026年分专业招生计划（节选）",
                ),
            },
            {"type": "document", "value": {"document": document.pk, "title": "招生计划表下载"}},
        ],
        attachments=[DisclosureAttachment(document=document, title="2026年本科招生计划表")],
    )
    for number in range(2, 4):
        make_entry(
            section,
            item_code=with_entries.code,
            department=zsjy,
            title=f"青岚大学{2026 - number}年本科招生章程",
            slug=f"admissions-charter-{2026 - number}",
            document_date=f"{2026 - number}-03-01",
            publication_date=f"{2026 - number}-03-05",
            validity="repealed",
            validity_changed_on=f"{2027 - number}-03-05",
        )
    category_url = admissions.url
    paths = {
        "catalogue": section.url,
        "category": category_url,
        "item": f"{category_url}?item={with_entries.code}",
        "item (empty)": f"{category_url}?item={empty.code}",
        "item (not applicable)": f"{category_url}?item={not_applicable.code}",
        "entry": entry.url,
        "search": f"{section.url}{section.reverse_subpage('search')}?q={QUERY}",
        "guide": guide.url,
    }
    return paths, entry


def new_context(browser, width, height, **options):
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


def describe(violations):
    """axe's violations as readable lines: rule, impact, help, then each element."""
    lines = []
    for violation in violations:
        lines.append(
            f"  [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            target = " ".join(
                " >> ".join(part) if isinstance(part, list) else part for part in node["target"]
            )
            lines.append(f"      {target}: {node['failureSummary'].splitlines()[-1].strip()}")
    return lines


def shows_content(page, name, entry):
    """What each page must show from its HTML alone; returns what is missing ("" if none)."""

    def texts(selector):
        return page.locator(selector).all_inner_texts()

    def count(selector):
        return page.locator(selector).count()

    titles = texts(".entry-table tbody a")
    checks = {
        # Ten categories, each item listed inside its <details> (closed ones included).
        "catalogue": lambda: (
            count(".catalogue-category") == 10
            and count(".catalogue-item") >= 50
            and entry.title in page.locator(".catalogue-item__entries a").all_text_contents()
        ),
        "category": lambda: entry.title in titles and len(titles) == 3,
        "item": lambda: (
            entry.title in titles and len(titles) == 3 and count(".item-explanation") == 1
        ),
        "item (empty)": lambda: not titles and count(".item-explanation__empty") == 1,
        "item (not applicable)": lambda: (
            not titles and "本项不适用" in "".join(texts(".item-explanation__empty"))
        ),
        "entry": lambda: (
            texts("h1") == [entry.title]
            and texts(".entry__body table caption") == ["2026年分专业招生计划（节选）"]
            and count(".attachments li") == 1
        ),
        "search": lambda: entry.title in texts(".search-result h2 a"),
        "guide": lambda: texts("h1") == ["信息公开指南"] and count(".guide__body table") == 1,
    }
    return "" if checks[name]() else f"{name} ({page.url}) does not show its content"


@pytest.fixture
def portal(live_server):
    paths, entry = build_portal()
    return {name: live_server.url + path for name, path in paths.items()}, entry


def test_public_pages_have_no_axe_violations_at_desktop_and_phone_width(browser, portal):
    urls, entry = portal
    assert entry.live and entry.attachments.count() == 1, "the entry is not published"
    report = []
    for width, height in WIDTHS.values():
        context = new_context(browser, width, height)
        page = context.new_page()
        for name, url in urls.items():
            assert goto(page, url) == 200, url
            assert not (missing := shows_content(page, name, entry)), missing
            # Check what is folded away too, as a reader who opens everything sees it.
            page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
            results = AXE.run(page, options={"resultTypes": ["violations"]}).response
            # axe did check the page: colour contrast among the rules it ran.
            checked = {
                rule["id"]
                for key in ("passes", "violations", "incomplete")
                for rule in results[key]
            }
            assert "color-contrast" in checked, (name, width, sorted(checked))
            if results["violations"]:
                report.append(f"{name} at {width} px ({url}):")
                report.extend(describe(results["violations"]))
            # No sideways scrolling: everything fits the viewport's width.
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                report.append(
                    f"{name} at {width} px ({url}): scrolls sideways, {scroll_width} px wide"
                )
        context.close()
    assert not report, "Accessibility problems on the public pages:\n" + "\n".join(report)


def test_public_pages_need_no_javascript(browser, portal):
    urls, entry = portal
    context = new_context(browser, *WIDTHS["phone"], java_script_enabled=False)
    page = context.new_page()
    # JavaScript is off indeed: an inline script does not run.
    page.set_content("<title>off</title><script>document.title = 'on'</script>")
    assert page.title() == "off"
    missing = []
    for name, url in urls.items():
        assert goto(page, url) == 200, url
        missing.append(shows_content(page, name, entry))
    # The catalogue's categories open and close without JavaScript (<details>).
    assert goto(page, urls["catalogue"]) == 200
    second = page.locator(".catalogue-category").nth(1).locator(".catalogue-category__details")
    assert second.get_attribute("open") is None, "the second category is open from the start"
    second.locator(":scope > summary").click()
    assert second.get_attribute("open") is not None, "a catalogue category does not open"
    context.close()
    assert not any(missing), "\n".join(filter(None, missing))
