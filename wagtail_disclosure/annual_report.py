"""The annual report (信息公开工作年度报告): its figures and the report document.

* :func:`compute_figures`: every figure of a period from the data, and the checklist item
  table, as JSON-ready data, in a fixed number of queries whatever the number of entries;
* :func:`freeze_into_revision`: stores them in a new version of an
  :class:`~wagtail_disclosure.models.AnnualReportPage` (connected to ``pre_save`` of
  ``Revision`` in ``signal_handlers``): the figures are those of the version reviewed and
  published, never computed when the public page is read;
* :func:`report_document`: the report as one dict (the contract of the exports, see
  docs/annual-report.md): the page, the print page, the .docx, CSV and JSON all
  render from it.

The rules (docs/annual-report.md):

* *released in the period*: entries of the section that are ``publicly_visible()`` (live,
  no view restriction, 主动公开 to 社会公众, not an alias, not withheld) with a
  publication date (发布日期) in the period. Entries withdrawn since, which keep their
  public trace, count; withheld ones (withdrawn for a legal reason, unpublished) and
  restricted ones never do. An entry counts once, however many versions it had.
* *by channel*: every entry released counts on the website channel
  (``ANNUAL_REPORT_WEBSITE_CHANNEL``: the disclosure section is on the school's website);
  the other channels count the entries that name them (``channels``).
* *withdrawn in the period*: entries of the section disclosed to the public whose
  withdrawal (``EntryReview.withdrawn_at``) falls in the period, withheld ones included;
  these are counted, never named, and their reason is not given.
* *released late*: released entries of items updated "within N working days" published
  more than N working days after their 成文日期 (working-day calendar).
* *the item table*: every item of the section's checklist (school items and sub-items
  included) with its state in the catalogue when the figures are computed.
"""

import datetime
from decimal import Decimal
from html.parser import HTMLParser

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import pgettext, pgettext_lazy

from . import request_statistics
from .catalogue import ItemStatus, build_catalogue
from .conf import get_setting
from .models import (
    AnnualReportPage,
    ChecklistCategory,
    DisclosureEntryPage,
    DisclosureSiteSettings,
    EntryReview,
    ReleaseChannel,
    ReportFigure,
    UpdateRule,
)
from .models.metadata import PUBLIC_METADATA
from .report_blocks import FIGURE_CHOICES, REPORT_SECTIONS, TABLE_CHOICES
from .request_outcomes import GROUPS
from .working_days import WorkingDayCalendar

SCHEMA = 1

ENTRIES = pgettext_lazy("annual report unit", "entries")
REQUESTS = pgettext_lazy("annual report unit", "requests")
CASES = pgettext_lazy("annual report unit", "cases")
YUAN = pgettext_lazy("annual report unit", "yuan")

#: The states of the item table (contract: ``items[].status``).
PARTIAL = "partial"
NOT_PUBLISHED = "not_published"
STATUS_LABELS = {
    ItemStatus.PUBLISHED: pgettext_lazy("annual report", "Published"),
    PARTIAL: pgettext_lazy("annual report", "Partly published"),
    ItemStatus.NOT_APPLICABLE: pgettext_lazy("annual report", "Not applicable"),
    NOT_PUBLISHED: pgettext_lazy("annual report", "Not published"),
}


# -- JSON -------------------------------------------------------------------------------


def jsonable(value):
    """Dates as ISO strings, decimals as numbers, lazy strings as strings, recursively."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


# -- the figures ----------------------------------------------------------------------


def day_bounds(start, end):
    """Aware datetimes ``[start 00:00, end + 1 day 00:00)`` in the site's time zone."""
    zone = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min)
    last = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    if settings.USE_TZ:
        return timezone.make_aware(first, zone), timezone.make_aware(last, zone)
    return first, last


def released_entries(section, start, end):
    """The entries of ``section`` released in the period (see the module's rules)."""
    return (
        DisclosureEntryPage.objects.descendant_of(section)
        .publicly_visible()
        .filter(publication_date__gte=start, publication_date__lte=end)
    )


