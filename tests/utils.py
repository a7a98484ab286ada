"""Builders shared by the tests: real models, saved through Wagtail's own APIs."""

import collections
import copy
import datetime
import itertools
import sys
from contextlib import contextmanager

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission, Page, Site

from wagtail_disclosure.models import (
    ChecklistItem,
    Department,
    DisclosureCategoryPage,
    DisclosureEntryPage,
    DisclosureIndexPage,
    entry_page_type_for,
)
from wagtail_disclosure.permissions import assign_role
from wagtail_disclosure.sections import ensure_category_pages
from wagtail_disclosure.workflow import import_as_published

_counter = itertools.count(1)


def make_department(short_code="JWC", name="教务处", **fields):
    department, _ = Department.objects.get_or_create(
        short_code=short_code, defaults={"name": name, **fields}
    )
    return department


def make_section(slug="xxgk", title="信息公开", site_root=True, **fields):
    """A live DisclosureIndexPage with its category pages; the default site's root if asked."""
    root = Page.get_first_root_node()
    section = root.add_child(instance=DisclosureIndexPage(title=title, slug=slug, **fields))
    ensure_category_pages(section)
    if site_root:
        site = Site.objects.get(is_default_site=True)
        site.root_page = section
        site.save()  # save(), not update(): clears Wagtail's cached site root paths
    return section


def category_page(section, key):
    return DisclosureCategoryPage.objects.child_of(section).get(category__key=key)


def make_entry(section, key="admissions", item_code=None, publish=True, department=None, **fields):
    """An entry of the page type bound to ``key``, under the section's category page."""
    parent = category_page(section, key)
    items = ChecklistItem.objects.filter(category_id=parent.category_id)
    item = items.get(code=item_code) if item_code else items.order_by("number").first()
    model = entry_page_type_for(key)
    number = next(_counter)
    fields.setdefault("title", f"条目 {number}")
    fields.setdefault("slug", f"entry-{number}")
    for name, value in fields.items():
        if name.endswith(("_date", "_on")) and isinstance(value, str):
            fields[name] = datetime.date.fromisoformat(value)
    fields["live"] = False  # as the admin does: a page goes live when a revision is published
    entry = model(checklist_item=item, department=department or make_department(), **fields)
    # The search index is written once, by the last save (of the revision, or of the
    # publication), with what the entry ends up as: the saves before it would each write
    # it too, only to be overwritten.
    with search_index_left_to_the_last_save(model):
        parent.add_child(instance=entry)
        if publish:
            entry.save_revision()
    if not publish:
        entry.save_revision()
    else:
        import_as_published(entry)
        entry.refresh_from_db()
    return entry


@contextmanager
def search_index_left_to_the_last_save(model):
    """Saves of ``model`` inside do not update the search index (modelsearch's ``post_save``
    receiver, which Wagtail uses, is disconnected): the caller saves once more after."""
    from django.db.models.signals import post_save
    from modelsearch.signal_handlers import post_save_signal_handler

    if not post_save.disconnect(post_save_signal_handler, sender=model):
        yield  # not indexed, or already disconnected by an enclosing call
        return
    try:
        yield
    finally:
        post_save.connect(post_save_signal_handler, sender=model)


def reviewer(username="chain-superuser"):
    """A superuser: holds every role, so can walk an entry through the whole chain."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=username, defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def publish_through_review(entry, user=None, chain=("submit", "approve", "clear", "publish")):
    """Take ``entry``'s latest revision through the review chain and publish it."""
    from wagtail_disclosure.workflow import take_transition

    user = user or reviewer()
    for name in chain:
        take_transition(entry, name, user)
    entry.refresh_from_db()
    return entry


def staff(django_user_model, username, section=None, **fields):
    """A user with admin access and page edit rights on ``section``, but no review role."""
    user = django_user_model.objects.create_user(username, password="pw", **fields)
    group, created = Group.objects.get_or_create(name="tests-staff")
    if created:
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        if section is not None:
            for codename in ("add_page", "change_page"):
                GroupPagePermission.objects.create(
                    group=group, page=section, permission=Permission.objects.get(codename=codename)
                )
    user.groups.add(group)
    return user


def grant(user, role, department=None):
    """A role in one department, or (``department=None``) in all of them."""
    assign_role(user, role, department)


# --- data built once for many tests (fixtures) -----------------------------------------

