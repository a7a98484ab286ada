"""Background tasks (django-tasks, the task framework Wagtail uses)."""

from django_tasks import task


@task()
def extract_attachment_text(attachment_id):
    """Extract the text of an attachment for search and reindex its entry."""
    from .extraction import update_attachment_text

    update_attachment_text(attachment_id)


@task()
def reindex_entry(page_id):
    """Index an entry again, e.g. after one of its attachments changed."""
    from .extraction import reindex_entry as reindex

    reindex(page_id)


@task()
def send_request_reminders():
    """The daily run: the digest of requests for information due soon or overdue, and the
    pruning of the log of public changes (``public_cache.prune_public_changes``)."""
    from .public_cache import prune_public_changes
    from .request_reminders import send_reminders

    prune_public_changes()
    return len(send_reminders())


@task()
def run_import(run_id):
    """Import the file of an import run started on the admin's import screen."""
    from .importing import execute_run

    run = execute_run(run_id)
    return run.imported
