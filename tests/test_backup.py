"""Backup and restore (wagtail_disclosure/backup.py, disclosure_dump / disclosure_load):
a small but complete world is dumped, the database is brought back to a freshly migrated
site, the archive is loaded, and the public pages, the public APIs and the staff data are
the same as before.

"Empty site" here is the database as the test run's migrations left it: the test harness
serialized it when it created the test database (``serialized_rollback``), so the test
flushes everything and loads that snapshot back, which gives Wagtail's root and welcome
pages, the default site, the locale, the root collection and the MOE checklist of
migration 0002, exactly as after ``migrate`` on a new project. A second database would
need a second connection in tests/settings.py for one test.
"""

import datetime
import io
import json
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.models import Page, PageLogEntry, PageViewRestriction, Revision, Site

from tests.utils import category_page, make_department, make_entry, reviewer, tree_problems
from wagtail_disclosure.models import (
    AnnualReportPage,
    DisclosureAttachment,
    DisclosureEntryPage,
    DisclosureGuidePage,
    DisclosureIndexPage,
    DisclosureRequest,
    DisclosureRequestPage,
    EntryReview,
    ReleaseChannel,
    ReportFigure,
)
from wagtail_disclosure.models.requests import ApplicantType, RequestState
from wagtail_disclosure.permissions import Role, assign_role
from wagtail_disclosure.setup import set_up
from wagtail_disclosure.workflow import import_as_published, take_transition

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FILE_BYTES = "招生章程全文\n".encode() * 50
API = "/api/disclosure/v1/"
# Random or timed in every response: the CSRF token (the language switch is a form) and
# the request form's signed, timestamped token. Two renders of the same data never agree
# on them; nothing else is normalised.
PER_RESPONSE = re.compile(
    rb'(?<=name="csrfmiddlewaretoken" value=")[^"]+|(?<=name="token" value=")[^"]+'
)


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.WAGTAIL_DISCLOSURE_API_THROTTLE_RATE = None


def build_world(full=True):
    """The section (with guide and request page), entries of several types and states, an
    attachment, a published annual report with a figure, a request case with a step. With
    ``full=False`` only the section, the public entry and its attachment."""
    set_up("信息公开", "xxgk")  # the section with its guide and request page, the groups
    section = DisclosureIndexPage.objects.get(slug="xxgk")
    cwc = make_department("CWC", "财务处")
    office = get_user_model().objects.create_user("office", password="pw", first_name="蓉")
    assign_role(office, Role.DISCLOSURE_OFFICE)
    document = get_document_model().objects.create(
        title="招生章程", file=ContentFile(FILE_BYTES, name="zhangcheng.txt")
    )
    wechat = ReleaseChannel.objects.get(code="wechat")
    entries = {
        "public": make_entry(
            section,
            "admissions",
            title="2026年本科招生章程",
            publication_date="2026-05-01",
            attachments=[DisclosureAttachment(document=document)],
            channels=[wechat],
            publish=False,
        )
    }
    entries["public"].keywords.add("招生")
    entries["public"].save_revision()
    import_as_published(entries["public"])
    if not full:
        entries["public"].refresh_from_db()
        return {"section": section, "entries": entries, "document": document}
    entries |= {
        "finance": make_entry(section, "finance", department=cwc, title="收费标准"),
        "withdrawn": make_entry(section, "personnel", title="已撤回的招聘公告"),
        "withheld": make_entry(section, "personnel", title="不再公开的名单"),
        "campus": make_entry(
            section, "students", audience="campus", restriction_reason="仅限校内", title="校内"
        ),
        "password": make_entry(section, "teaching", title="密码保护"),
        "draft": make_entry(section, "admissions", publish=False, title="草稿"),
    }
    take_transition(entries["withdrawn"], "withdraw", reviewer(), comment="信息已更新")
    take_transition(entries["withheld"], "withdraw", reviewer(), comment="依法", withheld=True)
    PageViewRestriction.objects.create(
        page=entries["password"], restriction_type="password", password="x"
    )
    report = AnnualReportPage(
        title="2025—2026学年信息公开工作年度报告",
        slug="report-2025",
        academic_year=2025,
        department=make_department(),
        live=False,
    )
    category_page(section, "basic").add_child(instance=report)
    report.save_revision(user=reviewer())
    for name in ("submit", "approve", "clear", "publish"):
        take_transition(report, name, reviewer())
    entries["report"] = report
    # An alias made before aliases of entries were refused (tests/test_public_definition.py).
    alias = entries["finance"].copy(
        to=entries["finance"].get_parent(), update_attrs={"slug": "alias", "title": "别名"}
    )
    Page.objects.filter(pk=alias.pk).update(alias_of=entries["finance"])
    entries["alias"] = alias
    ReportFigure.objects.create(
        academic_year=2025,
        key="training_sessions",
        label="宣教培训",
        value=3,
        unit="场",
        source="签到表",
    )
    case = DisclosureRequest.objects.create(
        applicant_type=ApplicantType.PERSON,
        name="张三",
        description="2025年本科招生章程的制定依据",
        received_on=datetime.date(2026, 2, 13),
    )
    case = take_transition(case, "accept", office)
    for entry in entries.values():
        entry.refresh_from_db()
    return {"section": section, "entries": entries, "document": document, "case": case}


