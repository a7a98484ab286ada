"""The example site tested from outside: a real server, real HTTP, real logins.

The test makes its own database (a SQLite file, or a fresh PostgreSQL database when the
test settings use PostgreSQL), runs ``manage.py migrate``, loads the demo's departments,
groups and users, and builds one entry per state with ``tests/outside_in/build.py`` (every
review step through ``take_transition``, by the demo user who holds the role). Each entry
carries unique marker words in its body, summary, keyword, restriction reason and three
documents (linked in the rich text, in a document block, attached). The builder prints a
manifest: ids, URLs, markers, documents and what the public may see.

Then it starts the example site (``tests/outside_in/settings.py``: the demo settings with
DEBUG off) as one ``runserver`` process and checks, over HTTP:

* every public surface, anonymously: entry pages, the catalogue and category pages,
  search, suggestions, both APIs, the sitemap, every document URL and the raw media
  URLs, preview and revision URLs of the admin, error pages. No marker of a non-public
  entry (or of an unpublished revision, or of a withdrawn entry's body) may show; the
  published controls must show (that proves the probes work);
* every staff listing, logged in as each demo role: admin search, the page chooser, the
  admin pages API, usage listings, reports, the dashboard, the explorer, the review queue.
  Staff see an entry where they hold a role in its department, and nowhere else;
* the review transitions over HTTP, one per role per department, against the
  permission matrix of docs/workflow.md;
* odd input (quotes, NUL, Unicode digits, huge queries): never a server error.

Each check is a cell; every failing cell is reported, not only the first. The summary
line is printed and written to ``tests/outside_in/last_run.txt`` with the whole list.

Slow-ish (a minute or so), so it only runs when WAGTAIL_DISCLOSURE_OUTSIDE_IN_TEST=1, which
nox sets in one session only (``ONE_SESSION`` in noxfile.py: tests-wagtail8-postgres).
Run it alone with::

    WAGTAIL_DISCLOSURE_OUTSIDE_IN_TEST=1 .nox/tests-wagtail8-sqlite/bin/pytest -p no:xdist -s tests/test_outside_in.py

``WAGTAIL_DISCLOSURE_OUTSIDE_IN_DEMO=full`` runs the whole ``manage.py load_demo_data``
(with its 216 catalogue entries) instead of the parts the test needs.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from urllib.parse import quote, urlencode, urlparse

import pytest

from tests.outside_in import spec
from tests.outside_in.probe import (
    LEAK,
    MISMATCH,
    Cell,
    Client,
    Results,
    expect_present,
    expect_status,
    response_text,
    scan,
)
from tests.outside_in.site import Server, SiteDatabase, run, site_environment

pytestmark = [
    pytest.mark.outside_in,
    pytest.mark.skipif(
        os.environ.get("WAGTAIL_DISCLOSURE_OUTSIDE_IN_TEST") != "1",
        reason="outside-in test: set WAGTAIL_DISCLOSURE_OUTSIDE_IN_TEST=1 (nox sets it in the "
        "one session that runs it, see ONE_SESSION in noxfile.py)",
    ),
]

LAST_RUN = Path(__file__).resolve().parent / "outside_in" / "last_run.txt"
SHOWN_FAILURES = 50
WORKERS = 3  # concurrent requests: one server process, two cores
V1 = "/api/disclosure/v1"
V2 = "/api/v2/pages/"
ENTRY_TYPE = "wagtail_disclosure.DisclosureEntryPage"
V2_SEARCH_MAX_LENGTH = 200  # longer v2 searches are refused with 400


# --- the site ------------------------------------------------------------------------


class Site:
    def __init__(self, server, manifest, timings, vendor):
        self.server = server
        self.manifest = manifest
        self.timings = timings
        self.vendor = vendor


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Database, migrate, demo data, entries, then one server; always stopped and dropped."""
    tmp = tmp_path_factory.mktemp("outside_in")
    database = SiteDatabase(tmp)
    timings = {}
    try:
        env = site_environment(database.url, tmp / "media")
        timings["migrate"], _ = run(["manage.py", "migrate", "--no-input", "-v", "0"], env)
        build = ["-m", "tests.outside_in.build", str(tmp / "manifest.json")]
        if os.environ.get("WAGTAIL_DISCLOSURE_OUTSIDE_IN_DEMO") == "full":
            timings["load_demo_data"], _ = run(["manage.py", "load_demo_data", "--no-index"], env)
        else:
            build.append("--demo")
        timings["build"], _ = run(build, env)
        manifest = json.loads((tmp / "manifest.json").read_text(encoding="utf-8"))
        timings.update({f"  {k}": v for k, v in manifest.get("timings", {}).items()})
        started = time.monotonic()
        server = Server(env, tmp / "server.log").start()
        timings["server start"] = time.monotonic() - started
        try:
            yield Site(server, manifest, timings, database.vendor)
        finally:
            server.stop()
    finally:
        database.drop()


# --- what may be seen ------------------------------------------------------------------


