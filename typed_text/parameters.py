"""Numbers read from a URL's query string (`?page=2`), which anyone can type.

str.isdigit() and str.isdecimal() accept digits Python's int() refuses or reads
differently ("²" is a digit int() refuses: a 500 on every paginated page for
`?page=%C2%B2`; "١٢" or "１２" are decimals int() reads as 12), and int() itself accepts
" 12 ", "+12" and "1_2": a page number is ASCII digits 0-9 only.
"""

import re

from django import forms
from django.core.exceptions import ValidationError

_ASCII_DIGITS = re.compile(r"[0-9]+")


def is_ascii_number(value, max_digits=9):
    """True when `value` is a str of 1 to `max_digits` ASCII digits (0-9), nothing else."""
    return (isinstance(value, str) and len(value) <= max_digits
            and _ASCII_DIGITS.fullmatch(value) is not None)


def page_number(value, max_digits=9):
    """`value` (a query-string parameter: str or None) as a page number >= 1, or None when
    it is anything else ("", "0", "-1", "abc", "²", a number over `max_digits` digits)."""
    if not is_ascii_number(value, max_digits):
        return None
    number = int(value)
    return number if number >= 1 else None


class AsciiKeyChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField over a model with an integer key that takes ASCII digits only.

    Django's own reads a posted "٢١" or "２１" as 21 (through int()), so a value no form
    ever offered chooses a row; here it is the field's "invalid_choice" error, as any
    other value that is not one of the choices.
    """

    def to_python(self, value):
        if value not in self.empty_values and not is_ascii_number(str(value), 19):
            raise ValidationError(self.error_messages["invalid_choice"],
                                  code="invalid_choice")
        return super().to_python(value)
