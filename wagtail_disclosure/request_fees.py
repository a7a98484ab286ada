"""Fees for requests for information (信息处理费), off by default.

Under the 2019 条例 (article 42) no fee is charged, unless the number or frequency of an
applicant's requests clearly exceeds what is reasonable; then 国办函〔2020〕109号 (《政府
信息公开信息处理费管理办法》) sets progressive (超额累进) fees, per request or per page,
never both for one request:

* per request (按件), by the same applicant's requests in one natural month: up to 10
  free; the 11th to the 30th 100元 each; from the 31st, each further band of 10 costs
  100元 more per request (31–40: 200元, 41–50: 300元, ...);
* per page (按量): up to 30 pages free; pages 31–100 10元 each, 101–200 20元 each, from
  201 40元 each. Each band's rate applies only to the pages in that band.

``WAGTAIL_DISCLOSURE_REQUEST_FEES`` turns fees on: ``None`` (the default, no fees) or
``{"mode": "per_request" | "per_page", "bands": [...]}`` with optional bands in the shape
of :data:`DEFAULT_BANDS`: ``(up to and including, rate)`` pairs, the last one
``(None, rate)`` or ``{"every": width, "increase": amount}`` (further bands of ``width``
units, each ``amount`` more per unit than the one before).

The office sends the fee notice (:func:`send_fee_notice`, which issues the 收费通知书 and,
when ``ClockRules.pause_for_fees``, pauses the reply clock), records the payment
(:func:`record_payment`, the clock runs again) and decides fee-waiver requests
(:func:`decide_waiver`). Only the disclosure office may do these.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from .conf import get_setting
from .models import DisclosureRequest, RequestFee
from .models.requests import ApplicantType, FeeMode, LetterKind, WaiverDecision
from .permissions import Role, holds_role_everywhere
from .request_clock import EventKind, PauseReason, rules
from .request_letters import LETTER_LOG_ACTION, issue_letter
from .workflow.log_formatters import TransitionLogFormatter

__all__ = [
    "DEFAULT_BANDS",
    "case_fee",
    "compute_fee",
    "count_month_requests",
    "decide_waiver",
    "fee_settings",
    "fee_totals",
    "record_payment",
    "register_fee_and_letter_log_actions",
    "send_fee_notice",
]

#: The bands of 国办函〔2020〕109号.
DEFAULT_BANDS = {
    FeeMode.PER_REQUEST: [(10, 0), (30, 100), {"every": 10, "increase": 100}],
    FeeMode.PER_PAGE: [(30, 0), (100, 10), (200, 20), (None, 40)],
}


def _bands_up_to(bands, quantity):
    """``(upper bound, rate)`` pairs covering 1..quantity (an open ladder unrolled)."""
    result = []
    lower, rate = 0, Decimal(0)
    for band in bands:
        if isinstance(band, dict):
            every, increase = int(band["every"]), Decimal(band["increase"])
            if every <= 0:
                raise ValueError("a fee ladder's band width must be positive")
            while lower < quantity:
                rate += increase
                lower += every
                result.append((lower, rate))
            return result
        upper, rate = band
        rate = Decimal(rate)
        result.append((upper, rate))
        if upper is None:
            return result
        lower = upper
    return result


def compute_fee(mode, quantity, bands=None):
    """The fee, in yuan (a ``Decimal``), of ``quantity`` requests in a month or pages,
    progressively: each band's rate applies to the units in that band. Units beyond the
    last closed band cost nothing more unless the bands end with an open one."""
    if not mode or quantity <= 0:
        return Decimal("0.00")
    if bands is None:
        bands = DEFAULT_BANDS[mode]
    total, lower = Decimal(0), 0
    for upper, rate in _bands_up_to(bands, quantity):
        top = quantity if upper is None else min(upper, quantity)
        if top > lower:
            total += (top - lower) * rate
        if upper is None or upper >= quantity:
            break
        lower = upper
    return total.quantize(Decimal("0.01"))


def case_fee(mode, quantity, bands=None):
    """What one case is charged: per page, the fee of its ``quantity`` pages; per request,
    the rate of its place (``quantity``) among the applicant's requests of the month
    (the 12th request of a month: 100元)."""
    if mode == FeeMode.PER_REQUEST:
        return compute_fee(mode, quantity, bands) - compute_fee(mode, quantity - 1, bands)
    return compute_fee(mode, quantity, bands)


def fee_settings():
    """``(mode, bands)`` from ``WAGTAIL_DISCLOSURE_REQUEST_FEES``, or ``None`` (no fees)."""
    value = get_setting("REQUEST_FEES")
    if not value:
        return None
    mode = value.get("mode")
    if mode not in (FeeMode.PER_REQUEST, FeeMode.PER_PAGE):
        raise ValueError(f"WAGTAIL_DISCLOSURE_REQUEST_FEES: unknown mode {mode!r}")
    return mode, value.get("bands") or DEFAULT_BANDS[mode]


#: Audit-log actions on the case: ``{action: (label, message)}``.
LOG_ACTIONS = {
    LETTER_LOG_ACTION: (_("Issue a letter"), _("Letter issued")),
    "wagtail_disclosure.request.fee_notice": (_("Send a fee notice"), _("Fee notice sent")),
    "wagtail_disclosure.request.fee_paid": (_("Record the payment"), _("Fee paid")),
    "wagtail_disclosure.request.fee_waiver": (_("Decide the fee waiver"), _("Fee waiver decided")),
}


def register_fee_and_letter_log_actions(actions):
    """``register_log_actions`` hook: the letter and fee steps of a case's timeline."""
    for action, (label, message) in LOG_ACTIONS.items():
        formatter = type(
            "RequestLogFormatter", (TransitionLogFormatter,), {"label": label, "message": message}
        )
        actions.register_action(action)(formatter)


