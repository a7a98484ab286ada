"""The outcomes of a request for information, with their legal reasons.

The catalogue follows the rows of the 2021 statistics table of requests (国办公开办函
〔2021〕30号, table 3, "三、本年度办理结果"): 予以公开, 部分公开, 不予公开 with its 8
reasons, 无法提供 with its 3, 不予处理 with its 5, 其他处理 with its 3, plus 已主动公开
(article 36: the information is already public; the answer gives the link). A university
under 教育部令第29号 reports the same outcomes in prose; the codes map to both.

An outcome code is ``group`` or ``group_reason`` (``withheld_state_secret``). Sites may
replace the catalogue with ``WAGTAIL_DISCLOSURE_REQUEST_OUTCOMES`` (same shape as
:data:`OUTCOMES`), read at call time.
"""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext_lazy as _

__all__ = ["OUTCOMES", "Outcome", "outcome_choices", "outcomes", "validate_outcome"]


@dataclasses.dataclass(frozen=True)
class Outcome:
    code: str
    group: str
    label: str
    #: Whether the answer must give a reason (a refusal, a partial answer).
    needs_reason: bool = False
    #: Whether the answer must give the link where the information is published.
    needs_link: bool = False


def _group(group, label, reasons=(), needs_reason=False, needs_link=False):
    if not reasons:
        return [Outcome(group, group, label, needs_reason, needs_link)]
    return [
        Outcome(f"{group}_{code}", group, reason_label, True, needs_link)
        for code, reason_label in reasons
    ]


#: The built-in catalogue, in the order of the statistics table.
OUTCOMES = [
    *_group("disclosed", _("Disclosed")),
    *_group("partial", _("Partly disclosed"), needs_reason=True),
    *_group(
        "withheld",
        _("Not disclosed"),
        [
            ("state_secret", _("Not disclosed: a state secret")),
            ("prohibited", _("Not disclosed: other laws and regulations prohibit it")),
            ("security", _("Not disclosed: endangers security or stability")),
            ("third_party", _("Not disclosed: protects a third party's lawful rights")),
            ("internal", _("Not disclosed: internal affairs information")),
            ("process", _("Not disclosed: process information")),
            ("enforcement", _("Not disclosed: administrative enforcement files")),
            ("inquiry", _("Not disclosed: an administrative inquiry matter")),
        ],
    ),
    *_group(
        "unavailable",
        _("Cannot be provided"),
        [
            ("not_held", _("Cannot be provided: the university does not hold it")),
            ("needs_creation", _("Cannot be provided: it would have to be made anew")),
            ("unclear", _("Cannot be provided: still unclear after correction")),
        ],
    ),
    *_group(
        "not_handled",
        _("Not handled"),
        [
            ("petition", _("Not handled: a petition, report or complaint")),
            ("duplicate", _("Not handled: a repeated request")),
            ("publication", _("Not handled: asks for a public publication")),
            ("excessive", _("Not handled: many repeated requests without good reason")),
            ("confirmation", _("Not handled: asks to confirm or reissue information held")),
        ],
    ),
    *_group(
        "other",
        _("Other handling"),
        [
            ("uncorrected", _("Other: not corrected in time")),
            ("unpaid", _("Other: the fee was not paid in time")),
            ("other", _("Other")),
        ],
    ),
    *_group("already_public", _("Already published"), needs_link=True),
]

#: The groups, in table order, with their labels.
GROUPS = {
    "disclosed": _("Disclosed"),
    "partial": _("Partly disclosed"),
    "withheld": _("Not disclosed"),
    "unavailable": _("Cannot be provided"),
    "not_handled": _("Not handled"),
    "other": _("Other handling"),
    "already_public": _("Already published"),
}


def outcomes():
    """The outcome catalogue in force, as ``{code: Outcome}``."""
    from .conf import get_setting

    catalogue = get_setting("REQUEST_OUTCOMES") or OUTCOMES
    return {outcome.code: outcome for outcome in catalogue}


def outcome_choices():
    return [(outcome.code, outcome.label) for outcome in outcomes().values()]


def group_of(code):
    outcome = outcomes().get(code)
    return outcome.group if outcome else ""


def validate_outcome(code, reason, link):
    """A message saying what is missing from an answer, or ``""`` if it is complete."""
    outcome = outcomes().get(code)
    if outcome is None:
        return _("Choose one of the outcomes.")
    if outcome.needs_reason and not (reason or "").strip():
        return _("This outcome needs the reason, as the answer letter will state it.")
    if outcome.needs_link and not (link or "").strip():
        return _("Give the link where the information is published.")
    return ""
