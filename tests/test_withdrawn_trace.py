"""A withdrawn entry keeps a public trace only; a withheld entry leaves nothing.

The trace of a withdrawn entry is its title, 索引号, dates, references and the withdrawal
(date and reason). Its summary, body (with its document links), keywords, attachments and
their extracted text must be gone from every public answer: the page, the search page,
the empty-query listing, suggestions, the disclosure API and Wagtail's v2 API, and from
the search index, so that no search for those words finds the entry.

Every word below appears in exactly one place of the entry, so a leak names its source.
"""

import json
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from tests.utils import make_entry, publish_through_review, reviewer
from wagtail_disclosure.models import DisclosureAttachment
from wagtail_disclosure.search import segmentation
from wagtail_disclosure.workflow import import_as_published, take_transition

sys.path.insert(0, str(Path(__file__).parent / "files"))
from make_search_fixtures import docx_bytes, pdf_bytes  # noqa: E402

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

API = "/api/disclosure/v1/"
TITLE = "留痕测试条目"
REASON = "数据已更正故撤回"
#: Where each word is, and the word. Each is searchable on its own before withdrawal.
MARKERS = {
    "summary": "橙色沙漠",
    "body": "蓝鲸湖泊",
    "keyword": "紫藤峡谷",
    "pdf_text": "银杏隧道",
    "docx_text": "琥珀灯塔",
    "attachment_title": "蜂鸟档案",
    "document_link": "珊瑚码头",
}
#: Parts of the documents' file names, hence of their URLs.
FILE_NAMES = {
    "pdf": "silvertunnel.pdf",
    "docx": "amberlighthouse.docx",
    "linked": "coraldock.pdf",
}
LEAKS = [*MARKERS.values(), *(name.rsplit(".", 1)[0] for name in FILE_NAMES.values())]


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.WAGTAIL_DISCLOSURE_API_THROTTLE_RATE = None


@pytest.fixture
def section(shared_section):
    return shared_section


def document(filename, data, title):
    return Document.objects.create(title=title, file=ContentFile(data, name=filename))


@pytest.fixture
def entry(section, django_capture_on_commit_callbacks):
    """A published entry with a marker word in each of its non-trace parts."""
    linked = document(FILE_NAMES["linked"], pdf_bytes("链接文件"), "链接文件")
    page = make_entry(
        section,
        title=TITLE,
        publish=False,
        summary=f"概述：{MARKERS['summary']}。",
        body=[
            ("paragraph", f"<p>正文：{MARKERS['body']}。</p>"),
            ("document", {"document": linked, "title": MARKERS["document_link"]}),
        ],
    )
    page.keywords.add(MARKERS["keyword"])
    pdf = document(FILE_NAMES["pdf"], pdf_bytes(MARKERS["pdf_text"]), MARKERS["attachment_title"])
    docx = document(FILE_NAMES["docx"], docx_bytes([MARKERS["docx_text"]]), "说明文件")
    page.attachments.add(DisclosureAttachment(document=pdf))
    page.attachments.add(DisclosureAttachment(document=docx))
    page.save_revision()
    # Publishing queues the text extraction; run it as a worker would after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        import_as_published(page)
    page.refresh_from_db()
    texts = [a.extracted_text for a in DisclosureAttachment.objects.filter(page=page)]
    assert any(MARKERS["pdf_text"] in t for t in texts)
    assert any(MARKERS["docx_text"] in t for t in texts)
    return page


def withdraw(page, capture, withheld=False):
    """Withdraw as the disclosure office does, letting the after-commit work run."""
    with capture(execute=True):
        take_transition(page, "withdraw", reviewer(), comment=REASON, withheld=withheld)
    page.refresh_from_db()
    return page


def as_text(response):
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(response.content), ensure_ascii=False)
    return response.content.decode()


def leaks_in(text):
    return [word for word in LEAKS if word in text]


def search_page(client, section, q):
    response = client.get(section.url + "search/", {"q": q})
    assert response.status_code == 200
    return response


def found_on_search_page(client, section, q):
    return [row.entry.pk for row in search_page(client, section, q).context["results"]]


def suggestions(client, section, q):
    return client.get(section.url + "search/suggest/", {"q": q}).json()["suggestions"]


def api(client, path, **params):
    return client.get(API + path, params)


def api_search_ids(client, q):
    return [row["id"] for row in json.loads(api(client, "search", q=q).content)["results"]]


def v2_listing(client, **params):
    params = {"type": "wagtail_disclosure.DisclosureEntryPage", "fields": "*", **params}
    return client.get("/api/v2/pages/", params)


