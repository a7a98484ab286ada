"""The public read API (issue #5): endpoints, visibility, errors, caching, limits, CORS.

Everything goes through Django's test client against the real URLconf; content is built
with the helpers of tests/utils.py and published through the review workflow.
"""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.frontend_cache.backends.base import BaseBackend
from wagtail.documents import get_document_model
from wagtail.models import ModelLogEntry, Page, PageViewRestriction

from tests.utils import (
    build_once,
    fresh,
    make_department,
    make_entry,
    make_section,
    publish_through_review,
    reviewer,
)
from wagtail_disclosure.models import (
    ChecklistItem,
    DisclosureAttachment,
    EntryReview,
    PublicChange,
    ReleaseChannel,
)
from wagtail_disclosure.workflow import take_transition

pytestmark = pytest.mark.django_db

API = "/api/disclosure/v1/"


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    """Tests that are not about the rate limit must not run into it."""
    settings.WAGTAIL_DISCLOSURE_API_THROTTLE_RATE = None


def get(client, path, **kwargs):
    return client.get(API + path, **kwargs)


def body(response):
    return json.loads(response.content)


def text(response):
    """The answer as text with every character as itself (JSON escapes non-ASCII)."""
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(body(response), ensure_ascii=False)
    return response.content.decode()


@pytest.fixture
def section(shared_section):
    return shared_section


def make_departments():
    return make_department("JWC", "教务处", phone="010-1234", email="jwc@example.edu.cn"), (
        make_department("CWC", "财务处", contact_person="李会计")
    )


@pytest.fixture
def departments():
    return make_departments()


def build_published(section):
    """Three public entries in two categories and two departments."""
    jwc, cwc = make_departments()
    return {
        "rules": make_entry(
            section,
            "admissions",
            title="2026年本科招生章程",
            department=jwc,
            summary="本科招生的章程",
            document_date="2026-03-01",
            publication_date="2026-03-05",
            admission_year=2026,
            education_level="undergraduate",
        ),
        "budget": make_entry(
            section,
            "finance",
            title="2025年部门决算",
            department=cwc,
            summary="决算公开",
            document_date="2025-07-01",
            publication_date="2025-07-10",
            body=[("paragraph", "<p>部门决算说明全文。</p>")],
            fiscal_year=2025,
            validity="expired",
            validity_changed_on="2026-01-01",
        ),
        "charter": make_entry(
            section,
            "basic",
            title="学校章程",
            department=jwc,
            document_number="校发〔2025〕1号",
            document_date="2025-01-01",
            publication_date="2025-01-02",
        ),
    }


@pytest.fixture(scope="module")
def _published_once(request, _section_once, django_db_blocker):
    yield from build_once(request, django_db_blocker, build_published, _section_once)


@pytest.fixture
def published(section, _published_once):
    return fresh(_published_once)


# --- every kind of entry the public may not see ---------------------------------------

HIDDEN_TITLES = {
    "draft": "草稿条目甲",
    "in_review": "审核中条目乙",
    "withheld": "已撤回不留痕条目丙",
    "campus": "校内公开条目丁",
    "on_request": "依申请公开条目戊",
    "exempt": "不予公开条目己",
    "restricted": "受限访问条目庚",
}
INTERNAL_TEXT = {
    "restriction": "内部限制理由ABC",
    "comment": "内部审核意见XYZ",
    "reviewer": "secret-reviewer-zhang",
    "withheld_reason": "误发个人信息QRS",
    "draft": "未发布的草稿修改DEF",
}