class Context:
    """The manifest, the expectations derived from it, and the clients."""

    def __init__(self, site, results):
        self.site = site
        self.base_url = site.server.base_url
        self.manifest = site.manifest
        self.entries = site.manifest["entries"]
        self.results = results
        self.roles = spec.demo_roles()
        self.staff = {}
        self._local = threading.local()
        self.public_forbidden = {
            marker
            for entry in self.entries.values()
            for field, marker in entry["markers"].items()
            if field not in entry["allowed"]
        }

    def cell(self, name):
        return self.results.cell(name)

    def anonymous(self):
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = Client(self.base_url)
        return client

    def visible_departments(self, username):
        return {
            department
            for department in spec.DEPARTMENT_TOKENS
            if spec.sees_department(self.roles, username, department)
        }

    def staff_forbidden(self, username):
        """Every marker of the entries of departments where ``username`` holds no role."""
        seen = self.visible_departments(username)
        return {
            marker
            for entry in self.entries.values()
            if entry["department"] not in seen
            for marker in entry["markers"].values()
        }

    def state_entries(self):
        return [e for e in self.entries.values() if not e["transition_subject"]]

    def title(self, entry):
        return entry["markers"]["title"]


def run_tasks(ctx, tasks, workers=WORKERS):
    """Run cell-making callables concurrently; a crash in one is a failed cell, not a stop."""

    def guarded(task):
        try:
            task()
        except Exception:  # noqa: BLE001 - report every harness error as a failing cell
            name = getattr(task, "func", task).__name__
            ctx.cell(f"harness: {name}").fail(MISMATCH, traceback.format_exc(limit=3)[-800:])

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(guarded, tasks))


# --- anonymous: entry pages --------------------------------------------------------------


def check_entry_page(ctx, entry):
    key, kind = entry["key"], entry["kind"]
    cell = ctx.cell(f"anonymous page of {key} ({kind}{', alias' if entry.get('alias_of') else ''})")
    response = ctx.anonymous().get(cell, entry["url"])
    scan(cell, response, ctx.public_forbidden)
    markers = entry["markers"]
    if entry.get("alias_of"):
        original = ctx.entries[spec.ALIAS_OF]["url"]
        if response is not None and response.status_code in (301, 302):
            target = urlparse(response.headers.get("Location", "")).path
            if target != original:
                cell.fail(MISMATCH, f"alias redirects to {target}, not to its entry {original}")
        else:
            expect_status(cell, response, (404,))
    elif kind == spec.PUBLIC:
        if expect_status(cell, response, (200,)):
            shown = (
                "title",
                "body",
                "summary",
                "kw",
                "attachtitle",
                "blocktitle",
                "linkfile",
                "img",
            )  # img: the image's rendition URL carries its file name
            expect_present(cell, response, [markers[f] for f in shown if f in markers])
    elif kind == spec.TRACE:
        if expect_status(cell, response, (200,)):
            expect_present(cell, response, [markers["title"], markers["wreason"]])
    elif entry["after"] == "password":
        # Wagtail's password form (200), or a refusal; never the entry.
        expect_status(cell, response, (200, 401, 403, 404))
    else:
        expect_status(cell, response, (404,))


def entry_page_tasks(ctx):
    return [partial(check_entry_page, ctx, entry) for entry in ctx.entries.values()]


# --- anonymous: catalogue and listings ---------------------------------------------------


def check_listing(ctx, name, url, present=()):
    cell = ctx.cell(f"anonymous {name}")
    response = ctx.anonymous().get(cell, url)
    expect_status(cell, response, (200,))
    scan(cell, response, ctx.public_forbidden)
    if present:
        expect_present(cell, response, present)


def listing_tasks(ctx):
    published = ctx.title(ctx.entries["published"])
    tasks = [partial(check_listing, ctx, "catalogue", ctx.manifest["section_url"])]
    for category in ctx.manifest["category_pages"]:
        tasks.append(
            partial(check_listing, ctx, f"category page {category['url']}", category["url"])
        )
    for code in sorted({e["item_code"] for e in ctx.entries.values()}):
        page = next(e["category_page_url"] for e in ctx.entries.values() if e["item_code"] == code)
        present = [published] if code == ctx.entries["published"]["item_code"] else ()
        tasks.append(
            partial(
                check_listing, ctx, f"category page ?item={code}", f"{page}?item={code}", present
            )
        )
    return tasks


# --- anonymous: search and suggestions ----------------------------------------------------

SEARCH_FIELDS_HIDDEN = ("title", "body", "summary", "kw", "attachtitle", "attachtext")
SEARCH_FIELDS_TRACE = (
    "body",
    "summary",
    "kw",
    "attachtitle",
    "attachtext",
    "blocktitle",
    "linktitle",
)
SEARCH_FIELDS_NEW_DRAFT = ("newtitle", "newbody", "newattachtitle", "newattachtext", "newlinktitle")
SEARCH_FIELDS_CONTROL = ("body", "summary", "kw", "attachtitle", "attachtext")


def search_probes(ctx):
    """(marker, owner entry, must be found) for the state entries."""
    probes = []
    for entry in ctx.state_entries():
        if entry.get("alias_of"):
            continue  # its markers are those of its original
        markers = entry["markers"]
        if entry["kind"] == spec.HIDDEN:
            fields, found = SEARCH_FIELDS_HIDDEN, False
        elif entry["kind"] == spec.TRACE:
            fields, found = SEARCH_FIELDS_TRACE, False
        else:
            fields, found = SEARCH_FIELDS_CONTROL, True
        probes += [(markers[f], entry, found) for f in fields]
        if entry["after"] == "newdraft":
            probes += [(markers[f], entry, False) for f in SEARCH_FIELDS_NEW_DRAFT]
        if entry["key"] in ("published", "campus"):  # restriction reasons are never indexed
            probes.append((markers["reason"], entry, False))
    return probes


