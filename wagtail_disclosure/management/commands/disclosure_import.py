"""Import disclosure entries from a CSV or XLSX file (docs/import.md).

    manage.py disclosure_import FILE [--dry-run] [--section SLUG] [--user USERNAME]
        [--publish] [--files DIR] [--encoding ENCODING] [--one-by-one] [--no-index]
        [--jobs N]

Exit code 0 when every row was imported or had been imported before, 1 when some rows
are bad (each is listed with its line number and reason; the good ones are imported),
2 when the file or the arguments cannot be used (nothing is imported).
"""

import argparse
import os
import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...importing import ImportFileError, find_section, import_file

#: More processes than this gain little: the database server needs the other cores.
MAX_DEFAULT_JOBS = 4


def positive_int(value):
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def default_jobs():
    """The cores this process may run on, at most :data:`MAX_DEFAULT_JOBS`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        cores = os.cpu_count() or 1
    return max(1, min(MAX_DEFAULT_JOBS, cores))


class Progress:
    """A counter on stderr (a bar when stderr is a terminal), at most every 0.5 s."""

    def __init__(self, stream):
        self.stream = stream
        self.started = time.monotonic()
        self.shown = 0.0
        self.tty = stream.isatty()
        self.phase = "rows"

    def __call__(self, done, total, phase="rows"):
        now = time.monotonic()
        if phase != self.phase:  # a new phase (the search index after the rows)
            self.phase, self.started = phase, now
        elif now - self.shown < 0.5 and done < total:
            return
        self.shown = now
        rate = done / max(now - self.started, 1e-6)
        unit = "rows" if phase == "rows" else f"entries, {phase}"
        line = f"{done}/{total} {unit} ({rate:,.0f}/s)"
        if self.tty:
            width = 30
            filled = width * done // max(total, 1)
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {line}")
            if done >= total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Import disclosure entries from a CSV (UTF-8 or GB18030) or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or XLSX file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row; write nothing."
        )
        parser.add_argument(
            "--section", help="Slug of the disclosure section (if there are several)."
        )
        parser.add_argument("--user", help="Username recorded as author (and publisher).")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the entries (import step of the review); --user must be the "
            "disclosure office of each row's department.",
        )
        parser.add_argument("--files", help="Directory the attachment paths are relative to.")
        parser.add_argument("--encoding", help="Encoding of a CSV file (default: detected).")
        parser.add_argument(
            "--one-by-one",
            action="store_true",
            help="Write each row through Wagtail's add_child and the workflow engine (slow).",
        )
        parser.add_argument(
            "--no-index", action="store_true", help="Leave search indexing to update_index."
        )
        parser.add_argument(
            "--jobs",
            type=positive_int,
            default=None,
            metavar="N",
            help="Write the rows in N processes at once, each the rows of its own category "
            "pages (PostgreSQL, files of 1,000 rows or more; default: the cores this "
            "process may use, at most 4).",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}", returncode=2)
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.", returncode=2)
        if options["publish"] and user is None:
            raise CommandError("--publish needs --user (the disclosure office).", returncode=2)
        try:
            section = find_section(options["section"])
            result = import_file(
                path.read_bytes(),
                path.name,
                section,
                encoding=options["encoding"],
                user=user,
                publish=options["publish"],
                files_dir=options["files"],
                dry_run=options["dry_run"],
                bulk=not options["one_by_one"],
                index=not options["no_index"],
                jobs=options["jobs"] or default_jobs(),
                progress=Progress(self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr),
            )
        except ImportFileError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        for line, reason in result.bad:
            self.stdout.write(f"line {line}: {reason}")
        verb = "would import" if result.dry_run else "imported"
        rate = result.imported / result.seconds if result.seconds else 0
        self.stdout.write(
            f"{result.total} rows: {verb} {result.imported}, skipped {result.skipped} "
            f"(already imported), bad {len(result.bad)}; {result.seconds:.1f} s"
            + (f" in {result.jobs} processes" if result.jobs > 1 else "")
            + (f", {rate:,.0f} rows/s" if result.imported and not result.dry_run else "")
        )
        if result.bad:
            raise CommandError(f"{len(result.bad)} bad row(s), listed above.", returncode=1)