def v2_search_ids(client, q):
    """Entries Wagtail's v2 search finds for ``q`` as typed or as the bigrams our
    segmented search field holds (v2 does not segment the query)."""
    ids = set()
    for search in (q, " ".join(segmentation.word_tokens(segmentation.normalize(q)))):
        answer = v2_listing(client, search=search, search_operator="and")
        ids |= {item["id"] for item in json.loads(answer.content)["items"]}
    return sorted(ids)


def public_answers(client, section, page):
    """Every public answer that could show the entry, by name."""
    return {
        "page": client.get(page.url),
        "search by title": search_page(client, section, TITLE),
        "empty-query listing": search_page(client, section, ""),
        "suggestions by title": client.get(section.url + "search/suggest/", {"q": TITLE}),
        "API entries": api(client, "entries", page_size=100),
        "API detail": api(client, f"entries/{page.pk}"),
        "API search by title": api(client, "search", q=TITLE),
        "API search, no words": api(client, "search", page_size=100),
        "v2 detail": client.get(f"/api/v2/pages/{page.pk}/", {"fields": "*"}),
        "v2 listing": v2_listing(client),
        "v2 search by title": v2_listing(client, search=TITLE),
    }


# --- the setup really carries every marker ------------------------------------------------


def test_before_withdrawal_every_marker_is_public_and_searchable(client, section, entry):
    html = client.get(entry.url).content.decode()
    assert set(leaks_in(html)) == set(LEAKS) - {MARKERS["pdf_text"], MARKERS["docx_text"]}
    detail = as_text(api(client, f"entries/{entry.pk}"))
    assert MARKERS["summary"] in detail and MARKERS["keyword"] in detail
    assert MARKERS["body"] in detail and FILE_NAMES["pdf"].split(".")[0] in detail
    v2 = as_text(client.get(f"/api/v2/pages/{entry.pk}/", {"fields": "*"}))
    assert MARKERS["summary"] in v2 and MARKERS["keyword"] in v2 and MARKERS["body"] in v2
    for where, word in MARKERS.items():
        assert found_on_search_page(client, section, word) == [entry.pk], where
        assert suggestions(client, section, word) == [TITLE], where
        assert api_search_ids(client, word) == [entry.pk], where
        assert v2_search_ids(client, word) == [entry.pk], where
    # The empty-query listing shows a snippet of the summary.
    assert MARKERS["summary"] in search_page(client, section, "").content.decode()


# --- withdrawn: the trace only ---------------------------------------------------------------


def test_withdrawn_entry_shows_its_trace_only_everywhere(
    client, section, entry, django_capture_on_commit_callbacks
):
    withdraw(entry, django_capture_on_commit_callbacks)
    answers = public_answers(client, section, entry)
    for name, response in answers.items():
        assert response.status_code == 200, name
        assert leaks_in(as_text(response)) == [], name

    # The trace is there: the page says what, when and why.
    html = answers["page"].content.decode()
    assert TITLE in html and REASON in html and entry.index_number in html
    assert entry.document_date.isoformat() in html
    detail = json.loads(answers["API detail"].content)
    assert detail["withdrawn"] is True and detail["withdrawal"]["reason"] == REASON
    assert detail["summary"] == "" and detail["keywords"] == []
    assert detail["body"] == [] and detail["body_html"] == "" and detail["attachments"] == []
    v2 = json.loads(answers["v2 detail"].content)
    assert v2["summary"] == "" and v2["keywords"] == [] and v2["body"] == []
    assert v2["api_attachments"] == [] and v2["api_withdrawal"]["reason"] == REASON
    assert v2["index_number"] == entry.index_number
    # The empty-query listing and the title search still list it, with the reason.
    assert entry.pk in [row.entry.pk for row in answers["empty-query listing"].context["results"]]
    rows = answers["search by title"].context["results"]
    assert [row.entry.pk for row in rows] == [entry.pk] and rows[0].withdrawn
    assert REASON in str(rows[0].snippet)
    assert json.loads(answers["suggestions by title"].content)["suggestions"] == [TITLE]


def test_withdrawn_entry_is_found_by_title_and_index_number_only(
    client, section, entry, django_capture_on_commit_callbacks
):
    withdraw(entry, django_capture_on_commit_callbacks)
    for q in (TITLE, entry.index_number):
        assert found_on_search_page(client, section, q) == [entry.pk], q
        assert api_search_ids(client, q) == [entry.pk], q
    assert v2_search_ids(client, TITLE) == [entry.pk]
    for where, word in MARKERS.items():
        assert found_on_search_page(client, section, word) == [], where
        assert suggestions(client, section, word) == [], where
        assert api_search_ids(client, word) == [], where
        assert v2_search_ids(client, word) == [], where