def search_surfaces(ctx, query):
    q = quote(query)
    return {
        "search page": f"{ctx.manifest['search_url']}?q={q}",
        "suggestions": f"{ctx.manifest['suggest_url']}?q={q}",
        "API search": f"{V1}/search?q={q}&page_size=100",
    }


def check_search(ctx, marker, owner, must_find):
    for surface, url in search_surfaces(ctx, marker).items():
        cell = ctx.cell(f"anonymous {surface} for {marker}")
        response = ctx.anonymous().get(cell, url)
        expect_status(cell, response, (200,))
        if must_find:
            scan(cell, response, ctx.public_forbidden, exempt={marker})
            expect_present(cell, response, [ctx.title(owner)], where=f"{surface} (control)")
        else:
            # The query is echoed back; the entry it belongs to must not be found by it.
            scan(cell, response, ctx.public_forbidden | {ctx.title(owner)}, exempt={marker})


def check_v2_search_batch(ctx, probes):
    """Several markers in one OR search; one search per marker if the API refuses it."""
    markers = " ".join(marker for marker, _owner, _found in probes)
    owners = {ctx.title(owner) for _marker, owner, _found in probes}
    params = urlencode(
        {"search": markers, "search_operator": "or", "type": ENTRY_TYPE, "fields": "*"}
    )
    cell = Cell(f"anonymous v2 search (OR) for {len(probes)} non-public markers")
    response = ctx.anonymous().get(cell, f"{V2}?{params}")
    if response is not None and response.status_code == 400:  # too long for the API
        for probe in probes:
            check_v2_search(ctx, *probe)
        return
    ctx.results.add(cell)
    expect_status(cell, response, (200,))
    scan(cell, response, ctx.public_forbidden | owners)


def check_v2_search(ctx, marker, owner, must_find):
    cell = ctx.cell(f"anonymous v2 search for {marker}")
    response = ctx.anonymous().get(cell, f"{V2}?search={quote(marker)}&fields=*&type={ENTRY_TYPE}")
    expect_status(cell, response, (200,))
    if must_find:
        scan(cell, response, ctx.public_forbidden)
        expect_present(cell, response, [ctx.title(owner)], where="v2 search (control)")
    else:
        scan(cell, response, ctx.public_forbidden | {ctx.title(owner)})


def search_tasks(ctx):
    probes = search_probes(ctx)
    tasks = [partial(check_search, ctx, *probe) for probe in probes]
    batch, length = [], 0
    for probe in (p for p in probes if not p[2]):
        if batch and length + len(probe[0]) + 1 > V2_SEARCH_MAX_LENGTH:
            tasks.append(partial(check_v2_search_batch, ctx, batch))
            batch, length = [], 0
        batch.append(probe)
        length += len(probe[0]) + 1
    if batch:
        tasks.append(partial(check_v2_search_batch, ctx, batch))
    published, withdrawn = ctx.entries["published"], ctx.entries["withdrawn"]
    newdraft = ctx.entries["newdraft"]
    for marker, owner, found in (
        (published["markers"]["body"], published, True),
        (published["markers"]["attachtext"], published, True),
        (withdrawn["markers"]["body"], withdrawn, False),
        (withdrawn["markers"]["attachtext"], withdrawn, False),
        (newdraft["markers"]["newbody"], newdraft, False),
        (ctx.entries["draft"]["markers"]["body"], ctx.entries["draft"], False),
    ):
        tasks.append(partial(check_v2_search, ctx, marker, owner, found))
    search, suggest = ctx.manifest["search_url"], ctx.manifest["suggest_url"]
    for name, url in (
        ("search page without a query", search),
        ("search page, empty query", f"{search}?q="),
        ("search page, empty query, page 2", f"{search}?q=&page=2"),
        ("search page for the JWC title word", f"{search}?q=oijwc"),
        ("search page for the ZSJYC title word", f"{search}?q=oizsjy"),
        ("suggestions for the JWC title word", f"{suggest}?q=oijwc"),
        ("suggestions for the ZSJYC title word", f"{suggest}?q=oizsjy"),
        ("API search, empty query", f"{V1}/search?page_size=100"),
        ("API search for the JWC title word", f"{V1}/search?q=oijwc&page_size=100"),
        ("API search for the ZSJYC title word", f"{V1}/search?q=oizsjy&page_size=100"),
    ):
        tasks.append(partial(check_listing, ctx, name, url))
    # A withdrawn entry is still found by its 索引号 (its public trace).
    index_number = withdrawn["index_number"]
    for name, url in (
        ("search page for the withdrawn entry's index number", f"{search}?q={quote(index_number)}"),
        (
            "API search for the withdrawn entry's index number",
            f"{V1}/search?q={quote(index_number)}",
        ),
    ):
        tasks.append(partial(check_listing, ctx, name, url, [ctx.title(withdrawn)]))
    return tasks


# --- anonymous: the APIs and the sitemap ------------------------------------------------


