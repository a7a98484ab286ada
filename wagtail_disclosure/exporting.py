"""Export of disclosure entries to CSV or XLSX, in the columns the import reads
(``wagtail_disclosure.importing``): exporting a section and importing the file into an
empty section gives the same entries (docs/import.md).
"""

import csv
import html
import io

from django.utils import translation

from .importing import CHOICE_NAMES, COLUMNS, FIELDS
from .models import DisclosureEntryPage, ImportedEntry
from .search.block_text import block_pieces


def header(language="zh"):
    """The header row: the first Chinese (``zh``) or English (``en``) name of each column."""
    names = []
    for _field, options in COLUMNS:
        chinese = [name for name in options if not name.isascii()]
        names.append(chinese[0] if language == "zh" and chinese else options[0])
    return names


def _choice(field, value, language):
    if not value:
        return ""
    if language == "zh":
        return CHOICE_NAMES[field].get(value, [value])[0]
    return value


def body_html(entry):
    """The entry's body as the import reads it: the paragraphs' HTML, one after another
    (headings, tables and other blocks as a paragraph of their text)."""
    parts = []
    for block in entry.body:
        if block.block_type == "paragraph":
            parts.append(block.value.source)
        else:
            for piece in block_pieces(block.block, block.value):
                parts.append(f"<p>{html.escape(piece.text, quote=False)}</p>")
    return "".join(parts)


def entry_rows(section, language="zh"):
    """The rows of every entry of ``section`` (as stored on the page, in tree order)."""
    entries = (
        DisclosureEntryPage.objects.descendant_of(section)
        .select_related("checklist_item", "department")
        .prefetch_related("channels", "attachments__document")
        .order_by("path")
    )
    keys = dict(ImportedEntry.objects.filter(section_id=section.pk).values_list("page_id", "key"))
    for entry in entries.iterator(chunk_size=1000):
        values = {
            "key": keys.get(entry.pk) or entry.index_number,
            "title": entry.title,
            "item": entry.checklist_item.code,
            "department": entry.department.short_code,
            "document_date": entry.document_date.isoformat() if entry.document_date else "",
            "publication_date": (
                entry.publication_date.isoformat() if entry.publication_date else ""
            ),
            "document_number": entry.document_number,
            "disclosure_mode": _choice("disclosure_mode", entry.disclosure_mode, language),
            "audience": _choice("audience", entry.audience, language),
            "exemption_basis": _choice("exemption_basis", entry.exemption_basis, language),
            "restriction_reason": entry.restriction_reason,
            "validity": _choice("validity", entry.validity, language),
            "validity_changed_on": (
                entry.validity_changed_on.isoformat() if entry.validity_changed_on else ""
            ),
            "summary": entry.summary,
            "body": body_html(entry),
            "attachments": ";".join(a.document.file.name for a in entry.attachments.all()),
            "channels": ";".join(channel.code for channel in entry.channels.all()),
        }
        yield [values[field] for field in FIELDS]


def export_csv(section, stream, language="zh"):
    """Write ``section``'s entries to ``stream`` (text) as UTF-8 CSV with a BOM, which
    Excel opens without garbling Chinese."""
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(header(language))
    count = 0
    with translation.override("en"):
        for row in entry_rows(section, language):
            writer.writerow(row)
            count += 1
    return count


def export_xlsx(section, path, language="zh"):
    """Write ``section``'s entries to an XLSX workbook at ``path``."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("entries")
    sheet.append(header(language))
    count = 0
    for row in entry_rows(section, language):
        sheet.append(row)
        count += 1
    workbook.save(path)
    return count


def export_bytes(section, file_format="csv", language="zh"):
    """The export as bytes (for downloads and tests)."""
    if file_format == "xlsx":
        buffer = io.BytesIO()
        export_xlsx(section, buffer, language)
        return buffer.getvalue()
    stream = io.StringIO()
    export_csv(section, stream, language)
    return stream.getvalue().encode("utf-8")
