"""The review record of one version of an entry (审核记录 / 保密审查记录), as offices file it.

:func:`collect` reads, for one entry and one revision, the entry's metadata as that
version has it and every decision taken on that version, from the audit log (Wagtail's
``PageLogEntry`` rows the workflow engine writes: action ``wagtail_disclosure.<step>``,
with the version in ``revision`` and ``data["revision_id"]``). A fixed number of queries,
whatever the number of decisions. The print page and the .docx (``views/record.py``)
show what it returns.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import PageLogEntry

from .models import ChecklistCategory, EntryReview
from .models.review import ReviewState
from .people import person_name

#: Log actions of the review (the workflow's ``log_prefix``).
LOG_PREFIX = "wagtail_disclosure."

#: The format of times on the record: local time, to the minute.
TIME_FORMAT = "%Y-%m-%d %H:%M"


def format_time(value):
    return timezone.localtime(value).strftime(TIME_FORMAT) if value else ""


@dataclass
class Step:
    """One decision on the version, as the audit log has it."""

    transition: str
    label: str
    person: str
    time: str
    comment: str
    from_state: str
    to_state: str

    @property
    def sent_back(self):
        return self.transition == "reject"


@dataclass
class Signature:
    """A line for a signature on paper."""

    role: str


@dataclass
class Record:
    entry: object
    version: object
    revision: object
    review: object
    metadata: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    signatures: list = field(default_factory=list)
    sign_off_required: bool = False

    @property
    def revision_time(self):
        return format_time(self.revision.created_at)

    @property
    def revision_author(self):
        return person_name(self.revision.user)


def default_revision(entry, review=None):
    """The version a record is about when none is asked for: the one under review (or
    last reviewed), else the latest one."""
    if review is not None and review.revision_id:
        return review.revision
    return entry.get_latest_revision()


def _state_label(value):
    try:
        return str(ReviewState(value).label)
    except ValueError:
        return value or ""


def _steps(entry, revision):
    workflow = EntryReview.workflow
    logs = (
        PageLogEntry.objects.filter(page_id=entry.pk, action__startswith=LOG_PREFIX)
        .filter(Q(revision_id=revision.pk) | Q(data__revision_id=revision.pk))
        .select_related("user")
        .order_by("timestamp", "pk")
    )
    steps = []
    for log in logs:
        data = log.data or {}
        name = data.get("transition") or log.action[len(LOG_PREFIX) :]
        step = workflow.steps.get(name)
        steps.append(
            Step(
                transition=name,
                label=str(step.log_message if step is not None else log.action),
                person=person_name(log.user),
                time=format_time(log.timestamp),
                comment=data.get("comment") or "",
                from_state=_state_label(data.get("from")),
                to_state=_state_label(data.get("to")),
            )
        )
    return steps


def _sign_off_required(version):
    if version.is_major_matter:
        return True
    return ChecklistCategory.objects.filter(
        items=version.checklist_item_id, requires_sign_off=True
    ).exists()


def _metadata(version, sign_off_required):
    def display(name):
        getter = getattr(version, f"get_{name}_display", None)
        return str(getter()) if getter is not None else str(getattr(version, name) or "")

    checklist_item = version.checklist_item
    return [
        (_("Title"), version.title),
        (_("Index number (索引号)"), version.index_number or ""),
        (_("Document number (发文字号)"), version.document_number or ""),
        (
            _("Date of the document (成文日期)"),
            version.document_date.isoformat() if version.document_date else "",
        ),
        (_("Department"), str(version.department) if version.department_id else ""),
        (_("Checklist item"), str(checklist_item) if checklist_item is not None else ""),
        (_("Disclosure mode"), display("disclosure_mode")),
        (_("Audience"), display("audience")),
        (_("Sign-off required"), str(_("Yes") if sign_off_required else _("No"))),
    ]


def _signatures(sign_off_required):
    roles = [
        _("Department reviewer"),
        _("Confidentiality reviewer (保密审查)"),
    ]
    if sign_off_required:
        roles.append(_("Sign-off leader"))
    roles.append(_("Disclosure office"))
    return [Signature(role=str(role)) for role in roles]


def collect(entry, revision):
    """The record of ``revision`` (a revision of ``entry``)."""
    review = EntryReview.objects.filter(page_id=entry.pk).first()
    version = revision.as_object()
    sign_off_required = _sign_off_required(version)
    return Record(
        entry=entry,
        version=version,
        revision=revision,
        review=review,
        metadata=_metadata(version, sign_off_required),
        steps=_steps(entry, revision),
        signatures=_signatures(sign_off_required),
        sign_off_required=sign_off_required,
    )
