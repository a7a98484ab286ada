"""One definition of "public" (issue 10): every public surface shows exactly the entries of
``DisclosureEntryPage.objects.publicly_visible()`` (``current()`` where withdrawn entries
are left out), and an entry knows its section through one ``section`` property.

The entries below cover every way an entry can be kept from the public, including one
state no surface may show although it is live: a withheld entry whose page row says live
(restored from an older backup, say). Each surface is asked for all of them.
"""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction, Revision

from tests.testapp.models import QuotaAdmissionsEntryPage
from tests.utils import category_page, make_department, make_entry, make_section, reviewer
from wagtail_disclosure.catalogue import build_catalogue
from wagtail_disclosure.models import (
    ENTRY_PAGE_TYPES,
    ChecklistItem,
    Department,
    DisclosureEntryPage,
    DisclosureIndexPage,
    EntryReview,
)
from wagtail_disclosure.search.query import search_entries, suggest
from wagtail_disclosure.signal_handlers import create_review
from wagtail_disclosure.workflow import take_transition

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

API = "/api/disclosure/v1/"


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.WAGTAIL_DISCLOSURE_API_THROTTLE_RATE = None


@pytest.fixture
def section(shared_section):
    return shared_section


def legacy_alias(entry, slug):
    """An alias made before aliases of entries were refused: a live copy of the row."""
    copy = entry.copy(to=entry.get_parent(), update_attrs={"slug": slug, "title": "别名条目"})
    Revision.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page), object_id=str(copy.pk)
    ).delete()
    Page.objects.filter(pk=copy.pk).update(
        alias_of=entry, live=True, latest_revision=None, live_revision=None
    )
    return DisclosureEntryPage.objects.get(pk=copy.pk)


@pytest.fixture
def entries(section):
    """Every kind of entry, by name, each live unless its kind says otherwise."""
    built = {
        "public": make_entry(section, key="basic", title="公开条目甲"),
        "withdrawn": make_entry(section, key="basic", title="撤回条目乙"),
        "withheld_live": make_entry(section, key="basic", title="不再公开条目丙"),
        "campus": make_entry(
            section,
            key="students",
            audience="campus",
            restriction_reason="仅限校内",
            title="校内条目丁",
        ),
        "on_request": make_entry(
            section,
            key="finance",
            disclosure_mode="on_request",
            restriction_reason="依申请",
            title="依申请条目戊",
        ),
        "exempt": make_entry(
            section,
            key="personnel",
            disclosure_mode="exempt",
            exemption_basis="privacy",
            restriction_reason="个人隐私",
            title="不予公开条目己",
        ),
        "restricted": make_entry(section, key="teaching", title="密码条目庚"),
        "draft": make_entry(section, key="basic", publish=False, title="草稿条目辛"),
    }
    take_transition(built["withdrawn"], "withdraw", reviewer(), comment="已更正")
    take_transition(built["withheld_live"], "withdraw", reviewer(), comment="依法", withheld=True)
    Page.objects.filter(pk=built["withheld_live"].pk).update(live=True)
    PageViewRestriction.objects.create(
        page=built["restricted"], restriction_type="password", password="x"
    )
    built["alias"] = legacy_alias(built["public"], slug="alias-of-public")
    for entry in built.values():
        entry.refresh_from_db()
    # The setup is what it claims: all live but the draft, the withheld one withheld.
    assert [name for name, entry in built.items() if not entry.live] == ["draft"]
    assert EntryReview.objects.get(page=built["withheld_live"]).withheld
    assert EntryReview.objects.get(page=built["withdrawn"]).withdrawn_at is not None
    assert built["alias"].alias_of_id == built["public"].pk
    return built


def names(entries, pks):
    by_pk = {entry.pk: name for name, entry in entries.items()}
    return {by_pk[pk] for pk in pks if pk in by_pk}


PUBLIC = {"public", "withdrawn"}
CURRENT = {"public"}


def test_the_definition(entries):
    visible = DisclosureEntryPage.objects.publicly_visible().values_list("pk", flat=True)
    assert names(entries, visible) == PUBLIC
    current = DisclosureEntryPage.objects.current().values_list("pk", flat=True)
    assert names(entries, current) == CURRENT
    assert {name for name, entry in entries.items() if entry.is_publicly_visible()} == PUBLIC


def test_entry_pages_are_served_only_when_public(entries, client):
    served = {}
    for name, entry in entries.items():
        if name == "restricted":  # Wagtail answers with its password form
            continue
        served[name] = client.get(entry.url).status_code
    assert {name for name, status in served.items() if status == 200} == PUBLIC
    assert served["alias"] == 302  # to its original, which is public
    assert {name for name, status in served.items() if status == 404} == (
        set(served) - PUBLIC - {"alias"}
    )


