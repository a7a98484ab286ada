"""Build the outside-in test's entries on the example site's database; write the manifest.

Run in a subprocess, after ``migrate`` and ``load_demo_data``, with the settings the
server uses::

    DJANGO_SETTINGS_MODULE=tests.outside_in.settings python -m tests.outside_in.build OUT.json [--demo]

With ``--demo`` it first loads the demo data the test needs, with the demo command's own
code (``load_demo_data``'s departments, checklist set-up, section, guide, groups, users
and review pipeline), leaving out the 216 catalogue entries, which take most of the
command's time and which no check needs. Without it, ``manage.py load_demo_data`` must
have run before.

Every review step is taken through the real service (``take_transition``) by the demo user
who holds the role. Only three things are set directly: the Wagtail view restriction and
the page locks (neither is a review state) and, when the package refuses to create one, the
alias (which has to exist as if it had been made before aliases of entries were refused).
"""

from __future__ import annotations

import datetime
import json
import sys


def main(argv):
    import time

    import django

    django.setup()
    timings = {}
    if "--demo" in argv:
        started = time.monotonic()
        load_demo_without_catalogue_entries()
        timings["demo data (without catalogue entries)"] = time.monotonic() - started
    started = time.monotonic()
    manifest = Builder().build()
    timings["entries"] = time.monotonic() - started
    manifest["timings"] = timings
    args = [arg for arg in argv[1:] if not arg.startswith("--")]
    out = args[0] if args else None
    text = json.dumps(manifest, ensure_ascii=False, indent=1)
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        print(text)


def load_demo_without_catalogue_entries():
    """``load_demo_data`` minus ``load_entries``: the same objects, by the same code."""
    from demo_content.management.commands.load_demo_data import Command
    from django.db import transaction

    command = Command()
    command.created = {}
    with transaction.atomic():
        departments = command.load_departments()
        checklist = command.configure_checklist(departments)
        section = command.load_section(checklist)
        command.load_guide(section)
        command.load_request_page(section)
        command.load_groups_and_users(section)
        command.load_review_pipeline(section)


