"""Many people take the same review step at once on SQLite: one wins, the others get 409.

SQLite has one writer at a time. With ``transaction_mode`` ``IMMEDIATE`` and a busy
``timeout`` (tests/settings.py, example_site, docs/installation.md#sqlite) each review
transaction waits for the one before it and then finds the entry already moved on; the
service (``take_transition``) also turns an exhausted wait ("database is locked") into the
same ``TransitionError`` as on PostgreSQL.

The in-memory test database cannot be shared between threads, so each test here copies it
to a file (``sqlite3`` backup) and points the default connection at the copy for its
duration: no other test, and no xdist worker, sees the file. PostgreSQL is covered by
tests/test_workflow_concurrency.py.
"""

import contextlib
import shutil
import sqlite3
import threading

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import Client
from django.urls import reverse
from wagtail.models import PageLogEntry

from tests.test_index_numbers_concurrency import run_together
from tests.utils import make_entry, make_section, reviewer
from wagtail_disclosure.api.main import API_PREFIX
from wagtail_disclosure.checks import sqlite_transaction_messages
from wagtail_disclosure.models import ApiToken, EntryReview
from wagtail_disclosure.workflow import TransitionError, take_transition

pytestmark = [
    pytest.mark.each_database,
    pytest.mark.skipif(
        "sqlite" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="SQLite only; tests/test_workflow_concurrency.py covers PostgreSQL",
    ),
    pytest.mark.django_db,
]

PEOPLE = 8
#: What tests/settings.py and the demo set (docs/installation.md#sqlite).
RECOMMENDED = django_settings.DATABASES["default"].get("OPTIONS", {})
#: Django's default: deferred transactions, which SQLite cannot make wait for each other.
DEFERRED = {"timeout": 5}


@pytest.fixture(scope="module")
def database_copy(django_db_setup, django_db_blocker, tmp_path_factory):
    """A file copy of the in-memory test database, made before any test of the module
    opens its transaction (SQLite cannot back up a database in a write transaction)."""
    path = tmp_path_factory.mktemp("sqlite-concurrency") / "template.sqlite3"
    with django_db_blocker.unblock():
        connection = connections["default"]
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(path)) as copy:
            connection.connection.backup(copy)
    return path


@contextlib.contextmanager
def file_database(path, options):
    """New connections go to the file ``path`` meanwhile.

    The test's own connection stays in its transaction on the in-memory database (it is
    rolled back as usual); everything on the file happens in other threads.
    """
    settings_dict = connections.settings["default"]  # what every new connection reads
    assert settings_dict is connections["default"].settings_dict
    saved = {key: settings_dict.get(key) for key in ("NAME", "OPTIONS")}
    settings_dict.update(NAME=str(path), OPTIONS=dict(options))
    try:
        yield
    finally:
        settings_dict.update(saved)


@pytest.fixture
def use_file_database(database_copy, tmp_path):
    """``use_file_database(options)``: a fresh copy of the test database, as a file, with
    these connection options, for the rest of the test."""
    path = tmp_path / "concurrency.sqlite3"
    shutil.copyfile(database_copy, path)
    with contextlib.ExitStack() as stack:
        yield lambda options: stack.enter_context(file_database(path, options))


def in_thread(function):
    """``function()`` in a thread of its own, so on the file database; its result."""
    results, errors = [], []

    def run():
        try:
            results.append(function())
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results[0]


def cleared_entry():
    """An entry cleared by the 保密审查, waiting only for publication."""
    section = make_section(slug="sqlite-race")
    entry = make_entry(section, key="basic", publish=False)
    for name in ("submit", "approve", "clear"):
        take_transition(entry, name, reviewer())
    assert EntryReview.objects.get(page_id=entry.pk).state == "cleared"
    return entry


def publish_all_at_once(post):
    """``post(i)`` by PEOPLE threads at once, each on its own connection; the responses."""
    responses = [None] * PEOPLE
    run_together(lambda i: responses.__setitem__(i, post(i)), PEOPLE)
    return responses


def office_tokens():
    people = [reviewer(f"office-{i}") for i in range(PEOPLE)]
    return [ApiToken.objects.create_token(user=user, name="race")[1] for user in people]


