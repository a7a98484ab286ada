"""The demo site prints mail on the console (no mail server, no tracebacks), and
``make demo`` says how to change the address and port."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONSOLE = "django.core.mail.backends.console.EmailBackend"


def demo_setting(name, environ):
    """The value of ``name`` in example_site's demo.settings under ``environ``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_DEBUG", "DATABASE_URL", "DJANGO_EMAIL_BACKEND")
    }
    env.update(environ)
    code = f"import demo.settings as s; print(s.{name})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT / "example_site",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_demo_mail_goes_to_the_console_unless_told_otherwise():
    assert demo_setting("EMAIL_BACKEND", {}) == CONSOLE
    filebased = "django.core.mail.backends.filebased.EmailBackend"
    assert demo_setting("EMAIL_BACKEND", {"DJANGO_EMAIL_BACKEND": filebased}) == filebased


def test_make_help_says_how_to_change_the_port():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    help_recipe = makefile.split("\nhelp:\n", 1)[1].split("\n\n", 1)[0]
    assert "make demo HOST=127.0.0.1:8001" in help_recipe
    assert "HOST ?= 127.0.0.1:8000" in makefile
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo HOST=127.0.0.1:8001" in readme
