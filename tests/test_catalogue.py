"""The public catalogue (信息公开目录): content, honest statuses and constant query cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from tests.utils import bulk_entries, category_page, make_department, make_entry, tree_problems
from wagtail_disclosure.catalogue import ItemStatus, build_catalogue
from wagtail_disclosure.models import (
    ChecklistItem,
    DisclosureEntryPage,
)

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


@pytest.fixture
def section(shared_section):
    return shared_section


def rows_by_code(catalogue):
    rows = {}
    for group in catalogue:
        for row in group.items:
            rows[row.item.code] = row
            for sub in row.sub_items:
                rows[sub.item.code] = sub
    return rows


def test_catalogue_lists_all_ten_categories_and_fifty_items(section, client):
    catalogue = build_catalogue(section)
    assert [g.category.number for g in catalogue] == list(range(1, 11))
    assert sum(len(g.items) for g in catalogue) == 50
    assert all(g.page is not None for g in catalogue)
    html = client.get("/").content.decode()
    for item in ChecklistItem.objects.for_checklist(section.checklist):
        assert item.title in html
    for group in catalogue:
        assert group.category.title in html


def test_statuses_are_honest(section):
    make_entry(section, key="admissions", item_code="7")
    make_entry(
        section, key="admissions", item_code="8", audience="campus", restriction_reason="仅校内"
    )
    make_entry(section, key="admissions", item_code="9", publish=False)
    ChecklistItem.objects.filter(code="47", category__checklist=section.checklist).update(
        not_applicable_reason="本校没有中外合作办学项目。"
    )
    rows = rows_by_code(build_catalogue(section))
    assert rows["7"].status == ItemStatus.PUBLISHED
    # A campus-only entry or a draft does not make an item "published".
    assert rows["8"].status == ItemStatus.NOT_YET_PUBLISHED
    assert rows["9"].status == ItemStatus.NOT_YET_PUBLISHED
    assert rows["47"].status == ItemStatus.NOT_APPLICABLE


def test_not_applicable_item_with_an_entry_counts_as_published(section):
    ChecklistItem.objects.filter(code="47", category__checklist=section.checklist).update(
        not_applicable_reason="暂无"
    )
    make_entry(section, key="international", item_code="47")
    assert rows_by_code(build_catalogue(section))["47"].status == ItemStatus.PUBLISHED


def test_latest_entries_are_newest_first_and_limited(section, settings):
    settings.WAGTAIL_DISCLOSURE_CATALOGUE_LATEST_ENTRIES = 2
    for day in (1, 3, 2):
        make_entry(
            section,
            key="finance",
            item_code="21",
            title=f"收费标准 {day}",
            publication_date=f"2026-03-0{day}",
        )
    row = rows_by_code(build_catalogue(section))["21"]
    assert row.entry_count == 3
    assert [e.title for e in row.latest_entries] == ["收费标准 3", "收费标准 2"]
    assert row.last_updated is not None


def test_latest_entries_are_the_same_on_every_path(section, settings, rf):
    """The index path (PostgreSQL), the window query, the page objects (API, report) and
    the link rows of a page all give the same latest entries: newest publication date
    first, ties to the entry created last; withdrawn and drafts left out."""
    from tests.utils import reviewer
    from wagtail_disclosure import catalogue
    from wagtail_disclosure.workflow import take_transition

    settings.WAGTAIL_DISCLOSURE_CATALOGUE_LATEST_ENTRIES = 3
    # No date: publishing gives it today's, the newest.
    dates = ["2026-03-01", "2026-03-03", "2026-03-03", None, "2026-03-02"]
    made = [
        make_entry(section, key="finance", item_code="21", title=f"收费 {n}", publication_date=d)
        for n, d in enumerate(dates)
    ]
    withdrawn = make_entry(section, key="finance", item_code="21", publication_date="2026-04-01")
    take_transition(withdrawn, "withdraw", reviewer(), comment="已失效")
    make_entry(section, key="finance", item_code="21", publish=False, publication_date="2026-05-01")
    public = catalogue.public_entries(section)
    assert public.filter(checklist_item__code="21").count() == 5
    assert made[3].publication_date > made[2].publication_date
    expected = [made[3].pk, made[2].pk, made[1].pk]
    ranked = [e.pk for e in catalogue._ranked(public, 3) if e.checklist_item.code == "21"]
    by_index = catalogue._latest_by_index(public, 3)
    if connection.vendor == "postgresql":
        assert [e.pk for e in by_index if e.checklist_item.code == "21"] == expected
    else:
        assert by_index is None
    row = rows_by_code(build_catalogue(section))["21"]
    request = rf.get("/")
    links = rows_by_code(build_catalogue(section, request=request))["21"]
    assert ranked == expected
    assert [e.pk for e in row.latest_entries] == expected
    assert [e.pk for e in links.latest_entries] == expected
    assert [e.url for e in links.latest_entries] == [made[i].get_url(request) for i in (3, 2, 1)]
    assert links.entry_count == row.entry_count == 5


def test_department_shown_is_the_items_or_else_the_latest_entrys(section):
    assets = make_department("ZCZX", "资产管理中心")
    make_entry(section, key="finance", item_code="15", department=assets)
    assert rows_by_code(build_catalogue(section))["15"].department == assets
    finance_office = make_department("CWC", "财务处")
    ChecklistItem.objects.filter(code="15", category__checklist=section.checklist).update(
        default_department=finance_office
    )
    assert rows_by_code(build_catalogue(section))["15"].department == finance_office
    assert rows_by_code(build_catalogue(section))["16"].department is None


def test_sub_items_nest_under_their_parent(section):
    parent = ChecklistItem.objects.get(category__checklist=section.checklist, code="1")
    ChecklistItem.objects.create(
        category=parent.category, parent=parent, number=101, code="1.1", title="办学基本情况"
    )
    catalogue = build_catalogue(section)
    basic = catalogue[0]
    assert [row.item.code for row in basic.items] == ["1", "2", "3", "4", "5", "6"]
    assert [row.item.code for row in basic.items[0].sub_items] == ["1.1"]


def test_view_restricted_entries_are_left_out(section, client):
    entry = make_entry(section, key="other", item_code="49", title="仅限登录查看的整改情况")
    PageViewRestriction.objects.create(page=entry, restriction_type=PageViewRestriction.LOGIN)
    assert rows_by_code(build_catalogue(section))["49"].status == ItemStatus.NOT_YET_PUBLISHED
    assert "仅限登录查看的整改情况" not in client.get("/").content.decode()


def test_category_page_lists_items_and_filters_entries(section, client):
    make_entry(section, key="students", item_code="36", title="学籍管理办法（修订）")
    make_entry(section, key="students", item_code="38", title="2026年奖惩细则")
    page = category_page(section, "students")
    html = client.get(page.url).content.decode()
    assert "学籍管理办法（修订）" in html and "2026年奖惩细则" in html
    html = client.get(page.url + "?item=36").content.decode()
    assert "学籍管理办法（修订）" in html and "2026年奖惩细则" not in html
    assert client.get(page.url + "?page=999").status_code == 200
    assert client.get(page.url + "?page=abc").status_code == 200


def count_catalogue_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries)


def test_catalogue_query_count_does_not_grow_with_entries(section, client, settings):
    # The render itself (tests/test_page_cache.py checks the rendering kept in the cache).
    settings.WAGTAIL_DISCLOSURE_CATALOGUE_CACHE_SECONDS = 0
    bulk_entries(section, 50)
    assert DisclosureEntryPage.objects.current().count() == 50  # the catalogue shows them
    client.get("/")  # warm per-process caches (content types, site root paths)
    small = count_catalogue_queries(client)
    entries = bulk_entries(section, 1950)
    assert DisclosureEntryPage.objects.current().count() == 2000
    assert not any(tree_problems()), "the bulk-inserted page tree is inconsistent"
    rows = rows_by_code(build_catalogue(section))
    assert rows and all(row.status == ItemStatus.PUBLISHED for row in rows.values())
    assert sum(row.entry_count for row in rows.values()) == 2000
    # Public pages like any other: the newest is served and listed on the catalogue.
    newest = entries[-1]
    assert newest.title in client.get(newest.url).content.decode()
    large = count_catalogue_queries(client)
    assert small == large, f"{small} queries with 50 entries, {large} with 2,000"
    assert large <= 16  # 16 since the navigation links the 依申请公开 page (#13)
    assert newest.title in client.get("/").content.decode()


def test_the_item_figures_kept_are_those_counted_afresh(section, settings):
    """The per-item figures (counts, last update, latest entries) are kept and brought up
    to date from the public changes: a change of an entry or its review reads its item
    again (both items when it moves to another), anything else reads all. After each
    change they equal a fresh reading."""
    from tests.utils import publish_through_review, reviewer
    from wagtail_disclosure.catalogue import (
        item_statistics,
        latest_rows,
        public_entries,
        public_item_figures,
        public_item_statistics,
    )
    from wagtail_disclosure.workflow import take_transition

    settings.WAGTAIL_DISCLOSURE_CATALOGUE_CACHE_SECONDS = 3600
    admissions = category_page(section, "admissions")
    first = make_entry(section, key="admissions", item_code="7")
    make_entry(section, key="admissions", item_code="8")
    assert first.is_publicly_visible()

    def counted_again():
        """The figures kept, and the aggregates their update ran."""
        with CaptureQueriesContext(connection) as captured:
            kept, latest = public_item_figures(section, 3)
            in_category = public_item_statistics(admissions)
        assert kept == item_statistics(public_entries(section))
        assert latest == latest_rows(public_entries(section), 3)
        assert in_category == item_statistics(public_entries(admissions))
        return [q["sql"] for q in captured.captured_queries if "GROUP BY" in q["sql"]]

    counted_again()
    assert counted_again() == []  # nothing changed: nothing counted
    item_7 = first.checklist_item_id

    # A new page (here a draft) counts all: pages may be written without signals.
    entry = make_entry(section, key="admissions", item_code="7", publish=False)
    assert not any(" IN (" in sql for sql in counted_again())
    # A publication through the review: that item's entries only.
    publish_through_review(entry)
    aggregates = counted_again()
    assert len(aggregates) == 2 and all(" IN (" in sql for sql in aggregates)
    assert public_item_statistics(section)[item_7][0] == 2

    # A withdrawal; a withheld withdrawal.
    take_transition(entry, "withdraw", reviewer(), comment="撤回")
    assert all(" IN (" in sql for sql in counted_again())
    assert public_item_statistics(section)[item_7][0] == 1

    # Filed under another item: both items.
    moved = first.get_latest_revision_as_object()
    moved.checklist_item = ChecklistItem.objects.get(
        code="9", category__checklist=section.checklist
    )
    moved.save_revision()
    publish_through_review(first)
    assert all(" IN (" in sql for sql in counted_again())
    assert item_7 not in public_item_statistics(section)
    # ... and back, by a save of the live page in code (no review involved).
    page = DisclosureEntryPage.objects.get(pk=first.pk).specific
    page.checklist_item_id = item_7
    page.save()
    assert all(" IN (" in sql for sql in counted_again())
    assert public_item_statistics(section)[item_7][0] == 1

    # A view restriction on the category page: every item counted again (none public).
    PageViewRestriction.objects.create(page=admissions, restriction_type="login")
    aggregates = counted_again()
    assert aggregates and not any(" IN (" in sql for sql in aggregates)
    assert public_item_statistics(section) == {}

    # A deleted entry, the restriction gone.
    PageViewRestriction.objects.filter(page=admissions).delete()
    counted_again()
    DisclosureEntryPage.objects.get(pk=first.pk).delete()
    counted_again()
    assert sum(count for count, _last in public_item_statistics(section).values()) == 1

    # Turned off with the catalogue cache: counted each time.
    settings.WAGTAIL_DISCLOSURE_CATALOGUE_CACHE_SECONDS = 0
    assert len(counted_again()) == 2


# --- listings counted from the kept figures -------------------------------------------------


def counts_without_a_count_query(client, url):
    """The answer to ``url`` and whether a query counted rows one by one (Django's
    ``Paginator`` counts with ``SELECT COUNT(*) AS "__count"``)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, not any('"__count"' in query["sql"] for query in queries)


