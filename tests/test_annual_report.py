"""The annual report (信息公开工作年度报告): its figures against counts made here from the
data this module builds, the item table, the frozen figures of a published report, the
period lock and who may read the page (wagtail_disclosure/annual_report.py,
models/annual_report.py)."""

import datetime
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests.utils import (
    build_once,
    category_page,
    fresh,
    make_department,
    make_entry,
    make_section,
    publish_through_review,
    reviewer,
)
from wagtail_disclosure.annual_report import compute_figures, report_document
from wagtail_disclosure.models import (
    AnnualReportPage,
    ChecklistItem,
    DisclosureEntryPage,
    DisclosureRequest,
    ReleaseChannel,
    ReportFigure,
    RequestAppeal,
    UpdateRule,
)
from wagtail_disclosure.models.annual_report import figure_reference_errors
from wagtail_disclosure.models.requests import AppealKind, ApplicantType, RequestState
from wagtail_disclosure.navigation import DEFAULT_NAVIGATION
from wagtail_disclosure.report_blocks import REPORT_SECTIONS
from wagtail_disclosure.workflow import take_transition

# On PostgreSQL with the LTS (the whole suite); not again with Wagtail 8 (time budget).
pytestmark = [pytest.mark.django_db]

D = datetime.date.fromisoformat
YEAR = 2026  # the academic year 2026-2027: 1 September 2026 to 31 August 2027
START, END = D("2026-09-01"), D("2027-08-31")


def at(day):
    return timezone.make_aware(datetime.datetime.combine(D(day), datetime.time(12)))


def request_case(received, state=RequestState.RECEIVED, answered=None, outcome=""):
    """A request dated in the past (the state set by an update, as in the statistics tests)."""
    row = DisclosureRequest.objects.create(
        description="某信息",
        received_on=D(received),
        outcome=outcome,
        answered_on=D(answered) if answered else None,
        applicant_type=ApplicantType.PERSON,
        name="张三",
    )
    DisclosureRequest.objects.filter(pk=row.pk).update(
        state=state, state_changed_at=at(answered or received)
    )
    return row


def new_report(section, year=YEAR, slug=None, **fields):
    report = AnnualReportPage(
        title=f"青岚大学{year}—{year + 1}学年信息公开工作年度报告",
        slug=slug or f"report-{year}",
        academic_year=year,
        department=make_department(),
        live=False,
        **fields,
    )
    category_page(section, "basic").add_child(instance=report)
    report.save_revision(user=reviewer())
    return report


def build_world():
    section = make_section()
    jwc = make_department()
    cwc = make_department("CWC", "财务处")
    channels = {channel.code: channel for channel in ReleaseChannel.objects.all()}
    entries = {}
    # The last day of the academic year 2025-2026 and the first of 2026-2027.
    entries["aug31"] = make_entry(
        section, "admissions", document_date="2026-08-31", publication_date="2026-08-31"
    )
    entries["sep1"] = make_entry(
        section,
        "admissions",
        document_date="2026-09-01",
        publication_date="2026-09-01",
        channels=[channels["wechat"], channels["bulletin"]],
    )
    # Published in the period, then revised and published again: one entry.
    entries["revised"] = make_entry(
        section,
        "finance",
        department=cwc,
        document_date="2026-09-10",
        publication_date="2026-09-15",
        channels=[channels["wechat"]],
    )
    revised = entries["revised"]
    revised.title = "条目（修订）"
    revised.save_revision(user=reviewer())
    publish_through_review(revised)
    # Withdrawn with a public trace (still released), and withheld (never counted released).
    entries["withdrawn"] = make_entry(
        section, "personnel", document_date="2026-10-08", publication_date="2026-10-09"
    )
    take_transition(entries["withdrawn"], "withdraw", reviewer(), comment="信息已更新")
    entries["withheld"] = make_entry(
        section, "personnel", document_date="2026-10-08", publication_date="2026-10-09"
    )
    take_transition(
        entries["withheld"], "withdraw", reviewer(), comment="依法不予公开", withheld=True
    )
    # Campus only: not released to the public.
    entries["campus"] = make_entry(
        section,
        "students",
        document_date="2026-10-10",
        publication_date="2026-10-10",
        audience="campus",
        restriction_reason="仅限校内",
    )
    # Published 2026-11-20, made 2026-09-01: far more than 20 working days (late).
    entries["late"] = make_entry(
        section,
        "teaching",
        item_code="31",
        document_date="2026-09-01",
        publication_date="2026-11-20",
    )
    # A draft: not released.
    entries["draft"] = make_entry(section, "admissions", publish=False)
    # An item that does not apply: 47. 中外合作办学情况.
    ChecklistItem.objects.filter(category__checklist=section.checklist, code="47").update(
        not_applicable_reason="学校无中外合作办学项目"
    )
    # Requests: received in 2025-2026 and answered in 2026-2027; one received and open.
    requests = {
        "spanning": request_case(
            "2026-08-25", RequestState.CLOSED, answered="2026-09-08", outcome="disclosed"
        ),
        "open": request_case("2026-10-12", RequestState.IN_HAND),
    }
    RequestAppeal.objects.create(kind=AppealKind.COMPLAINT, filed_on=D("2026-10-20"))
    RequestAppeal.objects.create(kind=AppealKind.LAWSUIT, filed_on=D("2026-06-01"))  # before
    ReportFigure.objects.create(
        academic_year=YEAR,
        key="training_sessions",
        label="宣教培训",
        value=3,
        unit="场",
        source="培训签到表",
    )
    for entry in entries.values():
        entry.refresh_from_db()
    return {"section": section, "entries": entries, "requests": requests, "jwc": jwc}


