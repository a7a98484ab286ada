"""The range of dates an entry may carry and the public API accepts.

From the founding of the People's Republic (1949-10-01) to today plus
``WAGTAIL_DISCLOSURE_MAX_FUTURE_DAYS``. A 成文日期 outside it is a typing error (0001 for
2001, 9999 as "no date") that would otherwise break the deadline calendar, sorting and
the year filters; entries refuse it (``DisclosureEntryMixin.clean``) and the API answers
400 (``api/public.py``).
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from .conf import get_setting
from .working_days import shift

#: The earliest date an entry may carry.
EARLIEST_DATE = datetime.date(1949, 10, 1)


def latest_date(today=None):
    """The latest date an entry may carry: today plus ``MAX_FUTURE_DAYS``."""
    return shift(today or timezone.localdate(), max(int(get_setting("MAX_FUTURE_DAYS")), 0))


def date_range_error(value, today=None):
    """A message if ``value`` (a date) is outside the range, else ``None`` (also for
    anything that is not a date: the field's own validation deals with it)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        return None
    latest = latest_date(today)
    if EARLIEST_DATE <= value <= latest:
        return None
    return _("Enter a date from %(earliest)s to %(latest)s.") % {
        "earliest": EARLIEST_DATE.isoformat(),
        "latest": latest.isoformat(),
    }


def year_range_error(year, today=None):
    """A message if no date of ``year`` is in the range, else ``None``."""
    latest = latest_date(today)
    if EARLIEST_DATE.year <= year <= latest.year:
        return None
    return _("Enter a year from %(earliest)s to %(latest)s.") % {
        "earliest": EARLIEST_DATE.year,
        "latest": latest.year,
    }
