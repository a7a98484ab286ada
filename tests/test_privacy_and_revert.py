"""Two admin paths docs/workflow.md promises for entries: the disclosure office sets view
restrictions (privacy), and reverting to an earlier revision saves a new version that
starts the review again while the live version stays online."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, PageLogEntry, PageViewRestriction
from wagtail.test.utils.form_data import querydict_from_html

from tests.utils import (
    category_page,
    grant,
    make_department,
    make_entry,
    publish_through_review,
    staff,
)
from wagtail_disclosure.models import DisclosureEntryPage, EntryReview
from wagtail_disclosure.permissions import Role
from wagtail_disclosure.workflow import PublicationBypassError, take_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(shared_section):
    return shared_section


@pytest.fixture
def jwc():
    return make_department("JWC", "教务处")


def state(entry):
    return EntryReview.objects.get(page_id=entry.pk).state


def public_html(client, entry):
    """The entry's public page for an anonymous reader ('' unless it answers 200)."""
    client.logout()
    response = client.get(entry.url)
    return response.content.decode() if response.status_code == 200 else ""


def listed_publicly(client, section, entry):
    """Is the entry in its category page's public listing?"""
    client.logout()
    listing = category_page(section, entry.checklist_item.category.key)
    return entry.title in client.get(listing.url).content.decode()


# -- privacy (view restrictions) -------------------------------------------------------------


def privacy_url(entry):
    return reverse("wagtailadmin_pages:set_privacy", args=[entry.pk])


def assert_refused(response):
    """Wagtail answers PermissionDenied with a redirect to the dashboard and a message."""
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


@pytest.fixture
def entry(section, jwc):
    entry = make_entry(section, key="admissions", department=jwc, title="隐私设置测试条目")
    assert entry.live
    assert DisclosureEntryPage.objects.publicly_visible().filter(pk=entry.pk).exists()
    return entry


@pytest.mark.parametrize("who", ["office", "department office", "superuser"])
def test_the_office_and_superusers_set_view_restrictions(
    client, section, jwc, entry, django_user_model, who
):
    if who == "superuser":
        user = django_user_model.objects.create_superuser("root", password="pw")
    else:
        user = staff(django_user_model, "office", section)
        grant(user, Role.DISCLOSURE_OFFICE, None if who == "office" else jwc)
    assert entry.title in public_html(client, entry)
    assert listed_publicly(client, section, entry)

    client.force_login(user)
    assert client.get(privacy_url(entry)).status_code == 200
    response = client.post(privacy_url(entry), {"restriction_type": "login"})
    assert response.status_code == 200 and "set_privacy_done" in response.content.decode()

    assert PageViewRestriction.objects.filter(page=entry, restriction_type="login").exists()
    assert entry.title not in public_html(client, entry)  # off the public site
    assert not listed_publicly(client, section, entry)
    assert not DisclosureEntryPage.objects.publicly_visible().filter(pk=entry.pk).exists()
    assert Page.objects.get(pk=entry.pk).live  # a restriction, not an unpublication


@pytest.mark.parametrize("role", [Role.DEPARTMENT_EDITOR, Role.DEPARTMENT_REVIEWER])
def test_other_roles_cannot_set_view_restrictions(
    client, section, jwc, entry, django_user_model, role
):
    user = staff(django_user_model, "editor", section)
    grant(user, role, jwc)
    client.force_login(user)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[entry.pk])).status_code == 200
    assert_refused(client.get(privacy_url(entry)))
    assert_refused(client.post(privacy_url(entry), {"restriction_type": "login"}))
    assert not PageViewRestriction.objects.filter(page=entry).exists()
    assert entry.title in public_html(client, entry)


def test_the_office_of_another_department_cannot(client, section, entry, django_user_model):
    user = staff(django_user_model, "office", section)
    grant(user, Role.DISCLOSURE_OFFICE, make_department("ZSJY", "招生就业处"))
    client.force_login(user)
    assert_refused(client.post(privacy_url(entry), {"restriction_type": "login"}))
    assert not PageViewRestriction.objects.filter(page=entry).exists()


