"""No server error from any public or staff input (docs/security.md).

Odd input (FTS-special characters, NUL, Unicode digits, huge numbers, far-off dates) is
answered with a result or a 400, never a 500, on SQLite and PostgreSQL: the v2 pages API,
the section's search page and suggestions, the disclosure API, Wagtail's admin search.
Entry dates are kept to a sane range; dates stored before that check (or written with
``QuerySet.update()``) still leave the dashboard, the review queue and the staff API
working, and the deadline calendar never walks decades day by day. The token command
answers bad input with a ``CommandError``. The demo site runs with DEBUG off unless
``DJANGO_DEBUG=1`` and never serves ``MEDIA_ROOT/documents/`` directly.
"""

import datetime
import io
import os
import random
import subprocess
import sys
import types
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import resolve
from django.utils import timezone

from tests.utils import (
    build_once,
    fresh,
    grant,
    make_department,
    make_entry,
    make_section,
    reviewer,
    staff,
)
from wagtail_disclosure import working_days
from wagtail_disclosure.api.main import API_PREFIX
from wagtail_disclosure.dates import EARLIEST_DATE
from wagtail_disclosure.models import (
    ApiToken,
    DisclosureEntryPage,
    EntryReview,
    WorkingDayOverride,
)
from wagtail_disclosure.permissions import Role
from wagtail_disclosure.workflow import take_transition
from wagtail_disclosure.working_days import DeadlineStatus, WorkingDayCalendar

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

ROOT = Path(__file__).resolve().parent.parent
V1 = f"/{API_PREFIX}".rstrip("/")
V2 = "/api/v2/pages/"
STAFF = f"{V1}/staff"

#: Search words that FTS engines, query parsers or the database treat specially.
ODD_SEARCHES = [
    '"',
    '""',
    '"a',
    'a"b',
    '招生 "',
    "*",
    "(",
    ")",
    "-",
    "^",
    ":",
    "NEAR(",
    "AND",
    "OR",
    "NOT",
    "a AND",
    "NOT a",
    "'",
    "\\",
    "%",
    "_",
    " ",
    "\u3000",
    "\x00",
    "a\x00b",
    "\x01",
    "\ud800",  # a lone surrogate: sent as its UTF-8-like bytes, read back as U+FFFD
    "%ff",  # sent as is: an invalid percent-encoding
    "x" * 10_000,
    "招生 " * 3_000,
]


def encoded(text):
    if text == "%ff":
        return text
    if text == "\ud800":
        return "%ED%A0%80"
    return quote(text, safe="")


class SavepointClient:
    """A test client whose every request is rolled back to a savepoint, so that on
    PostgreSQL a failed statement does not abort the rest of the test's transaction."""

    def __init__(self, user=None):
        self.client = Client(raise_request_exception=False)
        if user is not None:
            self.client.force_login(user)

    def get(self, url, **extra):
        savepoint = transaction.savepoint()
        try:
            return self.client.get(url, **extra)
        finally:
            transaction.savepoint_rollback(savepoint)


def build_content():
    """The section with one public entry: built once for the module's two hundred tests."""
    section = make_section()
    entry = make_entry(
        section, "admissions", title="2026年本科招生章程", department=make_department()
    )
    assert entry.live and DisclosureEntryPage.objects.publicly_visible().filter(pk=entry.pk)
    return section


@pytest.fixture(scope="module")
def _content_once(request, django_db_setup, django_db_blocker):
    yield from build_once(request, django_db_blocker, build_content)


@pytest.fixture
def content(settings, _content_once, db):
    settings.WAGTAIL_DISCLOSURE_API_THROTTLE_RATE = None
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    return fresh(_content_once)


def no_server_errors(client, urls):
    failures = []
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            failures.append((url[:100], response.status_code))
    return failures


# --- search: every surface, every odd input -------------------------------------------------


