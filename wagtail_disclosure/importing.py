"""Bulk import of disclosure entries from CSV and XLSX files (docs/import.md).

``manage.py disclosure_import`` and the admin's import screen both call
:func:`import_file`. A file is read into rows (:func:`read_table`), each row is checked on
its own (:class:`Importer`; a bad row is reported with its line number and reason and the
others go on), and the good rows become entries under the category page of their item, as
the item's page type (``entry_page_type_for``), drafts in the review, or, with
``publish=True`` for a disclosure office, published by the review's import step
(``import_published``).

Each row is atomic: either everything of it (page, revision, review row, audit log,
idempotency key) is written or nothing is. Rows are written in batches, one transaction per
batch, so that 100,000 rows do not take 100,000 trips through the page tree
(:meth:`Importer.write_batch`); should a batch fail, its rows are written again one by one,
each in its own transaction, through Wagtail's own ``add_child`` and the workflow engine
(:meth:`Importer.write_one`), and only the row that fails is reported. Rows with
attachments always take that path (documents, text extraction). The batch path writes the
rows the engine's import step writes (same review state, live revision, log actions); a test
compares the two paths.

A rerun imports nothing twice: each row has a key (its ``key`` column, else a hash of
title, item, 文号 and 成文日期), stored as :class:`~.models.ImportedEntry`.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import functools
import hashlib
import html
import io
import logging
import re
import uuid
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.documents import get_document_model
from wagtail.log_actions import log
from wagtail.models import Page, PageLogEntry, Revision

from .conf import get_setting
from .dates import EARLIEST_DATE, latest_date
from .entry_urls import short_slug_base, slug_mode
from .index_numbers import format_index_number, pattern_values, sequence_key
from .models import (
    Audience,
    ChecklistCategory,
    ChecklistItem,
    Department,
    DisclosureAttachment,
    DisclosureCategoryPage,
    DisclosureEntryPage,
    DisclosureIndexPage,
    DisclosureMode,
    EntryReview,
    ExemptionBasis,
    ImportedEntry,
    IndexNumberSequence,
    ReleaseChannel,
    ReviewState,
    Validity,
    entry_page_type_for,
)
from .permissions import Role, has_role

logger = logging.getLogger(__name__)

#: The log action of an imported entry (the page history shows it).
IMPORTED_ACTION = "wagtail_disclosure.imported"

#: Rows written per transaction by the batch path.
BATCH_SIZE = 500

#: The columns: (field, accepted header names). Header names are compared without case,
#: spaces, underscores or hyphens. The first English and the first Chinese name are the
#: ones an export writes.
COLUMNS = [
    ("key", ["key", "import key", "导入键", "唯一键"]),
    ("title", ["title", "标题", "名称"]),
    ("item", ["item code", "item", "checklist item", "事项编号", "事项", "清单事项"]),
    ("department", ["department", "责任部门", "部门", "发布机构"]),
    ("document_date", ["document date", "成文日期"]),
    ("publication_date", ["publication date", "发布日期"]),
    ("document_number", ["document number", "文号", "发文字号"]),
    ("disclosure_mode", ["disclosure mode", "公开方式"]),
    ("audience", ["audience", "公开范围"]),
    ("exemption_basis", ["exemption basis", "不予公开依据"]),
    ("restriction_reason", ["restriction reason", "限制理由", "不公开理由"]),
    ("validity", ["validity", "有效性"]),
    ("validity_changed_on", ["validity changed on", "失效日期"]),
    ("summary", ["summary", "内容概述", "摘要"]),
    ("body", ["body", "正文"]),
    ("attachments", ["attachments", "attachment paths", "附件"]),
    ("channels", ["channels", "发布渠道"]),
]
FIELDS = [field for field, _names in COLUMNS]

#: Chinese names of the choices (and what else people write), besides values and labels.
CHOICE_NAMES = {
    "disclosure_mode": {
        DisclosureMode.ACTIVE: ["主动公开"],
        DisclosureMode.ON_REQUEST: ["依申请公开"],
        DisclosureMode.EXEMPT: ["不予公开", "不公开"],
    },
    "audience": {
        Audience.PUBLIC: ["社会公众", "面向社会", "向社会公开"],
        Audience.CAMPUS: ["校内", "校内公开"],
    },
    "validity": {
        Validity.VALID: ["有效"],
        Validity.EXPIRED: ["失效", "已失效"],
        Validity.REPEALED: ["废止", "已废止"],
    },
    "exemption_basis": {
        ExemptionBasis.STATE_SECRET: ["国家秘密"],
        ExemptionBasis.COMMERCIAL_SECRET: ["商业秘密"],
        ExemptionBasis.PRIVACY: ["个人隐私"],
        ExemptionBasis.OTHER_RULE: ["其他法律法规或学校规定"],
        ExemptionBasis.SECURITY: ["国家安全、公共安全、校园安全和稳定"],
    },
}
CHOICES = {
    "disclosure_mode": DisclosureMode,
    "audience": Audience,
    "validity": Validity,
    "exemption_basis": ExemptionBasis,
}


def _norm(name):
    return re.sub(r"[\s_\-]+", "", str(name or "").strip().lstrip("\ufeff")).lower()


HEADER_FIELDS = {_norm(name): field for field, names in COLUMNS for name in names}
HEADER_FIELDS.update({_norm(field): field for field in FIELDS})


def register_import_log_actions(actions):
    """``register_log_actions`` hook: the action recorded for each imported entry."""
    actions.register_action(
        IMPORTED_ACTION, gettext_lazy("Import"), gettext_lazy("Imported from a file")
    )


class ImportFileError(Exception):
    """The file as a whole cannot be read (no rows are imported)."""


# -- reading files ---------------------------------------------------------------------


@dataclasses.dataclass
class Table:
    """The rows of a file: ``rows`` are ``(line, {field: text or value})``."""

    fields: list
    rows: list
    encoding: str = ""
    ignored_columns: list = dataclasses.field(default_factory=list)


def decode_csv(data, encoding=None):
    """Text and encoding of CSV bytes: ``encoding`` if given, else UTF-8 (with or without
    BOM), else GB18030 (what Excel in China saves as "CSV")."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise ImportFileError(
                _("The file cannot be read as %(encoding)s: %(error)s")
                % {"encoding": encoding, "error": exc}
            ) from exc
    for candidate in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file is neither UTF-8 nor GB18030 text; give its encoding."))