def _log(case, action, user, comment):
    log(
        instance=case,
        action=f"wagtail_disclosure.request.{action}",
        user=user,
        data={"comment": comment},
    )


def _applicant_filter(case):
    if case.id_number:
        return Q(id_number__iexact=case.id_number)
    if case.credit_code:
        return Q(credit_code__iexact=case.credit_code)
    if case.phone and case.applicant_name:
        if case.applicant_type == ApplicantType.ORGANISATION:
            return Q(organisation_name=case.applicant_name, phone=case.phone)
        return Q(name=case.applicant_name, phone=case.phone)
    return None


def count_month_requests(case):
    """The case's place among its applicant's requests received in the same natural
    month (itself included, later ones not): same document number or credit code, else
    same name and phone; 1 when the applicant cannot be told apart."""
    condition = _applicant_filter(case)
    if condition is None:
        return 1
    day = case.received_on
    start = day.replace(day=1)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    earlier = Q(received_on__lt=day) | Q(received_on=day, pk__lte=case.pk)
    return (
        DisclosureRequest.objects.filter(received_on__gte=start, received_on__lt=end)
        .filter(condition)
        .filter(earlier)
        .count()
    )


def _check_office(user):
    if not holds_role_everywhere(user, Role.DISCLOSURE_OFFICE):
        raise PermissionDenied


def _fee_paused(case):
    clock = case.clock()
    return clock.is_paused and clock.pause_reason == PauseReason.FEE


def send_fee_notice(case, user, mode=None, quantity=None, *, on=None):
    """Charge a fee on ``case``: store its :class:`RequestFee`, issue the 收费通知书 and,
    when the rules pause for fees, pause the clock. ``mode`` defaults to the configured
    one; ``quantity`` (per request) to :func:`count_month_requests`. Returns
    ``(fee, letter)``."""
    _check_office(user)
    configured = fee_settings()
    if configured is None:
        raise ValidationError(_("This site charges no fees for requests."))
    mode = mode or configured[0]
    if mode not in (FeeMode.PER_REQUEST, FeeMode.PER_PAGE):
        raise ValidationError(_("Charge per request or per page."))
    bands = configured[1] if mode == configured[0] else DEFAULT_BANDS[mode]
    if quantity is None:
        if mode != FeeMode.PER_REQUEST:
            raise ValidationError(_("Give the number of pages."))
        quantity = count_month_requests(case)
    amount = case_fee(mode, quantity, bands)
    if amount <= 0:
        raise ValidationError(
            _("There is nothing to charge: the quantity is within the free band.")
        )
    day = on or timezone.localdate()
    with transaction.atomic():
        fee, _created = RequestFee.objects.update_or_create(
            request=case,
            defaults={
                "mode": mode,
                "quantity": quantity,
                "amount": amount,
                "notice_sent_on": day,
                "paid_on": None,
            },
        )
        letter = issue_letter(case, LetterKind.FEE, user, on=day, fee=fee)
        waived = fee.waiver_decision == WaiverDecision.GRANTED
        if rules().pause_for_fees and not waived:
            case.add_clock_event(
                EventKind.PAUSE, day, PauseReason.FEE, user=user, note=letter.number
            )
        _log(case, "fee_notice", user, f"{fee.get_mode_display()} {quantity}: {amount}")
    return fee, letter


def record_payment(case, user, paid_on=None):
    """Record that the fee was paid (offline) on ``paid_on``; the clock runs again."""
    _check_office(user)
    paid_on = paid_on or timezone.localdate()
    with transaction.atomic():
        fee = RequestFee.objects.select_for_update().get(request=case)
        fee.paid_on = paid_on
        fee.save(update_fields=["paid_on"])
        if _fee_paused(case):
            case.add_clock_event(EventKind.RESUME, paid_on, user=user, note=str(_("Fee paid")))
        _log(case, "fee_paid", user, f"{paid_on.isoformat()}: {fee.amount}")
    return fee


def decide_waiver(case, user, granted, note="", *, on=None):
    """Decide the applicant's fee-waiver request; a granted waiver ends a fee pause."""
    _check_office(user)
    day = on or timezone.localdate()
    with transaction.atomic():
        fee, _created = RequestFee.objects.select_for_update().get_or_create(request=case)
        fee.waiver_decision = WaiverDecision.GRANTED if granted else WaiverDecision.REFUSED
        fee.waiver_note = note
        fee.save(update_fields=["waiver_decision", "waiver_note"])
        if granted and _fee_paused(case):
            case.add_clock_event(EventKind.RESUME, day, user=user, note=str(_("Fee waived")))
        _log(case, "fee_waiver", user, f"{fee.get_waiver_decision_display()}: {note}".strip())
    return fee


def fee_totals(fees=None):
    """Fees charged (paid) and waived, for the statistics: counts and amounts in yuan."""
    fees = RequestFee.objects.all() if fees is None else fees
    charged = fees.filter(paid_on__isnull=False).exclude(waiver_decision=WaiverDecision.GRANTED)
    waived = fees.filter(waiver_decision=WaiverDecision.GRANTED)
    zero = Decimal("0.00")
    return {
        "charged_count": charged.count(),
        "charged_amount": charged.aggregate(total=Sum("amount"))["total"] or zero,
        "waived_count": waived.count(),
        "waived_amount": waived.aggregate(total=Sum("amount"))["total"] or zero,
        "waiver_refused_count": fees.filter(waiver_decision=WaiverDecision.REFUSED).count(),
    }