def urls_of(world):
    section = world["section"]
    pages = [section, *section.get_children().specific()]
    pages += [category.specific for category in section.get_children()]
    urls = [page.url for page in pages]
    urls += [entry.url for entry in world["entries"].values()]
    urls += [f"{world['entries']['report'].url}print/", "/sitemap.xml"]
    urls += [f"{section.url}search/?q=招生"]
    ids = [entry.pk for entry in world["entries"].values()]
    urls += [f"{API}entries", f"{API}entries?item=6"] + [f"{API}entries/{pk}" for pk in ids]
    urls += ["/api/v2/pages/?type=wagtail_disclosure.DisclosureEntryPage&limit=20"]
    urls += [f"/api/v2/pages/{pk}/?fields=*" for pk in ids]
    urls += [world["document"].url]
    return sorted(set(urls))


def capture(client, urls):
    cache.clear()  # the pages' own cache: a restore is followed by a purge (docs/backup.md)
    return {url: answer(client.get(url)) for url in urls}


def answer(response):
    if response.streaming:
        return response.status_code, b"".join(response.streaming_content)
    return response.status_code, PER_RESPONSE.sub(b"", response.content)


def staff_data(world):
    """What the office sees of the world, by natural values (not ids of other tables)."""
    entries = world["entries"]
    reviews = {
        name: EntryReview.objects.filter(page_id=e.pk).values_list(
            "state", "withheld", "withdrawn_at", "published_by__username", "revision_id"
        )[0]
        for name, e in entries.items()
    }
    logs = list(
        PageLogEntry.objects.filter(page_id__in=[e.pk for e in entries.values()])
        .order_by("pk")
        .values_list("pk", "action", "user__username", "timestamp", "data", "revision_id")
    )
    case = DisclosureRequest.objects.get(pk=world["case"].pk)
    return {
        "reviews": reviews,
        "logs": logs,
        "revisions": list(
            Revision.objects.filter(object_id__in=[str(e.pk) for e in entries.values()])
            .order_by("pk")
            .values_list("pk", "content", "created_at", "user__username")
        ),
        "case": (case.state, case.tracking_number, case.received_on, case.clock().due_date),
        "figures": list(ReportFigure.objects.values_list("key", "value", "source")),
        "keywords": list(entries["public"].specific.keywords.names()),
        "channels": list(entries["public"].specific.channels.values_list("code", flat=True)),
    }


def refused_load(path, **options):
    """``disclosure_load`` with its messages in English (the msgids the tests match)."""
    with translation.override("en"):
        call_command("disclosure_load", path, **options)


def empty_site():
    """Back to a freshly migrated database (see the module docstring)."""
    # As the test harness flushes: the sequences go on from where they were.
    call_command(
        "flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False
    )
    connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
    Site.clear_site_root_paths_cache()


