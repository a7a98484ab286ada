"""Text extracted for search from attached documents (an entry's body is read block by
block in :mod:`wagtail_disclosure.search.block_text`).

Extraction of attached documents (PDF, DOCX, XLSX) runs in the background (``wagtail_disclosure.tasks.extract_attachment_text``,
a django-tasks task, like Wagtail's own search indexing), so saving and publishing an
entry never waits for it. A document that cannot be read is logged and indexed without
its text; it never blocks publication.
"""

import io
import logging
import zipfile
from pathlib import PurePosixPath

from .conf import get_setting
from .search.block_text import CELL_SEPARATOR, stream_text  # noqa: F401 (stream_text: API)

logger = logging.getLogger(__name__)


class ExtractionError(Exception):
    """The document could not be read."""


def text_lines(text):
    """``text`` with the spaces in each line collapsed and blank lines dropped."""
    lines = (" ".join(line.split()) for line in str(text or "").splitlines())
    return "\n".join(line for line in lines if line)


def _pdf_text(data):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _docx_text(data):
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = [" ".join(cell.text.split()) for cell in row.cells]
            parts.append(CELL_SEPARATOR.join(c for c in dict.fromkeys(cells) if c))
    return "\n".join(p for p in parts if p)


def _xlsx_text(data):
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        lines = []
        for sheet in workbook.worksheets:
            lines.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                cells = [str(v) for v in row if v not in (None, "")]
                if cells:
                    lines.append(CELL_SEPARATOR.join(cells))
        return "\n".join(lines)
    finally:
        workbook.close()


def _plain_text(data):
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


EXTRACTORS = {
    ".pdf": _pdf_text,
    ".docx": _docx_text,
    ".xlsx": _xlsx_text,
    ".txt": _plain_text,
    ".csv": _plain_text,
}


def extract_text(data, filename):
    """Text of a document given as bytes; ``""`` for types we do not read.

    Raises :class:`ExtractionError` if the document is of a known type but unreadable.
    The text is cut at ``WAGTAIL_DISCLOSURE_SEARCH_EXTRACTED_TEXT_LIMIT`` characters.
    """
    extractor = EXTRACTORS.get(PurePosixPath(filename).suffix.lower())
    if extractor is None:
        return ""
    try:
        text = extractor(data)
    except (ImportError, zipfile.BadZipFile) as exc:
        raise ExtractionError(f"{filename}: {exc}") from exc
    except Exception as exc:  # parsers raise many kinds of errors on broken files
        raise ExtractionError(f"{filename}: {type(exc).__name__}: {exc}") from exc
    # A PDF breaks lines in the middle of phrases: its lines are joined. Other documents
    # keep their lines (paragraphs, table rows), which end a phrase for search.
    text = " ".join(text.split()) if extractor is _pdf_text else text_lines(text)
    return text[: get_setting("SEARCH_EXTRACTED_TEXT_LIMIT")]


def extract_document_text(document):
    """Text of a Wagtail document."""
    max_bytes = get_setting("SEARCH_EXTRACTION_MAX_BYTES")
    with document.open_file() as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ExtractionError(f"{document.filename}: larger than {max_bytes} bytes, not read")
    return extract_text(data, document.file.name)


def update_attachment_text(attachment_id):
    """Extract and store the text of one attachment, then reindex its entry.

    Returns the text, or ``None`` when the attachment is gone or could not be read.
    Never raises for a bad document: the failure is logged.
    """
    from .models import DisclosureAttachment

    attachment = (
        DisclosureAttachment.objects.select_related("document").filter(pk=attachment_id).first()
    )
    if attachment is None:
        return None
    try:
        text = extract_document_text(attachment.document)
    except ExtractionError as exc:
        logger.warning("Attachment %s: text not extracted: %s", attachment_id, exc)
        return None
    except Exception:
        logger.exception("Attachment %s: text not extracted", attachment_id)
        return None
    # update(), not save(): no signals, and the page's revision data is left alone.
    DisclosureAttachment.objects.filter(pk=attachment_id).update(extracted_text=text)
    reindex_entry(attachment.page_id)
    return text


def reindex_entry(page_id):
    """Index the entry again in every search backend (errors of remote backends are logged)."""
    from wagtail.search.index import insert_or_update_object

    from .models import DisclosureEntryPage

    page = DisclosureEntryPage.objects.filter(pk=page_id).first()
    if page is not None:
        insert_or_update_object(page.specific)
