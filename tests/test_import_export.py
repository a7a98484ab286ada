"""Bulk import and export of entries (wagtail_disclosure.importing / exporting, issue 15).

Real files (CSV in UTF-8 and GB18030, XLSX), the real database, the management commands
and the admin screen with django-tasks' immediate backend.
"""

import csv
import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Site

from tests.utils import (
    build_once,
    fresh,
    grant,
    make_department,
    make_entry,
    make_section,
    publish_through_review,
    staff,
    tree_problems,
)
from wagtail_disclosure.exporting import export_bytes
from wagtail_disclosure.importing import Importer, import_file, read_table
from wagtail_disclosure.models import (
    AdmissionsEntryPage,
    DisclosureCategoryPage,
    DisclosureEntryPage,
    EntryReview,
    ImportedEntry,
    ImportRun,
    ImportRunState,
    ReviewState,
)
from wagtail_disclosure.permissions import Role
from wagtail_disclosure.search.query import search_entries

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _english():
    """The reasons are checked as their English msgids (the site's language is Chinese)."""
    with translation.override("en"):
        yield


HEADER_ZH = ["标题", "事项编号", "责任部门", "成文日期", "发布日期", "文号", "公开方式", "公开范围",
             "有效性", "内容概述", "正文", "发布渠道"]  # fmt: skip
HEADER_EN = ["title", "item code", "department", "document_date", "publication_date",
             "document_number", "disclosure_mode", "audience", "validity", "summary", "body",
             "channels"]  # fmt: skip


def good_row(n, item="7", department="JWC"):
    return [f"2024年招生章程 第{n}号", item, department, "2024-03-05", "2024/3/8",
            f"校发〔2024〕{n}号", "主动公开", "社会公众", "有效", f"概述 {n}",
            f"第一段 {n}\n第二段", "website;wechat"]  # fmt: skip


def csv_bytes(rows, header=HEADER_ZH, encoding="utf-8-sig"):
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(header)
    writer.writerows(rows)
    return stream.getvalue().encode(encoding)


def build():
    section = make_section()
    make_department("JWC", "教务处")
    make_department("ZSB", "招生办公室")
    return section


@pytest.fixture(scope="module")
def _section_once(request, django_db_setup, django_db_blocker):
    yield from build_once(request, django_db_blocker, build)


@pytest.fixture
def section(_section_once, db):
    return fresh(_section_once)


@pytest.fixture
def office(django_user_model, section):
    user = staff(django_user_model, "office", section)
    grant(user, Role.DISCLOSURE_OFFICE)
    return user


def imported(section):
    return DisclosureEntryPage.objects.descendant_of(section)


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


# -- importing ------------------------------------------------------------------------


def test_a_good_file_imports_drafts_as_given(section, tmp_path):
    rows = [good_row(n) for n in range(1, 6)]
    rows[1][1], rows[1][2] = "1", "招生办公室"  # another item (basic information), by name
    call_command("disclosure_import", write(tmp_path, "e.csv", csv_bytes(rows)), verbosity=0)

    entries = imported(section).order_by("path")
    assert entries.count() == 5
    first = entries.get(title="2024年招生章程 第1号").specific
    assert isinstance(first, AdmissionsEntryPage)
    assert first.get_parent().specific.category.key == "admissions"
    assert (first.checklist_item.code, first.department.short_code) == ("7", "JWC")
    assert first.document_date == datetime.date(2024, 3, 5)
    assert first.publication_date == datetime.date(2024, 3, 8)
    assert first.document_number == "校发〔2024〕1号"
    assert first.summary == "概述 1"
    assert [b.block_type for b in first.body] == ["paragraph"]
    assert first.body[0].value.source == "<p>第一段 1</p><p>第二段</p>"
    assert sorted(first.channels.values_list("code", flat=True)) == ["website", "wechat"]
    assert first.index_number and first.slug == first.index_number.lower()
    other = entries.get(title="2024年招生章程 第2号")
    assert other.get_parent().specific.category.key == "basic"
    assert other.department.short_code == "ZSB"
    # Drafts in the review: nothing is live, nothing public.
    assert not entries.filter(live=True).exists()
    assert not entries.publicly_visible().exists()
    assert set(EntryReview.objects.filter(page__in=entries).values_list("state", flat=True)) == {
        ReviewState.DRAFT
    }
    assert all(e.latest_revision_id for e in entries)
    actions = PageLogEntry.objects.filter(page__in=entries).values_list("action", flat=True)
    assert sorted(actions) == ["wagtail.create"] * 5 + ["wagtail_disclosure.imported"] * 5
    # The tree is consistent: numchild matches the children.
    parent = DisclosureCategoryPage.objects.get(pk=first.get_parent().pk)
    assert parent.numchild == Page.objects.child_of(parent).count() == 4
    assert tree_problems() == ([], [], [], [], [])


