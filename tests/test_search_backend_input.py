"""Odd search input is no server error in Wagtail's own searches (the SQLite FTS5 quoting).

Wagtail's database backend on SQLite puts each query word into an FTS5 string without
escaping double quotes; ``wagtail_disclosure.compat.fix_sqlite_fts_quoting`` does. These
searches are reachable by every editor (admin page search, page chooser, the admin pages
API) and by anyone (the v2 API).
"""

import pytest
from django.urls import reverse

from tests.utils import make_entry, make_section, staff

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

ODD = ['"', 'a"b', '""', '"学籍', "\x00", "学\x00籍", "'", "\\", '\\"', "*", "-", "NEAR(", "(", ")"]


@pytest.fixture
def editor(client, django_user_model):
    section = make_section()
    entry = make_entry(section, title="学籍管理办法")
    user = staff(django_user_model, "search-editor", section)
    user.is_superuser = True  # sees every page, so a found entry proves the search works
    user.save()
    client.force_login(user)
    return entry


def searches():
    return {
        "admin page search": (reverse("wagtailadmin_pages:search"), "q"),
        "page chooser search": (reverse("wagtailadmin_choose_page_search"), "q"),
        "admin pages API": ("/admin/api/main/pages/", "search"),
        "v2 pages API": ("/api/v2/pages/", "search"),
    }


@pytest.mark.parametrize("name", list(searches()))
def test_odd_search_input_is_no_server_error(client, editor, name):
    url, param = searches()[name]
    found = client.get(url, {param: "学籍管理办法"})
    assert found.status_code == 200 and "学籍管理办法" in found.content.decode(), name
    for text in ODD:
        response = client.get(url, {param: text})
        assert response.status_code in (200, 400), (name, repr(text), response.status_code)


def test_a_quoted_word_still_matches(client, editor):
    response = client.get(reverse("wagtailadmin_pages:search"), {"q": '"学籍管理办法"'})
    assert response.status_code == 200
    assert "学籍管理办法" in response.content.decode()


def test_admin_pages_api_refuses_odd_parameters_with_400(client, editor):
    for params in (
        {"offset": "99999999999999999999"},
        {"limit": "¹"},
        {"child_of": "①"},
        {"search": "学籍 " * 300},
        {"search": "a\x00b"},
    ):
        response = client.get("/admin/api/main/pages/", params)
        assert response.status_code == 400, (params, response.status_code)
    assert client.get("/admin/api/main/pages/", {"search": "学籍管理办法"}).status_code == 200


def test_a_search_of_hundreds_of_words_is_no_server_error(client, editor):
    """Wagtail's database backends nest one expression per word (``compat.limit_search_words``)."""
    words = " ".join(f"词{i}" for i in range(600))
    for name in ("admin page search", "page chooser search"):
        url, param = searches()[name]
        response = client.get(url, {param: f"学籍管理办法 {words}"})
        assert response.status_code == 200, name
    # the search still runs: a long repetition of the title finds the entry (its edit link)
    edit_url = reverse("wagtailadmin_pages:edit", args=[editor.pk])
    response = client.get(reverse("wagtailadmin_pages:search"), {"q": "学籍管理办法 " * 600})
    assert response.status_code == 200 and edit_url in response.content.decode()
    response = client.get(reverse("wagtailadmin_pages:search"), {"q": "不存在的词"})
    assert edit_url not in response.content.decode()
