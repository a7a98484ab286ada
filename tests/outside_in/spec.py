"""What the outside-in test builds and what each person may see (shared by build and test).

Every entry carries unique **marker words** (``oi<entry>7<field>9``: ASCII letters with a
digit on each side, so one marker is never part of another and every search backend keeps
it as one token) in its title, body, summary, keyword, restriction reason, the file name
of an image in its body and in three
documents (one linked from the body's rich text, one in a document block of the body, one
attachment), each with a marker in its title, its file name and its text. A response leaks
when it contains a marker that its entry does not make public.
"""

from __future__ import annotations

import dataclasses
import re

#: Every marker matches this; a response is scanned once with it.
MARKER_RE = re.compile(r"oi[a-z]+7[a-z]+9")

#: The three documents of an entry: (slot, what uses it).
DOCUMENT_SLOTS = ("link", "block", "attach")
#: Marker fields of a document slot: its title, its file name and the text inside the file.
DOCUMENT_FIELDS = ("title", "file", "text")
#: Marker fields of every entry besides its documents ("img": the file name of an image
#: in an image block of the body, hence of its renditions' URLs).
ENTRY_FIELDS = ("title", "body", "summary", "kw", "reason", "img")
#: What a new draft revision adds to a live entry (the ``newdraft`` entry).
NEW_DRAFT_FIELDS = ("newtitle", "newbody")
NEW_DRAFT_SLOTS = ("newlink", "newattach")


def marker(key: str, field: str) -> str:
    return f"oi{key}7{field}9"


def entry_markers(key: str, new_draft=False, withdrawal=False, documents=True) -> dict[str, str]:
    """Field name -> marker of one entry."""
    fields = list(ENTRY_FIELDS)
    slots = list(DOCUMENT_SLOTS) if documents else []
    if new_draft:
        fields += NEW_DRAFT_FIELDS
        slots += NEW_DRAFT_SLOTS
    if withdrawal:
        fields.append("wreason")
    fields += [slot + part for slot in slots for part in DOCUMENT_FIELDS]
    return {field: marker(key, field) for field in fields}


# --- who sees what ---------------------------------------------------------------------

#: Kinds of public visibility. "public": everything but the restriction reason (which is
#: never shown) and a new draft's additions; "trace": a withdrawn entry's title and
#: withdrawal reason only; "hidden": nothing.
PUBLIC, TRACE, HIDDEN = "public", "trace", "hidden"


def allowed_fields(kind: str, fields) -> set[str]:
    """The marker fields of an entry of this kind that the public may see."""
    if kind == PUBLIC:
        return {f for f in fields if f != "reason" and not f.startswith("new") and f != "wreason"}
    if kind == TRACE:
        return {"title", "wreason"} & set(fields)
    return set()


@dataclasses.dataclass(frozen=True)
class EntrySpec:
    """One entry to build. ``steps`` are the review transitions taken, in order."""

    key: str
    department: str  # short code
    kind: str  # PUBLIC / TRACE / HIDDEN, once built
    label: str  # readable part of the title
    steps: tuple = ()
    publish: bool = False
    fields: dict = dataclasses.field(default_factory=dict)
    after: str = ""  # withdraw / withhold / password / newdraft / alias
    major: bool = False
    documents: bool = True  # the three documents (left out where only the state matters)


def _published(key, department, kind, label, after="", **fields):
    return EntrySpec(key, department, kind, label, publish=True, fields=fields, after=after)


#: One entry per state (with two controls that must be public: ``published`` and the
#: live version of ``newdraft``), spread over two departments.
STATE_ENTRIES = [
    EntrySpec("draft", "JWC", HIDDEN, "草稿"),
    EntrySpec("submitted", "ZSJYC", HIDDEN, "部门审核中", steps=("submit",)),
    EntrySpec("approved", "JWC", HIDDEN, "保密审查中", steps=("submit", "approve")),
    EntrySpec("cleared", "ZSJYC", HIDDEN, "已通过保密审查", steps=("submit", "approve", "clear")),
    EntrySpec(
        "signedoff",
        "JWC",
        HIDDEN,
        "重大事项已签发",
        steps=("submit", "approve", "clear", "sign_off"),
        major=True,
    ),
    _published("published", "JWC", PUBLIC, "已公开（对照）"),
    _published("withdrawn", "ZSJYC", TRACE, "已撤回", after="withdraw"),
    _published("withheld", "JWC", HIDDEN, "撤回不予保留", after="withhold"),
    _published("campus", "ZSJYC", HIDDEN, "校内公开", audience="campus"),
    _published("onrequest", "JWC", HIDDEN, "依申请公开", disclosure_mode="on_request"),
    _published(
        "exempt", "ZSJYC", HIDDEN, "不予公开", disclosure_mode="exempt", exemption_basis="privacy"
    ),
    _published("restricted", "JWC", HIDDEN, "密码访问", after="password"),
    _published("newdraft", "ZSJYC", PUBLIC, "已公开且有新版本送审", after="newdraft"),
    # Published, aliased (as before aliases of entries were refused), then withdrawn.
    _published("aliased", "JWC", TRACE, "有别名后撤回", after="alias"),
]

#: Key of the pre-existing alias of ``aliased``.
ALIAS_KEY = "alias"
ALIAS_OF = "aliased"

