"""Backup and restore of every piece of disclosure data: one ZIP archive (docs/backup.md).

:func:`dump` writes the archive, :func:`load` restores it into an empty site; the
``disclosure_dump`` and ``disclosure_load`` commands call them.

The rows are written by Django's own serializers, in the JSON Lines format (one object a
line, streamed on both sides), one archive member per model, in an order where every row
comes after the rows it names. Primary keys are kept, because rich text, StreamField
blocks, revisions and log entries name pages, documents and images by id. Foreign keys to
the rows that differ from one database to another are written as Django natural keys:
content types, permissions, users (by username), groups (by name) and sites (by host name
and port). Pages are written as Wagtail's fixtures and ``dumpdata`` write them: a
``wagtailcore.page`` row, then one row per table of the page's specific class.

Why ZIP and not tar.gz: a ZIP is read in any order, so the manifest is checked before a
single row is read; every member carries a CRC-32 that Python checks while reading, so a
damaged archive is caught; and members are written and read one at a time as streams.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupPagePermission,
    Locale,
    ModelLogEntry,
    Page,
    PageLogEntry,
    PageViewRestriction,
    Revision,
    Site,
)
from wagtail.search.backends import get_search_backends

from . import __version__
from .models import (
    Checklist,
    ChecklistCategory,
    ChecklistItem,
    DisclosureEntryPage,
    DisclosureSiteSettings,
    ReleaseChannel,
)

FORMAT = "wagtail-disclosure-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
APP = "wagtail_disclosure"

#: The package's models left out of the archive. API tokens are secrets: after a restore
#: the operator issues new ones (``manage.py disclosure_api_token``). Public changes are
#: the public pages' cache bookkeeping (``wagtail_disclosure.public_cache``): a restore
#: writes a new one instead.
LEFT_OUT = {"wagtail_disclosure.apitoken", "wagtail_disclosure.publicchange"}

#: Rows a freshly migrated site already has (migration 0002 installs the MOE checklist and
#: the release channels; a page view creates the site settings): the archive's replace them.
SEEDED = (Checklist, ChecklistCategory, ChecklistItem, ReleaseChannel)


class BackupError(Exception):
    """An archive that cannot be written or loaded; the message says why."""


# --- writing ---------------------------------------------------------------------------


def _natural_models():
    """The models whose rows differ between two databases: named by natural key."""
    return {ContentType, Permission, Group, get_user_model(), Site}


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, without its rounding of times to milliseconds (ECMA-262): a
    restored row keeps its microseconds, so pages and API answers show the same times."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(jsonl.Serializer):
    """Django's JSON Lines serializer, with natural foreign keys for :func:`_natural_models`
    only: pages and collections have natural keys too (URL path, names), but they are
    loaded with their own ids, so their ids are written."""

    def _natural(self, field):
        return self.use_natural_foreign_keys and field.remote_field.model in _natural_models()

    def handle_fk_field(self, obj, field):
        natural, self.use_natural_foreign_keys = self.use_natural_foreign_keys, self._natural(field)
        try:
            super().handle_fk_field(obj, field)
        finally:
            self.use_natural_foreign_keys = natural

    def handle_m2m_field(self, obj, field):
        natural, self.use_natural_foreign_keys = self.use_natural_foreign_keys, self._natural(field)
        try:
            super().handle_m2m_field(obj, field)
        finally:
            self.use_natural_foreign_keys = natural


@dataclass
class Part:
    """One member of the archive: the rows of one model."""

    model: type[models.Model]
    queryset: models.QuerySet
    #: "insert" (the row keeps its id; an existing id is an error), "natural" (found by
    #: natural key: an existing row is kept as it is), "site" (found by natural key and
    #: updated), "known" (must exist with the same id and fields, or is added),
    #: "new" (gets a new id), "replace" (the target's rows for the same site go first).
    mode: str = "insert"
    m2m: tuple[str, ...] = ()
    name: str = field(default="", init=False)

    @property
    def label(self):
        return self.model._meta.label_lower


def _our_models():
    return [
        model
        for model in apps.get_app_config(APP).get_models()
        if model._meta.label_lower not in LEFT_OUT and not issubclass(model, Page)
    ]


def _page_roots():
    """The paths of the package's pages that are not below another one: each section
    (DisclosureIndexPage) and any guide, request page or entry outside a section."""
    page_models = [m for m in apps.get_models() if issubclass(m, Page) and m is not Page]
    ours = [
        m for m in page_models if m._meta.app_label == APP or issubclass(m, DisclosureEntryPage)
    ]
    types = ContentType.objects.get_for_models(*ours).values()
    paths = sorted(Page.objects.filter(content_type__in=types).values_list("path", flat=True))
    roots = []
    for path in paths:
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    return roots


def _pages(roots):
    query = Q(pk__in=[])
    for path in roots:
        query |= Q(path__startswith=path)
    return Page.objects.filter(query).order_by("path")


def _page_parts(pages):
    """``wagtailcore.page``, then the table of each specific class, parents first, then
    the pages' child rows (ParentalKey: attachments, tags)."""
    from modelcluster.models import get_all_child_relations

    ids = pages.values("pk")
    types = ContentType.objects.filter(pk__in=pages.values("content_type")).distinct()
    concrete = set()
    for content_type in types:
        model = content_type.model_class()
        if model is None:
            raise BackupError(
                _("Page type %(type)s is not installed: the pages of it cannot be saved.")
                % {"type": f"{content_type.app_label}.{content_type.model}"}
            )
        concrete.update(p for p in model._meta.get_parent_list() if p is not Page)
        concrete.add(model)
    concrete.discard(Page)
    ordered = sorted(concrete, key=lambda m: (len(m._meta.get_parent_list()), m._meta.label))
    parts = [Part(Page, pages)]
    children = {}
    for model in ordered:
        m2m = tuple(
            f.name
            for f in model._meta.local_many_to_many
            if f.serialize and f.remote_field.through._meta.auto_created
        )
        parts.append(Part(model, model._base_manager.filter(pk__in=ids).order_by("pk"), m2m=m2m))
        for relation in get_all_child_relations(model):
            children.setdefault(relation.related_model, relation.field.name)
    for model, fk in children.items():
        queryset = model._base_manager.filter(**{f"{fk}__in": ids}).order_by("pk")
        parts.append(Part(model, queryset, mode="new" if _is_tag_link(model) else "insert"))
    return parts