class Builder:
    def __init__(self):
        from demo_content import data
        from django.contrib.auth import get_user_model

        from wagtail_disclosure.models import Department, DisclosureIndexPage

        from . import spec

        self.spec = spec
        User = get_user_model()
        self.users = {u.username: u for u in User.objects.filter(username__in=spec.USERS)}
        missing = set(spec.USERS) - set(self.users)
        assert not missing, f"demo users missing: {missing}"
        self.section = DisclosureIndexPage.objects.get(slug=data.SECTION_SLUG)
        self.departments = {
            code: Department.objects.get(short_code=code) for code in spec.DEPARTMENT_TOKENS
        }
        self.item_turn = dict.fromkeys(spec.DEPARTMENT_TOKENS, 0)
        self.entries = {}
        self.transition_keys = {s.key for s in spec.transition_entries()}
        self.documents = {}
        self.images = {}
        self.notes = []

    # -- building blocks ------------------------------------------------------------

    def document(self, key, slot):
        from django.core.files.base import ContentFile
        from wagtail.documents import get_document_model
        from wagtail.models import Collection

        marker = self.spec.marker
        Document = get_document_model()
        document = Document(
            title=f"外测文件 {marker(key, slot + 'title')}",
            collection=Collection.get_first_root_node(),
            file=ContentFile(
                f"外测文件内容 {marker(key, slot + 'text')}\n".encode(),
                name=f"{marker(key, slot + 'file')}.txt",
            ),
        )
        if hasattr(document, "_set_document_file_metadata"):
            document._set_document_file_metadata()
        document.save()
        self.documents[(key, slot)] = document
        return document

    def image(self, key):
        """An image whose file name (so every rendition's URL) carries the entry's marker."""
        import io

        from django.core.files.images import ImageFile
        from PIL import Image as PILImage
        from wagtail.images import get_image_model
        from wagtail.models import Collection

        if key in self.images:
            return self.images[key]
        buffer = io.BytesIO()
        PILImage.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
        image = get_image_model()(
            title="外测图片",
            collection=Collection.get_first_root_node(),
            file=ImageFile(buffer, name=f"{self.spec.marker(key, 'img')}.png"),
        )
        image.save()
        self.images[key] = image
        return image

    def body(self, key, link=None, block=None):
        marker = self.spec.marker
        paragraph = f"<p>外测正文 {marker(key, 'body')} 。"
        if link is not None:
            paragraph += f'<a linktype="document" id="{link.pk}">相关文件</a>'
        body = [
            {"type": "paragraph", "value": paragraph + "</p>"},
            {
                "type": "image",
                "value": {"image": self.image(key).pk, "decorative": True, "alt_text": ""},
            },
        ]
        if block is not None:
            body.append({"type": "document", "value": {"document": block.pk, "title": ""}})
        return body

    def item_for(self, department):
        from wagtail_disclosure.models import ChecklistItem

        codes = self.spec.DEPARTMENT_ITEMS[department]
        code = codes[self.item_turn[department] % len(codes)]
        self.item_turn[department] += 1
        return ChecklistItem.objects.select_related("category").get(
            category__checklist_id=self.section.checklist_id, code=code
        )

    def create(self, entry_spec):
        from wagtail_disclosure.models import (
            DisclosureAttachment,
            DisclosureCategoryPage,
            entry_page_type_for,
        )

        spec, key = self.spec, entry_spec.key
        department = entry_spec.department
        item = self.item_for(department)
        parent = DisclosureCategoryPage.objects.child_of(self.section).get(category=item.category)
        link = block = attach = None
        if entry_spec.documents:
            link, block, attach = (self.document(key, slot) for slot in spec.DOCUMENT_SLOTS)
        fields = dict(entry_spec.fields)
        fields.setdefault("restriction_reason", f"外测限制理由 {spec.marker(key, 'reason')}")
        page = entry_page_type_for(item.category.key)(
            title=(
                f"外测条目：{entry_spec.label}（{self.departments[department].name}）"
                f" {spec.DEPARTMENT_TOKENS[department]} {spec.marker(key, 'title')}"
            ),
            slug=f"outside-in-{key}",
            live=False,
            checklist_item=item,
            department=self.departments[department],
            document_date=datetime.date.today() - datetime.timedelta(days=3),
            summary=f"外测摘要 {spec.marker(key, 'summary')}",
            body=self.body(key, link, block),
            is_major_matter=entry_spec.major,
            **fields,
        )
        page.keywords.add(spec.marker(key, "kw"))
        if attach is not None:
            page.attachments = [DisclosureAttachment(document=attach)]
        parent.add_child(instance=page)
        page.save_revision(user=self.users[spec.build_actor(department, "submit")])
        return page

    def step(self, page, name, department, **kwargs):
        from wagtail_disclosure.workflow import take_transition

        user = self.users[self.spec.build_actor(department, name)]
        return take_transition(page, name, user, **kwargs)

    def publish(self, page, department):
        """The whole chain, with the sign-off when the review asks for it."""
        self.step(page, "submit", department)
        self.step(page, "approve", department)
        review = self.step(page, "clear", department)
        if review.sign_off_required:
            self.step(page, "sign_off", department)
        self.step(page, "publish", department)
        page.refresh_from_db()
        return page

    # -- what happens after publication ------------------------------------------------

    def after(self, entry_spec, page):
        spec, key, department = self.spec, entry_spec.key, entry_spec.department
        if entry_spec.after == "withdraw":
            self.step(
                page, "withdraw", department, comment=f"外测撤回理由 {spec.marker(key, 'wreason')}"
            )
        elif entry_spec.after == "withhold":
            self.step(
                page,
                "withdraw",
                department,
                comment=f"外测撤回理由 {spec.marker(key, 'wreason')}",
                withheld=True,
            )
        elif entry_spec.after == "password":
            from wagtail.models import PageViewRestriction

            PageViewRestriction.objects.create(
                page=page, restriction_type=PageViewRestriction.PASSWORD, password="oi-outside-in"
            )
        elif entry_spec.after == "newdraft":
            self.new_draft(entry_spec, page)
        elif entry_spec.after == "alias":
            self.alias(entry_spec, page)
            self.step(
                page, "withdraw", department, comment=f"外测撤回理由 {spec.marker(key, 'wreason')}"
            )

    def new_draft(self, entry_spec, page):
        """A new version of the live entry: new title, body text, linked document and
        attachment. Saved and submitted; the live version stays as it was."""
        from wagtail_disclosure.models import DisclosureAttachment, DisclosureEntryPage

        spec, key, department = self.spec, entry_spec.key, entry_spec.department
        draft = DisclosureEntryPage.objects.get(pk=page.pk).specific
        newlink = self.document(key, "newlink")
        newattach = self.document(key, "newattach")
        old = self.documents[(key, "link")], self.documents[(key, "block")]
        draft.title = f"{draft.title} {spec.marker(key, 'newtitle')}"
        draft.body = self.body(key, *old) + [
            {
                "type": "paragraph",
                "value": (
                    f"<p>外测新版正文 {spec.marker(key, 'newbody')} 。"
                    f'<a linktype="document" id="{newlink.pk}">新版文件</a></p>'
                ),
            }
        ]
        draft.attachments = list(draft.attachments.all()) + [
            DisclosureAttachment(document=newattach)
        ]
        draft.save_revision(user=self.users[spec.build_actor(department, "submit")])
        self.step(draft, "submit", department)

    def alias(self, entry_spec, page):
        """An alias of the published entry, as the page copy view made them before aliases
        of entries were refused. Made with Wagtail's own API inside
        ``publication_allowed()``; if the model refuses (the fix), made as a plain copy
        and turned into an alias with a queryset update, which skips ``save()``."""
        from wagtail.models import Page

        from wagtail_disclosure.workflow import publication_allowed

        slug = f"outside-in-{self.spec.ALIAS_KEY}"
        parent = page.get_parent()
        admin = self.users["admin"]
        try:
            with publication_allowed():
                alias = page.create_alias(parent=parent, update_slug=slug, user=admin)
            how = "create_alias"
        except Exception as exc:  # noqa: BLE001 - the package refuses aliases of entries
            with publication_allowed():
                alias = page.copy(to=parent, update_attrs={"slug": slug}, user=admin)
            Page.objects.filter(pk=alias.pk).update(
                alias_of_id=page.pk, live=True, has_unpublished_changes=False
            )
            how = f"copy + update (create_alias refused: {type(exc).__name__})"
        self.notes.append(f"alias made by {how}")
        self.alias_page = Page.objects.get(pk=alias.pk)

    # -- the whole build --------------------------------------------------------------

    def build(self):
        from django.utils import timezone
        from wagtail.models import Page

        spec = self.spec
        for entry_spec in spec.all_entries():
            page = self.create(entry_spec)
            if entry_spec.publish:
                self.publish(page, entry_spec.department)
                self.after(entry_spec, page)
            else:
                for name in entry_spec.steps:
                    self.step(page, name, entry_spec.department)
            self.entries[entry_spec.key] = (entry_spec, page.pk)
        self.requests = self.build_requests()
        # Locked pages (for the locked pages report): one of each department.
        for key, username in (("draft", "editor_jwc"), ("submitted", "editor_zsjy")):
            Page.objects.filter(pk=self.entries[key][1]).update(
                locked=True, locked_by=self.users[username], locked_at=timezone.now()
            )
        return self.manifest()

    def build_requests(self):
        """Two requests for information with markers: one routed to JWC with ZSJYC assisting
        (协办), one at the office. Nothing of them may reach a public surface; staff without
        the office role or JWC's request-handler role get 404 on them, except that ZSJYC's
        handlers see the routed one without the applicant (no identity, no letters)."""
        import datetime

        from django.urls import reverse

        from wagtail_disclosure.models import Department, DisclosureRequest, DisclosureRequestPage
        from wagtail_disclosure.request_letters import issue_letter
        from wagtail_disclosure.workflow import take_transition

        office = self.users["office"]
        cases = {}
        for key, department, assisting in (("reqjwc", "JWC", "ZSJYC"), ("reqoffice", None, None)):
            markers = {field: self.spec.marker(key, field) for field in ("name", "desc", "phone")}
            case = DisclosureRequest.objects.create(
                applicant_type="person",
                name=markers["name"],
                phone=markers["phone"],
                description=markers["desc"],
                received_on=datetime.date.today() - datetime.timedelta(days=3),
            )
            case = take_transition(case, "accept", office)
            if department:
                jwc = Department.objects.get(short_code=department)
                helpers = list(Department.objects.filter(short_code=assisting))
                case = take_transition(case, "route", office, department=jwc, assisting=helpers)
            letter = issue_letter(case, "receipt", office)
            cases[key] = {
                "id": case.pk,
                "tracking_number": case.tracking_number,
                "department": department,
                "assisting": assisting,
                "markers": markers,
                "inspect": reverse("disclosure_requests:inspect", args=[case.pk]),
                "letter_print": reverse(
                    "wagtail_disclosure:request_letter_print", args=[letter.pk]
                ),
                "letter_docx": reverse("wagtail_disclosure:request_letter_docx", args=[letter.pk]),
            }
        page = DisclosureRequestPage.objects.live().first()
        return {
            "cases": cases,
            "listing": reverse("disclosure_requests:index"),
            "page": page.url if page else None,
            "lookup": (page.url + page.reverse_subpage("lookup")) if page else None,
        }

    def manifest(self):
        import demo.settings as demo_settings
        from django.urls import reverse
        from wagtail.models import Page

        from wagtail_disclosure.models import DisclosureEntryPage, EntryReview

        spec = self.spec
        reviews = {r.page_id: r for r in EntryReview.objects.all()}
        entries = {}
        for key, (entry_spec, pk) in self.entries.items():
            page = DisclosureEntryPage.objects.get(pk=pk).specific
            review = reviews.get(pk)
            markers = spec.entry_markers(
                key,
                new_draft=entry_spec.after == "newdraft",
                withdrawal=entry_spec.after in ("withdraw", "withhold", "alias"),
                documents=entry_spec.documents,
            )
            documents = []
            for (doc_key, slot), document in self.documents.items():
                if doc_key != key:
                    continue
                public = entry_spec.kind == spec.PUBLIC and not slot.startswith("new")
                documents.append(
                    {
                        "id": document.pk,
                        "slot": slot,
                        "url": document.url,
                        "media_url": document.file.url,
                        "public": public,
                        "text_marker": markers[slot + "text"],
                    }
                )
            entries[key] = self.entry_record(entry_spec, page, review, markers, documents)
        alias = self.alias_page
        original = entries[spec.ALIAS_OF]
        entries[spec.ALIAS_KEY] = {
            **original,
            "key": spec.ALIAS_KEY,
            "id": alias.pk,
            "url": alias.specific.url,
            "alias_of": original["id"],
            "after": "",
            "state": reviews[alias.pk].state if alias.pk in reviews else None,
            "live": alias.live,
            "expected": [None, True],  # live, as aliases of live pages are
            "documents": [],  # the original's documents are checked with the original
        }
        category_pages = {}
        for record in entries.values():
            category_pages[record["category_page_id"]] = record["category_page_url"]
        models = sorted({record["model"] for record in entries.values()})
        return {
            "notes": self.notes,
            "demo_debug_default": bool(demo_settings.DEBUG),
            "section_url": self.section.specific.url,
            "search_url": self.section.url + self.section.specific.reverse_subpage("search"),
            "suggest_url": self.section.url
            + self.section.specific.reverse_subpage("search_suggest"),
            "entries": entries,
            "category_pages": [
                {
                    "id": pk,
                    "url": url,
                    "explore": reverse("wagtailadmin_explore", args=[pk]),
                    "chooser": reverse("wagtailadmin_choose_page_child", args=[pk]),
                }
                for pk, url in category_pages.items()
            ],
            "models": models,
            "admin": {
                "login": reverse("wagtailadmin_login"),
                "dashboard": reverse("wagtailadmin_home"),
                "search": reverse("wagtailadmin_pages:search"),
                "chooser_search": reverse("wagtailadmin_choose_page_search"),
                "api_pages": "/admin/api/main/pages/",
                "usage": [
                    reverse("wagtailadmin_pages:type_use", args=model.split("."))
                    for model in models
                ],
                "page_types_usage": reverse("wagtailadmin_reports:page_types_usage"),
                "site_history": reverse("wagtailadmin_reports:site_history"),
                "locked": reverse("wagtailadmin_reports:locked_pages"),
                "aging": reverse("wagtailadmin_reports:aging_pages"),
                "workflow": reverse("wagtailadmin_reports:workflow"),
                "workflow_tasks": reverse("wagtailadmin_reports:workflow_tasks"),
                "bulk": reverse(
                    "wagtail_bulk_action", args=["wagtailcore", "page", "ACTION"]
                ).replace("ACTION", "{action}"),
                "explore_page": reverse("wagtailadmin_explore", args=[0]).replace("/0/", "/{id}/"),
                "chooser_page": reverse("wagtailadmin_choose_page_child", args=[0]).replace(
                    "/0/", "/{id}/"
                ),
                "review_queue": reverse("wagtail_disclosure:review_queue"),
                "my_entries": reverse("wagtail_disclosure:my_entries"),
                "compliance": reverse("disclosure_compliance:index"),
                "imports": reverse("wagtail_disclosure:imports"),
                "record": reverse("wagtail_disclosure:review_record", args=[0]).replace(
                    "/0/", "/{id}/"
                ),
                "record_docx": reverse("wagtail_disclosure:review_record_docx", args=[0]).replace(
                    "/0/", "/{id}/"
                ),
                "transition": reverse(
                    "wagtail_disclosure:entry_transition", args=[0, "submit"]
                ).replace("/0/submit/", "/{id}/{transition}/"),
                "edit": reverse("wagtailadmin_pages:edit", args=[0]).replace("/0/", "/{id}/"),
                "history": reverse("wagtailadmin_pages:history", args=[0]).replace("/0/", "/{id}/"),
                "preview": reverse("wagtailadmin_pages:preview_on_edit", args=[0]).replace(
                    "/0/", "/{id}/"
                ),
                "view_draft": reverse("wagtailadmin_pages:view_draft", args=[0]).replace(
                    "/0/", "/{id}/"
                ),
                "revision_view": reverse("wagtailadmin_pages:revisions_view", args=[0, 0]).replace(
                    "/0/revisions/0/", "/{id}/revisions/{revision}/"
                ),
            },
            "page_count": Page.objects.count(),
            "requests": self.requests,
        }

    def entry_record(self, entry_spec, page, review, markers, documents):
        parent = page.get_parent()
        return {
            "key": entry_spec.key,
            "id": page.pk,
            "url": page.url,
            "department": entry_spec.department,
            "kind": entry_spec.kind,
            "after": entry_spec.after,
            "transition_subject": entry_spec.key in self.transition_keys,
            "index_number": page.index_number,
            "model": f"{page._meta.app_label}.{page._meta.model_name}",
            "model_name": type(page).__name__,
            "item_code": page.checklist_item.code,
            "category_page_id": parent.pk,
            "category_page_url": parent.url,
            "state": review.state if review else None,
            "withheld": bool(review and review.withheld),
            "live": page.live,
            "expected": list(self.spec.expected_state(entry_spec)),
            "markers": markers,
            "allowed": sorted(
                field for field in self.spec.allowed_fields(entry_spec.kind, markers)
            ),
            "documents": documents,
            "revision_ids": list(page.revisions.order_by("pk").values_list("pk", flat=True)),
            "latest_revision_id": page.latest_revision_id,
        }


if __name__ == "__main__":
    main(sys.argv)