def _header(cells):
    fields, ignored = [], []
    for cell in cells:
        field = HEADER_FIELDS.get(_norm(cell))
        if field is None or field in fields:
            ignored.append(str(cell or ""))
            fields.append(None)
        else:
            fields.append(field)
    missing = [f for f in ("title", "item", "department") if f not in fields]
    if missing:
        raise ImportFileError(
            _("The header row lacks the column(s) %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return fields, [name for name in ignored if name]


def _rows(fields, records, first_line=2):
    rows = []
    for line, cells in enumerate(records, start=first_line):
        values = {}
        for field, cell in zip(fields, cells, strict=False):
            if field is not None:
                values[field] = cell
        if all(value in (None, "") or str(value).strip() == "" for value in values.values()):
            continue
        rows.append((line, values))
    return rows


def read_table(data, name="", encoding=None):
    """Read CSV or XLSX ``data`` (bytes) into a :class:`Table`. The first row is the header.

    A row's line is its number as a spreadsheet shows it: the header is line 1.
    """
    if name.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    text, used = decode_csv(data, encoding)
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        raise ImportFileError(_("The file is empty."))
    fields, ignored = _header(records[0])
    return Table(fields, _rows(fields, records[1:]), used, ignored)


def _read_xlsx(data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc
    try:
        records = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(records, None)
        if header is None:
            raise ImportFileError(_("The file is empty."))
        fields, ignored = _header(header)
        rows = _rows(fields, records)
    finally:
        workbook.close()
    return Table(fields, rows, "xlsx", ignored)


# -- checking rows ---------------------------------------------------------------------


class BadRow(Exception):
    """A row that cannot be imported; the message says why."""


def text(value):
    """A cell as stripped text (numbers as spreadsheets show them: 12.0 is "12")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return str(value).strip()


DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def parse_date(value, label, latest):
    """A date from a cell (a date, or text as 2024-03-05, 2024/3/5, 2024.3.5,
    2024年3月5日, 20240305), in the range entries accept; ``None`` if empty."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        raw = text(value)
        if not raw:
            return None
        raw = raw.split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2} \d", raw) else raw
        for pattern in DATE_PATTERNS:
            match = pattern.match(raw)
            if match:
                try:
                    value = datetime.date(*map(int, match.groups()))
                except ValueError:
                    break
                break
        else:
            raise BadRow(_("bad date in %(column)s: “%(value)s”") % {"column": label, "value": raw})
        if not isinstance(value, datetime.date):
            raise BadRow(_("bad date in %(column)s: “%(value)s”") % {"column": label, "value": raw})
    if not EARLIEST_DATE <= value <= latest:
        raise BadRow(
            _("date out of range in %(column)s: %(value)s (from %(earliest)s to %(latest)s)")
            % {
                "column": label,
                "value": value.isoformat(),
                "earliest": EARLIEST_DATE.isoformat(),
                "latest": latest.isoformat(),
            }
        )
    return value


def choice_lookup(field):
    """{normalised name: value} of a choice field: values, labels in English and Chinese,
    and the names in :data:`CHOICE_NAMES`."""
    from django.utils import translation

    lookup = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in CHOICES[field].choices:
                lookup[_norm(value)] = value
                lookup[_norm(str(label))] = value
    for value, names in CHOICE_NAMES[field].items():
        for name in names:
            lookup[_norm(name)] = value
    return lookup


def column_label(field):
    """How a report names a column: its Chinese and English header names."""
    names = dict(COLUMNS)[field]
    chinese = next((name for name in names if not name.isascii()), "")
    return f"{chinese} ({names[0]})" if chinese else names[0]


def default_key(title, item_code, document_number, document_date):
    """The key of a row without one: a hash of title, item, 文号 and 成文日期."""
    raw = "\x1f".join(
        [title, item_code, document_number, document_date.isoformat() if document_date else ""]
    )
    return "sha256:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40]


def body_blocks(value):
    """The body StreamField's data for a cell: simple HTML (it starts with ``<``) becomes
    one paragraph block, cleaned to the paragraph's features; plain text one paragraph
    block with a ``<p>`` per line."""
    raw = text(value)
    if not raw:
        return []
    if raw.startswith("<"):
        from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

        from .blocks import DisclosureBodyBlock

        features = DisclosureBodyBlock().child_blocks["paragraph"].features
        converter = ContentstateConverter(features)
        cleaned = converter.to_database_format(converter.from_database_format(raw))
        # The editor's bookkeeping, not content: an export imported again stays the same.
        cleaned = re.sub(r' data-block-key="[^"]*"', "", cleaned)
    else:
        lines = [line.strip() for line in raw.splitlines() if line.strip()]
        cleaned = "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines)
    return [{"type": "paragraph", "value": cleaned, "id": str(uuid.uuid4())}]


@dataclasses.dataclass
class Row:
    """A checked row, ready to be written."""

    line: int
    key: str
    model: type
    parent: DisclosureCategoryPage
    fields: dict
    channels: list
    attachments: list
    #: The entry built from the row (not saved), as check() cleaned it.
    entry: DisclosureEntryPage = None


@dataclasses.dataclass
class Result:
    total: int = 0
    imported: int = 0
    skipped: int = 0
    bad: list = dataclasses.field(default_factory=list)  # [(line, reason)]
    page_ids: list = dataclasses.field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def report(self):
        return [{"line": line, "reason": str(reason)} for line, reason in self.bad]


class Importer:
    """Import rows into one section (a :class:`DisclosureIndexPage`).

    ``user`` is recorded as the author (and publisher); ``publish=True`` publishes each
    entry through the review's import step and needs ``user`` to be the disclosure office
    of the row's department. ``files_dir`` is where attachment paths are read from.
    ``bulk=False`` writes every row through ``add_child`` and the engine (slow).
    """

    def __init__(
        self,
        section,
        *,
        user=None,
        publish=False,
        files_dir=None,
        dry_run=False,
        run=None,
        bulk=True,
        index=True,
        progress=None,
        source="",
    ):
        self.section = section
        self.user = user
        self.publish = publish
        self.files_dir = Path(files_dir).resolve() if files_dir else None
        self.dry_run = dry_run
        self.run = run
        self.bulk = bulk
        self.index = index
        self.progress = progress
        self.source = source
        self.latest = latest_date()
        items = ChecklistItem.objects.filter(
            category__checklist_id=section.checklist_id
        ).select_related("category")
        self.items = {item.code: item for item in items}
        self.departments = {}
        for department in Department.objects.all():
            self.departments[department.name] = department
            self.departments[department.short_code.lower()] = department
        self.channels = {channel.code.lower(): channel for channel in ReleaseChannel.objects.all()}
        self.parents = {
            page.category_id: page for page in DisclosureCategoryPage.objects.child_of(section)
        }
        self.choices = {field: choice_lookup(field) for field in CHOICES}
        self.sign_off_categories = set(
            ChecklistCategory.objects.filter(requires_sign_off=True).values_list("pk", flat=True)
        )

    # -- checking --------------------------------------------------------------------

    def check(self, line, values):
        """A :class:`Row` for ``values``, or raise :class:`BadRow`."""
        title = text(values.get("title"))
        if not title:
            raise BadRow(_("missing title"))
        if len(title) > 255:
            raise BadRow(_("title longer than 255 characters"))
        code = text(values.get("item"))
        item = self.items.get(code)
        if item is None:
            if not code:
                raise BadRow(_("missing item code"))
            raise BadRow(_("unknown item code “%(code)s”") % {"code": code})
        parent = self.parents.get(item.category_id)
        if parent is None:
            raise BadRow(_("the section has no category page for item %(code)s") % {"code": code})
        name = text(values.get("department"))
        department = self.departments.get(name) or self.departments.get(name.lower())
        if department is None:
            if not name:
                raise BadRow(_("missing department"))
            raise BadRow(_("unknown department “%(name)s”") % {"name": name})
        document_date = parse_date(
            values.get("document_date"), column_label("document_date"), self.latest
        )
        publication_date = parse_date(
            values.get("publication_date"), column_label("publication_date"), self.latest
        )
        changed_on = parse_date(
            values.get("validity_changed_on"), column_label("validity_changed_on"), self.latest
        )
        if document_date is None:
            raise BadRow(_("missing document date"))
        document_number = text(values.get("document_number"))
        if len(document_number) > 100:
            raise BadRow(_("document number longer than 100 characters"))
        fields = {
            "title": title,
            "checklist_item": item,
            "department": department,
            "document_date": document_date,
            "publication_date": publication_date,
            "document_number": document_number,
            "summary": text(values.get("summary")),
            "restriction_reason": text(values.get("restriction_reason")),
            "validity_changed_on": changed_on,
        }
        for field, lookup in self.choices.items():
            raw = text(values.get(field))
            if not raw:
                continue
            value = lookup.get(_norm(raw))
            if value is None:
                raise BadRow(
                    _("unknown value “%(value)s” in %(column)s")
                    % {"value": raw, "column": column_label(field)}
                )
            fields[field] = value
        channels = []
        for raw in re.split(r"[;；,，]", text(values.get("channels"))):
            if raw.strip():
                channel = self.channels.get(raw.strip().lower())
                if channel is None:
                    raise BadRow(_("unknown release channel “%(code)s”") % {"code": raw.strip()})
                channels.append(channel)
        attachments = []
        for raw in re.split(r"[;；]", text(values.get("attachments"))):
            if raw.strip():
                attachments.append(self.attachment_path(raw.strip()))
        model = entry_page_type_for(item.category.key)
        entry = model(**fields, body=body_blocks(values.get("body")))
        try:
            entry.clean()
        except ValidationError as exc:
            messages = "; ".join(
                f"{field}: {' '.join(map(str, errors))}"
                for field, errors in exc.message_dict.items()
            )
            raise BadRow(messages) from exc
        if self.publish and not self.may_publish(department):
            raise BadRow(
                _("you are not the disclosure office of %(department)s: cannot publish")
                % {"department": department.name}
            )
        fields["body"] = entry.body
        key = text(values.get("key")) or default_key(
            title, item.code, document_number, document_date
        )
        if len(key) > 200:
            raise BadRow(_("key longer than 200 characters"))
        return Row(line, key, model, parent, fields, channels, attachments, entry)

    def may_publish(self, department):
        user = self.user
        return user is not None and (
            user.is_superuser or has_role(user, Role.DISCLOSURE_OFFICE, department.pk)
        )

    def attachment_path(self, raw):
        if self.files_dir is None:
            raise BadRow(_("attachment “%(path)s” given but no files directory") % {"path": raw})
        path = (self.files_dir / raw).resolve()
        if not path.is_relative_to(self.files_dir) or not path.is_file():
            raise BadRow(_("file not found: %(path)s") % {"path": raw})
        return path

    # -- running ---------------------------------------------------------------------

    def run_rows(self, rows):
        """Check and import ``rows`` (``(line, values)``); returns a :class:`Result`."""
        started = timezone.now()
        result = Result(total=len(rows), dry_run=self.dry_run)
        checked, first_line = [], {}
        for line, values in rows:
            try:
                row = self.check(line, values)
            except BadRow as exc:
                result.bad.append((line, str(exc)))
                continue
            except Exception as exc:  # a cell nothing above foresaw: the row, not the file
                logger.exception("Could not check line %s", line)
                result.bad.append((line, _("could not be read: %(error)s") % {"error": exc}))
                continue
            if row.key in first_line:
                result.bad.append(
                    (
                        line,
                        _("duplicate key in the file (first on line %(line)s)")
                        % {"line": first_line[row.key]},
                    )
                )
                continue
            first_line[row.key] = line
            checked.append(row)
        existing = set()
        keys = [row.key for row in checked]
        entries = DisclosureEntryPage.objects.descendant_of(self.section)
        for start in range(0, len(keys), 5000):
            chunk = keys[start : start + 5000]
            existing.update(
                ImportedEntry.objects.filter(section_id=self.section.pk, key__in=chunk).values_list(
                    "key", flat=True
                )
            )
            # An export names entries that were not imported by their 索引号.
            existing.update(
                entries.filter(index_number__in=chunk).values_list("index_number", flat=True)
            )
        todo = [row for row in checked if row.key not in existing]
        result.skipped = len(checked) - len(todo)
        done = result.total - len(todo)
        self._progress(done, result.total)
        if self.dry_run:
            result.imported = len(todo)
        else:
            plain = [row for row in todo if not row.attachments]
            for start in range(0, len(plain), BATCH_SIZE):
                batch = plain[start : start + BATCH_SIZE]
                self._write(batch, result)
                done += len(batch)
                self._progress(done, result.total)
            for row in (row for row in todo if row.attachments):
                self._write_one_reported(row, result)
                done += 1
                self._progress(done, result.total)
            if self.index and result.page_ids:
                index_entries(result.page_ids, progress=self.progress)
            if self.publish and result.page_ids:
                purge_section(self.section)
        result.bad.sort(key=lambda pair: pair[0])
        result.seconds = (timezone.now() - started).total_seconds()
        return result

    def _progress(self, done, total):
        if self.progress is not None:
            self.progress(done, total)

    def _write(self, batch, result):
        if self.bulk:
            try:
                with transaction.atomic():
                    ids = self.write_batch(batch)
            except Exception:  # each row is tried alone below, and reported
                logger.info(
                    "Batch of %s rows failed; writing them one by one", len(batch), exc_info=True
                )
            else:
                result.imported += len(ids)
                result.page_ids.extend(ids)
                return
        for row in batch:
            self._write_one_reported(row, result)

    def _write_one_reported(self, row, result):
        try:
            with transaction.atomic():
                page = self.write_one(row)
        except BadRow as exc:
            result.bad.append((row.line, str(exc)))
        except Exception as exc:  # reported for the row; the others go on
            result.bad.append((row.line, _("could not be saved: %(error)s") % {"error": exc}))
        else:
            result.imported += 1
            result.page_ids.append(page.pk)

    def log_data(self, row):
        return {"key": row.key, "line": row.line, "source": self.source}

    # -- one row through Wagtail and the engine ---------------------------------------

    def write_one(self, row):
        """Write ``row`` through ``add_child``, ``save_revision`` and the engine's import
        step (inside the caller's transaction)."""
        from .workflow import take_system_transition

        entry = row.model(**row.fields, slug="", live=False, owner=self.user)
        if row.channels:
            entry.channels = row.channels
        Page.objects.select_for_update().filter(pk=row.parent.pk).first()
        row.parent.refresh_from_db(fields=["numchild", "path", "url_path"])
        row.parent.add_child(instance=entry)
        for position, path in enumerate(row.attachments):
            document = get_document_model()(title=path.stem, uploaded_by_user=self.user)
            with path.open("rb") as handle:
                document.file.save(path.name, File(handle), save=False)
            document.save()
            DisclosureAttachment.objects.create(page=entry, document=document, sort_order=position)
        entry.save_revision(user=self.user)
        log(instance=entry, action=IMPORTED_ACTION, user=self.user, data=self.log_data(row))
        if self.publish:
            take_system_transition(entry, "import_published", self.user, comment=self.comment)
        ImportedEntry.objects.create(
            section_id=self.section.pk, key=row.key, page=entry, run=self.run
        )
        return entry

    @property
    def comment(self):
        return _("Imported from %(source)s") % {"source": self.source or _("a file")}

    # -- many rows at once --------------------------------------------------------------

    def write_batch(self, rows):
        """Write ``rows`` with a few statements per table; returns the new pages' ids.

        Leaves the rows :meth:`write_one` leaves: pages at the end of their category's
        children (tree paths allocated here, ``numchild`` updated), 索引号 from the locked
        sequences, short slugs, one revision each (latest, and live when published), the
        review row (draft, or published by the import step, bound to the revision), the
        audit log (imported; published by the import step and by Wagtail), the channels and
        the idempotency keys. Search indexing is left to the caller (done once at the end).
        """
        now = timezone.now()
        user = self.user
        parent_ids = {row.parent.pk for row in rows}
        parents = {
            page.pk: page
            for page in Page.objects.select_for_update().filter(pk__in=parent_ids).order_by("pk")
        }
        next_step, taken = {}, {}
        for pk, parent in parents.items():
            last = (
                Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
                .order_by("-path")
                .values_list("path", flat=True)
                .first()
            )
            next_step[pk] = Page._str2int(last[-Page.steplen :]) if last else 0
            taken[pk] = set(
                Page.objects.filter(
                    path__startswith=parent.path, depth=parent.depth + 1
                ).values_list("slug", flat=True)
            )
        site = self.section.get_site()
        org_code = self.section.organisation_code or get_setting("ORGANISATION_CODE")
        pattern = get_setting("INDEX_NUMBER_PATTERN")
        mode = slug_mode()

        entries, serial_keys = [], []
        for row in rows:
            parent = parents[row.parent.pk]
            next_step[parent.pk] += 1
            # The entry checked (and cleaned) in check(), given its place and bookkeeping.
            entry = row.entry
            entry.draft_title = entry.title
            entry.live, entry.has_unpublished_changes = False, True
            entry.latest_revision_created_at = now
            entry.path = parent.path + Page._int2str(next_step[parent.pk]).rjust(Page.steplen, "0")
            entry.depth, entry.numchild = parent.depth + 1, 0
            entry.locale_id = parent.locale_id
            entry.index_site = site
            entry.owner = user
            entry.content_type = ContentType.objects.get_for_model(row.model)
            values = pattern_values(entry, org_code)
            serial_keys.append((values, sequence_key(pattern, values)))
            entries.append(entry)
        counts = {}
        for _values, key in serial_keys:
            counts[key] = counts.get(key, 0) + 1
        serials = {key: reserve_serials(site, key, count) for key, count in counts.items()}
        for entry, row, (values, key) in zip(entries, rows, serial_keys, strict=True):
            entry.index_number = format_index_number(pattern, values, next(serials[key]))
            base = (
                short_slug_base(entry.index_number)
                if mode == "index_number"
                else slugify(entry.title, allow_unicode=True)
            ) or "entry"
            slug, number = base, 1
            while slug in taken[row.parent.pk]:
                number += 1
                slug = f"{base}-{number}"
            taken[row.parent.pk].add(slug)
            entry.slug = slug
            entry.url_path = f"{parents[row.parent.pk].url_path}{slug}/"
            if row.channels:
                entry.channels = row.channels
        # The revision's content as ``save_revision`` stores it, before the rows exist.
        contents = [entry.serializable_data() for entry in entries]
        if self.publish:  # as the import step leaves the page (revision.publish())
            today = timezone.localdate()
            for entry in entries:
                entry.live, entry.has_unpublished_changes = True, False
                entry.first_published_at = entry.last_published_at = now
                entry.publication_date = entry.publication_date or today

        page_fields = [f for f in Page._meta.local_concrete_fields if not f.primary_key]
        for entry, (pk,) in zip(
            entries, insert_rows(Page, entries, page_fields, returning=True), strict=True
        ):
            entry.id = entry.page_ptr_id = entry.disclosureentrypage_ptr_id = pk
        insert_rows(DisclosureEntryPage, entries, DisclosureEntryPage._meta.local_concrete_fields)
        by_model = {}
        for entry in entries:
            by_model.setdefault(type(entry), []).append(entry)
        for model, objs in by_model.items():
            if model is not DisclosureEntryPage:
                insert_rows(model, objs, model._meta.local_concrete_fields)

        page_type = ContentType.objects.get_for_model(Page)
        revisions = Revision.objects.bulk_create(
            [
                Revision(
                    content_type_id=entry.content_type_id,
                    base_content_type=page_type,
                    object_id=str(entry.pk),
                    created_at=now,
                    user=user,
                    object_str=entry.title,
                    content={**content, "pk": entry.pk},
                )
                for entry, content in zip(entries, contents, strict=True)
            ],
            batch_size=BATCH_SIZE,
        )
        if revisions and revisions[0].pk is None:  # a database that returns no ids
            by_object = dict(
                Revision.objects.filter(
                    base_content_type=page_type, object_id__in=[str(e.pk) for e in entries]
                ).values_list("object_id", "pk")
            )
            for revision in revisions:
                revision.pk = revision.id = by_object[revision.object_id]
        # The revisions become the pages' latest (and live) revision: one UPDATE per batch.
        revision_of_page = Revision.objects.filter(
            base_content_type=page_type,
            object_id=Cast(OuterRef("pk"), Revision._meta.get_field("object_id")),
        ).values("pk")[:1]
        bound = {"latest_revision": Subquery(revision_of_page)}
        if self.publish:
            bound["live_revision"] = Subquery(revision_of_page)
        Page.objects.filter(pk__in=[entry.pk for entry in entries]).update(**bound)
        for entry, revision in zip(entries, revisions, strict=True):
            entry.latest_revision_id = revision.pk
            if self.publish:
                entry.live_revision_id = revision.pk

        reviews = []
        for entry, revision in zip(entries, revisions, strict=True):
            review = {
                "page_id": entry.pk,
                "department_id": entry.department_id,
                "sign_off_required": entry.checklist_item.category_id in self.sign_off_categories,
            }
            if self.publish:
                review.update(
                    state=ReviewState.PUBLISHED,
                    revision_id=revision.pk,
                    published_by=user,
                    published_at=now,
                    state_changed_at=now,
                    last_comment=self.comment,
                )
            reviews.append(EntryReview(**review))
        EntryReview.objects.bulk_create(reviews, batch_size=BATCH_SIZE)

        Through = DisclosureEntryPage.channels.through
        Through.objects.bulk_create(
            [
                Through(disclosureentrypage_id=entry.pk, releasechannel_id=channel.pk)
                for entry, row in zip(entries, rows, strict=True)
                for channel in row.channels
            ],
            batch_size=BATCH_SIZE,
        )
        self._bulk_log(entries, rows, revisions, now)
        bulk_reference_index(entries)
        ImportedEntry.objects.bulk_create(
            [
                ImportedEntry(
                    section_id=self.section.pk, key=row.key, page_id=entry.pk, run=self.run
                )
                for entry, row in zip(entries, rows, strict=True)
            ],
            batch_size=BATCH_SIZE,
        )
        for pk in parents:
            added = sum(1 for row in rows if row.parent.pk == pk)
            Page.objects.filter(pk=pk).update(numchild=F("numchild") + added)
        return [entry.pk for entry in entries]

    def _bulk_log(self, entries, rows, revisions, now):
        """The audit log rows :meth:`write_one` writes, in one statement."""
        logs = []
        context = uuid.uuid4()
        for entry, row, revision in zip(entries, rows, revisions, strict=True):
            common = {
                "content_type_id": entry.content_type_id,
                "label": entry.title,
                "user": self.user,
                "page_id": entry.pk,
                "uuid": context,
            }
            # Wagtail logs the creation of a page (Page.save) with its owner as the user.
            logs.append(
                PageLogEntry(**common, action="wagtail.create", content_changed=True, timestamp=now)
            )
            logs.append(
                PageLogEntry(
                    **common, action=IMPORTED_ACTION, data=self.log_data(row), timestamp=now
                )
            )
            if self.publish:
                logs.append(
                    PageLogEntry(
                        **common,
                        action="wagtail.publish",
                        data={},
                        revision_id=revision.pk,
                        content_changed=True,
                        timestamp=now,
                    )
                )
                logs.append(
                    PageLogEntry(
                        **common,
                        action="wagtail_disclosure.import_published",
                        revision_id=revision.pk,
                        data={
                            "transition": "import_published",
                            "from": ReviewState.DRAFT.value,
                            "to": ReviewState.PUBLISHED.value,
                            "comment": self.comment,
                            "revision_id": revision.pk,
                            "withheld": False,
                        },
                        timestamp=now,
                    )
                )
        PageLogEntry.objects.bulk_create(logs, batch_size=BATCH_SIZE)


def purge_section(section):
    """Purge the section and its category pages from the front-end cache (when
    ``wagtail.contrib.frontend_cache`` is installed): the batch path sends no
    ``page_published`` signal per entry, and their listings changed."""
    from django.apps import apps

    if not apps.is_installed("wagtail.contrib.frontend_cache"):
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    batch = PurgeBatch()
    batch.add_pages([section, *DisclosureCategoryPage.objects.child_of(section).live()])
    try:
        batch.purge()
    except Exception:  # a cache that cannot be reached must not fail the import
        logger.exception("Could not purge section %s from the front-end cache", section.pk)


def bulk_reference_index(entries):
    """Wagtail's reference index rows of new pages (what its signal handler writes for a
    saved page, one page at a time), in one statement."""
    from modelcluster.models import get_all_child_relations
    from wagtail.models import ReferenceIndex

    rows = []
    for entry in entries:
        model = type(entry)
        if not ReferenceIndex.is_indexed(model):
            continue
        # The batch path writes no child rows (rows with attachments take the other
        # path): say so, instead of a query per relation and entry.
        for relation in get_all_child_relations(model):
            setattr(entry, relation.get_accessor_name(), [])
        types = [
            ContentType.objects.get_for_model(m, for_concrete_model=False)
            for m in [model, *model._meta.get_parent_list()]
        ]
        for to_type, to_id, model_path, content_path in set(
            ReferenceIndex._extract_references_from_object(entry)
        ):
            rows.append(
                ReferenceIndex(
                    content_type=types[0],
                    base_content_type=types[-1],
                    object_id=entry.pk,
                    to_content_type_id=to_type,
                    to_object_id=to_id,
                    model_path=model_path,
                    content_path=content_path,
                    content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
                )
            )
    ReferenceIndex.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)


def reserve_serials(site, key, count):
    """Take ``count`` serials of the 索引号 sequence ``key`` at once (row locked);
    returns an iterator over them."""
    sequence, _created = IndexNumberSequence.objects.select_for_update().get_or_create(
        site=site, key=key
    )
    IndexNumberSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + count)
    last = IndexNumberSequence.objects.values_list("last_value", flat=True).get(pk=sequence.pk)
    return iter(range(last - count + 1, last + 1))


