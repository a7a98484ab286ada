"""Page types: where each can be created, and that each renders, edits and previews."""

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests.utils import category_page, make_department, make_entry, make_section
from wagtail_disclosure.models import (
    ENTRY_PAGE_TYPES,
    ChecklistCategory,
    DisclosureCategoryPage,
    DisclosureEntryPage,
    DisclosureGuidePage,
    DisclosureIndexPage,
    DisclosureRequestPage,
)


class PageTreeRulesTests(WagtailPageTestCase):
    def test_section_root_goes_anywhere_and_holds_categories_and_guide(self):
        self.assertCanCreateAt(Page, DisclosureIndexPage)
        self.assertAllowedSubpageTypes(
            DisclosureIndexPage,
            {DisclosureCategoryPage, DisclosureGuidePage, DisclosureRequestPage},
        )

    def test_categories_and_guide_live_only_in_a_section(self):
        self.assertAllowedParentPageTypes(DisclosureCategoryPage, {DisclosureIndexPage})
        self.assertAllowedParentPageTypes(DisclosureGuidePage, {DisclosureIndexPage})
        self.assertCanNotCreateAt(Page, DisclosureCategoryPage)
        self.assertCanNotCreateAt(Page, DisclosureGuidePage)
        self.assertAllowedSubpageTypes(DisclosureGuidePage, set())

    def test_entries_live_only_under_category_pages(self):
        allowed = set(DisclosureCategoryPage.allowed_subpage_models())
        self.assertTrue(set(ENTRY_PAGE_TYPES) <= allowed)
        self.assertTrue(all(issubclass(m, DisclosureEntryPage) for m in allowed))
        self.assertNotIn(DisclosureEntryPage, allowed)
        for model in ENTRY_PAGE_TYPES:
            self.assertAllowedParentPageTypes(model, {DisclosureCategoryPage})
            self.assertCanNotCreateAt(DisclosureIndexPage, model)
            self.assertCanNotCreateAt(Page, model)
            self.assertAllowedSubpageTypes(model, set())

    def test_the_shared_base_is_not_creatable(self):
        self.assertFalse(DisclosureEntryPage.is_creatable)
        self.assertEqual(len(ENTRY_PAGE_TYPES), 10)
        self.assertEqual(len({model.category_key for model in ENTRY_PAGE_TYPES}), 10)

    def test_each_entry_type_only_under_its_own_category(self):
        section = make_section()
        for category in ChecklistCategory.objects.filter(checklist=section.checklist):
            parent = category_page(section, category.key)
            allowed = {m for m in ENTRY_PAGE_TYPES if m.can_create_at(parent)}
            self.assertEqual({m.category_key for m in allowed}, {category.key})

    def test_entries_cannot_be_moved_to_another_category(self):
        section = make_section()
        entry = make_entry(section, key="admissions")
        self.assertFalse(entry.specific.can_move_to(category_page(section, "finance")))
        self.assertTrue(entry.specific.can_move_to(category_page(section, "admissions")))
        other = make_section(slug="xxgk2", site_root=False)
        self.assertTrue(entry.specific.can_move_to(category_page(other, "admissions")))
        self.user = self.login()
        url = reverse("wagtailadmin_pages:move_confirm", args=[entry.pk, category_page(section, "finance").pk])
        self.client.post(url)
        self.assertEqual(entry.get_parent().pk, category_page(section, "admissions").pk)

    def test_one_guide_per_section(self):
        section = make_section()
        self.assertTrue(DisclosureGuidePage.can_create_at(section))
        section.add_child(instance=DisclosureGuidePage(title="指南", slug="guide"))
        self.assertFalse(DisclosureGuidePage.can_create_at(section))


