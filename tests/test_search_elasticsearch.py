"""Elasticsearch/OpenSearch: an outage does not break publishing or search; live tests.

* ``TestSearchServerDown`` always runs: the backend points at a closed port.
* ``TestLiveServer`` runs against a real server when
  ``WAGTAIL_DISCLOSURE_TEST_ELASTICSEARCH_URL`` is set (e.g. ``http://localhost:9200``),
  and is skipped with that reason otherwise. ``WAGTAIL_DISCLOSURE_TEST_ELASTICSEARCH_BACKEND``
  picks the backend module (default ``wagtail.search.backends.elasticsearch8``).
"""

import os
import socket
import uuid

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.utils import make_entry, make_section, reviewer
from wagtail_disclosure.search.query import search_entries, suggest
from wagtail_disclosure.workflow import take_transition

pytestmark = pytest.mark.each_database

pytest.importorskip("elasticsearch", reason="needs the elasticsearch extra")

LIVE_URL = os.environ.get("WAGTAIL_DISCLOSURE_TEST_ELASTICSEARCH_URL")
LIVE_BACKEND = os.environ.get(
    "WAGTAIL_DISCLOSURE_TEST_ELASTICSEARCH_BACKEND", "wagtail.search.backends.elasticsearch8"
)
DATABASE = {"BACKEND": "wagtail.search.backends.database"}


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the socket is


def backends(url):
    return {
        "default": {
            "BACKEND": LIVE_BACKEND,
            "URLS": [url],
            "INDEX_PREFIX": f"wd-test-{uuid.uuid4().hex[:8]}-",
            "TIMEOUT": 2,
            "OPTIONS": {"max_retries": 0},
        },
        "database": DATABASE,
    }


@pytest.mark.django_db
class TestSearchServerDown:
    @pytest.fixture(autouse=True)
    def down(self):
        with override_settings(
            WAGTAILSEARCH_BACKENDS=backends(f"http://127.0.0.1:{closed_port()}")
        ):
            yield

    def test_pages_publish_and_search_falls_back_to_the_database(self, caplog):
        section = make_section()
        entry = make_entry(section, title="学生宿舍管理规定")  # published through the review
        entry.refresh_from_db()
        assert entry.live
        assert "search backend" in caplog.text  # the failed indexing was logged

        outcome = search_entries("宿舍", section=section)
        assert outcome.fallback
        assert outcome.backend == "database"
        assert [e.title for e in outcome.results] == [entry.title]
        assert suggest("宿舍", section=section) == [entry.title]

    def test_search_page_shows_a_notice(self, client):
        section = make_section()
        make_entry(section, title="学生宿舍管理规定")
        response = client.get(section.url + "search/", {"q": "宿舍"})
        assert response.status_code == 200
        assert response.context["outcome"].fallback
        assert 'class="notice"' in response.content.decode()
        assert "学生<mark>宿舍</mark>管理规定" in response.content.decode()

    def test_without_a_database_backend_the_orm_answers(self, client):
        section = make_section()
        make_entry(section, title="学生宿舍管理规定")
        only_es = {"default": backends("http://127.0.0.1:1")["default"]}
        with override_settings(WAGTAILSEARCH_BACKENDS=only_es):
            outcome = search_entries("宿舍", section=section)
        assert outcome.fallback and outcome.backend == "orm"
        assert [e.title for e in outcome.results] == ["学生宿舍管理规定"]


@pytest.mark.skipif(
    not LIVE_URL,
    reason="set WAGTAIL_DISCLOSURE_TEST_ELASTICSEARCH_URL to test against a live Elasticsearch/OpenSearch",
)
@pytest.mark.django_db
class TestLiveServer:
    @pytest.fixture(autouse=True)
    def live(self):
        conf = backends(LIVE_URL)
        with override_settings(WAGTAILSEARCH_BACKENDS=conf):
            yield
        from wagtail.search.backends import get_search_backend

        backend = get_search_backend("default")
        backend.es.indices.delete(index=f"{conf['default']['INDEX_PREFIX']}*")

    def refresh(self):
        from wagtail.search.backends import get_search_backend

        get_search_backend("default").refresh_indexes()

    def test_segmented_search_and_visibility(self):
        section = make_section()
        public = make_entry(section, title="学籍管理办法")
        make_entry(
            section, title="学籍异动名单（校内）", audience="campus", restriction_reason="校内"
        )
        withheld = make_entry(section, title="学籍处理决定")
        take_transition(withheld, "withdraw", reviewer(), comment="依法撤回", withheld=True)
        self.refresh()
        outcome = search_entries("学籍", section=section)
        assert not outcome.fallback
        assert [e.title for e in outcome.results] == [public.title]

    def test_catch_up_after_outage(self):
        section = make_section()
        with override_settings(
            WAGTAILSEARCH_BACKENDS=backends(f"http://127.0.0.1:{closed_port()}")
        ):
            make_entry(section, title="停电期间发布的奖学金通知")
        self.refresh()
        call_command("update_index", backend_name="default", verbosity=0)
        self.refresh()
        titles = [e.title for e in search_entries("奖学金", section=section).results]
        assert titles == ["停电期间发布的奖学金通知"]
