"""The test harness itself (tests/conftest.py, ``tests.utils.build_once``).

Data built once for a module is rolled back to as built before each test that uses it,
and is gone for the module's tests that do not ask for it. The first two tests depend on
running in this order in one process (pytest-xdist may hand them to two workers, where
they still pass).
"""

import ast
import configparser
from pathlib import Path
from types import SimpleNamespace

import pytest
from wagtail.models import Page

from tests.conftest import ONE_SESSION_MARKERS, _shared_data_first, one_session_groups
from tests.utils import Built, fresh, make_department, make_entry, open_builds, tree_problems
from wagtail_disclosure.models import Department, DisclosureEntryPage, DisclosureIndexPage

pytestmark = pytest.mark.django_db

RENAMED = "改过的标题"


def test_a_test_that_does_not_ask_for_it_never_sees_it():
    # Defined first, run after the tests that use the section (tests/conftest.py).
    assert not open_builds
    assert not DisclosureIndexPage.objects.exists()
    assert Page.objects.filter(depth__gt=1).count() == 1  # Wagtail's welcome page only


def test_a_test_changes_the_shared_section(shared_section):
    assert open_builds, "the section was built once, in a transaction still open"
    shared_section.title = RENAMED
    shared_section.save()
    make_entry(shared_section)
    assert DisclosureEntryPage.objects.descendant_of(shared_section).count() == 1


def test_the_next_test_sees_the_section_as_built(shared_section):
    assert shared_section.title != RENAMED
    assert DisclosureIndexPage.objects.get(pk=shared_section.pk).title != RENAMED
    assert not DisclosureEntryPage.objects.exists()


def test_each_test_gets_its_own_copy(shared_section, _section_once):
    assert shared_section is not _section_once.value
    assert shared_section.pk == _section_once.value.pk


def test_data_rolled_back_early_is_built_again_for_a_late_test(django_db_blocker):
    built = Built("_late_once", django_db_blocker, make_department, "LATE", "迟到处")
    built.open()
    assert Department.objects.filter(short_code="LATE").exists()
    built.close()
    assert not Department.objects.filter(short_code="LATE").exists()
    assert fresh(built).short_code == "LATE"  # built again, in this test's transaction
    assert Department.objects.filter(short_code="LATE").exists()


def test_data_built_inside_other_data_is_rolled_back_with_it(django_db_blocker):
    outer = Built("_outer_once", django_db_blocker, make_department, "OUT", "外")
    outer.open()
    inner = Built("_inner_once", django_db_blocker, make_department, "IN", "内")
    inner.open()
    assert open_builds == [outer, inner]
    outer.close()
    assert not open_builds and not inner.is_open
    assert not Department.objects.filter(short_code__in=["OUT", "IN"]).exists()


def test_tests_using_data_built_once_run_first_in_their_module():
    def item(path, *fixtures):
        return SimpleNamespace(path=path, fixturenames=list(fixtures), name=f"{path} {fixtures}")

    items = [
        item("a.py"),
        item("a.py", "db", "_section_once"),
        item("a.py", "_world_once"),
        item("a.py", "_section_once"),
        item("b.py"),
        item("b.py", "_section_once"),
        item("a.py", "_section_once"),  # another run of a.py: sorted on its own
    ]
    ordered = [
        (it.path, tuple(f for f in it.fixturenames if f != "db"))
        for it in _shared_data_first(items)
    ]
    assert ordered == [
        ("a.py", ("_section_once",)),
        ("a.py", ("_section_once",)),
        ("a.py", ("_world_once",)),
        ("a.py", ()),
        ("b.py", ("_section_once",)),
        ("b.py", ()),
        ("a.py", ("_section_once",)),
    ]


def test_one_session_groups_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv(
        "WAGTAIL_DISCLOSURE_ONE_SESSION_TESTS",
        "browser=tests-wagtail8-sqlite full_fuzz=tests-wagtail74-postgres",
    )
    assert one_session_groups() == {
        "browser": "tests-wagtail8-sqlite",
        "full_fuzz": "tests-wagtail74-postgres",
    }
    monkeypatch.delenv("WAGTAIL_DISCLOSURE_ONE_SESSION_TESTS")
    assert one_session_groups() == {}


def test_every_slow_group_runs_in_one_session_and_is_a_registered_marker():
    root = Path(__file__).resolve().parent.parent
    tree = ast.parse((root / "noxfile.py").read_text(encoding="utf-8"))
    (one_session,) = [
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "ONE_SESSION"
    ]
    assert set(one_session) == set(ONE_SESSION_MARKERS)
    sessions = {
        f"tests-{w}-{db}" for w in ("wagtail74", "wagtail8") for db in ("sqlite", "postgres")
    }
    assert set(one_session.values()) <= sessions
    # Each group's session is one `make test` runs, and its selection keeps the group.
    (scope,) = [
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "SCOPE"
    ]
    assert set(scope) <= sessions
    for marker, session in one_session.items():
        assert session in scope, (marker, session)
        assert scope[session] == "all" or marker in scope[session].split(), (marker, session)
    config = configparser.ConfigParser()
    config.read(root / "setup.cfg", encoding="utf-8")
    markers = {line.split(":")[0].strip() for line in config["tool:pytest"]["markers"].splitlines()}
    assert set(ONE_SESSION_MARKERS) <= markers


def test_tree_problems_reports_what_treebeard_reports(shared_section):
    """``tests.utils.tree_problems`` (one query) against treebeard's ``find_problems`` (two
    queries a page), on a sound tree and on one broken in each way it checks."""
    from django.db.models import F

    make_entry(shared_section, "basic")
    assert tree_problems() == Page.find_problems() == ([], [], [], [], [])
    pages = list(Page.objects.filter(depth__gte=3).order_by("path")[:5])
    assert len(pages) == 5
    Page.objects.filter(pk=pages[0].pk).update(path=pages[0].path[:-1] + "!")  # evil character
    Page.objects.filter(pk=pages[1].pk).update(path=pages[1].path + "01")  # bad step length
    Page.objects.filter(pk=pages[2].pk).update(path="ZZZZ" + pages[2].path[4:])  # no parent
    Page.objects.filter(pk=pages[3].pk).update(depth=F("depth") + 1)  # wrong depth
    Page.objects.filter(pk=pages[4].pk).update(numchild=F("numchild") + 3)  # wrong numchild
    found = tree_problems()
    assert found == Page.find_problems()
    assert all(found), found  # each kind found
