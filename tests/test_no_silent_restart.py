"""No silent restarts (issue 11): saving an entry that is in review without changing it
keeps its state and makes no revision; saving a changed version says, before and after,
that the review starts again. Through Wagtail's own edit view (7.4 and 8)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import Page, Revision
from wagtail.test.utils.form_data import querydict_from_html, rich_text

from tests.test_pages import edit_form_data
from tests.utils import make_department, make_entry, reviewer
from wagtail_disclosure.editing import restart_warning
from wagtail_disclosure.models import EntryReview
from wagtail_disclosure.models.review import ReviewState
from wagtail_disclosure.workflow import take_transition


@pytest.fixture
def section(shared_section):
    return shared_section


def edit_url(entry):
    return reverse("wagtailadmin_pages:edit", args=[entry.pk])


def state(entry):
    return EntryReview.objects.get(page_id=entry.pk).state


def revisions(entry):
    return Revision.page_revisions.filter(object_id=str(entry.pk)).count()


def latest(entry):
    return Page.objects.get(pk=entry.pk).specific.get_latest_revision_as_object()


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def browser_form_data(client, entry):
    """What a browser posts from the edit page as it is shown: the form's fields, and the
    body as Wagtail's editor posts it (its blocks with their ids; the editor builds them
    with JavaScript, so they are not in the HTML)."""
    html = client.get(edit_url(entry)).content.decode()
    data = querydict_from_html(html, form_id="page-edit-form")
    body = latest(entry).body
    data["body-count"] = str(len(body))
    for index, block in enumerate(body):
        assert block.block_type == "paragraph"
        data[f"body-{index}-type"] = "paragraph"
        data[f"body-{index}-id"] = block.id
        data[f"body-{index}-value"] = rich_text(block.value.source)
        data[f"body-{index}-order"] = str(index)
        data[f"body-{index}-deleted"] = ""
    return data


def entry_in(section, client, *chain):
    """An entry saved once through the edit view (with a body), then taken along ``chain``."""
    entry = make_entry(section, publish=False, department=make_department())
    response = client.post(edit_url(entry), edit_form_data(entry.specific))
    assert response.status_code == 302
    assert latest(entry).body  # the body is really there
    for name in chain:
        take_transition(entry, name, reviewer())
    return entry


def test_saving_without_changes_keeps_the_state_and_makes_no_revision(section, admin_client):
    entry = entry_in(section, admin_client, "submit", "approve", "clear")
    assert state(entry) == "cleared"
    count = revisions(entry)
    data = browser_form_data(admin_client, entry)
    response = admin_client.post(edit_url(entry), data)
    assert response.status_code == 302
    assert response["Location"] == edit_url(entry)
    assert state(entry) == "cleared"
    assert revisions(entry) == count
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        expected = _("Nothing changed: the entry stays “%(state)s”.") % {
            "state": ReviewState.CLEARED.label
        }
    assert expected in [text.strip() for text in texts(response)]
    # The same form with one change does save, and restarts the review.
    data["title"] = "改过的标题"
    response = admin_client.post(edit_url(entry), data)
    assert response.status_code == 302
    assert revisions(entry) == count + 1
    assert state(entry) == "draft"


def test_saving_a_changed_version_restarts_and_says_so(section, admin_client):
    entry = entry_in(section, admin_client, "submit", "approve")
    assert state(entry) == "department_approved"
    data = browser_form_data(admin_client, entry)
    data["summary"] = "新的概述"
    response = admin_client.post(edit_url(entry), data)
    assert response.status_code == 302
    assert state(entry) == "draft"
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        before, after = (str(ReviewState(name).label) for name in ("department_approved", "draft"))
        expected = _(
            "The review restarted: “%(before)s” → “%(after)s”. Submit the new version "
            "for review when it is ready."
        ) % {"before": before, "after": after}
    assert [text.strip() for text in texts(response) if "→" in text] == [expected]


def test_saving_a_draft_says_nothing_of_a_restart(section, admin_client):
    entry = entry_in(section, admin_client)
    assert state(entry) == "draft"
    data = browser_form_data(admin_client, entry)
    data["summary"] = "新的概述"
    count = revisions(entry)
    response = admin_client.post(edit_url(entry), data)
    assert response.status_code == 302
    assert revisions(entry) == count + 1
    assert state(entry) == "draft"
    assert [text for text in texts(response) if "→" in text] == []


def test_the_warning_is_on_the_edit_page_of_an_entry_in_review_only(section, admin_client):
    draft = entry_in(section, admin_client)
    submitted = entry_in(section, admin_client, "submit")
    published = entry_in(section, admin_client, "submit", "approve", "clear", "publish")
    assert state(submitted) == "submitted" and state(published) == "published"
    response = admin_client.get(edit_url(draft))
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        warning = restart_warning()
        button = _("Save draft and restart the review")
    html = admin_client.get(edit_url(draft)).content.decode()
    assert warning not in html and button not in html
    assert "action-save" in html  # the draft's own Save button is there
    for entry in (submitted, published):
        html = admin_client.get(edit_url(entry)).content.decode()
        assert warning in html
        assert button in html


def test_automatic_saves_never_restart_a_review(section, admin_client):
    """Wagtail 8 saves drafts automatically (a POST that asks for JSON): not an entry in
    review, which only the person pressing Save sends back to draft."""
    entry = entry_in(section, admin_client, "submit")
    count = revisions(entry)
    data = browser_form_data(admin_client, entry)
    data["summary"] = "自动保存"
    response = admin_client.post(edit_url(entry), data, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.json()["error_code"] == "review_restart"
    assert state(entry) == "submitted"
    assert revisions(entry) == count
