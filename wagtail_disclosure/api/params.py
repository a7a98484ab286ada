"""Query parameter types shared by the public and the staff API."""

from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import BeforeValidator


def ascii_digits(value):
    """Whole numbers as ASCII digits only. ``int()`` and pydantic also read "¹", "١",
    "+1", " 1" or "1_0"; the API answers 400 to all of them."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError(_("Enter a whole number, in the digits 0-9 only."))
    return value


#: An integer query parameter: ASCII digits, else 400 (with ``ge``/``le`` where it is used).
Integer = Annotated[int, BeforeValidator(ascii_digits)]