def test_v2_search_answers_odd_words_without_a_server_error(content):
    client = SavepointClient()
    found = client.get(f"{V2}?search={quote('招生')}")
    assert found.status_code == 200 and found.json()["meta"]["total_count"] >= 1
    urls = []
    for text in ODD_SEARCHES:
        for extra in (
            "",
            "&search_operator=or",
            "&order=title",
            "&type=wagtail_disclosure.AdmissionsEntryPage",
        ):
            urls.append(f"{V2}?search={encoded(text)}{extra}")
    assert no_server_errors(client, urls) == []


@pytest.mark.parametrize(
    "text, status",
    [
        ('"', 200),  # the probe's case: OperationalError: unterminated string
        ('"招生"', 200),
        ('a"b', 200),
        ("   ", 200),
        ("\x00", 400),
        ("招生\x00", 400),
        ("x" * 201, 400),
        ("w " * 150, 400),  # hundreds of words: too deep a query for the database backends
    ],
)
def test_v2_search_status(content, text, status):
    response = SavepointClient().get(f"{V2}?search={encoded(text)}")
    assert response.status_code == status, response.content
    if status == 400:
        assert response.json()["message"]


def test_v2_search_still_finds_with_quotes_removed(content):
    response = SavepointClient().get(f"{V2}?search={quote(chr(34) + '招生' + chr(34))}")
    assert response.status_code == 200
    assert "2026年本科招生章程" in [item["title"] for item in response.json()["items"]]


def test_the_section_search_page_and_suggestions_answer_odd_words(content):
    client = SavepointClient()
    search = content.url + content.reverse_subpage("search")
    suggest = content.url + content.reverse_subpage("search_suggest")
    assert client.get(f"{search}?q={quote('招生')}").status_code == 200
    urls = []
    for text in ODD_SEARCHES:
        urls += [f"{search}?q={encoded(text)}", f"{suggest}?q={encoded(text)}"]
        urls.append(f"{search}?q={encoded(text)}&sort=newest&page=2")
    assert no_server_errors(client, urls) == []


def test_the_api_search_answers_odd_words(content):
    client = SavepointClient()
    urls = [f"{V1}/search?q={encoded(text)}" for text in ODD_SEARCHES]
    assert no_server_errors(client, urls) == []
    assert client.get(f"{V1}/search?q=%22").status_code == 200
    assert client.get(f"{V1}/search?q=%00").status_code == 400


def test_wagtail_admin_search_answers_odd_words_for_an_editor(content, django_user_model):
    editor = staff(django_user_model, "editor", content)
    grant(editor, Role.DEPARTMENT_EDITOR, make_department())
    client = SavepointClient(editor)
    assert client.get("/admin/pages/search/?q=x").status_code == 200
    short = [text for text in ODD_SEARCHES if len(text) <= 200] + ["x" * 10_000]
    urls = []
    for text in short:
        urls += [
            f"/admin/pages/search/?q={encoded(text)}",
            f"/admin/choose-page/search/?q={encoded(text)}",
        ]
    assert no_server_errors(client, urls) == []


# --- integers: ASCII digits only ------------------------------------------------------------

UNICODE_DIGITS = ["%C2%B9", "%C2%B2", "%E2%91%A0", "%D9%A1", "%EF%BC%91"]  # ¹ ² ① ١ １
NOT_PLAIN_DIGITS = UNICODE_DIGITS + ["%2B1", "%201", "1_0", "1.0", "-1", "0x1", "1e3"]


def assert_invalid(response, field):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert field in [detail["field"] for detail in body["error"]["details"]]


@pytest.mark.parametrize("endpoint", ["entries", "search"])
@pytest.mark.parametrize("field", ["category", "item", "department"])
@pytest.mark.parametrize("value", UNICODE_DIGITS)
def test_unicode_digits_in_code_or_id_filters_are_400(content, endpoint, field, value):
    """``"¹".isdigit()`` is true and ``int("¹")`` fails: was a 500."""
    assert_invalid(SavepointClient().get(f"{V1}/{endpoint}?{field}={value}"), field)


