"""Search on text written as real disclosure pages write it (issue 12).

Words split by punctuation inside a phrase, partial matches ranked below full ones, literal
matches above synonyms, honest empty queries, snippets from clean text and a constant
number of queries for a page of results.
"""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.documents.models import Document

from tests.utils import make_entry
from wagtail_disclosure.extraction import stream_text
from wagtail_disclosure.models import DisclosureAttachment
from wagtail_disclosure.search import segmentation
from wagtail_disclosure.search.highlight import entry_snippet, mark
from wagtail_disclosure.search.query import UNSEARCHABLE_MESSAGE, search_entries

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]


@pytest.fixture
def section(shared_section):
    return shared_section


def found(text, section):
    return [entry.title for entry in search_entries(text, section=section).results]


# --- 1. words across the punctuation inside a phrase ----------------------------------


class TestBridging:
    @pytest.mark.parametrize(
        "text, tokens",
        [
            ("“三公”经费", {"三公", "公经", "经费"}),
            ("「三公」经费", {"公经"}),
            ('"三公"经费', {"公经"}),
            ("“申请-考核”制", {"请考", "核制"}),
            ("申请——考核", {"请考"}),
            ("《章程》修订", {"程修"}),
            ("〈章程〉修订", {"程修"}),
            ("2023年“双一流”建设", {"年双", "流建"}),
            ("学校（本部）招生", {"校本", "部招"}),
            ("〔学校〕【通知】", {"校通"}),
            ("中外合作·办学", {"作办"}),
            ("中外合作・办学", {"作办"}),
            ("信 息　公 开", {"信息", "息公", "公开"}),
            ("＂三公＂经费", {"公经"}),  # full-width quotes (NFKC)
        ],
    )
    def test_index_reads_through_marks_inside_a_phrase(self, text, tokens):
        assert tokens <= set(segmentation.index_tokens(text))

    @pytest.mark.parametrize(
        "text",
        [
            "学籍。管理",
            "学籍！管理",
            "学籍？管理",
            "学籍；管理",
            "学籍，管理",
            "学籍、管理",
            "学籍：管理",
            "学籍!管理",
            "学籍?管理",
            "学籍;管理",
            "学籍,管理",
            "学籍:管理",
            "学籍\n管理",
            "学籍 | 管理",
        ],
    )
    def test_no_word_across_the_end_of_a_phrase(self, text):
        tokens = set(segmentation.index_tokens(text))
        assert {"学籍", "管理"} <= tokens
        assert "籍管" not in tokens

    def test_latin_tokens_keep_their_parts(self):
        assert {"cet", "4", "cet4"} <= set(segmentation.index_tokens("大学英语“CET-4”考试"))

    def test_queries_read_through_the_same_marks(self):
        assert segmentation.query_tokens("“三公”经费") == segmentation.query_tokens("三公经费")
        assert segmentation.phrase_tokens("《章程》修订") == ["章程", "程修", "修订"]

    def test_word_split_by_quotes_is_found(self, section):
        entry = make_entry(
            section, key="finance", title="2024年部门预算", summary="含“三公”经费预算数。"
        )
        assert found("三公经费", section)[0] == entry.title

    def test_word_split_by_a_hyphen_is_found(self, section):
        entry = make_entry(section, title="博士研究生招生办法", summary="实行“申请-考核”制。")
        make_entry(section, title="硕士招生考核细则", summary="申请材料。考核方式：笔试。")
        other = make_entry(section, title="硕士研究生复试细则", summary="考核方式：笔试。")
        # 考核制 needs 核制: only the entry that writes the phrase has it (and 申请).
        assert found("申请考核制", section)[0] == entry.title
        assert found("考核制", section) == [entry.title]
        assert other.title not in found("申请考核制", section)

    def test_word_split_by_book_title_marks_is_found_first(self, section):
        near = make_entry(section, key="basic", title="关于《章程》修订的说明")
        far = make_entry(section, key="basic", title="章程及其历次修订")
        assert segmentation.query_plan("章程修订").phrase == ("章程", "程修", "修订")
        assert found("章程修订", section) == [near.title, far.title]

    def test_a_sentence_boundary_makes_no_word(self, section):
        make_entry(section, title="学生须知", summary="请核对奖学。金额另行公布。")
        assert found("学生须知", section) == ["学生须知"]
        assert found("奖学金", section) == []  # 学金 would be made across the 。

    def test_highlight_reads_through_the_marks(self):
        assert str(mark("含“三公”经费", ["三公经费"])) == "含“<mark>三公”经费</mark>"


