"""The letters of a request for information (依申请公开): rendered, numbered, kept as issued.

Six kinds (:class:`~wagtail_disclosure.models.requests.LetterKind`): 回执, 补正告知书,
延期告知书, 第三方征求意见书, 收费通知书 and 答复书, the answer with one text per outcome
group (:data:`wagtail_disclosure.request_outcomes.GROUPS`). Each text is a Django template:
a :class:`~wagtail_disclosure.models.requests.LetterTemplate` row (kind, outcome group)
an administrator edits overrides the built-in file
``wagtail_disclosure/letters/<kind>.txt`` (answers: ``answer_<group>.txt``, else
``answer.txt``). What the templates can use is :func:`letter_context`.

:func:`issue_letter` renders a letter, gives it its number (``REQUEST_LETTER_NUMBER_PATTERN``,
a serial per year and kind) and stores it as a
:class:`~wagtail_disclosure.models.requests.RequestLetter`: its text stays as issued when
the template is edited later. :func:`render_docx` makes the .docx of a stored letter;
``views/request_letters.py`` serves it and the print page.

The layout of a letter's text: one paragraph per line; the lines after the last empty
line are the signature and the date, set right-aligned; a line ending with a colon (the
addressee) is not indented.
"""

import io
import re

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.template import Context, Engine
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from .conf import get_setting
from .index_numbers import next_serial
from .models import DisclosureRequest, DisclosureSiteSettings, LetterTemplate, RequestLetter
from .models.requests import ExtensionState, LetterKind
from .permissions import Role, holds_role_everywhere
from .request_clock import PauseReason, rules
from .request_outcomes import GROUPS, outcomes

__all__ = [
    "DEFAULT_SUBJECTS",
    "KIND_CODES",
    "LETTER_LOG_ACTION",
    "issue_letter",
    "layout",
    "letter_context",
    "letter_number",
    "render_docx",
    "render_letter",
    "university_name",
]

#: The character of each kind in the letter number (``{kind}`` of the pattern).
KIND_CODES = {
    LetterKind.RECEIPT: "收",
    LetterKind.CORRECTION: "补",
    LetterKind.EXTENSION: "延",
    LetterKind.CONSULTATION: "征",
    LetterKind.FEE: "费",
    LetterKind.ANSWER: "复",
}

#: Letters the department a case is routed to may issue too (it consults third parties);
#: the others are the disclosure office's.
DEPARTMENT_KINDS = {LetterKind.CONSULTATION}

#: The title of each kind of letter when no LetterTemplate gives one.
DEFAULT_SUBJECTS = {
    LetterKind.RECEIPT: _("Receipt of a request for information"),
    LetterKind.CORRECTION: _("Notice to correct a request for information"),
    LetterKind.EXTENSION: _("Notice of the extension of the reply period"),
    LetterKind.CONSULTATION: _("Letter asking a third party's opinion on disclosure"),
    LetterKind.FEE: _("Notice of the information processing fee"),
    LetterKind.ANSWER: _("Answer to a request for information"),
}

#: The legal basis every letter cites (the templates' ``law`` and ``fee_rules``).
LAW = _(
    "the Measures for the Disclosure of Information of Institutions of Higher Education "
    "(Ministry of Education Order No. 29)"
)
FEE_RULES = _(
    "the Measures for the Administration of Fees for Processing Information Disclosure "
    "Requests (国办函〔2020〕109号)"
)

TEMPLATE_DIR = "wagtail_disclosure/letters/"

#: The audit-log action of an issued letter (on the case; labels registered by
#: ``request_fees.register_fee_and_letter_log_actions``).
LETTER_LOG_ACTION = "wagtail_disclosure.request.letter"

PATTERN_FIELDS = {"org", "kind", "year", "serial"}


def _engine():
    return Engine.get_default()


