"""The StreamField blocks of the annual report (信息公开工作年度报告, docs/annual-report.md).

The report is a stream of its eight sections, each at most once, in a fixed order
(:data:`REPORT_SECTIONS`, the headings of current university reports). A section holds
narrative (sub-headings and paragraphs) and *computed* blocks: a figure block or a table
block names a figure (:data:`FIGURE_CHOICES`) or a table (:data:`TABLE_CHOICES`), never a
value; the page shows the value frozen in its revision (``wagtail_disclosure.annual_report``).
"""

from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks

#: The sections of the report: (key, number, heading). The order is that of the report.
REPORT_SECTIONS = (
    ("overview", "一", pgettext_lazy("annual report", "Overview")),
    ("proactive", "二", pgettext_lazy("annual report", "Proactive disclosure")),
    (
        "requests",
        "三",
        pgettext_lazy("annual report", "Disclosure on request and information not disclosed"),
    ),
    ("evaluation", "四", pgettext_lazy("annual report", "Evaluation of the disclosure work")),
    (
        "complaints",
        "五",
        pgettext_lazy(
            "annual report",
            "Complaints, administrative reconsiderations and lawsuits about the disclosure work",
        ),
    ),
    ("problems", "六", pgettext_lazy("annual report", "Main problems and improvements")),
    ("other", "七", pgettext_lazy("annual report", "Other matters to report")),
    ("item_table", "八", pgettext_lazy("annual report", "Disclosure of the checklist items")),
)
SECTION_KEYS = tuple(key for key, _number, _heading in REPORT_SECTIONS)

#: The figures a figure block may name. "channel" and "manual" need a reference: the code
#: of a release channel, the key of a figure entered by the office.
FIGURE_CHOICES = (
    ("entries_released", pgettext_lazy("annual report", "Entries released")),
    ("channel", pgettext_lazy("annual report", "Entries released on a channel")),
    ("entries_withdrawn", pgettext_lazy("annual report", "Entries withdrawn")),
    ("entries_late", pgettext_lazy("annual report", "Entries released late")),
    ("requests_received", pgettext_lazy("annual report", "Requests received")),
    (
        "requests_carried_over",
        pgettext_lazy("annual report", "Requests carried over from the previous year"),
    ),
    ("requests_answered", pgettext_lazy("annual report", "Requests answered")),
    (
        "requests_carried_forward",
        pgettext_lazy("annual report", "Requests carried forward to the next year"),
    ),
    ("requests_extended", pgettext_lazy("annual report", "Requests with an extended time limit")),
    ("requests_overdue", pgettext_lazy("annual report", "Requests answered late or overdue")),
    ("fees_charged", pgettext_lazy("annual report", "Fees charged")),
    ("fees_waived", pgettext_lazy("annual report", "Fees waived")),
    ("complaints", pgettext_lazy("annual report", "Complaints and reports")),
    ("reconsiderations", pgettext_lazy("annual report", "Administrative reconsiderations")),
    ("lawsuits", pgettext_lazy("annual report", "Lawsuits")),
    ("manual", pgettext_lazy("annual report", "Figure entered by the office")),
)
FIGURE_KEYS = tuple(key for key, _label in FIGURE_CHOICES)
#: Figures that name what they count in ``reference``.
FIGURES_WITH_REFERENCE = ("channel", "manual")

#: The tables a table block may name.
TABLE_CHOICES = (
    ("by_channel", pgettext_lazy("annual report", "Entries released by channel")),
    ("by_category", pgettext_lazy("annual report", "Entries released by category")),
    ("by_department", pgettext_lazy("annual report", "Entries released by department")),
    ("withdrawn_reasons", pgettext_lazy("annual report", "Entries withdrawn, by reason")),
    ("late_items", pgettext_lazy("annual report", "Entries released late")),
    (
        "request_outcomes",
        pgettext_lazy("annual report", "Requests for information and their outcomes"),
    ),
    ("table3", pgettext_lazy("annual report", "Requests received and handled (2021 table 3)")),
    (
        "table4",
        pgettext_lazy(
            "annual report", "Administrative reconsiderations and lawsuits (2021 table 4)"
        ),
    ),
    ("appeals", pgettext_lazy("annual report", "Complaints, reconsiderations and lawsuits")),
    ("manual", pgettext_lazy("annual report", "Figures entered by the office")),
    ("item_table", pgettext_lazy("annual report", "Disclosure of the checklist items")),
)
TABLE_KEYS = tuple(key for key, _label in TABLE_CHOICES)


class ReportFigureBlock(blocks.StructBlock):
    """A computed figure: names it, the page shows its value."""

    figure = blocks.ChoiceBlock(label=_("figure"), choices=FIGURE_CHOICES)
    reference = blocks.CharBlock(
        label=_("channel or figure key"),
        required=False,
        help_text=_(
            "For a channel figure: the channel's code (such as wechat). For a figure entered "
            "by the office: its key."
        ),
    )
    label = blocks.CharBlock(
        label=_("label"), required=False, help_text=_("Leave empty for the figure's own label.")
    )

    class Meta:
        icon = "order"
        label = _("Computed figure")


