"""Short entry URLs: a new entry whose slug came from its Chinese title takes its 索引号."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests.utils import category_page, make_department, make_entry, make_section
from wagtail_disclosure.entry_urls import short_slug_base
from wagtail_disclosure.models import ChecklistItem, DisclosureEntryPage

pytestmark = pytest.mark.django_db

TITLE = "关于公布2026年本科招生章程的通知"


@pytest.fixture
def section():
    return make_section(organisation_code="10487")


def add_entry_through_admin(client, section, slug):
    """Post the admin's add form of an admissions entry, as the browser does."""
    parent = category_page(section, "admissions")
    item = ChecklistItem.objects.filter(category_id=parent.category_id).order_by("number").first()
    data = nested_form_data(
        {
            "title": TITLE,
            "slug": slug,
            "checklist_item": item.pk,
            "department": make_department().pk,
            "document_date": "2026-03-02",
            "summary": "章程全文。",
            "keywords": "",
            "disclosure_mode": "active",
            "audience": "public",
            "validity": "valid",
            "body": streamfield([("paragraph", rich_text("<p>章程正文。</p>"))]),
            "attachments": inline_formset([]),
        }
    )
    url = reverse(
        "wagtailadmin_pages:add", args=("wagtail_disclosure", "admissionsentrypage", parent.pk)
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return DisclosureEntryPage.objects.get(title=TITLE)


def test_a_chinese_slug_becomes_the_index_number(section, admin_client):
    # What Wagtail's editor fills in from the title as the editor types it.
    entry = add_entry_through_admin(admin_client, section, TITLE)
    assert entry.index_number == "10487-02-2026-0001"
    assert entry.slug == "10487-02-2026-0001"
    assert entry.url_path.endswith("/10487-02-2026-0001/")
    # The draft revision carries the same slug: publishing it keeps the short URL.
    assert entry.get_latest_revision_as_object().slug == entry.slug


def test_the_short_url_serves_the_published_entry(section):
    entry = make_entry(section, slug=TITLE, title=TITLE)
    assert entry.live and entry.slug == short_slug_base(entry.index_number)
    url = entry.get_url()
    assert url.isascii() and len(url) < 40, url
    response = Client().get(url)
    assert response.status_code == 200
    assert TITLE in response.content.decode()


def test_an_ascii_slug_the_editor_typed_is_kept(section, admin_client):
    entry = add_entry_through_admin(admin_client, section, "zhaosheng-zhangcheng-2026")
    assert entry.index_number  # allocated all the same
    assert entry.slug == "zhaosheng-zhangcheng-2026"


def test_the_slug_does_not_change_on_later_saves(section):
    entry = make_entry(section, slug=TITLE, title=TITLE)
    short = entry.slug
    entry.title = "关于公布2026年本科招生章程（修订）的通知"
    entry.slug = "新的标题"
    entry.save()
    entry.refresh_from_db()
    assert entry.slug == "新的标题"  # an edited slug is the editor's choice
    assert short != entry.slug


def test_a_sibling_with_that_slug_gets_a_suffix(section):
    first = make_entry(section, slug="10487-02-2026-0002")
    assert first.index_number == "10487-02-2026-0001"
    second = make_entry(section, slug=TITLE)
    assert second.index_number == "10487-02-2026-0002"
    assert second.slug == "10487-02-2026-0002-2"


def test_an_index_number_without_ascii_keeps_the_title_slug(section):
    with override_settings(WAGTAIL_DISCLOSURE_INDEX_NUMBER_PATTERN="教{serial}号"):
        entry = make_entry(section, slug="标题", title="标题")
    assert entry.index_number == "教1号"
    # slugify() of the 索引号 is "1": still short and ASCII.
    assert entry.slug == "1"
    with override_settings(WAGTAIL_DISCLOSURE_INDEX_NUMBER_PATTERN="教〔{serial:04d}〕号"):
        assert short_slug_base("教〔〕号") == ""


@override_settings(WAGTAIL_DISCLOSURE_ENTRY_SLUG="title")
def test_the_title_mode_keeps_wagtails_slug(section, admin_client):
    entry = add_entry_through_admin(admin_client, section, TITLE)
    assert entry.index_number == "10487-02-2026-0001"
    assert entry.slug == TITLE


@override_settings(WAGTAIL_DISCLOSURE_ENTRY_SLUG="short")
def test_an_unknown_mode_is_a_configuration_error(section):
    with pytest.raises(ImproperlyConfigured, match="ENTRY_SLUG"):
        make_entry(section, slug=TITLE, title=TITLE)