def _released_rows(section, start, end):
    return list(
        released_entries(section, start, end)
        .order_by("publication_date", "pk")
        .values(
            "pk",
            "title",
            "index_number",
            "document_date",
            "publication_date",
            "department_id",
            "department__short_code",
            "department__name",
            "checklist_item__code",
            "checklist_item__title",
            "checklist_item__category_id",
            "checklist_item__update_rule",
            "checklist_item__update_within_working_days",
        )
    )


def _by_channel(section, start, end, released_count):
    website = get_setting("ANNUAL_REPORT_WEBSITE_CHANNEL")
    released = released_entries(section, start, end).values("pk")
    channels = ReleaseChannel.objects.annotate(
        count=Count("entries", filter=Q(entries__in=released), distinct=True)
    ).order_by("sort_order", "code")
    return [
        {
            "code": channel.code,
            "name": channel.name,
            "count": released_count if channel.code == website else channel.count,
        }
        for channel in channels
    ]


def _by_category(section, rows):
    counts = {}
    for row in rows:
        key = row["checklist_item__category_id"]
        counts[key] = counts.get(key, 0) + 1
    return [
        {
            "key": category.key,
            "number": category.number,
            "name": category.title,
            "count": counts.get(category.pk, 0),
        }
        for category in ChecklistCategory.objects.filter(checklist_id=section.checklist_id)
    ]


def _by_department(rows):
    counts = {}
    for row in rows:
        key = (row["department__short_code"], row["department__name"])
        counts[key] = counts.get(key, 0) + 1
    ordered = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0][1]))
    return [{"code": code, "name": name, "count": n} for (code, name), n in ordered]


def _withdrawn(section, start, end):
    first, last = day_bounds(start, end)
    public = {f"page__{name}": value for name, value in PUBLIC_METADATA.items()}
    reviews = (
        EntryReview.objects.filter(
            page__path__startswith=section.path,
            page__depth__gt=section.depth,
            withdrawn_at__gte=first,
            withdrawn_at__lt=last,
            **public,
        )
        .annotate(
            # A withdrawal is named only where its trace is public (not behind a view
            # restriction); withheld ones never are.
            public_trace=Exists(
                DisclosureEntryPage.objects.publicly_visible().filter(pk=OuterRef("page_id"))
            )
        )
        .order_by("withdrawn_at", "pk")
        .values(
            "withheld",
            "public_trace",
            "withdrawal_reason",
            "withdrawn_at",
            "page__title",
            "page__index_number",
        )
    )
    reasons, named = {}, []
    for review in reviews:
        reason = "" if review["withheld"] else review["withdrawal_reason"].strip()
        key = (review["withheld"], reason)
        reasons[key] = reasons.get(key, 0) + 1
        if not review["withheld"] and review["public_trace"]:
            named.append(
                {
                    "title": review["page__title"],
                    "index_number": review["page__index_number"],
                    "withdrawn_on": timezone.localtime(review["withdrawn_at"]).date()
                    if settings.USE_TZ
                    else review["withdrawn_at"].date(),
                    "reason": reason,
                }
            )
    return {
        "withdrawn": sum(reasons.values()),
        "withdrawn_reasons": [
            {"reason": reason, "withheld": withheld, "count": n}
            for (withheld, reason), n in sorted(reasons.items(), key=lambda pair: -pair[1])
        ],
        "withdrawn_entries": named,
    }


