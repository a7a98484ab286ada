"""Export an annual report (信息公开工作年度报告) as .docx, JSON or CSV.

    manage.py disclosure_annual_report 2025-2026 --format docx -o report.docx
    manage.py disclosure_annual_report 2025-2026 --format json -o - [--section xxgk]
    manage.py disclosure_annual_report 2025-2026 --format csv --csv items -o items.csv
    manage.py disclosure_annual_report 2025-2026 --live --format docx -o draft.docx

By default the published report of the academic year, with the figures frozen when it was
approved: the same as its page and the files it offers. ``--live`` computes the figures
from the current data instead: of the report's latest version, or, when the section has
no report for the year yet, of the default outline. The steps are shown on stderr. Bad
input (a year such as 2025-2027 or abc, an unknown section, a path that cannot be
written) ends in a ``CommandError`` with a message, exit code 1, and nothing is written.
See docs/annual-report.md.
"""

import json
import os
import tempfile

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from ...annual_report import university_name
from ...annual_report_csv import figures_csv, items_csv
from ...annual_report_docx import render_docx
from ...api.annual_reports import parse_academic_year
from ...models import AnnualReportPage, DisclosureIndexPage

FORMATS = ("docx", "json", "csv")
CSV_TABLES = ("figures", "items")


class Command(BaseCommand):
    help = "Export the annual report of an academic year as .docx, JSON or CSV."

    def add_arguments(self, parser):
        parser.add_argument("year", help="The academic year, such as 2025-2026.")
        parser.add_argument("--format", choices=FORMATS, default="docx", dest="format_")
        parser.add_argument(
            "--csv",
            choices=CSV_TABLES,
            default="figures",
            dest="csv_table",
            help="With --format csv: every figure (default) or the item table.",
        )
        parser.add_argument(
            "-o", "--output", required=True, help="The file to write; - for standard output."
        )
        parser.add_argument(
            "--section", help="The slug of the disclosure section (needed when there are several)."
        )
        parser.add_argument(
            "--language",
            help="The language of the document, such as zh-hans (default: LANGUAGE_CODE).",
        )
        parser.add_argument(
            "--live",
            action="store_true",
            help="Compute the figures from the current data (a draft), not the published ones.",
        )

    def handle(
        self, *args, year, format_, csv_table, output, section, live, language=None, **options
    ):
        self.verbosity = options.get("verbosity", 1)
        steps = 4
        try:
            start = parse_academic_year(year)
        except ValueError as error:
            raise CommandError(f"{year!r}: {error}") from None
        language = self.check_language(language or settings.LANGUAGE_CODE)
        target = self.check_output(output, format_)

        self.step(1, steps, f"Finding the {year} report")
        section_page = self.find_section(section, start)
        report = self.find_report(section_page, start, live)

        with translation.override(language):
            if live:
                self.step(2, steps, "Computing the figures from the current data (draft)")
                document = self.live_document(section_page, report, start)
            else:
                self.step(2, steps, f"Reading the published report: {report.title}")
                document = report.report_document(frozen=True)

            self.step(3, steps, f"Rendering {format_}")
            if format_ == "docx":
                data = render_docx(document)
            elif format_ == "json":
                data = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
            else:
                text = figures_csv(document) if csv_table == "figures" else items_csv(document)
                data = text.encode("utf-8")

        self.step(4, steps, f"Writing {output} ({len(data)} bytes)")
        self.write(target, data, format_)

    # -- steps --------------------------------------------------------------------------

    def step(self, number, total, text):
        if self.verbosity:
            self.stderr.write(f"[{number}/{total}] {text}…")

    def check_language(self, language):
        codes = {code.lower() for code, _name in settings.LANGUAGES}
        if language.lower() not in codes:
            known = ", ".join(code for code, _name in settings.LANGUAGES)
            raise CommandError(f"Unknown language {language!r} (languages: {known}).")
        return language

    def check_output(self, output, format_):
        """The path to write (None: standard output), checked before any work is done."""
        if output == "-":
            if format_ == "docx" and self.stdout.isatty():
                raise CommandError("A .docx is not written to a terminal: give -o FILE.")
            return None
        if "\x00" in output:
            raise CommandError("The output path must not contain NUL characters.")
        path = os.path.abspath(output)
        if os.path.isdir(path):
            raise CommandError(f"{output} is a directory: give a file name.")
        directory = os.path.dirname(path)
        if not os.path.isdir(directory):
            raise CommandError(f"Cannot write {output}: the directory {directory} does not exist.")
        if not os.access(directory, os.W_OK) or (
            os.path.exists(path) and not os.access(path, os.W_OK)
        ):
            raise CommandError(f"Cannot write {output}: permission denied.")
        return path

    def find_section(self, slug, start):
        sections = DisclosureIndexPage.objects.all().order_by("path")
        if slug:
            if "\x00" in slug:
                raise CommandError("The --section slug must not contain NUL characters.")
            section = sections.filter(slug=slug).first()
            if section is None:
                known = ", ".join(sections.values_list("slug", flat=True)) or "none"
                raise CommandError(
                    f"No disclosure section with the slug {slug!r} (sections: {known})."
                )
            return section
        candidates = list(sections)
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise CommandError("There is no disclosure section.")
        with_report = [
            s
            for s in candidates
            if AnnualReportPage.objects.descendant_of(s).filter(academic_year=start).exists()
        ]
        if len(with_report) == 1:
            return with_report[0]
        known = ", ".join(s.slug for s in candidates)
        raise CommandError(f"There are several disclosure sections: give --section ({known}).")

    def find_report(self, section, start, live):
        label = f"{start}-{start + 1}"
        reports = AnnualReportPage.objects.descendant_of(section).filter(academic_year=start)
        if live:
            return reports.order_by("path").first()
        report = reports.current().order_by("path").first()
        if report is None:
            if reports.exists():
                raise CommandError(
                    f"The {label} report of {section.title} is not published (or not public); "
                    "--live exports its draft with the current figures."
                )
            raise CommandError(
                f"{section.title} has no {label} report; --live exports one from the current data."
            )
        return report

    def live_document(self, section, report, start):
        if report is not None:
            version = report.get_latest_revision_as_object()
        else:
            # No report page yet: the default outline, with the section named for the
            # figures (the page is not saved).
            version = AnnualReportPage(title=section.title, academic_year=start)
            version._section_hint = section
            version.title = _(
                "%(university)s %(start)s–%(end)s annual report on information disclosure"
            ) % {"university": university_name(version), "start": start, "end": start + 1}
        return version.report_document(frozen=False)

    def write(self, target, data, format_):
        if target is None:
            if format_ != "docx":
                self.stdout.write(data.decode("utf-8"), ending="")
                return
            buffer = getattr(self.stdout._out, "buffer", None)
            if buffer is None:
                raise CommandError("This standard output takes no binary data: give -o FILE.")
            buffer.write(data)
            buffer.flush()
            return
        # A temporary file next to the target, renamed over it: no half-written file.
        directory = os.path.dirname(target)
        temporary = None
        try:
            handle, temporary = tempfile.mkstemp(dir=directory, prefix=".annual-report-")
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.chmod(temporary, 0o666 & ~current_umask())
            os.replace(temporary, target)
        except OSError as error:
            if temporary and os.path.exists(temporary):
                os.unlink(temporary)
            raise CommandError(f"Cannot write {target}: {error.strerror or error}.") from None


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask
