"""Snippets of result text with the query words marked (``<mark>``)."""

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .segmentation import _HAN_RE, BRIDGE_MARKS, _t2s

_BRIDGE = f"[{BRIDGE_MARKS}]*"


def _word_pattern(word):
    """A pattern for ``word`` that reads through the marks written inside a phrase, as
    the index does: ``三公经费`` marks “三公”经费."""
    if len(word) > 1 and _HAN_RE.match(word):
        return _BRIDGE.join(re.escape(char) for char in word)
    return re.escape(word)


def _normalised_with_offsets(text):
    """``text`` normalised like the index, and for each character its offset in ``text``."""
    chars, offsets = [], []
    for i, char in enumerate(text):
        for out in unicodedata.normalize("NFKC", char).lower():
            chars.append(out)
            offsets.append(i)
    normal = "".join(chars)
    converter = _t2s()
    if converter is not None:
        simplified = converter.convert(normal)
        if len(simplified) == len(normal):  # t2s is character for character almost always
            normal = simplified
    return normal, offsets


def find_spans(text, words):
    """Non-overlapping (start, end) spans in ``text`` where any of ``words`` occurs."""
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not text or not words:
        return []
    normal, offsets = _normalised_with_offsets(text)
    pattern = re.compile("|".join(_word_pattern(w) for w in words))
    spans = []
    for match in pattern.finditer(normal):
        start = offsets[match.start()]
        end = offsets[match.end() - 1] + 1
        if not spans or start >= spans[-1][1]:
            spans.append((start, end))
    return spans


def mark(text, words):
    """The whole of ``text``, escaped, with the words marked."""
    return snippet(text, words, length=None)


def snippet(text, words, length=120):
    """An escaped excerpt of ``text`` around the first match, with matches marked.

    Without a match: the beginning of the text. ``length=None``: all of it.
    """
    text = " ".join((text or "").split())
    spans = find_spans(text, words)
    start, end = 0, len(text)
    if length is not None and len(text) > length:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - length // 4, len(text) - length))
        end = start + length
    parts = ["…" if start > 0 else ""]
    cursor = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        parts.append(escape(text[cursor:s]))
        parts.append(f"<mark>{escape(text[s:e])}</mark>")
        cursor = e
    parts.append(escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def has_match(text, words):
    return bool(find_spans(" ".join((text or "").split()), words))


def _matched_words(text, words):
    """How many different ``words`` occur in ``text``."""
    if not text:
        return 0
    normal, _offsets = _normalised_with_offsets(" ".join(text.split()))
    return sum(1 for word in words if word and re.search(_word_pattern(word), normal))


def entry_snippet(entry, words, length=120):
    """The best excerpt of an entry, from clean text: the summary, a paragraph, list item
    or table row of the body (``block_text.stream_pieces``: never block labels or a
    heading's level), else an attachment's text; the one with the most query words, the
    first of those. A heading is shown only when nothing else matches. Without a match:
    the summary, else the first paragraph.

    A withdrawn entry shows only its public trace: the excerpt is the withdrawal reason,
    never its summary, body or attachments.
    """
    from .block_text import HEADING, stream_pieces
    from .documents import attachment_texts

    withdrawal = entry.withdrawal
    if withdrawal is not None:
        return snippet(withdrawal.withdrawal_reason, words, length)
    pieces = stream_pieces(entry)
    paragraphs = [piece.text for piece in pieces if piece.kind != HEADING]
    headings = [piece.text for piece in pieces if piece.kind == HEADING]
    candidates = [entry.summary, *paragraphs]
    candidates.extend(text for _title, text in attachment_texts(entry))
    candidates.extend(headings)
    best, best_count = None, 0
    if words:
        for text in candidates:
            count = _matched_words(text, words)
            if count > best_count:
                best, best_count = text, count
    if best is None:
        best = entry.summary or next(iter(paragraphs), "")
    return snippet(best, words, length)