def build_hidden(section):
    make_departments()
    entries = {}
    entries["draft"] = make_entry(section, "basic", title=HIDDEN_TITLES["draft"], publish=False)
    entries["in_review"] = make_entry(
        section, "basic", title=HIDDEN_TITLES["in_review"], publish=False
    )
    take_transition(entries["in_review"], "submit", reviewer())
    entries["withheld"] = publish_through_review(
        make_entry(section, "basic", title=HIDDEN_TITLES["withheld"], publish=False)
    )
    take_transition(
        entries["withheld"],
        "withdraw",
        reviewer(),
        comment=INTERNAL_TEXT["withheld_reason"],
        withheld=True,
    )
    entries["campus"] = make_entry(
        section,
        "students",
        title=HIDDEN_TITLES["campus"],
        audience="campus",
        restriction_reason=INTERNAL_TEXT["restriction"],
    )
    entries["on_request"] = make_entry(
        section,
        "finance",
        title=HIDDEN_TITLES["on_request"],
        disclosure_mode="on_request",
        restriction_reason=INTERNAL_TEXT["restriction"],
    )
    entries["exempt"] = make_entry(
        section,
        "personnel",
        title=HIDDEN_TITLES["exempt"],
        disclosure_mode="exempt",
        exemption_basis="privacy",
        restriction_reason=INTERNAL_TEXT["restriction"],
    )
    entries["restricted"] = make_entry(section, "teaching", title=HIDDEN_TITLES["restricted"])
    PageViewRestriction.objects.create(
        page=entries["restricted"], restriction_type="password", password="secret"
    )
    return entries


@pytest.fixture(scope="module")
def _hidden_once(request, _section_once, django_db_blocker):
    yield from build_once(request, django_db_blocker, build_hidden, _section_once)


@pytest.fixture
def hidden(section, _hidden_once):
    return fresh(_hidden_once)


@pytest.fixture
def internal_data(section, published):
    """A public entry with an internal review comment, a named reviewer and a draft."""
    user = get_user_model().objects.create(
        username=INTERNAL_TEXT["reviewer"], is_superuser=True, is_staff=True
    )
    entry = published["charter"]
    entry.title = INTERNAL_TEXT["draft"]
    entry.summary = INTERNAL_TEXT["draft"]
    entry.save_revision(user=user)  # a new version: review starts over, live one stays
    take_transition(entry, "submit", user)
    take_transition(entry, "reject", user, comment=INTERNAL_TEXT["comment"])
    entry.refresh_from_db()
    assert entry.live and entry.review.last_comment == INTERNAL_TEXT["comment"]
    return entry


# --- sections, departments ------------------------------------------------------------


def test_sections_list_the_published_sections(client, section):
    make_section(slug="draft-section", title="未发布专栏", site_root=False).unpublish()
    response = get(client, "sections")
    assert response.status_code == 200
    rows = body(response)
    assert [row["id"] for row in rows] == [section.pk]
    assert rows[0]["checklist"]["code"] == "moe-2014"
    assert rows[0]["url"].startswith("http://")
    assert rows[0]["search_url"].endswith("/search/")


def test_departments_list_active_ones_with_public_contact_details(client, departments):
    make_department("OLD", "已撤销单位", is_active=False)
    rows = body(get(client, "departments"))
    assert {row["short_code"] for row in rows} == {"JWC", "CWC"}
    jwc = next(row for row in rows if row["short_code"] == "JWC")
    assert jwc["phone"] == "010-1234" and jwc["email"] == "jwc@example.edu.cn"
    # A named person is not a public contact detail.
    assert "李会计" not in text(get(client, "departments"))


# --- catalogue ------------------------------------------------------------------------


def test_catalogue_gives_status_count_department_and_latest_entries(client, published):
    item = ChecklistItem.objects.get(category__key="international", code="47")
    item.not_applicable_reason = "我校暂无中外合作办学项目"
    item.save()
    data = body(get(client, "catalogue"))
    assert len(data["categories"]) == 10
    items = {i["code"]: i for c in data["categories"] for i in c["items"]}
    admissions = next(c for c in data["categories"] if c["key"] == "admissions")
    assert admissions["published_count"] == 1 and admissions["url"]
    row = items[published["rules"].checklist_item.code]
    assert row["status"] == "published" and row["entry_count"] == 1
    assert row["department"]["short_code"] == "JWC"
    assert row["latest_entries"][0]["title"] == "2026年本科招生章程"
    assert row["last_updated"]
    assert items["47"]["status"] == "not_applicable"
    assert items["47"]["not_applicable_reason"] == "我校暂无中外合作办学项目"
    assert items["48"]["status"] == "not_yet_published"
    assert items["48"]["not_applicable_reason"] is None


def test_catalogue_of_an_unknown_section_is_a_400(client, section):
    response = get(client, "catalogue?section=999999")
    assert response.status_code == 400
    assert body(response)["error"]["details"][0]["field"] == "section"


def test_without_any_section_the_answer_is_a_json_404(client):
    response = get(client, "entries")
    assert response.status_code == 404
    assert body(response)["error"]["code"] == "not_found"


