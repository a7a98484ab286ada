"""The exports of the annual report (issue 14, Deliver 2): .docx, print page, CSV, JSON
through the public API, and ``manage.py disclosure_annual_report``.

Every export renders the report document (``AnnualReportPage.report_document``) only;
the tests read each file back (python-docx, LibreOffice to PDF, csv) and compare it with
that document, and check that nothing but a live, public report is served.
"""

import csv
import datetime
import io
import json
import os
import types

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from docx import Document
from wagtail.models import PageViewRestriction

from wagtail_disclosure.annual_report_csv import (
    FIGURE_COLUMNS,
    ITEM_COLUMNS,
    figures_csv,
    figures_rows,
    item_rows,
    items_csv,
)
from wagtail_disclosure.annual_report_docx import FONTS, layout, render_docx, section_heading
from wagtail_disclosure.models import AnnualReportPage, DisclosureEntryPage
from wagtail_disclosure.workflow import import_as_published

from .office import convert_to_pdf, pdf_text
from .utils import build_once, category_page, fresh, make_department, make_entry, make_section

pytestmark = [pytest.mark.django_db]

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# -- data -------------------------------------------------------------------------------


def make_report(section, year, department, *, publish=True):
    """An annual report of the academic year ``year``-``year + 1`` under 基本信息."""
    parent = category_page(section, "basic")
    page = AnnualReportPage(
        title=f"示范大学{year}—{year + 1}学年信息公开工作年度报告",
        slug=f"annual-report-{year}",
        academic_year=year,
        department=department,
        publication_date=datetime.date(year + 1, 10, 20),
        live=False,
    )
    parent.add_child(instance=page)
    page.save_revision()
    if publish:
        import_as_published(page)
    page.refresh_from_db()
    return page


def build_world():
    section = make_section()
    office = make_department("DZB", "党政办公室")
    make_entry(section, "basic", title="学校章程", department=office, publication_date="2025-10-10")
    make_entry(section, "admissions", title="本科招生章程", publication_date="2026-03-01")
    make_entry(section, "finance", title="2025年部门决算", publication_date="2026-07-15")
    published = make_report(section, 2025, office)
    draft = make_report(section, 2024, office, publish=False)
    return types.SimpleNamespace(section=section, published=published, draft=draft)


@pytest.fixture(scope="module")
def _world_once(request, django_db_setup, django_db_blocker):
    yield from build_once(request, django_db_blocker, build_world)


@pytest.fixture
def world(_world_once, db):
    return fresh(_world_once)


def published_document(world):
    page = AnnualReportPage.objects.get(pk=world.published.pk)
    return page.report_document(frozen=True)


def test_the_data_is_what_the_tests_say(world):
    visible = DisclosureEntryPage.objects.publicly_visible()
    assert visible.filter(pk=world.published.pk).exists()
    assert not visible.filter(pk=world.draft.pk).exists()
    assert not AnnualReportPage.objects.get(pk=world.draft.pk).live
    document = published_document(world)
    assert document["figures"]["entries_released"] >= 3  # the three entries of 2025-2026
    assert len(document["items"]) >= 50
    assert [s["number"] for s in document["sections"]] == list("一二三四五六七八")


# -- the .docx --------------------------------------------------------------------------


def read_docx(data):
    return Document(io.BytesIO(data))


def mm(length):
    return round(length.mm)


def headings(docx):
    return [p.text for p in docx.paragraphs if p.style.name == "Heading 1"]


def footer_has_page_field(docx):
    xml = docx.sections[0].footer._element.xml
    return "PAGE" in xml and 'fldCharType="begin"' in xml


def item_table(docx, document):
    columns = next(
        b["columns"]
        for s in document["sections"]
        for b in s["blocks"]
        if b.get("key") == "item_table"
    )
    for table in docx.tables:
        if [cell.text for cell in table.rows[0].cells] == columns:
            return table
    raise AssertionError("no item table in the .docx")


