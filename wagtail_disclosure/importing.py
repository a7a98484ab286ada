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
from modelcluster.models import get_all_child_relations
from wagtail.documents import get_document_model
from wagtail.log_actions import log
from wagtail.models import Page, PageLogEntry, Revision

from .conf import get_setting
from .dates import EARLIEST_DATE, latest_date
from .entry_urls import short_slug_base, slug_mode
from .import_log import IMPORTED_ACTION, register_import_log_actions  # noqa: F401
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
from .public_cache import record_public_change

logger = logging.getLogger(__name__)

#: The log action of an imported entry (the page history shows it).

#: Rows written per transaction by the batch path.
BATCH_SIZE = 500

#: Rows checked (entries built in memory) before they are written.
CHECK_CHUNK = 5000

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
    # Read record by record: a large file is not held as a list of records besides its rows.
    records = csv.reader(io.StringIO(text, newline=""))
    del text
    header = next(records, None)
    if header is None:
        raise ImportFileError(_("The file is empty."))
    fields, ignored = _header(header)
    return Table(fields, _rows(fields, records), used, ignored)


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
    #: The processes the rows were written in (``jobs``).
    jobs: int = 1

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
        #: Search index writers that take each batch's entries in the batch (PostgreSQL
        #: database backend); ``None``: entries are indexed after the rows.
        self.batch_index = batch_index_writers() if index and bulk else None
        self.indexed_in_batches = set()

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

    def run_rows(self, rows, jobs=1):
        """Check and import ``rows`` (``(line, values)``); returns a :class:`Result`.

        ``jobs`` > 1 writes the rows in that many processes at once, each the rows of its
        own category pages (:mod:`.import_jobs`), when the database allows it."""
        started = timezone.now()
        result = Result(total=len(rows), dry_run=self.dry_run)
        parts = None
        if jobs > 1 and not self.dry_run:
            from .import_jobs import import_in_processes, partition, usable

            parts = partition(self, rows, jobs) if usable(jobs, len(rows)) else None
        if parts:
            result.jobs = len(parts)
            import_in_processes(self, parts, result)
        else:
            self.import_rows(rows, result)
        if not self.dry_run:
            self.finish(result)
        result.bad.sort(key=lambda pair: pair[0])
        result.seconds = (timezone.now() - started).total_seconds()
        return result

    def import_rows(self, rows, result):
        """Check ``rows`` and write the good ones (or count them, in a dry run) into
        ``result``; the search index of other backends and the purge are left to
        :meth:`finish`."""
        first_line, done = {}, 0
        # Checked and written a part at a time: the entries built for the rows of a large
        # file are not all in memory at once.
        for start in range(0, len(rows), CHECK_CHUNK):
            part = rows[start : start + CHECK_CHUNK]
            todo = self._new_rows(part, first_line, result)
            done += len(part) - len(todo)
            self._progress(done, result.total)
            if self.dry_run:
                result.imported += len(todo)
                continue
            plain = [row for row in todo if not row.attachments]
            for at in range(0, len(plain), BATCH_SIZE):
                batch = plain[at : at + BATCH_SIZE]
                self._write(batch, result)
                done += len(batch)
                self._progress(done, result.total)
            for row in (row for row in todo if row.attachments):
                self._write_one_reported(row, result)
                done += 1
                self._progress(done, result.total)

    def finish(self, result):
        """After the rows: the title norms of the batches' index rows, the index of the
        entries not indexed in their batch, the front-end cache purge."""
        if self.batch_index:
            for writer in self.batch_index:
                writer.finish()
        rest = [pk for pk in result.page_ids if pk not in self.indexed_in_batches]
        if self.index and rest:
            index_entries(rest, progress=self.progress)
        if result.page_ids:
            # The batches send no signals: one change for them all (the page cache and
            # the catalogue's figures see it).
            record_public_change(f"import {self.source}")
        if self.publish and result.page_ids:
            purge_section(self.section)

    def _new_rows(self, rows, first_line, result):
        """The checked rows of ``rows`` that are neither bad (reported in ``result``),
        nor given before in the file (``first_line``: {key: line}), nor imported before
        (counted as skipped)."""
        checked = []
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
        keys = [row.key for row in checked]
        existing = set(
            ImportedEntry.objects.filter(section_id=self.section.pk, key__in=keys).values_list(
                "key", flat=True
            )
        )
        # An export names entries that were not imported by their 索引号.
        existing.update(
            DisclosureEntryPage.objects.descendant_of(self.section)
            .filter(index_number__in=keys)
            .values_list("index_number", flat=True)
        )
        todo = [row for row in checked if row.key not in existing]
        result.skipped += len(checked) - len(todo)
        return todo

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
        next_step = {}
        for pk, parent in parents.items():
            last = (
                Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
                .order_by("-path")
                .values_list("path", flat=True)
                .first()
            )
            next_step[pk] = Page._str2int(last[-Page.steplen :]) if last else 0
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
            entry.live = False
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
        serials = reserve_serial_blocks(site, counts)
        bases = []
        for entry, (values, key) in zip(entries, serial_keys, strict=True):
            entry.index_number = format_index_number(pattern, values, next(serials[key]))
            base = (
                short_slug_base(entry.index_number)
                if mode == "index_number"
                else slugify(entry.title, allow_unicode=True)
            ) or "entry"
            bases.append(base)
        taken = sibling_slugs(parents, rows, bases)
        for entry, row, base in zip(entries, rows, bases, strict=True):
            slug, number = base, 1
            while slug in taken[row.parent.pk]:
                number += 1
                slug = f"{base}-{number}"
            taken[row.parent.pk].add(slug)
            entry.slug = slug
            entry.url_path = f"{parents[row.parent.pk].url_path}{slug}/"
            entry.channels = row.channels  # none: an empty list, not a query
        # The revision's content as ``save_revision`` stores it, before the rows exist.
        # The batch path writes no child rows (rows with attachments take the other
        # path): say so, instead of a query set per relation and entry.
        for entry in entries:
            for relation in get_all_child_relations(type(entry)):
                setattr(entry, relation.get_accessor_name(), [])
        # save_revision takes the content before it sets these.
        for entry in entries:
            entry.has_unpublished_changes, entry.latest_revision_created_at = False, None
        contents = [entry.serializable_data() for entry in entries]
        for entry in entries:
            entry.has_unpublished_changes, entry.latest_revision_created_at = True, now
        if self.publish:  # as the import step leaves the page (revision.publish())
            today = timezone.localdate()
            for entry in entries:
                entry.live, entry.has_unpublished_changes = True, False
                entry.first_published_at = entry.last_published_at = now
                entry.publication_date = entry.publication_date or today

        page_type = ContentType.objects.get_for_model(Page)
        page_ids = reserve_ids(Page, len(entries))
        revision_ids = reserve_ids(Revision, len(entries))
        if page_ids is not None:  # PostgreSQL: ids first, then COPY (foreign keys deferred)
            for entry, pk, revision_pk in zip(entries, page_ids, revision_ids, strict=True):
                entry.id = entry.page_ptr_id = entry.disclosureentrypage_ptr_id = pk
                entry.latest_revision_id = revision_pk
                if self.publish:
                    entry.live_revision_id = revision_pk
            insert_rows(Page, entries, Page._meta.local_concrete_fields)
        else:
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

        revisions = [
            Revision(
                id=revision_pk,
                content_type_id=entry.content_type_id,
                base_content_type=page_type,
                object_id=str(entry.pk),
                created_at=now,
                user=user,
                object_str=entry.title,
                content={**content, "pk": entry.pk},
            )
            for entry, content, revision_pk in zip(
                entries, contents, revision_ids or [None] * len(entries), strict=True
            )
        ]
        create_rows(Revision, revisions)
        if revision_ids is None:
            if revisions and revisions[0].pk is None:  # a database that returns no ids
                by_object = dict(
                    Revision.objects.filter(
                        base_content_type=page_type, object_id__in=[str(e.pk) for e in entries]
                    ).values_list("object_id", "pk")
                )
                for revision in revisions:
                    revision.pk = revision.id = by_object[revision.object_id]
            # The revisions become the pages' latest (and live) revision: one UPDATE.
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
        create_rows(EntryReview, reviews)

        Through = DisclosureEntryPage.channels.through
        create_rows(
            Through,
            [
                Through(disclosureentrypage_id=entry.pk, releasechannel_id=channel.pk)
                for entry, row in zip(entries, rows, strict=True)
                for channel in row.channels
            ],
        )
        self._bulk_log(entries, rows, revisions, now)
        if self.batch_index:
            self._index_batch(entries, reviews)
        bulk_reference_index(entries)
        run_id = self.run.pk if self.run else None
        write_dicts(
            ImportedEntry,
            [
                {"section_id": self.section.pk, "key": row.key, "page_id": entry.pk,
                 "run_id": run_id}
                for entry, row in zip(entries, rows, strict=True)
            ],
        )  # fmt: skip
        for pk in parents:
            added = sum(1 for row in rows if row.parent.pk == pk)
            Page.objects.filter(pk=pk).update(numchild=F("numchild") + added)
        return [entry.pk for entry in entries]

    def _index_batch(self, entries, reviews):
        """Index the batch's entries as they are in memory, in the batch's transaction:
        what ``get_indexed_objects`` reads with them (the review row, no attachments, no
        keywords) is known here. A test compares the rows with the backend's own."""
        objs = []
        for entry, review in zip(entries, reviews, strict=True):
            entry._state.fields_cache["review"] = review
            entry._prefetched_objects_cache = {"attachments": []}
            objs.append(remember_search_values(entry))
        for writer in self.batch_index:
            writer.add_items(None, objs)  # each entry as its page type
        self.indexed_in_batches.update(entry.pk for entry in entries)

    def _bulk_log(self, entries, rows, revisions, now):
        """The audit log rows :meth:`write_one` writes, in one statement."""
        logs = []
        context = uuid.uuid4()
        user_id = self.user.pk if self.user else None
        for entry, row, revision in zip(entries, rows, revisions, strict=True):
            common = {
                "content_type_id": entry.content_type_id,
                "label": entry.title,
                "user_id": user_id,
                "page_id": entry.pk,
                "uuid": context,
                "timestamp": now,
            }
            # Wagtail logs the creation of a page (Page.save) with its owner as the user.
            logs.append({**common, "action": "wagtail.create", "content_changed": True})
            logs.append({**common, "action": IMPORTED_ACTION, "data": self.log_data(row)})
            if self.publish:
                logs.append(
                    {
                        **common,
                        "action": "wagtail.publish",
                        "data": {},
                        "revision_id": revision.pk,
                        "content_changed": True,
                    }
                )
                logs.append(
                    {
                        **common,
                        "action": "wagtail_disclosure.import_published",
                        "revision_id": revision.pk,
                        "data": {
                            "transition": "import_published",
                            "from": ReviewState.DRAFT.value,
                            "to": ReviewState.PUBLISHED.value,
                            "comment": self.comment,
                            "revision_id": revision.pk,
                            "withheld": False,
                        },
                    }
                )
        write_dicts(PageLogEntry, logs)


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
    from wagtail.models import ReferenceIndex

    rows = []
    for entry in entries:
        model = type(entry)
        if not ReferenceIndex.is_indexed(model):
            continue
        # No child rows: write_batch has set the relations empty.
        types = [
            ContentType.objects.get_for_model(m, for_concrete_model=False)
            for m in [model, *model._meta.get_parent_list()]
        ]
        for to_type, to_id, model_path, content_path in set(
            ReferenceIndex._extract_references_from_object(entry)
        ):
            rows.append(
                {
                    "content_type_id": types[0].pk,
                    "base_content_type_id": types[-1].pk,
                    "object_id": str(entry.pk),
                    "to_content_type_id": to_type,
                    "to_object_id": str(to_id),
                    "model_path": model_path,
                    "content_path": content_path,
                    "content_path_hash": ReferenceIndex._get_content_path_hash(content_path),
                }
            )
    # New pages: no row of theirs exists yet, and the set above leaves no duplicates.
    write_dicts(ReferenceIndex, rows)


