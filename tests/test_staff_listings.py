"""Staff see only their departments' entries in every Wagtail listing (docs/workflow.md).

Two entries under the same category page: one of 教务处 (department A), one of 招生就业处
(department B). An editor and a reviewer of A, with Wagtail page permissions on the whole
section, must find A's entry in every listing and never B's; the disclosure office (role
held for all departments) and a superuser find both, which also shows that each listing
really would show B's entry.
"""

import json
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    PageLogEntry,
    Workflow,
    WorkflowTask,
)

from tests.utils import (
    build_once,
    category_page,
    fresh,
    grant,
    make_department,
    make_entry,
    make_section,
)
from wagtail_disclosure.compat import get_page_permission_policy
from wagtail_disclosure.permissions import Role

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

MINE, THEIRS = "Zebra alpha", "Zebra bravo"
SCOPED = ("editor", "reviewer")
EVERYTHING = ("office", "superuser")
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")


def staff_with_page_permissions(user_model, username, section):
    """Admin access and every page permission the listings look at, on the whole section."""
    user = user_model.objects.create_user(username, password="pw")
    group, created = Group.objects.get_or_create(name="listing-staff")
    if created:
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        for codename in PAGE_PERMISSIONS:
            GroupPagePermission.objects.create(
                group=group, page=section, permission=Permission.objects.get(codename=codename)
            )
    user.groups.add(group)
    return user


def build_world():
    """Built once for the module's tests (``build_once``); each test gets a fresh copy."""
    user_model = get_user_model()
    section = make_section()
    a = make_department("JWC", "教务处")
    b = make_department("ZSJY", "招生就业处")
    mine = make_entry(section, key="admissions", department=a, title=MINE)
    theirs = make_entry(section, key="admissions", department=b, title=THEIRS)
    users = {
        name: staff_with_page_permissions(user_model, name, section)
        for name in ("editor", "reviewer", "office")
    }
    grant(users["editor"], Role.DEPARTMENT_EDITOR, a)
    grant(users["reviewer"], Role.DEPARTMENT_REVIEWER, a)
    grant(users["office"], Role.DISCLOSURE_OFFICE)  # for every department
    users["superuser"] = user_model.objects.create_superuser("root", password="pw")
    assert mine.live and theirs.live
    return SimpleNamespace(
        section=section,
        category=category_page(section, "admissions"),
        mine=mine,
        theirs=theirs,
        users=users,
    )


@pytest.fixture(scope="module")
def _world_once(request, django_db_setup, django_db_blocker):
    yield from build_once(request, django_db_blocker, build_world)


@pytest.fixture
def world(_world_once, db):
    return fresh(_world_once)


def lock(entry, user):
    Page.objects.filter(pk=entry.pk).update(locked=True, locked_by=user, locked_at=timezone.now())


def get(client, world, who, url, **params):
    client.force_login(world.users[who])
    response = client.get(url, params)
    assert response.status_code == 200, (who, url, response.status_code)
    return response


def text(response):
    content = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(json.loads(content), ensure_ascii=False)  # modal HTML, API items
    return content


def assert_scoped(who, content):
    assert MINE in content, who  # the listing does show the user's own department's entry
    if who in SCOPED:
        assert THEIRS not in content, who
    else:
        assert THEIRS in content, who


ALL_USERS = pytest.mark.parametrize("who", SCOPED + EVERYTHING)


# -- page search, explorer, chooser ----------------------------------------------------------


@ALL_USERS
def test_admin_page_search(client, world, who):
    response = get(client, world, who, reverse("wagtailadmin_pages:search"), q="zebra")
    assert_scoped(who, text(response))


@ALL_USERS
def test_explorer_and_its_search(client, world, who):
    url = reverse("wagtailadmin_explore", args=[world.category.pk])
    assert_scoped(who, text(get(client, world, who, url)))
    assert_scoped(who, text(get(client, world, who, url, q="zebra")))


@ALL_USERS
def test_page_chooser_browse(client, world, who):
    url = reverse("wagtailadmin_choose_page_child", args=[world.category.pk])
    assert_scoped(who, text(get(client, world, who, url)))


@ALL_USERS
def test_page_chooser_search(client, world, who):
    url = reverse("wagtailadmin_choose_page_search")
    assert_scoped(who, text(get(client, world, who, url, q="zebra")))


# -- the admin's internal pages API ----------------------------------------------------------


