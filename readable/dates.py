"""Dates and times as people read them, on every surface: admin screens, mails, exports.

The database keeps instants in UTC (USE_TZ). A person reads the programme's local time,
Milan's (settings.TIME_ZONE, Europe/Rome, daylight saving included) whatever time zone is
active in the process (a background worker renders mail too), to the minute (no seconds,
no microseconds, no UTC offset), in the active language:

- `local_datetime`: «30 novembre 2026, 01:08» / "30 November 2026, 01:08"
- `local_date`: «30 novembre 2026» / "30 November 2026"
- `month_year`: «novembre 2025» / "November 2025", for a month a person gave (the
  model stores its first day)
- `naive_local_datetime`: the wall-clock time in Milan without a zone, for XLSX cells
  (a spreadsheet has no time zones: Excel shows what it is given)

Italian month and weekday names are lower case, as Italian writes them: Django's own
Italian catalogue capitalises them, the site's catalogue in `locale_overrides/` corrects
it for every `date` filter and format on the site (see the README there).
"""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import dateformat

DATETIME_FORMAT = "j F Y, H:i"
DATE_FORMAT = "j F Y"
MONTH_YEAR_FORMAT = "F Y"


def programme_timezone():
    """The time zone people of the programme live in (settings.TIME_ZONE)."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def milan_time(value):
    """An aware datetime as the same instant in Milan, to the second.

    A naive datetime is taken as Milan's wall-clock time already.
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=programme_timezone())
    return value.astimezone(programme_timezone()).replace(microsecond=0)


def naive_local_datetime(value):
    """Milan's wall-clock time without a zone or microseconds (for XLSX cells); None stays."""
    if value is None:
        return None
    return milan_time(value).replace(tzinfo=None)


def local_datetime(value):
    """«30 novembre 2026, 01:08» in the active language; "" for None."""
    if value is None:
        return ""
    return dateformat.format(milan_time(value), DATETIME_FORMAT)


def local_date(value):
    """«30 novembre 2026» in the active language; a datetime is read in Milan; "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = milan_time(value).date()
    return dateformat.format(value, DATE_FORMAT)


def month_year(value):
    """«novembre 2025»: the month a person gave, stored as its first day; "" for None."""
    if value is None:
        return ""
    return dateformat.format(value, MONTH_YEAR_FORMAT)

