"""The workflow engine (``engine.py``) and its services; the entry review is declared on it.

* :mod:`.engine`: :class:`Workflow`, :class:`Responsible`, :class:`Deadline`, ``RESPONSIBLE``;
* :mod:`.services`: :func:`take_transition` (the one path that moves a state),
  :func:`take_system_transition`, :func:`available_transitions`, :func:`import_as_published`;
* :mod:`.queue`: queues, deadlines and their counts;
* :mod:`.notifications`, :mod:`.log_actions`: notices and audit-log labels;
* :mod:`.guard`: publication of entries happens only inside a transition.

This package never imports the package's models: models declare their workflow on it.
"""

from .engine import RESPONSIBLE, Deadline, Responsible, Workflow
from .guard import PublicationBypassError, publication_allowed
from .services import (
    TransitionError,
    available_transitions,
    get_row,
    import_as_published,
    take_system_transition,
    take_transition,
)

__all__ = [
    "RESPONSIBLE",
    "Deadline",
    "PublicationBypassError",
    "Responsible",
    "TransitionError",
    "Workflow",
    "available_transitions",
    "get_row",
    "import_as_published",
    "publication_allowed",
    "take_system_transition",
    "take_transition",
]
