"""The staff API (issue #5): tokens, authentication, the queue, entries and transitions,
the token admin screen and the ``disclosure_api_token`` command."""

import datetime
import hashlib
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from tests.utils import grant, make_department, make_entry, reviewer, staff
from wagtail_disclosure.api.main import API_PREFIX
from wagtail_disclosure.models import ApiToken, ChecklistCategory, EntryReview
from wagtail_disclosure.models.tokens import LAST_USED_RESOLUTION
from wagtail_disclosure.permissions import Role, has_any_role
from wagtail_disclosure.workflow import take_transition

pytestmark = pytest.mark.django_db

STAFF = f"/{API_PREFIX}staff"


# -- fixtures and helpers ---------------------------------------------------------------


@pytest.fixture
def section(shared_section):
    return shared_section


@pytest.fixture
def jwc():
    return make_department("JWC", "教务处")


@pytest.fixture
def cwc():
    return make_department("CWC", "财务处")


def bearer(user, name="tests", **kwargs):
    _token, key = ApiToken.objects.create_token(user=user, name=name, **kwargs)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def state(entry):
    return EntryReview.objects.get(page_id=entry.pk).state


def walk(entry, *names):
    for name in names:
        take_transition(entry, name, reviewer())
    return entry


def act(client, auth, entry, transition, **body):
    return client.post(
        f"{STAFF}/entries/{entry.pk}/transitions",
        {"transition": transition, **body},
        content_type="application/json",
        **auth,
    )


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]
    return body


# -- tokens -------------------------------------------------------------------------------


