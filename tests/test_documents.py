"""Documents follow the entries that use them (wagtail_disclosure.documents).

A document linked from an entry's rich text, shown in a document block of its body or
attached to it is served to the public only while every entry that uses it, in any
version, is public and current and uses it in its published version. Staff with a role
in the department of one of those entries may always download it; everyone else gets 404.
"""

import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.checks import run_checks
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db.migrations.loader import MigrationLoader
from django.http import Http404
from django.test import RequestFactory
from wagtail.documents import get_document_model
from wagtail.models import Revision
from wagtail.rich_text import RichText

from tests.utils import (
    grant,
    make_department,
    make_entry,
    publish_through_review,
    reviewer,
    staff,
)
from wagtail_disclosure.documents import (
    TABLE_MIGRATION,
    document_serve_url,
    rebuild_after_migrate,
    serve_document_check,
)
from wagtail_disclosure.models import (
    Audience,
    DisclosureAttachment,
    DisclosureEntryPage,
    DisclosureMode,
    EntryDocumentReference,
    ExemptionBasis,
)
from wagtail_disclosure.permissions import role_map
from wagtail_disclosure.workflow import take_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(shared_section):
    return shared_section


_numbers = iter(range(1, 10_000))


def make_document(title=None):
    number = next(_numbers)
    return get_document_model().objects.create(
        title=title or f"文件 {number}",
        file=ContentFile(b"a,b\n1,2\n", name=f"file-{number}.csv"),
    )


def rich_text_link(document):
    return [
        (
            "paragraph",
            RichText(f'<p>见<a linktype="document" id="{document.pk}">附表</a>。</p>'),
        )
    ]


def document_block(document):
    return [("document", {"document": document, "title": "下载"})]


HOW_USED = {
    "rich text link": lambda document: {"body": rich_text_link(document)},
    "document block": lambda document: {"body": document_block(document)},
    "attachment": lambda document: {"attachments": [DisclosureAttachment(document=document)]},
}


def status(client, document):
    return client.get(document_serve_url(document)).status_code


def is_current(entry):
    return DisclosureEntryPage.objects.current().filter(pk=entry.pk).exists()


# -- what counts as using a document --------------------------------------------------------


@pytest.mark.parametrize("how", HOW_USED)
def test_every_way_of_using_a_document_is_recorded_per_revision(section, how):
    document = make_document()
    entry = make_entry(section, key="basic", publish=False, **HOW_USED[how](document))
    assert EntryDocumentReference.objects.filter(
        page=entry, revision_id=entry.latest_revision_id, document_id=str(document.pk)
    ).exists()


@pytest.mark.parametrize("how", HOW_USED)
def test_a_draft_entrys_document_is_not_served_until_the_entry_is_published(
    section, client, how
):
    document = make_document()
    entry = make_entry(section, key="basic", publish=False, **HOW_USED[how](document))
    assert not entry.live
    assert status(client, document) == 404
    publish_through_review(entry)
    assert is_current(entry)
    assert status(client, document) == 200


def test_a_document_no_entry_uses_is_left_to_wagtail(section, client):
    document = make_document()
    make_entry(section, key="basic", publish=False)  # an entry that uses another document
    assert status(client, document) == 200


# -- every state that is not public -------------------------------------------------------------


def in_review(section, document, chain):
    entry = make_entry(section, key="basic", publish=False, body=rich_text_link(document))
    return publish_through_review(entry, chain=chain)


def withdrawn(section, document, withheld=False):
    entry = make_entry(section, key="basic", body=rich_text_link(document))
    assert is_current(entry)
    take_transition(entry, "withdraw", reviewer(), comment="撤回", withheld=withheld)
    return entry


def restricted(section, document, **fields):
    return make_entry(
        section, key="basic", body=rich_text_link(document), restriction_reason="仅限校内", **fields
    )


NOT_PUBLIC = {
    "draft": lambda s, d: make_entry(s, key="basic", publish=False, body=rich_text_link(d)),
    "submitted": lambda s, d: in_review(s, d, ("submit",)),
    "department approved": lambda s, d: in_review(s, d, ("submit", "approve")),
    "cleared": lambda s, d: in_review(s, d, ("submit", "approve", "clear")),
    "withdrawn": lambda s, d: withdrawn(s, d),
    "withheld": lambda s, d: withdrawn(s, d, withheld=True),
    "campus only": lambda s, d: restricted(s, d, audience=Audience.CAMPUS),
    "on request": lambda s, d: restricted(s, d, disclosure_mode=DisclosureMode.ON_REQUEST),
    "exempt": lambda s, d: restricted(
        s, d, disclosure_mode=DisclosureMode.EXEMPT, exemption_basis=ExemptionBasis.PRIVACY
    ),
}