def api_publish_race():
    entry, keys = in_thread(lambda: (cleared_entry(), office_tokens()))

    def post(i):
        return Client(raise_request_exception=False).post(
            f"/{API_PREFIX}staff/entries/{entry.pk}/transitions",
            {"transition": "publish"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {keys[i]}",
        )

    return entry, publish_all_at_once(post)


def outcome(entry):
    """(state, live, number of publish log entries) of ``entry``, read from the file."""

    def read():
        entry.refresh_from_db()
        return (
            EntryReview.objects.get(page_id=entry.pk).state,
            entry.live,
            PageLogEntry.objects.filter(
                page_id=entry.pk, action="wagtail_disclosure.publish"
            ).count(),
        )

    return in_thread(read)


def statuses(responses):
    return sorted(response.status_code for response in responses)


def test_the_recommended_settings_are_those_of_the_tests():
    assert str(RECOMMENDED.get("transaction_mode", "")).upper() == "IMMEDIATE"
    assert RECOMMENDED.get("timeout", 0) >= 10
    assert sqlite_transaction_messages("sqlite", {"OPTIONS": RECOMMENDED}) == []


def test_the_check_warns_without_immediate_transactions():
    for options in ({}, DEFERRED, {"transaction_mode": "DEFERRED"}):
        messages = sqlite_transaction_messages("sqlite", {"OPTIONS": options})
        assert [m.id for m in messages] == ["wagtail_disclosure.W005"]
        assert "IMMEDIATE" in messages[0].hint
    assert sqlite_transaction_messages("postgresql", {"OPTIONS": {}}) == []


def test_eight_publishers_through_the_staff_api_one_wins_the_others_get_409(use_file_database):
    use_file_database(RECOMMENDED)
    entry, responses = api_publish_race()
    assert statuses(responses) == [200] + [409] * (PEOPLE - 1), [r.content for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert response.json()["error"]["code"] in ("not_allowed", "concurrent")
    assert outcome(entry) == ("published", True, 1)


def test_eight_publishers_in_the_admin_one_wins_the_others_get_409(use_file_database):
    use_file_database(RECOMMENDED)
    entry, people = in_thread(
        lambda: (cleared_entry(), [reviewer(f"office-{i}") for i in range(PEOPLE)])
    )
    url = reverse("wagtail_disclosure:entry_transition", args=[entry.pk, "publish"])
    clients = [Client(raise_request_exception=False) for _ in people]
    in_thread(
        lambda: [client.force_login(user) for client, user in zip(clients, people, strict=True)]
    )

    responses = publish_all_at_once(lambda i: clients[i].post(url, {"comment": ""}))
    # The winner goes back to the editor (302); the others see the refusal page.
    assert statuses(responses) == [302] + [409] * (PEOPLE - 1)
    assert outcome(entry) == ("published", True, 1)


def test_without_immediate_transactions_a_lost_race_is_a_409_not_a_server_error(
    use_file_database,
):
    """A site without the options: SQLite refuses the losers at once ("database is
    locked") rather than let them wait; the service answers them as on PostgreSQL."""
    use_file_database(DEFERRED)
    entry, responses = api_publish_race()
    assert statuses(responses) == [200] + [409] * (PEOPLE - 1), [r.content for r in responses]
    assert outcome(entry) == ("published", True, 1)


def test_the_service_reports_a_lock_it_could_not_get_as_concurrent(use_file_database, tmp_path):
    """Another connection holds SQLite's write lock for longer than the busy timeout."""
    use_file_database({"transaction_mode": "IMMEDIATE", "timeout": 0.2})
    entry = in_thread(cleared_entry)
    holding, release = threading.Event(), threading.Event()

    def hold_the_write_lock():
        other = sqlite3.connect(tmp_path / "concurrency.sqlite3", isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            holding.set()
            release.wait(60)
            other.execute("ROLLBACK")
        finally:
            other.close()

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    try:
        assert holding.wait(30)
        with pytest.raises(TransitionError) as caught:
            in_thread(lambda: take_transition(entry, "publish", reviewer()))
    finally:
        release.set()
        holder.join(60)
    assert caught.value.code == "concurrent"
    assert outcome(entry) == ("cleared", False, 0)
    # Once the lock is gone, the same step goes through.
    in_thread(lambda: take_transition(entry, "publish", reviewer()))
    assert outcome(entry) == ("published", True, 1)