def test_publish_makes_entries_public_through_the_import_step(section, office, tmp_path):
    rows = [good_row(n) for n in range(1, 4)]
    rows[2][7] = "校内"  # campus only: live, never public
    rows[2].append("招生对象为本校学生")
    header = [*HEADER_ZH, "限制理由"]
    rows[0].append("")
    rows[1].append("")
    path = write(tmp_path, "e.csv", csv_bytes(rows, header))
    call_command("disclosure_import", path, "--publish", "--user", "office", verbosity=0)

    entries = imported(section)
    assert entries.count() == entries.live().count() == 3
    public = set(entries.publicly_visible().values_list("title", flat=True))
    assert public == {"2024年招生章程 第1号", "2024年招生章程 第2号"}
    # Indexed once at the end of the import: the search finds them.
    found = search_entries("招生章程", section=section).results
    assert {entry.title for entry in found} == public
    for entry in entries:
        review = EntryReview.objects.get(page=entry)
        assert review.state == ReviewState.PUBLISHED
        assert review.revision_id == entry.live_revision_id == entry.latest_revision_id
        assert review.published_by == office
        actions = set(PageLogEntry.objects.filter(page=entry).values_list("action", flat=True))
        assert actions == {
            "wagtail.create",
            "wagtail_disclosure.imported",
            "wagtail_disclosure.import_published",
            "wagtail.publish",
        }


def test_publishing_needs_the_disclosure_office(section, django_user_model, tmp_path):
    editor = staff(django_user_model, "editor", section)
    grant(editor, Role.DEPARTMENT_EDITOR, make_department("JWC"))
    path = write(tmp_path, "e.csv", csv_bytes([good_row(1)]))
    with pytest.raises(CommandError) as error:
        call_command("disclosure_import", path, "--publish", "--user", "editor", verbosity=0)
    assert error.value.returncode == 1
    assert not imported(section).exists()


def test_five_percent_bad_rows_are_reported_and_the_others_imported(section, tmp_path, capsys):
    rows = [good_row(n) for n in range(1, 41)]
    rows[4][1] = "99"  # line 6: unknown item code
    rows[19][3] = "2024-02-30"  # line 21: bad date
    path = write(tmp_path, "e.csv", csv_bytes(rows))
    with pytest.raises(CommandError) as error:
        call_command("disclosure_import", path)
    assert error.value.returncode == 1
    out = capsys.readouterr().out
    assert "line 6: unknown item code “99”" in out
    assert "line 21: bad date in 成文日期 (document date): “2024-02-30”" in out
    assert "40 rows: imported 38, skipped 0 (already imported), bad 2" in out
    assert imported(section).count() == 38

    # A rerun imports nothing twice; the bad rows are still bad.
    with pytest.raises(CommandError):
        call_command("disclosure_import", path)
    assert "imported 0, skipped 38 (already imported), bad 2" in capsys.readouterr().out
    assert imported(section).count() == ImportedEntry.objects.count() == 38


