"""The annual report's figures and item table as CSV (docs/annual-report.md).

Drawn from the report document only
(:func:`wagtail_disclosure.annual_report.report_document`), like the .docx and the print
page, so the files equal the published page.

* :func:`figures_rows`: every figure of ``document["figures"]``, one a row:
  ``key`` (a dotted path: ``entries_released``, ``by_channel.website``,
  ``requests.answered_by_outcome.disclosed``), ``label``, ``value``, ``unit``,
  ``source`` (of a figure entered by hand). A list of records is keyed by each record's
  ``code``, ``key``, ``slug`` or ``reason`` (else its position from 1), labelled by its
  ``name``, ``label`` or ``title``, its number being its ``count`` or ``value``.
* :func:`item_rows`: the 清单事项公开情况表, one item a row, the columns of
  :data:`ITEM_COLUMNS` (the keys of ``document["items"]``); links separated by spaces.

The files are UTF-8 with a byte-order mark, which Excel and WPS need to read Chinese.
"""

import csv
import io

__all__ = [
    "FIGURE_COLUMNS",
    "ITEM_COLUMNS",
    "figures_csv",
    "figures_rows",
    "item_rows",
    "items_csv",
    "to_csv",
]

FIGURE_COLUMNS = ("key", "label", "value", "unit", "source")
ITEM_COLUMNS = (
    "number",
    "code",
    "category",
    "title",
    "status",
    "status_label",
    "reason",
    "links",
    "department",
    "last_updated",
    "note",
)

#: What names a record in a list, what labels it, what is its number.
ID_KEYS = ("code", "key", "slug", "reason", "number", "month")
LABEL_KEYS = ("name", "label", "title")
VALUE_KEYS = ("count", "value")
DESCRIPTIVE_KEYS = ("unit", "source")


def _figure_labels(document):
    """``{key: (label, unit)}`` of the figure blocks of the sections."""
    labels = {}
    for section in document.get("sections") or []:
        for block in section.get("blocks") or []:
            if block.get("type") == "figure" and block.get("key"):
                labels[str(block["key"])] = (block.get("label") or "", block.get("unit") or "")
    return labels


def _scalar(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _flatten(key, value, labels, rows, label="", unit="", source=""):
    if isinstance(value, dict):
        for name, part in value.items():
            _flatten(f"{key}.{name}" if key else str(name), part, labels, rows)
        return
    if isinstance(value, (list, tuple)):
        for position, element in enumerate(value, start=1):
            if not isinstance(element, dict):
                _flatten(f"{key}.{position}", element, labels, rows)
                continue
            ident = next((element[k] for k in ID_KEYS if element.get(k) not in (None, "")), None)
            path = f"{key}.{ident if ident is not None else position}"
            name = next((element[k] for k in LABEL_KEYS if element.get(k)), "")
            if name == "" and "reason" in element:
                name = element["reason"]
            number = next((k for k in VALUE_KEYS if k in element), None)
            if number is not None:
                _flatten(
                    path,
                    element[number],
                    labels,
                    rows,
                    label=name,
                    unit=element.get("unit") or "",
                    source=element.get("source") or "",
                )
            used = {*ID_KEYS, *LABEL_KEYS, *VALUE_KEYS, *DESCRIPTIVE_KEYS}
            rest = {k: v for k, v in element.items() if k not in used}
            if number is None and not rest:
                rows.append({"key": path, "label": name, "value": "", "unit": "", "source": ""})
            for name_, part in rest.items():
                _flatten(f"{path}.{name_}", part, labels, rows)
        return
    known_label, known_unit = labels.get(key, ("", ""))
    rows.append(
        {
            "key": key,
            "label": label or known_label,
            "value": _scalar(value),
            "unit": unit or known_unit,
            "source": source,
        }
    )


def figures_rows(document):
    """Every figure of the document as ``{column: value}`` rows (:data:`FIGURE_COLUMNS`)."""
    rows = []
    _flatten("", document.get("figures") or {}, _figure_labels(document), rows)
    return rows


def item_rows(document):
    """The item table as ``{column: value}`` rows (:data:`ITEM_COLUMNS`)."""
    rows = []
    for item in document.get("items") or []:
        row = {column: _scalar(item.get(column)) for column in ITEM_COLUMNS}
        links = item.get("links") or []
        row["links"] = " ".join(str(link) for link in links) if isinstance(links, list) else links
        rows.append(row)
    return rows


def to_csv(columns, rows):
    """CSV text (with a byte-order mark) of ``rows`` under a header of ``columns``."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: _safe(row.get(column, "")) for column in columns})
    return buffer.getvalue()


def _safe(value):
    """A cell a spreadsheet will not run as a formula (CSV injection): text starting with
    ``= + - @`` gets a leading apostrophe; numbers are left alone."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def figures_csv(document):
    return to_csv(FIGURE_COLUMNS, figures_rows(document))


def items_csv(document):
    return to_csv(ITEM_COLUMNS, item_rows(document))