# --- entries list ---------------------------------------------------------------------


def titles(response):
    assert response.status_code == 200, response.content
    return [row["title"] for row in body(response)["results"]]


def test_entries_are_listed_newest_first_with_summary_fields(client, published):
    data = body(get(client, "entries"))
    assert data["count"] == 3 and data["page"] == 1 and data["num_pages"] == 1
    assert [row["title"] for row in data["results"]] == [
        "2026年本科招生章程",
        "2025年部门决算",
        "学校章程",
    ]
    row = data["results"][0]
    assert row["category"]["key"] == "admissions"
    assert row["department"] == {
        "id": published["rules"].department_id,
        "short_code": "JWC",
        "name": "教务处",
    }
    assert row["index_number"].startswith("19999-02-2026-")
    assert row["validity"]["value"] == "valid"
    assert row["api_url"].endswith(f"{API}entries/{published['rules'].pk}")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=finance", ["2025年部门决算"]),
        ("department=CWC", ["2025年部门决算"]),
        ("year=2025", ["2025年部门决算", "学校章程"]),
        ("validity=expired", ["2025年部门决算"]),
        ("category=basic&department=JWC", ["学校章程"]),
    ],
)
def test_entries_filters(client, published, query, expected):
    assert titles(get(client, f"entries?{query}")) == expected


def test_entries_filters_by_ids_and_item_code(client, published):
    budget = published["budget"]
    assert titles(get(client, f"entries?department={budget.department_id}")) == ["2025年部门决算"]
    category_id = budget.checklist_item.category_id
    assert titles(get(client, f"entries?category={category_id}")) == ["2025年部门决算"]
    rules = published["rules"]
    code = rules.checklist_item.code
    assert titles(get(client, f"entries?category=admissions&item={code}")) == ["2026年本科招生章程"]


def test_entries_updated_since(client, published):
    later = timezone.now() + datetime.timedelta(minutes=1)
    assert titles(get(client, "entries", data={"updated_since": later.isoformat()})) == []
    earlier = timezone.now() - datetime.timedelta(days=1)
    assert len(titles(get(client, "entries", data={"updated_since": earlier.isoformat()}))) == 3


def test_entries_pagination_with_links_and_a_capped_page_size(client, section, settings):
    for number in range(5):
        make_entry(
            section, "basic", title=f"分页条目{number}", publication_date=f"2025-01-0{number + 1}"
        )
    data = body(get(client, "entries?page_size=2&page=2"))
    assert data["count"] == 5 and data["num_pages"] == 3 and data["page_size"] == 2
    assert [row["title"] for row in data["results"]] == ["分页条目2", "分页条目1"]
    assert data["next"].endswith("entries?page_size=2&page=3")
    assert data["previous"].endswith("entries?page_size=2&page=1")
    assert body(get(client, "entries?page_size=2&page=3"))["next"] is None
    settings.WAGTAIL_DISCLOSURE_API_MAX_PAGE_SIZE = 3
    capped = body(get(client, "entries?page_size=50"))
    assert capped["page_size"] == 3 and len(capped["results"]) == 3
    settings.WAGTAIL_DISCLOSURE_API_PAGE_SIZE = 4
    assert len(body(get(client, "entries"))["results"]) == 3  # the cap applies to the default
    response = get(client, "entries?page=9")
    assert response.status_code == 404 and body(response)["error"]["message"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("year=abc", "year"),
        ("page=0", "page"),
        ("page_size=0", "page_size"),
        ("category=nonexistent", "category"),
        ("item=no-such-item", "item"),
        ("department=NOPE", "department"),
        ("validity=forever", "validity"),
        ("updated_since=garbage", "updated_since"),
        ("section=abc", "section"),
    ],
)
def test_bad_filter_values_are_a_400_with_a_message(client, published, query, field):
    for endpoint in ("entries", "search"):
        if endpoint == "search" and field == "updated_since":
            continue
        response = get(client, f"{endpoint}?{query}")
        assert response.status_code == 400, (endpoint, response.content)
        error = body(response)["error"]
        assert error["code"] == "invalid"
        assert field in error["message"]
        assert any(row["field"] == field for row in error["details"])
        assert "ETag" not in response and "public" not in response.get("Cache-Control", "")


# --- entry detail ---------------------------------------------------------------------