BAD_ROWS = [
    ({"title": ""}, "missing title"),
    ({"item code": "99"}, "unknown item code “99”"),
    ({"department": "XYZ"}, "unknown department “XYZ”"),
    ({"document_date": "2024-13-01"}, "bad date in 成文日期 (document date): “2024-13-01”"),
    ({"document_date": "1900-01-01"}, "date out of range in 成文日期 (document date): 1900-01-01"),
    ({"disclosure_mode": "秘密"}, "unknown value “秘密” in 公开方式 (disclosure mode)"),
    ({"channels": "tv"}, "unknown release channel “tv”"),
    ({"audience": "校内"}, "restriction_reason"),
]


def test_each_kind_of_bad_row_gets_its_reason(section, tmp_path):
    good = dict(zip(HEADER_EN, good_row(0), strict=True))
    rows = []
    for n, (change, _reason) in enumerate(BAD_ROWS):
        rows.append([{**good, "title": f"t{n}", **change}[name] for name in HEADER_EN])
    rows.append([{**good, "title": "dup"}[name] for name in HEADER_EN])
    rows.append([{**good, "title": "dup"}[name] for name in HEADER_EN])
    (tmp_path / "files").mkdir()
    header = [*HEADER_EN, "attachments"]
    rows.append([*[{**good, "title": "att"}[name] for name in HEADER_EN], "missing.pdf"])
    rows = [row + [""] * (len(header) - len(row)) for row in rows]
    table = read_table(csv_bytes(rows, header))
    result = Importer(section, dry_run=True, files_dir=tmp_path / "files").run_rows(table.rows)
    reasons = dict(result.bad)
    for line, (_change, reason) in enumerate(BAD_ROWS, start=2):
        assert reason in reasons[line], (line, reasons.get(line))
    dup_line = len(BAD_ROWS) + 3
    assert reasons[dup_line] == f"duplicate key in the file (first on line {dup_line - 1})"
    assert reasons[dup_line + 1] == "file not found: missing.pdf"
    assert result.imported == 1 and result.dry_run
    assert not imported(section).exists()  # a dry run writes nothing


def test_gb18030_csv_and_xlsx(section, tmp_path):
    rows = [good_row(n) for n in range(1, 4)]
    data = csv_bytes(rows, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    table = read_table(data, "e.csv")
    assert table.encoding == "gb18030"
    result = import_file(data, "e.csv", section)
    assert (result.imported, result.bad) == (3, [])

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER_ZH)
    for n in range(4, 7):
        row = good_row(n)
        row[1] = 7  # a number cell
        row[3] = datetime.datetime(2024, 3, 5)  # a date cell
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_file(buffer.getvalue(), "e.xlsx", section)
    assert (result.imported, result.bad) == (3, [])
    entry = imported(section).get(title="2024年招生章程 第5号")
    assert (entry.checklist_item.code, entry.document_date) == ("7", datetime.date(2024, 3, 5))
    assert imported(section).count() == 6


def test_batch_and_one_by_one_paths_leave_the_same_entries(section, office, tmp_path):
    """The batch path writes what add_child + save_revision + the engine's import step write."""
    data = csv_bytes([good_row(1)])
    import_file(data, "a.csv", section, user=office, publish=True, bulk=True)
    other = make_section(slug="other", site_root=False)
    Site.objects.create(hostname="other.example", root_page=other)
    import_file(data, "a.csv", other, user=office, publish=True, bulk=False)
    batch, single = imported(section).get(), imported(other).get()

    def described(entry):
        entry = entry.specific
        review = EntryReview.objects.get(page=entry)
        logs = PageLogEntry.objects.filter(page=entry)
        return {
            "type": type(entry),
            "fields": [
                getattr(entry, name)
                for name in ("title", "draft_title", "live", "has_unpublished_changes",
                             "checklist_item_id", "department_id", "document_date",
                             "publication_date", "document_number", "summary", "depth",
                             "numchild", "owner_id", "locale_id", "expired", "locked")
            ],  # fmt: skip
            "public": entry.is_publicly_visible(),
            "body": entry.body.raw_data[0]["value"],
            "channels": sorted(entry.channels.values_list("code", flat=True)),
            "revisions": entry.revisions.count(),
            "live = latest": entry.live_revision_id == entry.latest_revision_id,
            "review": (review.state, review.revision_id == entry.live_revision_id,
                       review.published_by_id, review.department_id, review.sign_off_required),
            "logs": sorted((log.action, log.user_id, log.revision_id is not None) for log in logs),
            "references": sorted(
                ReferenceIndex.objects.filter(
                    base_content_type__model="page", object_id=str(entry.pk)
                ).values_list("to_content_type_id", "model_path", "content_path")
            ),
            "index prefix": entry.index_number.rsplit("-", 1)[0],
            "index site": entry.index_site.root_page_id == entry.get_parent().get_parent().pk,
            "slug is index number": entry.slug == entry.index_number.lower(),
            "url": entry.url_path.endswith(f"/{entry.slug}/"),
            "revision content": {
                k: v
                for k, v in entry.latest_revision.content.items()
                if k in ("title", "summary", "document_number", "channels", "department")
            },
        }  # fmt: skip

    assert described(batch) == described(single)
    assert batch.is_publicly_visible()


