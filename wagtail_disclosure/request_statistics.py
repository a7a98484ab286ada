"""Statistics of requests for information (依申请公开), for the annual report.

Pure functions over the database, for any period (an academic year under 教育部令第29号,
a calendar year under the 2019 条例):

* :func:`table3`: the 2021 table 3 (国办公开办函〔2021〕30号, "三、收到和处理政府信息公开
  申请情况"), columns 自然人, the five kinds of 法人或其他组织 and 总计, with its check
  :func:`check_table3` (一 + 二 = 三(七) + 四 in every column);
* :func:`table4`: the 2021 table 4 (行政复议, 行政诉讼 without and after reconsideration),
  with complaints (举报) counted apart;
* :func:`report_figures`: the figures a 29号 report gives in prose (received, answered by
  outcome, extended, overdue, fees, carried over, complaints and appeals).

The rules (docs/requests_statistics.md):

* a case is *received* on ``received_on``; it is *finished* on the day it reached a
  finished state: ``answered_on`` for answered, delivered and closed cases, the day of the
  last state change (``state_changed_at``, the audit log's time) for withdrawn and lapsed
  ones (a finished case without either date is taken as finished on its receipt day);
* 一: received in the period; 二: received before it and not finished before it; 三:
  finished in the period (and received by its end), by outcome; 四: received by the end of
  the period and not finished by then;
* outcome rows follow the table: 已主动公开 (``already_public``) has no row of its own in
  the 2021 table and counts under (一) 予以公开; a withdrawn case counts under (六) 3.其他,
  a lapsed (uncorrected) one under (六) 1; an outcome the table has no row for (a site's
  own catalogue) under (六) 3.其他.

Every function runs a fixed number of queries, whatever the number of cases.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.db.models import Case, CharField, Count, DateField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from .models import DisclosureRequest, RequestAppeal, RequestExtension, RequestFee
from .models.requests import (
    AppealKind,
    AppealResult,
    ApplicantType,
    ExtensionState,
    OrganisationKind,
    RequestState,
    WaiverDecision,
)
from .request_clock import compute_clock
from .request_outcomes import GROUPS, OUTCOMES, group_of
from .working_days import WorkingDayCalendar

__all__ = [
    "COLUMNS",
    "Table3",
    "Table4",
    "TableRow",
    "academic_year",
    "calendar_year",
    "check_table3",
    "period",
    "report_figures",
    "table3",
    "table4",
]

ANSWERED_STATES = (RequestState.ANSWERED, RequestState.DELIVERED, RequestState.CLOSED)
ENDED_STATES = (RequestState.WITHDRAWN, RequestState.LAPSED)

# -- periods ----------------------------------------------------------------------------


def academic_year(year):
    """The academic year starting in ``year``: 1 September to 31 August (29号 reports)."""
    return datetime.date(year, 9, 1), datetime.date(year + 1, 8, 31)


def calendar_year(year):
    """1 January to 31 December of ``year`` (reports under the 2019 条例)."""
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


PERIODS = {"academic": academic_year, "calendar": calendar_year}


def period(kind, year):
    """``(start, end)`` of an ``"academic"`` or ``"calendar"`` year."""
    return PERIODS[kind](year)


# -- table 3 ----------------------------------------------------------------------------

#: The columns of table 3: 自然人, the five kinds of 法人或其他组织, 总计.
COLUMNS = [
    ("person", _("Natural persons")),
    *[(kind.value, kind.label) for kind in OrganisationKind],
    ("total", _("Total")),
]
COLUMN_KEYS = [key for key, _label in COLUMNS]
_DATA_COLUMNS = COLUMN_KEYS[:-1]

#: The outcome groups in table order with their number in table 3, part 三.
_GROUP_NUMBERS = {
    "disclosed": "（一）",
    "partial": "（二）",
    "withheld": "（三）",
    "unavailable": "（四）",
    "not_handled": "（五）",
    "other": "（六）",
}


@dataclasses.dataclass
class TableRow:
    key: str
    #: The row's number as printed in the table (一, （一）, 1).
    number: str
    label: str
    counts: dict
    #: 0: parts 一 to 四; 1: the outcome groups and (七) total; 2: the reasons.
    level: int = 0
    #: A group's sum of its reasons: the printed table has a heading there, no figures.
    subtotal: bool = False

    def as_dict(self):
        return {
            "key": self.key,
            "number": self.number,
            "label": str(self.label),
            "level": self.level,
            "subtotal": self.subtotal,
            "counts": dict(self.counts),
        }


@dataclasses.dataclass
class Table3:
    start: datetime.date
    end: datetime.date
    rows: list

    columns = COLUMNS

    def row(self, key):
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def __getitem__(self, key):
        return self.row(key).counts

    def as_dict(self):
        return {
            "start": self.start,
            "end": self.end,
            "columns": [{"key": key, "label": str(label)} for key, label in COLUMNS],
            "rows": [row.as_dict() for row in self.rows],
            "failing_columns": check_table3(self),
        }


def _leaf_rows():
    """``(key, group, number)`` of the outcome rows of part 三, in table order, from the
    built-in catalogue (the table's layout does not change with a site's catalogue)."""
    rows = []
    numbers = {}
    for outcome in OUTCOMES:
        if outcome.group not in _GROUP_NUMBERS:
            continue  # already_public: no row of its own (counted as disclosed)
        if outcome.code == outcome.group:
            number = _GROUP_NUMBERS[outcome.group]
        else:
            numbers[outcome.group] = numbers.get(outcome.group, 0) + 1
            number = str(numbers[outcome.group])
        rows.append((outcome.code, outcome.group, number, outcome.label))
    return rows


LEAF_KEYS = {code for code, _group, _number, _label in _leaf_rows()}


def outcome_row(state, outcome):
    """The key of the row of part 三 a finished case counts in."""
    if state == RequestState.WITHDRAWN:
        return "other_other"
    if state == RequestState.LAPSED:
        return "other_uncorrected"
    group = group_of(outcome)
    if group in ("disclosed", "already_public"):
        return "disclosed"
    if group == "partial":
        return "partial"
    if outcome in LEAF_KEYS:
        return outcome
    return "other_other"


def finished_on(prefix=""):
    """An expression: the day a case reached a finished state, ``None`` while it is open
    (``prefix``: the lookup to the case, e.g. ``"request__"``)."""
    state, answered = f"{prefix}state", f"{prefix}answered_on"
    changed, received = TruncDate(f"{prefix}state_changed_at"), F(f"{prefix}received_on")
    return Case(
        When(**{f"{state}__in": ANSWERED_STATES}, then=Coalesce(answered, changed, received)),
        When(**{f"{state}__in": ENDED_STATES}, then=Coalesce(changed, received)),
        default=Value(None, output_field=DateField()),
        output_field=DateField(),
    )


def _column():
    return Case(
        When(applicant_type=ApplicantType.PERSON, then=Value("person")),
        When(organisation_kind__in=OrganisationKind.values, then=F("organisation_kind")),
        default=Value(OrganisationKind.OTHER.value),
        output_field=CharField(),
    )


def _cases():
    return DisclosureRequest.objects.order_by().annotate(
        finished_on=finished_on(), column=_column()
    )


def _flows(start, end):
    """``{column: {"new": n, "carried_over": n, "carried_forward": n}}`` in one query."""
    not_finished_before = Q(finished_on__isnull=True) | Q(finished_on__gte=start)
    open_at_end = Q(finished_on__isnull=True) | Q(finished_on__gt=end)
    rows = (
        _cases()
        .filter(received_on__lte=end)
        .values("column")
        .annotate(
            new=Count("pk", filter=Q(received_on__gte=start)),
            carried_over=Count("pk", filter=Q(received_on__lt=start) & not_finished_before),
            carried_forward=Count("pk", filter=open_at_end),
        )
    )
    return {row["column"]: row for row in rows}


def _finished(start, end):
    """``[(column, state, outcome, count)]`` of the cases finished in the period."""
    return list(
        _cases()
        .filter(received_on__lte=end, finished_on__gte=start, finished_on__lte=end)
        .values_list("column", "state", "outcome")
        .annotate(n=Count("pk"))
    )


def _counts():
    return dict.fromkeys(COLUMN_KEYS, 0)


def table3(start, end, *, _finished_rows=None):
    """Table 3 of the 2021 format for the period ``start``–``end`` (dates, inclusive)."""
    flows = _flows(start, end)
    finished = _finished(start, end) if _finished_rows is None else _finished_rows
    by_row = {}
    for column, state, outcome, n in finished:
        counts = by_row.setdefault(outcome_row(state, outcome), _counts())
        counts[column] += n

    def filled(counts):
        counts["total"] = sum(counts[key] for key in _DATA_COLUMNS)
        return counts

    def flow(name):
        counts = _counts()
        for column, row in flows.items():
            counts[column] += row[name]
        return filled(counts)

    rows = [
        TableRow("new", "一", _("New requests received in the period"), flow("new")),
        TableRow(
            "carried_over",
            "二",
            _("Requests carried over from the previous period"),
            flow("carried_over"),
        ),
    ]
    results_total = _counts()
    group_rows = {}
    for code, group, number, label in _leaf_rows():
        counts = filled(by_row.get(code, _counts()))
        for key in _DATA_COLUMNS:
            results_total[key] += counts[key]
        if code != group:
            if group not in group_rows:
                subtotal = TableRow(
                    group, _GROUP_NUMBERS[group], GROUPS[group], _counts(), 1, subtotal=True
                )
                group_rows[group] = subtotal
                rows.append(subtotal)
            for key in COLUMN_KEYS:
                group_rows[group].counts[key] += counts[key]
            rows.append(TableRow(code, number, label, counts, 2))
        else:
            rows.append(TableRow(code, number, label, counts, 1))
    rows.insert(
        2,
        TableRow(
            "results",
            "三",
            _("Results of the requests handled in the period"),
            _counts(),
            subtotal=True,
        ),
    )
    rows.append(TableRow("results_total", "（七）", _("Total"), filled(results_total), 1))
    rows[2].counts = dict(results_total)
    rows.append(
        TableRow(
            "carried_forward",
            "四",
            _("Requests carried over to the next period"),
            flow("carried_forward"),
        )
    )
    return Table3(start, end, rows)


def check_table3(table):
    """The columns where 一 + 二 differs from 三(七) + 四 (the table's own check); an
    empty list when the table adds up."""
    return [
        key
        for key in COLUMN_KEYS
        if table["new"][key] + table["carried_over"][key]
        != table["results_total"][key] + table["carried_forward"][key]
    ]


# -- table 4 ----------------------------------------------------------------------------

#: The column groups of table 4, in its order (complaints are not in the table).
TABLE4_KINDS = [AppealKind.RECONSIDERATION, AppealKind.LAWSUIT, AppealKind.LAWSUIT_AFTER]
TABLE4_RESULTS = [
    AppealResult.UPHELD,
    AppealResult.CORRECTED,
    AppealResult.OTHER,
    AppealResult.PENDING,
]


@dataclasses.dataclass
class Table4:
    """``counts[kind][result]`` (and ``["total"]``) of the appeals filed in the period,
    for the three kinds of table 4 and for complaints (``"complaint"``)."""

    start: datetime.date
    end: datetime.date
    counts: dict

    def as_dict(self):
        return {
            "start": self.start,
            "end": self.end,
            "columns": [
                {"kind": kind.value, "label": str(kind.label), **self.counts[kind.value]}
                for kind in TABLE4_KINDS
            ],
            "complaints": self.counts[AppealKind.COMPLAINT.value],
        }


def table4(start, end):
    """Table 4 of the 2021 format: the appeals *filed* in the period, with their result
    as of its end (decided after the end, or not decided: 尚未审结). One query."""
    rows = (
        RequestAppeal.objects.order_by()
        .filter(filed_on__gte=start, filed_on__lte=end)
        .annotate(
            as_of_end=Case(
                When(result=AppealResult.PENDING, then=Value(AppealResult.PENDING.value)),
                When(decided_on__gt=end, then=Value(AppealResult.PENDING.value)),
                default=F("result"),
                output_field=CharField(),
            )
        )
        .values_list("kind", "as_of_end")
        .annotate(n=Count("pk"))
    )
    counts = {
        kind: {**dict.fromkeys(AppealResult.values, 0), "total": 0} for kind in AppealKind.values
    }
    for kind, result, n in rows:
        if kind in counts and result in counts[kind]:
            counts[kind][result] += n
            counts[kind]["total"] += n
    return Table4(start, end, counts)


# -- the figures of a 29号 report ---------------------------------------------------------


def _overdue(start, end, calendar):
    """``(answered late in the period, open past the due date at its end)``: one query
    for the cases, one for their clock events, one for the calendar."""
    answered = Q(state__in=ANSWERED_STATES, answered_on__gte=start, answered_on__lte=end)
    open_at_end = Q(finished_on__isnull=True) | Q(finished_on__gt=end)
    cases = list(
        DisclosureRequest.objects.order_by()
        .annotate(finished_on=finished_on())
        .filter(received_on__lte=end)
        .filter(answered | open_at_end)
        .only("pk", "received_on", "answered_on", "state")
        .prefetch_related("clock_event_rows")
    )
    if not cases:
        return 0, 0
    first = min(case.received_on for case in cases)
    calendar.load(first, end + datetime.timedelta(days=366))
    late = still_open = 0
    for case in cases:
        done = case.answered_on if answered_check(case, start, end) else None
        events = [
            event.as_clock_event()
            for event in case.clock_event_rows.all()
            if done is not None or event.day <= end
        ]
        clock = compute_clock(case.received_on, events, calendar=calendar)
        if clock.due_date is None:
            continue  # paused: no due date to be late against
        if done is not None:
            late += done > clock.due_date
        else:
            still_open += end > clock.due_date
    return late, still_open


def answered_check(case, start, end):
    return (
        case.state in ANSWERED_STATES
        and case.answered_on is not None
        and start <= case.answered_on <= end
    )


def report_figures(start, end, *, calendar=None):
    """The figures of the period a 29号 report gives in prose, as a dict (see
    docs/requests_statistics.md). A fixed number of queries."""
    calendar = calendar or WorkingDayCalendar()
    finished = _finished(start, end)
    table = table3(start, end, _finished_rows=finished)
    by_group = dict.fromkeys(GROUPS, 0)
    withdrawn = lapsed = 0
    by_applicant = dict.fromkeys(ApplicantType.values, 0)
    for _column, state, outcome, n in finished:
        if state == RequestState.WITHDRAWN:
            withdrawn += n
        elif state == RequestState.LAPSED:
            lapsed += n
        else:
            group = group_of(outcome) or "other"
            by_group[group if group in by_group else "other"] += n
    for key in _DATA_COLUMNS:
        applicant = ApplicantType.PERSON if key == "person" else ApplicantType.ORGANISATION
        by_applicant[applicant] += table["new"][key]

    extended = (
        RequestExtension.objects.order_by()
        .filter(state=ExtensionState.APPROVED)
        .annotate(decided=Coalesce("decided_on", TruncDate("requested_at")))
        .filter(decided__gte=start, decided__lte=end)
        .aggregate(n=Count("request", distinct=True))["n"]
    )
    late, still_open = _overdue(start, end, calendar)
    fees = (
        RequestFee.objects.order_by()
        .annotate(request_finished_on=finished_on("request__"))
        .aggregate(
            charged=Sum("amount", filter=Q(paid_on__gte=start, paid_on__lte=end)),
            paid=Count("pk", filter=Q(paid_on__gte=start, paid_on__lte=end)),
            waived=Count(
                "pk",
                filter=Q(
                    waiver_decision=WaiverDecision.GRANTED,
                    request_finished_on__gte=start,
                    request_finished_on__lte=end,
                ),
            ),
            waivers_refused=Count(
                "pk",
                filter=Q(
                    waiver_decision=WaiverDecision.REFUSED,
                    request_finished_on__gte=start,
                    request_finished_on__lte=end,
                ),
            ),
        )
    )
    appeals = table4(start, end).counts
    return {
        "start": start,
        "end": end,
        "received": table["new"]["total"],
        "received_by_applicant": by_applicant,
        "carried_over": table["carried_over"]["total"],
        "finished": table["results_total"]["total"],
        "answered": sum(by_group.values()),
        "answered_by_outcome": by_group,
        "withdrawn": withdrawn,
        "lapsed": lapsed,
        "carried_forward": table["carried_forward"]["total"],
        "extended": extended,
        "overdue": late + still_open,
        "overdue_answered": late,
        "overdue_open": still_open,
        "fees_charged": fees["charged"] or Decimal("0.00"),
        "fees_paid": fees["paid"],
        "fees_waived": fees["waived"],
        "fee_waivers_refused": fees["waivers_refused"],
        "complaints": appeals[AppealKind.COMPLAINT]["total"],
        "reconsiderations": appeals[AppealKind.RECONSIDERATION]["total"],
        "lawsuits": appeals[AppealKind.LAWSUIT]["total"]
        + appeals[AppealKind.LAWSUIT_AFTER]["total"],
        "table3_check_failing_columns": check_table3(table),
    }