def test_entry_detail_has_metadata_body_attachments_and_category_fields(client, section):
    Document = get_document_model()
    document = Document.objects.create(
        title="招生计划表", file=ContentFile(b"a,b\n1,2\n", name="plan.csv")
    )
    entry = make_entry(
        section,
        "admissions",
        publish=False,
        title="2026年招生计划",
        summary="分省招生计划",
        document_number="校招〔2026〕3号",
        admission_year=2026,
        education_level="undergraduate",
        body=[
            ("heading", {"text": "招生计划", "level": "h2"}),
            ("paragraph", "<p>各省计划见附件。</p>"),
        ],
        attachments=[DisclosureAttachment(document=document, title="附件一：计划表")],
    )
    entry.keywords.add("招生")
    entry.channels.add(ReleaseChannel.objects.get(code="website"))
    entry.save_revision()
    publish_through_review(entry)
    response = get(client, f"entries/{entry.pk}")
    assert response.status_code == 200, response.content
    data = body(response)
    assert data["title"] == "2026年招生计划"
    assert data["document_number"] == "校招〔2026〕3号"
    assert data["disclosure_mode"]["value"] == "active" and data["disclosure_mode"]["label"]
    assert data["audience"]["value"] == "public"
    assert data["keywords"] == ["招生"]
    assert data["channels"][0]["code"] == "website"
    assert data["section"]["id"] == section.pk
    assert "各省计划见附件。" in data["body_html"] and "<h2" in data["body_html"]
    assert [block["type"] for block in data["body"]] == ["heading", "paragraph"]
    [attachment] = data["attachments"]
    assert attachment["title"] == "附件一：计划表"
    assert attachment["file_type"] == "csv" and attachment["file_size"] == 8
    assert attachment["content_type"] == "text/csv"
    assert client.get(attachment["url"]).status_code == 200  # served: the entry is public
    fields = {row["name"]: row for row in data["category_fields"]}
    assert fields["admission_year"]["value"] == 2026
    assert fields["education_level"]["value"] == "undergraduate"
    assert fields["education_level"]["display"]
    assert data["withdrawal"] is None


def test_withdrawn_entry_keeps_a_public_trace(client, published):
    entry = published["budget"]
    v2_url = f"/api/v2/pages/{entry.pk}/?fields=body,api_attachments,api_withdrawal"
    assert "部门决算说明全文" in text(client.get(v2_url))
    take_transition(entry, "withdraw", reviewer(), comment="数据已更新")
    data = body(get(client, f"entries/{entry.pk}"))
    assert data["withdrawn"] is True
    assert data["withdrawal"]["reason"] == "数据已更新"
    assert data["summary"] == "" and data["body"] == [] and data["attachments"] == []
    # Wagtail's v2 API shows the same trace: no body, no attachments.
    v2 = body(client.get(v2_url))
    assert v2["body"] == [] and v2["api_attachments"] == []
    assert v2["api_withdrawal"]["reason"] == "数据已更新"
    assert "2025年部门决算" not in titles(get(client, "entries"))
    catalogue = text(get(client, "catalogue"))
    assert "2025年部门决算" not in catalogue


@pytest.mark.parametrize("kind", sorted(HIDDEN_TITLES))
def test_entries_the_public_may_not_see_are_404_and_absent_everywhere(client, hidden, kind):
    entry = hidden[kind]
    response = get(client, f"entries/{entry.pk}")
    assert response.status_code == 404
    assert body(response)["error"]["code"] == "not_found"
    title = HIDDEN_TITLES[kind]
    for path in (
        "entries?page_size=100",
        "catalogue",
        f"search?q={title}",
        "search?page_size=100",
    ):
        response = get(client, path)
        assert response.status_code == 200, (path, response.content)
        data = body(response)
        if isinstance(data, dict):
            data.pop("query", None)  # search repeats the words it was asked for
        assert title not in json.dumps(data, ensure_ascii=False), path