def check_api_entry(ctx, entry):
    key, kind = entry["key"], entry["kind"]
    markers = entry["markers"]
    for name, url in (
        ("API entry", f"{V1}/entries/{entry['id']}"),
        ("v2 page", f"{V2}{entry['id']}/"),
    ):
        cell = ctx.cell(f"anonymous {name} of {key} ({kind})")
        response = ctx.anonymous().get(cell, url)
        scan(cell, response, ctx.public_forbidden)
        if entry.get("alias_of") or kind == spec.HIDDEN:
            expect_status(cell, response, (404,))
        elif kind == spec.PUBLIC:
            if expect_status(cell, response, (200,)):
                shown = ("title", "body", "attachtitle")
                expect_present(cell, response, [markers[f] for f in shown if f in markers])
        elif expect_status(cell, response, (200,)):
            expect_present(cell, response, [markers["title"], markers["wreason"]])


def check_v2_find(ctx, entry):
    cell = ctx.cell(f"anonymous v2 find of {entry['key']} by its path")
    response = ctx.anonymous().get(cell, f"{V2}find/?html_path={quote(entry['url'])}", follow=True)
    scan(cell, response, ctx.public_forbidden)
    if entry["kind"] == spec.HIDDEN or entry.get("alias_of"):
        expect_status(cell, response, (404,))


def check_sitemap(ctx):
    cell = ctx.cell("anonymous sitemap.xml")
    response = ctx.anonymous().get(cell, "/sitemap.xml")
    if response is not None and response.status_code == 404:
        ctx.results.note("sitemap.xml: 404, the site has no sitemap (skipped)")
        return
    expect_status(cell, response, (200,))
    scan(cell, response, ctx.public_forbidden)
    text = response_text(response)
    if ctx.entries["published"]["url"] not in text:
        cell.fail(MISMATCH, "sitemap.xml lacks the published control entry")
    listed = [
        e["key"]
        for e in ctx.entries.values()
        if (e["kind"] == spec.HIDDEN or e.get("alias_of")) and e["url"] and e["url"] in text
    ]
    if listed:
        cell.fail(LEAK, f"sitemap.xml lists non-public entries: {', '.join(listed)}")


def api_tasks(ctx):
    tasks = [partial(check_api_entry, ctx, entry) for entry in ctx.entries.values()]
    tasks += [
        partial(check_v2_find, ctx, entry)
        for entry in ctx.state_entries()
        if entry["kind"] == spec.HIDDEN or entry.get("alias_of")
    ]
    published = [ctx.title(ctx.entries["published"])]
    listings = [
        ("API entries", f"{V1}/entries?page_size=100", published),
        ("API entries of JWC", f"{V1}/entries?department=JWC&page_size=100", published),
        ("API entries of ZSJYC", f"{V1}/entries?department=ZSJYC&page_size=100", ()),
        ("API catalogue", f"{V1}/catalogue", ()),
        ("API sections", f"{V1}/sections", ()),
        ("API departments", f"{V1}/departments", ()),
        ("v2 pages", f"{V2}?limit=20", ()),
    ]
    for code in sorted({e["item_code"] for e in ctx.entries.values()}):
        listings.append(
            (f"API entries of item {code}", f"{V1}/entries?item={code}&page_size=100", ())
        )
    for model in [ENTRY_TYPE, *ctx.manifest["models"]]:
        for offset in (0, 20):
            listings.append(
                (
                    f"v2 pages of type {model} from {offset}",
                    f"{V2}?type={model}&fields=*&order=-id&limit=20&offset={offset}",
                    published if offset == 0 and model == ENTRY_TYPE else (),
                )
            )
    for category in ctx.manifest["category_pages"]:
        listings.append(
            (
                f"v2 children of {category['url']}",
                f"{V2}?child_of={category['id']}&type={ENTRY_TYPE}&fields=*&order=-id&limit=20",
                (),
            )
        )
    tasks += [partial(check_listing, ctx, *listing) for listing in listings]
    tasks.append(partial(check_sitemap, ctx))
    return tasks


# --- anonymous: documents, admin URLs, errors ---------------------------------------------


def check_document(ctx, entry, document):
    cell = ctx.cell(
        f"anonymous document {document['slot']} of {entry['key']} "
        f"({'public' if document['public'] else 'not public'})"
    )
    response = ctx.anonymous().get(cell, document["url"], follow=True)
    if response is None:
        return
    served = response.status_code == 200 and document["text_marker"] in response_text(response)
    if document["public"]:
        if not served:
            cell.fail(
                MISMATCH, f"{document['url']}: HTTP {response.status_code}, control not served"
            )
    elif response.status_code == 200 or served:
        cell.fail(LEAK, f"{document['url']}: HTTP {response.status_code}, served to anyone")
    if not document["public"]:
        raw = ctx.anonymous().get(cell, document["media_url"], follow=True)
        if raw is not None and raw.status_code == 200:
            cell.fail(LEAK, f"{document['media_url']}: HTTP 200 straight from MEDIA_ROOT")


def document_tasks(ctx):
    return [
        partial(check_document, ctx, entry, document)
        for entry in ctx.entries.values()
        for document in entry["documents"]
    ]


def check_admin_url_anonymously(ctx, name, url):
    cell = ctx.cell(f"anonymous admin {name}")
    response = ctx.anonymous().get(cell, url)
    scan(cell, response, ctx.public_forbidden)
    if response is not None and not (
        response.status_code in (301, 302) and "/login/" in response.headers.get("Location", "")
    ):
        cell.fail(LEAK, f"{url}: HTTP {response.status_code}, not a redirect to the login")


