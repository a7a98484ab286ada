"""索引号 (index numbers): unique per site, allocated from a locked sequence row.

The pattern is ``WAGTAIL_DISCLOSURE_INDEX_NUMBER_PATTERN``; the default reads
``{org_code}-{category_code}-{year}-{serial:04d}`` (机构代码-类别-年份-流水号).

Entries call :func:`assign_index_number` when they are first saved, so this module reads
its model with ``apps.get_model`` rather than importing it.
"""

import string

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page, Site

from .conf import get_setting

PATTERN_FIELDS = {
    "org_code",
    "category_code",
    "category_key",
    "item_code",
    "department_code",
    "year",
    "serial",
}


def parse_pattern(pattern):
    """Check a pattern and return it split around ``{serial…}``: (head, serial_spec, tail)."""
    formatter = string.Formatter()
    try:
        parts = list(formatter.parse(pattern))
    except ValueError as exc:
        raise ImproperlyConfigured(f"Invalid index number pattern {pattern!r}: {exc}") from exc
    names = [name for _, name, _, _ in parts if name is not None]
    unknown = set(names) - PATTERN_FIELDS
    if unknown:
        raise ImproperlyConfigured(
            f"Index number pattern {pattern!r} uses unknown field(s) {sorted(unknown)}; "
            f"allowed: {sorted(PATTERN_FIELDS)}"
        )
    if names.count("serial") != 1:
        raise ImproperlyConfigured(
            f"Index number pattern {pattern!r} must contain {{serial}} exactly once."
        )
    return parts


def pattern_values(entry, org_code):
    item = entry.checklist_item
    category = item.category if item else None
    when = entry.document_date or timezone.localdate()
    return {
        "org_code": org_code or "",
        "category_code": category.code if category else "00",
        "category_key": category.key if category else "",
        "item_code": item.code if item else "",
        "department_code": entry.department.short_code if entry.department_id else "",
        "year": when.year,
    }


def format_index_number(pattern, values, serial):
    return pattern.format(serial=serial, **values)


def sequence_key(pattern, values):
    """The part of the pattern that does not depend on the serial: one sequence each."""
    key_parts = []
    for literal, name, spec, conversion in parse_pattern(pattern):
        key_parts.append(literal)
        if name and name != "serial":
            field = (
                "{"
                + name
                + ("!" + conversion if conversion else "")
                + (":" + spec if spec else "")
                + "}"
            )
            key_parts.append(field.format(**values))
        elif name == "serial":
            key_parts.append("#")
    return "".join(key_parts)


def next_serial(site, key):
    """Take the next serial for ``key`` on ``site``; safe under concurrent callers."""
    IndexNumberSequence = apps.get_model("wagtail_disclosure", "IndexNumberSequence")

    with transaction.atomic():
        sequence, _ = IndexNumberSequence.objects.select_for_update().get_or_create(
            site=site, key=key
        )
        IndexNumberSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + 1)
        return IndexNumberSequence.objects.values_list("last_value", flat=True).get(pk=sequence.pk)


def allocate_index_number(entry, site, org_code):
    """Return a new 索引号 for ``entry`` (which need not be saved yet)."""
    pattern = get_setting("INDEX_NUMBER_PATTERN")
    values = pattern_values(entry, org_code)
    serial = next_serial(site, sequence_key(pattern, values))
    return format_index_number(pattern, values, serial)


def ancestor_paths(path, steplen=Page.steplen):
    """Tree paths of a node's ancestors and of the node itself, root first."""
    return [path[:end] for end in range(steplen, len(path) + 1, steplen)]


def assign_index_number(entry):
    """Give ``entry`` its 索引号 from the sequence of its site and prefix.

    The 机构代码 is its section's (``organisation_code``), else
    ``WAGTAIL_DISCLOSURE_ORGANISATION_CODE``. ``entry`` needs its place in the tree
    (``path``), not a primary key.
    """
    site = (
        Site.objects.filter(root_page__path__in=ancestor_paths(entry.path))
        .order_by("-root_page__depth")
        .first()
    )
    section = entry.section
    org_code = (section.organisation_code if section is not None else "") or get_setting(
        "ORGANISATION_CODE"
    )
    entry.index_site = site
    entry.index_number = allocate_index_number(entry, site, org_code)