def test_category_listings_are_counted_from_the_kept_figures(section, client, settings):
    settings.WAGTAIL_DISCLOSURE_ENTRIES_PER_PAGE = 2
    for number in range(3):
        make_entry(section, key="students", item_code="36", title=f"学籍条目{number}")
    make_entry(section, key="students", item_code="38", title="奖惩条目")
    hidden = make_entry(section, key="students", item_code="36", title="校内条目")
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    page = category_page(section, "students")
    public = DisclosureEntryPage.objects.child_of(page).current()
    assert public.count() == 4 and not public.filter(pk=hidden.pk).exists()
    for query, expected in (("", 4), ("?item=36", 3), ("?item=38", 1), ("?item=99", 4)):
        response, uncounted = counts_without_a_count_query(client, page.url + query)
        paginator = response.context["paginator"]
        assert paginator.count == expected, query
        assert paginator.num_pages == (expected + 1) // 2, query
        assert uncounted, query
    # A publication is counted at the next request.
    make_entry(section, key="students", item_code="36", title="学籍条目新")
    response, _uncounted = counts_without_a_count_query(client, page.url + "?item=36")
    assert response.context["paginator"].count == 4
    assert "学籍条目新" in response.content.decode()


def test_the_api_entries_list_is_counted_from_the_kept_figures(section, client, settings):
    settings.WAGTAIL_DISCLOSURE_API_THROTTLE_RATE = None
    settings.WAGTAIL_DISCLOSURE_PAGE_SERVER_CACHE_SECONDS = 0  # build each answer
    jwc = make_department("JWC", "教务处")
    for number in range(3):
        make_entry(section, key="basic", title=f"基本条目{number}", department=jwc)
    cwc = make_department("CWC", "财务处")
    make_entry(section, key="finance", title="财务条目", department=cwc)
    make_entry(section, key="finance", title="未公开条目", department=cwc, publish=False)
    url = "/api/disclosure/v1/entries?page_size=3"
    response, uncounted = counts_without_a_count_query(client, url)
    body = response.json()
    assert body["count"] == DisclosureEntryPage.objects.current().count() == 4
    assert body["num_pages"] == 2 and len(body["results"]) == 3 and uncounted
    # By category and item (a sub-item's entries count under its parent), counted from the
    # figures too, as a query would count them.
    first = ChecklistItem.objects.get(category__checklist=section.checklist, code="1")
    sub = ChecklistItem.objects.create(
        category=first.category, parent=first, number=101, code="1.1", title="办学基本情况"
    )
    make_entry(section, key="basic", item_code="1.1", title="子事项条目", department=jwc)
    public = DisclosureEntryPage.objects.current()
    expected = {
        "": public.count(),
        "&category=basic": public.filter(checklist_item__category__key="basic").count(),
        "&category=finance": 1,
        "&item=1": public.filter(checklist_item__in=[first, sub]).count(),
        "&item=1.1": 1,
        "&category=finance&item=1": 0,
    }
    assert expected[""] == 5 and expected["&category=basic"] == 4 and expected["&item=1"] >= 2
    for query, count in expected.items():
        response, uncounted = counts_without_a_count_query(client, url + query)
        assert response.json()["count"] == count and uncounted, query
    # Filtered otherwise, the list is counted by its own query.
    response, uncounted = counts_without_a_count_query(client, url + "&department=JWC")
    assert response.json()["count"] == 4 and not uncounted
    make_entry(section, key="finance", title="新的财务条目", department=cwc)
    response, _uncounted = counts_without_a_count_query(client, url)
    assert response.json()["count"] == 6
    assert response.json()["results"][0]["title"] == "新的财务条目"


@pytest.mark.postgres
def test_postgresql_has_the_indexes_that_list_entries_newest_first():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('disclosure_entry_newest', 'disclosure_entry_item_latest')"
        )
        definitions = dict(cursor.fetchall())
    newest = "publication_date DESC NULLS LAST, page_ptr_id DESC"
    assert newest in definitions["disclosure_entry_newest"]
    assert f"(checklist_item_id, {newest})" in definitions["disclosure_entry_item_latest"]
