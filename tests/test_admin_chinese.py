"""The package's own admin screens in zh-hans: no English from Wagtail's generic screens,
people named surname first, no AnonymousUser in pickers, readable messages; and the review
queue with working days left, highlighted rows and the soonest deadline first."""

import datetime
import html as html_lib
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from guardian.conf import settings as guardian_settings

from tests.utils import grant, make_department, make_entry, reviewer, staff
from wagtail_disclosure.api.main import API_PREFIX
from wagtail_disclosure.models import (
    ApiToken,
    ChecklistItem,
    DepartmentUserObjectPermission,
    EntryReview,
)
from wagtail_disclosure.people import person_name
from wagtail_disclosure.permissions import Role, role_permissions
from wagtail_disclosure.workflow import take_transition
from wagtail_disclosure.working_days import DeadlineState, DeadlineStatus

QUEUE = reverse("wagtail_disclosure:review_queue")
STAFF = f"/{API_PREFIX}staff"


@pytest.fixture
def section(shared_section):
    return shared_section


@pytest.fixture
def jwc():
    return make_department("JWC", "教务处")


@pytest.fixture
def office(django_user_model):
    user = staff(django_user_model, "office")
    grant(user, Role.DISCLOSURE_OFFICE)  # for every department
    return user


@pytest.fixture
def zheng_rong(django_user_model):
    return staff(django_user_model, "zr", first_name="蓉", last_name="郑")


@pytest.fixture
def anonymous(django_user_model):
    user, _created = django_user_model.objects.get_or_create(
        username=guardian_settings.ANONYMOUS_USER_NAME
    )
    return user


def visible_text(html):
    """The text a person reads: without scripts, styles, tags and attributes."""
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", html))