@pytest.mark.each_database
def test_two_imports_take_consecutive_index_numbers(section, office):
    """The batch path takes the 索引号 serials of a whole batch at once (one statement on
    PostgreSQL): a second file continues the sequence, with or without a site."""
    nowhere = make_section(slug="nowhere", site_root=False)
    assert nowhere.get_site() is None
    for target in (section, nowhere):
        for rows in ([good_row(1), good_row(2)], [good_row(3), good_row(4)]):
            result = import_file(csv_bytes(rows), "a.csv", target, user=office)
            assert result.imported == 2
        numbers = sorted(imported(target).values_list("index_number", flat=True))
        assert len(numbers) == 4
        assert [int(number.rsplit("-", 1)[1]) for number in numbers] == [1, 2, 3, 4]


def _stored(data):
    """``data`` as a JSON column holds it (Revision.content's encoder)."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


#: Content keys that differ between two pages by nature (ids, places, numbers).
PER_PAGE = {"pk", "id", "path", "url_path", "slug", "index_number", "index_site",
            "translation_key"}  # fmt: skip


def _without_block_ids(content):
    body = [{k: v for k, v in block.items() if k != "id"} for block in json.loads(content["body"])]
    return {**content, "body": body}


@pytest.mark.each_database
def test_the_batch_revision_holds_what_wagtail_stores(section, office):
    """The batch path builds each revision's content without a trip through
    save_revision: it is what Wagtail stores for the same page (the one-by-one path)
    and what the saved page serialises to."""
    data = csv_bytes([good_row(1)])
    import_file(data, "a.csv", section, user=office, bulk=True)
    other = make_section(slug="other", site_root=False)
    Site.objects.create(hostname="other.example", root_page=other)
    import_file(data, "a.csv", other, user=office, bulk=False)
    batch, single = imported(section).get().specific, imported(other).get().specific
    ours, wagtails = batch.latest_revision.content, single.latest_revision.content
    assert ours.keys() == wagtails.keys()
    ours, wagtails = _without_block_ids(ours), _without_block_ids(wagtails)  # random ids
    differ = {key for key in ours if ours[key] != wagtails[key]}
    assert differ <= PER_PAGE, {key: (ours[key], wagtails[key]) for key in differ - PER_PAGE}
    assert ours["pk"] == batch.pk and ours["path"] == batch.path
    # What save_revision sets after taking the content is all that changed since.
    after = {"latest_revision": batch.latest_revision_id, "has_unpublished_changes": True}
    now = _without_block_ids(_stored(batch.serializable_data()))
    assert now["latest_revision_created_at"] is not None
    assert {**ours, **after, "latest_revision_created_at": None} == {
        **now,
        "latest_revision_created_at": None,
    }


def test_an_imported_entry_s_revisions_work_in_the_admin(section, office, admin_client):
    import_file(csv_bytes([good_row(1)]), "a.csv", section, user=office, publish=True)
    entry = imported(section).get().specific
    first = entry.latest_revision
    assert first.as_object().title == entry.title == "2024年招生章程 第1号"
    entry.title = "2024年招生章程（修订）"
    second = entry.save_revision(user=office)
    publish_through_review(entry)
    entry.refresh_from_db()
    assert entry.live_revision_id == second.pk and entry.title == "2024年招生章程（修订）"
    compare = reverse("wagtailadmin_pages:revisions_compare", args=[entry.pk, first.pk, second.pk])
    response = admin_client.get(compare)
    assert response.status_code == 200
    page = response.content.decode()
    assert "第1号" in page and "修订" in page
    revert = reverse("wagtailadmin_pages:revisions_revert", args=[entry.pk, first.pk])
    response = admin_client.get(revert)
    assert response.status_code == 200
    assert "第1号" in response.content.decode()


@pytest.mark.postgres
def test_the_bulk_search_index_writes_the_backend_s_own_rows(section, office):
    """On PostgreSQL the import writes the index rows itself (PostgresBulkIndex): they
    are the rows the backend's add_items writes for the same entries."""
    from django.db import connection
    from wagtail.search.backends import get_search_backend

    from wagtail_disclosure.importing import PostgresBulkIndex

    rows = [good_row(1), good_row(2, item="1")]
    rows[1][10] = "<p>正文 <b>加粗</b></p>"  # HTML body
    rows[1][5] = ""  # no 文号: an empty field
    import_file(csv_bytes(rows), "a.csv", section, user=office, publish=True)
    entries = [entry.specific for entry in imported(section).order_by("pk")]
    assert len(entries) == 2
    backend = get_search_backend()
    index = backend.get_index_for_model(type(entries[0]))
    assert PostgresBulkIndex.for_index(index) is not None

    def index_rows():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT object_id, title::text, autocomplete::text, body::text, title_text,"
                " body_text, title_norm FROM wagtailsearch_indexentry"
                " WHERE object_id = ANY(%s) ORDER BY object_id",
                [[str(entry.pk) for entry in entries]],
            )
            return cursor.fetchall()

    ours = index_rows()
    assert len(ours) == 2 and all(row[1] and row[3] for row in ours)
    for entry in entries:
        model = type(entry)
        index.add_items(model, list(model.get_indexed_objects().filter(pk=entry.pk)))
    assert index_rows() == ours
    for entry, words in zip(entries, ["第1号", "加粗"], strict=True):
        found = search_entries(words, section=section).results
        assert [hit.pk for hit in found] == [entry.pk]


