"""Catalogue metadata: 索引号, validation of the disclosure fields, public visibility."""

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import override_settings
from wagtail.models import Page, PageViewRestriction, Site

from tests.utils import (
    category_page,
    make_department,
    make_entry,
    make_section,
    publish_through_review,
)
from wagtail_disclosure.index_numbers import parse_pattern, sequence_key
from wagtail_disclosure.models import (
    AdmissionsEntryPage,
    ChecklistItem,
    DisclosureEntryPage,
    IndexNumberSequence,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(shared_section):
    return shared_section


# -- 索引号 ----------------------------------------------------------------------------


def test_default_pattern_is_org_category_year_serial(section):
    first = make_entry(section, key="finance", document_date="2025-04-01")
    second = make_entry(section, key="finance", document_date="2025-06-01")
    other_year = make_entry(section, key="finance", document_date="2026-01-05")
    other_category = make_entry(section, key="admissions", document_date="2025-04-01")
    assert first.index_number == "19999-03-2025-0001"
    assert second.index_number == "19999-03-2025-0002"
    assert other_year.index_number == "19999-03-2026-0001"
    assert other_category.index_number == "19999-02-2025-0001"


def test_section_organisation_code_overrides_the_setting():
    section = make_section(organisation_code="10487")
    entry = make_entry(section, key="basic", document_date="2026-02-02")
    assert entry.index_number == "10487-01-2026-0001"


@override_settings(
    WAGTAIL_DISCLOSURE_INDEX_NUMBER_PATTERN="QL/{department_code}/{item_code}/{year}/{serial:03d}"
)
def test_pattern_is_configurable_and_read_at_call_time(section):
    department = make_department("ZSJYC", "招生就业处")
    entry = make_entry(
        section, key="admissions", item_code="7", department=department, document_date="2026-03-01"
    )
    assert entry.index_number == "QL/ZSJYC/7/2026/001"


@pytest.mark.parametrize(
    "pattern, message",
    [
        ("{org_code}-{year}", "must contain {serial} exactly once"),
        ("{org_code}-{serial}-{serial}", "must contain {serial} exactly once"),
        ("{school}-{serial}", "unknown field(s) ['school']"),
        ("{org_code-{serial}", "Invalid index number pattern"),
    ],
)
def test_bad_patterns_fail_with_a_clear_message(pattern, message):
    with pytest.raises(ImproperlyConfigured) as exc:
        parse_pattern(pattern)
    assert message in str(exc.value)


def test_bad_pattern_does_not_save_a_half_entry(section, settings):
    settings.WAGTAIL_DISCLOSURE_INDEX_NUMBER_PATTERN = "{year}"
    before = DisclosureEntryPage.objects.count()
    with pytest.raises(ImproperlyConfigured):
        make_entry(section, key="basic")
    assert DisclosureEntryPage.objects.count() == before


def test_sequence_key_ignores_the_serial():
    values = {
        "org_code": "1",
        "category_code": "02",
        "category_key": "x",
        "item_code": "7",
        "department_code": "D",
        "year": 2026,
    }
    assert sequence_key("{org_code}-{category_code}-{year}-{serial:04d}", values) == "1-02-2026-#"


def test_index_number_is_stable_across_edits_and_publishing(section):
    entry = make_entry(section, key="basic")
    number = entry.index_number
    entry.title = "改名"
    entry.save_revision()
    publish_through_review(entry)
    assert entry.title == "改名"
    assert entry.index_number == number


def test_copy_gets_its_own_index_number(section):
    entry = make_entry(section, key="basic", document_date="2026-01-10")
    copy = entry.copy(update_attrs={"slug": "copy-of-entry", "title": "副本"})
    assert copy.index_number and copy.index_number != entry.index_number
    numbers = list(DisclosureEntryPage.objects.values_list("index_number", flat=True))
    assert len(numbers) == len(set(numbers))


def test_sequences_are_per_site(section):
    other_root = Page.get_first_root_node().add_child(instance=Page(title="分校", slug="branch"))
    Site.objects.create(hostname="branch.example", root_page=other_root)
    from wagtail_disclosure.models import DisclosureIndexPage
    from wagtail_disclosure.sections import ensure_category_pages

    branch = other_root.add_child(instance=DisclosureIndexPage(title="分校信息公开", slug="xxgk"))
    ensure_category_pages(branch)
    a = make_entry(section, key="basic", document_date="2026-01-10")
    b = make_entry(branch, key="basic", document_date="2026-01-10")
    assert a.index_number == b.index_number == "19999-01-2026-0001"
    assert a.index_site != b.index_site
    assert IndexNumberSequence.objects.count() == 2


# -- validation --------------------------------------------------------------------------


def build(section, **fields):
    parent = category_page(section, "admissions")
    item = ChecklistItem.objects.get(category=parent.category, code="7")
    fields.setdefault("title", "招生章程")
    return AdmissionsEntryPage(checklist_item=item, department=make_department(), **fields)


@pytest.mark.parametrize(
    "fields, field_in_error",
    [
        ({"disclosure_mode": "exempt", "restriction_reason": "涉及个人隐私"}, "exemption_basis"),
        ({"disclosure_mode": "exempt", "exemption_basis": "privacy"}, "restriction_reason"),
        ({"disclosure_mode": "on_request"}, "restriction_reason"),
        ({"audience": "campus"}, "restriction_reason"),
        ({"exemption_basis": "privacy"}, "exemption_basis"),
        ({"validity": "repealed"}, "validity_changed_on"),
    ],
)
def test_disclosure_fields_are_validated(section, fields, field_in_error):
    entry = build(section, **fields)
    with pytest.raises(ValidationError) as exc:
        entry.clean()
    assert field_in_error in exc.value.message_dict


def test_item_must_belong_to_the_page_types_category(section):
    entry = build(section)
    entry.checklist_item = ChecklistItem.objects.get(
        category__checklist=section.checklist, code="19"
    )
    with pytest.raises(ValidationError) as exc:
        entry.clean()
    assert "checklist_item" in exc.value.message_dict


def test_valid_restricted_entry_passes(section):
    entry = build(
        section,
        disclosure_mode="exempt",
        exemption_basis="privacy",
        restriction_reason="含考生个人信息",
    )
    entry.clean()


def test_publication_date_is_set_on_first_publication(section):
    draft = make_entry(section, key="basic", publish=False)
    assert draft.publication_date is None
    publish_through_review(draft)
    assert draft.publication_date is not None
    backdated = make_entry(section, key="basic", publication_date="2024-09-01")
    assert str(backdated.publication_date) == "2024-09-01"


# -- visibility --------------------------------------------------------------------------


def test_only_live_public_proactive_unrestricted_entries_are_visible(section, client):
    visible = make_entry(section, key="basic", title="公开条目")
    expired = make_entry(section, key="basic", validity="expired", validity_changed_on="2025-01-01")
    hidden = [
        make_entry(section, key="basic", publish=False),
        make_entry(section, key="basic", audience="campus", restriction_reason="仅校内"),
        make_entry(section, key="basic", disclosure_mode="on_request", restriction_reason="依申请"),
        make_entry(
            section,
            key="basic",
            disclosure_mode="exempt",
            exemption_basis="privacy",
            restriction_reason="隐私",
        ),
    ]
    private = make_entry(section, key="basic", title="需登录")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    public = set(DisclosureEntryPage.objects.publicly_visible().values_list("pk", flat=True))
    assert public == {visible.pk, expired.pk}
    for entry in hidden[1:]:
        assert not entry.specific.is_publicly_visible()
        assert client.get(entry.url).status_code == 404
    assert client.get(visible.url).status_code == 200
    assert client.get(expired.url).status_code == 200


def test_restricted_entries_can_still_be_previewed_by_editors(section, admin_client):
    from django.urls import reverse

    entry = make_entry(
        section,
        key="basic",
        disclosure_mode="exempt",
        exemption_basis="privacy",
        restriction_reason="隐私",
        title="不予公开的条目",
    )
    response = admin_client.get(reverse("wagtailadmin_pages:view_draft", args=[entry.pk]))
    assert response.status_code == 200
    assert "不予公开的条目" in response.content.decode()


def test_entry_page_shows_the_metadata_table(section, client):
    entry = make_entry(
        section,
        key="admissions",
        item_code="7",
        title="2026年本科招生章程",
        document_number="青大发〔2026〕3号",
        document_date="2026-03-02",
        admission_year=2026,
        education_level="undergraduate",
    )
    html = client.get(entry.url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for text in [
        entry.index_number,
        "青大发〔2026〕3号",
        "2026-03-02",
        "招生章程及特殊类型招生办法",
        "教务处",
        "2026",
    ]:
        assert text in html
