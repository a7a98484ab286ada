"""The workflow engine: a state machine declared once, from which everything else is derived.

A model with a django-fsm-2 state field declares a :class:`Workflow` beside the field, and
its transitions with :meth:`Workflow.transition` instead of ``django_fsm.transition``::

    class Ticket(models.Model):
        department = models.ForeignKey("wagtail_disclosure.Department", ...)
        state = FSMField(default="new", protected=True)
        workflow = Workflow(
            state,
            responsible=[Responsible("new", Role.DEPARTMENT_REVIEWER)],
            department=["department_id"],
        )

        @workflow.transition(source="new", target="done", role=Role.DEPARTMENT_REVIEWER,
                             label=_("Close"), log_message=_("Closed"))
        def close(self, user, when, comment="", **options):
            ...

From these declarations, and nothing else, the engine derives:

* the permission of each transition (the declared role, held in the row's department;
  ``role=RESPONSIBLE`` means whoever is responsible for the current state, as for
  sending back);
* the queue, "what is waiting for me" (:meth:`Workflow.queue`), one query;
* the recipients of the notice after a transition (the people responsible for the new
  state, or the author when the step says ``notify_author``);
* the action-menu items, icons and order, the log actions and their labels;
* the deadlines of the rows in a queue (``deadline=Deadline(...)``).

:func:`wagtail_disclosure.workflow.services.take_transition` takes any transition of any
such model (permission, lock, state check, side effects, audit log, notice after commit).

This module is below the package's models: models import it to declare their workflow;
it never imports them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import django_fsm as fsm
from django.db.models import Q
from django.utils.text import capfirst

from ..permissions import department_filter, has_role, role_map, users_with_role

#: ``role=RESPONSIBLE``: the role responsible for the row's current state acts.
RESPONSIBLE = "__responsible__"

#: Every declared workflow, in the order their models were created.
registry: list[Workflow] = []


@dataclasses.dataclass(frozen=True)
class Responsible:
    """Who decides the next step while a row is in ``state``.

    ``when`` narrows the rule to rows whose fields have the given values (for example
    ``{"sign_off_required": True}``); it is read on the row in Python and used as a
    filter in queries, so only plain field values belong in it.
    """

    state: str
    role: str
    when: Mapping[str, Any] = dataclasses.field(default_factory=lambda: MappingProxyType({}))

    def matches(self, row, field_name):
        return getattr(row, field_name) == self.state and all(
            getattr(row, name) == value for name, value in self.when.items()
        )

    def q(self, field_name):
        return Q(**{field_name: self.state}, **dict(self.when))


@dataclasses.dataclass(frozen=True)
class Deadline:
    """Where a row's period starts (a date) and how many working days it lasts.

    Both are lookups from the row (``"page__document_date"``), read on objects in lists
    and with ``values_list`` when counting.
    """

    start: str
    working_days: str


@dataclasses.dataclass(frozen=True)
class Step:
    """One declared transition, with everything the engine derives from it."""

    name: str
    label: str
    log_message: str
    role: str | None
    sources: tuple
    target: Any
    icon: str = "tasks"
    needs_reason: bool = False
    notify_author: str | None = None
    system: bool = False
    order: int = 0


def lookup(obj, path):
    """Follow a ``"page__department_id"`` lookup on an object; ``None`` when a link is."""
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


class Workflow:
    """The declaration of one state machine: its field, who acts in each state, where the
    department is read, how transitions are logged and notified.

    Arguments:

    ``field``
        the ``FSMField`` (declared just above in the model body).
    ``responsible``
        a list of :class:`Responsible`: for each state waiting for someone, the role
        that decides.
    ``department``
        lookups of the department id, first non-null wins (``["department_id",
        "page__department_id"]``): roles are held per department.
    ``subject``
        the name of the one-to-one field to the object people act on, when the state
        lives in a row beside it (the entry review beside its page):
        ``take_transition(page, ...)`` then finds (or creates) the row.
    ``version``
        a lookup or callable giving the version a decision is about (a revision id); a
        decision sent with another version is refused.
    ``author``
        a callable giving the user told when a step says ``notify_author``.
    ``log_instance``, ``log_revision``
        lookups of the object the audit log is attached to (default: the row) and of the
        revision it names.
    ``log_prefix``
        the prefix of the log action names (default ``"app_label.model_name."``).
    ``deadline``
        a :class:`Deadline`, for queues with due dates.
    ``changed_at``, ``comment_field``
        fields set on every transition when the model has them.
    ``notification_templates``
        (subject, body) template names of the notice e-mails.
    ``notification_context``
        a callable adding template context for a row.
    ``select_related``
        relations read with the row when it is locked for a transition.
    """

    def __init__(
        self,
        field,
        *,
        responsible: Sequence[Responsible] = (),
        department: Sequence[str] = ("department_id",),
        subject: str | None = None,
        version: str | Callable | None = None,
        author: Callable | None = None,
        log_instance: str | None = None,
        log_revision: str | None = None,
        log_prefix: str | None = None,
        deadline: Deadline | None = None,
        changed_at: str = "state_changed_at",
        comment_field: str = "last_comment",
        notification_templates: tuple[str, str] = (
            "wagtail_disclosure/notifications/workflow_subject.txt",
            "wagtail_disclosure/notifications/workflow.txt",
        ),
        notification_context: Callable | None = None,
        select_related: Sequence[str] = (),
    ):
        self.field = field
        self.responsible = list(responsible)
        self.department = list(department)
        self.subject = subject
        self.version = version
        self.author = author
        self.log_instance = log_instance
        self.log_revision = log_revision
        self._log_prefix = log_prefix
        self.deadline = deadline
        self.changed_at = changed_at
        self.comment_field = comment_field
        self.notification_templates = notification_templates
        self.notification_context = notification_context
        self.select_related = list(select_related)
        self.steps: dict[str, Step] = {}
        self.model = None

    # -- declaration ----------------------------------------------------------------

    def contribute_to_class(self, cls, name):
        """Django calls this for the ``workflow = Workflow(...)`` attribute."""
        setattr(cls, name, self)
        if cls._meta.abstract:
            return
        self.model = cls
        if self not in registry:
            registry.append(self)

    def transition(
        self,
        *,
        source,
        target,
        label,
        log_message=None,
        role=None,
        icon="tasks",
        needs_reason=False,
        notify_author=None,
        conditions=(),
        system=False,
    ):
        """Declare a transition: ``django_fsm.transition`` with the permission derived from
        ``role`` (``None`` with ``system=True``: taken by the software, never offered)."""
        if role is None and not system:
            raise ValueError("A transition people take needs a role (or system=True).")
        sources = tuple(source) if isinstance(source, list | tuple | set) else (source,)

        def decorator(method):
            step = Step(
                name=method.__name__,
                label=label,
                log_message=log_message or label,
                role=role,
                sources=sources,
                target=target,
                icon=icon,
                needs_reason=needs_reason,
                notify_author=notify_author,
                system=system,
                order=len(self.steps),
            )
            self.steps[step.name] = step
            return fsm.transition(
                field=self.field,
                source=list(sources),
                target=target,
                conditions=list(conditions),
                permission=None if system else self._permission(role),
                custom={
                    "label": label,
                    "role": role,
                    "needs_reason": needs_reason,
                    "system": system,
                },
            )(method)

        return decorator

    def _permission(self, role):
        def permission(row, user):
            acting = self.responsible_role(row) if role == RESPONSIBLE else role
            return acting is not None and has_role(user, acting, self.department_id(row))

        permission.role = role
        return permission

    # -- reading a row --------------------------------------------------------------

    @property
    def field_name(self):
        return self.field.name

    @property
    def log_prefix(self):
        if self._log_prefix is not None:
            return self._log_prefix
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}."

    @property
    def human_steps(self):
        """The transitions people take, in declaration order."""
        return [step for step in self.steps.values() if not step.system]

    def state_of(self, row):
        return getattr(row, self.field_name)

    def state_label(self, state):
        return dict(self.field.flatchoices).get(state, state)

    def department_id(self, row):
        for path in self.department:
            value = lookup(row, path)
            if value is not None:
                return value
        return None

    def responsible_role(self, row):
        """The role deciding the row's next step, or ``None`` when nobody is waited for."""
        for rule in self.responsible:
            if rule.matches(row, self.field_name):
                return rule.role
        return None

    def version_of(self, row):
        if self.version is None:
            return None
        if callable(self.version):
            return self.version(row)
        return lookup(row, self.version)

    def author_of(self, row):
        return self.author(row) if self.author else None

    def is_waiting(self, state):
        return any(rule.state == state for rule in self.responsible)

    # -- derived queries ------------------------------------------------------------

    def department_q(self, user, roles):
        """Rows whose department (first non-null lookup) is one where ``user`` holds one
        of ``roles``; an empty ``Q`` when the roles are held for every department."""
        first, *others = self.department
        condition = department_filter(user, roles, field=first)
        if not condition:
            return condition
        null_so_far = Q(**{f"{first}__isnull": True})
        for path in others:
            condition |= null_so_far & department_filter(user, roles, field=path)
            null_so_far &= Q(**{f"{path}__isnull": True})
        return condition

    def queue(self, user, queryset=None):
        """The rows whose next step ``user`` decides: the responsible role for their state,
        held in their department. One query; empty for people with no such role."""
        queryset = self.model._default_manager.all() if queryset is None else queryset
        held = role_map(user)
        condition = None
        for rule in self.responsible:
            if rule.role not in held:
                continue
            clause = rule.q(self.field_name) & self.department_q(user, [rule.role])
            condition = clause if condition is None else condition | clause
        if condition is None:
            return queryset.none()
        return queryset.filter(condition)

    def recipients(self, row, step, actor):
        """(users, the profile switch that lets them opt out) told after ``step``."""
        actor_pk = getattr(actor, "pk", None)
        role = self.responsible_role(row)
        if role is not None:
            users = users_with_role(role, self.department_id(row))
            return [user for user in users if user.pk != actor_pk], "submitted_notifications"
        if step.notify_author:
            author = self.author_of(row)
            if author is not None and author.pk != actor_pk and author.is_active:
                return [author], step.notify_author
        return [], None

    def available(self, row, user):
        """Names of the transitions ``user`` may take on ``row`` now."""
        return [
            step.name
            for step in self.human_steps
            if fsm.has_transition_perm(getattr(row, step.name), user)
        ]

    def __repr__(self):
        model = self.model._meta.label if self.model else "unbound"
        return f"<Workflow {model}.{getattr(self.field, 'name', '?')}>"


def workflow_of(model_or_row):
    """The workflow declared on a model (or a row's model), or ``None``."""
    for workflow in registry:
        if isinstance(model_or_row, type):
            if issubclass(model_or_row, workflow.model):
                return workflow
        elif isinstance(model_or_row, workflow.model):
            return workflow
    return None


def workflow_for_subject(obj):
    """The workflow whose rows accompany objects like ``obj`` (``subject=``), or ``None``."""
    for workflow in registry:
        if workflow.subject is None:
            continue
        related = workflow.model._meta.get_field(workflow.subject).related_model
        # A page may come as a plain ``Page`` of the right type: ask its specific class.
        specific_class = getattr(obj, "specific_class", None) or type(obj)
        if isinstance(obj, related) or issubclass(specific_class, related):
            return workflow
    return None


def step_label(workflow, name):
    step = workflow.steps.get(name)
    return capfirst(step.label) if step else name