def test_publishing_again_makes_the_entry_fully_searchable_again(
    client, section, entry, django_capture_on_commit_callbacks
):
    withdraw(entry, django_capture_on_commit_callbacks)
    assert found_on_search_page(client, section, MARKERS["body"]) == []
    entry.save_revision(user=reviewer())
    with django_capture_on_commit_callbacks(execute=True):
        publish_through_review(entry)
    assert entry.withdrawal is None
    assert found_on_search_page(client, section, MARKERS["body"]) == [entry.pk]
    assert MARKERS["body"] in client.get(entry.url).content.decode()


def test_rebuilding_the_index_keeps_the_trace_only(
    client, section, entry, django_capture_on_commit_callbacks
):
    """``update_index`` reads entries in chunks with their review row: same answer."""
    from django.core.management import call_command

    current = make_entry(section, title="仍然有效的条目", summary=f"概述{MARKERS['summary']}")
    withdraw(entry, django_capture_on_commit_callbacks)
    call_command("update_index", backend_name="default", verbosity=0)
    assert found_on_search_page(client, section, MARKERS["summary"]) == [current.pk]
    assert found_on_search_page(client, section, MARKERS["body"]) == []
    assert found_on_search_page(client, section, MARKERS["pdf_text"]) == []
    assert found_on_search_page(client, section, TITLE) == [entry.pk]


# --- withheld: nothing at all ------------------------------------------------------------


def test_withheld_entry_leaves_nothing(client, section, entry, django_capture_on_commit_callbacks):
    withdraw(entry, django_capture_on_commit_callbacks, withheld=True)
    assert entry.live is False
    answers = public_answers(client, section, entry)
    for name in ("page", "API detail", "v2 detail"):
        assert answers[name].status_code == 404, name
    for name, response in answers.items():
        text = as_text(response)
        assert leaks_in(text) == [], name
        assert REASON not in text, name
        if name == "API search by title":
            data = json.loads(response.content)
            assert data.pop("query") == TITLE  # the answer repeats the words asked for
            text = json.dumps(data, ensure_ascii=False)
        if name != "search by title":  # the search page repeats the query in its form
            assert TITLE not in text, name
    assert answers["search by title"].context["results"] == []
    for q in (TITLE, entry.index_number, *MARKERS.values()):
        assert found_on_search_page(client, section, q) == [], q
        assert suggestions(client, section, q) == [], q
        assert api_search_ids(client, q) == [], q
        assert v2_search_ids(client, q) == [], q


# --- without any search index ----------------------------------------------------------------


def test_last_resort_search_matches_the_trace_only(
    section, settings, django_capture_on_commit_callbacks
):
    """With only an unreachable search server, the ORM answers: title, 索引号, summary –
    never the summary of a withdrawn entry."""
    pytest.importorskip("elasticsearch", reason="needs the elasticsearch extra")
    from wagtail_disclosure.search.query import search_entries

    page = make_entry(section, title=TITLE, summary=f"概述：{MARKERS['summary']}。")
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch8",
            "URLS": ["http://127.0.0.1:1"],
            "TIMEOUT": 1,
            "OPTIONS": {"max_retries": 0},
        }
    }

    def found(q):
        outcome = search_entries(q, section=section)
        assert outcome.backend == "orm"
        return [entry.pk for entry in outcome.results]

    assert found(MARKERS["summary"]) == [page.pk]
    withdraw(page, django_capture_on_commit_callbacks)
    assert found(MARKERS["summary"]) == []
    assert found(TITLE) == [page.pk]
    assert found(page.index_number) == [page.pk]


def test_the_promote_description_is_no_part_of_the_trace(
    client, section, entry, django_capture_on_commit_callbacks
):
    """Wagtail's promote tab has a description (``search_description``) that editors write
    like a summary: the page's meta description and the v2 ``meta`` show it."""
    word = "翡翠栈道"
    entry.search_description = f"描述：{word}"
    entry.save_revision()
    publish_through_review(entry)
    assert word in client.get(entry.url).content.decode()
    v2 = json.loads(client.get(f"/api/v2/pages/{entry.pk}/").content)
    assert word in v2["meta"]["search_description"]

    withdraw(entry, django_capture_on_commit_callbacks)
    page = client.get(entry.url)
    assert page.status_code == 200 and REASON in page.content.decode()
    assert word not in page.content.decode()
    detail = client.get(f"/api/v2/pages/{entry.pk}/")
    assert detail.status_code == 200 and word not in as_text(detail)
    listing = client.get("/api/v2/pages/", {"type": "wagtail_disclosure.AdmissionsEntryPage",
                                            "fields": "search_description"})
    assert listing.status_code == 200 and word not in as_text(listing)
