"""The review workflow: taking transitions, with their side effects and audit trail."""

from .guard import PublicationBypassError, publication_allowed
from .services import (
    TRANSITIONS,
    TransitionError,
    available_transitions,
    import_as_published,
    take_transition,
)

__all__ = [
    "PublicationBypassError",
    "publication_allowed",
    "TRANSITIONS",
    "TransitionError",
    "available_transitions",
    "import_as_published",
    "take_transition",
]