def test_dump_and_load_into_an_empty_site_give_the_same_site(client, tmp_path):
    world = build_world()
    entries = world["entries"]
    # The world is what it claims.
    public = set(DisclosureEntryPage.objects.publicly_visible().values_list("pk", flat=True))
    named = {name for name, entry in entries.items() if entry.pk in public}
    assert named == {"public", "finance", "withdrawn", "report"}
    assert entries["alias"].alias_of_id == entries["finance"].pk
    assert not entries["draft"].live and EntryReview.objects.get(page=entries["withheld"]).withheld
    assert DisclosureGuidePage.objects.count() == DisclosureRequestPage.objects.count() == 1
    assert world["case"].state == RequestState.ACCEPTED

    urls = urls_of(world)
    before = capture(client, urls)
    statuses = {url: status for url, (status, _body) in before.items()}
    for name in ("draft", "withheld", "campus"):
        assert statuses[entries[name].url] == 404, name
        assert statuses[f"{API}entries/{entries[name].pk}"] == 404, name
    assert statuses[entries["public"].url] == statuses[entries["report"].url] == 200
    assert entries["public"].title.encode() in before[f"{API}entries"][1]
    staff_before = staff_data(world)

    archive = tmp_path / "backup.zip"
    err = io.StringIO()
    call_command("disclosure_dump", str(archive), stderr=err)
    with zipfile.ZipFile(archive) as opened:
        assert opened.namelist()[0] == "manifest.json"
        manifest = json.loads(opened.read("manifest.json"))
    counts = {member["model"]: member["count"] for member in manifest["members"]}
    assert counts["wagtail_disclosure.annualreportpage"] == 1
    assert counts["wagtail_disclosure.disclosurerequest"] == 1
    assert "wagtail_disclosure.apitoken" not in counts
    assert "wagtail_disclosure.disclosurerequest: 1" in err.getvalue()

    empty_site()
    default_storage.delete(world["document"].file.name)
    assert not DisclosureEntryPage.objects.exists()
    assert Page.objects.filter(depth=2).count() == 1  # Wagtail's welcome page

    call_command("disclosure_load", str(archive), stdout=io.StringIO(), stderr=io.StringIO())

    assert not any(tree_problems())  # treebeard: paths, depths and numchild agree
    assert capture(client, urls) == before
    assert staff_data(world) == staff_before
    with default_storage.open(world["document"].file.name) as stored:
        assert stored.read() == FILE_BYTES
    office = get_user_model().objects.get(username="office")
    assert office.check_password("pw") and office.user_permissions.exists()


def test_load_refuses_a_site_with_data_and_a_damaged_archive(tmp_path, client):
    world = build_world(full=False)
    # This time the section is the site's root page (the site is restored with it).
    site = Site.objects.get(is_default_site=True)
    site.root_page = world["section"]
    site.save()
    assert client.get("/").status_code == 200
    archive = tmp_path / "backup.zip"
    call_command("disclosure_dump", str(archive), stderr=io.StringIO())
    pages, cases = Page.objects.count(), DisclosureRequest.objects.count()
    with pytest.raises(CommandError, match="already has disclosure data") as refused:
        refused_load(str(archive), stderr=io.StringIO())
    assert refused.value.returncode == 1
    assert (Page.objects.count(), DisclosureRequest.objects.count()) == (pages, cases)

    # Not an archive, an archive of someone else, one whose rows were cut short.
    empty_site()
    default_storage.delete(world["document"].file.name)
    not_zip = tmp_path / "notes.zip"
    not_zip.write_bytes(b"not a zip file")
    with pytest.raises(CommandError, match="Cannot read the archive"):
        refused_load(str(not_zip), stderr=io.StringIO())
    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as opened:
        opened.writestr("manifest.json", json.dumps({"format": "something-else"}))
    with pytest.raises(CommandError, match="not a disclosure backup"):
        refused_load(str(foreign), stderr=io.StringIO())
    cut = tmp_path / "cut.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(cut, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if "disclosureentrypage" in info.filename:
                data = b"\n".join(data.splitlines()[:-1])  # one entry missing
            target.writestr(info, data)
    with pytest.raises(CommandError, match="the archive is damaged"):
        refused_load(str(cut), stderr=io.StringIO())
    newer = tmp_path / "newer.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(newer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "manifest.json":
                manifest = json.loads(data)
                manifest["migrations"]["wagtail_disclosure"].append("9999_from_the_future")
                data = json.dumps(manifest)
            target.writestr(info, data)
    with pytest.raises(CommandError, match="newer schema"):
        refused_load(str(newer), stderr=io.StringIO())
    # Nothing was left behind by the failed loads: the site is still empty.
    assert not DisclosureEntryPage.objects.exists() and not DisclosureRequest.objects.exists()
    # The cut archive's document file was written before the failure, and removed again.
    assert not default_storage.exists(world["document"].file.name)

    # The intact archive loads after all these failures; the default site starts at the
    # restored section again.
    call_command("disclosure_load", str(archive), stdout=io.StringIO(), stderr=io.StringIO())
    assert Site.objects.get(is_default_site=True).root_page_id == world["section"].pk
    assert Site.objects.count() == 1
    cache.clear()
    assert client.get("/").status_code == 200
    assert client.get(world["entries"]["public"].url).status_code == 200
    # New rows after the restore get new ids (the sequences went past the restored ones).
    added = make_entry(DisclosureIndexPage.objects.get(), "finance", title="恢复之后")
    assert added.pk > max(entry.pk for entry in world["entries"].values())