def admin_url_tasks(ctx):
    admin = ctx.manifest["admin"]
    tasks = []
    for key in ("draft", "approved", "withheld", "restricted", "newdraft"):
        entry = ctx.entries[key]
        urls = {
            "preview": admin["preview"].format(id=entry["id"]),
            "view draft": admin["view_draft"].format(id=entry["id"]),
            "revision": admin["revision_view"].format(
                id=entry["id"], revision=entry["latest_revision_id"]
            ),
            "edit": admin["edit"].format(id=entry["id"]),
            "review record": admin["record"].format(id=entry["id"]),
            "review record .docx": admin["record_docx"].format(id=entry["id"]),
            "review record of a revision": admin["record"].format(id=entry["id"])
            + f"?revision={entry['latest_revision_id']}",
        }
        for name, url in urls.items():
            tasks.append(partial(check_admin_url_anonymously, ctx, f"{name} of {key}", url))
    for name, url in (
        ("pages API", f"{admin['api_pages']}?search=oijwc"),
        ("page search", f"{admin['search']}?q=oijwc"),
        ("review queue", admin["review_queue"]),
        ("my entries", admin["my_entries"]),
    ):
        tasks.append(partial(check_admin_url_anonymously, ctx, name, url))
    return tasks


def check_errors(ctx):
    echo = "oi404probe7echo9"
    for url in (f"/{echo}/", f"/documents/999999/{echo}.txt", f"{V1}/entries/99999999?x={echo}"):
        cell = ctx.cell(f"anonymous error page {url}")
        response = ctx.anonymous().get(cell, url)
        expect_status(cell, response, (404,))
        text = response_text(response)
        if echo in text:
            cell.fail(LEAK, f"{url}: the 404 page echoes the requested URL")
        if "DEBUG = True" in text or "Traceback" in text:
            cell.fail(LEAK, f"{url}: a debug page (DEBUG is on)")
    cell = ctx.cell("demo settings: DEBUG off unless DJANGO_DEBUG is set")
    if ctx.manifest.get("demo_debug_default"):
        cell.fail(MISMATCH, "demo.settings has DEBUG on with DJANGO_DEBUG unset")


def anonymous_tasks(ctx):
    return (
        entry_page_tasks(ctx)
        + listing_tasks(ctx)
        + search_tasks(ctx)
        + api_tasks(ctx)
        + document_tasks(ctx)
        + admin_url_tasks(ctx)
        + [partial(check_errors, ctx), partial(check_requests_anonymously, ctx)]
    )


# --- staff ----------------------------------------------------------------------------------


def log_in_everyone(ctx):
    for username in spec.USERS:
        cell = ctx.cell(f"{username}: log in over HTTP")
        client = Client(ctx.base_url, username)
        if client.log_in(cell, ctx.manifest["admin"]["login"], username, spec.PASSWORD):
            ctx.staff[username] = client


def check_staff_listings(ctx, username):
    client = ctx.staff[username]
    admin = ctx.manifest["admin"]
    forbidden = ctx.staff_forbidden(username)
    seen = ctx.visible_departments(username)

    def listing(name, url, present=(), may_refuse=False):
        """``may_refuse``: Wagtail may send people without its own permission for the
        screen back to the dashboard (302), or the screen refuse them (403); then there is
        nothing to see."""
        cell = ctx.cell(f"{username}: {name}")
        response = client.get(cell, url)
        if may_refuse and response is not None and response.status_code in (302, 403):
            scan(cell, response, forbidden, kind=MISMATCH, where=f"{name}'s refusal shows")
            return response
        if expect_status(cell, response, (200,)):
            scan(cell, response, forbidden, kind=MISMATCH, where=f"{name} shows other departments'")
            if present:
                expect_present(cell, response, present, where=f"{name} misses own department's")
        return response

    def own(department=None, category_page_id=None):
        return [
            ctx.title(e)
            for e in ctx.entries.values()
            if e["department"] in seen
            and (department is None or e["department"] == department)
            and (category_page_id is None or e["category_page_id"] == category_page_id)
        ]

    listing("dashboard", admin["dashboard"])
    for department, token in spec.DEPARTMENT_TOKENS.items():
        listing(
            f"admin page search for {department}", f"{admin['search']}?q={token}", own(department)
        )
        listing(f"page chooser search for {department}", f"{admin['chooser_search']}?q={token}")
        listing(
            f"admin pages API search for {department}",
            f"{admin['api_pages']}?search={token}&limit=20",
            own(department),
        )
    for category in ctx.manifest["category_pages"]:
        listing(f"page chooser {category['chooser']}", category["chooser"])
        listing(
            f"explorer {category['explore']}",
            category["explore"],
            own(category_page_id=category["id"]),
        )
        listing(
            f"admin pages API children of {category['url']}",
            f"{admin['api_pages']}?child_of={category['id']}&limit=20&order=-id",
        )
    for url in admin["usage"]:
        listing(f"usage listing {url}", url)
    listing("page types usage report", admin["page_types_usage"], may_refuse=True)
    for page in (1, 2):
        listing(f"site history, page {page}", f"{admin['site_history']}?p={page}", may_refuse=True)
    listing("locked pages report", admin["locked"], may_refuse=True)
    listing("aging pages report", admin["aging"], may_refuse=True)
    listing("workflows report", admin["workflow"], may_refuse=True)
    listing("workflow tasks report", admin["workflow_tasks"], may_refuse=True)
    listing("review queue", admin["review_queue"], may_refuse=True)
    listing("my entries", admin["my_entries"], may_refuse=True)
    # The compliance dashboard: entries past their clock and reviews pending name entries
    # in review; only the person's departments' rows (as pages and as CSV).
    for table in ("items", "overdue", "reviews", "requests"):
        url = f"{admin['compliance']}?table={table}"
        listing(f"compliance dashboard, {table}", url, may_refuse=True)
        listing(f"compliance dashboard, {table} as CSV", f"{url}&export=csv", may_refuse=True)
    listing("import screen", admin["imports"], may_refuse=True)
    for key in ("draft", "submitted", "published", "newdraft", "withdrawn", "alias"):
        entry = ctx.entries[key]
        visible = entry["department"] in seen
        cell = ctx.cell(f"{username}: admin pages API detail of {key} ({entry['department']})")
        response = client.get(cell, f"{admin['api_pages']}{entry['id']}/")
        if visible:
            if expect_status(cell, response, (200,)):
                expect_present(cell, response, [ctx.title(entry)])
        else:
            expect_status(cell, response, (403, 404))
            scan(cell, response, forbidden, kind=MISMATCH)
    for key in ("draft", "submitted"):
        entry = ctx.entries[key]
        if entry["department"] in seen:
            continue
        # Screens that name a page by its id: another department's entry is not named.
        screens = {
            "explorer of the entry": admin["explore_page"],
            "page chooser at the entry": admin["chooser_page"],
            **{
                f"bulk {action} confirmation": admin["bulk"].format(action=action) + "?id={id}"
                for action in ("delete", "move", "publish", "unpublish")
            },
        }
        for name, url in screens.items():
            cell = ctx.cell(f"{username}: {name} {key} ({entry['department']})")
            response = client.get(cell, url.format(id=entry["id"]))
            scan(cell, response, forbidden, kind=MISMATCH)


