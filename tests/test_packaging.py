"""Build the wheel, install it into a brand-new `wagtail start` project and follow README.md.

Slow (builds a wheel, creates a virtualenv, installs Wagtail), so it only runs when
WAGTAIL_DISCLOSURE_PACKAGING_TEST=1; the noxfile sets that in exactly one session
(``ONE_SESSION`` in noxfile.py: tests-wagtail8-sqlite). Run it alone with:

    WAGTAIL_DISCLOSURE_PACKAGING_TEST=1 .nox/tests-wagtail8-sqlite/bin/pytest tests/test_packaging.py

The install guide is taken from README.md, between these HTML comments:

    <!-- install-settings:start --> ```python ... ``` <!-- install-settings:end -->
        appended to proj/settings/base.py (required)
    <!-- install-urls:start --> ```python ... ``` <!-- install-urls:end -->
        appended to proj/urls.py (optional)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(
        os.environ.get("WAGTAIL_DISCLOSURE_PACKAGING_TEST") != "1",
        reason="packaging test: set WAGTAIL_DISCLOSURE_PACKAGING_TEST=1 (nox sets it in the "
        "one session that runs it, see ONE_SESSION in noxfile.py)",
    ),
]

REPO_ROOT = Path(__file__).resolve().parent.parent
WAGTAIL_REQUIREMENT = "wagtail>=8.0,<9"
CHECKLIST_ITEM_2 = "学校章程及制定的各项规章制度"
INSTALL_TIMEOUT = 900  # seconds; a cold pip/uv cache downloads Wagtail and friends
COMMAND_TIMEOUT = 600

EXPECTED_WHEEL_FILES = [
    "wagtail_disclosure/__init__.py",
    "wagtail_disclosure/migrations/0001_initial.py",
    "wagtail_disclosure/locale/zh_Hans/LC_MESSAGES/django.mo",
    "wagtail_disclosure/locale/en/LC_MESSAGES/django.mo",
]
EXPECTED_WHEEL_DIRS = [
    "wagtail_disclosure/templates/",
    "wagtail_disclosure/static/",
    "wagtail_disclosure/migrations/",
]

SMOKE_SCRIPT = f"""
import datetime

from django.test.utils import setup_test_environment

setup_test_environment()  # the test client records contexts; mail stays in memory

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from wagtail_disclosure.models import (
    ChecklistItem, Department, DisclosureCategoryPage, DisclosureIndexPage, EntryReview,
    entry_page_type_for,
)
from wagtail_disclosure.permissions import Role, assign_role
from wagtail_disclosure.setup import group_name

section = DisclosureIndexPage.objects.get()  # made by manage.py disclosure_setup
client = Client(HTTP_HOST="localhost")
response = client.get(section.url)
print("SMOKE status", response.status_code)
print("SMOKE contains-item-2", {CHECKLIST_ITEM_2!r} in response.content.decode("utf-8"))

# One entry from draft to published, each step by a person of the group disclosure_setup
# made, over HTTP (the admin's transition views).
jwc = Department.objects.get(short_code="JWC")
User = get_user_model()
people = {{}}
for role in Role:
    user = User.objects.create_user("smoke-" + role.value, password="pw")
    user.groups.add(Group.objects.get(name=group_name(role)))
    if role != Role.DISCLOSURE_OFFICE:
        assign_role(user, role, jwc)
    people[role] = user
parent = DisclosureCategoryPage.objects.child_of(section).get(category__key="admissions")
item = ChecklistItem.objects.filter(category_id=parent.category_id).order_by("number").first()
entry = entry_page_type_for("admissions")(
    title="冒烟测试条目", slug="smoke-entry", checklist_item=item, department=jwc,
    document_date=datetime.date(2026, 3, 2), live=False, is_major_matter=True,
)
parent.add_child(instance=entry)
entry.save_revision(user=people[Role.DEPARTMENT_EDITOR])
for role, name in [
    (Role.DEPARTMENT_EDITOR, "submit"), (Role.DEPARTMENT_REVIEWER, "approve"),
    (Role.CONFIDENTIALITY_REVIEWER, "clear"), (Role.SIGN_OFF_LEADER, "sign_off"),
    (Role.DISCLOSURE_OFFICE, "publish"),
]:
    client.force_login(people[role])
    url = reverse("wagtail_disclosure:entry_transition", args=[entry.pk, name])
    form = client.get(url)
    posted = client.post(url, {{"comment": "", **form.context["form"].initial}})
    print("SMOKE step", name, form.status_code, posted.status_code,
          EntryReview.objects.get(page_id=entry.pk).state)
client.logout()
entry.refresh_from_db()
print("SMOKE entry", entry.live, client.get(entry.url).status_code)
"""


# --- helpers ---------------------------------------------------------------------------


def _clean_env() -> dict[str, str]:
    """The environment for the fresh project: nothing from the test run may leak in."""
    env = dict(os.environ)
    for name in (
        "DJANGO_SETTINGS_MODULE",
        "DATABASE_URL",
        "PYTHONPATH",
        "VIRTUAL_ENV",
        "PYTHONHOME",
        "WAGTAIL_DISCLOSURE_PACKAGING_TEST",
    ):
        env.pop(name, None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _run(cmd: list[str], *, cwd: Path | None = None, timeout: int = COMMAND_TIMEOUT) -> str:
    """Run cmd; on failure, fail the test with the command's full output."""
    shown = " ".join(str(part) for part in cmd)
    try:
        proc = subprocess.run(
            [str(part) for part in cmd],
            cwd=cwd,
            env=_clean_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"timed out after {timeout}s: {shown}\n{exc.output or ''}")
    if proc.returncode != 0:
        pytest.fail(f"exit code {proc.returncode}: {shown}\n{proc.stdout}")
    return proc.stdout


