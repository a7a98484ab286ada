"""``manage.py load_demo_data``: fill the demo site with 青岚大学's (fictional) disclosures.

Idempotent: every object has a stable key (department short code, item code, page slug,
document title, group and user name). Objects that exist are left alone, so a second
run creates nothing and changes nothing.
"""

import datetime
import io
import random
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from wagtail_disclosure.models import (
    AnnualReportPage,
    ChecklistItem,
    Department,
    DisclosureAttachment,
    DisclosureCategoryPage,
    DisclosureEntryPage,
    DisclosureGuidePage,
    DisclosureIndexPage,
    DisclosureRequestPage,
    ReleaseChannel,
    ReportFigure,
    entry_page_type_for,
)
from wagtail_disclosure.models.sections import default_checklist
from wagtail_disclosure.permissions import assign_role
from wagtail_disclosure.sections import ensure_category_pages
from wagtail_disclosure.workflow import import_as_published, take_transition

from ... import annual_report, data
from ...entries import SEED, build_entries

#: The port `make demo` serves on (Makefile HOST).
DEMO_PORT = 8000

class Command(BaseCommand):
    help = "Load the demo data of 青岚大学 (a fictional university). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-index",
            action="store_true",
            help="Do not rebuild the search index after creating entries.",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        self.created = {}
        with transaction.atomic():
            departments = self.load_departments()
            checklist = self.configure_checklist(departments)
            section = self.load_section(checklist)
            self.load_guide(section)
            self.load_request_page(section)
            self.load_entries(section, departments)
            self.load_annual_report(section, departments)
            self.load_groups_and_users(section)
            self.load_review_pipeline(section)
        if self.created.get("entries") and not options["no_index"]:
            call_command("update_index", stdout=io.StringIO(), stderr=io.StringIO())
        self.report(section, time.monotonic() - started)

    def count(self, key, created=True):
        if created:
            self.created[key] = self.created.get(key, 0) + 1

    # -- departments and checklist ---------------------------------------------------

    def load_departments(self):
        departments = {}
        for order, (code, name, parent, contact, ext, room) in enumerate(data.DEPARTMENTS):
            values = {
                "name": name,
                "parent": departments.get(parent),
                "contact_person": contact,
                "phone": data.phone(ext),
                "email": data.email(code.lower()),
                "address": f"{data.CAMPUS_ADDRESS} {room}",
                "sort_order": (order + 1) * 10,
            }
            department = Department.objects.filter(short_code=code).first()
            if department is None:
                department = Department.objects.create(short_code=code, **values)
                self.count("departments")
            departments[code] = department
        return departments

    def configure_checklist(self, departments):
        checklist = default_checklist()
        items = {
            item.code: item for item in ChecklistItem.objects.filter(category__checklist=checklist)
        }
        for code, number, parent_code, title, description in data.SUB_ITEMS:
            if code in items:
                continue
            parent = items[parent_code]
            item = ChecklistItem(
                category=parent.category,
                parent=parent,
                number=number,
                code=code,
                title=title,
                description=description,
                update_rule=parent.update_rule,
                is_official=False,
            )
            item.save()
            items[code] = item
            self.count("sub-items")
        for code, item in items.items():
            changed = []
            department = departments.get(data.ITEM_DEPARTMENTS.get(code))
            if department and item.default_department_id is None:
                item.default_department = department
                changed.append("default_department")
            reason = data.NOT_APPLICABLE.get(code)
            if reason and not item.not_applicable_reason:
                item.not_applicable_reason = reason
                changed.append("not_applicable_reason")
            if changed:
                item.save(update_fields=changed)
                self.count("checklist items configured")
        self.items = items
        return checklist

    # -- site, section and guide ---------------------------------------------------

    def load_section(self, checklist):
        root = Page.get_first_root_node()
        section = DisclosureIndexPage.objects.child_of(root).filter(slug=data.SECTION_SLUG).first()
        if section is None:
            section = DisclosureIndexPage(
                title=data.SECTION_TITLE,
                slug=data.SECTION_SLUG,
                intro=data.SECTION_INTRO,
                checklist=checklist,
                organisation_code=data.ORGANISATION_CODE,
            )
            root.add_child(instance=section)
            section.save_revision().publish()
            self.count("section")

        site = Site.objects.filter(is_default_site=True).first()
        site_name = getattr(settings, "WAGTAIL_SITE_NAME", data.SECTION_TITLE)
        if site is None:
            Site.objects.create(
                hostname="localhost",
                port=DEMO_PORT,
                root_page=section,
                is_default_site=True,
                site_name=site_name,
            )
            self.count("site")
        elif site.root_page_id != section.pk or (site.hostname, site.port) == ("localhost", 80):
            # Wagtail's initial site says localhost:80; `make demo` serves on port 8000, and
            # full URLs (the API's, e-mail links) should point there.
            site.root_page = section
            site.site_name = site_name
            if (site.hostname, site.port) == ("localhost", 80):
                site.port = DEMO_PORT
            site.save()
            self.count("site")

        # Wagtail's "Welcome to your new Wagtail site!" page, no longer anybody's root.
        plain_page = ContentType.objects.get_for_model(Page)
        for page in Page.objects.child_of(root).filter(content_type=plain_page):
            if not Site.objects.filter(root_page=page).exists():
                page.delete()
                self.count("welcome page deleted")

        for _page in ensure_category_pages(section):
            self.count("category pages")
        return section

    def load_guide(self, section):
        if DisclosureGuidePage.objects.child_of(section).exists():
            return
        guide = DisclosureGuidePage(
            title=data.GUIDE_TITLE, slug=data.GUIDE_SLUG, body=data.GUIDE_BODY, **data.GUIDE_OFFICE
        )
        section.add_child(instance=guide)
        guide.save_revision().publish()
        self.count("guide")

    def load_request_page(self, section):
        if DisclosureRequestPage.objects.child_of(section).exists():
            return
        page = DisclosureRequestPage(
            title=data.REQUEST_PAGE_TITLE,
            slug=data.REQUEST_PAGE_SLUG,
            intro=data.REQUEST_PAGE_INTRO,
            commitment=data.REQUEST_PAGE_COMMITMENT,
            receipt_text=data.REQUEST_PAGE_RECEIPT,
        )
        section.add_child(instance=page)
        page.save_revision().publish()
        self.count("request page")

    # -- entries -------------------------------------------------------------------

    def load_entries(self, section, departments):
        category_pages = {
            page.category.key: page
            for page in DisclosureCategoryPage.objects.child_of(section).select_related("category")
        }
        existing = {
            (page.path[: -page.steplen], page.slug)
            for page in Page.objects.descendant_of(section)
            .filter(depth=section.depth + 2)
            .only("path", "slug")
        }
        channels = {channel.code: channel for channel in ReleaseChannel.objects.all()}
        for spec in build_entries():
            item = self.items[spec["item"]]
            parent = category_pages[item.category.key]
            if (parent.path, spec["slug"]) in existing:
                continue
            self.create_entry(parent, item, departments[spec["department"]], channels, spec)
            self.count("entries")

    def create_entry(self, parent, item, department, channels, spec):
        model = entry_page_type_for(item.category.key)
        draft = spec["draft"]
        page = model(
            title=spec["title"],
            slug=spec["slug"],
            live=False,
            checklist_item=item,
            department=department,
            document_number=spec["document_number"],
            document_date=spec["document_date"],
            publication_date=None if draft else spec["publication_date"],
            summary=spec["summary"],
            body=spec["body"],
            **spec["fields"],
        )
        page.keywords.add(*spec["keywords"])
        page.channels = [channels[code] for code in spec["channels"] if code in channels]
        if spec["attachment"]:
            page.attachments = [DisclosureAttachment(document=self.document(*spec["attachment"]))]
        parent.add_child(instance=page)
        page.save_revision()
        if draft:
            self.count("drafts")
            return
        # Demo entries count as published before the site existed: an import, logged as such.
        import_as_published(page, note="demo data")
        # Backdate the publication times so listings and "last updated" look lived-in.
        rng = random.Random(f"{SEED}:published:{spec['item']}:{spec['slug']}")
        published_at = timezone.make_aware(
            datetime.datetime.combine(
                spec["publication_date"], datetime.time(rng.randint(8, 17), rng.randint(0, 59))
            )
        )
        Page.objects.filter(pk=page.pk).update(
            first_published_at=published_at,
            last_published_at=published_at,
            latest_revision_created_at=published_at,
        )
        page.revisions.update(created_at=published_at)

    def load_annual_report(self, section, departments):
        """The 2025-2026 annual report: its figures are computed from the entries above
        when it is saved (AnnualReportPage), those not in the data entered as records."""
        for key, label, value, unit, source in annual_report.FIGURES:
            _figure, created = ReportFigure.objects.get_or_create(
                academic_year=annual_report.ACADEMIC_YEAR,
                key=key,
                defaults={"label": label, "value": value, "unit": unit, "source": source},
            )
            self.count("report figures", created)
        if (
            AnnualReportPage.objects.descendant_of(section)
            .filter(academic_year=annual_report.ACADEMIC_YEAR)
            .exists()
        ):
            return
        parent = DisclosureCategoryPage.objects.child_of(section).get(category__key="basic")
        page = AnnualReportPage(
            title=annual_report.TITLE,
            slug=annual_report.SLUG,
            live=False,
            academic_year=annual_report.ACADEMIC_YEAR,
            department=departments[annual_report.DEPARTMENT],
            document_number=annual_report.DOCUMENT_NUMBER,
            document_date=annual_report.PUBLISHED_ON,
            publication_date=annual_report.PUBLISHED_ON,
            summary=annual_report.SUMMARY,
            report=annual_report.REPORT,
        )
        page.keywords.add("年度报告", "信息公开")
        parent.add_child(instance=page)
        page.save_revision()  # computes and stores the figures of the academic year
        import_as_published(page, note="demo data")
        published_at = timezone.make_aware(
            datetime.datetime.combine(annual_report.PUBLISHED_ON, datetime.time(10, 0))
        )
        Page.objects.filter(pk=page.pk).update(
            first_published_at=published_at, last_published_at=published_at
        )
        self.count("annual report")

    def document(self, title, filename, content):
        Document = get_document_model()
        document = Document.objects.filter(title=title).first()
        if document is None:
            document = Document(
                title=title,
                collection=Collection.get_first_root_node(),
                file=ContentFile(content, name=filename),
            )
            if hasattr(document, "_set_document_file_metadata"):
                document._set_document_file_metadata()
            document.save()
            self.count("documents")
        return document

    # -- groups and users ------------------------------------------------------------

    def load_groups_and_users(self, section):
        page_type = ContentType.objects.get_for_model(Page)
        document_type = ContentType.objects.get_for_model(get_document_model())
        access_admin = Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
        root_collection = Collection.get_first_root_node()
        groups = {}
        for name, (page_perms, model_perms, doc_perms) in data.GROUPS.items():
            group, created = Group.objects.get_or_create(name=name)
            self.count("groups", created)
            group.permissions.add(access_admin)
            for app_label, codename in model_perms:
                group.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
            for codename in page_perms:
                permission = Permission.objects.get(content_type=page_type, codename=codename)
                GroupPagePermission.objects.get_or_create(
                    group=group, page=section, permission=permission
                )
            for codename in doc_perms:
                permission = Permission.objects.get(content_type=document_type, codename=codename)
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
            groups[name] = group

        User = get_user_model()
        for username, last_name, first_name, group_name, _unit in data.USERS:
            if User.objects.filter(username=username).exists():
                continue
            # The whole name in 名 and 姓 left empty: Wagtail's own screens name people
            # with auth.User's get_full_name() ("first last"), which would give 蓉 郑;
            # this way they show 郑蓉, as the package does (docs/translations.md).
            fields = {
                "email": data.email(username.replace("_", ".")),
                "first_name": f"{last_name}{first_name}",
                "last_name": "",
            }
            if group_name is None:
                user = User.objects.create_superuser(
                    username, password=data.DEMO_PASSWORD, **fields
                )
            else:
                user = User.objects.create_user(username, password=data.DEMO_PASSWORD, **fields)
                user.groups.add(groups[group_name])
            self.count("users")
        for username, role, short_code in data.DEPARTMENT_ROLES:
            assign_role(
                User.objects.get(username=username),
                role,
                Department.objects.get(short_code=short_code),
            )

    def load_review_pipeline(self, section):
        """A few 教务处 entries part-way through the review (idempotent by slug)."""
        User = get_user_model()
        people = {
            "submit": User.objects.get(username="editor_jwc"),
            "approve": User.objects.get(username="reviewer_jwc"),
            "clear": User.objects.get(username="secrecy"),
        }
        department = Department.objects.get(short_code="JWC")
        for slug, title, item_number, steps, major in data.REVIEW_PIPELINE:
            item = self.items[item_number]
            parent = DisclosureCategoryPage.objects.child_of(section).get(
                category=item.category
            )
            if Page.objects.child_of(parent).filter(slug=slug).exists():
                continue
            page = entry_page_type_for(item.category.key)(
                title=title,
                slug=slug,
                live=False,
                checklist_item=item,
                department=department,
                document_date=timezone.localdate() - datetime.timedelta(days=10 + len(steps) * 4),
                summary="本条目用于演示审核流程，尚未公开。",
                is_major_matter=major,
            )
            parent.add_child(instance=page)
            page.save_revision(user=people["submit"])
            for step in steps:
                take_transition(page, step, people[step], comment="演示数据")
            self.count("entries in review")

    # -- summary ---------------------------------------------------------------------

    def report(self, section, seconds):
        entries = DisclosureEntryPage.objects.descendant_of(section)
        public = entries.publicly_visible()
        items = ChecklistItem.objects.filter(category__checklist_id=section.checklist_id)
        used = set(entries.values_list("checklist_item_id", flat=True))
        empty = [
            item.code
            for item in items.order_by("number")
            if item.pk not in used and item.is_applicable
        ]
        not_applicable = [item.code for item in items if not item.is_applicable]
        lines = [
            "Created this run: "
            + (
                ", ".join(f"{k} {v}" for k, v in self.created.items()) or "nothing (already loaded)"
            ),
            f"Departments: {Department.objects.count()}",
            f"Checklist items: {items.count()} ({items.filter(is_official=False).count()} school-defined)",
            f"Entries: {entries.count()} (live {entries.live().count()}, publicly visible "
            f"{public.count()}, drafts {entries.not_live().count()})",
            f"Items with public entries: {public.values('checklist_item').distinct().count()}",
            f"Items without entries: {', '.join(empty) or '-'}; not applicable: "
            f"{', '.join(sorted(not_applicable, key=float)) or '-'}",
            f"Documents: {get_document_model().objects.count()}; users: "
            f"{get_user_model().objects.count()}; groups: {Group.objects.count()}",
            f"Section: {section.title} ({section.url or '/'}) — {seconds:.1f} s",
            "Log in at /admin/ as admin, office, editor_jwc, editor_zsjy, reviewer_jwc, secrecy "
            f"or leader; password: {data.DEMO_PASSWORD}",
        ]
        for line in lines:
            self.stdout.write(line)
