"""Log actions of every declared workflow, derived from its transitions (label, message)."""

from .engine import registry


def register_workflow_log_actions(actions):
    """``register_log_actions`` hook: one action per transition of every workflow."""
    for workflow in registry:
        for step in workflow.steps.values():
            actions.register_action(workflow.log_prefix + step.name, step.label, step.log_message)