# --- 2. partial matches, the exact phrase, synonyms -------------------------------------


class TestRanking:
    def test_minimum_should_match(self):
        assert [segmentation.minimum_should_match(n) for n in range(1, 7)] == [1, 1, 2, 3, 4, 4]

    def test_three_words_one_absent_from_the_page(self, section):
        partial = make_entry(section, key="personnel", title="教师聘任办法")
        full = make_entry(section, key="personnel", title="教师聘任整改情况")
        make_entry(section, key="personnel", title="教师节慰问")  # one word of three
        plan = segmentation.query_plan("教师 聘任 整改")
        assert [w.word for w in plan.words] == ["教师", "聘任", "整改"]
        assert found("教师 聘任 整改", section) == [full.title, partial.title]

    def test_all_words_before_most_of_them(self, section):
        most = [
            make_entry(
                section, key="finance", title=f"学校预算说明{n}", summary="预算 决算 收费 " * 3
            )
            for n in range(3)
        ]
        full = make_entry(section, key="finance", title="收费公示", summary="学校收费项目与标准。")
        results = found("学校 收费 标准", section)
        assert results[0] == full.title
        assert set(results[1:]) == {e.title for e in most}

    def test_two_words_both_first_then_either(self, section):
        entry = make_entry(section, key="finance", title="2023年部门预算公开")
        other = make_entry(section, key="finance", title="2024年教育收费公示")
        assert found("2023年预算", section) == [entry.title]
        # No page has both 2024 and 预算: each page with one of them, none with neither.
        make_entry(section, key="finance", title="学生资助政策")
        assert sorted(found("2024年预算", section)) == sorted([entry.title, other.title])
        both = make_entry(section, key="finance", title="2024年预算")
        assert found("2024年预算", section)[0] == both.title

    def test_exact_phrase_first(self, section):
        scattered = make_entry(
            section, title="奖学金评定", summary="学生工作部负责奖学金的评定，学生可申请。" * 3
        )
        exact = make_entry(section, title="通知", summary="学生奖学金评定办法已印发。")
        assert found("学生奖学金评定", section) == [exact.title, scattered.title]

    def test_among_partial_matches_words_typed_together_come_first(self, section):
        apart = make_entry(section, key="finance", title="体育馆空调维修项目招标公告")
        together = make_entry(section, key="finance", title="图书馆空调改造项目成交公告")
        # Two of three words each; only one has 图书馆 and 空调 next to each other.
        assert found("图书馆 空调 招标", section) == [together.title, apart.title]

    def test_words_in_the_title_before_words_in_the_body(self, section):
        body = make_entry(
            section, key="students", title="学生资助工作通知", summary="勤工助学岗位 申请 " * 4
        )
        title = make_entry(section, key="students", title="勤工助学岗位申请", summary="详见附件。")
        assert found("勤工助学 申请", section)[:2] == [title.title, body.title]

    def test_year_ranges_match_whatever_the_dash(self, section):
        entry = make_entry(section, key="teaching", title="2022—2023学年课程开设情况")
        assert set(segmentation.query_tokens("2022-2023")) <= set(
            segmentation.index_tokens(entry.title)
        )
        assert found("2022-2023 课程", section) == [entry.title]
        assert found("2022～2023学年", section) == [entry.title]

    def test_a_synonym_never_outranks_the_literal_match(self, section):
        literal = make_entry(
            section,
            key="finance",
            title="2024年部门预算",
            summary="本部门2024年预算说明。" + "其中“三公”经费预算数较上年减少。",
        )
        synonyms = [
            make_entry(
                section,
                key="finance",
                title=f"因公出国（境）团组情况{n}",
                summary="因公出国 公务接待 公务用车 " * 5,
            )
            for n in range(3)
        ]
        results = found("三公经费", section)
        assert results[0] == literal.title
        assert set(results[1:]) == {e.title for e in synonyms}  # synonyms still add results