def test_attachments_are_read_from_the_files_directory(section, tmp_path):
    files = tmp_path / "files"
    (files / "2024").mkdir(parents=True)
    (files / "2024" / "章程.pdf").write_bytes(b"%PDF-1.4 test")
    rows = [[*good_row(1), "2024/章程.pdf"], [*good_row(2), "../secret.pdf"]]
    (tmp_path / "secret.pdf").write_bytes(b"x")
    data = csv_bytes(rows, [*HEADER_ZH, "附件"])
    result = import_file(data, "e.csv", section, files_dir=files)
    assert result.bad == [(3, "file not found: ../secret.pdf")]
    entry = imported(section).get()
    attachment = entry.attachments.get()
    assert attachment.document.title == "章程"
    assert attachment.document.file.read() == b"%PDF-1.4 test"


# -- exporting ------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_section_round_trips(section, office, file_format):
    rows = [good_row(n) for n in range(1, 5)]
    rows[1][6], rows[1][7] = "依申请公开", "社会公众"
    header = [*HEADER_ZH, "限制理由"]
    rows = [[*row, "依申请" if n == 1 else ""] for n, row in enumerate(rows)]
    rows[3][10] = "<p>有<b>加粗</b>的段落</p><ul><li>一</li></ul>"
    import_file(csv_bytes(rows, header), "e.csv", section, user=office, publish=True)
    exported = export_bytes(section, file_format)
    if file_format == "xlsx":
        assert load_workbook(io.BytesIO(exported)).active.max_row == 5
    empty = make_section(slug="empty", site_root=False)
    result = import_file(exported, f"export.{file_format}", empty, user=office, publish=True)
    assert (result.imported, result.bad) == (4, [])

    def content(root):
        return sorted(
            (e.title, e.checklist_item_id, e.department_id, e.document_date, e.publication_date,
             e.document_number, e.disclosure_mode, e.audience, e.validity, e.summary,
             e.restriction_reason, str(e.specific.body.raw_data[0]["value"]),
             tuple(sorted(e.channels.values_list("code", flat=True))), e.live)
            for e in imported(root)
        )  # fmt: skip

    for mine, theirs in zip(content(empty), content(section), strict=True):
        assert mine == theirs
    # The keys went along (import keys, else 索引号): importing the export into the first
    # section adds nothing, not even the entry made in the editor.
    make_entry(section, title="编辑器里建的条目")
    exported = export_bytes(section, file_format)
    again = import_file(exported, f"export.{file_format}", section, user=office, publish=True)
    assert (again.imported, again.skipped, again.bad) == (0, 5, [])