def test_ids_in_code_or_id_filters_still_work(content):
    department = make_department()
    response = SavepointClient().get(f"{V1}/entries?department={department.pk}")
    assert response.status_code == 200 and response.json()["count"] == 1


@pytest.mark.parametrize("endpoint", ["entries", "search"])
@pytest.mark.parametrize("field", ["year", "page", "page_size", "section"])
@pytest.mark.parametrize("value", NOT_PLAIN_DIGITS)
def test_integer_parameters_take_ascii_digits_only(content, endpoint, field, value):
    assert_invalid(SavepointClient().get(f"{V1}/{endpoint}?{field}={value}"), field)


def test_plain_integers_still_work(content):
    client = SavepointClient()
    year = timezone.localdate().year
    for url in (
        f"{V1}/entries?year={year}&page=1&page_size=5&section={content.pk}",
        f"{V1}/search?q=%E6%8B%9B%E7%94%9F&year={year}&page=1&page_size=5",
    ):
        response = client.get(url)
        assert response.status_code == 200, response.content
        assert response.json()["count"] == 1


@pytest.mark.parametrize(
    "url",
    [
        f"{V2}?limit=%C2%B9",
        f"{V2}?offset=%D9%A1",
        f"{V2}?offset=99999999999999999999",  # was OverflowError on SQLite
        f"{V2}?offset=%2B1",
        f"{V2}?child_of=%C2%B9",
        f"{V2}?descendant_of=1_0",
        f"{V2}?ancestor_of=%EF%BC%91",
        f"{V2}?translation_of=99999999999999999999",
        f"{V2}?id=%E2%91%A0",
        f"{V2}find/?id=%C2%B9",
        f"{V2}find/?id=99999999999999999999",
        f"{V2}?search=a&search_operator=nope",
        f"{V2}?site=%00",  # PostgreSQL: text cannot hold NUL
        f"{V2}?locale=%00",
        f"{V2}?slug=a%00",
        f"{V2}find/?html_path=%00",
        f"{V2}?fi%00elds=title",
        f"{V2}?first_published_at=0001-01-01",  # overflowed in the time zone conversion
        f"{V2}?first_published_at=9999-12-31T23:59:59-12:00",
        f"{V2}?first_published_at=x",
        f"{V2}?type=wagtail_disclosure.AdmissionsEntryPage&document_date=9999-99-99",
        f"{V2}?type=wagtail_disclosure.AdmissionsEntryPage&document_date=0001-01-01",
    ],
)
def test_v2_parameters_are_checked(content, url):
    response = SavepointClient().get(url)
    assert response.status_code == 400, response.content
    assert response.json()["message"]


