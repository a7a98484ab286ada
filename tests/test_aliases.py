"""Entries cannot be aliased (wagtail_disclosure.aliases).

Wagtail's aliases follow their original without revisions or review: an alias of an
entry would show it at a second address after it was withdrawn. The admin refuses to make
one, the model refuses to save one, and an alias made before this rule shows nothing of
the entry: its page redirects to the original only while the original is public.
"""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Page, Revision
from wagtail.rich_text import RichText

from tests.utils import (
    category_page,
    make_entry,
    publish_through_review,
    reviewer,
)
from wagtail_disclosure.aliases import ALIAS_REFUSED, EntryAliasError
from wagtail_disclosure.documents import document_serve_url
from wagtail_disclosure.models import Audience, DisclosureAttachment, DisclosureEntryPage
from wagtail_disclosure.workflow import take_transition

pytestmark = pytest.mark.django_db

MARKER = "别名正文标记"


@pytest.fixture
def section(shared_section):
    return shared_section


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.WAGTAIL_DISCLOSURE_API_THROTTLE_RATE = None


def make_document(name):
    return get_document_model().objects.create(
        title=name, file=ContentFile(b"a,b\n1,2\n", name=f"{name}.csv")
    )


def aliases():
    return Page.objects.filter(alias_of__isnull=False)


def copy_url(page):
    return reverse("wagtailadmin_pages:copy", args=[page.pk])


# -- refused in the admin and in the model ----------------------------------------------------