@pytest.fixture(scope="module")
def _world_once(request, django_db_setup, django_db_blocker):
    yield from build_once(request, django_db_blocker, build_world)


@pytest.fixture
def world(_world_once, db):
    return fresh(_world_once)


def figures_of(world):
    return compute_figures(world["section"], START, END, YEAR)


# -- the set-up is what the tests think it is --------------------------------------------


def test_the_world_is_as_built(world):
    entries = world["entries"]
    visible = set(DisclosureEntryPage.objects.publicly_visible().values_list("pk", flat=True))
    for name in ("aug31", "sep1", "revised", "withdrawn", "late"):
        assert entries[name].pk in visible, name
    for name in ("withheld", "campus", "draft"):
        assert entries[name].pk not in visible, name
    assert entries["revised"].revisions.count() >= 2
    assert entries["revised"].publication_date == D("2026-09-15")
    assert entries["late"].checklist_item.update_rule == UpdateRule.ON_CHANGE
    assert entries["late"].checklist_item.update_within_working_days == 20


# -- figures against counts made here -------------------------------------------------------


def expected_released(world):
    """Counted by hand from what build_world made: public, published in the period."""
    entries = world["entries"]
    return [
        entries[name]
        for name in ("aug31", "sep1", "revised", "withdrawn", "withheld", "campus", "late")
        if START <= entries[name].publication_date <= END
        and entries[name].pk
        in set(DisclosureEntryPage.objects.publicly_visible().values_list("pk", flat=True))
    ]


def test_entries_released_in_the_period(world):
    figures = figures_of(world)["figures"]
    released = expected_released(world)
    names = {entry.pk for entry in released}
    assert world["entries"]["aug31"].pk not in names  # 31 August: the year before
    assert world["entries"]["sep1"].pk in names  # 1 September: this year
    assert figures["entries_released"] == len(released) == 4  # sep1, revised, withdrawn, late
    # The 31 August entry is in the year before, once.
    before = compute_figures(world["section"], D("2025-09-01"), D("2026-08-31"), YEAR - 1)
    assert before["figures"]["entries_released"] == 1


def test_by_channel_category_and_department(world):
    figures = figures_of(world)["figures"]
    released = expected_released(world)
    by_channel = {row["code"]: row["count"] for row in figures["by_channel"]}
    # Every released entry is on the website; the others count the entries naming them.
    assert by_channel["website"] == len(released)
    assert (
        by_channel["wechat"]
        == sum(1 for e in released if e.channels.filter(code="wechat").exists())
        == 2
    )
    assert by_channel["bulletin"] == 1
    assert by_channel["print"] == by_channel["meeting"] == 0
    by_category = {row["key"]: row["count"] for row in figures["by_category"]}
    expected = {}
    for entry in released:
        key = entry.checklist_item.category.key
        expected[key] = expected.get(key, 0) + 1
    assert {k: v for k, v in by_category.items() if v} == expected
    assert len(by_category) == 10
    by_department = {row["code"]: row["count"] for row in figures["by_department"]}
    assert by_department == {"CWC": 1, "JWC": 3}


