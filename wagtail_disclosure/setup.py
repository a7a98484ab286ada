"""Setting a site up for disclosure in one step (``manage.py disclosure_setup``).

Everything here is idempotent: running it again finds what exists by slug, name or short
code and adds only what is missing.

* the section (信息公开专栏) under the default site's root page, published, with one
  category page per checklist category, and the disclosure guide (信息公开指南) under it;
* one Wagtail group per role (``GROUPS``), each with admin access and the page
  permissions on the section its people need. The disclosure office group holds its role
  for every department; the others give no role by themselves: their members are given
  the role per department (**Disclosure → Roles of people**, or ``assign_role()``);
* departments from a CSV file (``name,short_code`` and optional ``contact_person``,
  ``phone``, ``email``, ``address``), checked whole before anything is written.
"""

import csv
import dataclasses

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from .models import Department, DisclosureGuidePage, DisclosureIndexPage, DisclosureRequestPage
from .permissions import Role, assign_role
from .sections import ensure_category_pages

#: Role -> (page permissions on the section, whether the role is held for every department,
#: further model permissions "app_label.codename").
GROUPS = {
    Role.DEPARTMENT_EDITOR: (["add_page", "change_page"], False, []),
    Role.DEPARTMENT_REVIEWER: (["change_page"], False, []),
    Role.CONFIDENTIALITY_REVIEWER: (["change_page"], False, []),
    Role.SIGN_OFF_LEADER: (["change_page"], False, []),
    Role.DISCLOSURE_OFFICE: (
        ["add_page", "change_page"],
        True,
        [
            "wagtail_disclosure.add_department",
            "wagtail_disclosure.change_department",
            "wagtail_disclosure.view_department",
            "wagtail_disclosure.add_disclosurerequest",
            "wagtail_disclosure.change_disclosurerequest",
            "wagtail_disclosure.view_disclosurerequest",
        ],
    ),
    # Staff of the departments that requests for information are routed to.
    Role.REQUEST_HANDLER: ([], False, ["wagtail_disclosure.view_disclosurerequest"]),
}
#: Who uploads documents (attachments) into the root collection.
DOCUMENT_ROLES = (Role.DEPARTMENT_EDITOR, Role.DISCLOSURE_OFFICE)
DOCUMENT_PERMISSIONS = ("add_document", "change_document", "choose_document")

CSV_FIELDS = ("name", "short_code")
CSV_OPTIONAL = ("contact_person", "phone", "email", "address")


class SetupError(Exception):
    """Bad input: nothing was written; the message says what to fix."""


@dataclasses.dataclass
class Report:
    created: list = dataclasses.field(default_factory=list)
    existing: list = dataclasses.field(default_factory=list)

    def add(self, created, what):
        (self.created if created else self.existing).append(str(what))


def group_name(role):
    """The group of a role: "信息公开：部门编辑" in Chinese. Always in the site's language
    (``LANGUAGE_CODE``), whatever language is active, so that running the setup again finds
    the same groups."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Disclosure: %(role)s") % {"role": Role(role).label}


def set_up_section(report, title, slug, site=None):
    """The section under the site's root page (found by slug there), published."""
    site = site or Site.objects.get(is_default_site=True)
    root = site.root_page
    section = DisclosureIndexPage.objects.child_of(root).filter(slug=slug).first()
    if isinstance(root.specific, DisclosureIndexPage):
        section = root.specific
    created = section is None
    if created:
        section = DisclosureIndexPage(title=title, slug=slug)
        root.add_child(instance=section)
        section.save_revision().publish()
    report.add(
        created,
        _("section “%(title)s” at %(url)s")
        % {"title": section.title, "url": section.url or section.url_path},
    )
    categories = ensure_category_pages(section)
    if categories:
        report.add(True, _("%(count)s category pages") % {"count": len(categories)})
    guide = DisclosureGuidePage.objects.child_of(section).first()
    if guide is None:
        guide = DisclosureGuidePage(title=_("Disclosure guide"), slug="guide")
        section.add_child(instance=guide)
        guide.save_revision().publish()
        report.add(True, _("guide “%(title)s”") % {"title": guide.title})
    else:
        report.add(False, _("guide “%(title)s”") % {"title": guide.title})
    request_page = DisclosureRequestPage.objects.child_of(section).first()
    if request_page is None:
        request_page = DisclosureRequestPage(title=_("Requests for information"), slug="apply")
        section.add_child(instance=request_page)
        request_page.save_revision().publish()
        report.add(True, _("request page “%(title)s”") % {"title": request_page.title})
    else:
        report.add(False, _("request page “%(title)s”") % {"title": request_page.title})
    return section