def test_no_internal_field_in_any_answer(client, section, published, hidden, internal_data):
    take_transition(published["budget"], "withdraw", reviewer(), comment="公开的撤回说明")
    paths = [
        "sections",
        "departments",
        "catalogue",
        "entries?page_size=100",
        "search?page_size=100",
        "search?q=章程",
        f"entries/{internal_data.pk}",
        f"entries/{published['budget'].pk}",
        f"entries/{published['rules'].pk}",
        *(f"entries/{entry.pk}" for entry in hidden.values()),
    ]
    for path in paths:
        answer = text(get(client, path))
        for name, secret in INTERNAL_TEXT.items():
            assert secret not in answer, (path, name)
        for word in ("restriction_reason", "last_comment", "exemption_basis", "owner"):
            assert word not in answer, (path, word)
    # The public part of the OpenAPI document declares no internal field either.
    schema = body(get(client, "openapi.json"))["components"]["schemas"]
    public = json.dumps(
        {name: schema[name] for name in ("EntryDetail", "SearchOut", "CatalogueOut")}
    )
    for word in ("restriction", "comment", "reviewer", "owner", "revision", "exemption"):
        assert word not in public, word
    # The live version is served, not the draft.
    detail = body(get(client, f"entries/{internal_data.pk}"))
    assert detail["title"] == "学校章程"


def test_entry_ids_out_of_range_are_404_or_400(client, published):
    assert get(client, "entries/99999999").status_code == 404
    assert get(client, "entries/abc").status_code == 400


# --- search ---------------------------------------------------------------------------


def test_search_finds_highlights_and_filters(client, published):
    data = body(get(client, "search?q=章程"))
    assert data["fallback"] is False and data["sort"] == "relevance"
    assert {row["title"] for row in data["results"]} == {"2026年本科招生章程", "学校章程"}
    hit = next(row for row in data["results"] if row["title"] == "学校章程")
    assert hit["title_html"] == "学校<mark>章程</mark>"
    filtered = body(get(client, "search?q=章程&category=basic"))
    assert [row["title"] for row in filtered["results"]] == ["学校章程"]
    oldest = body(get(client, "search?sort=oldest"))
    assert oldest["results"][0]["title"] == "学校章程" and oldest["count"] == 3


def test_search_says_when_the_count_stops_at_the_limit(client, published, monkeypatch):
    from wagtail_disclosure.search import query as search_query

    data = body(get(client, "search?q=章程"))
    assert data["count"] == 2 and data["truncated"] is False
    monkeypatch.setattr(search_query, "MAX_RESULTS", 1)
    cache.clear()  # the same request and content state: the answer was kept
    data = body(get(client, "search?q=章程"))
    assert data["count"] == 1 and data["truncated"] is True
    assert len(data["results"]) == 1


def test_search_escapes_html_in_titles(client, section):
    make_entry(section, "basic", title="<b>章程</b>修订")
    hit = body(get(client, "search?q=章程"))["results"][0]
    assert "<b>" not in hit["title_html"] and "&lt;b&gt;" in hit["title_html"]


def test_search_falls_back_when_the_search_server_fails(client, published, settings):
    pytest.importorskip("elasticsearch", reason="needs the elasticsearch extra")
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "wagtail.search.backends.database"},
        "broken": {
            "BACKEND": "wagtail.search.backends.elasticsearch8",
            "URLS": ["http://127.0.0.1:9"],
            "TIMEOUT": 1,
            "OPTIONS": {"max_retries": 0},
        },
    }
    settings.WAGTAIL_DISCLOSURE_SEARCH_BACKEND = "broken"
    data = body(get(client, "search?q=章程"))
    assert data["fallback"] is True
    assert {row["title"] for row in data["results"]} == {"2026年本科招生章程", "学校章程"}


# --- query counts ---------------------------------------------------------------------


@pytest.fixture
def no_kept_answers(settings):
    """Every request builds its answer: what these tests count (a repeated request would
    otherwise be answered from the server cache with the state query alone)."""
    settings.WAGTAIL_DISCLOSURE_PAGE_SERVER_CACHE_SECONDS = 0


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = get(client, path)
    assert response.status_code == 200, response.content
    return len(queries)