#: The :class:`Built` data whose transaction is open, innermost last.
open_builds = []
#: Every :class:`Built` of the module fixtures in use, first built first (tests/conftest.py
#: rolls them back when the next test does not need them and builds them again when it does).
known_builds = []


class Built:
    """Data built once by :func:`build_once`, in a transaction that is still open."""

    def __init__(self, fixture_name, django_db_blocker, build, *args, **kwargs):
        self.fixture_name = fixture_name
        self.blocker = django_db_blocker
        # Arguments that are data built once are passed as what they hold when it is built.
        self.build = lambda: build(
            *(arg.value if isinstance(arg, Built) else arg for arg in args), **kwargs
        )
        self.value = None
        self.atomic = None

    @property
    def is_open(self):
        return self.atomic is not None

    def open(self):
        with self.blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            try:
                self.value = self.build()
            except BaseException:
                self.atomic.__exit__(*sys.exc_info())
                self.atomic = None
                raise
        open_builds.append(self)

    def close(self):
        """Roll the built data back; nothing is left for the tests that follow. Data built
        after this (in a transaction inside this one) is rolled back first."""
        if not self.is_open:
            return
        while open_builds[-1] is not self:
            open_builds[-1].close()
        open_builds.pop()
        atomic, self.atomic = self.atomic, None
        with self.blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def build_once(request, django_db_blocker, build, *args, **kwargs):
    """Build data once for many tests; for a ``scope="module"`` fixture, with ``yield from``.

    Django's ``TestCase.setUpTestData`` for pytest: ``build(*args, **kwargs)`` runs in a
    transaction opened here. Each test that asks for the data still runs in its own
    transaction (pytest-django's ``django_db``), which is now a savepoint inside this one:
    whatever a test changes is rolled back to the built data before the next test. The
    data is rolled back as soon as the next test does not ask for it, and built again when
    a later one does (tests/conftest.py runs a module's tests that ask for the same data
    one after the other, first), so other tests never see it. Arguments that are data
    built once themselves (another ``_once`` fixture) reach ``build`` as their value. Tests get
    the data through a function-scoped fixture that returns :func:`fresh` copies, so that
    an attribute one test sets on an object is not seen by the next::

        @pytest.fixture(scope="module")
        def _world_once(request, django_db_setup, django_db_blocker):
            yield from build_once(request, django_db_blocker, build_world)

        @pytest.fixture
        def world(_world_once, db):
            return fresh(_world_once)

    Rules: the module fixture's name ends with ``_once`` (that is how the test order and
    the roll-back find it); only for tests with ``django_db`` without ``transaction=True``
    (a transactional test fails while such data is open); ``build`` must not write files
    (``MEDIA_ROOT`` is per test) or change settings (that is per test too).
    """
    assert request.fixturename.endswith("_once"), request.fixturename
    built = Built(request.fixturename, django_db_blocker, build, *args, **kwargs)
    built.open()
    known_builds.append(built)
    try:
        yield built
    finally:
        known_builds.remove(built)
        built.close()


def fresh(built):
    """A deep copy of the data :func:`build_once` built, as ``setUpTestData`` gives each
    test (model instances copy without a query; the rows are the same).

    Should the data have been rolled back already (a test that asks for it runs after
    one that does not), it is built again for this test alone, in the test's transaction.
    """
    if not built.is_open:
        return built.build()
    return copy.deepcopy(built.value)


