"""Builders shared by the tests: real models, saved through Wagtail's own APIs."""

import datetime
import itertools

from django.contrib.auth.models import Group, Permission
from guardian.shortcuts import assign_perm
from wagtail.models import GroupPagePermission, Page, Site

from wagtail_disclosure.models import (
    ChecklistItem,
    Department,
    DisclosureCategoryPage,
    DisclosureIndexPage,
    entry_page_type_for,
)
from wagtail_disclosure.sections import ensure_category_pages
from wagtail_disclosure.workflow import import_as_published

_counter = itertools.count(1)


def make_department(short_code="JWC", name="教务处", **fields):
    department, _ = Department.objects.get_or_create(
        short_code=short_code, defaults={"name": name, **fields}
    )
    return department


def make_section(slug="xxgk", title="信息公开", site_root=True, **fields):
    """A live DisclosureIndexPage with its category pages; the default site's root if asked."""
    root = Page.get_first_root_node()
    section = root.add_child(instance=DisclosureIndexPage(title=title, slug=slug, **fields))
    ensure_category_pages(section)
    if site_root:
        site = Site.objects.get(is_default_site=True)
        site.root_page = section
        site.save()  # save(), not update(): clears Wagtail's cached site root paths
    return section


def category_page(section, key):
    return DisclosureCategoryPage.objects.child_of(section).get(category__key=key)


def make_entry(section, key="admissions", item_code=None, publish=True, department=None, **fields):
    """An entry of the page type bound to ``key``, under the section's category page."""
    parent = category_page(section, key)
    items = ChecklistItem.objects.filter(category_id=parent.category_id)
    item = items.get(code=item_code) if item_code else items.order_by("number").first()
    model = entry_page_type_for(key)
    number = next(_counter)
    fields.setdefault("title", f"条目 {number}")
    fields.setdefault("slug", f"entry-{number}")
    for name, value in fields.items():
        if name.endswith(("_date", "_on")) and isinstance(value, str):
            fields[name] = datetime.date.fromisoformat(value)
    fields["live"] = False  # as the admin does: a page goes live when a revision is published
    entry = model(checklist_item=item, department=department or make_department(), **fields)
    parent.add_child(instance=entry)
    entry.save_revision()
    if publish:
        import_as_published(entry)
        entry.refresh_from_db()
    return entry


def reviewer(username="chain-superuser"):
    """A superuser: holds every role, so can walk an entry through the whole chain."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=username, defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def publish_through_review(entry, user=None, chain=("submit", "approve", "clear", "publish")):
    """Take ``entry``'s latest revision through the review chain and publish it."""
    from wagtail_disclosure.workflow import take_transition

    user = user or reviewer()
    for name in chain:
        take_transition(entry, name, user)
    entry.refresh_from_db()
    return entry


def staff(django_user_model, username, section=None, **fields):
    """A user with admin access and page edit rights on ``section``, but no review role."""
    user = django_user_model.objects.create_user(username, password="pw", **fields)
    group, created = Group.objects.get_or_create(name="tests-staff")
    if created:
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        if section is not None:
            for codename in ("add_page", "change_page"):
                GroupPagePermission.objects.create(
                    group=group, page=section, permission=Permission.objects.get(codename=codename)
                )
    user.groups.add(group)
    return user


def grant(user, role, department=None):
    """A role in one department (guardian object permission), or in all (global)."""
    if department is None:
        assign_perm(f"wagtail_disclosure.{role}", user)
    else:
        assign_perm(f"wagtail_disclosure.{role}", user, department)