def university_name():
    """The university's name for letters: the organiser (主办单位) of the default site's
    DisclosureSiteSettings, else the default site's name."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return ""
    footer = DisclosureSiteSettings.objects.filter(site=site).first()
    if footer is not None and footer.organiser:
        return footer.organiser
    return site.site_name or ""


def letter_number(kind, year):
    """The next number of a ``kind`` letter in ``year`` (takes a serial)."""
    pattern = get_setting("REQUEST_LETTER_NUMBER_PATTERN")
    values = {
        "org": get_setting("REQUEST_LETTER_ORG") or "校",
        "kind": KIND_CODES.get(kind, ""),
        "year": year,
    }
    try:
        pattern.format(serial=1, **values)
    except (KeyError, IndexError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"Invalid WAGTAIL_DISCLOSURE_REQUEST_LETTER_NUMBER_PATTERN {pattern!r}: {exc}; "
            f"fields: {', '.join(sorted(PATTERN_FIELDS))}"
        ) from exc
    serial = next_serial(None, f"request-letter-{kind}-{year}")
    return pattern.format(serial=serial, **values)


def _template_source(kind, group):
    """``(subject template or None, body template)`` of a kind (and outcome group)."""
    groups = [group, ""] if kind == LetterKind.ANSWER and group else [""]
    rows = {
        row.outcome_group: row
        for row in LetterTemplate.objects.filter(kind=kind, outcome_group__in=groups)
    }
    for candidate in groups:
        row = rows.get(candidate)
        if row is not None:
            engine = _engine()
            return engine.from_string(row.subject), engine.from_string(row.body)
    if kind == LetterKind.ANSWER:
        names = [f"{TEMPLATE_DIR}answer_{group}.txt", f"{TEMPLATE_DIR}answer.txt"]
    else:
        names = [f"{TEMPLATE_DIR}{kind}.txt"]
    return None, _engine().select_template(names)


def letter_context(case, kind, *, number="", issued_on=None, **extra):
    """What a letter's template can use.

    ``request`` / ``case`` (the case), ``tracking_number``, ``lookup_code``,
    ``applicant_name``, ``received_on``, ``description``, ``due_date`` (``None`` while the
    clock is paused), ``reply_days``, ``outcome_label``, ``outcome_group``,
    ``outcome_group_label``, ``outcome_reason``, ``outcome_link``, ``correction_items``,
    ``correction_days``, ``consultation_days``, ``extension`` (the last approved one),
    ``fee`` (the case's RequestFee), ``fee_payment_days``, ``pause_for_fees``, ``law`` (《高等
    学校信息公开办法》), ``fee_rules`` (国办函〔2020〕109号), ``university``, ``issued_on``,
    ``letter_number``, and whatever ``extra`` gives (``third_party`` for a consultation).
    """
    clock_rules = rules()
    clock = case.clock(rules_=clock_rules)
    outcome = outcomes().get(case.outcome)
    group = outcome.group if outcome is not None else ""
    extension = (
        case.extensions.filter(state=ExtensionState.APPROVED).order_by("-pk").first()
        if case.pk
        else None
    )
    fee = getattr(case, "fee", None) if case.pk else None
    consultation_note = ""
    if case.pk:
        event = (
            case.clock_event_rows.filter(reason=PauseReason.CONSULTATION).order_by("-pk").first()
        )
        consultation_note = event.note if event is not None else ""
    context = {
        "request": case,
        "case": case,
        "kind": kind,
        "tracking_number": case.tracking_number,
        "lookup_code": case.lookup_code,
        "applicant_name": case.applicant_name,
        "received_on": case.received_on,
        "description": case.description,
        "due_date": clock.due_date,
        "reply_days": clock_rules.reply_days,
        "outcome": case.outcome,
        "outcome_label": outcome.label if outcome is not None else "",
        "outcome_group": group,
        "outcome_group_label": GROUPS.get(group, ""),
        "outcome_reason": case.outcome_reason,
        "outcome_link": case.outcome_link,
        "correction_items": case.correction_items,
        "correction_days": clock_rules.correction_lapse_days,
        "consultation_days": clock_rules.consultation_days,
        "consultation_note": consultation_note,
        "extension": extension,
        "fee": fee,
        "fee_payment_days": clock_rules.fee_payment_days,
        "pause_for_fees": clock_rules.pause_for_fees,
        "law": str(LAW),
        "fee_rules": str(FEE_RULES),
        "university": university_name(),
        "issued_on": issued_on or timezone.localdate(),
        "letter_number": number,
    }
    context.update(extra)
    return context


def _clean(text):
    """Trim every line, keep at most one empty line between blocks."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def render_letter(case, kind, *, number="", issued_on=None, **extra):
    """``(subject, body)`` of a ``kind`` letter on ``case``, not stored."""
    context = letter_context(case, kind, number=number, issued_on=issued_on, **extra)
    subject_template, body_template = _template_source(kind, context["outcome_group"])
    body_template = getattr(body_template, "template", body_template)  # backend wrapper
    body = body_template.render(Context(context, autoescape=False))
    if subject_template is not None:
        subject = subject_template.render(Context(context, autoescape=False))
    else:
        subject = str(DEFAULT_SUBJECTS.get(kind, ""))
    return " ".join(subject.split()), _clean(body)