def test_withdrawn_in_the_period_counted_withheld_not_named(world):
    figures = figures_of(world)["figures"]
    assert figures["withdrawn"] == 2
    reasons = {
        (row["withheld"], row["reason"]): row["count"] for row in figures["withdrawn_reasons"]
    }
    assert reasons == {(False, "信息已更新"): 1, (True, ""): 1}
    named = [row["title"] for row in figures["withdrawn_entries"]]
    assert named == [world["entries"]["withdrawn"].title]
    assert "依法不予公开" not in str(figures)
    assert world["entries"]["withheld"].title not in str(figures)


def test_late_releases(world):
    figures = figures_of(world)["figures"]
    assert figures["late"] == 1
    assert [row["index_number"] for row in figures["late_items"]] == [
        world["entries"]["late"].index_number
    ]
    assert figures["late_items"][0]["working_days"] > 20


def test_requests_complaints_and_manual_figures(world):
    figures = figures_of(world)["figures"]
    requests = figures["requests"]
    # Received 25 August (the year before), answered 8 September: carried over, answered.
    assert requests["received"] == 1  # only the one of 12 October
    assert requests["carried_over"] == 1
    assert requests["answered"] == 1
    assert requests["carried_forward"] == 1
    assert figures["appeals"]["complaints"] == 1
    assert figures["appeals"]["lawsuits"] == 0  # filed before the period
    assert figures["table3"] is None  # ANNUAL_REPORT_GOVERNMENT_TABLES is off
    assert figures["manual"] == [
        {
            "key": "training_sessions",
            "label": "宣教培训",
            "value": 3,
            "unit": "场",
            "source": "培训签到表",
        }
    ]


def test_government_tables_when_the_setting_asks(world, settings):
    settings.WAGTAIL_DISCLOSURE_ANNUAL_REPORT_GOVERNMENT_TABLES = True
    figures = figures_of(world)["figures"]
    assert figures["table3"]["rows"][0]["counts"]["total"] == 1
    assert figures["table4"]["complaints"]["total"] == 1


def test_item_table_has_every_item(world):
    section = world["section"]
    data = figures_of(world)
    items = ChecklistItem.objects.filter(category__checklist=section.checklist)
    assert sorted(row["code"] for row in data["items"]) == sorted(
        items.values_list("code", flat=True)
    )
    assert len(data["items"]) == items.count() == 50
    by_code = {row["code"]: row for row in data["items"]}
    assert by_code["47"]["status"] == "not_applicable"
    assert by_code["47"]["reason"] == "学校无中外合作办学项目"
    published_items = set(
        DisclosureEntryPage.objects.descendant_of(section)
        .current()
        .values_list("checklist_item__code", flat=True)
    )
    assert {
        code for code, row in by_code.items() if row["status"] == "published"
    } == published_items
    row = by_code[world["entries"]["sep1"].checklist_item.code]
    category = category_page(section, "admissions")
    assert row["links"] == [f"{category.get_full_url()}?item={row['code']}"]
    assert row["department"] == "教务处"
    assert row["last_updated"] is not None


def test_figures_take_a_fixed_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            figures_of(world)
        return len(queries)

    count()  # warm the per-process caches (content types, site root paths)
    before = count()
    channels = list(ReleaseChannel.objects.all())
    for day in ("2026-09-20", "2026-09-21", "2026-09-22"):
        make_entry(
            world["section"],
            "degrees",
            department=make_department("YJSY", "研究生院"),
            document_date=day,
            publication_date=day,
            channels=channels,
        )
    assert figures_of(world)["figures"]["entries_released"] == 7
    assert count() == before <= 40


# -- the report page -------------------------------------------------------------------


