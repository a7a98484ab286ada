"""Write every piece of disclosure data to one ZIP archive (docs/backup.md).

manage.py disclosure_dump FILE [--force]
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...backup import BackupError, describe, dump


class Command(BaseCommand):
    help = (
        "Write all disclosure data (pages with their revisions, reviews and audit log, "
        "requests, annual-report figures, catalogue, settings, import runs, the documents "
        "and images the entries use, with their files) to one ZIP archive that "
        "disclosure_load restores. Progress goes to stderr. See docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive to write (a .zip file).")
        parser.add_argument("--force", action="store_true", help="Overwrite FILE if it exists.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if path.exists() and not options["force"]:
            raise CommandError(
                _("%(path)s exists; use --force to overwrite it.") % {"path": path}, returncode=2
            )
        if not path.parent.is_dir():
            raise CommandError(
                _("No such directory: %(path)s") % {"path": path.parent}, returncode=2
            )
        partial = path.with_name(path.name + ".part")
        try:
            manifest = dump(partial, self.progress)
            partial.replace(path)  # never a half-written archive under FILE
        except BackupError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        finally:
            partial.unlink(missing_ok=True)
        self.stderr.write("\n".join(describe(manifest)))
        self.stderr.write(
            _("Wrote %(path)s (%(size)s bytes).") % {"path": path, "size": path.stat().st_size}
        )

    def progress(self, label, done, total):
        self.stderr.write(f"\r{label}: {done}/{total}", ending="")
        if done >= total:
            self.stderr.write("")
