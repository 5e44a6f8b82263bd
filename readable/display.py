"""What staff read on the admin screens: every stored value as a person says it.

A screen never shows `None`, `True`, `False`, an internal choice code or a Python repr:
empty is "—", a boolean is "Yes"/"No" (Sì/No), a choice is its label in the reader's
language, a person is their name, an email or phone number is a link, a date and time is
Milan's local time to the minute (readable.dates). Everything here returns text, or HTML
already escaped.
"""

import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils.html import format_html
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from readable.dates import local_date, local_datetime
from typed_text.phones import readable_phone

EMPTY = "—"


def yes_no(value):
    return _("Yes") if value else _("No")


def language_name(code):
    """A language code ("it", "en") as its name in the reader's language."""
    if not code:
        return EMPTY
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


def person_name(user):
    """Who did something, as a person: full name, else email; never a username."""
    if user is None:
        return EMPTY
    return user.get_full_name() or user.email or EMPTY


def email_link(address):
    if not address:
        return EMPTY
    return format_html('<a href="mailto:{0}">{0}</a>', address)


def phone_link(number):
    """A phone number as a dialable link; one written the Italian way (02 884 47502)
    gets the +39 prefix, as in home.models.ContactDetails.tel_href."""
    if not number:
        return EMPTY
    dialable = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    if not dialable.startswith("+"):
        dialable = "+39" + dialable
    return format_html('<a href="tel:{}">{}</a>', dialable, readable_phone(number))


def display_value(value):
    """Any stored value as text for a person; choices must be resolved by the caller
    (`get_FOO_display`), since a bare value does not know its labels."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, datetime.datetime):
        return local_datetime(value)
    if isinstance(value, datetime.date):
        return local_date(value)
    if isinstance(value, AbstractBaseUser):
        return person_name(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def is_language_field(field):
    """A choice field of the site's languages: shown as the language's name in the
    reader's language («Inglese»), not each language's own name ("English")."""
    return [code for code, _name in field.choices] == [code for code, _n in settings.LANGUAGES]


def field_display(instance, field_name):
    """One model field of `instance` as text for a person: the choice's label, a link
    for an email address, else `display_value`."""
    field = instance._meta.get_field(field_name)
    value = getattr(instance, field_name)
    if value is None or value == "":
        return EMPTY
    if field.choices:
        if is_language_field(field):
            return language_name(value)
        return getattr(instance, f"get_{field_name}_display")()
    if isinstance(field, models.EmailField):
        return email_link(value)
    return display_value(value)


class ReadableInspectMixin:
    """For Wagtail's InspectView: every field through `field_display`, unless the view
    has a `get_<field>_display_value` of its own. Its template prints the values as they
    are (no `localize`, which would print an aware datetime in UTC)."""

    def get_field_display_value(self, field_name, field):
        own = getattr(self, f"get_{field_name}_display_value", None)
        if callable(own):
            return own()
        if field is None:
            return display_value(getattr(self.object, field_name))
        return field_display(self.object, field_name)
