"""The annual report (信息公开工作年度报告) as an official document (公文): .docx and its layout.

Both exports of the report, the .docx (:func:`render_docx`) and the print page
(``views/annual_report_public.py``), are drawn from the report document alone
(:func:`wagtail_disclosure.annual_report.report_document`, docs/annual-report.md):
:func:`layout` turns the document into the list of what is shown, in order, and both
render that list. So the files equal the page.

The layout of the .docx follows GB/T 9704-2012 (党政机关公文格式) as offices apply it to
their reports:

* A4, margins 37 mm top, 35 mm bottom, 28 mm left (订口), 26 mm right: a text block of
  156 × 225 mm; the item table (清单事项公开情况表, an annex) on landscape pages;
* the title in 2号 (22 pt) 方正小标宋简体; the period under it in 3号 楷体;
* the text in 3号 (16 pt) 仿宋_GB2312, the line spacing fixed at 28 pt (22 lines a page),
  every paragraph with a first-line indent of two characters;
* section headings 一、二、… in 3号 黑体, sub-headings （一）（二）… in 3号 楷体 (Word's
  Heading 1 and Heading 2 styles, so they show in the navigation pane);
* tables in 5号 (10.5 pt) 宋体 with borders, their header row repeated on every page;
* the signature (落款: the university and the date of publication) right-aligned;
* page numbers in the footer, 4号 (14 pt) 宋体, as "— 1 —" (a PAGE field).

Chinese fonts are named in ``w:rFonts w:eastAsia`` (digits and Latin letters in Times
New Roman). A reader without the first font of a list gets the next: each font of
:data:`FONTS` is declared in the document's font table with the next one as its
``w:altName``, the fallback Word and WPS follow.
"""

import io
import re
import zipfile

from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _

__all__ = [
    "BODY_SIZE",
    "FONTS",
    "TITLE_SIZE",
    "cell_text",
    "figure_text",
    "layout",
    "render_docx",
    "section_heading",
]

#: Font lists, first choice first (east-Asian text). Each font falls back on the next.
FONTS = {
    "title": ("方正小标宋简体", "小标宋", "宋体", "SimSun"),
    "body": ("仿宋_GB2312", "仿宋", "FangSong"),
    "heading": ("黑体", "SimHei"),
    "subheading": ("楷体_GB2312", "楷体", "KaiTi"),
    "table": ("宋体", "SimSun"),
}
#: Digits and Latin letters.
WESTERN_FONT = "Times New Roman"

#: Sizes in points: 2号 title, 3号 text and headings, 4号 page numbers, 5号 tables.
TITLE_SIZE = 22
BODY_SIZE = 16
PAGE_NUMBER_SIZE = 14
TABLE_SIZE = 10.5
TABLE_CAPTION_SIZE = 12
#: Fixed line spacing of the text (22 lines on the 225 mm text block).
LINE_SPACING = 28
#: Margins in millimetres (top, bottom, left, right) of portrait pages, and of the
#: landscape pages of the item table (a text block of 247 × 160 mm).
MARGINS_MM = (37, 35, 28, 26)
LANDSCAPE_MARGINS_MM = (26, 24, 25, 25)

#: Characters XML (and so .docx) cannot hold.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: The key of the section that is the annex table (set on landscape pages).
ANNEX_KEYS = ("item_table",)


# -- the layout, shared by the .docx and the print page ---------------------------------


def clean(text):
    return _NOT_XML.sub("", "" if text is None else str(text))


