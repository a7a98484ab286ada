"""An entry's body as text, block by block: what the index and the snippets both read.

:func:`stream_pieces` reads a StreamField by the kind of each block (headings, paragraphs,
list items, table rows with their cells kept apart, quotes, document links), never the
block labels or choice values (``H2``), so what is found is what is shown. Attached
documents are read in :mod:`wagtail_disclosure.extraction`.
"""

import dataclasses
import logging
from html.parser import HTMLParser

logger = logging.getLogger(__name__)

#: Separates the cells of a table row in extracted text. It ends a phrase for search
#: (``segmentation``), so no word is made across two cells.
CELL_SEPARATOR = " | "

HEADING = "heading"
TEXT = "text"  # a paragraph, list item, quote, table row or document link


@dataclasses.dataclass(frozen=True)
class Piece:
    """One line of an entry's text: a heading, or text that a snippet may show."""

    kind: str
    text: str


class _RichTextLines(HTMLParser):
    """The lines of rich text: one per paragraph, list item, heading or line break."""

    BLOCKS = frozenset(
        ["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "blockquote", "tr", "br", "hr"]
    )
    CELLS = frozenset(["td", "th"])

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.current, self.heading = [], [], False
        self.kinds = []

    def _flush(self):
        text = " ".join("".join(self.current).split())
        if text:
            self.lines.append(text)
            self.kinds.append(HEADING if self.heading else TEXT)
        self.current, self.heading = [], False

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._flush()
            self.heading = tag in ("h1", "h2", "h3", "h4", "h5", "h6")
        elif tag in self.CELLS and "".join(self.current).strip():
            self.current.append(CELL_SEPARATOR)

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        self.current.append(data)

    def close(self):
        super().close()
        self._flush()


def rich_text_pieces(source):
    """Pieces of rich text (Wagtail's stored HTML): paragraphs and list items apart."""
    parser = _RichTextLines()
    parser.feed(str(source or ""))
    parser.close()
    return [Piece(kind, text) for kind, text in zip(parser.kinds, parser.lines, strict=True)]


def _clean(text):
    return " ".join(str(text or "").split())


def table_pieces(value):
    """A table (``TableBlock`` value) as one piece per row, its cells kept apart."""
    rows = (value or {}).get("data") or []
    pieces = []
    caption = _clean((value or {}).get("table_caption"))
    if caption:
        pieces.append(Piece(HEADING, caption))
    for row in rows:
        cells = [_clean(cell) for cell in row or [] if _clean(cell)]
        if cells:
            pieces.append(Piece(TEXT, CELL_SEPARATOR.join(cells)))
    return pieces


def block_pieces(block, value):
    """The pieces of one block's value, by the kind of block (not its label)."""
    from wagtail import blocks
    from wagtail.contrib.table_block.blocks import TableBlock
    from wagtail.documents.blocks import DocumentChooserBlock
    from wagtail.rich_text import RichText

    if isinstance(block, TableBlock):
        return table_pieces(value)
    if isinstance(block, blocks.RichTextBlock) or isinstance(value, RichText):
        return rich_text_pieces(getattr(value, "source", value))
    # A struct's value is a StructValue (a dict); some StructBlocks give another value
    # (Wagtail's ImageBlock: the image, with its alt text): those are read below.
    if isinstance(block, blocks.StructBlock) and isinstance(value, dict):
        names = set(block.child_blocks)
        if names >= {"text", "level"}:  # a heading: its text, never its level (H2)
            return [Piece(HEADING, _clean(value.get("text")))] if value.get("text") else []
        if "document" in names:  # a document link: its link text, else the title
            document = value.get("document")
            title = value.get("title") or getattr(document, "title", "")
            return [Piece(TEXT, _clean(title))] if title else []
        pieces = []
        for name, child in block.child_blocks.items():
            pieces.extend(block_pieces(child, value.get(name)))
        return pieces
    if isinstance(block, (blocks.ListBlock,)):
        pieces = []
        for item in value or []:
            pieces.extend(block_pieces(block.child_block, item))
        return pieces
    if isinstance(block, blocks.StreamBlock):
        return stream_value_pieces(value)
    if isinstance(block, (blocks.ChoiceBlock, blocks.MultipleChoiceBlock)):
        return []  # a choice is a setting (a level, a style), not text
    if isinstance(block, DocumentChooserBlock):
        return [Piece(TEXT, _clean(value.title))] if value is not None else []
    if isinstance(block, (blocks.CharBlock, blocks.TextBlock)):
        return [Piece(TEXT, line) for line in map(_clean, str(value or "").splitlines()) if line]
    try:  # other blocks (images: their alt text), as Wagtail indexes them
        texts = block.get_searchable_content(value)
    except Exception:  # a broken block must not stop indexing
        logger.exception("Could not read the searchable content of a %s block", block.name)
        return []
    return [Piece(TEXT, _clean(t)) for t in texts if _clean(t)]


def stream_value_pieces(stream):
    pieces = []
    for child in stream or []:
        try:
            pieces.extend(block_pieces(child.block, child.value))
        except Exception:  # one broken block loses its own text, not the others'
            logger.exception("Could not read the text of a %s block", child.block.name)
    return [piece for piece in pieces if piece.text]


def stream_pieces(page, name="body"):
    """The pieces of a page's StreamField, in order (see :class:`Piece`)."""
    try:
        return stream_value_pieces(getattr(page, name))
    except Exception:  # a broken block must not stop indexing
        logger.exception("Could not read the text of %r.%s", page, name)
        return []


def stream_text(page, name="body"):
    """A StreamField as plain text: one line per heading, paragraph, list item or table row
    (cells separated by :data:`CELL_SEPARATOR`)."""
    return "\n".join(piece.text for piece in stream_pieces(page, name))