def _late(rows, end):
    """Released entries of "within N working days" items published more than N working
    days after they were made."""
    candidates = [
        row
        for row in rows
        if row["checklist_item__update_rule"] == UpdateRule.ON_CHANGE
        and row["checklist_item__update_within_working_days"]
        and row["document_date"]
        and row["publication_date"] > row["document_date"]
    ]
    if not candidates:
        return []
    calendar = WorkingDayCalendar(min(row["document_date"] for row in candidates), end)
    late = []
    for row in candidates:
        limit = row["checklist_item__update_within_working_days"]
        days = calendar.working_days_between(row["document_date"], row["publication_date"])
        if days > limit:
            late.append(
                {
                    "title": row["title"],
                    "index_number": row["index_number"],
                    "item": row["checklist_item__code"],
                    "document_date": row["document_date"],
                    "publication_date": row["publication_date"],
                    "working_days": days,
                    "limit": limit,
                }
            )
    return late


def _appeals(start, end):
    counts = request_statistics.table4(start, end).counts
    return {
        "complaints": counts["complaint"]["total"],
        "reconsiderations": counts["reconsideration"]["total"],
        "lawsuits": counts["lawsuit"]["total"] + counts["lawsuit_after"]["total"],
        "by_kind": counts,
    }


def _manual(academic_year):
    return [
        {
            "key": figure.key,
            "label": figure.label,
            "value": figure.value,
            "unit": figure.unit,
            "source": figure.source,
        }
        for figure in ReportFigure.objects.filter(academic_year=academic_year).order_by("pk")
    ]


def _category_urls(catalogue):
    urls = {}
    for group in catalogue:
        if group.page is not None:
            urls[group.category.pk] = group.page.get_full_url()
    return urls


def _item_rows(catalogue):
    """The item table: every item, its sub-items after it, in checklist order."""
    urls = _category_urls(catalogue)
    items = []

    def add(row, category):
        item = row.item
        sub_rows = row.sub_items
        if row.entry_count:
            status = ItemStatus.PUBLISHED
            if any(not sub.entry_count and sub.item.is_applicable for sub in sub_rows):
                status = PARTIAL
        elif not item.is_applicable:
            status = ItemStatus.NOT_APPLICABLE
        elif any(sub.entry_count for sub in sub_rows):
            status = PARTIAL
        else:
            status = NOT_PUBLISHED
        base = urls.get(category.pk)
        department = row.department
        last = row.last_updated
        items.append(
            {
                "number": item.code,
                "code": item.code,
                "category": category.title,
                "title": item.title,
                "status": status,
                "reason": item.not_applicable_reason,
                "links": [f"{base}?item={item.code}"] if base else [],
                "department": department.name if department is not None else "",
                "last_updated": timezone.localtime(last).date() if last else None,
                "note": item.not_applicable_reason if status == ItemStatus.NOT_APPLICABLE else "",
            }
        )
        for sub in sub_rows:
            add(sub, category)

    for group in catalogue:
        for row in group.items:
            add(row, group.category)
    return items


def compute_figures(section, start, end, academic_year):
    """Every figure of the period ``start``–``end`` (dates, inclusive) for ``section``,
    and the item table, JSON-ready. Labels of the request tables are in the site's
    language (``LANGUAGE_CODE``): the frozen figures are part of an official document."""
    with translation.override(settings.LANGUAGE_CODE):
        rows = _released_rows(section, start, end)
        requests = request_statistics.report_figures(start, end)
        government = get_setting("ANNUAL_REPORT_GOVERNMENT_TABLES")
        figures = {
            "entries_released": len(rows),
            "by_channel": _by_channel(section, start, end, len(rows)),
            "by_category": _by_category(section, rows),
            "by_department": _by_department(rows),
            **_withdrawn(section, start, end),
            "late_items": _late(rows, end),
            "requests": requests,
            "table3": request_statistics.table3(start, end).as_dict() if government else None,
            "table4": request_statistics.table4(start, end).as_dict() if government else None,
            "appeals": _appeals(start, end),
            "manual": _manual(academic_year),
        }
        figures["late"] = len(figures["late_items"])
        items = _item_rows(build_catalogue(section, per_item=1))
    return jsonable(
        {
            "schema": SCHEMA,
            "period": {"start": start, "end": end},
            "academic_year": academic_year,
            "figures": figures,
            "items": items,
        }
    )


