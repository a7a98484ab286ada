"""``manage.py disclosure_setup``: one idempotent command sets a site up, and an entry then
goes from draft to published through HTTP with the groups it made."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from wagtail.models import GroupPagePermission, Page, Site

from tests.utils import make_entry
from wagtail_disclosure.models import (
    Department,
    DisclosureCategoryPage,
    DisclosureGuidePage,
    DisclosureIndexPage,
    DisclosureRequestPage,
    EntryReview,
)
from wagtail_disclosure.permissions import Role, assign_role, get_roles
from wagtail_disclosure.setup import group_name

pytestmark = [pytest.mark.django_db, pytest.mark.each_database]

CSV = "name,short_code,phone\n教务处,JWC,010-1\n财务处,CWC,\n"


def setup(*args):
    """Run the command in English (its messages are checked in English here)."""
    out = io.StringIO()
    with translation.override("en"):
        call_command("disclosure_setup", *args, stdout=out)
    return out.getvalue()


def csv_file(tmp_path, text, name="departments.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_setup_builds_everything_once(tmp_path):
    assert not DisclosureIndexPage.objects.exists()
    first = setup("--departments", csv_file(tmp_path, CSV))
    section = DisclosureIndexPage.objects.get()
    site_root = Site.objects.get(is_default_site=True).root_page
    assert section.get_parent().pk == site_root.pk and section.live and section.slug == "xxgk"
    assert DisclosureCategoryPage.objects.child_of(section).live().count() == 10
    assert DisclosureGuidePage.objects.child_of(section).live().count() == 1
    assert DisclosureRequestPage.objects.child_of(section).live().count() == 1
    assert set(Department.objects.values_list("short_code", flat=True)) == {"JWC", "CWC"}
    assert Department.objects.get(short_code="JWC").phone == "010-1"
    groups = {role: Group.objects.get(name=group_name(role)) for role in Role}
    editors = groups[Role.DEPARTMENT_EDITOR]
    assert set(
        GroupPagePermission.objects.filter(group=editors, page=section).values_list(
            "permission__codename", flat=True
        )
    ) == {"add_page", "change_page"}
    assert editors.permissions.filter(codename="access_admin").exists()
    # The office holds its role for every department; the other groups give no role.
    assert groups[Role.DISCLOSURE_OFFICE].permissions.filter(codename="publish_entries").exists()
    assert not editors.permissions.filter(codename="edit_entries").exists()
    assert "created" in first
    counts = (Page.objects.count(), Group.objects.count(), Department.objects.count(),
              GroupPagePermission.objects.count())
    again = setup("--departments", csv_file(tmp_path, CSV))
    assert (Page.objects.count(), Group.objects.count(), Department.objects.count(),
            GroupPagePermission.objects.count()) == counts
    assert "created:" not in again and "already there" in again


@pytest.mark.parametrize(
    ("text", "encoding", "message"),
    [
        ("name,code\n教务处,JWC\n", "utf-8", "missing: short_code"),
        ("name,short_code\n教务处,J W C\n", "utf-8", "line 2"),
        ("name,short_code\n教务处,JWC\n财务处,JWC\n", "utf-8", "JWC"),
        ("name,short_code\n教务处,JWC\n", "gbk", "UTF-8"),
        ("name,short_code\n,JWC\n", "utf-8", "line 2"),
    ],
)
def test_bad_department_files_are_refused_and_nothing_is_written(tmp_path, text, encoding, message):
    with pytest.raises(CommandError, match=message):
        setup("--departments", csv_file(tmp_path, text, encoding=encoding))
    assert not Department.objects.exists()
    assert not DisclosureIndexPage.objects.exists()
    assert not Group.objects.filter(name__startswith=group_name(Role.DISCLOSURE_OFFICE)).exists()


def test_missing_file_and_name_clash_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        setup("--departments", str(tmp_path / "none.csv"))
    Department.objects.create(name="教务处", short_code="JW")
    with pytest.raises(CommandError, match="JW"):
        setup("--departments", csv_file(tmp_path, CSV))
    assert Department.objects.count() == 1


def test_an_entry_goes_from_draft_to_published_over_http(tmp_path, client, django_user_model):
    setup("--departments", csv_file(tmp_path, CSV))
    section = DisclosureIndexPage.objects.get()
    jwc = Department.objects.get(short_code="JWC")
    people = {}
    for role in Role:
        user = django_user_model.objects.create_user(f"u-{role.value}", password="pw")
        user.groups.add(Group.objects.get(name=group_name(role)))
        if role != Role.DISCLOSURE_OFFICE:  # the office's group holds its role already
            assign_role(user, role, jwc)
        people[role] = user
    assert get_roles(django_user_model.objects.get(pk=people[Role.DISCLOSURE_OFFICE].pk)) == {
        Role.DISCLOSURE_OFFICE: None
    }
    entry = make_entry(section, key="admissions", publish=False, department=jwc,
                       is_major_matter=True)
    entry.save_revision(user=people[Role.DEPARTMENT_EDITOR])
    steps = [
        (Role.DEPARTMENT_EDITOR, "submit", "submitted"),
        (Role.DEPARTMENT_REVIEWER, "approve", "department_approved"),
        (Role.CONFIDENTIALITY_REVIEWER, "clear", "cleared"),
        (Role.SIGN_OFF_LEADER, "sign_off", "signed_off"),
        (Role.DISCLOSURE_OFFICE, "publish", "published"),
    ]
    for role, name, state in steps:
        client.force_login(people[role])
        # Each of them can open the entry in the admin, through the group's permissions.
        assert client.get(reverse("wagtailadmin_pages:edit", args=[entry.pk])).status_code == 200
        url = reverse("wagtail_disclosure:entry_transition", args=[entry.pk, name])
        form = client.get(url)
        assert form.status_code == 200, (role, name)
        response = client.post(url, {"comment": "", **form.context["form"].initial})
        assert response.status_code == 302, (role, name, response.content[:500])
        assert EntryReview.objects.get(page_id=entry.pk).state == state
    client.logout()
    entry.refresh_from_db()
    assert entry.live
    assert client.get(entry.url).status_code == 200