def sibling_slugs(parents, rows, bases):
    """{parent id: the slugs under it that the new slugs ``bases`` (of ``rows``) may
    collide with}: each base and its numbered forms (``base-2``...). Read by the slugs
    themselves (indexed), not by listing every child: the cost stays per row however many
    entries a category already has."""
    from django.db.models import Q

    wanted = {}
    for row, base in zip(rows, bases, strict=True):
        counts = wanted.setdefault(row.parent.pk, {})
        counts[base] = counts.get(base, 0) + 1
    taken = {pk: set() for pk in parents}
    for pk, counts in wanted.items():
        parent = parents[pk]
        names = sorted(counts)
        for start in range(0, len(names), 500):
            chunk = names[start : start + 500]
            exact = set(
                Page.objects.filter(
                    slug__in=chunk, path__startswith=parent.path, depth=parent.depth + 1
                ).values_list("slug", flat=True)
            )
            taken[pk] |= exact
            # A numbered form is needed where the base is taken or given twice.
            numbered = Q()
            for name in chunk:
                if name in exact or counts[name] > 1:
                    numbered |= Q(slug__startswith=f"{name}-")
            if numbered:
                taken[pk].update(
                    Page.objects.filter(
                        numbered, path__startswith=parent.path, depth=parent.depth + 1
                    ).values_list("slug", flat=True)
                )
    return taken