def issue_letter(case, kind, user, *, on=None, **extra):
    """Render a ``kind`` letter on ``case``, number it and store it; returns the
    :class:`RequestLetter`. ``user`` must be able to see the case, and be of the
    disclosure office except for :data:`DEPARTMENT_KINDS` (``None``: the system, e.g. the
    receipt of the online form). An answer needs the case's outcome."""
    if kind not in LetterKind.values:
        raise ValueError(f"Unknown letter kind {kind!r}")
    if user is not None:
        if not DisclosureRequest.objects.identity_visible_to(user).filter(pk=case.pk).exists():
            raise PermissionDenied
        if kind not in DEPARTMENT_KINDS and not holds_role_everywhere(user, Role.DISCLOSURE_OFFICE):
            raise PermissionDenied
    if kind == LetterKind.ANSWER and case.outcome not in outcomes():
        raise ValidationError(_("Record the outcome before the answer letter is issued."))
    issued_on = on or timezone.localdate()
    with transaction.atomic():
        number = letter_number(kind, issued_on.year)
        subject, body = render_letter(case, kind, number=number, issued_on=issued_on, **extra)
        letter = RequestLetter.objects.create(
            request=case,
            kind=kind,
            number=number,
            issued_on=issued_on,
            issued_by=user,
            subject=subject,
            body=body,
        )
        log(
            instance=case,
            action=LETTER_LOG_ACTION,
            user=user,
            data={"comment": f"{subject} {number}".strip(), "letter_id": letter.pk, "kind": kind},
        )
    return letter


def layout(body):
    """The paragraphs of a letter's text: ``[(text, style)]``, style ``"plain"`` (the
    addressee), ``"indent"`` (body) or ``"right"`` (signature and date)."""
    blocks = [block for block in body.split("\n\n") if block.strip()]
    paragraphs = []
    for index, block in enumerate(blocks):
        last = index == len(blocks) - 1 and len(blocks) > 1
        for line in block.split("\n"):
            if not line.strip():
                continue
            if last:
                style = "right"
            elif line.rstrip().endswith((":", "：")) and not paragraphs:
                style = "plain"
            else:
                style = "indent"
            paragraphs.append((line, style))
    return paragraphs


#: Characters XML (and so .docx) cannot hold.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render_docx(letter):
    """The .docx of a stored letter: the title centred, the number, the text, the
    signature and date right-aligned."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    title = document.add_heading(_NOT_XML.sub("", letter.subject), level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if letter.number:
        number = document.add_paragraph(letter.number)
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, style in layout(letter.body):
        paragraph = document.add_paragraph(_NOT_XML.sub("", text))
        if style == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif style == "indent":
            paragraph.paragraph_format.first_line_indent = Pt(24)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