@pytest.mark.office
def test_docx_of_the_published_report_reads_back_and_converts_to_pdf(world, tmp_path):
    document = published_document(world)
    data = render_docx(document)
    docx = read_docx(data)

    assert docx.paragraphs[0].text == document["title"]
    assert docx.paragraphs[0].style.name == "Title"
    assert headings(docx) == [section_heading(s) for s in document["sections"]]
    assert headings(docx)[0].startswith("一、")
    table = item_table(docx, document)
    assert len(table.rows) == len(document["items"]) + 1
    for row, item in zip(table.rows[1:], document["items"], strict=True):
        assert row.cells[0].text == item["number"]
        assert row.cells[2].text == item["title"]
    # The header row repeats on every page.
    assert table.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
    # Every figure block of the document is in the text.
    text = "\n".join(p.text for p in docx.paragraphs)
    figures = [b for s in document["sections"] for b in s["blocks"] if b["type"] == "figure"]
    assert figures
    for block in figures:
        assert block["label"] in text
    released = document["figures"]["entries_released"]
    assert any(str(released) in p.text for p in docx.paragraphs if p.style.name == "Body Text")
    assert footer_has_page_field(docx)
    first, last = docx.sections[0], docx.sections[-1]
    assert (mm(first.page_width), mm(first.page_height), mm(first.top_margin)) == (210, 297, 37)
    assert mm(last.page_width) == 297  # the item table, landscape
    assert docx.core_properties.title == document["title"]

    path = tmp_path / "report.docx"
    path.write_bytes(data)
    (pdf,) = convert_to_pdf([path], tmp_path / "pdf")
    pdf_plain = "".join(pdf_text(pdf).split())
    for needle in [document["title"], *headings(docx), document["items"][-1]["title"], "—1—"]:
        assert "".join(needle.split()) in pdf_plain, needle


def sample_document():
    """A document of the contract's shape, built by hand (no database)."""
    statuses = ["published", "partial", "not_applicable", "not_published"]
    items = [
        {
            "number": str(n),
            "code": str(n),
            "category": "基本信息",
            "title": f"公开事项{n}",
            "status": statuses[n % 4],
            "status_label": "已公开",
            "reason": "",
            "links": [f"https://xxgk.example.edu.cn/basic/?item={n}", "https://e.example/x"],
            "department": "党政办公室",
            "last_updated": "2026-05-01",
            "note": "=1+1" if n == 1 else "",
        }
        for n in range(1, 4)
    ]
    return {
        "schema": 1,
        "title": "示范大学2025—2026学年信息公开工作年度报告",
        "university": "示范大学",
        "academic_year": "2025-2026",
        "period": {"start": "2025-09-01", "end": "2026-08-31"},
        "published_on": "2026-10-20",
        "frozen_at": "2026-10-15T09:12:00+08:00",
        "url": None,
        "sections": [
            {
                "key": "overview",
                "number": "一",
                "heading": "概述",
                "blocks": [
                    {"type": "heading", "text": "（一）制度机制建设"},
                    {"type": "paragraph", "text": "学校坚持依法依规公开\x0b。"},
                    {
                        "type": "figure",
                        "key": "entries_released",
                        "label": "主动公开信息",
                        "value": 123,
                        "unit": "条",
                    },
                    {"type": "a later kind"},
                ],
            },
            {
                "key": "item_table",
                "number": "八",
                "heading": "清单事项公开情况表",
                "blocks": [
                    {
                        "type": "table",
                        "key": "item_table",
                        "caption": "",
                        "columns": [
                            "序号",
                            "类别",
                            "公开事项",
                            "公开情况",
                            "栏目链接",
                            "责任部门",
                            "最近更新",
                            "备注",
                        ],
                        "rows": [
                            [
                                i["number"],
                                i["category"],
                                i["title"],
                                "已公开",
                                "\n".join(i["links"]),
                                i["department"],
                                i["last_updated"],
                                i["note"],
                            ]
                            for i in items
                        ],
                    }
                ],
            },
        ],
        "figures": {
            "entries_released": 123,
            "by_channel": [
                {"code": "website", "name": "学校网站", "count": 100},
                {"code": "wechat", "name": "微信公众号", "count": 40},
            ],
            "withdrawn_reasons": [{"reason": "信息有误", "withheld": False, "count": 2}],
            "requests": {"received": 3, "answered_by_outcome": {"disclosed": 2}},
            "table3": None,
            "manual": [
                {
                    "key": "training",
                    "label": "培训场次",
                    "value": 4.5,
                    "unit": "场",
                    "source": "台账",
                }
            ],
        },
        "items": items,
    }


