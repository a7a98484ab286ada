"""Record which documents every revision of every entry uses (docs/security.md).

    manage.py disclosure_rebuild_document_references [--chunk-size 200]

Serving a document checks the entries that use it, in any version. New revisions are
recorded when they are saved; this command reads the existing ones. Applying the
migration that creates the table runs it once; run it again after restoring revisions
from a backup or loading them with ``loaddata``. It can be run any time: it replaces what
was recorded for each revision.
"""

from django.core.management.base import BaseCommand, CommandError

from ...documents import rebuild_document_references

#: Largest --chunk-size (a larger one would overflow the database's LIMIT).
MAX_CHUNK_SIZE = 10_000


class Command(BaseCommand):
    help = "Record which documents every revision of every disclosure entry uses."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=200,
            help=f"Revisions read per database query (default: 200, at most {MAX_CHUNK_SIZE}).",
        )

    def handle(self, *args, chunk_size, verbosity, **options):
        if chunk_size > MAX_CHUNK_SIZE:
            raise CommandError(f"--chunk-size must be at most {MAX_CHUNK_SIZE}.")
        stdout = self.stdout if verbosity else None
        done, failed = rebuild_document_references(stdout=stdout, chunk_size=max(chunk_size, 1))
        if failed:
            self.stderr.write(
                f"{failed} of {done} entry revisions could not be read; see the log for why."
            )
        elif verbosity:
            self.stdout.write(self.style.SUCCESS(f"Done: {done} entry revisions read."))