@pytest.mark.parametrize("state", NOT_PUBLIC)
def test_documents_of_entries_that_are_not_public_are_404_but_staff_of_the_department_get_them(
    section, client, django_user_model, state
):
    jwc = make_department("JWC", "教务处")
    zsjy = make_department("ZSJY", "招生就业处")
    document = make_document()
    entry = NOT_PUBLIC[state](section, document)
    assert entry.department_id == jwc.pk
    assert not is_current(entry)
    assert EntryDocumentReference.objects.filter(page=entry, document_id=str(document.pk)).exists()
    assert status(client, document) == 404

    own = staff(django_user_model, "editor-own", section)
    grant(own, "edit_entries", jwc)
    client.force_login(own)
    assert status(client, document) == 200

    other = staff(django_user_model, "editor-other", section)
    grant(other, "edit_entries", zsjy)
    client.force_login(other)
    assert status(client, document) == 404


# -- versions -------------------------------------------------------------------------------


def test_a_document_only_in_a_new_version_in_review_is_not_served(section, client):
    entry = make_entry(section, key="basic", title="第一版")
    document = make_document()
    entry.body = document_block(document)
    entry.attachments = [DisclosureAttachment(document=make_document())]
    entry.save_revision()
    entry.refresh_from_db()
    assert is_current(entry) and entry.live_revision_id != entry.latest_revision_id
    assert status(client, document) == 404  # the live version does not use it
    publish_through_review(entry)
    assert entry.live_revision_id == entry.latest_revision_id
    assert status(client, document) == 200


def test_a_document_dropped_from_the_published_version_is_no_longer_served(section, client):
    document = make_document()
    entry = make_entry(section, key="basic", body=rich_text_link(document))
    assert status(client, document) == 200
    entry.body = []
    entry.save_revision()
    publish_through_review(entry)
    assert is_current(entry)
    assert status(client, document) == 404  # an old version used it


def test_purging_old_revisions_does_not_make_their_documents_public(section, client):
    dropped, kept = make_document(), make_document()
    entry = make_entry(section, key="basic", publish=False, body=rich_text_link(dropped))
    first = entry.latest_revision_id
    entry.body = rich_text_link(kept)
    entry.save_revision()
    publish_through_review(entry)
    assert status(client, dropped) == 404 and status(client, kept) == 200
    call_command("purge_revisions", stdout=io.StringIO())
    assert not Revision.objects.filter(pk=first).exists()
    assert status(client, dropped) == 404  # the entry used it in a version, now purged
    assert status(client, kept) == 200


def test_a_document_is_public_only_if_every_entry_using_it_is(section, client):
    document = make_document()
    public = make_entry(section, key="basic", body=rich_text_link(document))
    assert status(client, document) == 200
    draft = make_entry(section, key="basic", publish=False, body=document_block(document))
    assert is_current(public) and not is_current(draft)
    assert status(client, document) == 404
    publish_through_review(draft)
    assert status(client, document) == 200


def test_an_entry_published_without_a_live_revision_is_read_from_the_page_row(section, client):
    """Pages that went live outside Wagtail's revisions (old imports): Wagtail's reference
    index of the page row says what the live version uses."""
    document = make_document()
    entry = make_entry(section, key="basic", body=rich_text_link(document))
    EntryDocumentReference.objects.filter(page=entry).delete()
    DisclosureEntryPage.objects.filter(pk=entry.pk).update(live_revision=None)
    assert status(client, document) == 200
    unused = make_document()
    EntryDocumentReference.objects.create(
        page=entry, revision_id=entry.latest_revision_id, document_id=str(unused.pk)
    )
    assert status(client, unused) == 404


# -- cost -------------------------------------------------------------------------------------


def check_request(user=None):
    request = RequestFactory().get("/documents/")
    request.user = user or AnonymousUser()
    return request


def test_the_check_costs_the_same_few_queries_however_many_entries_use_the_document(
    section, django_assert_num_queries, django_user_model
):
    document = make_document()
    make_entry(section, key="basic", body=rich_text_link(document))
    serve_document_check(document, check_request())  # content types are cached after this
    with django_assert_num_queries(2):  # view restrictions, then the entries
        assert serve_document_check(document, check_request()) is None

    for _ in range(4):
        make_entry(section, key="basic", publish=False, body=document_block(document))
    with django_assert_num_queries(2), pytest.raises(Http404):
        serve_document_check(document, check_request())

    editor = staff(django_user_model, "editor", section)
    grant(editor, "edit_entries", make_department())
    editor = django_user_model.objects.get(pk=editor.pk)
    role_map(editor)  # the user's roles: read once per request, whatever is checked
    with django_assert_num_queries(2):
        assert serve_document_check(document, check_request(editor)) is None


# -- filling the table for existing revisions -----------------------------------------------------


