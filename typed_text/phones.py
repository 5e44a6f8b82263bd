"""Phone numbers people type, checked with Google's libphonenumber rules (the
`phonenumbers` package) and stored in E.164 form ("+390288447502")."""

import re

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID_PHONE = _("Enter a valid phone number, for example 02 884 47502 or +39 333 123 4567.")


def normalise_phone(value):
    """An Italian (no prefix needed) or international number as E.164 text
    ("02 884 47502" -> "+390288447502"); else a ValidationError (code "invalid_phone")
    that shows an example. Text that is not a number ("＜script＞…") is refused."""
    try:
        number = phonenumbers.parse(value, "IT")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value):
    """`normalise_phone` as a validator: refuses what is not a phone number, keeps the
    spelling (for numbers shown as an editor wrote them, home.models.ContactDetails)."""
    if value:
        normalise_phone(value)


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


# What a person may type: spaces, dashes, dots, a 0039 prefix around at most 15 digits.
TYPED_PHONE_LENGTH = 32


class PhoneNumberField(forms.CharField):
    """An Italian or international phone number, kept in E.164 form ("+390288447502").

    The number is checked before its length: text that is no number gets the phone
    message, not "at most 20 characters"; a number's E.164 form (16 characters at most)
    fits any phone column, so `max_length` (a model's) never cuts what people type."""

    widget = TelInput

    def __init__(self, **kwargs):
        kwargs["max_length"] = max(kwargs.get("max_length") or 0, TYPED_PHONE_LENGTH)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_phone(value) if value else value
