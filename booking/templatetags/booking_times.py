"""`{% load booking_times %}`: an appointment's day and time written out as people read
them in the active language, in Milan's time: «giovedì 3 dicembre 2026, ore 10:00» /
"Thursday 3 December 2026 at 10:00" (mails, the signed link's pages)."""

import datetime

from django import template
from django.utils import dateformat
from django.utils.translation import gettext as _

from readable.dates import milan_time

register = template.Library()


@register.filter
def appointment_day(value):
    """«giovedì 3 dicembre 2026» / "Thursday 3 December 2026" (a date, or a datetime
    read in Milan); "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = milan_time(value)
    return dateformat.format(value, "l j F Y")


@register.filter
def appointment_time(value):
    """«10:00», Milan's time; "" for None."""
    if value is None:
        return ""
    return dateformat.format(milan_time(value), "H:i")


@register.filter
def appointment_when(value):
    """«giovedì 3 dicembre 2026, ore 10:00» / "Thursday 3 December 2026 at 10:00"."""
    if value is None:
        return ""
    return _("%(day)s at %(time)s") % {"day": appointment_day(value),
                                       "time": appointment_time(value)}