def _is_tag_link(model):
    from taggit.models import ItemBase

    return issubclass(model, ItemBase)


def plan():
    """The parts of the archive, in the order they are written and loaded."""
    User = get_user_model()
    Document, Image = get_document_model(), get_image_model()
    roots = _page_roots()
    pages = _pages(roots)
    page_ids = pages.values("pk")
    page_type = ContentType.objects.get_for_model(Page)
    string_ids = pages.annotate(sid=Cast("pk", CharField())).values("sid")
    page_parts = _page_parts(pages)

    ours = {m._meta.label_lower: m for m in _our_models()}
    by_label = {p.label for p in page_parts}

    def our(label, **kwargs):
        model = ours.pop(label)
        return Part(model, model._base_manager.order_by("pk"), **kwargs)

    # Documents and images the entries use: attachments, links in their texts (the
    # package's record of them) and whatever Wagtail's reference index knows.
    document_ids = set(
        apps.get_model(APP, "DisclosureAttachment")
        ._base_manager.filter(page__in=page_ids)
        .values_list("document_id", flat=True)
    )
    document_ids |= set(
        apps.get_model(APP, "EntryDocumentReference")
        ._base_manager.filter(page__in=page_ids)
        .values_list("document_id", flat=True)
    )
    referenced = _referenced(string_ids, page_type)
    document_ids |= referenced.get(Document, set())
    image_ids = referenced.get(Image, set())
    document_ids.discard(None)
    documents = Document.objects.filter(pk__in=document_ids).order_by("pk")
    images = Image.objects.filter(pk__in=image_ids).order_by("pk")
    collection_paths = set(documents.values_list("collection__path", flat=True)) | set(
        images.values_list("collection__path", flat=True)
    )
    collection_query = Q(pk__in=[])
    for path in collection_paths:
        steps = Collection.steplen
        collection_query |= Q(path__in=[path[:n] for n in range(steps, len(path) + 1, steps)])
    collections = Collection.objects.filter(collection_query).order_by("path")

    sites = Site.objects.filter(root_page__in=page_ids).order_by("pk")
    log_types = ContentType.objects.get_for_models(*_our_models()).values()

    data_parts = [
        our("wagtail_disclosure.department"),
        our("wagtail_disclosure.checklist"),
        our("wagtail_disclosure.checklistcategory"),
        our("wagtail_disclosure.checklistitem"),
        our("wagtail_disclosure.releasechannel"),
        our("wagtail_disclosure.lettertemplate"),
        our("wagtail_disclosure.workingdayoverride"),
        our("wagtail_disclosure.reportfigure"),
    ]
    tag_links = [p for p in page_parts if _is_tag_link(p.model)]
    tags = _tags(tag_links)
    after_pages = [
        Part(
            Revision,
            Revision.objects.filter(base_content_type=page_type, object_id__in=string_ids).order_by(
                "pk"
            ),
        ),
        Part(Site, sites, mode="site"),
        Part(
            PageViewRestriction,
            PageViewRestriction.objects.filter(page__in=page_ids).order_by("pk"),
            m2m=("groups",),
        ),
        Part(
            GroupPagePermission,
            GroupPagePermission.objects.filter(page__in=page_ids).order_by("pk"),
            mode="new",
        ),
    ]
    for label in list(ours):
        if label in by_label:
            ours.pop(label)  # already written with the pages (attachments, tags)
    settings_part = our("wagtail_disclosure.disclosuresitesettings", mode="replace")
    permission_parts = [
        our("wagtail_disclosure.departmentuserobjectpermission", mode="new"),
        our("wagtail_disclosure.departmentgroupobjectpermission", mode="new"),
    ]
    rest = [our(label) for label in list(ours)]  # reviews, requests, import runs, …
    log_parts = [
        Part(PageLogEntry, PageLogEntry.objects.filter(page__in=page_ids).order_by("pk")),
        Part(
            ModelLogEntry,
            ModelLogEntry.objects.filter(content_type__in=log_types).order_by("pk"),
        ),
    ]
    later = page_parts + after_pages + [settings_part] + permission_parts + rest + log_parts
    if apps.is_installed("wagtail.contrib.redirects"):
        from wagtail.contrib.redirects.models import Redirect

        redirects = Redirect.objects.filter(redirect_page__in=page_ids).order_by("pk")
        later.append(Part(Redirect, redirects))

    # The people the rows name, and those who hold one of the package's roles.
    user_ids = set()
    for part in data_parts + later + [Part(Document, documents), Part(Image, images)]:
        for f in part.model._meta.local_fields:
            if f.is_relation and f.remote_field.model is User:
                user_ids |= set(part.queryset.values_list(f.attname, flat=True).distinct())
    role_permissions = Permission.objects.filter(content_type__app_label=APP)
    user_ids |= set(
        User._base_manager.filter(
            Q(user_permissions__in=role_permissions) | Q(groups__permissions__in=role_permissions)
        ).values_list("pk", flat=True)
    )
    user_ids |= set(permission_parts[0].queryset.values_list("user_id", flat=True))
    user_ids.discard(None)
    users = User._base_manager.filter(pk__in=user_ids).order_by("pk")
    group_ids = set(users.values_list("groups", flat=True))
    group_ids |= set(
        Group.objects.filter(permissions__in=role_permissions).values_list("pk", flat=True)
    )
    group_ids |= set(permission_parts[1].queryset.values_list("group_id", flat=True))
    group_ids |= set(after_pages[2].queryset.values_list("groups", flat=True))
    group_ids |= set(after_pages[3].queryset.values_list("group_id", flat=True))
    group_ids.discard(None)
    groups = Group.objects.filter(pk__in=group_ids).order_by("pk")

    first = [
        Part(Group, groups, mode="natural", m2m=("permissions",)),
        Part(User, users, mode="natural", m2m=("groups", "user_permissions")),
        Part(Locale, Locale.objects.order_by("pk"), mode="known"),
        Part(Collection, collections, mode="known"),
        Part(Document, documents),
        Part(Image, images),
    ]
    tag_part = [Part(tags.model, tags)] if tags is not None else []
    parts = first + data_parts + tag_part + later
    for number, part in enumerate(parts, 1):
        part.name = f"data/{number:03d}-{part.label}.jsonl"
    return parts