def test_a_view_restricted_entry_is_served_to_whoever_passes_the_restriction(entries, client):
    """Wagtail checks a view restriction before it serves the page; the entry's own check
    does not undo that (the restriction is Wagtail's, the rest of the definition ours)."""
    entry = entries["restricted"]
    restriction = PageViewRestriction.objects.get(page=entry)
    form = client.get(entry.url)
    assert form.status_code == 200 and entry.title not in form.content.decode()
    client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, entry.pk]),
        {"password": "x", "return_url": entry.url},
    )
    page = client.get(entry.url)
    assert page.status_code == 200 and entry.title in page.content.decode()
    # Campus-only stays closed whatever the restriction.
    campus = entries["campus"]
    PageViewRestriction.objects.create(page=campus, restriction_type="password", password="y")
    campus_restriction = PageViewRestriction.objects.get(page=campus)
    client.post(
        reverse("wagtailcore_authenticate_with_password", args=[campus_restriction.pk, campus.pk]),
        {"password": "y", "return_url": campus.url},
    )
    assert client.get(campus.url).status_code == 404


def test_the_sitemap_lists_the_public_entries(entries, client):
    xml = client.get("/sitemap.xml").content.decode()
    listed = {name for name, entry in entries.items() if f"<loc>{entry.full_url}</loc>" in xml}
    assert listed == PUBLIC


def test_the_sitemap_reads_the_definition_once(section, client):
    """Not one query per listed entry: the number of queries does not grow with entries."""

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/sitemap.xml").status_code == 200
        return len(captured)

    make_entry(section, key="basic")
    few = queries()
    for _ in range(5):
        make_entry(section, key="basic")
    assert DisclosureEntryPage.objects.publicly_visible().count() == 6
    assert queries() == few


def test_the_api_shows_the_public_entries(entries, client, section):
    details = {
        name
        for name, entry in entries.items()
        if client.get(f"{API}entries/{entry.pk}").status_code == 200
    }
    assert details == PUBLIC
    listing = json.loads(client.get(f"{API}entries", {"page_size": 100}).content)
    assert names(entries, [row["id"] for row in listing["results"]]) == CURRENT


def test_wagtails_v2_api_shows_the_public_entries(entries, client):
    listing = client.get("/api/v2/pages/", {"type": "wagtail_disclosure.DisclosureEntryPage"})
    assert names(entries, [row["id"] for row in json.loads(listing.content)["items"]]) == PUBLIC
    details = {
        name
        for name, entry in entries.items()
        if client.get(f"/api/v2/pages/{entry.pk}/").status_code == 200
    }
    assert details == PUBLIC


def test_search_and_suggestions_find_the_public_entries(entries, section):
    found = search_entries("", section=section).results
    assert names(entries, [entry.pk for entry in found]) == PUBLIC
    suggested = set()
    for name, entry in entries.items():
        if entry.title in suggest(entry.title, section=section):
            suggested.add(name)
    assert suggested == PUBLIC


def test_the_catalogue_counts_the_current_entries(entries, section):
    counted = sum(item.entry_count for row in build_catalogue(section) for item in row.items)
    assert counted == len(CURRENT)


def test_an_entry_knows_its_section(section):
    other = make_section(slug="xxgk-2", title="另一信息公开", site_root=False)
    entry = make_entry(other, key="basic")
    assert isinstance(entry.section, DisclosureIndexPage)
    assert entry.section.pk == other.pk
    # Before its first save, from its place in the tree (the 索引号 needs it).
    unsaved = QuotaAdmissionsEntryPage(title="未保存", slug="unsaved")
    unsaved.path = category_page(section, "admissions").path + "9999"
    unsaved.depth = 4
    assert unsaved.section.pk == section.pk
    assert DisclosureEntryPage(title="无位置").section is None


def test_the_review_row_receiver_is_connected_for_entry_models_only(section):
    """``create_review`` listens to the entry models (a site's own included), not to the
    save of every model of the site."""

    def listens_to(model):
        sync, asynchronous = post_save._live_receivers(model)
        return create_review in [*sync, *asynchronous]

    entry_models = [DisclosureEntryPage, *ENTRY_PAGE_TYPES, QuotaAdmissionsEntryPage]
    assert all(listens_to(model) for model in entry_models)
    assert not any(listens_to(model) for model in (Department, Page, DisclosureIndexPage, Revision))
    # And a site's own entry type still gets its review row when it is created.
    parent = category_page(section, "admissions")
    entry = QuotaAdmissionsEntryPage(
        title="招生计划",
        slug="quota",
        checklist_item=ChecklistItem.objects.filter(category_id=parent.category_id).first(),
        department=make_department(),
        live=False,
    )
    parent.add_child(instance=entry)
    assert EntryReview.objects.filter(page_id=entry.pk).exists()