# --- 3. honest empty queries ----------------------------------------------------------


class TestUnsearchable:
    @pytest.mark.parametrize("text", ["😀", "“", '"', "'", "，。！", "...", "——", "《》", "😀🎓"])
    def test_nothing_searchable_gives_no_results_and_says_so(self, section, client, text):
        make_entry(section, title="学籍管理办法")
        assert found("", section) == ["学籍管理办法"]  # there is something to list
        outcome = search_entries(text, section=section)
        assert outcome.unsearchable
        assert list(outcome.results) == []
        response = client.get(section.url + "search/", {"q": text})
        assert response.status_code == 200
        html = response.content.decode()
        assert str(UNSEARCHABLE_MESSAGE) in html
        assert response.context["results"] == []
        data = client.get(reverse("wagtail_disclosure_api:search"), {"q": text}).json()
        assert data["unsearchable"] is True
        assert data["message"] == str(UNSEARCHABLE_MESSAGE)
        assert data["count"] == 0 and data["results"] == []

    def test_ling_is_searchable(self, section, client):
        make_entry(section, title="学籍管理办法")
        outcome = search_entries("〇", section=section)
        assert not outcome.unsearchable
        assert list(outcome.results) == []  # not every entry
        dated = make_entry(section, key="basic", title="二〇二三年度信息公开工作报告")
        assert found("〇", section) == [dated.title]
        assert found("二〇二三年", section) == [dated.title]
        data = client.get(reverse("wagtail_disclosure_api:search"), {"q": "〇"}).json()
        assert data["unsearchable"] is False and data["message"] == ""
        assert [row["title"] for row in data["results"]] == [dated.title]

    def test_words_still_search(self, section, client):
        entry = make_entry(section, title="学籍管理办法")
        data = client.get(reverse("wagtail_disclosure_api:search"), {"q": "“学籍”"}).json()
        assert data["unsearchable"] is False
        assert [row["title"] for row in data["results"]] == [entry.title]


# --- 4. snippets from clean text --------------------------------------------------------

BODY = [
    {"type": "heading", "value": {"text": "主要内容", "level": "h2"}},
    {
        "type": "paragraph",
        "value": "<p>处分分为警告、严重警告、记过。</p><ul><li>第一项 住宿管理</li><li>第二项 学籍管理</li></ul>",
    },
    {
        "type": "table",
        "value": {
            "data": [["项目", "金额"], ["一、教育支出", "7"], ["二、科学技术支出", "7,388"]],
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_caption": "",
        },
    },
]


