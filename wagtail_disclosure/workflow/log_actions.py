"""Log actions of every declared workflow, derived from its transitions (label, message)."""

from .engine import registry
from .log_formatters import formatter_for


def register_workflow_log_actions(actions):
    """``register_log_actions`` hook: one action per transition of every workflow."""
    for workflow in registry:
        for step in workflow.steps.values():
            # With a formatter: the history shows the exact time and the comment.
            actions.register_action(workflow.log_prefix + step.name)(formatter_for(step))
