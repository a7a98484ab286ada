"""The extension example of docs/extending.md works: tests.testapp.QuotaAdmissionsEntryPage."""

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import querydict_from_html

if not apps.is_installed("tests.testapp"):
    pytest.skip(
        "add 'tests.testapp' to INSTALLED_APPS in tests/settings.py", allow_module_level=True
    )

from tests.testapp.models import QuotaAdmissionsEntryPage  # noqa: E402
from wagtail_disclosure.models import (  # noqa: E402
    ChecklistItem,
    Department,
    DisclosureCategoryPage,
    DisclosureIndexPage,
)
from wagtail_disclosure.sections import ensure_category_pages  # noqa: E402
from wagtail_disclosure.workflow import import_as_published  # noqa: E402


class QuotaAdmissionsEntryPageTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        root = Site.objects.get(is_default_site=True).root_page
        cls.section = DisclosureIndexPage(title="信息公开", slug="xxgk")
        root.add_child(instance=cls.section)
        cls.section.save_revision().publish()
        ensure_category_pages(cls.section)
        cls.category_pages = {
            page.category.key: page
            for page in DisclosureCategoryPage.objects.child_of(cls.section).select_related(
                "category"
            )
        }
        cls.department = Department.objects.create(name="招生就业处", short_code="zsjy")
        cls.entry = QuotaAdmissionsEntryPage(
            title="2026年本科招生章程",
            slug="2026-charter",
            checklist_item=ChecklistItem.objects.get(
                category__checklist=cls.section.checklist, code="7"
            ),
            department=cls.department,
            admission_year=2026,
            education_level="undergraduate",
            enrolment_quota=4321,
        )
        cls.category_pages["admissions"].add_child(instance=cls.entry)
        cls.entry.save_revision()
        import_as_published(cls.entry)
        cls.entry.refresh_from_db()

    def test_creatable_only_under_the_admissions_category_page(self):
        for key, page in self.category_pages.items():
            with self.subTest(category=key):
                self.assertIs(QuotaAdmissionsEntryPage.can_create_at(page), key == "admissions")
        self.assertFalse(QuotaAdmissionsEntryPage.can_create_at(self.section))
        self.assertFalse(QuotaAdmissionsEntryPage.can_create_at(Page.get_first_root_node()))

    def test_admin_offers_it_under_the_admissions_category_page(self):
        self.login()
        admissions = self.category_pages["admissions"]
        response = self.client.get(f"/admin/pages/{admissions.pk}/add_subpage/")
        self.assertContains(response, "disclosure_testapp/quotaadmissionsentrypage/")

    def test_quota_is_shown_in_the_public_metadata_table(self):
        self.assertPageIsRenderable(self.entry)
        response = self.client.get(self.entry.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enrolment quota")
        self.assertContains(response, "<td>4321</td>", html=True)
        # The inherited admissions fields stay in the table.
        self.assertContains(response, "<td>2026</td>", html=True)

    def test_category_fields_include_the_new_field(self):
        with translation.override("en"):
            self.assertEqual(
                [str(label) for label, _ in self.entry.get_category_fields()],
                ["admission year", "level", "enrolment quota"],
            )

    def edit_form_data(self):
        """The edit form as the browser would post it, after the page's scripts ran."""
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.entry.pk]))
        self.assertEqual(response.status_code, 200)
        data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
        # StreamField inputs are drawn by JavaScript; an empty body posts a count of 0.
        data["body-count"] = "0"
        data.pop("action-publish", None)
        return data

    def test_editable_in_the_admin(self):
        self.login()
        data = self.edit_form_data()
        self.assertEqual(data["enrolment_quota"], "4321")
        self.assertPageIsEditable(self.entry, post_data=data)

    def test_quota_is_saved_from_the_admin(self):
        self.login()
        data = self.edit_form_data()
        data["enrolment_quota"] = "5000"
        response = self.client.post(reverse("wagtailadmin_pages:edit", args=[self.entry.pk]), data)
        self.assertEqual(response.status_code, 302)
        # The edit is a new version in review; the live version keeps the old quota.
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.enrolment_quota, 4321)
        self.assertEqual(self.entry.get_latest_revision_as_object().enrolment_quota, 5000)
        self.assertEqual(self.entry.review.state, "draft")
        self.assertTrue(self.entry.index_number)
