"""The month and day a person looks at when choosing a time: step 2 of the booking
(booking/views.py) and the signed link's move page (booking/manage_views.py) read the
same `?month=` / `?day=` parameters the same way, through these functions.

Whatever the address says, what is shown stays inside the bookable window
(availability.bookable_window: today … today + service.days_ahead, in Milan): a month or
day outside it is never computed on, so `?month=9999-12` or `?day=0001-01-01` cannot
reach a date beyond the calendar's range (OverflowError, a 500).
"""

import datetime

from django.utils import dateformat
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from typed_text.parameters import is_ascii_number

from . import availability


def parse_month(value):
    """The first day of the month `value` names ("2026-12"), or None for anything else."""
    if not isinstance(value, str) or len(value) != 7 or value[4] != "-":
        return None
    year, month = value[:4], value[5:]
    if not (is_ascii_number(year) and is_ascii_number(month)):
        return None
    if int(year) < 1 or not 1 <= int(month) <= 12:
        return None
    return datetime.date(int(year), int(month), 1)


def parse_day(value):
    """The date `value` names ("2026-12-03"), or None for anything else."""
    if not isinstance(value, str) or len(value) != 10 or not value.isascii():
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def add_months(first_of_month, months):
    """The first day of the month `months` after (or before) `first_of_month`."""
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def day_label(day):
    """«giovedì 3 dicembre» / "Thursday 3 December" in the active language."""
    return dateformat.format(day, "l j F")


def free_places_label(day, free):
    """«giovedì 3 dicembre, 12 posti liberi»: a day of the month view as read aloud."""
    return ngettext("%(day)s, %(count)s free place", "%(day)s, %(count)s free places",
                    free) % {"day": day_label(day), "count": free}


def outside_window_message(last):
    """What a person reads who asked for a day outside the bookable window (`last`: its
    last day)."""
    return _("You can book from today to %(last)s: choose a day in the calendar.") % {
        "last": dateformat.format(last, "j F Y")}


def day_in_window(day, window):
    """`day` when inside `window` ((first, last) dates), else None."""
    first, last = window
    return day if day is not None and first <= day <= last else None


def _days(service, month, window, now):
    first, last = window
    days = []
    for entry in availability.month_availability(service, month.year, month.month, now=now):
        if not first <= entry.day <= last:
            continue
        if entry.free > 0:
            days.append({"day": entry.day, "value": entry.day.isoformat(),
                         "label": free_places_label(entry.day, entry.free),
                         "free": entry.free})
        elif entry.closed_reason:
            days.append({"day": entry.day, "label": day_label(entry.day),
                         "closed_reason": entry.closed_reason})
    return days


def month_view(service, month, *, now, opening=None):
    """The month a person sees: `month` (a first of month, or None when the address names
    none) clamped to the bookable window of `service` at `now` (a month before it shows
    the window's first, one after it the window's last); without one, `opening`
    (or the window's first month), moved on to the first month with a free day if it has
    none left. Returns {"month" (date), "month_value" ("2026-12"), "month_label"
    («dicembre 2026»), "days" ([{"day", "value", "label", "free"} for a day with free
    places, {"day", "label", "closed_reason"} for a closed one]), "has_free_days",
    "previous_month"/"next_month" ("2026-11" or "" at the window's edges),
    "previous_month_label"/"next_month_label"}. At most one month query per month of the
    window."""
    window = availability.bookable_window(service, now)
    first_month, last_month = window[0].replace(day=1), window[1].replace(day=1)
    if month is not None:
        month = min(max(month, first_month), last_month)
        days = _days(service, month, window, now)
    else:
        month = opening if opening and first_month <= opening <= last_month else first_month
        days = _days(service, month, window, now)
        candidate = month
        while not any(d.get("free") for d in days) and candidate < last_month:
            candidate = add_months(candidate, 1)
            later = _days(service, candidate, window, now)
            if any(d.get("free") for d in later):
                month, days = candidate, later
    previous = add_months(month, -1) if month > first_month else None
    following = add_months(month, 1) if month < last_month else None
    return {
        "month": month, "month_value": f"{month:%Y-%m}", "days": days,
        "month_label": dateformat.format(month, "F Y"),
        "has_free_days": any(d.get("free") for d in days),
        "previous_month": f"{previous:%Y-%m}" if previous else "",
        "previous_month_label": dateformat.format(previous, "F Y") if previous else "",
        "next_month": f"{following:%Y-%m}" if following else "",
        "next_month_label": dateformat.format(following, "F Y") if following else "",
    }


def no_time_message(view, day, *, offered=True):
    """Why `day` offers no time, from its month `view` (month_view): a closed day's
    reason or public holiday's name; else, when the rules offer no appointment that day
    (`offered` False: a Saturday), that there are none; else that its times are taken or
    over. A sentence, so it starts with a capital (Italian day names do not)."""
    reason = next((d["closed_reason"] for d in view["days"]
                   if d["day"] == day and d.get("closed_reason")), "")
    if reason:
        message = _("%(day)s is closed (%(reason)s): choose another day.") % {
            "day": day_label(day), "reason": reason}
    elif not offered:
        message = _("There are no appointments on %(day)s: choose another day.") % {
            "day": day_label(day)}
    else:
        message = _("There are no free times left on %(day)s: choose another day.") % {
            "day": day_label(day)}
    return capfirst(message)
