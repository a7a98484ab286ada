"""Export disclosure entries to a CSV or XLSX file that ``disclosure_import`` reads.

    manage.py disclosure_export FILE [--format csv|xlsx] [--section SLUG] [--english]

See docs/import.md.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...exporting import export_csv, export_xlsx
from ...importing import ImportFileError, find_section


class Command(BaseCommand):
    help = "Export the entries of a disclosure section to CSV or XLSX (the import's columns)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to write.")
        parser.add_argument(
            "--format", choices=["csv", "xlsx"], help="Default: from the file name, else csv."
        )
        parser.add_argument(
            "--section", help="Slug of the disclosure section (if there are several)."
        )
        parser.add_argument(
            "--english", action="store_true", help="English headers and choice values."
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        file_format = options["format"] or ("xlsx" if path.suffix.lower() == ".xlsx" else "csv")
        language = "en" if options["english"] else "zh"
        try:
            section = find_section(options["section"])
        except ImportFileError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if file_format == "xlsx":
            count = export_xlsx(section, path, language)
        else:
            with path.open("w", encoding="utf-8", newline="") as stream:
                count = export_csv(section, stream, language)
        self.stdout.write(f"{count} entries written to {path}")
