"""sitemap.xml (wagtail.contrib.sitemaps) lists the entries the public may read, no other.

Wagtail lists every live page without a view restriction; entries that are live but not
public (campus only, on request, not disclosed) and aliases must stay out. Withheld
entries and drafts are not live. A withdrawn entry stays listed: its page is the public
trace (docs/security.md).
"""

import pytest
from wagtail.models import Page, PageViewRestriction

from tests.utils import category_page, make_entry, reviewer
from wagtail_disclosure.workflow import take_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(shared_section):
    return shared_section


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return response.content.decode()


def test_only_publicly_visible_entries_are_listed(client, section):
    public = make_entry(section, title="公开条目")
    withdrawn = make_entry(section, title="撤回留痕条目")
    take_transition(withdrawn, "withdraw", reviewer(), comment="已更正")
    not_listed = {
        "campus": make_entry(
            section, key="students", audience="campus", restriction_reason="仅限校内"
        ),
        "on_request": make_entry(
            section, key="finance", disclosure_mode="on_request", restriction_reason="依申请"
        ),
        "exempt": make_entry(
            section,
            key="personnel",
            disclosure_mode="exempt",
            exemption_basis="privacy",
            restriction_reason="个人隐私",
        ),
        "withheld": make_entry(section, key="basic"),
        "draft": make_entry(section, key="basic", publish=False),
        "restricted": make_entry(section, key="teaching"),
    }
    take_transition(not_listed["withheld"], "withdraw", reviewer(), comment="依法", withheld=True)
    PageViewRestriction.objects.create(
        page=not_listed["restricted"], restriction_type="password", password="x"
    )
    for entry in not_listed.values():
        entry.refresh_from_db()
    # The hidden ones that are live really are: only the review or the mode hides them.
    assert all(not_listed[kind].live for kind in ("campus", "on_request", "exempt", "restricted"))
    assert not not_listed["withheld"].live and not not_listed["draft"].live

    xml = sitemap(client)
    assert f"<loc>{public.get_full_url()}</loc>" in xml
    assert f"<loc>{withdrawn.get_full_url()}</loc>" in xml
    assert f"<loc>{section.get_full_url()}</loc>" in xml  # other pages as Wagtail lists them
    for kind, entry in not_listed.items():
        assert f"<loc>{entry.get_full_url()}</loc>" not in xml, kind


def test_aliases_of_entries_are_not_listed(client, section):
    """New aliases of entries are refused (wagtail_disclosure.aliases); one made before
    that, still in the database, is live at a second address and must not be listed."""
    entry = make_entry(section, title="原条目")
    copy = entry.copy(to=category_page(section, "admissions"), update_attrs={"slug": "alias-x"})
    Page.objects.filter(pk=copy.pk).update(alias_of=entry, live=True)
    copy.refresh_from_db()
    assert copy.live and copy.alias_of_id == entry.pk
    xml = sitemap(client)
    assert f"<loc>{entry.get_full_url()}</loc>" in xml
    assert f"<loc>{copy.get_full_url()}</loc>" not in xml