class TestCleanText:
    def entry(self, section):
        return make_entry(section, key="finance", title="2024年部门决算", summary="", body=BODY)

    def test_body_text_is_per_block_without_labels(self, section):
        text = stream_text(self.entry(section))
        assert text.splitlines() == [
            "主要内容",
            "处分分为警告、严重警告、记过。",
            "第一项 住宿管理",
            "第二项 学籍管理",
            "项目 | 金额",
            "一、教育支出 | 7",
            "二、科学技术支出 | 7,388",
        ]
        assert "H2" not in text and "h2" not in text

    def test_snippets_show_the_matching_row_or_paragraph(self, section, client):
        entry = self.entry(section)
        words = ["科学技术支出"]
        assert str(entry_snippet(entry, words)) == "二、<mark>科学技术支出</mark> | 7,388"
        assert str(entry_snippet(entry, ["记过"])) == "处分分为警告、严重警告、<mark>记过</mark>。"
        assert str(entry_snippet(entry, ["学籍管理"])) == "第二项 <mark>学籍管理</mark>"
        # Without a match and without a summary: the first paragraph, not the heading.
        assert str(entry_snippet(entry, ["奖学金"])) == "处分分为警告、严重警告、记过。"
        page = client.get(section.url + "search/", {"q": "科学技术支出"})
        assert [row.entry.pk for row in page.context["results"]] == [entry.pk]
        snippet = str(page.context["results"][0].snippet)
        assert "主要内容" not in snippet and "H2" not in snippet and "教育支出" not in snippet
        data = client.get(reverse("wagtail_disclosure_api:search"), {"q": "科学技术支出"}).json()
        assert data["results"][0]["snippet_html"] == snippet

    def test_an_image_block_keeps_the_text_around_it(self, section, client):
        """Wagtail's ImageBlock is a StructBlock whose value is the image, not a dict:
        reading it must not lose the body (it did: the whole body went unindexed)."""
        import io

        from django.core.files.images import ImageFile
        from PIL import Image as PILImage
        from wagtail.images import get_image_model
        from wagtail.models import Collection

        buffer = io.BytesIO()
        PILImage.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
        image = get_image_model()(
            title="校园平面图",
            collection=Collection.get_first_root_node(),
            file=ImageFile(buffer, name="campus-map.png"),
        )
        image.save()
        body = [
            {"type": "paragraph", "value": "<p>新校区宿舍分配方案已确定。</p>"},
            {
                "type": "image",
                "value": {"image": image.pk, "decorative": False, "alt_text": "东区宿舍楼位置图"},
            },
            {"type": "paragraph", "value": "<p>搬迁时间另行通知。</p>"},
        ]
        entry = make_entry(section, key="students", title="宿舍安排", summary="", body=body)
        assert entry.live
        text = stream_text(entry)
        assert "新校区宿舍分配方案已确定。" in text and "搬迁时间另行通知。" in text
        assert "东区宿舍楼位置图" in text
        page = client.get(section.url + "search/", {"q": "搬迁时间"})
        assert [row.entry.pk for row in page.context["results"]] == [entry.pk]

    def test_table_cells_make_no_words_across_cells(self, section):
        self.entry(section)
        assert found("科学技术支出", section) == ["2024年部门决算"]
        assert found("出二", section) == []  # 教育支出 | 7 / 二、科学… are not one phrase


# --- 5. a constant number of queries for a page of results ------------------------------


def entries_with_attachments(section, count):
    document = Document.objects.create(title="附件", file=ContentFile(b"x", name="a.txt"))
    for number in range(count):
        entry = make_entry(
            section,
            ("basic", "admissions", "finance")[number % 3],
            title=f"招生工作条目{number}",
            summary="招生工作安排。",
            publish=False,
        )
        entry.attachments.add(DisclosureAttachment(document=document, title=f"附件{number}"))
        entry.save_revision()
        from wagtail_disclosure.workflow import import_as_published

        import_as_published(entry)


def queries_for(client, url, params):
    client.get(url, params)  # warm caches that are not the page's (site root paths)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, len(queries)


