"""Attachments' text is extracted in the background and makes the entry findable."""

import logging
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from tests.utils import make_entry
from wagtail_disclosure.extraction import ExtractionError, extract_text
from wagtail_disclosure.models import DisclosureAttachment
from wagtail_disclosure.search.query import search_entries
from wagtail_disclosure.workflow import import_as_published

sys.path.insert(0, str(Path(__file__).parent / "files"))
from make_search_fixtures import docx_bytes, pdf_bytes, xlsx_bytes  # noqa: E402

pytestmark = pytest.mark.each_database


def found(text, section):
    return [entry.title for entry in search_entries(text, section=section).results]


@pytest.fixture
def section(shared_section):
    return shared_section


def attach_and_publish(section, filename, data, capture, title="带附件的条目"):
    entry = make_entry(section, title=title, publish=False)
    document = Document.objects.create(title=filename, file=ContentFile(data, name=filename))
    entry.attachments.add(DisclosureAttachment(document=document))
    entry.save_revision()
    with capture(execute=True) as callbacks:
        import_as_published(entry)
    entry.refresh_from_db()
    return entry, callbacks


def test_extractors_read_pdf_docx_xlsx():
    assert "住宿费标准" in extract_text(pdf_bytes("学生宿舍住宿费标准"), "a.pdf")
    text = extract_text(docx_bytes(["危化品管理细则"], table=[["代办费", "300"]]), "a.docx")
    # Table cells stay apart (issue 12): " | " ends a phrase for search.
    assert "危化品管理细则" in text and "代办费 | 300" in text
    assert "教材代办费 | 300" in extract_text(xlsx_bytes([["教材代办费", 300]]), "a.xlsx")
    assert extract_text(b"whatever", "a.zip") == ""
    with pytest.raises(ExtractionError):
        extract_text(b"not a pdf at all", "broken.pdf")


@pytest.mark.parametrize(
    "filename, data, word",
    [
        ("notice.pdf", pdf_bytes("附件：学生宿舍住宿费标准说明"), "住宿费"),
        ("rules.docx", docx_bytes(["附件：实验室危化品管理细则"]), "危化品"),
        ("fees.xlsx", xlsx_bytes([["项目", "金额"], ["教材代办费", 300]]), "代办费"),
    ],
)
def test_word_only_in_attachment_finds_entry(
    section, django_capture_on_commit_callbacks, filename, data, word
):
    entry, _ = attach_and_publish(section, filename, data, django_capture_on_commit_callbacks)
    assert word not in entry.title and word not in entry.summary
    assert word in DisclosureAttachment.objects.get(page=entry).extracted_text
    assert found(word, section) == [entry.title]


def test_extraction_happens_after_commit_not_while_saving(
    section, django_capture_on_commit_callbacks
):
    entry = make_entry(section, title="后台提取", publish=False)
    document = Document.objects.create(
        title="x", file=ContentFile(pdf_bytes("后台提取的附件正文"), name="x.pdf")
    )
    entry.attachments.add(DisclosureAttachment(document=document))
    entry.save_revision()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_as_published(entry)
    # Published, but the text is not read until the queued task runs.
    assert DisclosureAttachment.objects.get(page=entry).extracted_text == ""
    assert found("附件正文", section) == []
    for callback in callbacks:
        callback()
    assert found("附件正文", section) == ["后台提取"]


def test_republishing_keeps_the_extracted_text(section, django_capture_on_commit_callbacks):
    entry, _ = attach_and_publish(
        section, "n.pdf", pdf_bytes("住宿费标准"), django_capture_on_commit_callbacks
    )
    # The revision published next was made before the text was extracted.
    entry.title = "带附件的条目（修订）"
    entry.save_revision()
    with django_capture_on_commit_callbacks(execute=True):
        import_as_published(entry)
    assert "住宿费标准" in DisclosureAttachment.objects.get(page=entry).extracted_text
    assert found("住宿费", section) == ["带附件的条目（修订）"]


def test_broken_attachment_is_logged_and_never_blocks_publication(
    section, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.WARNING, logger="wagtail_disclosure.extraction"):
        entry, _ = attach_and_publish(
            section,
            "broken.pdf",
            b"%PDF-1.4 this is not really a pdf",
            django_capture_on_commit_callbacks,
            title="附件损坏的条目",
        )
    assert entry.live
    assert DisclosureAttachment.objects.get(page=entry).extracted_text == ""
    assert "text not extracted" in caplog.text
    assert found("附件损坏", section) == ["附件损坏的条目"]