def _uv() -> str | None:
    candidate = os.environ.get("UV") or shutil.which("uv")
    if candidate and shutil.which(candidate):
        return shutil.which(candidate)
    return None


def _readme_block(readme: str, name: str, *, required: bool) -> str | None:
    match = re.search(
        rf"<!--\s*{name}:start\s*-->(.*?)<!--\s*{name}:end\s*-->", readme, flags=re.DOTALL
    )
    if match is None:
        if required:
            pytest.fail(
                f"README install guide markers missing: README.md needs a ```python block between "
                f"<!-- {name}:start --> and <!-- {name}:end -->"
            )
        return None
    code = re.search(r"```(?:python|py)?[ \t]*\n(.*?)```", match.group(1), flags=re.DOTALL)
    if code is None:
        pytest.fail(f"README install guide: no fenced ```python block inside the {name} markers")
    return code.group(1)


def read_install_guide(readme_path: Path) -> tuple[str, str | None]:
    """(settings code, urls code or None) from the README's install guide."""
    if not readme_path.exists():
        pytest.fail(f"README install guide markers missing: {readme_path} does not exist")
    readme = readme_path.read_text(encoding="utf-8")
    settings_code = _readme_block(readme, "install-settings", required=True)
    urls_code = _readme_block(readme, "install-urls", required=False)
    return settings_code, urls_code


def build_wheel(source: Path, out_dir: Path) -> Path:
    uv = _uv()
    if uv:
        _run([uv, "build", "--wheel", "--out-dir", out_dir, source], timeout=INSTALL_TIMEOUT)
    else:
        _run(
            [sys.executable, "-m", "build", "--wheel", "--outdir", out_dir, source],
            timeout=INSTALL_TIMEOUT,
        )
    wheels = sorted(out_dir.glob("wagtail_disclosure-*.whl"))
    assert len(wheels) == 1, f"expected one wheel in {out_dir}, found {wheels}"
    return wheels[0]


def check_wheel_contents(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    missing = [name for name in EXPECTED_WHEEL_FILES if name not in names]
    missing += [
        prefix + "*"
        for prefix in EXPECTED_WHEEL_DIRS
        if not any(name.startswith(prefix) and not name.endswith("/") for name in names)
    ]
    assert not missing, f"{wheel.name} lacks {missing}; it contains:\n" + "\n".join(sorted(names))


def make_venv(venv_dir: Path) -> Path:
    uv = _uv()
    if uv:
        _run([uv, "venv", "--quiet", "--python", sys.executable, venv_dir])
    else:
        _run([sys.executable, "-m", "venv", venv_dir])
    return venv_dir / "bin" / "python"


def install(python: Path, *requirements: str | Path) -> None:
    uv = _uv()
    if uv:
        cmd = [uv, "pip", "install", "--quiet", "--python", python, *requirements]
    else:
        cmd = [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *requirements,
        ]
    _run(cmd, timeout=INSTALL_TIMEOUT)


def fresh_project_smoke_test(readme_path: Path, source: Path, work: Path) -> str:
    """Build + install the wheel into a new `wagtail start` project, apply the README guide,
    migrate, run ``disclosure_setup`` (twice: it is idempotent), render the section, and take
    one entry from draft to published over HTTP. Returns the smoke script's output."""
    settings_code, urls_code = read_install_guide(readme_path)

    wheel = build_wheel(source, work / "dist")
    check_wheel_contents(wheel)

    python = make_venv(work / "venv")
    install(python, wheel, WAGTAIL_REQUIREMENT)

    project_dir = work / "site"
    project_dir.mkdir()
    _run([python.parent / "wagtail", "start", "proj", project_dir])
    base_settings = project_dir / "proj" / "settings" / "base.py"
    urls = project_dir / "proj" / "urls.py"
    assert base_settings.exists() and urls.exists(), "unexpected `wagtail start` layout"

    with base_settings.open("a", encoding="utf-8") as fh:
        fh.write("\n\n# --- wagtail-disclosure: README install guide ---\n" + settings_code)
    if urls_code:
        with urls.open("a", encoding="utf-8") as fh:
            fh.write("\n\n# --- wagtail-disclosure: README install guide ---\n" + urls_code)

    manage = project_dir / "manage.py"
    checked = _run([python, manage, "check"], cwd=project_dir)
    # The guide puts the package before Wagtail's apps (its admin templates and wording).
    assert "wagtail_disclosure.W007" not in checked, checked
    _run([python, manage, "migrate", "--noinput"], cwd=project_dir)
    departments = work / "departments.csv"
    departments.write_text("name,short_code\n教务处,JWC\n", encoding="utf-8")
    setup = _run([python, manage, "disclosure_setup", "--departments", departments], cwd=project_dir)
    again = _run([python, manage, "disclosure_setup", "--departments", departments], cwd=project_dir)
    print(setup, again)
    output = _run([python, manage, "shell", "-c", SMOKE_SCRIPT], cwd=project_dir)
    print(output)
    assert "SMOKE status 200" in output, output
    steps = [
        ("submit", "submitted"),
        ("approve", "department_approved"),
        ("clear", "cleared"),
        ("sign_off", "signed_off"),
        ("publish", "published"),
    ]
    for name, state in steps:
        assert f"SMOKE step {name} 200 302 {state}" in output, output
    assert "SMOKE entry True 200" in output, output
    assert "SMOKE contains-item-2 True" in output, (
        f"the rendered DisclosureIndexPage does not contain {CHECKLIST_ITEM_2!r}:\n{output}"
    )
    return output


# --- the test --------------------------------------------------------------------------


def test_wheel_installs_into_fresh_wagtail_project(tmp_path):
    fresh_project_smoke_test(REPO_ROOT / "README.md", REPO_ROOT, tmp_path)