def test_v2_valid_parameters_still_work(content):
    client = SavepointClient()
    entry = DisclosureEntryPage.objects.get()
    today = timezone.localdate().isoformat()
    for url in (
        f"{V2}?child_of=root&limit=5&offset=0",
        f"{V2}?offset=9223372036854775807",
        f"{V2}?id={entry.pk}",
        f"{V2}?type=wagtail_disclosure.AdmissionsEntryPage&document_date={entry.document_date}",
        f"{V2}?first_published_at={today}T00:00:00",
        f"{V2}?search=%E6%8B%9B%E7%94%9F&search_operator=or",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(f"{V2}find/?id={entry.pk}").status_code == 302
    assert client.get(f"{V2}99999999999999999999/").status_code == 404
    assert client.get(f"{V2}{entry.pk}/").json()["title"] == "2026年本科招生章程"


@pytest.mark.parametrize("field", ["department", "category", "page", "page_size"])
@pytest.mark.parametrize("value", ["%C2%B9", "%D9%A1", "%2B1", "1_0"])
def test_staff_queue_integers_take_ascii_digits_only(content, field, value):
    _token, key = ApiToken.objects.create_token(user=reviewer(), name="robustness")
    response = SavepointClient().get(
        f"{STAFF}/queue?{field}={value}", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert_invalid(response, field)


# --- dates: a sane range ---------------------------------------------------------------------


@pytest.mark.parametrize("field", ["document_date", "publication_date", "validity_changed_on"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1949-09-30"])
def test_entry_dates_outside_the_range_are_refused_with_a_message(content, field, value):
    entry = DisclosureEntryPage.objects.get().specific
    setattr(entry, field, datetime.date.fromisoformat(value))
    if field == "validity_changed_on":
        entry.validity = "expired"
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    assert field in caught.value.message_dict
    assert "1949-10-01" in caught.value.message_dict[field][0]


def test_the_range_runs_from_1949_10_01_to_max_future_days_after_today(content, settings):
    entry = DisclosureEntryPage.objects.get().specific
    today = timezone.localdate()
    for value in (EARLIEST_DATE, today, today + datetime.timedelta(days=366)):
        entry.document_date = value
        entry.full_clean()
    entry.document_date = today + datetime.timedelta(days=367)
    with pytest.raises(ValidationError):
        entry.full_clean()
    settings.WAGTAIL_DISCLOSURE_MAX_FUTURE_DAYS = 1000
    entry.full_clean()
    settings.WAGTAIL_DISCLOSURE_MAX_FUTURE_DAYS = 0
    entry.document_date = today + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        entry.full_clean()


def test_saving_a_revision_with_a_far_off_date_is_refused(content):
    """Importers that save through Wagtail (save_revision cleans) get the same error."""
    entry = DisclosureEntryPage.objects.get().specific
    entry.document_date = datetime.date(9999, 12, 31)
    with pytest.raises(ValidationError):
        entry.save_revision()


@pytest.mark.parametrize(
    "query, field",
    [
        ("year=1", "year"),
        ("year=1948", "year"),
        ("year=9999", "year"),
        ("updated_since=0001-01-01T00:00:00", "updated_since"),
        ("updated_since=9999-12-31T23:59:59-12:00", "updated_since"),
        ("updated_since=1949-09-30", "updated_since"),
    ],
)
def test_api_date_parameters_outside_the_range_are_400(content, query, field):
    assert_invalid(SavepointClient().get(f"{V1}/entries?{query}"), field)


def test_api_date_parameters_inside_the_range_work(content):
    client = SavepointClient()
    for query in ("year=1949", "updated_since=1949-10-01", "updated_since=2020-01-01T00:00:00Z"):
        assert client.get(f"{V1}/entries?{query}").status_code == 200, query
    assert client.get(f"{V1}/search?year=1949").status_code == 200


# --- stored far-off dates: the dashboard, the queue and the staff API keep working ---------


@pytest.fixture
def far_off_entries(content, django_user_model):
    """Two entries in department review whose 成文日期 were written around validation."""
    department = make_department()
    entries = []
    for day in (datetime.date(9999, 12, 31), datetime.date(1, 1, 1)):
        entry = make_entry(content, publish=False, department=department, title=f"成文 {day}")
        take_transition(entry, "submit", reviewer())
        DisclosureEntryPage.objects.filter(pk=entry.pk).update(document_date=day)
        entries.append(entry)
    assert sorted(
        EntryReview.objects.filter(state="submitted").values_list("page__document_date", flat=True)
    ) == [datetime.date(1, 1, 1), datetime.date(9999, 12, 31)]
    head = staff(django_user_model, "head", content)
    grant(head, Role.DEPARTMENT_REVIEWER, department)
    return head, entries


def calendar_steps(run):
    """How many days the calendar looked up while ``run()`` ran."""
    working_days._library_is_workday.cache_clear()
    result = run()
    info = working_days._library_is_workday.cache_info()
    return result, info.hits + info.misses


def test_the_dashboard_and_queue_work_with_far_off_dates_in_few_steps(far_off_entries):
    head, entries = far_off_entries
    client = Client(raise_request_exception=False)
    client.force_login(head)
    # Walking from 0001-01-01 to today day by day took some 740,000 look-ups (26 s).
    # Whole years are counted at once now: the years chinesecalendar covers cost one
    # look-up a day once per request, the others one each.
    for url in ("/admin/", "/admin/disclosure/queue/"):
        response, steps = calendar_steps(lambda url=url: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
        assert steps < 25_000, (url, steps)
        html = response.content.decode()
        assert all(entry.title in html for entry in entries), url


def test_the_staff_api_works_with_far_off_dates(far_off_entries):
    head, entries = far_off_entries
    _token, key = ApiToken.objects.create_token(user=head, name="robustness")
    client = Client(raise_request_exception=False)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.get(f"{STAFF}/queue", **auth)
    assert response.status_code == 200, response.content
    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {entry.pk for entry in entries}
    late, early = entries
    assert rows[late.pk]["deadline"]["due_date"] == "9999-12-31"
    assert rows[early.pk]["deadline"]["state"] == "overdue"
    for entry in entries:
        detail = client.get(f"{STAFF}/entries/{entry.pk}", **auth)
        assert detail.status_code == 200, detail.content


# --- the calendar at the ends of time -------------------------------------------------------


def test_shift_stays_within_the_dates_python_knows():
    assert working_days.shift(datetime.date.max, 62) == datetime.date.max
    assert working_days.shift(datetime.date.min, -1) == datetime.date.min
    assert working_days.shift(datetime.date(2026, 1, 1), 31) == datetime.date(2026, 2, 1)


@pytest.mark.parametrize(
    "start",
    [
        datetime.date.min,
        datetime.date(1, 1, 2),
        datetime.date(1949, 10, 1),
        datetime.date(9999, 12, 1),
        datetime.date.max,
    ],
)
def test_a_deadline_can_be_computed_from_any_date(start):
    today = datetime.date(2026, 5, 1)
    status, steps = calendar_steps(lambda: DeadlineStatus.compute(start, 20, today=today))
    assert status.due_date >= start
    assert steps < 25_000
    if start > today:
        assert status.working_days_left > 0
    else:
        assert status.state == "overdue" and status.working_days_left < 0


def test_a_period_that_would_end_after_date_max_ends_on_it():
    calendar = WorkingDayCalendar()
    assert calendar.add_working_days(datetime.date(9999, 12, 30), 20) == datetime.date.max
    assert calendar.add_working_days(datetime.date.max, 0) == datetime.date.max


def test_counting_by_years_gives_what_walking_day_by_day_gives():
    WorkingDayOverride.objects.create(date=datetime.date(2040, 3, 3), is_working_day=True)
    WorkingDayOverride.objects.create(date=datetime.date(2041, 3, 5), is_working_day=False)

    def walked(start, end):
        calendar, count, day = WorkingDayCalendar(), 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            count += calendar.is_working_day(day)
        return count

    rng = random.Random(20261129)
    calendar = WorkingDayCalendar()
    spans = [
        (datetime.date(2039, 12, 31), datetime.date(2041, 1, 1)),
        (datetime.date(2040, 1, 1), datetime.date(2040, 12, 31)),
        (datetime.date(2025, 12, 31), datetime.date(2026, 1, 1)),
        (datetime.date(2003, 6, 1), datetime.date(2005, 2, 1)),
    ]
    for _ in range(60):
        start = datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randrange(16_000))
        spans.append((start, start + datetime.timedelta(days=rng.randrange(-10, 1_500))))
    for start, end in spans:
        assert calendar.working_days_between(start, end) == walked(start, end), (start, end)


# --- management commands --------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (["--expires-in-days", "3000000"], "at most 3650"),  # was OverflowError
        (["--expires-in-days", "99999999999999"], "at most 3650"),
        (["--expires-in-days", "-3"], "at least 1"),
        (["--name", "a\x00b"], "NUL"),
        (["--name", "bad \udcff bytes"], "not valid text"),
    ],
)
def test_token_command_answers_bad_input_with_a_command_error(django_user_model, args, message):
    django_user_model.objects.create_user("alice")
    options = ["--name", "robot", *args] if "--name" not in args else args
    with pytest.raises(CommandError, match=message):
        call_command("disclosure_api_token", "create", "alice", *options, stdout=io.StringIO())
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["create", "ali\x00ce", "--name", "x"],
        ["list", "--user", "ali\x00ce"],
        ["revoke", "abc\x00def"],
        ["revoke", "\udcff"],
    ],
)
def test_token_command_refuses_text_the_database_cannot_hold(django_user_model, args):
    django_user_model.objects.create_user("alice")
    with pytest.raises(CommandError):
        call_command("disclosure_api_token", *args, stdout=io.StringIO())


