"""The demo site's ``load_demo_data`` command (example_site/demo_content).

Needs ``example_site`` on ``sys.path`` and ``demo_content`` in INSTALLED_APPS (see
tests/settings.py).
"""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.models import GroupPagePermission, Page, Site

from tests.office import convert_to_pdf, pdf_text
from tests.test_annual_report_exports import (
    footer_has_page_field,
    headings,
    item_table,
    read_docx,
    run,
)
from wagtail_disclosure.annual_report_docx import section_heading
from wagtail_disclosure.models import (
    AnnualReportPage,
    ChecklistCategory,
    ChecklistItem,
    Department,
    DisclosureEntryPage,
    DisclosureGuidePage,
    DisclosureIndexPage,
    DisclosureRequestPage,
)

if not apps.is_installed("demo_content"):
    pytest.skip(
        "add example_site to sys.path and 'demo_content' to INSTALLED_APPS in tests/settings.py",
        allow_module_level=True,
    )

# Slow (about 200 pages): `make test` runs it in one nox session only (noxfile.py); it
# also turns the demo's annual report into a PDF with LibreOffice (marker office).
pytestmark = [pytest.mark.django_db, pytest.mark.demo_data, pytest.mark.office]


def load_demo_data():
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def snapshot():
    return {
        "entries": DisclosureEntryPage.objects.count(),
        "live entries": DisclosureEntryPage.objects.live().count(),
        "pages": Page.objects.count(),
        "departments": Department.objects.count(),
        "checklist items": ChecklistItem.objects.count(),
        "users": get_user_model().objects.count(),
        "groups": Group.objects.count(),
        "group page permissions": GroupPagePermission.objects.count(),
        "documents": get_document_model().objects.count(),
        "sites": Site.objects.count(),
        "index numbers": sorted(DisclosureEntryPage.objects.values_list("index_number", flat=True)),
    }


def test_load_demo_data(settings, tmp_path):
    """One load is slow (~200 pages), so a single test loads twice and checks everything.

    The search index is not updated on each save: the command rebuilds it at the end
    (``update_index``), which the search below checks. That takes a third off the time.
    """
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}
    }
    load_demo_data()
    entry = DisclosureEntryPage.objects.live().order_by("pk").last()
    assert entry in DisclosureEntryPage.objects.live().search(entry.title)
    first = snapshot()
    output = load_demo_data()
    assert snapshot() == first, "a second run must create or change nothing"
    assert "nothing" in output

    check_content()
    check_visibility()
    check_site_groups_and_users()
    check_annual_report(tmp_path)


def check_content():
    entries = DisclosureEntryPage.objects.all()
    public = DisclosureEntryPage.objects.publicly_visible()
    assert entries.count() >= 150

    # Every category has entries, and entries use the page type of their category.
    keys = set(ChecklistCategory.objects.values_list("key", flat=True))
    assert set(entries.values_list("checklist_item__category__key", flat=True)) == keys
    for entry in entries.specific().select_related("checklist_item__category"):
        assert entry.category_key == entry.checklist_item.category.key
        assert entry.index_number.startswith("19999-")

    # Most items are covered; some applicable items are deliberately left empty.
    assert public.values("checklist_item").distinct().count() >= 40
    used = set(entries.values_list("checklist_item_id", flat=True))
    empty = [item for item in ChecklistItem.objects.all() if item.pk not in used]
    assert any(item.is_applicable for item in empty)
    not_applicable = ChecklistItem.objects.exclude(not_applicable_reason="")
    assert set(not_applicable.values_list("code", flat=True)) >= {"47"}
    assert not set(not_applicable.values_list("pk", flat=True)) & used

    # School-defined sub-items of item 1.
    sub_items = ChecklistItem.objects.filter(parent__code="1", is_official=False)
    assert set(sub_items.values_list("code", flat=True)) == {"1.1", "1.2"}
    assert entries.filter(checklist_item__in=sub_items).exists()


def check_visibility():
    entries = DisclosureEntryPage.objects.all()
    public_ids = set(DisclosureEntryPage.objects.publicly_visible().values_list("pk", flat=True))

    campus = entries.filter(audience="campus")
    on_request = entries.filter(disclosure_mode="on_request")
    exempt = entries.filter(disclosure_mode="exempt")
    drafts = entries.filter(live=False)
    assert campus.count() == 3
    assert on_request.count() == 2
    assert exempt.count() == 2
    # Two plain drafts, and four entries part-way through the review (the queue's demo).
    assert drafts.count() == 6
    in_review = drafts.exclude(review__state="draft")
    assert sorted(in_review.values_list("review__state", flat=True)) == [
        "cleared",
        "cleared",
        "department_approved",
        "submitted",
    ]
    for restricted in (campus, on_request, exempt, drafts):
        assert not set(restricted.values_list("pk", flat=True)) & public_ids
    assert all(entry.restriction_reason for entry in campus | on_request | exempt)
    assert all(entry.exemption_basis for entry in exempt)

    # Expired and repealed entries stay public, with the date they stopped applying.
    superseded = entries.exclude(validity="valid")
    assert superseded.count() >= 3
    assert set(superseded.values_list("pk", flat=True)) <= public_ids
    assert not superseded.filter(validity_changed_on__isnull=True).exists()


