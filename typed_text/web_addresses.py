"""Web addresses people type: refused when they hold a character nobody sees.

Django's URLValidator accepts any character from U+00A1 on in a host name (for
international domain names), so "https://acme\\u202e.it" — a right-to-left override that
shows the address reversed — or a zero-width space passed. Such an address leads
somewhere other than it reads; cleaning it silently would change where it leads, so
it is refused and the person types it again.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

HIDDEN_CHARACTER_MESSAGE = _(
    "This web address contains invisible or control characters (such as a text-direction "
    "mark): type it again instead of pasting it.")
# Control (Cc), format (Cf: the bidirectional controls, zero-width characters, soft
# hyphen, byte-order mark), separators (Zs, Zl, Zp), private-use and unassigned code points.
HIDDEN_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp", "Co", "Cn"}


def hidden_characters(value):
    """The characters of `value` (a str) that a reader cannot see, in order."""
    return [ch for ch in value if unicodedata.category(ch) in HIDDEN_CATEGORIES]


def validate_visible_web_address(value):
    """Refuses (code "hidden_characters") a web address holding a control, format,
    separator, private-use or unassigned character anywhere (host, path or query)."""
    if value and hidden_characters(value.strip()):
        raise ValidationError(HIDDEN_CHARACTER_MESSAGE, code="hidden_characters")


class WebAddressField(forms.URLField):
    """A URLField (https assumed when the scheme is missing) that refuses hidden
    characters before Django's own check."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)

    def to_python(self, value):
        validate_visible_web_address(value)
        return super().to_python(value)
