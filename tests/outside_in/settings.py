"""The example site's settings (``demo.settings``) as the outside-in test runs them.

Everything comes from ``demo.settings``: apps, middleware, URLs, search backend, document
serving. Only what a production run and a private test run need differs:

* ``DEBUG`` is off, whatever the environment says (a production site runs so; with DEBUG
  on, Django serves MEDIA_ROOT and shows tracebacks);
* the database is ``DATABASE_URL`` (the test's own; ``demo.settings`` reads it already);
* uploaded files go to ``OUTSIDE_IN_MEDIA_ROOT``, never into ``example_site/media``;
* the public API's rate limit is off: the test makes hundreds of requests from one
  address, and a 429 would hide a leak;
* e-mail stays in memory, passwords hash fast (MD5, as in tests/settings.py);
* server errors are logged to stderr (Django logs them only with DEBUG on by default), so
  the test can show the traceback of a 500.
"""

import os

from demo.settings import *  # noqa: F403

DEBUG = False
MEDIA_ROOT = os.environ["OUTSIDE_IN_MEDIA_ROOT"]
WAGTAIL_DISCLOSURE_API_THROTTLE_RATE = None
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
    },
}
