"""The permission matrix of docs/workflow.md, checked cell by cell with real requests.

The table between ``<!-- matrix:start -->`` and ``<!-- matrix:end -->`` is the
specification: one test per row takes that kind of user and, for every column, makes the
real HTTP request on an entry in the state where the action is possible, so that a
``deny`` can only come from the user's role, never from the state. The users and entries
are built once for all rows (``build_matrix``); every cell's request is rolled back.

* edit / history: ``GET`` the Wagtail page view; ``allow`` ⇔ 200.
* transitions: ``POST`` to ``wagtail_disclosure:entry_transition``; ``allow`` ⇔ 302 to the
  page's edit view and the state moved on; ``deny`` ⇔ 403 and the state unchanged.

Every staff user has Wagtail admin access and add/edit permission on the disclosure
section, so the department role is the only thing that differs between rows.
"""

import contextlib
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.urls import reverse
from wagtail.models import GroupPagePermission

from tests.utils import (
    build_once,
    fresh,
    make_department,
    make_entry,
    make_section,
    publish_through_review,
    reviewer,
)
from wagtail_disclosure.models import EntryReview
from wagtail_disclosure.models.review import ReviewState
from wagtail_disclosure.permissions import Role, assign_role
from wagtail_disclosure.workflow import take_transition

DOC = Path(__file__).resolve().parent.parent / "docs" / "workflow.md"

VIEWS = ["edit", "history"]
TRANSITIONS = ["submit", "approve", "clear", "sign_off", "publish", "withdraw"]
COLUMNS = ["edit", "submit", "approve", "clear", "sign_off", "publish", "withdraw", "history"]

ROLES = {
    "Department editor": Role.DEPARTMENT_EDITOR,
    "Department reviewer": Role.DEPARTMENT_REVIEWER,
    "Confidentiality reviewer": Role.CONFIDENTIALITY_REVIEWER,
    "Sign-off leader": Role.SIGN_OFF_LEADER,
    "Disclosure office": Role.DISCLOSURE_OFFICE,
}

#: Where each transition is possible: (transitions a superuser takes first, sign-off needed).
SETUP = {
    "submit": ((), False),
    "approve": (("submit",), False),
    "clear": (("submit", "approve"), False),
    "sign_off": (("submit", "approve", "clear"), True),
    "publish": (("submit", "approve", "clear"), False),
    "withdraw": (("submit", "approve", "clear", "publish"), False),
}

TARGET = {
    "submit": ReviewState.SUBMITTED,
    "approve": ReviewState.DEPARTMENT_APPROVED,
    "clear": ReviewState.CLEARED,
    "sign_off": ReviewState.SIGNED_OFF,
    "publish": ReviewState.PUBLISHED,
    "withdraw": ReviewState.WITHDRAWN,
}


# -- the table ---------------------------------------------------------------------


def _cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_matrix(text):
    match = re.search(r"<!-- matrix:start -->\n(.*?)<!-- matrix:end -->", text, re.DOTALL)
    assert match, "docs/workflow.md has no <!-- matrix:start --> … <!-- matrix:end --> block"
    lines = [line for line in match.group(1).splitlines() if line.strip().startswith("|")]
    header = _cells(lines[0])
    assert header[:2] == ["Role", "Scope"], header
    assert header[2:] == COLUMNS, f"matrix columns {header[2:]} != {COLUMNS}"
    assert set(_cells(lines[1])) <= {"---", ":---", "---:", ":---:"}, "no separator row"
    rows = []
    for line in lines[2:]:
        cells = _cells(line)
        assert len(cells) == len(header), f"wrong number of cells: {line}"
        role, scope, *values = cells
        assert set(values) <= {"allow", "deny"}, f"cells must be allow or deny: {line}"
        rows.append((role, scope, dict(zip(COLUMNS, values, strict=True))))
    return rows


MATRIX = parse_matrix(DOC.read_text(encoding="utf-8"))


def row_id(row):
    role, scope, _expected = row
    scope = scope.replace("—", "any")
    return f"{role}-{scope}".replace(" ", "_").replace("(", "").replace(")", "")


def test_matrix_covers_every_role_and_scope():
    keys = {(role, scope) for role, scope, _ in MATRIX}
    assert len(keys) == len(MATRIX), "duplicate rows"
    for role in ROLES:
        scopes = {scope.removesuffix(" (global)") for r, scope, _ in MATRIX if r == role}
        assert {"own department", "other department", "no department"} <= scopes, role
    assert ("Confidentiality reviewer", "all departments") in keys
    assert {"Superuser", "No role"} <= {role for role, _, _ in MATRIX}
    cells = sum(len(expected) for _, _, expected in MATRIX)
    assert cells == len(MATRIX) * len(COLUMNS) == 18 * 8