def bulk_entries(section, count, department=None, *, dates=None, review_state=None):
    """Insert ``count`` live entries, spread over every checklist item, in bulk.

    Saving thousands of pages one at a time through Wagtail (tree position, revisions,
    search and reference index, review row) takes minutes, and the tests that use this
    only read their rows. So the rows are written as Wagtail leaves them for a published
    entry: the tree columns (``path``, ``depth``, ``numchild``, ``url_path``) computed as
    treebeard does, one INSERT per table of each page type (``Page``,
    ``DisclosureEntryPage``, the type's own) and a review row. The callers assert that
    the pages are public and the tree consistent.

    ``dates(n)`` gives the ``(成文日期, 发布日期)`` of the n-th entry (default: today, today);
    ``review_state(i)`` the state of the i-th entry's review (default: published).
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import F
    from django.utils import timezone

    from wagtail_disclosure.models import EntryReview, ReviewState

    items = list(ChecklistItem.objects.for_checklist(section.checklist).select_related("category"))
    parents = {item.category.key: category_page(section, item.category.key) for item in items}
    last_steps = {}
    for key, parent in parents.items():
        last = parent.get_last_child()
        last_steps[key] = Page._str2int(last.path[-Page.steplen :]) if last else 0
    department = department or make_department()
    now = timezone.now()
    existing = DisclosureEntryPage.objects.count()
    entries = []
    for n in range(existing, existing + count):
        item = items[n % len(items)]
        key = item.category.key
        parent = parents[key]
        model = entry_page_type_for(key)
        last_steps[key] += 1
        title, slug = f"批量条目 {n}", f"bulk-{n}"
        made, published = dates(n) if dates else (now.date(), now.date())
        entries.append(
            model(
                title=title,
                draft_title=title,
                slug=slug,
                path=Page._get_path(parent.path, parent.depth + 1, last_steps[key]),
                depth=parent.depth + 1,
                numchild=0,
                url_path=f"{parent.url_path}{slug}/",
                content_type=ContentType.objects.get_for_model(model),
                locale_id=parent.locale_id,
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
                checklist_item=item,
                department=department,
                document_date=made,
                publication_date=published,
            )
        )
    # Page rows first (bulk_create gives their ids), then each child table's rows.
    page_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    pages = Page.objects.bulk_create(
        [Page(**{f.attname: getattr(entry, f.attname) for f in page_fields}) for entry in entries]
    )
    for entry, page in zip(entries, pages, strict=True):
        for field in entry._meta.concrete_fields:
            if field.primary_key or (field.one_to_one and field.remote_field.parent_link):
                setattr(entry, field.attname, page.pk)
    # Django's bulk_create() refuses multi-table inheritance; its per-table INSERT does not.
    for model in [DisclosureEntryPage, *{type(entry) for entry in entries}]:
        rows = [entry for entry in entries if isinstance(entry, model)]
        fields = model._meta.local_concrete_fields
        for start in range(0, len(rows), 200):
            model._base_manager._insert(rows[start : start + 200], fields=fields)
    for parent in parents.values():
        added = sum(1 for entry in entries if entry.path.startswith(parent.path))
        Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + added)
    EntryReview.objects.bulk_create(
        EntryReview(
            page_id=entry.pk,
            state=review_state(index) if review_state else ReviewState.PUBLISHED,
            published_at=now,
            submitted_at=now,
        )
        for index, entry in enumerate(entries)
    )
    analyze([Page, DisclosureEntryPage, EntryReview, *{type(entry) for entry in entries}])
    return entries


def analyze(models):
    """On PostgreSQL, gather the planner's statistics of ``models``' tables, as autovacuum
    does on a live site after a bulk write. The rows a test writes stay in its transaction,
    where autovacuum never sees them: without this, the planner takes the tables for as
    small as the last committed data left them and picks plans that cost seconds."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    tables = {model._meta.db_table for model in models}
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def tree_problems():
    """What treebeard's ``Page.find_problems()`` reports, in the same five lists (ids of
    pages with characters outside the alphabet, a path length not a multiple of the step,
    no parent, a depth that disagrees with the path, a wrong ``numchild``), from one query
    of the page table. ``find_problems`` makes two queries per page: seconds for the
    thousands of pages the scale tests write in bulk. ``test_harness`` checks that both
    agree, on a sound tree and on a broken one."""
    steplen, alphabet = Page.steplen, set(Page.alphabet)
    nodes = list(Page.objects.order_by("path").values_list("pk", "path", "depth", "numchild"))
    paths = {path for _pk, path, _depth, _numchild in nodes}
    children = collections.Counter(path[:-steplen] for _pk, path, _depth, _n in nodes)
    evil_chars, bad_steplen, orphans, wrong_depth, wrong_numchild = [], [], [], [], []
    for pk, path, depth, numchild in nodes:
        if not set(path) <= alphabet:
            evil_chars.append(pk)
        elif len(path) % steplen:
            bad_steplen.append(pk)
        elif len(path) > steplen and path[:-steplen] not in paths:
            orphans.append(pk)
        elif depth != len(path) // steplen:
            wrong_depth.append(pk)
        elif children[path] != numchild:
            wrong_numchild.append(pk)
    return evil_chars, bad_steplen, orphans, wrong_depth, wrong_numchild