def check_site_groups_and_users():
    section = DisclosureIndexPage.objects.get(slug="xxgk")
    site = Site.objects.get(is_default_site=True)
    assert site.root_page_id == section.pk
    assert section.organisation_code == "19999"
    assert DisclosureGuidePage.objects.child_of(section).live().exists()
    request_page = DisclosureRequestPage.objects.child_of(section).live().get()
    assert "青岚大学" in request_page.intro and request_page.commitment
    # Wagtail's welcome page is gone.
    assert not Page.objects.filter(depth=2).exclude(pk=section.pk).exists()

    User = get_user_model()
    assert User.objects.get(username="admin").is_superuser
    office = User.objects.get(username="office")
    assert office.check_password("changeme")
    assert office.has_perm("wagtailadmin.access_admin")
    assert office.has_perm("wagtail_disclosure.change_department")
    assert GroupPagePermission.objects.filter(
        group__name="信息公开办公室", page=section, permission__codename="publish_page"
    ).exists()
    editor = User.objects.get(username="editor_jwc")
    assert editor.groups.filter(name="部门编辑").exists()
    # Wagtail's own screens (history, revisions, locks) and the package name her alike.
    from wagtail.admin.utils import get_user_display_name

    from wagtail_disclosure.people import person_name

    assert get_user_display_name(editor) == person_name(editor) == "郑蓉"
    assert not GroupPagePermission.objects.filter(
        group__name="部门编辑", permission__codename="publish_page"
    ).exists()
    for username in ("reviewer_jwc", "secrecy", "leader"):
        user = User.objects.get(username=username)
        codenames = set(
            GroupPagePermission.objects.filter(group__user=user).values_list(
                "permission__codename", flat=True
            )
        )
        assert codenames == {"change_page"}

    # Some entries carry an attachment.
    assert get_document_model().objects.count() >= 3
    assert DisclosureEntryPage.objects.filter(attachments__isnull=False).exists()


def check_annual_report(tmp_path):
    """The acceptance of issue 14: the demo's report as .docx, read back and turned into
    a PDF; its item table has every item of the checklist, its figure of entries
    released equals a count made here from the entries."""
    report = AnnualReportPage.objects.current().get(academic_year=2025)
    section = DisclosureIndexPage.objects.ancestor_of(report).get()
    target = tmp_path / "demo.docx"
    run("2025-2026", "-o", str(target), "--section", section.slug, "--language", "zh-hans")
    docx = read_docx(target.read_bytes())
    with translation.override("zh-hans"):
        document = report.report_document(frozen=True)

    assert docx.paragraphs[0].text == report.title
    assert headings(docx) == [section_heading(s) for s in document["sections"]]
    assert headings(docx)[0].startswith("一、")
    items = ChecklistItem.objects.filter(category__checklist=section.checklist)
    assert len(item_table(docx, document).rows) == items.count() + 1
    released = released_entries(section).count()
    figures = document["figures"]
    assert figures["entries_released"] == released > 0
    assert footer_has_page_field(docx)
    check_report_figures(section, figures, released_entries(section))

    (pdf,) = convert_to_pdf([target], tmp_path / "pdf")
    plain = "".join(pdf_text(pdf).split())
    for needle in [report.title, *headings(docx), document["items"][-1]["title"]]:
        assert "".join(needle.split()) in plain, needle


def released_entries(section):
    """The demo's entries released in 2025-2026, counted here from the entries: live, not
    behind a view restriction, proactively disclosed to the public, not an alias, not
    withheld, published in the academic year."""
    return (
        DisclosureEntryPage.objects.live()
        .public()
        .descendant_of(section)
        .filter(audience="public", disclosure_mode="active", alias_of__isnull=True)
        .filter(publication_date__range=("2025-09-01", "2026-08-31"))
        .exclude(review__withheld=True)
    )


def check_report_figures(section, figures, released):
    """Every figure of the demo report against a count made here from the entries, their
    channels, the reviews, the request cases and the figures the office entered."""
    import datetime

    from demo_content import annual_report as demo
    from django.db.models import Count
    from django.utils import timezone

    from wagtail_disclosure.models import DisclosureRequest, EntryReview, ReleaseChannel

    total = released.count()
    by_category = dict(
        released.order_by().values_list("checklist_item__category__key").annotate(n=Count("pk"))
    )
    assert {row["key"]: row["count"] for row in figures["by_category"] if row["count"]} == (
        by_category
    )
    assert sum(row["count"] for row in figures["by_category"]) == total
    by_department = dict(
        released.order_by().values_list("department__name").annotate(n=Count("pk"))
    )
    assert {row["name"]: row["count"] for row in figures["by_department"]} == by_department
    channels = {row["code"]: row["count"] for row in figures["by_channel"]}
    for channel in ReleaseChannel.objects.all():
        expected = total if channel.code == "website" else released.filter(channels=channel).count()
        assert channels.get(channel.code, 0) == expected, channel.code
    start = timezone.make_aware(datetime.datetime(2025, 9, 1))
    end = timezone.make_aware(datetime.datetime(2026, 9, 1))
    withdrawn = EntryReview.objects.filter(
        page__path__startswith=section.path,
        withdrawn_at__gte=start,
        withdrawn_at__lt=end,
        page__audience="public",
        page__disclosure_mode="active",
    ).count()
    assert figures["withdrawn"] == withdrawn
    received = DisclosureRequest.objects.filter(
        received_on__range=("2025-09-01", "2026-08-31")
    ).count()
    assert figures["requests"]["received"] == received
    manual = {row["key"]: float(row["value"]) for row in figures["manual"]}
    assert manual == {key: float(value) for key, _label, value, _unit, _src in demo.FIGURES}