def messages_of(response):
    """The messages of the session, oldest first (those of a redirect are not shown yet)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


# -- person names ---------------------------------------------------------------------------


def test_person_name_puts_chinese_surnames_first(django_user_model):
    User = get_user_model()
    assert person_name(User(username="zr", first_name="蓉", last_name="郑")) == "郑蓉"
    assert person_name(User(username="oy", first_name="修", last_name="欧阳")) == "欧阳修"
    assert person_name(User(username="z", last_name="郑")) == "郑"
    assert person_name(User(username="ada", first_name="Ada", last_name="Lovelace")) == (
        "Ada Lovelace"
    )
    assert person_name(User(username="nobody")) == "nobody"
    assert person_name(None) == ""


def test_notices_name_people_surname_first(
    section, jwc, django_user_model, mailoutbox, django_capture_on_commit_callbacks
):
    entry = make_entry(section, publish=False, department=jwc)
    author = staff(django_user_model, "author", first_name="蓉", last_name="郑", email="a@x.cn")
    head = staff(django_user_model, "head", first_name="伟", last_name="王", email="h@x.cn")
    grant(author, Role.DEPARTMENT_EDITOR, jwc)
    grant(head, Role.DEPARTMENT_REVIEWER, jwc)
    with django_capture_on_commit_callbacks(execute=True):
        take_transition(entry, "submit", author)
    with django_capture_on_commit_callbacks(execute=True):
        take_transition(entry, "reject", head, comment="请补充发文字号后再提交。")
    bodies = [message.body for message in mailoutbox]
    assert any("王伟" in body for body in bodies), bodies  # the reviewer was told, by name
    assert any("郑蓉" in body for body in bodies), bodies
    assert not any("蓉 郑" in body or "伟 王" in body for body in bodies)


# -- role screens ---------------------------------------------------------------------------


def test_roles_screen_in_chinese(section, jwc, office, zheng_rong, client):
    grant(zheng_rong, Role.DEPARTMENT_EDITOR, jwc)
    client.force_login(office)
    response = client.get(reverse("disclosure_user_roles:index"))
    assert response.status_code == 200 and len(response.context["object_list"]) == 1
    text = visible_text(response.content.decode())
    with translation.override("zh-hans"):
        role = str(Role.DEPARTMENT_EDITOR.label)
    assert "郑蓉" in text and "教务处" in text and role in text
    assert "蓉 郑" not in text
    assert not re.search(r"\bUser\b", text), "the holder column is labelled in English"
    assert "用户" in text


def test_role_pickers_leave_out_anonymous_user(section, jwc, office, zheng_rong, anonymous, client):
    assert get_user_model().objects.filter(pk=anonymous.pk).exists()
    client.force_login(office)
    form = client.get(reverse("disclosure_user_roles:add")).context["form"]
    users = form.fields["user"]
    assert zheng_rong in users.queryset and anonymous not in users.queryset
    labels = [label for value, label in users.choices if value]
    assert "郑蓉 (zr)" in labels
    assert not any("AnonymousUser" in str(label) for label in labels)

    response = client.get(reverse("disclosure_user_roles:index"))
    html = response.content.decode()
    assert "郑蓉 (zr)" in html  # the filter by person
    assert guardian_settings.ANONYMOUS_USER_NAME not in html


def test_assigning_a_role_says_who_now_holds_what(section, jwc, office, zheng_rong, client):
    client.force_login(office)
    editor = role_permissions().get(codename=Role.DEPARTMENT_EDITOR)
    response = client.post(
        reverse("disclosure_user_roles:add"),
        {"content_object": jwc.pk, "user": zheng_rong.pk, "permission": editor.pk},
    )
    assert response.status_code == 302
    assignment = DepartmentUserObjectPermission.objects.get(user=zheng_rong)
    with translation.override("zh-hans"):
        role = str(Role.DEPARTMENT_EDITOR.label)
    message = messages_of(response)[-1]
    assert "郑蓉" in message and role in message and "教务处" in message, message
    assert Role.DEPARTMENT_EDITOR.value not in message and "|" not in message, message

    title = f"郑蓉 · {role} · 教务处"
    for name in ("disclosure_user_roles:edit", "disclosure_user_roles:delete"):
        text = visible_text(client.get(reverse(name, args=[assignment.pk])).content.decode())
        assert title in text, name
        assert Role.DEPARTMENT_EDITOR.value not in text, name

    response = client.post(reverse("disclosure_user_roles:delete", args=[assignment.pk]))
    assert response.status_code == 302
    assert not DepartmentUserObjectPermission.objects.filter(pk=assignment.pk).exists()
    message = messages_of(response)[-1]
    assert "郑蓉" in message and role in message and "教务处" in message, message
    assert Role.DEPARTMENT_EDITOR.value not in message and "|" not in message, message

    group = Group.objects.create(name="教务处编辑组")
    response = client.post(
        reverse("disclosure_group_roles:add"),
        {"content_object": jwc.pk, "group": group.pk, "permission": editor.pk},
    )
    assert response.status_code == 302
    message = messages_of(response)[-1]
    assert "教务处编辑组" in message and role in message, message
    assert Role.DEPARTMENT_EDITOR.value not in message, message


@pytest.mark.parametrize(
    "index, add", [("disclosure_group_roles:index", "disclosure_group_roles:add"),
                   ("disclosure_api_tokens:index", "disclosure_api_tokens:add")]
)  # fmt: skip
def test_empty_listings_have_no_wagtail_english(section, office, client, index, add):
    client.force_login(office)
    response = client.get(reverse(index))
    assert response.status_code == 200 and len(response.context["object_list"]) == 0
    html = response.content.decode()
    text = visible_text(html)
    assert f'href="{reverse(add)}"' in html  # the empty listing offers to add one
    assert "There are no" not in text and "Why not" not in text
    assert not re.search(r"\bUser\b", text)


def test_token_listing_names_owners_surname_first(section, office, zheng_rong, client):
    ApiToken.objects.create_token(user=zheng_rong, name="审核控制台")
    client.force_login(office)
    response = client.get(reverse("disclosure_api_tokens:index"))
    assert len(response.context["object_list"]) == 1
    text = visible_text(response.content.decode())
    assert "郑蓉" in text and "蓉 郑" not in text
    assert not re.search(r"\bUser\b", text)


# -- the queue ------------------------------------------------------------------------------


def due_soon_start(today):
    for days in range(1, 60):
        start = today - datetime.timedelta(days=days)
        if DeadlineStatus.compute(start, 20, today=today).state == DeadlineState.DUE_SOON:
            return start
    raise AssertionError("no start date gives a due-soon deadline")


@pytest.fixture
def head(django_user_model, section, jwc):
    """The department reviewer of 教务处, whose queue holds the submitted entries."""
    user = staff(django_user_model, "head", section, first_name="伟", last_name="王")
    grant(user, Role.DEPARTMENT_REVIEWER, jwc)
    return user


@pytest.fixture
def queue_entries(section, jwc):
    """Four entries submitted in an order (oldest first: 今天, 长期, 临期, 逾期) unlike
    their deadlines; 长期 has an earlier document date than 临期 but a longer period."""
    today = timezone.localdate()
    items = list(
        ChecklistItem.objects.filter(category__checklist=section.checklist)
        .filter(category__key="admissions")
        .order_by("number")[:2]
    )
    ChecklistItem.objects.filter(pk=items[0].pk).update(update_within_working_days=20)
    ChecklistItem.objects.filter(pk=items[1].pk).update(update_within_working_days=30)
    soon = due_soon_start(today)
    specs = [
        ("今天", items[0], today),
        ("长期", items[1], soon - datetime.timedelta(days=1)),
        ("临期", items[0], soon),
        ("逾期", items[0], today - datetime.timedelta(days=90)),
    ]
    entries = {}
    for n, (title, item, date) in enumerate(specs):
        entry = make_entry(
            section,
            publish=False,
            department=jwc,
            title=title,
            item_code=item.code,
            document_date=date,
        )
        take_transition(entry, "submit", reviewer())
        EntryReview.objects.filter(page_id=entry.pk).update(
            state_changed_at=timezone.now() - datetime.timedelta(days=10 - n)
        )
        entries[title] = entry
    return entries


def expected_deadline_order(entries):
    today = timezone.localdate()
    due = {
        title: DeadlineStatus.compute(
            entry.document_date, entry.checklist_item.update_within_working_days, today=today
        )
        for title, entry in entries.items()
    }
    # The setup is what it claims: ordering by document date would be wrong.
    assert entries["长期"].document_date < entries["临期"].document_date
    assert due["临期"].due_date < due["长期"].due_date
    assert due["逾期"].state == DeadlineState.OVERDUE
    assert due["临期"].state == DeadlineState.DUE_SOON
    assert due["今天"].state == DeadlineState.ON_TIME
    return sorted(entries, key=lambda title: due[title].due_date), due


def test_queue_is_sorted_by_deadline_and_highlights_rows(queue_entries, head, client):
    expected, due = expected_deadline_order(queue_entries)
    assert expected[:2] == ["逾期", "临期"] and expected[-1] == "今天"
    client.force_login(head)
    response = client.get(QUEUE)
    rows = response.context["object_list"]
    assert [row.page.title for row in rows] == expected
    assert [r.page.title for r in client.get(QUEUE, {"ordering": "-deadline"}).context[
        "object_list"]] == expected[::-1]  # fmt: skip
    assert [r.page.title for r in client.get(QUEUE, {"ordering": "state_changed_at"}).context[
        "object_list"]] == ["今天", "长期", "临期", "逾期"]  # fmt: skip

    html = response.content.decode()
    overdue_rows = re.findall(r'<tr[^>]*class="[^"]*disclosure-queue-row--overdue[^"]*"', html)
    soon_rows = re.findall(r'<tr[^>]*class="[^"]*disclosure-queue-row--due-soon[^"]*"', html)
    assert len(overdue_rows) == 1 and len(soon_rows) == 1
    assert "wagtail_disclosure/css/admin-queue.css" in html  # the colours of those rows
    text = visible_text(html)
    # In words too, not colour alone: the state, and the working days left or late.
    late = -due["逾期"].working_days_left
    assert late > 0 and f"已逾期 {late} 个工作日" in re.sub(r"\s+", " ", text)
    left = due["今天"].working_days_left
    assert f"剩余 {left} 个工作日" in re.sub(r"\s+", " ", text)
    with translation.override("zh-hans"):
        assert str(DeadlineState.DUE_SOON.label) in text


def test_queue_order_costs_the_same_queries_whatever_the_dates(
    section, jwc, head, client, queue_entries
):
    def count():
        client.get(QUEUE)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(QUEUE)
        return len(queries), len(response.context["object_list"])

    client.force_login(head)
    few = count()
    today = timezone.localdate()
    for n in range(8):
        entry = make_entry(
            section,
            publish=False,
            department=jwc,
            document_date=today - datetime.timedelta(days=7 * n + 3),
        )
        take_transition(entry, "submit", reviewer())
    many = count()
    assert few[1] == 4 and many[1] == 12
    assert few[0] == many[0]


def test_staff_api_queue_orders_by_deadline(queue_entries, head, client):
    expected, _due = expected_deadline_order(queue_entries)
    _token, key = ApiToken.objects.create_token(user=head, name="tests")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    ids = {entry.pk: title for title, entry in queue_entries.items()}

    def titles(**params):
        response = client.get(f"{STAFF}/queue", params, **auth)
        assert response.status_code == 200, response.content
        return [ids[row["id"]] for row in response.json()["results"]]

    assert titles() == expected
    assert titles(order="deadline") == expected
    assert titles(order="-deadline") == expected[::-1]
    assert titles(order="waiting") == ["今天", "长期", "临期", "逾期"]
    assert titles(page_size=2) == expected[:2]
    assert titles(page_size=2, page=2) == expected[2:]
    assert client.get(f"{STAFF}/queue", {"order": "title"}, **auth).status_code == 400
    # The admin queue shows the same order.
    client.force_login(head)
    admin_rows = client.get(QUEUE).context["object_list"]
    assert [row.page.title for row in admin_rows] == expected