def set_up_groups(report, section):
    """One group per role, with admin access and its permissions on ``section``."""
    page_type = ContentType.objects.get_for_model(Page)
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    root_collection = Collection.get_first_root_node()
    document_type = ContentType.objects.get_for_model(get_document_model())
    groups = {}
    for role, (page_perms, everywhere, model_perms) in GROUPS.items():
        group, created = Group.objects.get_or_create(name=group_name(role))
        report.add(created, _("group “%(name)s”") % {"name": group.name})
        group.permissions.add(access_admin)
        for label in model_perms:
            app_label, codename = label.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        for codename in page_perms:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=section,
                permission=Permission.objects.get(content_type=page_type, codename=codename),
            )
        if role in DOCUMENT_ROLES:
            for codename in DOCUMENT_PERMISSIONS:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=Permission.objects.get(
                        content_type=document_type, codename=codename
                    ),
                )
        if everywhere:
            assign_role(group, role)
        groups[role] = group
    return groups


def read_departments(path):
    """The rows of a departments CSV (UTF-8, with or without BOM), checked whole.

    Raises :class:`SetupError` naming the line and the problem; nothing is written.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in (reader.fieldnames or [])]
            missing = [name for name in CSV_FIELDS if name not in header]
            if missing:
                raise SetupError(
                    _(
                        "%(path)s: the first line must name the columns %(columns)s; missing: "
                        "%(missing)s."
                    )
                    % {
                        "path": path,
                        "columns": ", ".join(CSV_FIELDS),
                        "missing": ", ".join(missing),
                    }
                )
            rows = []
            for number, raw in enumerate(reader, start=2):
                row = {key.strip(): (value or "").strip() for key, value in raw.items() if key}
                if not any(row.values()):
                    continue
                department = Department(
                    **{name: row.get(name, "") for name in (*CSV_FIELDS, *CSV_OPTIONAL)}
                )
                try:
                    department.full_clean(validate_unique=False, validate_constraints=False)
                except ValidationError as error:
                    problems = "; ".join(
                        f"{field}: {' '.join(messages)}"
                        for field, messages in error.message_dict.items()
                    )
                    raise SetupError(
                        _("%(path)s, line %(line)s: %(problems)s")
                        % {"path": path, "line": number, "problems": problems}
                    ) from error
                rows.append(department)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise SetupError(
            _("Cannot read %(path)s as a UTF-8 CSV file: %(error)s")
            % {"path": path, "error": error}
        ) from error
    codes = [row.short_code for row in rows]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise SetupError(
            _("%(path)s: short codes used twice: %(codes)s")
            % {"path": path, "codes": ", ".join(duplicates)}
        )
    return rows


def set_up_departments(report, rows):
    """Create the departments that do not exist yet (by short code); others are kept."""
    for row in rows:
        department, created = Department.objects.get_or_create(
            short_code=row.short_code,
            defaults={name: getattr(row, name) for name in ("name", *CSV_OPTIONAL)},
        )
        report.add(
            created,
            _("department %(name)s (%(code)s)")
            % {"name": department.name, "code": department.short_code},
        )


def check_department_names(rows):
    """A new short code must not come with the name of an existing department."""
    for row in rows:
        if Department.objects.filter(short_code=row.short_code).exists():
            continue
        other = Department.objects.filter(name=row.name).first()
        if other is not None:
            raise SetupError(
                _(
                    "Department %(name)s exists with the short code %(existing)s, not "
                    "%(code)s: correct the file or the department."
                )
                % {"name": row.name, "existing": other.short_code, "code": row.short_code}
            )


def set_up(title, slug, departments_csv=None):
    """Everything, in one transaction. Returns a :class:`Report`."""
    rows = read_departments(departments_csv) if departments_csv else []
    check_department_names(rows)
    report = Report()
    with transaction.atomic():
        section = set_up_section(report, title, slug)
        set_up_groups(report, section)
        set_up_departments(report, rows)
    return report
