"""The compliance dashboard's charts, drawn on the server as inline SVG.

No charting library, no JavaScript, nothing from a CDN: two small bar charts, each an
``<svg role="img">`` with a title and a description for screen readers, text labels on
every bar (the numbers are written, not only drawn), and the same figures in a table
next to it in the templates. Colours are Wagtail's teal and a red that reads in both
themes; the words carry the meaning, never the colour alone.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

ON_TIME_COLOUR = "#007d7e"  # Wagtail's teal
LATE_COLOUR = "#cd4444"
TRACK_COLOUR = "#e0e0e0"
TEXT_COLOUR = "currentColor"
FONT = 'font-family="inherit" font-size="13"'


def _svg(width, height, title, description, body, classname):
    return mark_safe(  # noqa: S308 - every text in it is escaped below
        f'<svg class="{classname}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width: {width}px" '
        f'aria-labelledby="{classname}-title {classname}-desc">'
        f'<title id="{classname}-title">{escape(title)}</title>'
        f'<desc id="{classname}-desc">{escape(description)}</desc>'
        f"{''.join(body)}</svg>"
    )


def coverage_chart(coverage, width=520):
    """Horizontal bars, one per category: the share of its applicable items that are
    current, labelled "current / applicable". ``coverage``: ``CategoryCoverage`` rows."""
    label_width, row_height, bar_height = 150, 28, 16
    bar_width = width - label_width - 100
    height = row_height * len(coverage) + 8
    body = []
    for index, row in enumerate(coverage):
        y = 4 + index * row_height
        middle = y + row_height / 2
        share = row.current / row.applicable if row.applicable else 0
        if row.applicable:
            figure = f"{row.current} / {row.applicable} ({row.percent}%)"
        else:
            figure = _("not applicable")
        body.append(
            f'<text x="{label_width - 8}" y="{middle}" text-anchor="end" '
            f'dominant-baseline="middle" fill="{TEXT_COLOUR}" {FONT}>{escape(row.title)}</text>'
            f'<rect class="coverage-track" x="{label_width}" y="{middle - bar_height / 2}" '
            f'width="{bar_width}" height="{bar_height}" fill="{TRACK_COLOUR}"/>'
            f'<rect class="coverage-bar" x="{label_width}" y="{middle - bar_height / 2}" '
            f'width="{round(bar_width * share, 1)}" height="{bar_height}" '
            f'fill="{ON_TIME_COLOUR}"><title>{escape(row.title)}: {escape(figure)}</title></rect>'
            f'<text x="{label_width + bar_width + 6}" y="{middle}" dominant-baseline="middle" '
            f'fill="{TEXT_COLOUR}" {FONT}>{escape(figure)}</text>'
        )
    return _svg(
        width,
        height,
        _("Coverage per category"),
        _("Checklist items with current published content, out of the applicable items."),
        body,
        "disclosure-coverage-chart",
    )


def timeliness_chart(months, width=520, height=240):
    """Stacked columns, one per month: releases on time (below) and late (above), the
    total written over each column. ``months``: ``MonthTimeliness`` rows."""
    left, bottom, top, legend = 8, 36, 20, 22
    plot_height = height - bottom - top - legend
    column = (width - 2 * left) / max(len(months), 1)
    bar_width = min(28, column * 0.6)
    peak = max((month.total for month in months), default=0) or 1
    body = [
        f'<rect x="{left}" y="4" width="12" height="12" fill="{ON_TIME_COLOUR}"/>'
        f'<text x="{left + 18}" y="14" fill="{TEXT_COLOUR}" {FONT}>{escape(_("Published on time"))}</text>'
        f'<rect x="{left + 150}" y="4" width="12" height="12" fill="{LATE_COLOUR}"/>'
        f'<text x="{left + 168}" y="14" fill="{TEXT_COLOUR}" {FONT}>{escape(_("Published late"))}</text>'
    ]
    base = height - bottom
    for index, month in enumerate(months):
        x = left + index * column + (column - bar_width) / 2
        on_time = plot_height * month.on_time / peak
        late = plot_height * month.late / peak
        words = _("%(month)s: %(on_time)d published on time, %(late)d late") % {
            "month": month.label,
            "on_time": month.on_time,
            "late": month.late,
        }
        body.append(
            f'<g class="timeliness-month"><title>{escape(words)}</title>'
            f'<rect class="timeliness-on-time" x="{round(x, 1)}" y="{round(base - on_time, 1)}" '
            f'width="{round(bar_width, 1)}" height="{round(on_time, 1)}" fill="{ON_TIME_COLOUR}"/>'
            f'<rect class="timeliness-late" x="{round(x, 1)}" '
            f'y="{round(base - on_time - late, 1)}" width="{round(bar_width, 1)}" '
            f'height="{round(late, 1)}" fill="{LATE_COLOUR}"/>'
            f'<text x="{round(x + bar_width / 2, 1)}" y="{round(base - on_time - late - 4, 1)}" '
            f'text-anchor="middle" fill="{TEXT_COLOUR}" {FONT}>{month.total}</text>'
            f'<text x="{round(x + bar_width / 2, 1)}" y="{base + 16}" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}" {FONT}>{month.month.year % 100:02d}/{month.month.month:02d}'
            f"</text></g>"
        )
    body.append(
        f'<line x1="{left}" y1="{base}" x2="{width - left}" y2="{base}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="1"/>'
    )
    return _svg(
        width,
        height,
        _("Timeliness by month"),
        _(
            "Releases of each of the last twelve months: published within the working days "
            "their item allows, or late."
        ),
        body,
        "disclosure-timeliness-chart",
    )