def test_results_pages_make_as_many_queries_for_50_results_as_for_10(section, client, settings):
    """The search page and the API, with a query and without (the empty-query listing):
    the 50 entries (with attachments) are built once for the four checks."""
    # Each request builds its answer (a repeated API request would come from the server
    # cache of answers with the state query alone).
    settings.WAGTAIL_DISCLOSURE_PAGE_SERVER_CACHE_SECONDS = 0
    entries_with_attachments(section, 50)
    for q in ("招生工作", ""):
        # The search page.
        url = section.url + "search/"
        params = {"q": q, "sort": "newest"} if not q else {"q": q}
        settings.WAGTAIL_DISCLOSURE_SEARCH_RESULTS_PER_PAGE = 10
        small, ten = queries_for(client, url, params)
        assert len(small.context["results"]) == 10, q
        settings.WAGTAIL_DISCLOSURE_SEARCH_RESULTS_PER_PAGE = 50
        large, fifty = queries_for(client, url, params)
        assert len(large.context["results"]) == 50, q
        assert fifty == ten, f"search page, q={q!r}"
        # The API.
        url = reverse("wagtail_disclosure_api:search")
        small, ten = queries_for(client, url, {"q": q, "page_size": 10})
        assert len(small.json()["results"]) == 10, q
        large, fifty = queries_for(client, url, {"q": q, "page_size": 50})
        assert len(large.json()["results"]) == 50, q
        assert fifty == ten, f"API, q={q!r}"


# --- 2b. the same rule written into an Elasticsearch / OpenSearch query -------------------


def test_elasticsearch_query_expresses_minimum_should_match_and_boosts():
    pytest.importorskip("elasticsearch", reason="needs the elasticsearch extra")
    from wagtail.search.backends import get_search_backend
    from wagtail.search.query import And, Boost, Or, Phrase

    from wagtail_disclosure.models import DisclosureEntryPage
    from wagtail_disclosure.search.query import remote_query

    plan = segmentation.query_plan("教师 聘任 整改")
    query = remote_query(plan)
    assert isinstance(query, Or)
    *choices, phrase = query.subqueries
    assert len(choices) == 3 and all(isinstance(c, And) for c in choices)  # 2 of 3 words
    assert all(len(c.subqueries) == 2 for c in choices)
    assert isinstance(phrase, Boost) and isinstance(phrase.subquery, Phrase)
    backend = get_search_backend(
        "wagtail.search.backends.elasticsearch8", URLS=["http://127.0.0.1:9"]
    )
    compiled = backend.query_compiler_class(DisclosureEntryPage.objects.all(), query).get_query()
    text = str(compiled)
    assert "bool" in text and "should" in text and "match_phrase" in text and "boost" in text
    # A synonym is a clause of its own, the literal spelling boosted above it.
    synonym_query = remote_query(segmentation.query_plan("三公经费"))
    assert isinstance(synonym_query, Or)
    word, exact = synonym_query.subqueries
    assert isinstance(exact, Boost) and isinstance(exact.subquery, Phrase)
    literal, *others = word.subqueries
    assert isinstance(literal, Boost) and literal.boost == 2.0
    assert len(others) == 3


def test_a_long_query_searches_its_first_words(section):
    entry = make_entry(section, title="学生学籍管理办法")
    words = " ".join(f"词{n}" for n in range(200))
    plan = segmentation.query_plan(f"学籍 管理 {words}")
    assert len(plan.sequence) == segmentation.MAX_QUERY_WORDS
    assert found(f"学籍 管理 {words}", section) == []  # 2 of 10 words is not enough
    assert found(f"学生 学籍 管理 办法 {words}", section) == []
    assert found("学生 学籍 管理 办法 规定 细则", section) == [entry.title]  # 4 of 6


def test_all_words_ranked_before_partial_matches_and_broad_queries_are_capped(section, monkeypatch):
    from wagtail_disclosure.search import query as search_query

    partial = make_entry(section, title="食堂卫生检查通报")
    full = [make_entry(section, title=f"食堂招标公告{n}", summary="食堂 招标") for n in range(3)]
    ranked = found("食堂 招标", section)
    assert set(ranked[:3]) == {e.title for e in full} and ranked[3:] == [partial.title]
    # A stage with more matches than RANK_CAP ranks the newest RANK_CAP of them.
    monkeypatch.setattr(search_query, "RANK_CAP", 2)
    capped = found("食堂 招标", section)
    assert set(capped[:2]) == {full[1].title, full[2].title}
    assert full[0].title not in capped
    assert capped[2:] == [partial.title]  # the partial matches are a stage of their own
