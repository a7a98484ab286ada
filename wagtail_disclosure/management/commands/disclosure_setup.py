"""``manage.py disclosure_setup``: the section, its guide, one group per role and the
departments, in one idempotent step (see ``wagtail_disclosure.setup``)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...setup import SetupError, set_up


class Command(BaseCommand):
    help = (
        "Set the site up for information disclosure: the section (信息公开) under the "
        "default site's root page with its category pages and guide, one group per "
        "review role, and optionally departments from a CSV file. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--title", default="信息公开", help="Title of the section.")
        parser.add_argument("--slug", default="xxgk", help="Slug of the section (its URL).")
        parser.add_argument(
            "--departments",
            metavar="CSV",
            help="UTF-8 CSV with the columns name,short_code "
            "(optional: contact_person,phone,email,address).",
        )

    def handle(self, *args, title, slug, departments, **options):
        try:
            report = set_up(title, slug, departments_csv=departments)
        except SetupError as error:
            raise CommandError(str(error)) from error
        for line in report.created:
            self.stdout.write(self.style.SUCCESS(_("created: %(what)s") % {"what": line}))
        for line in report.existing:
            self.stdout.write(_("already there: %(what)s") % {"what": line})
        self.stdout.write(
            _(
                "Next: give people their roles per department under Disclosure → Roles of "
                "people, and add them to the group of their role."
            )
        )
