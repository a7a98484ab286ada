#!/usr/bin/env python
"""Django's command-line utility for the wagtail-disclosure demo site (青岚大学)."""

import os
import sys
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent
REPO_ROOT = SITE_DIR.parent


def main():
    # Run from a checkout without installing the package: the repository root holds
    # ``wagtail_disclosure``, this directory holds the ``demo`` project.
    for path in (SITE_DIR, REPO_ROOT):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