def test_a_new_report_starts_with_the_outline(world):
    report = AnnualReportPage(title="x", academic_year=YEAR)
    keys = [child.block_type for child in report.report]
    assert keys == [key for key, _number, _heading in REPORT_SECTIONS]
    overview = report.report[0].value
    assert [child.block_type for child in overview][:2] == ["heading", "paragraph"]


def test_report_is_an_entry_of_item_6_with_frozen_figures(world):
    report = new_report(world["section"])
    assert report.checklist_item.code == "6"
    assert report.checklist_item.category.key == "basic"
    revision = report.latest_revision
    frozen = revision.content["figures"]
    assert frozen["figures"]["entries_released"] == 4
    assert revision.content["figures_computed_at"]
    # As an object, the version carries them too.
    assert revision.as_object().figures["figures"]["entries_released"] == 4


def test_document_follows_the_contract(world):
    report = new_report(world["section"])
    publish_through_review(report)
    report = AnnualReportPage.objects.get(pk=report.pk)
    document = report_document(report)
    assert document["schema"] == 1
    assert document["academic_year"] == "2026-2027"
    assert document["period"] == {"start": "2026-09-01", "end": "2027-08-31"}
    assert [s["number"] for s in document["sections"]] == list("一二三四五六七八")
    assert document["url"] == report.get_full_url()
    assert document["published_on"] == report.publication_date.isoformat()
    figures = [b for s in document["sections"] for b in s["blocks"] if b["type"] == "figure"]
    released = next(b for b in figures if b["key"] == "entries_released")
    assert released["value"] == 4
    item_table = document["sections"][-1]["blocks"][-1]
    assert item_table["key"] == "item_table"
    assert len(item_table["rows"]) == 50
    assert len(item_table["columns"]) == 8
    assert len(document["items"]) == 50
    assert all(item["status_label"] for item in document["items"])


def test_published_report_does_not_change_afterwards(world, client):
    section = world["section"]
    report = new_report(section)
    publish_through_review(report)
    live = AnnualReportPage.objects.get(pk=report.pk)
    before = report_document(live)
    page_before = client.get(live.url)
    assert page_before.status_code == 200
    # Afterwards: more entries published in the period, one withdrawn, manual figure changed.
    make_entry(section, "admissions", document_date="2026-11-25", publication_date="2026-11-25")
    take_transition(world["entries"]["sep1"], "withdraw", reviewer(), comment="更正")
    ReportFigure.objects.update(value=99)
    assert figures_of(world)["figures"]["entries_released"] == 6  # the report itself, the new one
    live = AnnualReportPage.objects.get(pk=report.pk)
    assert report_document(live) == before
    page_after = client.get(live.url)

    def main(response):  # the page outside <main> has a CSRF token (language switch)
        return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]

    assert main(page_after) == main(page_before)
    # A correction is a new version with recomputed figures, reviewed again.
    live.save_revision(user=reviewer())
    assert live.latest_revision.content["figures"]["figures"]["entries_released"] == 6
    assert report_document(AnnualReportPage.objects.get(pk=report.pk)) == before


def test_period_is_locked_once_published(world):
    report = new_report(world["section"])
    report.academic_year = YEAR - 1
    report.full_clean()  # before publication it may still change
    report.academic_year = YEAR
    publish_through_review(report)
    report = AnnualReportPage.objects.get(pk=report.pk)
    report.period_end = D("2027-07-31")
    with pytest.raises(ValidationError) as raised:
        report.full_clean()
    assert "period_end" in raised.value.message_dict
    report.period_end = None
    report.academic_year = YEAR + 1
    with pytest.raises(ValidationError) as raised:
        report.full_clean()
    assert "academic_year" in raised.value.message_dict


def test_one_report_per_academic_year(world):
    new_report(world["section"])
    second = AnnualReportPage(
        title="又一份", slug="again", academic_year=YEAR, department=world["jwc"]
    )
    category_page(world["section"], "basic").add_child(instance=second)
    with pytest.raises(ValidationError) as raised:
        second.full_clean()
    assert "academic_year" in raised.value.message_dict