def reserve_serial_blocks(site, counts):
    """{key: iterator over ``count`` serials} of the 索引号 sequences ``counts`` names
    ({key: count}). On PostgreSQL in one statement (an upsert, which locks the rows as
    :func:`reserve_serials` does, in key order); elsewhere one key at a time."""
    if connection.vendor != "postgresql" or not counts:
        return {key: reserve_serials(site, key, count) for key, count in counts.items()}
    keys = sorted(counts)
    table = connection.ops.quote_name(IndexNumberSequence._meta.db_table)
    target = "(site_id, key)" if site is not None else "(key) WHERE site_id IS NULL"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (site_id, key, last_value)
            SELECT %s, k, n FROM unnest(%s::varchar[], %s::integer[]) WITH ORDINALITY
                AS given(k, n, position)
            ORDER BY position
            ON CONFLICT {target}
            DO UPDATE SET last_value = {table}.last_value + EXCLUDED.last_value
            RETURNING key, last_value
            """,  # noqa: S608 - the model's table name
            [site.pk if site is not None else None, keys, [counts[key] for key in keys]],
        )
        last = dict(cursor.fetchall())
    return {key: iter(range(last[key] - counts[key] + 1, last[key] + 1)) for key in keys}


def reserve_serials(site, key, count):
    """Take ``count`` serials of the 索引号 sequence ``key`` at once (row locked);
    returns an iterator over them."""
    sequence, _created = IndexNumberSequence.objects.select_for_update().get_or_create(
        site=site, key=key
    )
    IndexNumberSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + count)
    last = IndexNumberSequence.objects.values_list("last_value", flat=True).get(pk=sequence.pk)
    return iter(range(last - count + 1, last + 1))


def reserve_ids(model, count):
    """On PostgreSQL, ``count`` new primary keys of ``model``'s table (from its sequence,
    in one statement), so that rows can be written by COPY and point at each other;
    ``None`` on other databases (ids come back from the INSERT there)."""
    if connection.vendor != "postgresql":
        return None
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _plain_value(field):
    """A function giving ``field``'s value of an object as an INSERT would send it, short
    for the plain column types (the attribute as it is, a choice as its value); ``None``
    for the others, which go through ``pre_save`` and ``get_db_prep_save``."""
    from django.conf import settings
    from django.db import models

    attname = field.attname
    kind = type(field)
    if kind in (models.CharField, models.TextField, models.SlugField):

        def value(obj):
            value = getattr(obj, attname)
            return value if value is None or type(value) is str else str(value)

    elif kind in (
        models.AutoField,
        models.BigAutoField,
        models.IntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.SmallIntegerField,
        models.BigIntegerField,
    ):

        def value(obj):
            value = getattr(obj, attname)
            return value if value is None or type(value) is int else int(value)

    elif kind is models.BooleanField:

        def value(obj):
            value = getattr(obj, attname)
            return value if value is None else bool(value)

    elif kind is models.DateField and not (field.auto_now or field.auto_now_add):

        def value(obj):
            value = getattr(obj, attname)
            if value is None or type(value) is datetime.date:
                return value
            return field.get_db_prep_save(value, connection)

    elif (
        kind is models.DateTimeField
        and settings.USE_TZ
        and not (field.auto_now or field.auto_now_add)
    ):

        def value(obj):
            value = getattr(obj, attname)
            if value is None or (type(value) is datetime.datetime and value.tzinfo is not None):
                return value
            return field.get_db_prep_save(value, connection)

    elif kind is models.UUIDField:

        def value(obj):
            value = getattr(obj, attname)
            if value is None or type(value) is uuid.UUID:
                return value
            return field.get_db_prep_save(value, connection)

    elif kind in (models.ForeignKey, models.OneToOneField) and type(field.target_field) in (
        models.AutoField,
        models.BigAutoField,
    ):

        def value(obj):
            value = getattr(obj, attname)
            return value if value is None or type(value) is int else int(value)

    else:
        return None
    return value


def copy_rows(model, objs, fields):
    """PostgreSQL: write ``fields`` of ``objs`` into ``model``'s own table with COPY: the
    values as an INSERT prepares them (``pre_save``, ``get_db_prep_save``; plain columns
    read directly, :func:`_plain_value`), streamed without building (and quoting) a
    statement."""
    getters = []
    for field in fields:
        getter = _plain_value(field)
        if getter is None:
            getter = functools.partial(_prepared_value, field)
        getters.append(getter)
    _copy_into(model, fields, ([getter(obj) for getter in getters] for obj in objs))


def _copy_into(model, fields, rows):
    """COPY ``rows`` (lists of the prepared values of ``fields``) into ``model``'s own
    table."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"  # noqa: S608 - names
        ) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _prepared_value(field, obj):
    return field.get_db_prep_save(field.pre_save(obj, True), connection)