def compute_for_page(page):
    """:func:`compute_figures` for the report ``page`` (any version of it)."""
    section = page.report_section
    if section is None:
        return {}
    start, end = page.period
    return compute_figures(section, start, end, page.academic_year)


def freeze_into_revision(revision):
    """Store freshly computed figures in a new version of an annual report (called before
    the revision is written): the version reviewed carries its figures, and publishing it
    puts them on the page. Other revisions are left alone."""
    model = revision.content_type.model_class() if revision.content_type_id else None
    if model is None or not issubclass(model, AnnualReportPage) or revision.pk is not None:
        return
    version = revision.as_object()
    revision.content["figures"] = compute_for_page(version)
    revision.content["figures_computed_at"] = timezone.now()


# -- the report document ----------------------------------------------------------------


class _Paragraphs(HTMLParser):
    """Rich text as paragraphs of plain text (one per block element)."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "div", "br"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs, self.current = [], []

    def flush(self):
        text = "".join(self.current).strip()
        if text:
            self.paragraphs.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.flush()

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.flush()

    def handle_data(self, data):
        self.current.append(data)


def paragraphs(html):
    parser = _Paragraphs()
    parser.feed(html)
    parser.close()
    parser.flush()
    return parser.paragraphs


def _figure_labels():
    return dict(FIGURE_CHOICES)


def figure(data, key, reference="", label=""):
    """A figure block of the document: ``{"type": "figure", key, label, value, unit}``;
    ``value`` is None when the figures do not have it."""
    figures = data.get("figures", {})
    requests = figures.get("requests", {})
    appeals = figures.get("appeals", {})
    answered = requests.get("answered")
    simple = {
        "entries_released": (figures.get("entries_released"), ENTRIES),
        "entries_withdrawn": (figures.get("withdrawn"), ENTRIES),
        "entries_late": (figures.get("late"), ENTRIES),
        "requests_received": (requests.get("received"), REQUESTS),
        "requests_carried_over": (requests.get("carried_over"), REQUESTS),
        "requests_answered": (answered, REQUESTS),
        "requests_carried_forward": (requests.get("carried_forward"), REQUESTS),
        "requests_extended": (requests.get("extended"), REQUESTS),
        "requests_overdue": (requests.get("overdue"), REQUESTS),
        "fees_charged": (requests.get("fees_charged"), YUAN),
        "fees_waived": (requests.get("fees_waived"), REQUESTS),
        "complaints": (appeals.get("complaints"), CASES),
        "reconsiderations": (appeals.get("reconsiderations"), CASES),
        "lawsuits": (appeals.get("lawsuits"), CASES),
    }
    own_label = str(_figure_labels().get(key, key))
    value, unit = None, ""
    if key in simple:
        value, unit = simple[key]
    elif key == "channel":
        channel = next((c for c in figures.get("by_channel", []) if c["code"] == reference), None)
        if channel is not None:
            value, unit, own_label = channel["count"], ENTRIES, channel["name"]
    elif key == "manual":
        entered = next((m for m in figures.get("manual", []) if m["key"] == reference), None)
        if entered is not None:
            value, unit, own_label = entered["value"], entered["unit"], entered["label"]
    return {
        "type": "figure",
        "key": f"{key}:{reference}" if reference and key in ("channel", "manual") else key,
        "label": label or own_label,
        "value": value,
        "unit": str(unit),
    }


def _request_outcome_rows(requests):
    rows = [
        [pgettext("annual report", "Requests received"), requests.get("received", 0)],
        [
            pgettext("annual report", "Requests carried over from the previous year"),
            requests.get("carried_over", 0),
        ],
    ]
    for group, label in GROUPS.items():
        rows.append([str(label), requests.get("answered_by_outcome", {}).get(group, 0)])
    rows += [
        [pgettext("annual report", "Withdrawn by the applicant"), requests.get("withdrawn", 0)],
        [pgettext("annual report", "Lapsed (not corrected)"), requests.get("lapsed", 0)],
        [
            pgettext("annual report", "Requests carried forward to the next year"),
            requests.get("carried_forward", 0),
        ],
        [
            pgettext("annual report", "Requests with an extended time limit"),
            requests.get("extended", 0),
        ],
        [
            pgettext("annual report", "Requests answered late or overdue"),
            requests.get("overdue", 0),
        ],
        [pgettext("annual report", "Fees charged (yuan)"), requests.get("fees_charged", 0)],
        [pgettext("annual report", "Fee waivers granted"), requests.get("fees_waived", 0)],
    ]
    return rows


def item_table_columns():
    return [
        pgettext("annual report", "No."),
        pgettext("annual report", "Category"),
        pgettext("annual report", "Item"),
        pgettext("annual report", "Status"),
        pgettext("annual report", "Link"),
        pgettext("annual report", "Responsible department"),
        pgettext("annual report", "Last updated"),
        pgettext("annual report", "Note"),
    ]


def table(data, key, caption=""):
    """A table block of the document: ``{"type": "table", key, caption, columns, rows}``."""
    figures = data.get("figures", {})
    own_caption = str(dict(TABLE_CHOICES).get(key, key))
    columns, rows = [], []
    entries = pgettext("annual report", "Entries")
    if key == "by_channel":
        columns = [pgettext("annual report", "Channel"), entries]
        rows = [[c["name"], c["count"]] for c in figures.get("by_channel", [])]
    elif key == "by_category":
        columns = [pgettext("annual report", "Category"), entries]
        rows = [[c["name"], c["count"]] for c in figures.get("by_category", [])]
    elif key == "by_department":
        columns = [pgettext("annual report", "Department"), entries]
        rows = [[d["name"], d["count"]] for d in figures.get("by_department", [])]
    elif key == "withdrawn_reasons":
        columns = [pgettext("annual report", "Reason"), entries]
        rows = [
            [
                pgettext("annual report", "Withheld (reason not given)")
                if r["withheld"]
                else r["reason"],
                r["count"],
            ]
            for r in figures.get("withdrawn_reasons", [])
        ]
    elif key == "late_items":
        columns = [
            pgettext("annual report", "Index number"),
            pgettext("annual report", "Title"),
            pgettext("annual report", "Checklist item"),
            pgettext("annual report", "Date of making"),
            pgettext("annual report", "Publication date"),
            pgettext("annual report", "Working days"),
            pgettext("annual report", "Time limit (working days)"),
        ]
        rows = [
            [
                r["index_number"],
                r["title"],
                r["item"],
                r["document_date"],
                r["publication_date"],
                r["working_days"],
                r["limit"],
            ]
            for r in figures.get("late_items", [])
        ]
    elif key == "request_outcomes":
        columns = [pgettext("annual report", "Figure"), pgettext("annual report", "Number")]
        rows = _request_outcome_rows(figures.get("requests", {}))
    elif key == "table3" and figures.get("table3"):
        table3 = figures["table3"]
        columns = [pgettext("annual report", "Row")] + [c["label"] for c in table3["columns"]]
        rows = [
            [f"{row['number']} {row['label']}"]
            + [row["counts"].get(c["key"], 0) for c in table3["columns"]]
            for row in table3["rows"]
        ]
    elif key == "table4" and figures.get("table4"):
        table4 = figures["table4"]
        results = [
            ("upheld", pgettext("annual report", "Upheld")),
            ("corrected", pgettext("annual report", "Corrected")),
            ("other", pgettext("annual report", "Other result")),
            ("pending", pgettext("annual report", "Not yet decided")),
            ("total", pgettext("annual report", "Total")),
        ]
        columns = [pgettext("annual report", "Kind")] + [label for _key, label in results]
        rows = [
            [column["label"]] + [column.get(result, 0) for result, _label in results]
            for column in table4["columns"]
        ]
    elif key == "appeals":
        appeals = figures.get("appeals", {})
        columns = [pgettext("annual report", "Kind"), pgettext("annual report", "Number")]
        rows = [
            [pgettext("annual report", "Complaints and reports"), appeals.get("complaints", 0)],
            [
                pgettext("annual report", "Administrative reconsiderations"),
                appeals.get("reconsiderations", 0),
            ],
            [pgettext("annual report", "Lawsuits"), appeals.get("lawsuits", 0)],
        ]
    elif key == "manual":
        columns = [
            pgettext("annual report", "Figure"),
            pgettext("annual report", "Value"),
            pgettext("annual report", "Unit"),
            pgettext("annual report", "Source"),
        ]
        rows = [[m["label"], m["value"], m["unit"], m["source"]] for m in figures.get("manual", [])]
    elif key == "item_table":
        columns = item_table_columns()
        rows = [
            [
                item["number"],
                item["category"],
                item["title"],
                str(STATUS_LABELS[item["status"]]),
                " ".join(item["links"]),
                item["department"],
                item["last_updated"] or "",
                item["note"],
            ]
            for item in data.get("items", [])
        ]
    return {
        "type": "table",
        "key": key,
        "caption": caption or own_caption,
        "columns": [str(column) for column in columns],
        "rows": jsonable(rows),
    }


def _section_blocks(stream_child, data):
    blocks = []
    for child in stream_child.value if stream_child is not None else []:
        kind, value = child.block_type, child.value
        if kind == "heading":
            blocks.append({"type": "heading", "text": str(value)})
        elif kind == "paragraph":
            source = getattr(value, "source", str(value))
            blocks.extend({"type": "paragraph", "text": text} for text in paragraphs(source))
        elif kind == "figure":
            blocks.append(figure(data, value["figure"], value["reference"], value["label"]))
        elif kind == "table":
            blocks.append(table(data, value["table"], value["caption"]))
    return blocks


def university_name(page):
    """The 主办单位 of the page's site (footer settings), else the site's name, else the
    section's title."""
    site = page.get_site() if page.url_path else None
    if site is not None:
        footer = DisclosureSiteSettings.base_queryset().filter(site=site).first()
        if footer is not None and footer.organiser:
            return footer.organiser
        if site.site_name:
            return site.site_name
    section = page.report_section
    return section.title if section is not None else ""