def format_value(value):
    """A figure or a table cell as text: ``None`` is a dash, whole floats lose ``.0``."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return "\n".join(clean(part) for part in value)
    return clean(value)


def cell_text(value):
    """A table cell: empty stays empty (an empty 备注), lists one per line."""
    if value is None or value == "":
        return ""
    return format_value(value)


def figure_text(block):
    """A figure block as a sentence: "主动公开信息：123条"."""
    text = _("%(label)s: %(value)s %(unit)s") % {
        "label": clean(block.get("label")),
        "value": format_value(block.get("value")),
        "unit": clean(block.get("unit")),
    }
    return text.strip()


def section_heading(section):
    """A section's heading: "一、概述" (or "1. Overview" when the number is a digit)."""
    number = clean(section.get("number")).strip()
    heading = clean(section.get("heading")).strip()
    if not number:
        return heading
    if number.isascii():
        return f"{number}. {heading}"
    return f"{number}、{heading}"


def _date(value):
    if not value:
        return ""
    day = parse_date(str(value)[:10])
    return date_format(day, "DATE_FORMAT") if day else clean(value)


def period_text(document):
    period = document.get("period") or {}
    if not period.get("start") or not period.get("end"):
        return ""
    return _("(%(start)s to %(end)s)") % {
        "start": _date(period["start"]),
        "end": _date(period["end"]),
    }


def is_draft(document):
    """Whether the document's figures are computed now rather than frozen (a preview)."""
    if "frozen" in document:
        return document["frozen"] is False
    return not document.get("frozen_at")


def layout(document):
    """What the report shows, in order: a list of dicts with a ``kind``.

    ``title``, ``period``, ``draft`` (a report whose figures are not frozen), ``heading``
    (a section: ``text``, ``key``), ``subheading``, ``paragraph``, ``figure`` (``text``,
    ``key``), ``table`` (``caption``, ``columns``, ``rows`` of texts, ``key``, ``annex``),
    ``signature`` (``lines``) and ``annex`` (the item table's pages start here).
    """
    rows = [{"kind": "title", "text": clean(document.get("title"))}]
    period = period_text(document)
    if period:
        rows.append({"kind": "period", "text": period})
    if is_draft(document):
        rows.append(
            {
                "kind": "draft",
                "text": _("Draft: the figures are computed from the current data, not approved."),
            }
        )
    sections = list(document.get("sections") or [])
    # The annex sections at the end come after the signature, on pages of their own.
    body_end = len(sections)
    while body_end and sections[body_end - 1].get("key") in ANNEX_KEYS:
        body_end -= 1
    for index, section in enumerate(sections):
        annex = index >= body_end
        if index == body_end:
            rows.append(signature(document))
            rows.append({"kind": "annex"})
        rows.append(
            {"kind": "heading", "text": section_heading(section), "key": section.get("key")}
        )
        for block in section.get("blocks") or []:
            row = block_row(block, annex=annex)
            if row is not None:
                rows.append(row)
    if body_end == len(sections):
        rows.append(signature(document))
    return rows


def signature(document):
    lines = [clean(document.get("university"))]
    published = _date(document.get("published_on"))
    if published:
        lines.append(published)
    return {"kind": "signature", "lines": [line for line in lines if line]}


def block_row(block, *, annex=False):
    kind = block.get("type")
    if kind == "heading":
        return {"kind": "subheading", "text": clean(block.get("text"))}
    if kind == "paragraph":
        return {"kind": "paragraph", "text": clean(block.get("text"))}
    if kind == "figure":
        return {"kind": "figure", "text": figure_text(block), "key": block.get("key")}
    if kind == "table":
        return {
            "kind": "table",
            "key": block.get("key"),
            "caption": clean(block.get("caption")),
            "columns": [clean(column) for column in block.get("columns") or []],
            "rows": [[cell_text(cell) for cell in row] for row in block.get("rows") or []],
            "annex": annex,
        }
    if block.get("text"):  # a block type of a later schema: its text at least
        return {"kind": "paragraph", "text": clean(block.get("text"))}
    return None


# -- the .docx --------------------------------------------------------------------------


def _east_asian(style_or_run, fonts):
    """Name the east-Asian font (``w:rFonts w:eastAsia``) and Times New Roman for the rest."""
    from docx.oxml.ns import qn

    style_or_run.font.name = WESTERN_FONT
    rpr = style_or_run.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    rfonts.set(qn("w:eastAsia"), fonts[0])


