"""Restore an archive of ``disclosure_dump`` into an empty site (docs/backup.md).

manage.py disclosure_load FILE
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...backup import BackupError, describe, load


class Command(BaseCommand):
    help = (
        "Restore an archive written by disclosure_dump into a site that has no disclosure "
        "data yet (migrated, with Wagtail's root page and default site). All or nothing: "
        "one transaction. Refuses a site with disclosure data, an archive that is not a "
        "disclosure backup or is damaged, and one from a newer schema. See docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive written by disclosure_dump.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path}, returncode=2)
        try:
            manifest = load(path, self.progress, warn=self.stderr.write)
        except BackupError as exc:
            raise CommandError(
                _("Nothing was loaded. %(error)s") % {"error": exc}, returncode=1
            ) from exc
        self.stderr.write("\n".join(describe(manifest)))
        self.stdout.write(
            _("Restored %(path)s (written %(when)s).")
            % {"path": path, "when": manifest["created_at"]}
        )

    def progress(self, label, done, total):
        self.stderr.write(f"\r{label}: {done}/{total}", ending="")
        if done >= total:
            self.stderr.write("")