# -- the admin screen -------------------------------------------------------------------


def test_the_import_screen_is_for_the_disclosure_office_only(section, client, django_user_model):
    editor = staff(django_user_model, "editor", section)
    grant(editor, Role.DEPARTMENT_EDITOR, make_department("JWC"))
    client.force_login(editor)
    assert client.get(reverse("wagtail_disclosure:imports")).status_code == 403
    upload = SimpleUploadedFile("e.csv", csv_bytes([good_row(1)]))
    response = client.post(reverse("wagtail_disclosure:imports"), {"file": upload})
    assert response.status_code == 403
    assert not ImportRun.objects.exists()
    run = ImportRun.objects.create(file="x.csv", section=section, state=ImportRunState.CHECKED)
    assert client.get(reverse("wagtail_disclosure:import_run", args=[run.pk])).status_code == 403
    response = client.post(reverse("wagtail_disclosure:import_run_start", args=[run.pk]))
    assert response.status_code == 403
    run.refresh_from_db()
    assert run.state == ImportRunState.CHECKED


def test_upload_check_then_run_in_the_background(section, client, office, settings):
    client.force_login(office)
    rows = [good_row(n) for n in range(1, 21)]
    rows[3][2] = "XYZ"  # line 5
    upload = SimpleUploadedFile("e.csv", csv_bytes(rows))
    response = client.post(
        reverse("wagtail_disclosure:imports"),
        {"file": upload, "section": section.pk, "publish": "on"},
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("wagtail_disclosure:import_run", args=[run.pk])
    assert run.state == ImportRunState.CHECKED
    # The report is in the language of the person who uploaded (the admin's, Chinese here).
    assert [row["line"] for row in run.report] == [5] and "XYZ" in run.report[0]["reason"]
    page = client.get(response.url).content.decode()
    assert run.report[0]["reason"] in page and ">5<" in page
    assert not imported(section).exists()  # only checked so far

    response = client.post(reverse("wagtail_disclosure:import_run_start", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.state == ImportRunState.DONE  # the immediate backend ran the task
    assert (run.total, run.processed, run.imported, run.skipped, run.bad) == (20, 20, 19, 0, 1)
    assert [row["line"] for row in run.report] == [5] and "XYZ" in run.report[0]["reason"]
    assert imported(section).publicly_visible().count() == 19
    assert ImportedEntry.objects.filter(run=run).count() == 19
    page = client.get(response.url).content.decode()
    assert ">19<" in page and run.report[0]["reason"] in page

    settings.WAGTAIL_DISCLOSURE_IMPORT_MAX_UPLOAD_BYTES = 10
    upload = SimpleUploadedFile("big.csv", csv_bytes(rows))
    response = client.post(
        reverse("wagtail_disclosure:imports"), {"file": upload, "section": section.pk}
    )
    assert response.status_code == 200
    assert ImportRun.objects.count() == 1