# -- building users -----------------------------------------------------------------


def staff_group(section):
    """Admin access and add/edit permission on the section: what every row has."""
    group, created = Group.objects.get_or_create(name="matrix staff")
    if created:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
        for permission_type in ("add", "change"):
            GroupPagePermission.objects.create(
                group=group, page=section, permission_type=permission_type
            )
    return group


def role_permission(role):
    return Permission.objects.get(
        content_type__app_label="wagtail_disclosure",
        content_type__model="department",
        codename=role,
    )


def make_user(role_name, scope, section, own, other):
    User = get_user_model()
    username = f"matrix-{role_name}-{scope}".lower().replace(" ", "-")[:150]
    user = User.objects.create_user(username=username, password="x", email="")
    user.groups.add(staff_group(section))
    if role_name == "Superuser":
        user.is_superuser = True
        user.save()
        return user
    if role_name == "No role":
        return user
    role = ROLES[role_name]
    if scope.endswith("(global)") or scope == "all departments":
        group = Group.objects.create(name=f"matrix {role_name} {scope}")
        group.permissions.add(role_permission(role))
        user.groups.add(group)
    elif scope == "own department":
        assign_role(user, role, own)
    elif scope == "other department":
        assign_role(user, role, other)
    elif scope != "no department":
        raise AssertionError(f"unknown scope {scope!r}")
    return user


# -- entries in the right state -------------------------------------------------------


def entry_in_state(section, department, column):
    steps, major = SETUP[column]
    entry = make_entry(section, publish=False, department=department, is_major_matter=major)
    if column == "withdraw":
        publish_through_review(entry)
    else:
        for name in steps:
            take_transition(entry, name, reviewer())
    review = EntryReview.objects.get(page=entry)
    assert review.requires_sign_off is major
    assert column in transitions_possible(review), (column, review.state)
    return entry, review.state


def transitions_possible(review):
    import django_fsm as fsm

    return {name for name in TRANSITIONS if fsm.can_proceed(getattr(review, name))}


# -- one setup for every row ---------------------------------------------------------


def build_matrix():
    """The section, both departments, one user per row, a draft for the page views and one
    entry in the state where each transition is possible: built once for all 18 rows."""
    section = make_section()
    own = make_department("JWC", "教务处")
    other = make_department("CWC", "财务处")
    return SimpleNamespace(
        users={row_id(row): make_user(row[0], row[1], section, own, other) for row in MATRIX},
        draft=make_entry(section, publish=False, department=own),
        entries={column: entry_in_state(section, own, column) for column in TRANSITIONS},
    )


@pytest.fixture(scope="module")
def _matrix_once(request, django_db_setup, django_db_blocker):
    yield from build_once(request, django_db_blocker, build_matrix)


@pytest.fixture
def matrix(_matrix_once, db):
    return fresh(_matrix_once)


@contextlib.contextmanager
def rolled_back():
    """One cell: whatever its request changes is undone before the next cell."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# -- the test -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("row", MATRIX, ids=[row_id(row) for row in MATRIX])
def test_permission_matrix_row(row, client, matrix):
    role_name, scope, expected = row
    user = matrix.users[row_id(row)]
    client.force_login(user)

    mismatches = []
    checked = 0

    draft = matrix.draft
    for column in VIEWS:
        url = reverse(f"wagtailadmin_pages:{column}", args=[draft.pk])
        with rolled_back():
            response = client.get(url)
        actual = "allow" if response.status_code == 200 else "deny"
        checked += 1
        if actual != expected[column]:
            mismatches.append(
                f"{column}: expected {expected[column]}, got {actual} "
                f"(GET {url} -> {response.status_code} {response.get('Location', '')})"
            )

    for column in TRANSITIONS:
        entry, before = matrix.entries[column]
        assert EntryReview.objects.get(page=entry).state == before  # as built: rolled back
        url = reverse("wagtail_disclosure:entry_transition", args=[entry.pk, column])
        with rolled_back():
            response = client.post(url, {"comment": "matrix"})
            after = EntryReview.objects.get(page=entry).state
        edit_url = reverse("wagtailadmin_pages:edit", args=[entry.pk])
        allowed = (
            response.status_code == 302
            and response["Location"] == edit_url
            and after == TARGET[column]
        )
        denied = response.status_code == 403 and after == before
        actual = "allow" if allowed else "deny" if denied else "neither"
        checked += 1
        if actual != expected[column]:
            mismatches.append(
                f"{column}: expected {expected[column]}, got {actual} "
                f"(POST {url} -> {response.status_code} {response.get('Location', '')}; "
                f"state {before} -> {after})"
            )

    assert checked == len(COLUMNS)
    assert not mismatches, f"{role_name} / {scope}:\n  " + "\n  ".join(mismatches)