def test_the_office_without_edit_permission_cannot(client, entry, django_user_model):
    user = django_user_model.objects.create_user("office-no-pages", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    grant(user, Role.DISCLOSURE_OFFICE)
    client.force_login(user)
    assert_refused(client.post(privacy_url(entry), {"restriction_type": "login"}))
    assert not PageViewRestriction.objects.filter(page=entry).exists()


# -- reverting to an earlier revision --------------------------------------------------------


@pytest.fixture
def editor(django_user_model, section, jwc):
    user = staff(django_user_model, "editor", section)
    grant(user, Role.DEPARTMENT_EDITOR, jwc)
    return user


@pytest.fixture
def republished(section, jwc):
    """A live entry published as 甲, then revised and published as 乙: 甲 is an older revision."""
    entry = make_entry(section, key="admissions", department=jwc, publish=False, title="甲版本")
    publish_through_review(entry)
    old = Page.objects.get(pk=entry.pk).live_revision
    entry = DisclosureEntryPage.objects.get(pk=entry.pk).specific
    entry.title = "乙版本"
    entry.save_revision()
    entry = publish_through_review(entry)
    assert entry.live and entry.title == "乙版本" and entry.live_revision_id != old.pk
    assert state(entry) == "published"
    return entry, old


def revert(client, user, entry, revision, **changes):
    """Open the revert view, then save its form as the browser would."""
    client.force_login(user)
    url = reverse("wagtailadmin_pages:revisions_revert", args=[entry.pk, revision.pk])
    response = client.get(url)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    data["body-count"] = data.get("body-count", "0")  # StreamField inputs are drawn by JS
    data.pop("action-publish", None)
    data.update(changes)
    return client.post(url, data)


def test_reverting_a_live_entry_saves_a_new_version_in_review(client, section, editor, republished):
    entry, old = republished
    live_revision_id = entry.live_revision_id
    revisions = entry.revisions.count()

    response = revert(client, editor, entry, old)

    assert response.status_code == 302, response.content.decode()[-3000:]
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[entry.pk])
    page = Page.objects.get(pk=entry.pk)
    assert page.revisions.count() == revisions + 1
    new = page.latest_revision
    assert new.pk not in (old.pk, live_revision_id)
    assert new.as_object().title == "甲版本"  # the old version, saved as a new one
    # The review starts again...
    assert state(entry) == "draft"
    reopen = PageLogEntry.objects.filter(
        page_id=entry.pk, action="wagtail_disclosure.reopen", revision=new
    ).get()
    assert reopen.data["from"] == "published"
    with translation.override("en"):
        assert str(reopen.message) == "New version saved: review starts again"
    # ...and the live version stays online unchanged.
    assert page.live and page.live_revision_id == live_revision_id and page.title == "乙版本"
    html = public_html(client, entry)
    assert "乙版本" in html and "甲版本" not in html

    # Published through the chain, the reverted version goes online.
    publish_through_review(entry)
    page = Page.objects.get(pk=entry.pk)
    assert page.live_revision_id == new.pk and page.title == "甲版本"
    assert "甲版本" in public_html(client, entry)


def test_revert_and_publish_only_saves_a_draft(client, editor, republished):
    entry, old = republished
    live_revision_id = entry.live_revision_id
    response = revert(client, editor, entry, old, **{"action-publish": "action-publish"})
    assert response.status_code == 302
    page = Page.objects.get(pk=entry.pk)
    assert page.latest_revision.as_object().title == "甲版本"
    assert page.live_revision_id == live_revision_id and page.title == "乙版本"
    assert state(entry) == "draft"


def test_reverting_a_withheld_entry_keeps_it_offline(
    client, section, jwc, editor, republished, django_user_model
):
    entry, old = republished
    office = django_user_model.objects.create_superuser("office", password="pw")
    take_transition(entry, "withdraw", office, comment="涉密", withheld=True)
    page = Page.objects.get(pk=entry.pk)
    assert not page.live and state(entry) == "withdrawn"
    stored_live_revision = page.live_revision_id

    response = revert(client, editor, entry, old)

    assert response.status_code == 302
    page = Page.objects.get(pk=entry.pk)
    assert not page.live and page.live_revision_id == stored_live_revision
    assert page.latest_revision.as_object().title == "甲版本"
    assert state(entry) == "draft"
    assert public_html(client, entry) == ""


def test_reverting_a_draft(client, section, jwc, editor):
    entry = make_entry(section, key="admissions", department=jwc, publish=False, title="初稿")
    first = entry.latest_revision
    entry = DisclosureEntryPage.objects.get(pk=entry.pk).specific
    entry.title = "二稿"
    entry.save_revision()
    response = revert(client, editor, entry, first)
    assert response.status_code == 302
    page = Page.objects.get(pk=entry.pk)
    assert not page.live and page.live_revision_id is None
    assert page.latest_revision.as_object().title == "初稿"


def test_an_old_revision_still_cannot_be_put_live_by_saving_it(republished):
    """What the revert relies on is narrow: only a save that writes no live state field."""
    entry, old = republished
    page = old.as_object()
    assert page.live and page.live_revision_id != entry.live_revision_id
    with pytest.raises(PublicationBypassError):
        page.save()  # a full save would put the old content online
    with pytest.raises(PublicationBypassError):
        page.save(update_fields=["title", "live_revision"])
    stored = Page.objects.get(pk=entry.pk)
    assert stored.title == "乙版本" and stored.live_revision_id == entry.live_revision_id