def test_query_counts_do_not_grow_with_the_page_size(
    client, section, departments, no_kept_answers
):
    for number in range(12):
        make_entry(
            section,
            ("basic", "admissions", "finance")[number % 3],
            title=f"章程条目{number}",
            department=departments[number % 2],
        )
    for path in ("entries?page_size={}", "search?q=章程&page_size={}", "search?page_size={}"):
        # The first request of a list also reads the item figures it counts with, and keeps
        # them (catalogue.public_item_figures); the next ones read only the latest changes.
        count_queries(client, path.format(2))
        small = count_queries(client, path.format(5))  # 5 of the 12 entries
        large = count_queries(client, path.format(50))  # all 12
        assert small == large, path
    client.get("/")  # warm caches that are not the API's
    # 13: the items' figures are read once (the latest public changes, then the counts),
    # and kept: asked again with nothing changed, the counts are not read.
    assert count_queries(client, "catalogue") <= 13
    assert count_queries(client, "catalogue") <= 12


def test_catalogue_queries_do_not_grow_with_entries(
    client, section, departments, no_kept_answers
):
    make_entry(section, "basic", title="条目")
    few = count_queries(client, "catalogue")
    for number in range(8):
        make_entry(section, ("basic", "finance")[number % 2], department=departments[number % 2])
    assert count_queries(client, "catalogue") == few


# --- HTTP caching ---------------------------------------------------------------------


def validators(response):
    assert response.status_code == 200, response.content
    return response["ETag"], response["Last-Modified"]