class AdminCreationTests(WagtailPageTestCase):
    def setUp(self):
        self.user = self.login()

    def test_creating_a_section_in_the_admin_sets_up_its_categories(self):
        root = Page.get_first_root_node()
        data = nested_form_data({"title": "信息公开", "slug": "disclosure", "intro": rich_text("")})
        self.assertCanCreate(root, DisclosureIndexPage, data)
        section = DisclosureIndexPage.objects.get(slug="disclosure")
        self.assertEqual(section.checklist.code, "moe-2014")
        pages = DisclosureCategoryPage.objects.child_of(section)
        self.assertEqual(pages.count(), 10)
        self.assertEqual(pages.live().count(), 10)

    def test_a_draft_section_gets_draft_categories_published_with_it(self):
        root = Page.get_first_root_node()
        data = nested_form_data({"title": "信息公开", "slug": "draft-section", "intro": rich_text("")})
        response = self.client.post(
            reverse("wagtailadmin_pages:add", args=("wagtail_disclosure", "disclosureindexpage", root.pk)),
            data,
        )
        self.assertEqual(response.status_code, 302)
        section = DisclosureIndexPage.objects.get(slug="draft-section")
        self.assertFalse(section.live)
        pages = DisclosureCategoryPage.objects.child_of(section)
        self.assertEqual((pages.count(), pages.live().count()), (10, 0))
        data["action-publish"] = "action-publish"
        response = self.client.post(reverse("wagtailadmin_pages:edit", args=[section.pk]), data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(pages.live().count(), 10)

    def test_creating_an_entry_in_the_admin_gives_it_an_index_number(self):
        section = make_section(organisation_code="10487")
        department = make_department()
        parent = category_page(section, "finance")
        item = parent.category.items.get(code="19")
        from wagtail_disclosure.models import FinanceEntryPage

        data = nested_form_data(
            {
                "title": "2026年部门预算",
                "slug": "budget-2026",
                "checklist_item": item.pk,
                "department": department.pk,
                "document_number": "",
                "document_date": "2026-03-02",
                "publication_date": "",
                "summary": "收支预算总表等四张表。",
                "keywords": "预算, 2026",
                "disclosure_mode": "active",
                "audience": "public",
                "exemption_basis": "",
                "restriction_reason": "",
                "validity": "valid",
                "validity_changed_on": "",
                "body": streamfield([("paragraph", rich_text("<p>预算说明。</p>"))]),
                "attachments": inline_formset([]),
                "fiscal_year": "2026",
                "finance_document_type": "budget",
            }
        )
        # Saved as a draft: entries are published only by the review workflow.
        self.assertCanCreate(parent, FinanceEntryPage, data, publish=False)
        entry = FinanceEntryPage.objects.get(slug="budget-2026")
        self.assertEqual(entry.index_number, "10487-03-2026-0001")
        self.assertFalse(entry.live)
        self.assertEqual(entry.review.state, "draft")
        self.assertEqual(sorted(entry.keywords.names()), ["2026", "预算"])

    def test_the_add_form_offers_only_items_of_the_category(self):
        section = make_section()
        parent = category_page(section, "admissions")
        from wagtail_disclosure.models import AdmissionsEntryPage

        url = reverse(
            "wagtailadmin_pages:add",
            args=("wagtail_disclosure", "admissionsentrypage", parent.pk),
        )
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        codes = {item.code for item in response.context["form"].fields["checklist_item"].queryset}
        self.assertEqual(codes, {str(n) for n in range(7, 15)})
        wrong = reverse(
            "wagtailadmin_pages:add",
            args=("wagtail_disclosure", "financeentrypage", parent.pk),
        )
        self.assertNotEqual(self.client.get(wrong).status_code, 200)
        self.assertTrue(AdmissionsEntryPage.can_create_at(parent))


class RenderEditPreviewTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section()
        cls.guide = cls.section.add_child(
            instance=DisclosureGuidePage(
                title="信息公开指南", slug="guide", office_name="信息公开办公室"
            )
        )
        cls.entries = [
            make_entry(cls.section, key=model.category_key, title=f"{model.category_key} 条目")
            for model in ENTRY_PAGE_TYPES
        ]

    def setUp(self):
        self.user = self.login()

    def all_pages(self):
        return [
            self.section,
            self.guide,
            *[category_page(self.section, m.category_key) for m in ENTRY_PAGE_TYPES],
            *[e.specific for e in self.entries],
        ]

    def test_every_page_type_renders(self):
        for page in self.all_pages():
            with self.subTest(page=type(page).__name__):
                self.assertPageIsRenderable(page)

    def test_every_page_type_is_editable(self):
        for page in self.all_pages():
            with self.subTest(page=type(page).__name__):
                data = edit_form_data(page)
                self.assertPageIsEditable(page, post_data=data)
                # assertPageIsEditable only checks that nothing crashed: also check
                # the edit was accepted and published.
                data["title"] = page.title + "（修订）"
                self.client.force_login(self.user)  # assertPageIsEditable logs out
                url = reverse("wagtailadmin_pages:edit", args=[page.pk])
                response = self.client.post(url, data)
                self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
                self.assertEqual(Page.objects.get(pk=page.pk).draft_title, data["title"])

    def test_every_page_type_is_previewable(self):
        for page in self.all_pages():
            with self.subTest(page=type(page).__name__):
                self.assertPageIsPreviewable(page, post_data=edit_form_data(page))


def edit_form_data(page):
    """POST data for the admin edit form of any of our page types."""
    data = {"title": page.title, "slug": page.slug}
    if not isinstance(page, DisclosureEntryPage):
        # Entries are never published from the edit form: the review workflow does that.
        data["action-publish"] = "action-publish"
    if isinstance(page, DisclosureIndexPage):
        data.update(intro=rich_text(""), checklist=page.checklist_id, organisation_code="10487")
    elif isinstance(page, DisclosureCategoryPage):
        data.update(category=page.category_id, intro=rich_text("<p>说明</p>"))
    elif isinstance(page, DisclosureGuidePage):
        data.update(
            body=streamfield([("paragraph", rich_text("<p>指南正文</p>"))]),
            office_name="信息公开办公室",
            office_email="xxgk@example.edu.cn",
        )
    else:
        data.update(
            checklist_item=page.checklist_item_id,
            department=page.department_id,
            document_date="2026-05-06",
            disclosure_mode="active",
            audience="public",
            validity="valid",
            summary="概述",
            keywords="",
            body=streamfield([("paragraph", rich_text("<p>正文</p>"))]),
            attachments=inline_formset([]),
        )
        for name in page.category_field_names:
            data[name] = ""
    return nested_form_data(data)


@pytest.mark.django_db
def test_entry_template_can_be_overridden_per_page_type():
    section = make_section()
    entry = make_entry(section, key="admissions").specific
    names = entry.get_template(None)
    assert names == [
        "wagtail_disclosure/pages/admissions_entry_page.html",
        "wagtail_disclosure/pages/disclosure_entry_page.html",
    ]