def test_the_rebuild_command_records_existing_revisions_again(section, client):
    document = make_document()
    entry = make_entry(section, key="basic", body=rich_text_link(document))
    draft = make_entry(section, key="basic", publish=False, body=document_block(document))
    publish_through_review(draft)
    fields = ("page_id", "revision_id", "document_id")
    expected = set(EntryDocumentReference.objects.values_list(*fields))
    assert {(entry.pk, entry.live_revision_id, str(document.pk))} <= expected
    assert status(client, document) == 200

    EntryDocumentReference.objects.all().delete()  # a site upgrading from before the table
    assert status(client, document) == 404  # fails closed until the table is filled

    out = io.StringIO()
    call_command("disclosure_rebuild_document_references", stdout=out)
    assert "entry revisions read" in out.getvalue()
    assert set(EntryDocumentReference.objects.values_list(*fields)) == expected
    assert status(client, document) == 200

    call_command("disclosure_rebuild_document_references", stdout=io.StringIO())
    assert EntryDocumentReference.objects.count() == len(expected)  # idempotent


def test_applying_the_migration_fills_the_table(section):
    document = make_document()
    entry = make_entry(section, key="basic", body=rich_text_link(document))
    EntryDocumentReference.objects.all().delete()
    migration = MigrationLoader(None, ignore_no_migrations=True).graph.nodes[TABLE_MIGRATION]
    other = MigrationLoader(None, ignore_no_migrations=True).graph.nodes[
        ("wagtail_disclosure", "0008_search_index_title_body_gin")
    ]

    rebuild_after_migrate(sender=None, plan=[(other, False)], verbosity=0)
    assert not EntryDocumentReference.objects.exists()
    rebuild_after_migrate(sender=None, plan=[(migration, True)], verbosity=0)  # backwards
    assert not EntryDocumentReference.objects.exists()
    # As `migrate` does once every migration is applied: the receiver is connected.
    emit_post_migrate_signal(
        verbosity=0, interactive=False, db="default", plan=[(other, False), (migration, False)]
    )
    assert EntryDocumentReference.objects.filter(
        page=entry, revision_id=entry.live_revision_id, document_id=str(document.pk)
    ).exists()


# -- WAGTAILDOCS_SERVE_METHOD ----------------------------------------------------------------------


SERVE_METHODS = ["serve_view", "redirect", "direct"]


@pytest.mark.parametrize("method", SERVE_METHODS)
def test_the_serve_view_checks_in_every_serve_method(section, client, settings, method):
    settings.WAGTAILDOCS_SERVE_METHOD = method
    hidden, shown = make_document(), make_document()
    make_entry(section, key="basic", publish=False, body=rich_text_link(hidden))
    make_entry(section, key="basic", body=rich_text_link(shown))
    if method == "direct":
        assert shown.url.startswith(settings.MEDIA_URL)  # Wagtail's own links skip the view
    assert client.get(document_serve_url(hidden)).status_code == 404
    response = client.get(document_serve_url(shown))
    if method == "serve_view":
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response["Location"] == shown.file.url


@pytest.mark.parametrize("method", SERVE_METHODS)
def test_the_packages_own_links_go_through_the_serve_view(section, client, settings, method):
    settings.WAGTAILDOCS_SERVE_METHOD = method
    settings.WAGTAIL_DISCLOSURE_API_THROTTLE_RATE = None
    in_block, attached = make_document(), make_document()
    entry = make_entry(
        section,
        key="basic",
        body=document_block(in_block),
        attachments=[DisclosureAttachment(document=attached)],
    )
    html = client.get(entry.url).content.decode()
    api = json.loads(client.get(f"/api/disclosure/v1/entries/{entry.pk}").content)
    v2 = json.loads(client.get(f"/api/v2/pages/{entry.pk}/?fields=api_attachments").content)
    for document in (in_block, attached):
        assert f'href="{document_serve_url(document)}"' in html
    assert [a["url"] for a in api["attachments"]] == [
        "http://testserver" + document_serve_url(attached)
    ]
    assert [a["url"] for a in v2["api_attachments"]] == [document_serve_url(attached)]
    assert settings.MEDIA_URL + "documents/" not in html


def serve_method_warnings():
    return [m for m in run_checks() if m.id == "wagtail_disclosure.W004"]


@pytest.mark.parametrize(
    ("method", "warned"),
    [(None, False), ("serve_view", False), ("redirect", True), ("direct", True)],
)
def test_a_system_check_warns_when_downloads_can_skip_the_check(settings, method, warned):
    if method is None:
        assert not hasattr(settings, "WAGTAILDOCS_SERVE_METHOD")  # Wagtail's default
    else:
        settings.WAGTAILDOCS_SERVE_METHOD = method
    assert bool(serve_method_warnings()) is warned