def test_the_copy_view_refuses_to_alias_an_entry(section, admin_client):
    entry = make_entry(section, key="basic")
    response = admin_client.post(
        copy_url(entry),
        {
            "new_title": entry.title,
            "new_slug": "alias-of-entry",
            "new_parent_page": entry.get_parent().pk,
            "alias": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == copy_url(entry)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert str(ALIAS_REFUSED) in messages, messages
    assert not aliases().exists()
    assert not Page.objects.filter(slug="alias-of-entry").exists()
    # The form itself still opens, and a plain copy is still possible.
    assert admin_client.get(copy_url(entry)).status_code == 200
    admin_client.post(
        copy_url(entry),
        {"new_title": "副本", "new_slug": "copy-of-entry", "new_parent_page": entry.get_parent().pk},
    )
    assert DisclosureEntryPage.objects.filter(slug="copy-of-entry", alias_of=None).exists()


def test_the_copy_view_refuses_a_recursive_alias_of_a_category_page(section, admin_client):
    entry = make_entry(section, key="basic")
    category = category_page(section, "basic")
    assert entry.get_parent().pk == category.pk
    response = admin_client.post(
        copy_url(category),
        {
            "new_title": "基本信息（别名）",
            "new_slug": "basic-alias",
            "new_parent_page": section.pk,
            "copy_subpages": "on",
            "alias": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == copy_url(category)
    assert not aliases().exists()


def test_a_category_page_without_its_entries_may_still_be_aliased(section, admin_client):
    make_entry(section, key="basic")
    category = category_page(section, "basic")
    admin_client.post(
        copy_url(category),
        {
            "new_title": "基本信息（别名）",
            "new_slug": "basic-alias",
            "new_parent_page": section.pk,
            "alias": "on",
        },
    )
    assert aliases().filter(alias_of=category).exists()
    assert not DisclosureEntryPage.objects.filter(alias_of__isnull=False).exists()


def test_the_model_refuses_an_alias_of_an_entry_by_any_path(section):
    entry = make_entry(section, key="basic")
    with pytest.raises(EntryAliasError):
        entry.create_alias(update_slug="alias-by-api")
    with pytest.raises(EntryAliasError):
        category_page(section, "basic").create_alias(
            recursive=True, parent=section, update_slug="basic-alias"
        )
    assert not DisclosureEntryPage.objects.filter(alias_of__isnull=False).exists()


# -- an alias made before the rule ---------------------------------------------------------------


def legacy_alias(entry, slug="old-alias"):
    """An alias as Wagtail made them before this rule: a copy of the page row that follows
    the original, live, without revisions (made here without the guard, by updating rows)."""
    copy = entry.copy(to=entry.get_parent(), update_attrs={"slug": slug, "title": entry.title})
    Revision.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page), object_id=str(copy.pk)
    ).delete()
    Page.objects.filter(pk=copy.pk).update(
        alias_of=entry,
        live=True,
        has_unpublished_changes=False,
        latest_revision=None,
        live_revision=None,
    )
    alias = DisclosureEntryPage.objects.get(pk=copy.pk).specific
    assert alias.live and alias.alias_of_id == entry.pk
    return alias


@pytest.fixture
def entry_with_alias(section):
    document = make_document("alias-doc")
    entry = make_entry(
        section,
        key="basic",
        title="别名测试条目",
        summary=MARKER,
        body=[("paragraph", RichText(f"<p>{MARKER}</p>"))],
        attachments=[DisclosureAttachment(document=document)],
    )
    alias = legacy_alias(entry)
    return entry, alias, document


def test_an_old_alias_redirects_to_its_public_original(entry_with_alias, client):
    entry, alias, _document = entry_with_alias
    assert alias.url != entry.url
    response = client.get(alias.url)
    assert response.status_code == 302 and response["Location"] == entry.url
    take_transition(entry, "withdraw", reviewer(), comment="撤回")
    response = client.get(alias.url)
    assert response.status_code == 302  # to the original's public trace
    assert MARKER not in client.get(response["Location"]).content.decode()


def test_an_old_alias_of_an_entry_that_is_no_longer_public_is_404(entry_with_alias, client):
    entry, alias, _document = entry_with_alias
    assert client.get(alias.url).status_code == 302
    # A new version for the campus only: publishing it updates (and keeps live) the alias.
    entry.audience = Audience.CAMPUS
    entry.restriction_reason = "仅限校内"
    entry.save_revision()
    publish_through_review(entry)
    alias.refresh_from_db()
    assert entry.live and not DisclosureEntryPage.objects.publicly_visible().filter(pk=entry.pk)
    assert alias.live and alias.alias_of_id == entry.pk
    assert client.get(entry.url).status_code == 404
    response = client.get(alias.url)
    assert response.status_code == 404
    assert MARKER not in response.content.decode()


def test_an_old_alias_of_a_withheld_entry_is_404(entry_with_alias, client):
    entry, alias, _document = entry_with_alias
    take_transition(entry, "withdraw", reviewer(), comment="依法不予公开", withheld=True)
    # Wagtail unpublishes aliases with their original; one left live says 404 all the same.
    Page.objects.filter(pk=alias.pk).update(live=True)
    assert client.get(alias.url).status_code == 404


def test_an_old_alias_is_not_public_anywhere(entry_with_alias, client, section):
    entry, alias, _document = entry_with_alias
    assert list(DisclosureEntryPage.objects.publicly_visible().values_list("pk", flat=True)) == [
        entry.pk
    ]
    listing = json.loads(client.get("/api/disclosure/v1/entries").content)
    assert [row["id"] for row in listing["results"]] == [entry.pk]
    assert client.get(f"/api/disclosure/v1/entries/{entry.pk}").status_code == 200
    assert client.get(f"/api/disclosure/v1/entries/{alias.pk}").status_code == 404
    # Wagtail's v2 pages API (wagtail_disclosure.api.v2) too.
    v2_list = client.get("/api/v2/pages/", {"type": "wagtail_disclosure.DisclosureEntryPage"})
    v2 = json.loads(v2_list.content)
    assert [row["id"] for row in v2["items"]] == [entry.pk]
    assert client.get(f"/api/v2/pages/{entry.pk}/").status_code == 200
    assert client.get(f"/api/v2/pages/{alias.pk}/").status_code == 404
    results = json.loads(client.get("/api/disclosure/v1/search", {"q": MARKER}).content)
    assert [row["id"] for row in results["results"]] == [entry.pk]
    html = client.get(section.url + "search/", {"q": MARKER}).content.decode()
    assert entry.url in html and alias.url not in html


def test_an_old_aliass_documents_follow_its_original(entry_with_alias, client):
    entry, alias, document = entry_with_alias
    assert DisclosureAttachment.objects.filter(page=alias, document=document).exists()
    assert client.get(document_serve_url(document)).status_code == 200  # the entry is public
    only_in_alias = make_document("only-in-alias")
    DisclosureAttachment.objects.create(page=alias, document=only_in_alias)
    assert client.get(document_serve_url(only_in_alias)).status_code == 404
    take_transition(entry, "withdraw", reviewer(), comment="撤回")
    assert client.get(document_serve_url(document)).status_code == 404