@ALL_USERS
def test_admin_pages_api_listing_and_search(client, world, who):
    url = reverse("wagtailadmin_api:pages:listing")
    assert_scoped(who, text(get(client, world, who, url, search="zebra")))
    assert_scoped(who, text(get(client, world, who, url, child_of=world.category.pk)))
    explorer = get(client, world, who, url, child_of=world.category.pk, for_explorer="1")
    assert_scoped(who, text(explorer))


@ALL_USERS
def test_admin_pages_api_detail(client, world, who):
    client.force_login(world.users[who])

    def detail(entry):
        return client.get(reverse("wagtailadmin_api:pages:detail", args=[entry.pk]))

    assert detail(world.mine).status_code == 200
    assert detail(world.theirs).status_code == (404 if who in SCOPED else 200)


# -- usage listings --------------------------------------------------------------------------


@ALL_USERS
def test_usage_listing_of_the_page_type(client, world, who):
    url = reverse("wagtailadmin_pages:type_use", args=["wagtail_disclosure", "admissionsentrypage"])
    assert_scoped(who, text(get(client, world, who, url)))


@ALL_USERS
def test_page_types_usage_report_counts_and_last_edited(client, world, who):
    # B's entry is the last edited one of the type: what Wagtail's report would name.
    world.theirs.save_revision()
    response = get(client, world, who, reverse("wagtailadmin_reports:page_types_usage"))
    (row,) = [t for t in response.context["object_list"] if t.model == "admissionsentrypage"]
    if who in SCOPED:
        assert row.count == 1
        assert row.last_edited_page.pk == world.mine.pk
        assert THEIRS not in text(response)
    else:
        assert row.count == 2
        assert row.last_edited_page.pk == world.theirs.pk
        assert THEIRS in text(response)


# -- reports ---------------------------------------------------------------------------------


@ALL_USERS
def test_site_history(client, world, who):
    for entry in (world.mine, world.theirs):
        assert PageLogEntry.objects.filter(page_id=entry.pk).exists()  # each has a history
    response = get(client, world, who, reverse("wagtailadmin_reports:site_history"))
    assert_scoped(who, text(response))


@ALL_USERS
def test_locked_pages_report(client, world, who):
    for entry in (world.mine, world.theirs):
        lock(entry, world.users["superuser"])
    response = get(client, world, who, reverse("wagtailadmin_reports:locked_pages"))
    assert_scoped(who, text(response))


@ALL_USERS
def test_aging_pages_report(client, world, who):
    response = get(client, world, who, reverse("wagtailadmin_reports:aging_pages"))
    assert_scoped(who, text(response))


@pytest.fixture
def workflows(world):
    """Wagtail workflow states on both entries, requested by the editor, whose group
    approves the task. Entries have no Wagtail workflow of their own (docs/workflow.md),
    but states can exist: started before, or by a site's own code."""
    approvers = Group.objects.create(name="approvers")
    for who in ("editor", "reviewer", "office"):
        world.users[who].groups.add(approvers)
    task = GroupApprovalTask.objects.create(name="Legacy approval")
    task.groups.set([approvers])
    workflow = Workflow.objects.create(name="Legacy workflow")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for entry in (world.mine, world.theirs):
        workflow.start(entry, world.users["editor"])
    return workflow


@ALL_USERS
def test_workflow_reports(client, world, workflows, who):
    for name in ("wagtailadmin_reports:workflow", "wagtailadmin_reports:workflow_tasks"):
        assert_scoped(who, text(get(client, world, who, reverse(name))))


# -- the dashboard ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", SCOPED)
def test_dashboard_panels(client, world, workflows, who):
    user = world.users[who]
    for entry in (world.mine, world.theirs):
        # Edited and locked by this user (say, while they still had a role in B).
        log(instance=entry.specific, action="wagtail.edit", user=user)
        lock(entry, user)
    response = get(client, world, who, reverse("wagtailadmin_home"))
    content = text(response)
    assert content.count(MINE) >= 2  # in the panels: recent edits, locked pages, workflows
    assert THEIRS not in content


def test_dashboard_panels_of_the_office_show_both(client, world, workflows):
    user = world.users["office"]
    for entry in (world.mine, world.theirs):
        log(instance=entry.specific, action="wagtail.edit", user=user)
    content = text(get(client, world, "office", reverse("wagtailadmin_home")))
    assert MINE in content and THEIRS in content


def summary_pages_count(content):
    """The site summary's pages count: the number in the link to the explorer."""
    match = re.search(r'href="/admin/pages/\d+/"[^>]*>\s*([\d,]+)', content)
    assert match, "no pages count on the dashboard"
    return int(match.group(1).replace(",", ""))