@pytest.mark.parametrize(
    "path", ["sections", "departments", "catalogue", "entries", "search?q=章程", "entries/{id}"]
)
def test_every_public_get_has_validators_and_answers_304(client, published, path, settings):
    settings.WAGTAIL_DISCLOSURE_API_CACHE_MAX_AGE = 120
    path = path.format(id=published["rules"].pk)
    response = get(client, path)
    etag, last_modified = validators(response)
    assert "public" in response["Cache-Control"] and "max-age=120" in response["Cache-Control"]
    assert "Accept-Language" in response["Vary"]
    not_modified = get(client, path, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert get(client, path, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert get(client, path, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_304_is_answered_before_the_body_is_built(client, published):
    etag, _ = validators(get(client, "catalogue"))
    with CaptureQueriesContext(connection) as queries:
        response = get(client, "catalogue", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert sum("wagtail_disclosure_checklistitem" in q["sql"] for q in queries) == 0


def test_etag_depends_on_the_query_string_and_language(client, published):
    etag, _ = validators(get(client, "entries"))
    assert validators(get(client, "entries?page_size=1"))[0] != etag
    assert validators(get(client, "entries", HTTP_ACCEPT_LANGUAGE="en"))[0] != etag


def queries_of(client, path, **kwargs):
    """The answer to ``path`` and the SQL it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = get(client, path, **kwargs)
    assert response.status_code == 200, response.content
    return response, [q["sql"] for q in queries]


def test_a_repeated_request_is_answered_from_the_server_cache(client, section, published, settings):
    settings.WAGTAIL_DISCLOSURE_PAGE_SERVER_CACHE_SECONDS = 3600
    first, built = queries_of(client, "entries?page_size=2")
    assert body(first)["count"] == 3 and len(built) > 2, built
    again, kept = queries_of(client, "entries?page_size=2")
    # Only the content state is read: the answer is the one kept, with the same validators.
    assert len(kept) == 1 and "wagtail_disclosure_publicchange" in kept[0], kept
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"]
    assert get(client, "entries?page_size=2", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    # Another language, another host or other parameters are answers of their own.
    for path, headers in [
        ("entries?page_size=2", {"HTTP_ACCEPT_LANGUAGE": "en"}),
        ("entries?page_size=2", {"HTTP_HOST": "localhost"}),
        ("entries?page_size=1", {}),
    ]:
        _response, built_again = queries_of(client, path, **headers)
        assert len(built_again) > 2, (path, headers)

    # A publication is in the next answer.
    draft = make_entry(section, "basic", title="新发布的条目", publish=False)
    publish_through_review(draft)
    after, built_after = queries_of(client, "entries?page_size=2")
    assert len(built_after) > 2
    assert body(after)["count"] == 4 and body(after)["results"][0]["title"] == "新发布的条目"


def test_answers_kept_by_another_version_of_the_package_are_not_served(
    client, published, settings, monkeypatch
):
    import wagtail_disclosure

    settings.WAGTAIL_DISCLOSURE_PAGE_SERVER_CACHE_SECONDS = 3600
    queries_of(client, "entries")
    assert len(queries_of(client, "entries")[1]) == 1  # kept
    monkeypatch.setattr(wagtail_disclosure, "__version__", "99.0")  # as after an upgrade
    assert len(queries_of(client, "entries")[1]) > 2


def test_the_server_cache_off_builds_every_answer(client, published, settings):
    settings.WAGTAIL_DISCLOSURE_PAGE_SERVER_CACHE_SECONDS = 0
    first, built = queries_of(client, "entries?page_size=2")
    again, built_again = queries_of(client, "entries?page_size=2")
    assert len(built) > 2 and len(built_again) > 2 and again.content == first.content


def test_a_kept_answer_does_not_lift_the_rate_limit(client, published, settings):
    settings.WAGTAIL_DISCLOSURE_PAGE_SERVER_CACHE_SECONDS = 3600
    settings.WAGTAIL_DISCLOSURE_API_THROTTLE_RATE = "2/min"
    assert [get(client, "catalogue").status_code for _ in range(3)] == [200, 200, 429]


def a_second_later(state):
    """What waiting a second does to the validators, without the wait: every timestamp the
    API's state is made of (``api.caching.content_state``) moves two seconds into the past.
    Returns ``state()`` then, and checks that its Last-Modified did move."""
    before = state()
    back = datetime.timedelta(seconds=2)
    Page.objects.exclude(last_published_at=None).update(
        last_published_at=F("last_published_at") - back
    )
    EntryReview.objects.exclude(state_changed_at=None).update(
        state_changed_at=F("state_changed_at") - back
    )
    ModelLogEntry.objects.update(timestamp=F("timestamp") - back)
    PublicChange.objects.update(at=F("at") - back)
    after = state()
    assert after[1] != before[1], "a timestamp of the API's state was not moved back"
    return after


def test_validators_change_on_publish_withdraw_withhold_and_department_edit(
    client, section, published, admin_client
):
    def state():
        return validators(get(client, "entries"))

    first = state()
    first = a_second_later(state)  # Last-Modified has a resolution of one second
    draft = make_entry(section, "basic", title="新条目", publish=False)
    publish_through_review(draft)
    after_publish = state()
    assert after_publish[0] != first[0] and after_publish[1] != first[1]
    assert get(client, "entries", HTTP_IF_NONE_MATCH=first[0]).status_code == 200
    assert get(client, "entries", HTTP_IF_MODIFIED_SINCE=first[1]).status_code == 200

    after_publish = a_second_later(state)
    take_transition(draft, "withdraw", reviewer(), comment="撤回")
    after_withdraw = state()
    assert after_withdraw[0] != after_publish[0] and after_withdraw[1] != after_publish[1]

    take_transition(published["budget"], "withdraw", reviewer(), comment="x", withheld=True)
    after_withheld = state()
    assert after_withheld[0] != after_withdraw[0]

    department = published["rules"].department
    response = admin_client.post(
        reverse("disclosure_departments:edit", args=[department.pk]),
        {"name": "本科生院", "short_code": "JWC", "sort_order": 0, "is_active": "on"},
    )
    assert response.status_code == 302, response.content[:2000]
    after_edit = state()
    assert after_edit[0] != after_withheld[0]
    assert "本科生院" in text(get(client, "entries"))


def test_errors_are_not_cacheable(client, section):
    response = get(client, "entries/424242")
    assert response.status_code == 404
    assert "ETag" not in response and "max-age" not in response.get("Cache-Control", "")


# --- front-end cache purging ----------------------------------------------------------


class RecordingBackend(BaseBackend):
    """A stand-in for a CDN: records the URLs it is asked to purge."""

    purged = []

    def purge(self, url):
        self.purged.append(url)


def test_publish_and_withdraw_purge_the_api_urls(
    section, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILFRONTENDCACHE = {"test": {"BACKEND": "tests.test_api_public.RecordingBackend"}}
    RecordingBackend.purged.clear()
    entry = make_entry(section, "basic", title="待发布", publish=False)
    with django_capture_on_commit_callbacks(execute=True):
        publish_through_review(entry)
    expected = {
        f"http://localhost{API}catalogue",
        f"http://localhost{API}entries",
        f"http://localhost{API}entries/{entry.pk}",
        f"http://localhost{API}catalogue?section={section.pk}",
    }
    assert expected <= set(RecordingBackend.purged), RecordingBackend.purged
    RecordingBackend.purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        take_transition(entry, "withdraw", reviewer(), comment="撤回")
    assert f"http://localhost{API}entries/{entry.pk}" in RecordingBackend.purged
    # the page stays live as a trace: its cached copy, body and all, is purged too
    entry.refresh_from_db()
    assert entry.live and entry.full_url in RecordingBackend.purged, RecordingBackend.purged


# --- rate limit -----------------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after(client, published, settings):
    settings.WAGTAIL_DISCLOSURE_API_THROTTLE_RATE = "3/min"
    for _ in range(3):
        assert get(client, "departments").status_code == 200
    response = get(client, "entries")
    assert response.status_code == 429
    assert body(response)["error"]["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60
    # Conditional requests count as well.
    assert get(client, "departments", HTTP_IF_NONE_MATCH="*").status_code == 429
    # Another client is not affected; no limit at all with None.
    assert get(client, "entries", REMOTE_ADDR="10.0.0.2").status_code == 200
    settings.WAGTAIL_DISCLOSURE_API_THROTTLE_RATE = None
    assert get(client, "entries").status_code == 200


# --- CORS -----------------------------------------------------------------------------


def test_cors_preflight_and_simple_get(client, published):
    origin = "https://portal.example.org"
    preflight = client.options(
        API + "entries",
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] in ("*", origin)
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    response = get(client, "entries", HTTP_ORIGIN=origin)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] in ("*", origin)
    assert "ETag" in response["Access-Control-Expose-Headers"]
    # Only the API: pages are not opened to other origins.
    assert "Access-Control-Allow-Origin" not in client.get("/", HTTP_ORIGIN=origin)


# --- OpenAPI and the docs page --------------------------------------------------------


def test_openapi_documents_every_public_endpoint_with_its_errors(client):
    schema = body(client.get(API + "openapi.json"))
    for name in ("sections", "catalogue", "entries", "entries/{entry_id}", "search", "departments"):
        responses = schema["paths"][f"/{API.strip('/')}/{name}".replace("//", "/")]["get"][
            "responses"
        ]
        assert {"200", "400", "404", "429"} <= set(responses), name
        assert responses["400"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/ErrorOut"
        )


def test_swagger_docs_page_uses_local_static_files(client):
    response = client.get(API + "docs/")
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in response.content.decode()


# --- Wagtail's v2 pages API -----------------------------------------------------------


def test_v2_pages_api_hides_entries_that_are_not_public(client, published, hidden):
    listing = client.get("/api/v2/pages/?type=wagtail_disclosure.DisclosureEntryPage&limit=20")
    assert listing.status_code == 200
    listed = {row["title"] for row in body(listing)["items"]}
    assert {"2026年本科招生章程", "学校章程"} <= listed
    assert not listed & set(HIDDEN_TITLES.values())
    for kind in ("campus", "on_request", "exempt"):
        assert client.get(f"/api/v2/pages/{hidden[kind].pk}/").status_code == 404
    detail = body(client.get(f"/api/v2/pages/{published['rules'].pk}/"))
    assert detail["index_number"] == published["rules"].index_number
    assert detail["api_department"]["short_code"] == "JWC"
    assert detail["admission_year"] == 2026
    v2_detail = text(client.get(f"/api/v2/pages/{published['rules'].pk}/?fields=*"))
    assert "restriction_reason" not in v2_detail
    # Wagtail's own PagesAPIViewSet lists live pages without view restrictions, which
    # includes this entry: that is why the subclass is needed.
    assert Page.objects.live().public().filter(pk=hidden["campus"].pk).exists()


def test_system_check_knows_ninja_is_needed():
    # Removing an app at run time would rebuild the URLconf and mount the API twice, so
    # the check's behaviour for a missing app is left to manage.py; here: it is listed,
    # and satisfied in these settings.
    from wagtail_disclosure.checks import REQUIRED_APPS, required_apps_check

    assert "ninja" in REQUIRED_APPS
    assert not [m for m in required_apps_check(None) if "'ninja'" in m.msg]


@pytest.mark.parametrize(
    "query", ["q=%00", "category=a%00b", "item=%00", "department=J%00WC", "q=" + "长" * 201]
)
def test_text_parameters_postgres_cannot_store_are_a_400(client, published, query):
    response = get(client, f"search?{query}")
    assert response.status_code == 400, response.content
    assert body(response)["error"]["code"] == "invalid"