def _paragraph_style(document, name, fonts, size, *, base="Normal", bold=False):
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    styles = document.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
    _east_asian(style, fonts)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    return style


def _indent_two_characters(paragraph_format, size):
    """First-line indent of two characters: in points, and in characters for Word."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph_format.first_line_indent = Pt(2 * size)
    ind = paragraph_format.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), "200")


def _styles(document):
    """The report's styles (the names are Word's own where Word has one)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = _paragraph_style(document, "Normal", FONTS["body"], BODY_SIZE)
    rpr = normal.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_SPACING)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)

    body = _paragraph_style(document, "Body Text", FONTS["body"], BODY_SIZE)
    _indent_two_characters(body.paragraph_format, BODY_SIZE)
    body.paragraph_format.space_after = Pt(0)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    title = _paragraph_style(document, "Title", FONTS["title"], TITLE_SIZE)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(36)
    title.paragraph_format.space_after = Pt(LINE_SPACING / 2)
    # Word's Title style has a bottom border and a theme colour: a plain title.
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)

    subtitle = _paragraph_style(document, "Subtitle", FONTS["subheading"], BODY_SIZE)
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.paragraph_format.space_after = Pt(LINE_SPACING)

    for name, fonts in (("Heading 1", FONTS["heading"]), ("Heading 2", FONTS["subheading"])):
        heading = _paragraph_style(document, name, fonts, BODY_SIZE)
        fmt = heading.paragraph_format
        _indent_two_characters(fmt, BODY_SIZE)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_SPACING)
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.keep_with_next = True

    caption = _paragraph_style(
        document, "Caption", FONTS["heading"], TABLE_CAPTION_SIZE, bold=False
    )
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.keep_with_next = True
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(6)
    caption.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    cell = _paragraph_style(document, "Table Text", FONTS["table"], TABLE_SIZE)
    cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    cell.paragraph_format.first_line_indent = Pt(0)
    header = _paragraph_style(document, "Table Heading", FONTS["heading"], TABLE_SIZE)
    header.base_style = cell
    header.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    signature = _paragraph_style(document, "Signature", FONTS["body"], BODY_SIZE)
    signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = _paragraph_style(document, "Footer", FONTS["table"], PAGE_NUMBER_SIZE)
    footer.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _set_page(section, *, landscape=False):
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    top, bottom, left, right = LANDSCAPE_MARGINS_MM if landscape else MARGINS_MM
    section.page_width, section.page_height = (
        (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    )
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.footer_distance = Mm(12 if landscape else 20)


def _page_number_footer(section):
    """The page number in the footer: "— 1 —" centred, the number a PAGE field."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = "Footer"
    paragraph.add_run("— ")

    def field_char(kind):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    field_char("begin")
    instruction = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = " PAGE "
    instruction._r.append(text)
    field_char("separate")
    paragraph.add_run("1")
    field_char("end")
    paragraph.add_run(" —")


def _row_property(row, name):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(name)
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _repeat_header(row):
    """The header row: repeated at the top of every page the table runs onto."""
    _row_property(row, "w:cantSplit")
    _row_property(row, "w:tblHeader")


def _keep_row_on_one_page(row):
    _row_property(row, "w:cantSplit")


def _fill_cell(cell, text, style):
    lines = text.split("\n") if text else [""]
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    paragraph.add_run(lines[0])
    for line in lines[1:]:
        extra = cell.add_paragraph(line, style=style)
        extra.style = style


#: Widths (cm) of the item table's eight columns on a landscape page (24.7 cm of text).
ITEM_TABLE_WIDTHS = (1.2, 2.8, 4.9, 3.0, 5.5, 2.8, 2.4, 2.0)


def _table(document, row):
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.shared import Cm

    if row["caption"]:
        document.add_paragraph(row["caption"], style="Caption")
    columns = row["columns"] or [""] * max((len(r) for r in row["rows"]), default=1)
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _repeat_header(header)
    for cell, text in zip(header.cells, columns, strict=True):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _fill_cell(cell, text, "Table Heading")
    for values in row["rows"]:
        added = table.add_row()
        _keep_row_on_one_page(added)
        cells = added.cells
        for index, cell in enumerate(cells):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            _fill_cell(cell, values[index] if index < len(values) else "", "Table Text")
    if len(columns) == len(ITEM_TABLE_WIDTHS) and row.get("annex"):
        table.autofit = False
        for column, width in zip(table.columns, ITEM_TABLE_WIDTHS, strict=True):
            column.width = Cm(width)  # the grid (LibreOffice) and each cell (Word)
            for cell in column.cells:
                cell.width = Cm(width)
    return table


#: The style of each kind of row of :func:`layout` that is one paragraph.
PARAGRAPH_STYLES = {
    "title": "Title",
    "period": "Subtitle",
    "draft": "Subtitle",
    "heading": "Heading 1",
    "subheading": "Heading 2",
    "paragraph": "Body Text",
    "figure": "Body Text",
}


def render_docx(document):
    """The .docx of a report document (:func:`wagtail_disclosure.annual_report.report_document`)."""
    from docx import Document
    from docx.enum.section import WD_SECTION

    docx = Document()
    _styles(docx)
    _set_page(docx.sections[0])
    _page_number_footer(docx.sections[0])
    properties = docx.core_properties
    properties.title = clean(document.get("title"))[:255]
    properties.author = clean(document.get("university"))[:255]
    properties.subject = clean(document.get("academic_year"))[:255]
    properties.language = "zh-CN"
    properties.comments = ""

    for row in layout(document):
        kind = row["kind"]
        if kind in PARAGRAPH_STYLES:
            docx.add_paragraph(row["text"], style=PARAGRAPH_STYLES[kind])
        elif kind == "table":
            _table(docx, row)
        elif kind == "signature":
            # Two empty lines above the 落款, as in a 公文.
            docx.add_paragraph("", style="Normal")
            docx.add_paragraph("", style="Normal")
            for line in row["lines"]:
                docx.add_paragraph(line, style="Signature")
        elif kind == "annex":
            _set_page(docx.add_section(WD_SECTION.NEW_PAGE), landscape=True)
    buffer = io.BytesIO()
    docx.save(buffer)
    return _with_font_fallbacks(buffer.getvalue())


# -- font fallbacks in the font table ---------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _font_table(xml):
    """The font table with every font of :data:`FONTS`, each naming the next of its list
    as ``w:altName`` (the font a reader without it gets), charset GB2312."""
    from lxml import etree

    root = etree.fromstring(xml)
    declared = {font.get(f"{{{_W}}}name") for font in root.findall(f"{{{_W}}}font")}
    for fonts in FONTS.values():
        for index, name in enumerate(fonts):
            if name in declared:
                continue
            declared.add(name)
            # Children in the schema's order: altName, charset, family, pitch.
            font = etree.SubElement(root, f"{{{_W}}}font", {f"{{{_W}}}name": name})
            if index + 1 < len(fonts):
                etree.SubElement(font, f"{{{_W}}}altName", {f"{{{_W}}}val": fonts[index + 1]})
            etree.SubElement(font, f"{{{_W}}}charset", {f"{{{_W}}}val": "86"})
            family = "modern" if name in FONTS["heading"] else "roman"
            etree.SubElement(font, f"{{{_W}}}family", {f"{{{_W}}}val": family})
            etree.SubElement(font, f"{{{_W}}}pitch", {f"{{{_W}}}val": "variable"})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _with_font_fallbacks(data):
    """``data`` (a .docx) with :func:`_font_table` applied to ``word/fontTable.xml``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    if "word/fontTable.xml" not in source.namelist():
        return data
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/fontTable.xml":
                content = _font_table(content)
            target.writestr(info, content)
    return output.getvalue()