def test_site_summary_does_not_count_hidden_entries(client, world):
    office = summary_pages_count(text(get(client, world, "office", reverse("wagtailadmin_home"))))
    editor = summary_pages_count(text(get(client, world, "editor", reverse("wagtailadmin_home"))))
    assert office == Page.objects.descendant_of(world.section, inclusive=True).count()
    assert editor == office - 1


# -- the policy: what it narrows, and what it costs ------------------------------------------


def test_policy_querysets_leave_out_only_other_departments_entries(world):
    policy = get_page_permission_policy()
    editor, office = world.users["editor"], world.users["office"]
    for pages in (
        policy.explorable_instances(editor),
        policy.instances_user_has_any_permission_for(editor, {"change"}),
        policy.instances_user_has_permission_for(editor, "publish"),
    ):
        ids = set(pages.values_list("pk", flat=True))
        assert world.mine.pk in ids and world.category.pk in ids
        assert world.theirs.pk not in ids
    assert world.theirs.pk in set(policy.explorable_instances(office).values_list("pk", flat=True))


def test_a_user_without_any_role_sees_no_entry(client, world, django_user_model):
    webmaster = staff_with_page_permissions(django_user_model, "webmaster", world.section)
    client.force_login(webmaster)
    content = text(client.get(reverse("wagtailadmin_pages:search"), {"q": "zebra"}))
    assert MINE not in content and THEIRS not in content
    content = text(client.get(reverse("wagtailadmin_explore", args=[world.category.pk])))
    assert MINE not in content and THEIRS not in content


def test_the_scoping_query_does_not_grow_with_the_entries(client, world):
    url = reverse("wagtailadmin_pages:search")
    editor = world.users["editor"]

    def queries():
        client.force_login(editor)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"q": "zebra"}).status_code == 200
        return len(captured), max(len(q["sql"]) for q in captured)

    queries()  # warm the caches (Wagtail's site root paths) before counting
    few = queries()
    for n in range(15):
        department = make_department(f"D{n}", f"部门{n}")
        make_entry(world.section, key="admissions", department=department, title=f"Zebra {n}")
    many = queries()
    assert few == many, (few, many)  # same number of queries, and no longer SQL


def test_a_check_warns_when_admin_search_ignores_permissions(settings):
    from django.core.checks import run_checks

    def warnings():
        return [m for m in run_checks() if m.id == "wagtail_disclosure.W006"]

    assert warnings() == []
    settings.WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS = False
    assert len(warnings()) == 1


# -- views reached by page id: a hidden entry is as if it did not exist -------------------------


def page_id_urls(world, entry):
    return {
        "explorer": (reverse("wagtailadmin_explore", args=[entry.pk]), {}),
        "chooser browse": (reverse("wagtailadmin_choose_page_child", args=[entry.pk]), {}),
        "chooser chosen": (reverse("wagtailadmin_choose_page_chosen_multiple"), {"id": entry.pk}),
    }


@ALL_USERS
def test_views_reached_by_page_id(client, world, who):
    client.force_login(world.users[who])
    for name, (url, params) in page_id_urls(world, world.mine).items():
        response = client.get(url, params)
        assert response.status_code == 200, (who, name)
        assert MINE in text(response), (who, name)
    for name, (url, params) in page_id_urls(world, world.theirs).items():
        response = client.get(url, params)
        if who in SCOPED:
            assert response.status_code == 404, (who, name, response.status_code)
            assert THEIRS not in text(response), (who, name)
        else:
            assert response.status_code == 200 and THEIRS in text(response), (who, name)


@ALL_USERS
@pytest.mark.parametrize("action", ["delete", "move", "unpublish"])
def test_bulk_action_confirmation_lists_no_hidden_entry(client, world, who, action):
    client.force_login(world.users[who])
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
    response = client.get(url, {"id": [world.mine.pk, world.theirs.pk], "next": "/admin/"})
    assert response.status_code == 200, (who, action)
    content = text(response)
    assert MINE in content, (who, action)
    assert (THEIRS in content) is (who not in SCOPED), (who, action)


def test_a_refused_transition_does_not_name_another_departments_entry(client, world):
    client.force_login(world.users["editor"])
    url = reverse("wagtail_disclosure:entry_transition", args=[world.theirs.pk, "withdraw"])
    response = client.get(url)
    assert response.status_code == 403
    assert THEIRS not in text(response)
    # while someone with a role in the department is told which entry and why
    client.force_login(world.users["office"])
    url = reverse("wagtail_disclosure:entry_transition", args=[world.mine.pk, "submit"])
    response = client.get(url)
    assert response.status_code == 409 and MINE in text(response)
