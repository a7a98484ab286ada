"""Send the daily digest of requests for information due soon or overdue.

    manage.py disclosure_request_reminders [--date YYYY-MM-DD] [--dry-run]

Run it once a day (cron, or the django-tasks task
``wagtail_disclosure.tasks.send_request_reminders``). See docs/requests.md, "Reminders".
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from ...people import person_name
from ...public_cache import prune_public_changes
from ...request_reminders import send_reminders


class Command(BaseCommand):
    help = "E-mail each person the requests for information due soon or overdue."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="The day to remind of, YYYY-MM-DD (default: today, local time)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would be reminded; send nothing."
        )

    def handle(self, *args, date=None, dry_run=False, verbosity=1, **options):
        day = None
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date must be a date as YYYY-MM-DD, not {date!r}.") from None
        if not dry_run:
            # The daily run also prunes the log of public changes (public_cache).
            prune_public_changes()
        sent = send_reminders(day, dry_run=dry_run)
        if verbosity:
            verb = "would remind" if dry_run else "reminded"
            for user, count in sent:
                self.stdout.write(f"{verb} {person_name(user)} <{user.email}> of {count} case(s)")
            self.stdout.write(f"{len(sent)} person(s) {verb}.")