class ReportTableBlock(blocks.StructBlock):
    """A computed table: names it, the page shows its rows."""

    table = blocks.ChoiceBlock(label=_("table"), choices=TABLE_CHOICES)
    caption = blocks.CharBlock(
        label=_("caption"), required=False, help_text=_("Leave empty for the table's own caption.")
    )

    class Meta:
        icon = "table"
        label = _("Computed table")


class ReportSectionContentBlock(blocks.StreamBlock):
    """What one section of the report holds."""

    heading = blocks.CharBlock(label=_("Sub-heading"), icon="title")
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=["bold", "italic", "ol", "ul", "link"]
    )
    figure = ReportFigureBlock()
    table = ReportTableBlock()

    class Meta:
        required = False


class AnnualReportBlock(blocks.StreamBlock):
    """The eight sections of the report, each at most once."""

    overview = ReportSectionContentBlock(label=REPORT_SECTIONS[0][2], icon="doc-full")
    proactive = ReportSectionContentBlock(label=REPORT_SECTIONS[1][2], icon="doc-full")
    requests = ReportSectionContentBlock(label=REPORT_SECTIONS[2][2], icon="doc-full")
    evaluation = ReportSectionContentBlock(label=REPORT_SECTIONS[3][2], icon="doc-full")
    complaints = ReportSectionContentBlock(label=REPORT_SECTIONS[4][2], icon="doc-full")
    problems = ReportSectionContentBlock(label=REPORT_SECTIONS[5][2], icon="doc-full")
    other = ReportSectionContentBlock(label=REPORT_SECTIONS[6][2], icon="doc-full")
    item_table = ReportSectionContentBlock(label=REPORT_SECTIONS[7][2], icon="table")

    class Meta:
        block_counts = {key: {"max_num": 1} for key in SECTION_KEYS}


def _paragraph(*texts):
    text = escape(" ".join(map(str, texts)))
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def _heading(text):
    return {"type": "heading", "value": str(text)}


def _figure(key, reference=""):
    return {"type": "figure", "value": {"figure": key, "reference": reference, "label": ""}}


def _table(key):
    return {"type": "table", "value": {"table": key, "caption": ""}}


def default_outline():
    """The outline a new report starts with (raw StreamField data), in the active language:
    the sub-heads usual in university reports (domain.md §3.2), what to write under them,
    and the computed figures and tables where the reports give them."""
    write = pgettext_lazy("annual report", "(To be written.)")
    return [
        {
            "type": "overview",
            "value": [
                _heading(pgettext_lazy("annual report", "(1) Rules and working mechanisms")),
                _paragraph(
                    pgettext_lazy(
                        "annual report",
                        "The leading group and office for disclosure, and their rules.",
                    ),
                    write,
                ),
                _heading(pgettext_lazy("annual report", "(2) Putting the checklist into practice")),
                _paragraph(
                    pgettext_lazy("annual report", "How each item of the checklist was disclosed."),
                    write,
                ),
                _heading(pgettext_lazy("annual report", "(3) Publicity, training and appraisal")),
                _paragraph(
                    pgettext_lazy(
                        "annual report",
                        "Training of departments, staff and students; disclosure in appraisals.",
                    ),
                    write,
                ),
            ],
        },
        {
            "type": "proactive",
            "value": [
                _heading(pgettext_lazy("annual report", "(1) Channels and forms of disclosure")),
                _paragraph(
                    pgettext_lazy(
                        "annual report",
                        "The disclosure section, the website, the WeChat account, notice boards.",
                    ),
                    write,
                ),
                _heading(pgettext_lazy("annual report", "(2) Information disclosed")),
                _figure("entries_released"),
                _table("by_channel"),
                _table("by_category"),
                _table("by_department"),
                _heading(pgettext_lazy("annual report", "(3) Withdrawals and timeliness")),
                _figure("entries_withdrawn"),
                _table("withdrawn_reasons"),
                _figure("entries_late"),
            ],
        },
        {
            "type": "requests",
            "value": [
                _paragraph(
                    pgettext_lazy(
                        "annual report",
                        "Requests received, their kinds and answers; fees charged and waived.",
                    ),
                    write,
                ),
                _figure("requests_received"),
                _figure("requests_answered"),
                _table("request_outcomes"),
            ],
        },
        {
            "type": "evaluation",
            "value": [
                _paragraph(
                    pgettext_lazy(
                        "annual report",
                        "How staff, students and the public evaluated the disclosure work.",
                    ),
                    write,
                )
            ],
        },
        {"type": "complaints", "value": [_table("appeals")]},
        {
            "type": "problems",
            "value": [
                _heading(pgettext_lazy("annual report", "(1) Main problems")),
                _paragraph(write),
                _heading(pgettext_lazy("annual report", "(2) Improvements")),
                _paragraph(write),
            ],
        },
        {"type": "other", "value": [_paragraph(pgettext_lazy("annual report", "None."))]},
        {"type": "item_table", "value": [_table("item_table")]},
    ]
