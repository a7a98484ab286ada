"""The public portal: top navigation, catalogue tree, compact catalogue, item pages."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from tests.utils import category_page, make_entry
from wagtail_disclosure.models import (
    ChecklistItem,
    DisclosureEntryPage,
    DisclosureGuidePage,
    DisclosureSiteSettings,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(shared_section):
    return shared_section


@pytest.fixture
def client():
    """Pages in English, so the assertions hold once the strings are translated."""
    return Client(headers={"accept-language": "en"})


def nav_html(html):
    match = re.search(r'<nav class="portal-nav".*?</nav>', html, re.S)
    assert match, "no top navigation on the page"
    return match.group(0)


def tree_html(html):
    match = re.search(r'<nav class="catalogue-tree".*?</nav>', html, re.S)
    assert match, "no catalogue tree on the page"
    return match.group(0)


def add_guide(section):
    guide = section.add_child(instance=DisclosureGuidePage(title="信息公开指南", slug="guide"))
    guide.save_revision().publish()
    return guide


# --- 1. top navigation ---


def test_navigation_on_every_public_page_with_honest_placeholders(section, client):
    entry = make_entry(section, key="basic", title="学校章程")
    guide = add_guide(section)
    rules_page = category_page(section, "basic")
    pages = [
        section.url,
        guide.url,
        rules_page.url,
        entry.url,
        section.url + section.reverse_subpage("search"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        nav = nav_html(response.content.decode())
        assert f'href="{guide.url}"' in nav
        assert f'href="{section.url}"' in nav
        assert f'href="{rules_page.url}?item=2"' in nav
        # Not yet built: shown as text, never a dead link. (Annual reports link to item 6.)
        assert f'href="{category_page(section, "basic").url}?item=6"' in nav
        for label in ("Requests for information", "Supervision and complaints"):
            assert re.search(
                rf'<span class="portal-nav__unavailable" aria-disabled="true">{label} '
                r"\(not yet available\)</span>",
                nav,
            ), (url, label)
        assert nav.count("<a ") == 4


def test_navigation_marks_the_current_page(section, client):
    guide = add_guide(section)
    nav = nav_html(client.get(guide.url).content.decode())
    assert f'<a href="{guide.url}" aria-current="page">' in nav
    assert nav.count("aria-current") == 1
    nav = nav_html(client.get(section.url).content.decode())
    assert f'<a href="{section.url}" aria-current="page">' in nav
    assert nav.count("aria-current") == 1


def test_navigation_marks_the_section_a_page_is_in(section, client):
    entry = make_entry(section, key="students", item_code="38")
    nav = nav_html(client.get(entry.url).content.decode())
    assert f'<a href="{section.url}" aria-current="true">' in nav
    assert nav.count("aria-current") == 1


def test_navigation_without_a_guide_says_so(section, client):
    assert not DisclosureGuidePage.objects.exists()
    nav = nav_html(client.get(section.url).content.decode())
    assert "Disclosure guide (not yet available)" in nav


def test_private_guide_is_not_linked(section, client):
    guide = add_guide(section)
    assert f'href="{guide.url}"' in nav_html(client.get(section.url).content.decode())
    PageViewRestriction.objects.create(page=guide, restriction_type="login")
    nav = nav_html(client.get(section.url).content.decode())
    assert f'href="{guide.url}"' not in nav
    assert "Disclosure guide (not yet available)" in nav


def test_navigation_setting_is_read_at_call_time(section, client, settings):
    settings.WAGTAIL_DISCLOSURE_NAVIGATION = [
        ("home", "首页", "section"),
        ("students", "学生管理", "category:students"),
        ("mail", "校长信箱", "https://example.edu.cn/mail/"),
        ("annual-reports", "年度报告", None),
        ("broken", "坏链接", "no-such-url-name"),
    ]
    nav = nav_html(client.get(section.url).content.decode())
    assert f'<a href="{section.url}" aria-current="page">首页</a>' in nav
    assert f'<a href="{category_page(section, "students").url}">学生管理</a>' in nav
    assert '<a href="https://example.edu.cn/mail/">校长信箱</a>' in nav
    assert "年度报告 (not yet available)" in nav
    assert "坏链接 (not yet available)" in nav
    assert "Disclosure guide" not in nav


# --- 2. catalogue tree ---


def test_tree_on_category_page_expands_its_category_and_marks_the_item(section, client):
    page = category_page(section, "students")
    html = client.get(page.url + "?item=36").content.decode()
    tree = tree_html(html)
    assert tree.count('class="catalogue-tree__category') == 10
    items = ChecklistItem.objects.filter(category_id=page.category_id)
    assert items.count() > 1
    for item in items:
        assert f"?item={item.code}" in tree
    other = ChecklistItem.objects.exclude(category_id=page.category_id).first()
    assert f">{other.code}. {other.title}<" not in tree  # other categories stay folded
    current = re.findall(r'<a href="([^"]*)" aria-current="true">', tree)
    assert current == [page.url, f"{page.url}?item=36"]


def test_tree_on_entry_page_marks_its_item(section, client):
    entry = make_entry(section, key="students", item_code="38", title="奖惩细则")
    tree = tree_html(client.get(entry.url).content.decode())
    parent = category_page(section, "students")
    current = re.findall(r'<a href="([^"]*)" aria-current="true">', tree)
    assert current == [parent.url, f"{parent.url}?item=38"]


def test_tree_leaves_out_private_category_pages(section, client):
    private = category_page(section, "finance")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    tree = tree_html(client.get(category_page(section, "students").url).content.decode())
    assert tree.count('class="catalogue-tree__category') == 9
    assert private.url not in tree


def test_entry_page_query_count_does_not_grow_with_entries(section, client):
    entry = make_entry(section, key="students", item_code="38")
    client.get(entry.url)  # warm per-process caches

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(entry.url).status_code == 200
        return len(queries)

    before = count()
    for n in range(5):
        make_entry(section, key="students", item_code="38", title=f"更多 {n}")
    assert count() == before


# --- 3. compact catalogue ---


def test_section_page_has_one_details_per_category_first_open(section, client):
    entry = make_entry(section, key="basic", item_code="2", title="章程全文")
    html = client.get(section.url).content.decode()
    blocks = re.findall(
        r'<details class="catalogue-category__details"( open)?>(.*?)</details>\s*</section>',
        html,
        re.S,
    )
    assert len(blocks) == 10
    assert [bool(is_open) for is_open, _ in blocks] == [True] + [False] * 9
    first = blocks[0][1]
    assert 'id="item-2"' in first and 'id="item-7"' not in first
    assert 'id="item-7"' in blocks[1][1]
    # The latest entries are inside the item's own (closed) details.
    latest = re.search(r'<details class="catalogue-item__latest">(.*?)</details>', first, re.S)
    assert latest and entry.title in latest.group(1)
    assert html.count(entry.title) == 1


# --- 4. item pages that explain themselves ---


def test_item_page_explains_department_rule_and_emptiness(section, client):
    page = category_page(section, "students")
    item = ChecklistItem.objects.get(category_id=page.category_id, code="36")
    item.update_within_working_days = 20
    item.save()
    html = client.get(page.url + "?item=36").content.decode()
    box = re.search(r'<section class="item-explanation.*?</section>', html, re.S).group(0)
    assert "Within 20 working days of being made or changed" in box
    assert "Nothing has been published under this item yet." in box
    assert "Responsible department" in box


def test_item_page_gives_the_not_applicable_reason_in_the_main_content(section, client):
    page = category_page(section, "international")
    item = ChecklistItem.objects.filter(category_id=page.category_id).first()
    item.not_applicable_reason = "本校无中外合作办学项目"
    item.save()
    html = client.get(f"{page.url}?item={item.code}").content.decode()
    box = re.search(r'<section class="item-explanation.*?</section>', html, re.S).group(0)
    assert "This item does not apply to the university: 本校无中外合作办学项目" in box


def test_item_page_shows_department_and_status_once_published(section, client):
    entry = make_entry(section, key="students", item_code="38", title="奖惩细则")
    assert DisclosureEntryPage.objects.current().filter(pk=entry.pk).exists()
    page = category_page(section, "students")
    html = client.get(page.url + "?item=38").content.decode()
    box = re.search(r'<section class="item-explanation.*?</section>', html, re.S).group(0)
    assert str(entry.department) in box
    assert "Nothing has been published" not in box
    assert "status--published" in box


def test_navigation_costs_the_section_page_no_queries(section, client, settings):
    # When the page builds its catalogue (the rendering is not in the cache), the
    # navigation reads what it needs from it.
    settings.WAGTAIL_DISCLOSURE_CATALOGUE_CACHE_SECONDS = 0
    add_guide(section)
    make_entry(section, key="basic", item_code="2")

    def count():
        with CaptureQueriesContext(connection) as queries:
            html = client.get(section.url).content.decode()
        return len(queries), html

    client.get(section.url)  # warm per-process caches
    with_nav, html = count()
    assert nav_html(html).count("<a ") == 4
    settings.WAGTAIL_DISCLOSURE_NAVIGATION = []
    without_nav, html = count()
    assert 'class="portal-nav"' not in html
    assert with_nav == without_nav


# --- 5. footer from Wagtail site settings ---


def footer_html(html):
    match = re.search(r'<footer class="site-footer">.*?</footer>', html, re.S)
    assert match, "no footer"
    return match.group(0)


def test_footer_shows_the_sites_organiser_and_filing_numbers(section, client):
    guide = add_guide(section)
    entry = make_entry(section, key="basic")
    site = Site.objects.get(is_default_site=True)
    assert site.root_page_id == section.pk
    DisclosureSiteSettings.objects.create(
        site=site,
        organiser="示范大学",
        address="北京市海淀区示范路1号",
        phone="010-12345678",
        email="xxgk@example.edu.cn",
        icp_number="京ICP备05000000号-1",
        public_security_number="京公网安备11010000000000号",
        public_security_url="https://beian.mps.gov.cn/#/query/webSearch?code=11010000000000",
    )
    search_url = section.url + section.reverse_subpage("search")
    for url in (section.url, guide.url, category_page(section, "basic").url, entry.url, search_url):
        footer = footer_html(client.get(url).content.decode())
        assert "示范大学" in footer and "北京市海淀区示范路1号" in footer, url
        assert "010-12345678" in footer
        assert '<a href="mailto:xxgk@example.edu.cn">' in footer
        assert (
            '<a href="https://beian.miit.gov.cn/" rel="noopener">京ICP备05000000号-1</a>' in footer
        )
        assert (
            '<a href="https://beian.mps.gov.cn/#/query/webSearch?code=11010000000000" '
            'rel="noopener">京公网安备11010000000000号</a>'
        ) in footer


def test_footer_without_settings_stays_plain_and_public_pages_do_not_write(section, client):
    assert not DisclosureSiteSettings.objects.exists()
    footer = footer_html(client.get(section.url).content.decode())
    assert "site-footer__info" not in footer
    assert not DisclosureSiteSettings.objects.exists()  # a GET creates no row