def test_ten_years_is_the_longest_expiry(django_user_model):
    django_user_model.objects.create_user("alice")
    call_command(
        "disclosure_api_token",
        *["create", "alice", "--name", "long", "--expires-in-days", "3650"],
        stdout=io.StringIO(),
    )
    token = ApiToken.objects.get()
    assert token.expires_at - timezone.now() > datetime.timedelta(days=3649)


def test_document_reference_command_refuses_a_chunk_size_the_database_cannot_take():
    with pytest.raises(CommandError, match="at most"):
        call_command(
            "disclosure_rebuild_document_references",
            "--chunk-size",
            "99999999999999999999",
            stdout=io.StringIO(),
        )


# --- the demo site: DEBUG and media ---------------------------------------------------------


def demo_setting(name, environ):
    """The value of ``name`` in example_site's demo.settings under ``environ``."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DATABASE_URL")}
    env.update(environ)
    code = f"import demo.settings as s; print(repr(s.{name}))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT / "example_site",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_demo_debug_is_off_unless_django_debug_is_1():
    assert demo_setting("DEBUG", {}) == "False"
    assert demo_setting("DEBUG", {"DJANGO_DEBUG": "0"}) == "False"
    assert demo_setting("DEBUG", {"DJANGO_DEBUG": "yes"}) == "False"
    assert demo_setting("DEBUG", {"DJANGO_DEBUG": "1"}) == "True"
    hosts = demo_setting("ALLOWED_HOSTS", {})
    assert "'127.0.0.1'" in hosts and "'localhost'" in hosts


def test_demo_sqlite_waits_for_other_writers():
    assert "'transaction_mode': 'IMMEDIATE'" in demo_setting("DATABASES", {})


def test_make_demo_runs_the_server_with_django_debug_1():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ndemo: demo-install\n", 1)[1].split("\n\n", 1)[0]
    runserver = next(line for line in recipe.splitlines() if "runserver" in line)
    assert "DJANGO_DEBUG=$(DJANGO_DEBUG)" in runserver
    assert "DJANGO_DEBUG ?= 1" in makefile


@pytest.fixture
def media_files(settings):
    root = Path(settings.MEDIA_ROOT)
    for folder in ("documents", "images", "original_images"):
        (root / folder).mkdir()
        (root / folder / "file.txt").write_text(folder, encoding="utf-8")
    return root


def test_the_demo_serves_no_media_with_debug_off(media_files, settings):
    settings.ROOT_URLCONF = "demo.urls"  # imported with DEBUG off, as the tests run
    client = Client(raise_request_exception=False)
    for folder in ("documents", "images"):
        assert client.get(f"/media/{folder}/file.txt").status_code == 404


def test_the_demo_serves_images_but_never_documents_with_debug_on(media_files):
    from demo.urls import media_urlpatterns, serve_media

    urlconf = types.ModuleType("demo_media_urls")
    urlconf.urlpatterns = media_urlpatterns()
    assert resolve("/media/images/file.txt", urlconf=urlconf).func is serve_media
    request = RequestFactory().get("/media/")
    response = serve_media(request, "images/file.txt")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"images"
    assert serve_media(request, "original_images/file.txt").status_code == 200
    for path in (
        "documents/file.txt",
        "images/../documents/file.txt",
        "./documents/file.txt",
        "/documents/file.txt",
        "images/../../media/documents/file.txt",
    ):
        with pytest.raises(Http404):
            serve_media(request, path)