def check_staff_entry_views(ctx):
    """The edit and history views of a JWC and a ZSJYC entry, for everyone.

    One request at a time: Wagtail's rich text editor converter (``ContentstateConverter``)
    keeps its parser state on a shared instance, so two edit views rendered at the same
    moment in a threaded server can fail each other with a 500. That is Wagtail's, not the
    package's; the test keeps its own requests apart so that it reports only the package.
    """
    admin = ctx.manifest["admin"]
    for username, client in ctx.staff.items():
        forbidden = ctx.staff_forbidden(username)
        seen = ctx.visible_departments(username)
        for key in ("draft", "submitted"):
            entry = ctx.entries[key]
            visible = entry["department"] in seen
            for view in ("edit", "history", "record", "record_docx"):
                cell = ctx.cell(f"{username}: {view} view of {key} ({entry['department']})")
                response = client.get(cell, admin[view].format(id=entry["id"]))
                if response is None:
                    continue
                if visible and response.status_code != 200:
                    cell.fail(MISMATCH, f"HTTP {response.status_code}, expected 200")
                elif not visible:
                    if response.status_code == 200:
                        cell.fail(MISMATCH, "HTTP 200 for another department's entry")
                    scan(cell, response, forbidden, kind=MISMATCH)


def staff_tasks(ctx):
    return [partial(check_staff_listings, ctx, username) for username in ctx.staff] + [
        partial(check_requests_for_staff, ctx, username) for username in ctx.staff
    ]


# --- requests for information ---------------------------------------------------------------


def request_markers(ctx):
    return {
        marker
        for case in ctx.manifest["requests"]["cases"].values()
        for marker in case["markers"].values()
    }


def sees_requests(ctx, username):
    """Whether ``username`` reaches the request screens at all."""
    return any(ctx.roles[username][role] for role in ("publish_entries", "handle_requests"))


def request_access(ctx, username, case):
    """ "full" (the applicant too: the office, superusers, handlers of the handling
    department), "assisting" (the request without the applicant: handlers of an assisting
    department) or "none". From the demo's tables, not from the package's code."""
    if spec.ALL in ctx.roles[username]["publish_entries"]:
        return "full"
    if case["department"] and spec.holds(
        ctx.roles, username, "handle_requests", case["department"]
    ):
        return "full"
    if case["assisting"] and spec.holds(ctx.roles, username, "handle_requests", case["assisting"]):
        return "assisting"
    return "none"


def check_requests_anonymously(ctx):
    requests_ = ctx.manifest["requests"]
    forbidden = request_markers(ctx)
    for name in ("page", "lookup"):
        cell = ctx.cell(f"anonymous request {name}")
        response = ctx.anonymous().get(cell, requests_[name])
        if expect_status(cell, response, (200,)):
            scan(cell, response, forbidden)
    for key, case in requests_["cases"].items():
        for field, marker in case["markers"].items():
            for surface, url in search_surfaces(ctx, marker).items():
                cell = ctx.cell(f"anonymous {surface} for request {key} {field}")
                response = ctx.anonymous().get(cell, url)
                expect_status(cell, response, (200,))
                scan(cell, response, forbidden, exempt={marker})  # the query is echoed
        for view in ("inspect", "letter_print", "letter_docx"):
            cell = ctx.cell(f"anonymous admin {view} of request {key}")
            response = ctx.anonymous().get(cell, case[view])
            scan(cell, response, forbidden)
            if response is not None and not (
                response.status_code in (301, 302)
                and "/login/" in response.headers.get("Location", "")
            ):
                cell.fail(LEAK, f"{case[view]}: HTTP {response.status_code}, not the login")
    cell = ctx.cell("anonymous admin listing of requests")
    response = ctx.anonymous().get(cell, requests_["listing"])
    scan(cell, response, forbidden)