def insert_rows(model, objs, fields, returning=False):
    """INSERT ``fields`` of ``objs`` into ``model``'s own table (a multi-table child's
    parts one table at a time, which ``bulk_create`` refuses)."""
    queryset = model._base_manager.all()
    size = max(1, min(BATCH_SIZE, 30000 // max(1, len(fields))))  # SQLite's parameter limit
    rows = []
    for start in range(0, len(objs), size):
        result = queryset._insert(
            objs[start : start + size],
            fields=fields,
            returning_fields=model._meta.db_returning_fields if returning else None,
            using=connection.alias,
        )
        if returning:
            rows.extend(result)
    return rows


def index_entries(page_ids, chunk=1000, progress=None):
    """Add the new entries to every search backend, ``chunk`` at a time (as
    ``update_index`` does), instead of one by one as they are saved. ``progress`` is
    called with (entries indexed, entries, ``"search index"``)."""
    from wagtail.search.backends import get_search_backends

    by_model = {}
    for model_name, pk in Page.objects.filter(pk__in=page_ids).values_list(
        "content_type__model", "pk"
    ):
        by_model.setdefault(model_name, []).append(pk)
    models = {
        model._meta.model_name: model
        for model in [DisclosureEntryPage, *DisclosureEntryPage.__subclasses__()]
    }
    backends = list(get_search_backends(with_auto_update=True))
    total, done = len(page_ids) * len(backends), 0
    for backend in backends:
        for name, pks in by_model.items():
            model = models.get(name)
            index = backend.get_index_for_model(model) if model is not None else None
            for start in range(0, len(pks), chunk):
                if index is not None:
                    objs = model.get_indexed_objects().filter(pk__in=pks[start : start + chunk])
                    index.add_items(model, [remember_search_values(obj) for obj in objs])
                done += len(pks[start : start + chunk])
                if progress is not None:
                    progress(done, total, "search index")


def remember_search_values(obj):
    """Compute each of ``obj``'s search methods once: a search backend reads every field
    several times (title, body, autocomplete), and the Chinese segmentation behind them
    costs most of the indexing time. Only on objects read for indexing, then dropped."""
    model = type(obj)
    for field in model.get_search_fields():
        name = field.field_name
        attribute = getattr(model, name, None)
        if callable(attribute) and not isinstance(attribute, type):
            setattr(obj, name, functools.cache(getattr(obj, name)))
    return obj


def find_section(slug=None):
    """The section with ``slug``, or the only one when ``slug`` is not given."""
    sections = DisclosureIndexPage.objects.all()
    if slug:
        section = sections.filter(slug=slug).first()
        if section is None:
            raise ImportFileError(
                _("No disclosure section has the slug “%(slug)s”.") % {"slug": slug}
            )
        return section
    found = list(sections[:2])
    if len(found) != 1:
        raise ImportFileError(_("Say which section to import into (its slug)."))
    return found[0]


def import_file(data, name, section, encoding=None, **options):
    """Read ``data`` (the bytes of a CSV or XLSX file called ``name``) and import its rows
    into ``section``; returns a :class:`Result`. ``options`` go to :class:`Importer`."""
    table = read_table(data, name, encoding)
    options.setdefault("source", Path(name).name)
    return Importer(section, **options).run_rows(table.rows)


def check_run(run):
    """Check the file of a new :class:`~.models.ImportRun` (a dry run) and record the
    report; the admin's import screen shows it before the import is started."""
    from .models import ImportRunState

    with run.file.open("rb") as handle:
        data = handle.read()
    table = read_table(data, run.original_name)
    limit = int(get_setting("IMPORT_ADMIN_MAX_ROWS"))
    if len(table.rows) > limit:
        raise ImportFileError(
            _(
                "The file has %(rows)s rows; the import screen takes at most %(limit)s. "
                "Use manage.py disclosure_import for larger files."
            )
            % {"rows": len(table.rows), "limit": limit}
        )
    section = DisclosureIndexPage.objects.get(pk=run.section_id)
    result = Importer(
        section, user=run.user, publish=run.publish, dry_run=True, source=run.original_name
    ).run_rows(table.rows)
    run.state = ImportRunState.CHECKED
    run.total, run.imported, run.skipped = result.total, result.imported, result.skipped
    run.bad, run.report = len(result.bad), result.report
    run.save()
    return result


def execute_run(run_id):
    """Import the file of an :class:`~.models.ImportRun` (the admin's background task),
    recording progress and the row report on the run."""
    from .models import ImportRun, ImportRunState

    run = ImportRun.objects.select_related("user").get(pk=run_id)
    if run.state not in (ImportRunState.QUEUED, ImportRunState.CHECKED):
        return run
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRunState.RUNNING, processed=0)

    def progress(done, total, phase="rows"):
        if phase == "rows":
            ImportRun.objects.filter(pk=run.pk).update(processed=done, total=total)

    try:
        section = DisclosureIndexPage.objects.get(pk=run.section_id)
        with run.file.open("rb") as handle:
            data = handle.read()
        result = import_file(
            data,
            run.original_name or run.file.name,
            section,
            user=run.user,
            publish=run.publish,
            run=run,
            progress=progress,
        )
    except Exception as exc:  # the run page shows the error
        ImportRun.objects.filter(pk=run.pk).update(
            state=ImportRunState.FAILED, error=str(exc), finished_at=timezone.now()
        )
    else:
        ImportRun.objects.filter(pk=run.pk).update(
            state=ImportRunState.DONE,
            total=result.total,
            processed=result.total,
            imported=result.imported,
            skipped=result.skipped,
            bad=len(result.bad),
            report=result.report,
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run
