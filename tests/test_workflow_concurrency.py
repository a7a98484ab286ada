"""Two reviewers act on one entry at the same moment: exactly one transition applies."""

import threading

import pytest
from django.db import connections
from wagtail.models import PageLogEntry

from tests.test_index_numbers_concurrency import run_together
from tests.utils import make_entry, make_section, reviewer
from wagtail_disclosure.models import EntryReview
from wagtail_disclosure.workflow import TransitionError, take_transition

pytestmark = [
    pytest.mark.each_database,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("names", [("approve", "approve"), ("approve", "reject")])
def test_exactly_one_of_two_simultaneous_decisions_applies(names):
    section = make_section(slug="concurrent-review")
    entry = make_entry(section, key="basic", publish=False)
    take_transition(entry, "submit", reviewer())
    people = [reviewer(f"head-{i}") for i in range(2)]
    outcomes = []
    lock = threading.Lock()

    def act(i):
        try:
            # Each reviewer decides on what they saw: the entry in department review.
            take_transition(
                entry, names[i], people[i], comment="同时处理", expected_state="submitted"
            )
            result = "ok"
        except TransitionError as exc:
            result = exc.code
        with lock:
            outcomes.append(result)
        connections.close_all()

    run_together(act, 2)
    assert sorted(outcomes) == ["concurrent", "ok"], outcomes
    review = EntryReview.objects.get(page_id=entry.pk)
    assert review.state in ("department_approved", "draft")
    decisions = PageLogEntry.objects.filter(
        page_id=entry.pk, action__in=["wagtail_disclosure.approve", "wagtail_disclosure.reject"]
    )
    assert decisions.count() == 1


def test_the_same_step_taken_twice_at_once_applies_once():
    section = make_section(slug="concurrent-twice")
    entry = make_entry(section, key="basic", publish=False)
    take_transition(entry, "submit", reviewer())
    people = [reviewer(f"twin-{i}") for i in range(2)]
    outcomes = []

    def act(i):
        try:
            take_transition(entry, "approve", people[i])
            outcomes.append("ok")
        except TransitionError as exc:
            outcomes.append(exc.code)
        connections.close_all()

    run_together(act, 2)
    assert sorted(outcomes) in (["not_allowed", "ok"], ["concurrent", "ok"]), outcomes
    assert EntryReview.objects.get(page_id=entry.pk).state == "department_approved"
    assert (
        PageLogEntry.objects.filter(page_id=entry.pk, action="wagtail_disclosure.approve").count()
        == 1
    )