def _referenced(string_ids, page_type):
    """``{model: ids}`` of the objects the pages name, from Wagtail's reference index."""
    from wagtail.models import ReferenceIndex

    found = {}
    rows = ReferenceIndex.objects.filter(
        base_content_type=page_type, object_id__in=string_ids
    ).values_list("to_content_type", "to_object_id")
    for type_id, object_id in rows.distinct():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model in (get_document_model(), get_image_model()):
            found.setdefault(model, set()).add(int(object_id))
    return found


def _tags(tag_links):
    if not tag_links:
        return None
    tag_model = tag_links[0].model._meta.get_field("tag").related_model
    query = Q(pk__in=[])
    for part in tag_links:
        query |= Q(pk__in=part.queryset.values("tag_id"))
    return tag_model.objects.filter(query).order_by("pk")


def _migration_state(labels):
    """The applied migrations of the apps of the archive's models."""
    loader = MigrationLoader(connections[DEFAULT_DB_ALIAS], ignore_no_migrations=True)
    state = {}
    for app_label, name in sorted(loader.applied_migrations):
        if app_label in labels:
            state.setdefault(app_label, []).append(name)
    return state


def _file_fields(model):
    return [f for f in model._meta.local_fields if isinstance(f, models.FileField)]


def dump(target, progress: Callable[[str, int, int], None] | None = None):
    """Write the archive to ``target`` (a path or a binary file); returns the manifest.

    Read in one transaction (repeatable read on PostgreSQL), so the rows agree with each
    other and with the counts of the manifest."""
    progress = progress or (lambda label, done, total: None)
    connection = connections[DEFAULT_DB_ALIAS]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        parts = plan()
        counts = {part.name: part.queryset.count() for part in parts}
        files = []
        for part in parts:
            for f in _file_fields(part.model):
                names = part.queryset.exclude(**{f.attname: ""}).values_list(f.attname, flat=True)
                files.extend(name for name in names if name)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "package_version": __version__,
            "created_at": timezone.now().isoformat(),
            "migrations": _migration_state({p.model._meta.app_label for p in parts}),
            "members": [
                {"name": p.name, "model": p.label, "mode": p.mode, "count": counts[p.name]}
                for p in parts
            ],
            "files": sorted(set(files)),
        }
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            for part in parts:
                _write_part(archive, part, counts[part.name], progress)
            for number, name in enumerate(manifest["files"], 1):
                with (
                    default_storage.open(name, "rb") as source,
                    archive.open("files/" + name, "w", force_zip64=True) as out,
                ):
                    while chunk := source.read(1 << 20):
                        out.write(chunk)
                progress("files", number, len(manifest["files"]))
    return manifest