def test_draft_report_is_not_public_and_published_one_is(world, client):
    narrative = {"type": "paragraph", "value": "<p>学校成立信息公开工作领导小组。</p>"}
    report = new_report(world["section"], report=[{"type": "overview", "value": [narrative]}])
    assert not report.live
    assert client.get(report.url).status_code == 404
    assert client.get(report.url + "print/").status_code == 404
    # Submitted and cleared, not yet published: still not public.
    publish_through_review(report, chain=("submit", "approve", "clear"))
    assert client.get(report.url).status_code == 404
    publish_through_review(report, chain=("publish",))
    response = client.get(report.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert report.title in html
    assert '<th scope="col">' in html and "<caption>" in html
    assert "<script" not in html.split("<main", 1)[1]
    # The catalogue lists it under item 6; the navigation points there.
    basic = category_page(world["section"], "basic")
    listing = client.get(f"{basic.url}?item=6").content.decode()
    assert report.url in listing
    key, _label, target = DEFAULT_NAVIGATION[4]
    assert (key, target) == ("annual-reports", "item:6")
    assert f'href="{basic.url}?item=6"' in html
    # The public search finds it by its narrative.
    found = client.get(world["section"].url + "search/", {"q": "领导小组"})
    assert report.url in found.content.decode()
    # Both APIs list it and give it, like every entry.
    entries = client.get("/api/disclosure/v1/entries", {"item": "6"})
    assert entries.status_code == 200
    assert report.title in [row["title"] for row in entries.json()["results"]]
    assert client.get(f"/api/disclosure/v1/entries/{report.pk}").status_code == 200
    v2 = client.get(f"/api/v2/pages/{report.pk}/")
    assert v2.status_code == 200 and v2.json()["academic_year"] == YEAR
    # The print page (a route of the page) renders the same report.
    printed = client.get(report.url + "print/")
    assert printed.status_code == 200
    assert report.title in printed.content.decode()


def test_admin_add_form_starts_with_the_outline(world, admin_client):
    basic = category_page(world["section"], "basic")
    response = admin_client.get(f"/admin/pages/add/wagtail_disclosure/annualreportpage/{basic.pk}/")
    assert response.status_code == 200
    form = response.context["form"]
    assert "checklist_item" not in form.fields  # always item 6
    assert form.instance._section_hint.pk == world["section"].pk
    assert [child.block_type for child in form.instance.report][0] == "overview"
    today = timezone.localdate()  # the academic year that ended last
    assert form.instance.academic_year == (today.year - 1 if today.month >= 9 else today.year - 2)


def test_preview_shows_figures_computed_now(world):
    report = new_report(world["section"])
    AnnualReportPage.objects.filter(pk=report.pk).update(figures={})
    report = AnnualReportPage.objects.get(pk=report.pk)
    response = report.make_preview_request()
    assert response.status_code == 200
    html = response.render().content.decode() if hasattr(response, "render") else ""
    assert "annual-report__preview" in html
    assert 'data-figure="entries_released"' in html
    assert '<strong class="annual-report__figure-value">4</strong>' in html


def admin_form(world, year, **extra):
    return nested_form_data(
        {
            "title": f"{year}学年报告",
            "slug": f"admin-report-{year}",
            "academic_year": year,
            "period_start": "",
            "period_end": "",
            "department": world["jwc"].pk,
            "document_number": "",
            "document_date": "2026-11-01",
            "publication_date": "",
            "summary": "",
            "keywords": "",
            "report": streamfield(
                [
                    (
                        "overview",
                        streamfield(
                            [
                                ("heading", "（一）制度机制建设"),
                                ("paragraph", rich_text("<p>正文。</p>")),
                                (
                                    "figure",
                                    {"figure": "entries_released", "reference": "", "label": ""},
                                ),
                            ]
                        ),
                    )
                ]
            ),
            **extra,
        }
    )


def test_saving_in_the_admin_freezes_the_figures(world, admin_client):
    basic = category_page(world["section"], "basic")
    url = reverse(
        "wagtailadmin_pages:add", args=("wagtail_disclosure", "annualreportpage", basic.pk)
    )
    response = admin_client.post(url, admin_form(world, YEAR))
    assert response.status_code == 302, response.content.decode()[:3000]
    report = AnnualReportPage.objects.get(slug=f"admin-report-{YEAR}")
    assert report.checklist_item.code == "6"
    content = report.latest_revision.content
    assert content["figures"]["figures"]["entries_released"] == 4
    document = report_document(report.latest_revision.as_object())
    figure = document["sections"][0]["blocks"][2]
    assert (figure["key"], figure["value"]) == ("entries_released", 4)
    # A second report of the same year in the section is refused by the form.
    response = admin_client.post(url, admin_form(world, YEAR, slug="again"))
    assert response.status_code == 200
    assert "academic_year" in response.context["form"].errors


def test_figure_blocks_must_name_existing_channels_and_figures(world, admin_client):
    def figure(key, reference):
        return {"type": "figure", "value": {"figure": key, "reference": reference, "label": ""}}

    stream = AnnualReportPage(title="x").report.stream_block.to_python(
        [
            {
                "type": "overview",
                "value": [
                    figure("channel", "wechat"),
                    figure("manual", "training_sessions"),
                    figure("channel", "carrier-pigeon"),
                    figure("manual", "no_such_key"),
                    figure("manual", ""),
                ],
            }
        ]
    )
    messages = figure_reference_errors(stream, YEAR)
    assert len(messages) == 3
    assert any("carrier-pigeon" in message for message in messages)
    assert any("no_such_key" in message for message in messages)
    # The office figure of YEAR is unknown in another academic year.
    assert len(figure_reference_errors(stream, YEAR - 1)) == 4
    # The admin form refuses them.
    basic = category_page(world["section"], "basic")
    url = reverse(
        "wagtailadmin_pages:add", args=("wagtail_disclosure", "annualreportpage", basic.pk)
    )
    data = admin_form(world, YEAR)
    data["report-0-value-2-value-reference"] = "no_such_key"
    data["report-0-value-2-value-figure"] = "manual"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "report" in response.context["form"].errors
    assert not AnnualReportPage.objects.filter(slug=f"admin-report-{YEAR}").exists()


@pytest.mark.browser
def test_report_page_in_a_browser(world, client, tmp_path):
    """The published page as Chromium shows it (the site's stylesheet inlined: no server
    runs here); written to docs/images/annual-report-page.png with
    $WAGTAIL_DISCLOSURE_UPDATE_SCREENSHOTS."""
    from pathlib import Path

    from demo_content import annual_report as demo

    from tests.browser import chromium, new_page, screenshot

    for key, label, value, unit, source in demo.FIGURES:
        ReportFigure.objects.update_or_create(
            academic_year=YEAR,
            key=key,
            defaults={"label": label, "value": value, "unit": unit, "source": source},
        )
    # The demo's narrative is about 2025-2026; this world's report is of YEAR.
    narrative = json.loads(
        json.dumps(demo.REPORT, ensure_ascii=False)
        .replace("2025年9月1日至2026年8月31日", f"{YEAR}年9月1日至{YEAR + 1}年8月31日")
        .replace("2025—2026", f"{YEAR}—{YEAR + 1}")
    )
    report = new_report(world["section"], report=narrative)
    publish_through_review(report)
    html = client.get(report.url).content.decode()
    css = Path(__file__).resolve().parent.parent / "wagtail_disclosure/static"
    css = (css / "wagtail_disclosure/css/disclosure.css").read_text(encoding="utf-8")
    html = re.sub(r'<link rel="stylesheet"[^>]*>', f"<style>{css}</style>", html, count=1)
    with chromium() as browser:
        page = new_page(browser)
        page.set_content(html)
        item_rows = page.locator('table[data-table="item_table"] tbody tr')
        assert item_rows.count() == 50
        released = page.locator('[data-figure="entries_released"] .annual-report__figure-value')
        assert released.inner_text() == "4"
        caption = page.locator('table[data-table="by_channel"] caption')
        assert caption.is_visible()
        training = page.locator('[data-figure="manual:training_sessions"]')
        assert training.inner_text().split() == ["信息公开专题培训：", "6", "场"]
        # The tables fit the page: they scroll in their own box, the page does not.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"]
        screenshot(page, "annual-report-page.png", tmp_path)