def check_requests_for_staff(ctx, username):
    client = ctx.staff[username]
    requests_ = ctx.manifest["requests"]
    forbidden = request_markers(ctx)
    cell = ctx.cell(f"{username}: listing of requests")
    response = client.get(cell, requests_["listing"])
    if sees_requests(ctx, username):
        if expect_status(cell, response, (200,)):
            cases = requests_["cases"].values()
            seen = [
                case["markers"]["name"]
                for case in cases
                if request_access(ctx, username, case) == "full"
            ]
            expect_present(cell, response, seen, where="the listing")
            hidden = forbidden - set(seen)
            scan(cell, response, hidden)
    elif response is not None:
        scan(cell, response, forbidden)
    for key, case in requests_["cases"].items():
        access = request_access(ctx, username, case)
        identity = {case["markers"]["name"], case["markers"]["phone"]}
        for view in ("inspect", "letter_print", "letter_docx"):
            cell = ctx.cell(f"{username}: {view} of request {key} ({case['department']}, {access})")
            response = client.get(cell, case[view])
            if response is None:
                continue
            if access == "full" or (access == "assisting" and view == "inspect"):
                if expect_status(cell, response, (200,)) and view != "letter_docx":
                    expect_present(
                        cell,
                        response,
                        [case["markers"]["desc"]]
                        if view == "inspect"
                        else [case["markers"]["name"]],
                    )
                if access == "assisting":
                    scan(cell, response, identity | (forbidden - set(case["markers"].values())))
            else:
                if response.status_code == 200:
                    cell.fail(LEAK, f"HTTP 200 on {case[view]}: a request this person may not see")
                scan(cell, response, forbidden)


# --- odd input ----------------------------------------------------------------------------

LONG = "x" * 10_000


def odd_inputs(ctx):
    search, suggest = ctx.manifest["search_url"], ctx.manifest["suggest_url"]
    category = ctx.manifest["category_pages"][0]["url"]
    urls = [
        f"{V2}?search=%22",
        f"{V2}?search=%00",
        f"{V2}?search=%22a&search_operator=or",
        f"{V2}?search={LONG}",
        f"{V2}?search=NEAR(",
        f"{V2}?order=%22",
        f"{V2}?limit=%C2%B9",
        f"{V2}?child_of=%C2%B9",
        f"{V2}?type=nope.Nope",
        f"{V1}/entries?category=%C2%B9",
        f"{V1}/entries?item=%C2%B2",
        f"{V1}/entries?department=%E2%91%A0",
        f"{V1}/entries?year=abc",
        f"{V1}/entries?year=%C2%B9",
        f"{V1}/entries?page=%C2%B9",
        f"{V1}/entries?page_size=abc",
        f"{V1}/entries?updated_since=9999-99-99",
        f"{V1}/search?q=%22&category=%C2%B9",
        f"{V1}/search?q=%00",
        f"{V1}/search?q={LONG}",
        f"{V1}/catalogue?section=%C2%B9",
        f"{search}?q=%22",
        f"{search}?q=%00",
        f"{search}?q={LONG}",
        f"{search}?q=a&year=abc",
        f"{search}?q=a&item=%C2%B2",
        f"{search}?q=a&department=%E2%91%A0",
        f"{search}?q=a&page=%C2%B9",
        f"{suggest}?q=%22",
        f"{suggest}?q=%00",
        f"{suggest}?q={LONG}",
        f"{category}?item=%C2%B2",
        f"{category}?page=%C2%B9",
        f"{category}?page=99999",
    ]
    tasks = [partial(check_odd_input, ctx, None, url) for url in urls]
    admin = ctx.manifest["admin"]
    staff_urls = [
        f"{admin['search']}?q=%22",
        f"{admin['search']}?q=%00",
        f"{admin['chooser_search']}?q=%22",
        f"{admin['api_pages']}?search=%22",
    ]
    if "editor_jwc" in ctx.staff:
        tasks += [partial(check_odd_input, ctx, "editor_jwc", url) for url in staff_urls]
    return tasks


def check_odd_input(ctx, username, url):
    client = ctx.staff[username] if username else ctx.anonymous()
    cell = ctx.cell(f"{username or 'anonymous'}: odd input {url[:80]}")
    response = client.get(cell, url)  # a 5xx fails the cell as a server error
    if username:
        scan(cell, response, ctx.staff_forbidden(username), kind=MISMATCH)
    else:
        scan(cell, response, ctx.public_forbidden)


# --- review transitions over HTTP -------------------------------------------------------------


def transition_attempts(ctx):
    """(username, transition, department, expected allow), refusals first."""
    attempts = []
    for username in spec.USERS:
        name = spec.OWN_TRANSITION[username]
        for department in spec.DEPARTMENT_TOKENS:
            role = spec.TRANSITION_ROLE[name]
            attempts.append(
                (username, name, department, spec.holds(ctx.roles, username, role, department))
            )
        foreign = spec.FOREIGN_TRANSITION.get(username)
        if foreign:
            role = spec.TRANSITION_ROLE[foreign]
            attempts.append(
                (username, foreign, "JWC", spec.holds(ctx.roles, username, role, "JWC"))
            )
    attempts.sort(key=lambda attempt: attempt[3])  # refusals first: they change nothing
    return attempts


