"""What people type: plain text, and phone numbers that staff can call."""

import re

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

# C0 controls but tab and line breaks, and DEL: invisible, meaningless in a form, and
# refused by spreadsheet files (an export holding one would fail).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(value):
    """The text without control characters other than tab and line breaks."""
    return CONTROL_CHARACTERS.sub("", value)


def _plain(value):
    return without_control_characters(value) if isinstance(value, str) else value


def plain_text_data(data):
    """Posted data (a QueryDict or a dict) with control characters removed."""
    if isinstance(data, QueryDict):
        cleaned = data.copy()
        for key, values in data.lists():
            cleaned.setlist(key, [_plain(value) for value in values])
        return cleaned
    return {key: _plain(value) for key, value in data.items()}


class PlainTextFormMixin:
    """Mix into a form (before the form class): control characters go before validation,
    so a field holding nothing else is empty, and required, like any empty field."""

    def __init__(self, *args, **kwargs):
        if args and args[0] is not None:
            args = (plain_text_data(args[0]), *args[1:])
        elif kwargs.get("data") is not None:
            kwargs["data"] = plain_text_data(kwargs["data"])
        super().__init__(*args, **kwargs)


def normalise_phone(value):
    """An Italian or international number in E.164 form, or a clear error."""
    try:
        number = phonenumbers.parse(value, "IT")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid phone number, for example 02 884 47502 or +39 333 123 4567."),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


E164 = re.compile(r"\+[1-9]\d{5,14}")


def readable_phone(value):
    """A stored "+390288447502" as people read it: "+39 02 8844 7502".

    Spaced digits also stay text in a spreadsheet (a bare "+390288447502" becomes the
    number 390288447502). Anything that is not a valid E.164 number is returned as is.
    """
    if not isinstance(value, str) or not E164.fullmatch(value):
        return value
    try:
        number = phonenumbers.parse(value)
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class TelInput(forms.TextInput):
    input_type = "tel"  # phones show a keypad

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "tel", **(attrs or {})})


class PhoneNumberField(forms.CharField):
    """An Italian or international phone number, kept in E.164 form ("+390288447502")."""

    widget = TelInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalise_phone(value) if value else value
