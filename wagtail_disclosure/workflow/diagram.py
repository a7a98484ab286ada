"""A Mermaid state diagram of the review workflow, generated from the FSM declaration.

The diagram in ``docs/workflow.md`` is the output of this module, so it cannot drift from
:class:`~wagtail_disclosure.models.review.EntryReview`::

    python -m wagtail_disclosure.workflow.diagram            # print the Markdown block
    python -m wagtail_disclosure.workflow.diagram --write docs/workflow.md

``--write`` replaces what lies between ``<!-- diagram:start -->`` and
``<!-- diagram:end -->`` in the given file. The module needs Django settings (it reads the
model and translates the labels); without ``DJANGO_SETTINGS_MODULE`` it configures a
minimal set of its own. It never touches a database.
"""

import argparse
import os
import re
import sys
from pathlib import Path

START_MARKER = "<!-- diagram:start -->"
END_MARKER = "<!-- diagram:end -->"

#: Conditions worth showing on an edge, by function name: ``source state -> text or None``.
#: Conditions not listed (revision checks, the "entry is online" check) are left to the prose.
GUARD_TEXT = {
    "_sign_off_needed": lambda source: "if sign-off is required",
    "_sign_off_done": lambda source: (
        None if source == "signed_off" else "if no sign-off is required"
    ),
}


def _transitions():
    """The declared transitions, in the order their methods are defined on the model."""
    from django.apps import apps

    EntryReview = apps.get_model("wagtail_disclosure", "EntryReview")
    field = EntryReview._meta.get_field("state")
    methods = list(vars(EntryReview))
    transitions = list(field.get_all_transitions(EntryReview))
    states = [value for value, _label in field.choices]

    def position(transition):
        name = transition.name
        method_index = methods.index(name) if name in methods else len(methods)
        return (method_index, name, states.index(transition.source))

    return EntryReview, field, states, sorted(transitions, key=position)


def _sources(transition, states):
    """Expand django-fsm's wildcards: ``*`` is every state, ``+`` every state but the target."""
    if transition.source == "*":
        return list(states)
    if transition.source == "+":
        return [s for s in states if s != transition.target]
    return [transition.source]


def _who(transition):
    from wagtail_disclosure.permissions import Role
    from wagtail_disclosure.workflow.engine import RESPONSIBLE

    custom = transition.custom
    if custom.get("system"):
        return "automatic"
    role = custom.get("role")
    if role and role != RESPONSIBLE:
        return str(Role(role).label)
    return "whoever decides the current step"


def _clean(text):
    # Mermaid ends a label at a line break and treats ";" and "#" specially.
    return re.sub(r"[;#\n]+", " ", str(text)).strip()


def mermaid():
    """The ``stateDiagram-v2`` source, without the Markdown fence."""
    from django.utils import translation

    with translation.override("en"):
        model, field, states, transitions = _transitions()
        labels = dict(field.choices)
        lines = ["stateDiagram-v2"]
        for state in states:
            lines.append(f"    {state}: {_clean(labels[state])}")
        lines.append(f"    [*] --> {field.get_default()}")
        for transition in transitions:
            for source in _sources(transition, states):
                label = f"{transition.name} ({_who(transition)})"
                guards = []
                for condition in transition.conditions:
                    describe = GUARD_TEXT.get(getattr(condition, "__name__", ""))
                    text = describe(source) if describe else None
                    if text:
                        guards.append(text)
                if guards:
                    label += ", " + ", ".join(guards)
                lines.append(f"    {source} --> {transition.target}: {_clean(label)}")
    return "\n".join(lines) + "\n"


def markdown_block():
    """The fenced block that goes between the markers in the documentation."""
    return "```mermaid\n" + mermaid() + "```\n"


def replace_block(text, block, start=START_MARKER, end=END_MARKER):
    """``text`` with what lies between the markers replaced by ``block``."""
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"markers {start} / {end} not found")
    return pattern.sub(lambda _m: f"{start}\n{block}{end}", text, count=1)


def extract_block(text, start=START_MARKER, end=END_MARKER):
    """What lies between the markers in ``text`` (without the surrounding newlines)."""
    match = re.search(re.escape(start) + r"\n(.*?)" + re.escape(end), text, re.DOTALL)
    if match is None:
        raise ValueError(f"markers {start} / {end} not found")
    return match.group(1)


def _setup_django():
    import django
    from django.conf import settings

    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        settings.configure(
            INSTALLED_APPS=[
                "wagtail_disclosure",
                "guardian",
                "wagtail.users",
                "wagtail.documents",
                "wagtail.images",
                "wagtail.search",
                "wagtail.admin",
                "wagtail",
                "modelcluster",
                "taggit",
                "django.contrib.auth",
                "django.contrib.contenttypes",
            ],
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
            DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
            STATIC_URL="/static/",
            USE_I18N=True,
            LANGUAGE_CODE="en",
        )
    django.setup()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write",
        metavar="FILE",
        help="replace the block between the diagram markers in FILE instead of printing",
    )
    args = parser.parse_args(argv)
    _setup_django()
    block = markdown_block()
    if args.write:
        path = Path(args.write)
        path.write_text(replace_block(path.read_text(encoding="utf-8"), block), encoding="utf-8")
    else:
        sys.stdout.write(block)
    return 0


if __name__ == "__main__":
    if not __package__:
        # Run as a script (python wagtail_disclosure/workflow/diagram.py): import the
        # package from the checkout, not this folder's modules as top-level ones.
        here = Path(__file__).resolve().parent
        sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
        sys.path.insert(0, str(here.parents[1]))
    sys.exit(main())
