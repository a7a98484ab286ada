"""The workflow diagram in docs/workflow.md is generated from the FSM declaration."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from wagtail_disclosure.models.review import EntryReview, ReviewState
from wagtail_disclosure.workflow import diagram

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "workflow.md"
MKDOCS = ROOT / "mkdocs.yml"


def declared_edges():
    field = EntryReview._meta.get_field("state")
    states = [value for value, _label in field.choices]
    return {
        (source, t.target, t.name)
        for t in field.get_all_transitions(EntryReview)
        for source in diagram._sources(t, states)
    }


def diagram_edges(text):
    edges = set()
    for line in text.splitlines():
        line = line.strip()
        if "-->" not in line or line.startswith("[*]"):
            continue
        arrow, label = line.split(":", 1)
        source, target = (part.strip() for part in arrow.split("-->"))
        edges.add((source, target, label.split()[0]))
    return edges


def test_docs_block_matches_the_generated_diagram():
    """Regenerate with: python wagtail_disclosure/workflow/diagram.py --write docs/workflow.md"""
    block = diagram.extract_block(DOC.read_text(encoding="utf-8"))
    assert block == diagram.markdown_block()


def test_every_declared_transition_is_an_edge_and_nothing_else():
    edges = diagram_edges(diagram.mermaid())
    assert edges == declared_edges()
    # The review chain itself, spelled out, so a wrong declaration fails here too.
    assert {
        ("draft", "submitted", "submit"),
        ("submitted", "department_approved", "approve"),
        ("department_approved", "cleared", "clear"),
        ("cleared", "signed_off", "sign_off"),
        ("cleared", "published", "publish"),
        ("signed_off", "published", "publish"),
        ("published", "withdrawn", "withdraw"),
    } <= edges


def test_every_state_is_declared_with_its_label():
    text = diagram.mermaid()
    assert text.startswith("stateDiagram-v2\n")
    assert "    [*] --> draft\n" in text
    for state in ReviewState:
        assert f"    {state.value}: " in text


def test_edges_name_the_role():
    text = diagram.mermaid()
    assert "draft --> submitted: submit (Department editor)" in text
    assert "submitted --> department_approved: approve (Department reviewer)" in text
    assert "department_approved --> cleared: clear (Confidentiality reviewer)" in text
    assert "cleared --> signed_off: sign_off (Sign-off leader), if sign-off is required" in text
    assert "signed_off --> published: publish (Disclosure office)\n" in text
    assert "published --> withdrawn: withdraw (Disclosure office)" in text
    assert "withdrawn --> draft: reopen (automatic)" in text


def test_replace_and_extract_round_trip():
    text = f"intro\n{diagram.START_MARKER}\nold\n{diagram.END_MARKER}\noutro\n"
    new = diagram.replace_block(text, "```mermaid\nx\n```\n")
    assert (
        new == f"intro\n{diagram.START_MARKER}\n```mermaid\nx\n```\n{diagram.END_MARKER}\noutro\n"
    )
    assert diagram.extract_block(new) == "```mermaid\nx\n```\n"
    with pytest.raises(ValueError):
        diagram.extract_block("no markers")


def test_mkdocs_renders_mermaid_and_lists_the_page():
    config = MKDOCS.read_text(encoding="utf-8")
    assert "- name: mermaid" in config
    assert "pymdownx.superfences.fence_code_format" in config
    assert "workflow.md" in config


@pytest.mark.diagram_script  # a new Python process: one nox session only (noxfile.py)
def test_script_prints_the_same_block_without_a_settings_module():
    """The documented command works from a checkout, with no Django project around it."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "wagtail_disclosure" / "workflow" / "diagram.py")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == diagram.markdown_block()