#: The transitions tried over HTTP: name -> (steps to its source state, major matter).
TRANSITION_SOURCES = {
    "submit": ((), False),
    "approve": (("submit",), False),
    "clear": (("submit", "approve"), False),
    "sign_off": (("submit", "approve", "clear"), True),
    "publish": (("submit", "approve", "clear"), False),
    "withdraw": (None, False),  # None: published
}
#: The role (Department permission codename) each transition needs (docs/workflow.md).
TRANSITION_ROLE = {
    "submit": "edit_entries",
    "approve": "review_entries",
    "clear": "clear_entries",
    "sign_off": "sign_off_entries",
    "publish": "publish_entries",
    "withdraw": "publish_entries",
}


STEP_STATES = {
    "submit": "submitted",
    "approve": "department_approved",
    "clear": "cleared",
    "sign_off": "signed_off",
}


def expected_state(entry: EntrySpec) -> tuple[str, bool]:
    """(review state, live) the builder must have left the entry in."""
    if not entry.publish:
        return (STEP_STATES[entry.steps[-1]] if entry.steps else "draft"), False
    if entry.after in ("withdraw", "alias"):
        return "withdrawn", True
    if entry.after == "withhold":
        return "withdrawn", False
    if entry.after == "newdraft":
        return "submitted", True  # the new version is in review; the old one is live
    return "published", True


def transition_key(name: str, department: str) -> str:
    return "t" + name.replace("_", "") + department.lower()


def transition_entries(departments=("JWC", "ZSJYC")) -> list[EntrySpec]:
    """One entry per (transition, department), in the state the transition starts from."""
    specs = []
    for name, (steps, major) in TRANSITION_SOURCES.items():
        for department in departments:
            key = transition_key(name, department)
            label = f"待{name}"
            if steps is None:
                entry = _published(key, department, PUBLIC, label)
            else:
                entry = EntrySpec(key, department, HIDDEN, label, steps=steps, major=major)
            # Documents are checked with the state entries; these are about the steps.
            specs.append(dataclasses.replace(entry, documents=False))
    return specs


def all_entries() -> list[EntrySpec]:
    return STATE_ENTRIES + transition_entries()


#: Title word shared by all entries of a department (admin searches use it).
DEPARTMENT_TOKENS = {"JWC": "oijwc", "ZSJYC": "oizsjy"}
#: Checklist items the entries of a department go under (alternating).
DEPARTMENT_ITEMS = {"JWC": ("28",), "ZSJYC": ("31", "7")}
#: Who takes each step of the chain for a department when building.
BUILD_ACTORS = {
    "JWC": {"submit": "editor_jwc", "approve": "reviewer_jwc"},
    "ZSJYC": {"submit": "editor_zsjy", "approve": "admin"},  # the demo has no ZSJYC reviewer
    "*": {"clear": "secrecy", "sign_off": "leader", "publish": "office", "withdraw": "office"},
}


def build_actor(department: str, step: str) -> str:
    return BUILD_ACTORS.get(department, {}).get(step) or BUILD_ACTORS["*"][step]


# --- roles of the demo users, read from the demo's own tables --------------------------

ROLE_CODENAMES = (
    "edit_entries",
    "review_entries",
    "clear_entries",
    "sign_off_entries",
    "publish_entries",
    "handle_requests",
)
ALL = "*"


def demo_roles() -> dict[str, dict[str, set[str]]]:
    """username -> role codename -> departments ({"*"} for all), from demo_content.data.

    Built from the demo's tables (groups with global role permissions, the per-department
    roles, superusers), not from the package's role code, so the test does not take its
    expectations from the code it checks.
    """
    from demo_content import data

    roles: dict[str, dict[str, set[str]]] = {}
    for username, _last, _first, group, _unit in data.USERS:
        held = {codename: set() for codename in ROLE_CODENAMES}
        if group is None:  # the superuser holds every role everywhere
            held = {codename: {ALL} for codename in ROLE_CODENAMES}
        else:
            _page_perms, model_perms, _doc_perms = data.GROUPS[group]
            for app_label, codename in model_perms:
                if app_label == "wagtail_disclosure" and codename in held:
                    held[codename].add(ALL)
        roles[username] = held
    for username, codename, department in data.DEPARTMENT_ROLES:
        roles[username][codename].add(department)
    return roles


def holds(roles, username: str, codename: str, department: str) -> bool:
    departments = roles[username][codename]
    return ALL in departments or department in departments


def sees_department(roles, username: str, department: str) -> bool:
    """Staff see an entry in the admin if they hold any role in its department."""
    return any(holds(roles, username, codename, department) for codename in ROLE_CODENAMES)


#: The demo users, and the transition each tries on a JWC and a ZSJYC entry.
USERS = ("admin", "office", "editor_jwc", "editor_zsjy", "reviewer_jwc", "secrecy", "leader")
PASSWORD = "changeme"
OWN_TRANSITION = {
    "editor_jwc": "submit",
    "editor_zsjy": "submit",
    "reviewer_jwc": "approve",
    "secrecy": "clear",
    "leader": "sign_off",
    "office": "publish",
    "admin": "withdraw",
}
#: A transition each (non-superuser) role does not hold anywhere, tried on a JWC entry.
FOREIGN_TRANSITION = {
    "editor_jwc": "publish",
    "editor_zsjy": "publish",
    "reviewer_jwc": "publish",
    "secrecy": "publish",
    "leader": "publish",
    "office": "approve",
}