def check_transitions(ctx):
    admin = ctx.manifest["admin"]
    target = {
        (name, department): ctx.entries[spec.transition_key(name, department)]
        for name in spec.TRANSITION_SOURCES
        for department in spec.DEPARTMENT_TOKENS
    }
    # Anonymous (with a CSRF cookie): sent to the login, nothing happens.
    entry = target[("publish", "JWC")]
    cell = ctx.cell("anonymous: POST publish on a cleared JWC entry")
    anonymous = Client(ctx.base_url)
    anonymous.get(cell, admin["login"])
    response = anonymous.post(
        cell, admin["transition"].format(id=entry["id"], transition="publish")
    )
    if response is not None and not (
        response.status_code == 403
        or (response.status_code == 302 and "/login/" in response.headers.get("Location", ""))
    ):
        cell.fail(LEAK, f"HTTP {response.status_code}, expected the login or 403")
    done = []
    for username, name, department, allowed in transition_attempts(ctx):
        client = ctx.staff.get(username)
        entry = target[(name, department)]
        cell = ctx.cell(
            f"{username}: {name} on a {department} entry ({'allow' if allowed else 'deny'})"
        )
        if client is None:
            cell.fail(MISMATCH, f"{username} is not logged in")
            continue
        data = {"comment": "外测：经 HTTP 操作" if name != "withdraw" else "外测：经 HTTP 撤回"}
        url = admin["transition"].format(id=entry["id"], transition=name)
        response = client.post(cell, url, data, headers={"Referer": ctx.base_url + url})
        if response is None:
            continue
        edit = admin["edit"].format(id=entry["id"])
        succeeded = (
            response.status_code == 302
            and urlparse(response.headers.get("Location", "")).path == edit
        )
        if allowed and not succeeded:
            cell.fail(MISMATCH, f"HTTP {response.status_code}, expected a redirect to {edit}")
        elif not allowed and response.status_code not in (403, 404):
            cell.fail(MISMATCH, f"HTTP {response.status_code}, expected 403")
        if not allowed:  # the refusal does not name another department's entry
            scan(cell, response, ctx.staff_forbidden(username), kind=MISMATCH)
        if allowed and succeeded:
            done.append((name, entry))
    # What the public sees afterwards.
    for name, entry in done:
        if name not in ("publish", "withdraw"):
            continue
        cell = ctx.cell(f"anonymous page of {entry['key']} after {name} over HTTP")
        response = ctx.anonymous().get(cell, entry["url"])
        if expect_status(cell, response, (200,)):
            markers = entry["markers"]
            if name == "publish":
                expect_present(cell, response, [markers["title"], markers["body"]])
            else:
                expect_present(cell, response, [markers["title"]])
                body = {markers[f] for f in ("body", "summary", "kw") if f in markers}
                scan(cell, response, body)


# --- the test ----------------------------------------------------------------------------------


def write_report(site, results, seconds):
    """The summary, timings and notes (returned, to print) and every failure (to the file)."""
    header = [
        results.summary(),
        f"database: {site.vendor}; wall time of the checks: {seconds:.1f} s",
        *(f"{name}: {value:.1f} s" for name, value in site.timings.items()),
        *(f"note: {note}" for note in site.manifest.get("notes", []) + results.notes),
    ]
    with contextlib.suppress(OSError):  # a read-only checkout still gets the summary
        LAST_RUN.write_text(
            "\n".join([*header, "", *results.failure_lines()]) + "\n", encoding="utf-8"
        )
    return header


def test_nothing_leaks_from_outside(site):
    started = time.monotonic()
    results = Results()
    ctx = Context(site, results)
    # The setup is what it claims: every entry in its state (the controls published).
    built = {key: [e["state"], e["live"]] for key, e in ctx.entries.items()}
    expected = {
        key: [e["expected"][0] or e["state"], e["expected"][1]] for key, e in ctx.entries.items()
    }
    assert built == expected
    assert site.manifest["entries"][spec.ALIAS_KEY]["alias_of"]
    # Requests: two cases and the public page exist; some staff see them, some do not.
    assert len(site.manifest["requests"]["cases"]) == 2 and site.manifest["requests"]["page"]
    seers = {username for username in spec.USERS if sees_requests(ctx, username)}
    assert "office" in seers and seers != set(spec.USERS)
    routed = site.manifest["requests"]["cases"]["reqjwc"]
    access = {username: request_access(ctx, username, routed) for username in spec.USERS}
    assert {"full", "assisting", "none"} <= set(access.values()), access
    log_in_everyone(ctx)
    run_tasks(ctx, anonymous_tasks(ctx) + staff_tasks(ctx))
    run_tasks(ctx, odd_inputs(ctx))
    check_staff_entry_views(ctx)
    check_transitions(ctx)  # last: it changes entries
    print("\n" + "\n".join(write_report(site, results, time.monotonic() - started)))
    failures = results.failure_lines()
    if failures:
        shown = failures[:SHOWN_FAILURES]
        more = len(failures) - len(shown)
        pytest.fail(
            results.summary()
            + "\n"
            + "\n".join(shown)
            + (f"\n… and {more} more (tests/outside_in/last_run.txt)" if more else "")
            + f"\n\nserver log (tail):\n{site.server.log_tail(3000)}",
            pytrace=False,
        )