def test_docx_follows_the_official_document_layout():
    document = sample_document()
    docx = read_docx(render_docx(document))
    styles = docx.styles
    east_asian = {
        name: styles[name].element.rPr.rFonts.get(f"{W}eastAsia")
        for name in ("Title", "Body Text", "Heading 1", "Heading 2", "Table Text")
    }
    assert east_asian == {
        "Title": FONTS["title"][0],
        "Body Text": FONTS["body"][0],
        "Heading 1": FONTS["heading"][0],
        "Heading 2": FONTS["subheading"][0],
        "Table Text": FONTS["table"][0],
    }
    assert styles["Title"].font.size.pt == 22 and styles["Body Text"].font.size.pt == 16
    assert styles["Body Text"].paragraph_format.first_line_indent.pt == 32
    # The font table names the fallback of each font.
    from zipfile import ZipFile

    fonts = ZipFile(io.BytesIO(render_docx(document))).read("word/fontTable.xml").decode()
    assert 'w:name="方正小标宋简体"' in fonts and '<w:altName w:val="小标宋"/>' in fonts
    assert '<w:altName w:val="仿宋"/>' in fonts
    # Text: control characters dropped, a block type it does not know skipped.
    texts = [p.text for p in docx.paragraphs]
    assert "学校坚持依法依规公开。" in texts
    assert any(t.startswith("主动公开信息") and "123" in t for t in texts)
    # The signature comes before the annex, which starts a landscape section.
    assert texts.index("示范大学") < texts.index("八、清单事项公开情况表")
    assert len(docx.sections) == 2 and mm(docx.sections[1].page_width) == 297
    # A cell with two links has them on two lines.
    assert len(docx.tables[0].rows[1].cells[4].paragraphs) == 2


def test_layout_marks_a_draft():
    document = {**sample_document(), "frozen": False, "frozen_at": None}
    kinds = [row["kind"] for row in layout(document)]
    assert kinds[:3] == ["title", "period", "draft"]
    assert "draft" not in [row["kind"] for row in layout(sample_document())]


# -- CSV --------------------------------------------------------------------------------


def parse_csv(text):
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_of_the_sample_document():
    document = sample_document()
    figures = {row["key"]: row for row in parse_csv(figures_csv(document))}
    assert list(next(iter(figures.values()))) == list(FIGURE_COLUMNS)
    assert figures["entries_released"]["value"] == "123"
    assert figures["entries_released"]["label"] == "主动公开信息"  # from the figure block
    assert figures["by_channel.wechat"]["label"] == "微信公众号"
    assert figures["by_channel.wechat"]["value"] == "40"
    assert figures["withdrawn_reasons.信息有误"]["value"] == "2"
    assert figures["withdrawn_reasons.信息有误.withheld"]["value"] == "false"
    assert figures["requests.answered_by_outcome.disclosed"]["value"] == "2"
    assert figures["table3"]["value"] == ""
    assert figures["manual.training"] == {
        "key": "manual.training",
        "label": "培训场次",
        "value": "4.5",
        "unit": "场",
        "source": "台账",
    }
    items = parse_csv(items_csv(document))
    assert [row["number"] for row in items] == ["1", "2", "3"]
    assert list(items[0]) == list(ITEM_COLUMNS)
    assert items[0]["links"].split(" ") == document["items"][0]["links"]
    assert items[0]["note"] == "'=1+1"  # not a formula in a spreadsheet


def test_csv_of_the_published_report_has_every_figure_and_item(world):
    document = published_document(world)
    figures = {row["key"]: row["value"] for row in parse_csv(figures_csv(document))}
    assert figures["entries_released"] == str(document["figures"]["entries_released"])
    for channel in document["figures"]["by_channel"]:
        assert figures[f"by_channel.{channel['code']}"] == str(channel["count"])
    assert figures["requests.received"] == str(document["figures"]["requests"]["received"])
    items = parse_csv(items_csv(document))
    assert len(items) == len(document["items"])
    assert [row["title"] for row in items] == [item["title"] for item in document["items"]]


# -- the page's routes: print page and .docx ----------------------------------------------