def _write_part(archive, part, total, progress):
    queryset = part.queryset
    if part.m2m:
        queryset = queryset.prefetch_related(*part.m2m)
    done = 0

    def rows():
        nonlocal done
        for obj in queryset.iterator(chunk_size=500):
            done += 1
            if done % 1000 == 0:
                progress(part.label, done, total)
            yield obj

    with archive.open(part.name, "w", force_zip64=True) as raw:
        stream = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        Serializer().serialize(
            rows(),
            stream=stream,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=part.mode in ("natural", "site"),
            cls=ExactJSONEncoder,
        )
        stream.flush()
        stream.detach()
    progress(part.label, done, total)


# --- reading ---------------------------------------------------------------------------


def read_manifest(archive):
    """The manifest of an open archive, checked to be ours and of a format we read."""
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as exc:
        raise BackupError(_("This is not a disclosure backup: it has no manifest.")) from exc
    except (ValueError, zipfile.BadZipFile) as exc:
        raise BackupError(
            _("The manifest of the archive is damaged: %(error)s") % {"error": exc}
        ) from exc
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not {"members", "files", "migrations", "created_at"} <= manifest.keys()
    ):
        raise BackupError(_("This is not a disclosure backup (unknown manifest)."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _(
                "The archive has format version %(version)s; this version of the package reads %(ours)s."
            )
            % {"version": manifest.get("format_version"), "ours": FORMAT_VERSION}
        )
    return manifest


def check_schema(manifest, warn):
    """Refuse an archive written by a newer schema (migrations unknown here)."""
    loader = MigrationLoader(connections[DEFAULT_DB_ALIAS], ignore_no_migrations=True)
    known, applied = set(loader.disk_migrations), set(loader.applied_migrations)
    for app_label, names in manifest.get("migrations", {}).items():
        for name in names:
            if (app_label, name) not in known:
                raise BackupError(
                    _(
                        "The archive comes from a newer schema: migration %(migration)s is "
                        "unknown here. Install the version of the package (and of Wagtail) "
                        "that wrote it, or a newer one."
                    )
                    % {"migration": f"{app_label}.{name}"}
                )
            if (app_label, name) not in applied:
                raise BackupError(
                    _("Migration %(migration)s is not applied: run manage.py migrate first.")
                    % {"migration": f"{app_label}.{name}"}
                )
        newer = sorted(n for a, n in applied if a == app_label and n not in set(names))
        if newer:
            warn(
                _("The site's schema of %(app)s is newer than the archive's (%(names)s).")
                % {"app": app_label, "names": ", ".join(newer)}
            )


def existing_data():
    """What the site already holds of disclosure data (empty on a freshly migrated site)."""
    seeded = {m._meta.label_lower for m in SEEDED + (DisclosureSiteSettings,)}
    found = []
    for model in _our_models():
        label = model._meta.label_lower
        if label in seeded:
            continue
        if model._base_manager.exists():
            found.append(str(model._meta.verbose_name_plural))
    if _page_roots():
        found.insert(0, str(Page._meta.verbose_name_plural))
    return found


def load(source, progress: Callable[[str, int, int], None] | None = None, warn=print):
    """Restore the archive ``source`` (a path or a binary file) into an empty site, in one
    transaction. Returns the manifest."""
    progress = progress or (lambda label, done, total: None)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(_("Cannot read the archive: %(error)s") % {"error": exc}) from exc
    written = []
    with archive:
        manifest = read_manifest(archive)
        check_schema(manifest, warn)
        found = existing_data()
        if found:
            raise BackupError(
                _("The site already has disclosure data (%(what)s): load into an empty site.")
                % {"what": ", ".join(found)}
            )
        names = set(archive.namelist())
        missing = [m["name"] for m in manifest["members"] if m["name"] not in names]
        missing += ["files/" + f for f in manifest["files"] if "files/" + f not in names]
        if missing:
            raise BackupError(
                _("The archive is incomplete: %(names)s missing.")
                % {"names": ", ".join(missing[:5])}
            )
        try:
            with transaction.atomic():
                loaded = _load_rows(archive, manifest, progress, written)
                _after_load(loaded, progress)
        except BaseException:
            for name in written:
                default_storage.delete(name)
            raise
    # Wagtail's reference index (the admin's "usage" of documents and pages) is derived
    # data: rebuilt after the commit, so the restore's transaction stays short. If this
    # fails, ``manage.py rebuild_references_index`` does the same.
    progress("reference index", 0, 1)
    call_command("rebuild_references_index", stdout=io.StringIO())
    progress("reference index", 1, 1)
    return manifest


def _load_rows(archive, manifest, progress, written):
    for model in SEEDED[::-1]:  # the archive's catalogue replaces the migration's
        model._base_manager.all().delete()
    files = _FileRestorer(archive, written)
    loaded = {}
    for member in manifest["members"]:
        label, mode, total = member["model"], member["mode"], member["count"]
        done = 0
        with archive.open(member["name"]) as raw:
            lines = io.TextIOWrapper(raw, encoding="utf-8")
            try:
                for item in serializers.deserialize(
                    "jsonl", lines, handle_forward_references=False
                ):
                    obj = item.object
                    if _save(item, mode):
                        files.restore(obj)
                        loaded.setdefault(type(obj), []).append(obj.pk)
                    done += 1
                    if done % 1000 == 0:
                        progress(label, done, total)
            except (DeserializationError, zipfile.BadZipFile, ValueError, LookupError) as exc:
                raise BackupError(
                    _("Cannot load %(member)s (row %(row)s): %(error)s")
                    % {"member": member["name"], "row": done + 1, "error": exc}
                ) from exc
            except IntegrityError as exc:
                raise BackupError(
                    _("Row %(row)s of %(member)s clashes with the site's data: %(error)s")
                    % {"member": member["name"], "row": done + 1, "error": exc}
                ) from exc
        if done != total:
            raise BackupError(
                _(
                    "%(member)s holds %(done)s rows, the manifest says %(total)s: the archive is damaged."
                )
                % {"member": member["name"], "done": done, "total": total}
            )
        progress(label, done, total)
    return loaded


def _save(item, mode):
    """Save one deserialized row as its part's mode says; ``False`` when it was skipped."""
    obj = item.object
    model = type(obj)
    if mode == "natural" and obj.pk is not None:
        return False  # the site has this user or group: kept as it is
    if mode == "known":
        current = model._base_manager.filter(pk=obj.pk).first()
        if current is not None:
            for f in model._meta.local_fields:
                if f.attname != "numchild" and getattr(current, f.attname) != getattr(
                    obj, f.attname
                ):
                    raise BackupError(
                        _("%(model)s %(pk)s differs between the site and the archive.")
                        % {"model": model._meta.label, "pk": obj.pk}
                    )
            return False
    if mode == "replace":
        model._base_manager.filter(site_id=obj.site_id).delete()
        obj.pk = None
    if mode == "new":
        obj.pk = None
    if mode == "site" and obj.pk is not None:
        # The site at that host name and port now starts at the restored section.
        item.save()
    else:
        # Insert, never update: an id the site already uses is a clash, not a row to
        # overwrite.
        item.save(force_insert=obj.pk is not None)
    if model is Site and obj.is_default_site:
        Site.objects.exclude(pk=obj.pk).filter(is_default_site=True).update(is_default_site=False)
    return True


class _FileRestorer:
    """Puts the files of restored rows back into the storage (under their names when
    free; Django's storage picks another name, written into the row, when not)."""

    def __init__(self, archive, written):
        self.archive, self.written = archive, written

    def restore(self, obj):
        changed = {}
        for f in _file_fields(type(obj)):
            name = getattr(obj, f.attname).name
            if not name:
                continue
            with self.archive.open("files/" + name) as content:
                stored = default_storage.save(name, content)
            self.written.append(stored)
            if stored != name:
                changed[f.attname] = stored
        if changed:
            type(obj)._base_manager.filter(pk=obj.pk).update(**changed)


def _after_load(loaded, progress):
    """Tree counts, sequences, site roots, the search index and the public pages' content
    state, in the restore's transaction."""
    for tree in (Page, Collection):
        paths = set()
        for chunk in _chunks(loaded.get(tree, [])):
            paths.update(tree.objects.filter(pk__in=chunk).values_list("path", flat=True))
        # The nodes above the restored ones (Wagtail's root page, the root collection,
        # a home page) count their new children; the restored nodes come with theirs.
        parents = {p[: -tree.steplen] for p in paths if len(p) > tree.steplen} - paths
        for parent in sorted(parents):
            depth = len(parent) // tree.steplen
            count = tree.objects.filter(path__startswith=parent, depth=depth + 1).count()
            tree.objects.filter(path=parent).update(numchild=count)
    # The rows kept their ids: the sequences must start after them (as loaddata does).
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(loaded)):
            cursor.execute(sql)
    Site.clear_site_root_paths_cache()
    _reindex(loaded, progress)
    try:
        public_change = apps.get_model(APP, "PublicChange")
    except LookupError:
        return
    # A new content state: validators and cached renders of before the restore are stale.
    public_change.objects.create(reason="restore")