def test_only_a_hash_of_the_key_is_stored(django_user_model):
    user = django_user_model.objects.create_user("alice")
    token, key = ApiToken.objects.create_token(user=user, name="console")
    assert len(key) >= 40
    assert token.prefix == key[:8]
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert not any(key in str(value) for value in stored.values())
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM wagtail_disclosure_apitoken")
        assert not any(key in str(value) for row in cursor.fetchall() for value in row)
    assert ApiToken.objects.authenticate(key) == token
    assert ApiToken.objects.authenticate(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert ApiToken.objects.authenticate(token.key_hash) is None
    assert ApiToken.objects.authenticate("") is None
    other, other_key = ApiToken.objects.create_token(user=user, name="second")
    assert other_key != key and other.prefix != token.prefix


def test_last_use_is_written_at_most_once_a_minute(django_user_model):
    user = django_user_model.objects.create_user("alice")
    token, key = ApiToken.objects.create_token(user=user, name="console")
    start = timezone.now()
    ApiToken.objects.authenticate(key, now=start)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == start
    with CaptureQueriesContext(connection) as queries:
        ApiToken.objects.authenticate(key, now=start + datetime.timedelta(seconds=30))
    assert len(queries) == 1  # the lookup, no write
    assert ApiToken.objects.get(pk=token.pk).last_used_at == start
    later = start + LAST_USED_RESOLUTION
    ApiToken.objects.authenticate(key, now=later)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == later


def test_expired_revoked_and_inactive_are_refused(client, django_user_model):
    user = django_user_model.objects.create_user("alice")
    ok = bearer(user)
    assert client.get(f"{STAFF}/me", **ok).status_code == 200

    expired = bearer(user, expires_at=timezone.now() - datetime.timedelta(seconds=1))
    future = bearer(user, expires_at=timezone.now() + datetime.timedelta(days=1))
    assert client.get(f"{STAFF}/me", **future).status_code == 200
    revoked_token, revoked_key = ApiToken.objects.create_token(user=user, name="old")
    revoked_token.revoke()
    revoked = {"HTTP_AUTHORIZATION": f"Bearer {revoked_key}"}
    for auth in (expired, revoked, {"HTTP_AUTHORIZATION": "Bearer nonsense-key-123"}, {}):
        response = client.get(f"{STAFF}/me", **auth)
        assert_error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"] == "Bearer"

    user.is_active = False
    user.save()
    assert_error(client.get(f"{STAFF}/me", **ok), 401, "not_authenticated")
    # Another scheme with a valid key is not accepted either.
    user.is_active = True
    user.save()
    key = ok["HTTP_AUTHORIZATION"].split()[1]
    assert_error(
        client.get(f"{STAFF}/me", HTTP_AUTHORIZATION=f"Token {key}"), 401, "not_authenticated"
    )


def test_a_session_cookie_does_not_authenticate(section, jwc, client, django_user_model):
    """The admin's session is no key to the staff API: no CSRF hole."""
    entry = make_entry(section, publish=False, department=jwc)
    editor = staff(django_user_model, "editor", section)
    grant(editor, Role.DEPARTMENT_EDITOR, jwc)
    client.force_login(editor)
    assert client.get(reverse("wagtail_disclosure:review_queue")).status_code == 200
    for response in (
        client.get(f"{STAFF}/me"),
        client.get(f"{STAFF}/queue"),
        client.get(f"{STAFF}/entries/{entry.pk}"),
        act(client, {}, entry, "submit"),
    ):
        assert_error(response, 401, "not_authenticated")
    assert state(entry) == "draft"


def test_the_token_user_acts_not_the_session_user(section, jwc, client, django_user_model):
    entry = make_entry(section, publish=False, department=jwc)
    editor = staff(django_user_model, "editor", section)
    grant(editor, Role.DEPARTMENT_EDITOR, jwc)
    client.force_login(reviewer())  # a superuser's session in the same browser
    nobody = staff(django_user_model, "nobody", section)
    assert_error(act(client, bearer(nobody), entry, "submit"), 403, "permission_denied")
    assert act(client, bearer(editor), entry, "submit").status_code == 200
    assert PageLogEntry.objects.get(page=entry, action="wagtail_disclosure.submit").user == editor


# -- /me ----------------------------------------------------------------------------------


def test_me_lists_roles_by_department(jwc, cwc, client, django_user_model):
    user = staff(django_user_model, "dual", first_name="明", last_name="李")
    grant(user, Role.DEPARTMENT_EDITOR, jwc)
    grant(user, Role.DEPARTMENT_REVIEWER, cwc)
    grant(user, Role.DEPARTMENT_EDITOR, cwc)
    grant(user, Role.CONFIDENTIALITY_REVIEWER)
    response = client.get(f"{STAFF}/me", **bearer(user, name="控制台"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    body = response.json()
    assert body["username"] == "dual" and not body["is_superuser"]
    assert body["name"] == "李明"  # surname first, as the admin writes it; not "明 李"
    assert [r["role"] for r in body["roles_in_all_departments"]] == ["clear_entries"]
    by_code = {d["department"]["short_code"]: d["roles"] for d in body["departments"]}
    assert [r["role"] for r in by_code["JWC"]] == ["edit_entries"]
    assert [r["role"] for r in by_code["CWC"]] == ["edit_entries", "review_entries"]
    assert body["token"]["name"] == "控制台" and len(body["token"]["prefix"]) == 8

    superuser = reviewer()
    body = client.get(f"{STAFF}/me", **bearer(superuser)).json()
    assert body["is_superuser"] and len(body["roles_in_all_departments"]) == len(Role)


# -- the chain ------------------------------------------------------------------------------


def test_the_full_chain_by_the_role_holders(section, jwc, client, django_user_model):
    entry = make_entry(section, key="finance", publish=False, department=jwc, title="部门预算")
    editor = staff(django_user_model, "editor", section)
    grant(editor, Role.DEPARTMENT_EDITOR, jwc)
    head = staff(django_user_model, "head", section)
    grant(head, Role.DEPARTMENT_REVIEWER, jwc)
    clearers = Group.objects.create(name="保密办")
    clearers.permissions.add(Permission.objects.get(codename="clear_entries"))
    secrecy = staff(django_user_model, "secrecy", section)
    secrecy.groups.add(clearers)
    office = staff(django_user_model, "office", section)
    grant(office, Role.DISCLOSURE_OFFICE)

    steps = [
        (editor, "submit", "draft", "submitted"),
        (head, "approve", "submitted", "department_approved"),
        (secrecy, "clear", "department_approved", "cleared"),
        (office, "publish", "cleared", "published"),
    ]
    for user, name, before, after in steps:
        auth = bearer(user)
        detail = client.get(f"{STAFF}/entries/{entry.pk}", **auth).json()
        assert detail["state"] == before
        assert name in [t["name"] for t in detail["transitions"]]
        response = act(client, auth, entry, name, comment=f"{name} 同意", expected_state=before)
        assert response.status_code == 200, response.content
        assert response["Cache-Control"] == "private, no-store"
        body = response.json()
        assert body["state"] == after and body["transition"] == name
        assert state(entry) == after
        log = PageLogEntry.objects.get(page=entry, action=f"wagtail_disclosure.{name}")
        assert log.user == user and log.data["comment"] == f"{name} 同意"
    entry.refresh_from_db()
    review = EntryReview.objects.get(page_id=entry.pk)
    assert entry.live and entry.live_revision_id == review.revision_id
    assert review.cleared_by == secrecy and review.published_by == office

    detail = client.get(f"{STAFF}/entries/{entry.pk}", **bearer(office)).json()
    assert detail["live"] and detail["state"] == "published"
    assert detail["revision"]["id"] == review.revision_id and detail["revision"]["is_latest"]
    assert [t["name"] for t in detail["transitions"]] == ["withdraw"]
    assert [(h["transition"], h["user"], h["comment"]) for h in detail["history"]] == [
        ("submit", "editor", "submit 同意"),
        ("approve", "head", "approve 同意"),
        ("clear", "secrecy", "clear 同意"),
        ("publish", "office", "publish 同意"),
    ]
    assert [d["step"] for d in detail["decisions"]] == [
        "submitted",
        "approved",
        "cleared",
        "published",
    ]
    assert {d["user"] for d in detail["decisions"]} == {"editor", "head", "secrecy", "office"}


def test_sign_off_through_the_api(section, jwc, client, django_user_model):
    entry = walk(
        make_entry(section, key="basic", publish=False, department=jwc, is_major_matter=True),
        "submit",
        "approve",
        "clear",
    )
    office = staff(django_user_model, "office", section)
    grant(office, Role.DISCLOSURE_OFFICE)
    assert_error(act(client, bearer(office), entry, "publish"), 409, "not_allowed")
    leader = staff(django_user_model, "leader", section)
    grant(leader, Role.SIGN_OFF_LEADER, jwc)
    body = act(client, bearer(leader), entry, "sign_off").json()
    assert body["state"] == "signed_off" and body["transitions"] == []
    assert act(client, bearer(office), entry, "publish").json()["live"] is True


# -- refusals --------------------------------------------------------------------------------


def test_a_reviewer_of_another_department_is_refused_as_in_the_admin(
    section, jwc, cwc, client, django_user_model
):
    entry = walk(make_entry(section, publish=False, department=jwc), "submit")
    outsider = staff(django_user_model, "outsider", section)
    grant(outsider, Role.DEPARTMENT_REVIEWER, cwc)
    auth = bearer(outsider)

    client.force_login(outsider)
    admin = client.post(
        reverse("wagtail_disclosure:entry_transition", args=[entry.pk, "approve"]), {}
    )
    client.logout()
    assert admin.status_code == 403
    assert_error(act(client, auth, entry, "approve"), 403, "permission_denied")
    # Whatever the transition: an outsider learns nothing about the state.
    assert_error(act(client, auth, entry, "publish"), 403, "permission_denied")
    assert_error(client.get(f"{STAFF}/entries/{entry.pk}", **auth), 403, "permission_denied")
    assert state(entry) == "submitted"
    assert not PageLogEntry.objects.filter(page=entry, action="wagtail_disclosure.approve")


def test_status_codes_of_transition_errors(section, jwc, client, django_user_model):
    entry = make_entry(section, publish=False, department=jwc)
    editor = staff(django_user_model, "editor", section)
    grant(editor, Role.DEPARTMENT_EDITOR, jwc)
    auth = bearer(editor)
    # not possible in this state (for anyone): 409
    assert_error(act(client, auth, entry, "approve"), 409, "not_allowed")
    assert act(client, auth, entry, "submit").status_code == 200
    assert_error(act(client, auth, entry, "submit"), 409, "not_allowed")
    # possible now, but not for this role: 403
    assert_error(act(client, auth, entry, "approve"), 403, "permission_denied")
    # not a transition people take: 400
    for name in ("teleport", "reopen", "import_published", ""):
        assert_error(act(client, auth, entry, name), 400, "invalid")
    # withheld only with withdraw
    assert_error(act(client, auth, entry, "reject", comment="x", withheld=True), 400, "invalid")
    # malformed bodies and ids
    url = f"{STAFF}/entries/{entry.pk}/transitions"
    for raw in ("not json", "[]", '{"transition": 1}', '{"comment": "no transition"}'):
        response = client.post(url, raw, content_type="application/json", **auth)
        assert response.status_code == 400, (raw, response.content)
    assert_error(client.get(f"{STAFF}/entries/0", **auth), 400, "invalid")
    assert_error(client.get(f"{STAFF}/entries/{2**40}", **auth), 400, "invalid")
    assert_error(client.get(f"{STAFF}/entries/abc", **auth), 400, "invalid")
    assert_error(client.get(f"{STAFF}/entries/999999", **auth), 404, "not_found")
    assert_error(act(client, auth, type("E", (), {"pk": 999999}), "submit"), 404, "not_found")
    assert_error(client.get(f"{STAFF}/entries/{section.pk}", **auth), 404, "not_found")
    assert state(entry) == "submitted"


def test_a_reason_is_required_to_send_back_or_withdraw(section, jwc, client, django_user_model):
    entry = walk(make_entry(section, publish=False, department=jwc), "submit")
    head = staff(django_user_model, "head", section)
    grant(head, Role.DEPARTMENT_REVIEWER, jwc)
    auth = bearer(head)
    body = assert_error(act(client, auth, entry, "reject", comment="  "), 400, "reason_required")
    assert body["error"]["details"][0]["field"] == "comment"
    assert state(entry) == "submitted"
    assert act(client, auth, entry, "reject", comment="口径不一致").json()["state"] == "draft"
    assert PageLogEntry.objects.get(page=entry, action="wagtail_disclosure.reject").data[
        "comment"
    ] == ("口径不一致")

    live = make_entry(section, department=jwc)  # published (import)
    office = staff(django_user_model, "office", section)
    grant(office, Role.DISCLOSURE_OFFICE)
    auth = bearer(office)
    assert_error(act(client, auth, live, "withdraw"), 400, "reason_required")
    body = act(client, auth, live, "withdraw", comment="涉及个人信息", withheld=True).json()
    assert body["state"] == "withdrawn" and body["live"] is False
    assert EntryReview.objects.get(page_id=live.pk).withheld


def test_a_stale_expected_state_is_a_conflict(section, jwc, client, django_user_model):
    entry = walk(make_entry(section, publish=False, department=jwc), "submit")
    head = staff(django_user_model, "head", section)
    grant(head, Role.DEPARTMENT_REVIEWER, jwc)
    other_head = staff(django_user_model, "other-head", section)
    grant(other_head, Role.DEPARTMENT_REVIEWER, jwc)
    seen = client.get(f"{STAFF}/entries/{entry.pk}", **bearer(other_head)).json()["state"]
    assert act(client, bearer(head), entry, "reject", comment="重写").status_code == 200
    walk(entry, "submit", "approve")  # moved on meanwhile: department_approved
    response = act(client, bearer(other_head), entry, "reject", comment="我也", expected_state=seen)
    assert_error(response, 409, "concurrent")
    assert state(entry) == "department_approved"
    assert_error(
        act(client, bearer(other_head), entry, "approve", expected_state="bogus"), 400, "invalid"
    )


def test_a_stale_revision_is_a_conflict(section, jwc, client, django_user_model):
    """The API carries the revision decided on: a new version resubmitted meanwhile
    (same state) is not approved by a decision about the old one."""
    entry = walk(make_entry(section, publish=False, department=jwc), "submit")
    head = staff(django_user_model, "head", section)
    grant(head, Role.DEPARTMENT_REVIEWER, jwc)
    seen = client.get(f"{STAFF}/entries/{entry.pk}", **bearer(head)).json()
    assert seen["state"] == "submitted" and seen["revision"]["id"]
    entry.specific.save_revision(user=reviewer())
    walk(entry, "submit")
    now = client.get(f"{STAFF}/entries/{entry.pk}", **bearer(head)).json()
    assert now["state"] == "submitted" and now["revision"]["id"] != seen["revision"]["id"]
    response = act(
        client,
        bearer(head),
        entry,
        "approve",
        expected_state=seen["state"],
        expected_revision=seen["revision"]["id"],
    )
    assert_error(response, 409, "stale")
    assert state(entry) == "submitted"
    response = act(
        client,
        bearer(head),
        entry,
        "approve",
        expected_state=now["state"],
        expected_revision=now["revision"]["id"],
    )
    assert response.status_code == 200 and state(entry) == "department_approved"


# -- the queue ----------------------------------------------------------------------------------


def admin_queue_ids(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("wagtail_disclosure:review_queue"), params)
    client.logout()
    assert response.status_code == 200
    return [review.page_id for review in response.context["object_list"]]


def api_queue_ids(client, auth, **params):
    response = client.get(f"{STAFF}/queue", params, **auth)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_queue_is_the_admin_queue(section, jwc, cwc, client, django_user_model):
    walk(make_entry(section, publish=False, department=jwc), "submit")
    walk(make_entry(section, key="finance", publish=False, department=cwc), "submit")
    walk(make_entry(section, key="finance", publish=False, department=jwc), "submit", "approve")
    walk(make_entry(section, key="basic", publish=False, department=jwc, is_major_matter=True),
         "submit", "approve", "clear")  # fmt: skip
    walk(make_entry(section, key="basic", publish=False, department=cwc), "submit", "approve",
         "clear")  # fmt: skip
    make_entry(section, publish=False, department=jwc)  # draft: nobody's queue
    make_entry(section, department=jwc)  # published: nobody's queue
    users = [reviewer()]
    for role in Role.values:
        for department in (jwc, cwc, None):
            user = staff(django_user_model, f"{role}-{department and department.pk}", section)
            grant(user, role, department)
            users.append(user)
    users.append(staff(django_user_model, "nobody", section))
    finance = ChecklistCategory.objects.get(checklist=section.checklist, key="finance")
    non_empty = 0
    for user in users:
        auth = bearer(user)
        expected = admin_queue_ids(client, user)
        assert api_queue_ids(client, auth) == expected, user.username
        non_empty += bool(expected)
        for params in (
            {"department": jwc.pk},
            {"state": "submitted"},
            {"category": finance.pk},
        ):
            if "department" in params and not has_any_role(user, jwc.pk):
                # The admin offers only the user's departments (and ignores others); the
                # API filters, so nothing is found.
                assert api_queue_ids(client, auth, **params) == []
                continue
            assert api_queue_ids(client, auth, **params) == admin_queue_ids(
                client, user, **params
            ), (user.username, params)
    assert non_empty >= 8


def test_queue_rows_and_pagination(section, jwc, client, django_user_model):
    today = timezone.localdate()
    late = walk(
        make_entry(section, publish=False, department=jwc, title="逾期", document_date=today
                   - datetime.timedelta(days=90)),
        "submit",
    )  # fmt: skip
    walk(make_entry(section, publish=False, department=jwc, title="按时", document_date=today),
         "submit")  # fmt: skip
    walk(make_entry(section, publish=False, department=jwc, title="今天"), "submit")
    EntryReview.objects.filter(page_id=late.pk).update(
        state_changed_at=timezone.now() - datetime.timedelta(days=5)
    )
    head = staff(django_user_model, "head", section)
    grant(head, Role.DEPARTMENT_REVIEWER, jwc)
    auth = bearer(head)
    response = client.get(f"{STAFF}/queue", {"page_size": 2}, **auth)
    assert response["Cache-Control"] == "private, no-store"
    body = response.json()
    assert body["count"] == 3 and body["num_pages"] == 2 and len(body["results"]) == 2
    assert body["previous"] is None
    assert body["next"] == f"http://testserver{STAFF}/queue?page_size=2&page=2"
    first = body["results"][0]
    assert first["title"] == "逾期"  # oldest first, as in the admin
    assert first["state"] == "submitted" and first["department"]["short_code"] == "JWC"
    assert first["deadline"]["state"] == "overdue" and first["deadline"]["working_days_left"] < 0
    assert first["item"]["category"]["key"] == "admissions"
    assert [t["name"] for t in first["transitions"]] == ["approve", "reject"]
    assert first["transitions"][1]["needs_reason"] is True
    assert first["submitted_at"] and first["admin_url"] == f"/admin/pages/{late.pk}/edit/"
    rows = {row["title"]: row for row in body["results"]}
    page2 = client.get(f"{STAFF}/queue", {"page_size": 2, "page": 2}, **auth).json()
    rows.update({row["title"]: row for row in page2["results"]})
    assert rows["按时"]["deadline"]["state"] in ("on_time", "due_soon")
    assert rows["今天"]["deadline"]["start"] == today.isoformat()
    assert page2["next"] is None and page2["previous"].endswith("page=1")
    assert_error(
        client.get(f"{STAFF}/queue", {"page": 3, "page_size": 2}, **auth), 404, "not_found"
    )
    for params in ({"page": 0}, {"page_size": 0}, {"page_size": 101}, {"state": "draft"},
                   {"department": "x"}):  # fmt: skip
        assert_error(client.get(f"{STAFF}/queue", params, **auth), 400, "invalid")


def test_queue_query_count_does_not_grow_with_the_page(section, jwc, client, django_user_model):
    head = staff(django_user_model, "head", section)
    grant(head, Role.DEPARTMENT_REVIEWER, jwc)
    auth = bearer(head)
    for number in range(12):
        walk(
            make_entry(section, publish=False, department=jwc, document_date=f"2026-03-{number + 1:02d}"),
            "submit",
        )  # fmt: skip

    def count(page_size):
        client.get(f"{STAFF}/queue", {"page_size": page_size}, **auth)  # last use written
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{STAFF}/queue", {"page_size": page_size}, **auth)
        assert len(response.json()["results"]) == page_size
        return len(queries)

    assert count(1) == count(2) == count(12)


# -- the token admin screen ----------------------------------------------------------------

TOKENS_INDEX = "/admin/disclosure_api_tokens/"


def test_token_urls_are_under_the_disclosure_menu():
    assert reverse("disclosure_api_tokens:index") == TOKENS_INDEX
    assert reverse("disclosure_api_tokens:add") == f"{TOKENS_INDEX}new/"


def test_a_user_makes_sees_and_revokes_their_own_tokens(client, django_user_model):
    alice = staff(django_user_model, "alice")
    bob = staff(django_user_model, "bob")
    bobs_token, _bobs_key = ApiToken.objects.create_token(user=bob, name="bob 的脚本")
    client.force_login(alice)

    response = client.post(reverse("disclosure_api_tokens:add"), {"name": "审核控制台"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=alice)
    key = response.context["key"]
    assert key.startswith(token.prefix) and key in response.content.decode()
    assert ApiToken.objects.authenticate(key) == token
    # The key works for the API, as alice.
    me = client.get(f"{STAFF}/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert me["username"] == "alice"

    # Shown once: the listing has the prefix, never the key.
    html = client.get(TOKENS_INDEX).content.decode()
    assert token.prefix in html and key not in html
    assert "审核控制台" in html and "bob 的脚本" not in html
    assert reverse("disclosure_api_tokens:delete", args=[token.pk]) in html
    assert [t.pk for t in client.get(TOKENS_INDEX).context["object_list"]] == [token.pk]

    # bob's token: not found, not revocable.
    revoke_bob = reverse("disclosure_api_tokens:delete", args=[bobs_token.pk])
    assert client.get(revoke_bob).status_code == 404
    assert client.post(revoke_bob).status_code == 404
    bobs_token.refresh_from_db()
    assert not bobs_token.is_revoked

    # No editing: the edit view is refused.
    edit = client.get(reverse("disclosure_api_tokens:edit", args=[token.pk]))
    assert edit.status_code == 302 and edit["Location"] == reverse("wagtailadmin_home")

    revoke = reverse("disclosure_api_tokens:delete", args=[token.pk])
    assert client.get(revoke).status_code == 200
    response = client.post(revoke)
    assert response.status_code == 302 and response["Location"] == TOKENS_INDEX
    token.refresh_from_db()
    assert token.is_revoked and ApiToken.objects.filter(pk=token.pk).exists()
    assert_error(
        client.get(f"{STAFF}/me", HTTP_AUTHORIZATION=f"Bearer {key}"), 401, "not_authenticated"
    )
    assert client.post(revoke).status_code == 404  # already revoked


def test_past_expiry_is_refused_in_the_form(client, django_user_model):
    alice = staff(django_user_model, "alice")
    client.force_login(alice)
    response = client.post(
        reverse("disclosure_api_tokens:add"), {"name": "x", "expires_at": "2020-01-01 00:00"}
    )
    assert response.status_code == 200 and response.context["form"].errors["expires_at"]
    assert not ApiToken.objects.exists()


def test_the_disclosure_office_and_superusers_see_everyones_tokens(
    jwc, client, django_user_model, admin_client
):
    alice = staff(django_user_model, "alice")
    alices, _key = ApiToken.objects.create_token(user=alice, name="alice 的脚本")
    office = staff(django_user_model, "office")
    grant(office, Role.DISCLOSURE_OFFICE)  # every department
    local_office = staff(django_user_model, "local-office")
    grant(local_office, Role.DISCLOSURE_OFFICE, jwc)  # one department: own tokens only

    client.force_login(local_office)
    assert list(client.get(TOKENS_INDEX).context["object_list"]) == []
    assert client.get(reverse("disclosure_api_tokens:delete", args=[alices.pk])).status_code == 404

    assert [t.pk for t in admin_client.get(TOKENS_INDEX).context["object_list"]] == [alices.pk]
    client.force_login(office)
    response = client.get(TOKENS_INDEX)
    assert [t.pk for t in response.context["object_list"]] == [alices.pk]
    assert "alice" in response.content.decode()
    client.post(reverse("disclosure_api_tokens:delete", args=[alices.pk]))
    alices.refresh_from_db()
    assert alices.is_revoked


def test_people_without_admin_access_have_no_token_screen(client, django_user_model):
    outsider = django_user_model.objects.create_user("outsider", password="pw")
    client.force_login(outsider)
    assert client.get(TOKENS_INDEX).status_code == 302
    assert client.post(reverse("disclosure_api_tokens:add"), {"name": "x"}).status_code == 302
    assert not ApiToken.objects.exists()


# -- the management command ---------------------------------------------------------------------


def command(*args):
    out = io.StringIO()
    call_command("disclosure_api_token", *args, stdout=out)
    return out.getvalue()


def test_command_creates_lists_and_revokes(client, django_user_model):
    django_user_model.objects.create_user("alice")
    output = command("create", "alice", "--name", "nightly report", "--expires-in-days", "30")
    key = output.strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert token.name == "nightly report" and key.startswith(token.prefix)
    assert token.expires_at - timezone.now() > datetime.timedelta(days=29)
    assert client.get(f"{STAFF}/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200

    listing = command("list")
    assert token.prefix in listing and "alice" in listing and key not in listing
    assert token.prefix in command("list", "--user", "alice")

    assert "Revoked" in command("revoke", token.prefix)
    token.refresh_from_db()
    assert token.is_revoked
    assert command("list") == "No tokens.\n"
    assert token.prefix in command("list", "--all")
    assert client.get(f"{STAFF}/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_keys_never_start_with_a_dash(django_user_model, monkeypatch):
    """A prefix such as "-x3…" would be taken for an option by ``revoke <prefix>``."""
    from wagtail_disclosure.models import tokens

    drawn = iter(["-" + "a" * 42, "-" + "b" * 42, "Zq" + "c" * 41])
    monkeypatch.setattr(tokens.secrets, "token_urlsafe", lambda nbytes: next(drawn))
    user = django_user_model.objects.create_user("alice")
    token, key = ApiToken.objects.create_token(user=user, name="cli")
    assert key.startswith("Zq") and token.prefix == key[: tokens.PREFIX_LENGTH]
    monkeypatch.undo()
    assert "Revoked" in command("revoke", token.prefix)


def test_command_errors(django_user_model):
    django_user_model.objects.create_user("alice")
    django_user_model.objects.create_user("gone", is_active=False)
    for args, message in [
        (("create", "nobody", "--name", "x"), "No user"),
        (("create", "gone", "--name", "x"), "inactive"),
        (("create", "alice", "--name", "  "), "--name"),
        (("create", "alice", "--name", "x" * 101), "too long"),
        (("create", "alice", "--name", "x", "--expires-in-days", "0"), "at least 1"),
        (("list", "--user", "nobody"), "No user"),
        (("revoke", "nothere"), "No token"),
    ]:
        with pytest.raises(CommandError, match=message):
            command(*args)
    with pytest.raises(CommandError):  # --name is required
        command("create", "alice")
    token, _key = ApiToken.objects.create_token(
        user=django_user_model.objects.get(username="alice"), name="x"
    )
    command("revoke", token.prefix)
    with pytest.raises(CommandError, match="already revoked"):
        command("revoke", token.prefix)
    assert ApiToken.objects.count() == 1


# -- the token rows of docs/workflow.md ----------------------------------------------------------

WORKFLOW_DOC = Path(__file__).resolve().parent.parent / "docs" / "workflow.md"


def token_matrix():
    text = WORKFLOW_DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- token-matrix:start -->\n(.*?)<!-- token-matrix:end -->", text, re.S)
    assert match, "docs/workflow.md has no token-matrix block"
    lines = [line for line in match.group(1).splitlines() if line.startswith("|")]
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    assert cells[0] == ["Who", "make", "own", "others'"]
    return [(row[0], dict(zip(cells[0][1:], row[1:], strict=True))) for row in cells[2:]]


TOKEN_MATRIX = token_matrix()


def token_matrix_user(who, django_user_model, jwc):
    if who == "No admin access":
        return django_user_model.objects.create_user("matrix-user", password="pw")
    user = staff(django_user_model, "matrix-user")
    if who == "Superuser":
        user.is_superuser = True
        user.save()
    elif who == "Department editor, own department":
        grant(user, Role.DEPARTMENT_EDITOR, jwc)
    elif who == "Disclosure office, one department":
        grant(user, Role.DISCLOSURE_OFFICE, jwc)
    elif who == "Disclosure office, all departments":
        grant(user, Role.DISCLOSURE_OFFICE)
    else:
        assert who == "Admin access, no role", who
    return user


@pytest.mark.parametrize("who,expected", TOKEN_MATRIX, ids=[row[0] for row in TOKEN_MATRIX])
def test_token_screen_permission_matrix(who, expected, jwc, client, django_user_model):
    user = token_matrix_user(who, django_user_model, jwc)
    someone = staff(django_user_model, "someone-else")
    own, _key = ApiToken.objects.create_token(user=user, name="own")
    others, _key = ApiToken.objects.create_token(user=someone, name="others")
    client.force_login(user)

    response = client.post(reverse("disclosure_api_tokens:add"), {"name": "made"})
    made = response.status_code == 200 and ApiToken.objects.filter(name="made").exists()
    actual = {"make": made}
    listing = client.get(TOKENS_INDEX)
    listed = (
        {token.pk for token in listing.context["object_list"]}
        if listing.status_code == 200
        else set()
    )
    for column, token in (("own", own), ("others'", others)):
        response = client.post(reverse("disclosure_api_tokens:delete", args=[token.pk]))
        token.refresh_from_db()
        revoked = response.status_code == 302 and token.is_revoked
        assert (token.pk in listed) == revoked, (column, listed)
        actual[column] = revoked
    actual = {column: "allow" if value else "deny" for column, value in actual.items()}
    assert actual == expected