def report_document(page, *, frozen=True):
    """The report as a JSON-ready dict (the contract of the exports). ``frozen=True``: the
    figures stored in ``page`` (the version it is: the live page's are those approved);
    ``frozen=False``: computed now from live data (a draft's preview). Strings are in the
    active language."""
    data = page.figures if frozen else compute_for_page(page)
    data = data or {}
    by_key = {child.block_type: child for child in page.report}
    sections = []
    for key, number, heading in REPORT_SECTIONS:
        blocks = _section_blocks(by_key.get(key), data)
        if key == "item_table" and not any(
            block["type"] == "table" and block["key"] == "item_table" for block in blocks
        ):
            # The 2018 notice asks for every item with its link: the table is always there.
            blocks.append(table(data, "item_table"))
        sections.append({"key": key, "number": number, "heading": str(heading), "blocks": blocks})
    start, end = page.period
    computed_at = page.figures_computed_at if frozen else timezone.now()
    live = page.live and page.pk and page.is_publicly_visible()
    items = [
        {**item, "status_label": str(STATUS_LABELS[item["status"]])}
        for item in data.get("items", [])
    ]
    return {
        "schema": SCHEMA,
        "title": page.title,
        "university": university_name(page),
        "academic_year": page.academic_year_label,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "published_on": page.publication_date.isoformat()
        if live and page.publication_date
        else None,
        "frozen_at": jsonable(computed_at) if frozen else None,
        "computed_at": jsonable(computed_at),
        "frozen": frozen,
        "url": page.get_full_url() if live else None,
        "sections": sections,
        "figures": data.get("figures", {}),
        "items": items,
    }