def _chunks(ids, size=500):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _reindex(loaded, progress):
    """Index the restored pages (with their specific classes), departments, checklist
    items, documents and images in every search backend."""
    from wagtail.search.index import Indexed

    page_ids = loaded.get(Page, [])
    targets = []
    by_type = {}
    for type_id, pk in Page.objects.filter(pk__in=page_ids).values_list("content_type", "pk"):
        by_type.setdefault(type_id, []).append(pk)
    for type_id, ids in by_type.items():
        targets.append((ContentType.objects.get_for_id(type_id).model_class(), ids))
    for model, ids in loaded.items():
        if issubclass(model, Indexed) and not issubclass(model, Page):
            targets.append((model, ids))
    backends = list(get_search_backends(with_auto_update=False))
    done, total = 0, sum(len(ids) for _model, ids in targets)
    for model, ids in targets:
        if model is None or not issubclass(model, Indexed):
            continue
        for chunk in _chunks(ids):
            objects = list(model.get_indexed_objects().filter(pk__in=chunk))
            for backend in backends:
                backend.add_bulk(model, objects)
            done += len(chunk)
            progress("search index", done, total)


def describe(manifest):
    """One line per member: ``model: count`` (for the commands' summaries)."""
    return [f"{m['model']}: {m['count']}" for m in manifest["members"]] + [
        f"files: {len(manifest['files'])}"
    ]
