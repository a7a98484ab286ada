"""Chinese first, English second: catalogues ship compiled and the public switch works."""

from pathlib import Path

import pytest
from django.utils import translation

import wagtail_disclosure
from tests.utils import make_section
from wagtail_disclosure.models import DisclosureEntryPage

pytestmark = pytest.mark.django_db

LOCALE = Path(wagtail_disclosure.__file__).parent / "locale"


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_compiled_catalogues_are_shipped_and_current(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo = LOCALE / language / "LC_MESSAGES" / "django.mo"
    assert po.exists() and mo.exists()
    assert mo.stat().st_size > 0
    assert "#, fuzzy" not in po.read_text(encoding="utf-8").split("\n\n", 1)[1]


def test_zh_hans_catalogue_has_no_untranslated_messages():
    text = (LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    empty = [e for e in entries if e.rstrip().endswith('msgstr ""') and "msgstr[" not in e]
    assert empty == [], empty[:3]


def test_model_labels_are_translated():
    field = DisclosureEntryPage._meta.get_field("index_number")
    with translation.override("zh-hans"):
        assert str(field.verbose_name) == "索引号"
    with translation.override("en"):
        assert str(field.verbose_name) == "index number"


def test_public_pages_default_to_chinese_and_switch_to_english(client):
    make_section()
    html = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "信息公开目录" in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Disclosure catalogue" in html
    # The switch itself is a plain form: no JavaScript needed.
    assert 'action="/i18n/setlang/"' in html
