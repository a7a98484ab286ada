"""The printable review record of a version (issue 11, 审核记录 / 保密审查记录): the page,
the .docx, who may see them, and a query count that does not grow with the history."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from wagtail.models import PageLogEntry

from tests.utils import grant, make_department, make_entry, staff
from wagtail_disclosure.people import person_name
from wagtail_disclosure.permissions import Role
from wagtail_disclosure.workflow import take_transition

REASON = "请补充发文字号后再提交。"


@pytest.fixture
def section(shared_section):
    return shared_section


@pytest.fixture
def jwc():
    return make_department("JWC", "教务处")


@pytest.fixture
def people(section, jwc, django_user_model):
    """One person per role in 教务处, with Chinese names."""
    names = {
        Role.DEPARTMENT_EDITOR: ("editor", "郑", "蓉"),
        Role.DEPARTMENT_REVIEWER: ("head", "王", "强"),
        Role.CONFIDENTIALITY_REVIEWER: ("secrecy", "李", "静"),
        Role.DISCLOSURE_OFFICE: ("office", "陈", "明"),
    }
    people = {}
    for role, (username, last, first) in names.items():
        user = staff(django_user_model, username, section, last_name=last, first_name=first)
        grant(user, role, jwc)
        people[role] = user
    return people


def record_url(entry, revision=None, docx=False):
    name = "wagtail_disclosure:review_record_docx" if docx else "wagtail_disclosure:review_record"
    url = reverse(name, args=[entry.pk])
    return f"{url}?revision={revision.pk}" if revision is not None else url


def reviewed_entry(section, jwc, people, rounds=1):
    """An entry submitted and sent back ``rounds`` times, then taken through to publication."""
    entry = make_entry(section, publish=False, department=jwc, document_number="教发〔2026〕7号")
    for _ in range(rounds):
        take_transition(entry, "submit", people[Role.DEPARTMENT_EDITOR])
        take_transition(entry, "reject", people[Role.DEPARTMENT_REVIEWER], comment=REASON)
    take_transition(entry, "submit", people[Role.DEPARTMENT_EDITOR])
    take_transition(entry, "approve", people[Role.DEPARTMENT_REVIEWER], comment="同意")
    take_transition(entry, "clear", people[Role.CONFIDENTIALITY_REVIEWER], comment="无涉密内容")
    take_transition(entry, "publish", people[Role.DISCLOSURE_OFFICE])
    entry.refresh_from_db()
    return entry


def log_times(entry):
    return [
        timezone.localtime(log.timestamp).strftime("%Y-%m-%d %H:%M")
        for log in PageLogEntry.objects.filter(
            page_id=entry.pk, action__startswith="wagtail_disclosure."
        ).order_by("timestamp", "pk")
    ]


def test_names_are_surname_first(people):
    assert person_name(people[Role.DEPARTMENT_EDITOR]) == "郑蓉"


def test_the_page_shows_the_metadata_and_every_decision(section, jwc, people, client):
    entry = reviewed_entry(section, jwc, people)
    assert entry.live  # published: the record is of the published version
    client.force_login(people[Role.DEPARTMENT_EDITOR])
    response = client.get(record_url(entry))
    assert response.status_code == 200
    html = response.content.decode()
    assert entry.title in html and entry.index_number in html and "教发〔2026〕7号" in html
    assert "教务处" in html
    for name in ("郑蓉", "王强", "李静", "陈明"):
        assert name in html
    assert REASON in html and "同意" in html and "无涉密内容" in html
    times = log_times(entry)
    assert len(times) == 6  # submit, reject, submit, approve, clear, publish
    for time in times:
        assert time in html
    assert html.count('class="step ') == 6
    assert html.count(' sent-back"') == 1
    assert "@media print" in html
    assert reverse("wagtail_disclosure:review_record_docx", args=[entry.pk]) in html
    record = response.context["record"]
    assert [step.transition for step in record.steps] == [
        "submit",
        "reject",
        "submit",
        "approve",
        "clear",
        "publish",
    ]
    assert record.revision.pk == entry.live_revision_id


def test_the_record_of_an_earlier_version(section, jwc, people, client):
    entry = reviewed_entry(section, jwc, people)
    first = entry.live_revision
    draft = entry.specific.get_latest_revision_as_object()
    draft.title = "新版本"
    second = draft.save_revision()
    client.force_login(people[Role.DEPARTMENT_EDITOR])
    latest = client.get(record_url(entry))
    assert latest.context["record"].revision.pk == first.pk  # still the reviewed one
    new = client.get(record_url(entry, second))
    steps = [step.transition for step in new.context["record"].steps]
    assert steps == ["reopen"]  # the new version: saved, nothing decided yet
    assert "新版本" in new.content.decode()


def test_the_docx_has_the_same_record(section, jwc, people, client):
    entry = reviewed_entry(section, jwc, people)
    client.force_login(people[Role.DISCLOSURE_OFFICE])
    response = client.get(record_url(entry, docx=True))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "attachment" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    everything = text + "\n" + "\n".join(cells)
    assert entry.title in cells and entry.index_number in cells and "教发〔2026〕7号" in cells
    for name in ("郑蓉", "王强", "李静", "陈明"):
        assert name in cells
    assert REASON in cells and "同意" in cells and "无涉密内容" in cells
    for time in log_times(entry):
        assert time in cells
    assert "____" in everything  # signature lines


def test_only_people_of_the_department_see_it(section, jwc, people, client, django_user_model):
    entry = reviewed_entry(section, jwc, people)
    other = make_department("CWC", "财务处")
    outsider = staff(django_user_model, "outsider", section)
    grant(outsider, Role.DISCLOSURE_OFFICE, other)
    nobody = staff(django_user_model, "nobody", section)
    for user in (outsider, nobody):
        client.force_login(user)
        for docx in (False, True):
            response = client.get(record_url(entry, docx=docx))
            assert response.status_code == 403
            assert entry.title not in response.content.decode()
    client.force_login(people[Role.CONFIDENTIALITY_REVIEWER])
    assert client.get(record_url(entry)).status_code == 200
    client.force_login(django_user_model.objects.create_superuser("root", password="pw"))
    assert client.get(record_url(entry, docx=True)).status_code == 200


def test_unknown_pages_and_revisions_are_not_found(section, jwc, people, client):
    entry = reviewed_entry(section, jwc, people)
    other = make_entry(section, publish=False, department=jwc)
    client.force_login(people[Role.DEPARTMENT_EDITOR])
    assert client.get(record_url(entry, other.get_latest_revision())).status_code == 404
    assert client.get(record_url(entry) + "?revision=x").status_code == 404
    assert (
        client.get(reverse("wagtail_disclosure:review_record", args=[section.pk])).status_code
        == 404
    )
    assert client.get(reverse("wagtail_disclosure:review_record", args=[999999])).status_code == 404


def test_queries_do_not_grow_with_the_history(section, jwc, people, client):
    short = reviewed_entry(section, jwc, people, rounds=1)
    long = reviewed_entry(section, jwc, people, rounds=4)
    client.force_login(people[Role.DEPARTMENT_EDITOR])
    client.get(record_url(short))  # the session and the roles, read once
    counts = []
    for entry in (short, long):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(record_url(entry))
        assert response.status_code == 200
        counts.append((len(response.context["record"].steps), len(queries)))
    (short_steps, short_queries), (long_steps, long_queries) = counts
    assert long_steps == short_steps + 6  # really a longer history
    assert long_queries == short_queries


def test_linked_from_the_entry_header_and_listing(section, jwc, people, client):
    entry = reviewed_entry(section, jwc, people)
    url = reverse("wagtail_disclosure:review_record", args=[entry.pk])
    client.force_login(people[Role.DEPARTMENT_EDITOR])
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[entry.pk]))
    assert edit.status_code == 200
    assert f'href="{url}"' in edit.content.decode()
    parent = entry.get_parent()
    listing = client.get(reverse("wagtailadmin_explore", args=[parent.pk]))
    assert listing.status_code == 200
    assert f'href="{url}"' in listing.content.decode()