def create_rows(model, objs):
    """``bulk_create`` of new ``objs`` (a model without parents), by COPY on PostgreSQL
    (ids reserved first and set on the objects)."""
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    missing = [obj for obj in objs if obj.pk is None]
    for obj, pk in zip(missing, reserve_ids(model, len(missing)), strict=True):
        obj.pk = pk
    copy_rows(model, objs, model._meta.local_concrete_fields)
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


def write_dicts(model, rows):
    """New rows of ``model`` (a model without parents) given as dicts of attribute names
    to values, the fields left out taking their defaults, without building an instance
    per row: COPY on PostgreSQL (the ids from the column's sequence), ``bulk_create``
    elsewhere. Values are given as the attributes would hold them."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH_SIZE)
        return
    fields = [field for field in model._meta.local_concrete_fields if not field.primary_key]
    columns, now = [], timezone.now()
    for field in fields:
        default = field.get_default if field.has_default() else lambda: None
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = lambda: now  # noqa: E731 - as pre_save sets it
        columns.append((field.attname, _plain_value(field) is not None, field, default))

    def values(row):
        prepared = []
        for attname, plain, field, default in columns:
            value = row[attname] if attname in row else default()
            if not plain and value is not None:
                value = field.get_db_prep_save(value, connection)
            prepared.append(value)
        return prepared

    _copy_into(model, fields, map(values, rows))


def insert_rows(model, objs, fields, returning=False):
    """INSERT ``fields`` of ``objs`` into ``model``'s own table (a multi-table child's
    parts one table at a time, which ``bulk_create`` refuses); by COPY on PostgreSQL
    unless the ids are to be returned."""
    if connection.vendor == "postgresql" and not returning:
        copy_rows(model, objs, fields)
        return []
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


def index_entries(page_ids, chunk=2000, progress=None):
    """Add the new entries to every search backend, ``chunk`` at a time (as
    ``update_index`` does), instead of one by one as they are saved. ``progress`` is
    called with (entries indexed, entries, ``"search index"``).

    On the PostgreSQL database backend the rows are written by :class:`PostgresBulkIndex`
    (the same index rows, each field computed once, one COPY and one INSERT per chunk,
    the title norms refreshed once at the end); elsewhere through the backend's
    ``add_items``."""
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
        writers = {}  # one per index table: its title norms are refreshed once
        for name, pks in by_model.items():
            model = models.get(name)
            index = backend.get_index_for_model(model) if model is not None else None
            writer = PostgresBulkIndex.for_index(index) if index is not None else None
            if writer is not None:
                writer = writers.setdefault(type(index), writer)
            for start in range(0, len(pks), chunk):
                if index is not None:
                    objs = model.get_indexed_objects().filter(pk__in=pks[start : start + chunk])
                    objs = [remember_search_values(obj) for obj in objs]
                    if writer is not None:
                        writer.add_items(model, objs)
                    else:
                        index.add_items(model, objs)
                done += len(pks[start : start + chunk])
                if progress is not None:
                    progress(done, total, "search index")
        for writer in writers.values():
            writer.finish()


def batch_index_writers():
    """A :class:`PostgresBulkIndex` for each search backend that updates on save, or
    ``None`` if one of them is not the PostgreSQL database backend."""
    from wagtail.search.backends import get_search_backends

    writers = []
    for backend in get_search_backends(with_auto_update=True):
        writer = PostgresBulkIndex.for_index(backend.get_index_for_model(DisclosureEntryPage))
        if writer is None:
            return None
        writers.append(writer)
    return writers


class PostgresBulkIndex:
    """Writes the rows modelsearch's PostgreSQL database backend writes for ``add_items``
    (``IndexEntry``: title, autocomplete and body vectors, title and body text), faster:

    * each search field of an object is computed once (``ObjectIndexer`` computes every
      field once per column, five times, and the segmented title with it);
    * the texts go to the server in one ``COPY`` per chunk, and one ``INSERT ... SELECT``
      builds the vectors there with the expressions the backend uses
      (``setweight(to_tsvector(config, COALESCE(text, '')), weight)`` joined with ``||``;
      an empty text adds nothing to a vector, so empty texts stay in their place);
    * the title norms are refreshed once at the end (:meth:`finish`), not after every
      chunk over the whole table.

    A test compares the rows with the backend's own for the same entries.
    """

    def __init__(self, index, module):
        self.index = index
        self.module = module
        self.backend = index.backend
        self.written = False

    @classmethod
    def for_index(cls, index):
        """The writer for ``index``, or ``None`` when it is not a PostgreSQL database index."""
        import sys

        module = sys.modules.get(type(index).__module__)
        names = ("ObjectIndexer", "IndexEntry", "SearchField", "AutocompleteField")
        if type(index).__name__ != "PostgresIndex" or not all(
            hasattr(module, name) for name in names
        ):
            return None
        if getattr(index, "write_connection", None) is None:
            return None
        if index.write_connection.vendor != "postgresql":
            return None
        return cls(index, module)

    def texts(self, obj):
        """(title, autocomplete, body) as lists of (text, weight), and the plain title and
        body text, as ``ObjectIndexer`` computes them (texts stripped)."""
        indexer = self.module.ObjectIndexer(obj, self.backend)
        title, autocomplete, body = [], [], []
        for field in indexer.search_fields:
            for current, weight, value in indexer.prepare_field(obj, field):
                if isinstance(current, self.module.SearchField):
                    target = title if current.field_name == "title" else body
                    target.append((value.strip(), weight))
                elif isinstance(current, self.module.AutocompleteField):
                    autocomplete.append((value.strip(), weight))
        return indexer.id, title, autocomplete, body

    def add_items(self, model, objs):
        """Index ``objs`` as ``model`` (``None``: each as its own class, so that one batch
        of several page types takes one COPY and one INSERT per shape of texts)."""
        if not objs:
            return
        by_shape = {}
        for obj in objs:
            indexed_as = model or type(obj)
            if not indexed_as.get_search_fields():
                continue
            content_type_pk = ContentType.objects.get_for_model(indexed_as).pk
            object_id, title, autocomplete, body = self.texts(obj)
            shape = tuple(tuple(weight for _text, weight in part)
                          for part in (title, autocomplete, body))  # fmt: skip
            row = [content_type_pk, object_id]
            row += [text for part in (title, autocomplete, body) for text, _weight in part]
            row.append(" ".join(text for text, _weight in title if text))
            row.append(" ".join(text for text, _weight in body if text))
            by_shape.setdefault(shape, []).append(row)
        for shape, rows in by_shape.items():
            self._write(shape, rows)
        self.written = True

    def _vector(self, weights, first, config):
        if not weights:
            return "''::tsvector"
        config_sql = "%s::regconfig, " if config else ""
        return " || ".join(
            f"setweight(to_tsvector({config_sql}COALESCE(s{first + n}, '')), '{weight}')"
            for n, weight in enumerate(weights)
        )

    def _write(self, shape, rows):
        for weight in (w for part in shape for w in part):
            if weight not in ("A", "B", "C", "D"):  # written into the SQL below
                raise ValueError(f"unexpected search weight {weight!r}")
        title, autocomplete, body = shape
        slots = len(title) + len(autocomplete) + len(body)
        columns = ", ".join([f"s{n} text" for n in range(slots)] + ["tt text", "bt text"])
        config, auto_config = self.backend.config, self.backend.autocomplete_config
        params = [config] * (len(title) if config else 0)
        params += [auto_config] * (len(autocomplete) if auto_config else 0)
        params += [config] * (len(body) if config else 0)
        table = self.module.IndexEntry._meta.db_table
        title_sql = self._vector(title, 0, config)
        auto_sql = self._vector(autocomplete, len(title), auto_config)
        body_sql = self._vector(body, len(title) + len(autocomplete), config)
        connection = self.index.write_connection
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE wd_index_rows (ct integer, oid text, {columns}) "
                "ON COMMIT DROP"
            )
            with cursor.cursor.copy("COPY wd_index_rows FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            # Only names from the models and the checked weights are put into the SQL.
            cursor.execute(
                f"""
                INSERT INTO {table} (content_type_id, object_id, title, autocomplete, body,
                                     title_norm, title_text, body_text)
                SELECT ct, oid, {title_sql}, {auto_sql}, {body_sql}, 1.0, tt, bt
                FROM wd_index_rows
                ON CONFLICT (content_type_id, object_id)
                DO UPDATE SET title = EXCLUDED.title,
                              title_norm = 1.0,
                              autocomplete = EXCLUDED.autocomplete,
                              body = EXCLUDED.body,
                              title_text = EXCLUDED.title_text,
                              body_text = EXCLUDED.body_text
                """,  # noqa: S608 - names from the models, weights checked above
                params,
            )
            # Dropped here too: inside an outer transaction the commit comes later.
            cursor.execute("DROP TABLE wd_index_rows")

    def finish(self):
        """What the backend does after each ``add_items``: the new rows' title norms."""
        if self.written:
            self.index._refresh_title_norms()


def remember_search_values(obj):
    """Compute each of ``obj``'s search methods once: a search backend reads every field
    several times (title, body, autocomplete), and the Chinese segmentation behind them
    costs most of the indexing time. Only on objects read for indexing, then dropped.
    (Computed at once: every search field is read, and a closure is cheaper to make than
    a cache.)"""
    model = type(obj)
    for field in model.get_search_fields():
        name = field.field_name
        attribute = getattr(model, name, None)
        if callable(attribute) and not isinstance(attribute, type):
            value = getattr(obj, name)()
            setattr(obj, name, lambda value=value: value)
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


def import_file(data, name, section, encoding=None, jobs=1, **options):
    """Read ``data`` (the bytes of a CSV or XLSX file called ``name``) and import its rows
    into ``section`` in ``jobs`` processes; returns a :class:`Result`. ``options`` go to
    :class:`Importer`."""
    table = read_table(data, name, encoding)
    options.setdefault("source", Path(name).name)
    return Importer(section, **options).run_rows(table.rows, jobs=jobs)


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