def test_print_page_and_docx_of_a_published_report(world, client):
    page = AnnualReportPage.objects.get(pk=world.published.pk)
    document = page.report_document(frozen=True)
    response = client.get(page.url + "print/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{document['title']}</h1>" in html
    for section in document["sections"]:
        assert section_heading(section) in html
    assert html.count("<tr>") >= len(document["items"]) + 1
    assert "@page" in html and "A4" in html
    assert page.url + "docx/" in html

    response = client.get(page.url + "docx/")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert read_docx(response.content).paragraphs[0].text == document["title"]


def test_routes_of_a_report_that_is_not_public_answer_404(world, client):
    draft = AnnualReportPage.objects.get(pk=world.draft.pk)
    draft_url = category_page(world.section, "basic").url + draft.slug + "/"
    for route in ("print/", "docx/"):
        assert client.get(draft_url + route).status_code == 404
    page = AnnualReportPage.objects.get(pk=world.published.pk)
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    for route in ("print/", "docx/"):
        response = client.get(page.url + route)
        assert response.status_code == 200 and DOCX_TYPE not in response["Content-Type"]
        assert page.title not in response.content.decode()  # the password form


# -- the public API ---------------------------------------------------------------------


def api(name, *args):
    return reverse(f"wagtail_disclosure_api:{name}", args=args)


def test_api_lists_only_public_reports(world, client):
    response = client.get(api("annual_reports"))
    assert response.status_code == 200
    rows = response.json()
    assert [row["year"] for row in rows] == ["2025-2026"]
    row = rows[0]
    assert row["title"] == world.published.title
    assert row["published_on"] == "2026-10-20"
    assert row["url"].endswith(world.published.url)
    assert row["docx_url"].endswith("docx/")
    assert client.get(api("annual_reports") + f"?section={world.section.pk}").json() == rows


def test_api_report_json_equals_the_frozen_document(world, client):
    response = client.get(api("annual_report", "2025-2026"))
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(published_document(world)))
    # Conditional GET: the same state answers 304.
    again = client.get(api("annual_report", "2025-2026"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_api_csv_of_a_report(world, client):
    document = published_document(world)
    response = client.get(api("annual_report_figures", "2025-2026"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = parse_csv(response.content.decode("utf-8"))
    assert rows == [{k: str(v) for k, v in row.items()} for row in figures_rows(document)]
    # Asked again, it comes from the server cache: the same body and the same headers.
    again = client.get(api("annual_report_figures", "2025-2026"))
    assert again.content == response.content
    assert dict(again.items()) == dict(response.items())
    response = client.get(api("annual_report_items", "2025-2026"))
    rows = parse_csv(response.content.decode("utf-8"))
    assert [row["code"] for row in rows] == [str(row["code"]) for row in item_rows(document)]


@pytest.mark.parametrize(
    "year, status",
    [("2024-2025", 404), ("2023-2024", 404), ("2025-2027", 400), ("abcd-efgh", 400)],
)
def test_api_answers_404_for_reports_that_are_not_public(world, client, year, status):
    for name in ("annual_report", "annual_report_figures", "annual_report_items"):
        response = client.get(api(name, "0000-0001").replace("0000-0001", year))
        assert response.status_code == status, (name, year)
        assert response.json()["error"]["code"] == ("not_found" if status == 404 else "invalid")


def test_api_hides_a_restricted_report(world, client):
    page = AnnualReportPage.objects.get(pk=world.published.pk)
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    assert client.get(api("annual_reports")).json() == []
    assert client.get(api("annual_report", "2025-2026")).status_code == 404


def test_a_withdrawn_report_keeps_its_trace_page_only(
    world, client, django_capture_on_commit_callbacks
):
    from wagtail_disclosure.workflow import take_transition

    from .utils import reviewer

    page = AnnualReportPage.objects.get(pk=world.published.pk)
    with django_capture_on_commit_callbacks(execute=True):
        take_transition(page, "withdraw", reviewer(), comment="数据有误，重新编制")
    page.refresh_from_db()
    assert page.live and DisclosureEntryPage.objects.publicly_visible().filter(pk=page.pk).exists()
    assert client.get(page.url).status_code == 200  # the public trace
    for route in ("print/", "docx/"):
        assert client.get(page.url + route).status_code == 404
    assert client.get(api("annual_reports")).json() == []
    for name in ("annual_report", "annual_report_figures", "annual_report_items"):
        assert client.get(api(name, "2025-2026")).status_code == 404


def test_the_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/disclosure/v1/openapi.json").json()["paths"]
    prefix = "/api/disclosure/v1/annual-reports"
    assert {
        f"{prefix}",
        f"{prefix}/{{year}}",
        f"{prefix}/{{year}}/figures.csv",
        f"{prefix}/{{year}}/items.csv",
    } <= set(paths)
    csv_content = paths[f"{prefix}/{{year}}/items.csv"]["get"]["responses"]["200"]["content"]
    assert "text/csv" in csv_content


def test_report_answers_conform_to_the_openapi_schema(world, settings):
    """As the API fuzz test (tests/test_api_fuzz.py) checks every operation, with a
    published report to answer 200: bodies, content types and headers as documented."""
    import schemathesis
    from django.core.wsgi import get_wsgi_application

    from wagtail_disclosure.api.main import API_PREFIX

    from .test_api_fuzz import CHECKS, database_connection_kept

    settings.WAGTAIL_DISCLOSURE_API_THROTTLE_RATE = None
    statuses = {}
    with database_connection_kept():
        # Loading the schema is a request too: the test's connection must stay open.
        schema = schemathesis.openapi.from_wsgi(
            f"/{API_PREFIX}openapi.json", get_wsgi_application()
        )
        for result in schema.get_all_operations():
            operation = result.ok()
            if "/annual-reports" not in operation.path:
                continue
            years = ("2025-2026", "2024-2025", "2025-2027") if "{year}" in operation.path else ("",)
            for year in years:
                case = operation.Case(path_parameters={"year": year} if year else {})
                response = case.call()
                case.validate_response(response, checks=CHECKS)
                statuses[(operation.path.rsplit("annual-reports", 1)[1], year)] = (
                    response.status_code
                )
    assert statuses == {
        ("", ""): 200,
        **{
            (path, year): status
            for path in ("/{year}", "/{year}/figures.csv", "/{year}/items.csv")
            for year, status in (("2025-2026", 200), ("2024-2025", 404), ("2025-2027", 400))
        },
    }


# -- the command ------------------------------------------------------------------------


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("disclosure_annual_report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_writes_the_published_report(world, tmp_path):
    document = published_document(world)
    target = tmp_path / "report.docx"
    _out, err = run("2025-2026", "--format", "docx", "-o", str(target))
    assert read_docx(target.read_bytes()).paragraphs[0].text == document["title"]
    assert "[1/4]" in err and "[4/4]" in err

    target = tmp_path / "report.json"
    run("2025-2026", "--format", "json", "-o", str(target), "--section", world.section.slug)
    assert json.loads(target.read_text()) == json.loads(json.dumps(document))

    out, _err = run("2025-2026", "--format", "csv", "--csv", "items", "-o", "-")
    assert len(parse_csv(out)) == len(document["items"])


def test_command_live_works_without_a_report_page(world, tmp_path):
    target = tmp_path / "draft.json"
    run("2023-2024", "--live", "--format", "json", "-o", str(target))
    document = json.loads(target.read_text())
    assert document["academic_year"] == "2023-2024"
    # The document is in the site's language (LANGUAGE_CODE, zh-hans here): 2023—2024学年.
    assert "2023—2024" in document["title"]
    assert document["frozen"] is False
    assert document["figures"]["entries_released"] == 0  # nothing released in 2023-2024
    assert len(document["items"]) >= 50

    target = tmp_path / "draft.docx"
    run("2024-2025", "--live", "-o", str(target))  # the unpublished report's draft
    texts = [p.text for p in read_docx(target.read_bytes()).paragraphs]
    assert texts[0] == world.draft.title
    assert texts[2].startswith("Draft") or "草稿" in texts[2]


@pytest.mark.parametrize(
    "args, message",
    [
        (["2025-2027"], "second year follows the first"),
        (["abc"], "written as 2025-2026"),
        (["2025-2026", "--section", "nope"], "No disclosure section with the slug 'nope'"),
        (["2024-2025"], "not published"),
        (["2023-2024"], "has no 2023-2024 report"),
        (["2025-2026", "--language", "xx"], "Unknown language 'xx'"),
    ],
)
def test_command_refuses_bad_input_and_writes_nothing(world, tmp_path, args, message):
    target = tmp_path / "out.docx"
    # The messages are in the active language: English here, whatever ran before.
    with translation.override("en"), pytest.raises(CommandError, match=message):
        run(*args, "-o", str(target))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media"]


def test_command_refuses_an_unwritable_path(world, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run("2025-2026", "-o", str(tmp_path / "missing" / "report.docx"))
    with pytest.raises(CommandError, match="is a directory"):
        run("2025-2026", "-o", str(tmp_path))
    if os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            with pytest.raises(CommandError, match="permission denied"):
                run("2025-2026", "-o", str(locked / "report.docx"))
        finally:
            locked.chmod(0o700)
        assert list(locked.iterdir()) == []
