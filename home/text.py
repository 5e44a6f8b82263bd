"""What people type: plain text, and phone numbers that staff can call; what editors type:
text that every page, feed and XML file can carry (`editor_text`, `clean_editor_fields`)."""

import functools
import re

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

# C0 controls but tab and line breaks, and DEL: invisible, meaningless in a form, and
# refused by spreadsheet files (an export holding one would fail).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What people paste from a word processor: U+000B is Word's manual line break
# (Shift+Enter), U+000C its page break. XML 1.0 cannot carry either (an RSS feed holding
# one fails whole), nor the other C0 controls, U+FFFE, U+FFFF or a lone surrogate.
PASTED_LINE_BREAK = re.compile(r"[ \t]*[\x0b\x0c][ \t]*")


def without_control_characters(value, *, multiline=False):
    """The text without control characters other than tab and line breaks; a pasted
    line or page break separates what it separated ("Maria\vChiara" is "Maria Chiara",
    or two lines when `multiline`), it does not glue the words together."""
    value = PASTED_LINE_BREAK.sub("\n" if multiline else " ", value)
    return CONTROL_CHARACTERS.sub("", value)

NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def editor_text(value, *, multiline=False):
    """Text an editor typed, fit for any page, feed or XML file: a pasted line or page
    break becomes a line break (`multiline`) or a space, other characters XML 1.0 cannot
    carry are dropped. Anything but a str is returned as it is."""
    if not isinstance(value, str):
        return value
    value = PASTED_LINE_BREAK.sub("\n" if multiline else " ", value)
    return NOT_IN_XML.sub("", value)


def editor_rich_text(html):
    """Rich text (HTML) as `editor_text`, a pasted line break becoming `<br/>`."""
    if not isinstance(html, str):
        return html
    return NOT_IN_XML.sub("", PASTED_LINE_BREAK.sub("<br/>", html))


def editor_data(value, *, multiline=False):
    """`editor_text` applied to every string in nested lists and dicts (JSON-like data:
    a StreamField's raw value, a JSON-LD document), keys included."""
    if isinstance(value, str):
        return editor_text(value, multiline=multiline)
    if isinstance(value, dict):
        return {editor_data(key): editor_data(item, multiline=multiline)
                for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [editor_data(item, multiline=multiline) for item in value]
    return value


def _plain(value, multiline=False):
    if isinstance(value, str):
        return without_control_characters(value, multiline=multiline)
    return value


# Models outside the site's own apps whose texts editors type and pages show.
EDITOR_TEXT_MODELS = {"wagtailimages.image", "wagtaildocs.document"}


@functools.cache
def _editor_model(model):
    from pathlib import Path

    from django.conf import settings

    # The site's own apps sit at the top of the project (home/, programme/, accounts/).
    own_app = Path(model._meta.app_config.path).parent == Path(settings.BASE_DIR)
    return own_app or model._meta.label_lower in EDITOR_TEXT_MODELS


def _is_editor_model(model):
    from django.apps import apps

    # A migration's historical models stay as the migration wrote them.
    return model._meta.apps is apps and _editor_model(model)


def clean_editor_fields(sender, instance, raw=False, **kwargs):
    """pre_save: the texts of a page, snippet, image or document of the site as
    `editor_text` / `editor_rich_text` make them, before they are stored (titles and
    single-line fields: a pasted line break becomes a space; text areas and StreamField
    text: a line break; rich text: `<br/>`)."""
    from wagtail.fields import RichTextField, StreamField

    if raw or not _is_editor_model(sender):
        return
    for field in sender._meta.concrete_fields:
        if not field.editable or field.primary_key:
            continue
        value = getattr(instance, field.attname)
        if isinstance(field, StreamField):
            if value is None:
                continue
            raw_data = field.stream_block.get_prep_value(value)
            cleaned = editor_data(raw_data, multiline=True)
            if cleaned != raw_data:
                setattr(instance, field.attname, field.to_python(cleaned))
        elif isinstance(value, str) and NOT_IN_XML.search(value):
            if isinstance(field, RichTextField):
                setattr(instance, field.attname, editor_rich_text(value))
            else:
                multiline = isinstance(field, models.TextField)
                setattr(instance, field.attname, editor_text(value, multiline=multiline))


def plain_text_data(data, multiline_keys=()):
    """Posted data (a QueryDict or a dict) with control characters removed; a pasted
    line break is a line break in `multiline_keys` (text areas), a space elsewhere."""
    if isinstance(data, QueryDict):
        cleaned = data.copy()
        for key, values in data.lists():
            cleaned.setlist(key, [_plain(value, key in multiline_keys) for value in values])
        return cleaned
    return {key: _plain(value, key in multiline_keys) for key, value in data.items()}


class PlainTextFormMixin:
    """Mix into a form (before the form class): control characters go before validation,
    so a field holding nothing else is empty, and required, like any empty field."""

    def __init__(self, *args, **kwargs):
        multiline = {
            name for name, field in self.base_fields.items()
            if isinstance(field.widget, forms.Textarea)
        }
        if args and args[0] is not None:
            args = (plain_text_data(args[0], multiline), *args[1:])
        elif kwargs.get("data") is not None:
            kwargs["data"] = plain_text_data(kwargs["data"], multiline)
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
