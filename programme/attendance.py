"""The attendance sheet: a printed list the people of a group sign at a meeting.

Who is on it: the people holding a seat in the group now (assigned or attending,
programme.seats.SEATED). The sheet is printed for today's or a coming meeting, so the
people seated now are the people expected that day; a past date is not offered.

What it shows of them: first name and last name only. The sheet lies on the table and
every participant reads it while signing, so it carries nothing the others need not
know (GDPR art. 5(1)(c), data minimisation): no phone, email or reference — the
Segreteria reads those on the request itself.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from readable.dates import local_date, programme_timezone

from .models.groups import Group
from .models.participation import ParticipationRequest
from .schedule import upcoming_meetings, with_translated_texts
from .seats import SEATED

# The chooser offers the meetings of the next eight weeks.
CHOOSER_HORIZON_DAYS = 56
# A sheet may be printed up to a year ahead (a link kept, a date typed).
SHEET_HORIZON_DAYS = 366
# Blank rows at the end for people who come without being assigned yet.
WALK_IN_ROWS = 5


def group_for_sheet(pk):
    """The canonical group `pk` with what its meetings need (slots, cancelled and
    opened dates, venue) and its texts in the active language, or None."""
    group = Group.objects.for_listing().filter(pk=pk).first()
    if group is None:
        return None
    [group] = with_translated_texts([group], reasons=True)
    return group


def sheet_meetings(group, today, days=CHOOSER_HORIZON_DAYS):
    """The meetings a sheet can be printed for: `group`'s meetings from `today` (a date)
    for `days` days, cancelled ones and public holidays left out. A list of
    schedule.Meeting in time order; no query (the group comes from group_for_sheet)."""
    return [m for m in upcoming_meetings([group], today, days) if not m.cancelled]


def meetings_on(group, day, today):
    """`group`'s meetings on `day` (a date), for the sheet: a non-empty list of
    schedule.Meeting (two when the group meets twice that day).

    Raises ValidationError, in the active language, when `day` is before `today`, more
    than SHEET_HORIZON_DAYS ahead, a cancelled date (with its reason) or a public
    holiday, or a day the group does not meet (paused, not its weekday, outside its
    schedule's validity).
    """
    when = local_date(day)
    if day < today:
        raise ValidationError(_(
            "%(date)s is past: the sheet lists the people in the group now, so it is "
            "printed for today's meeting or a later one.") % {"date": when})
    if day > today + datetime.timedelta(days=SHEET_HORIZON_DAYS):
        raise ValidationError(_("%(date)s is more than a year ahead: choose a nearer "
                                "meeting.") % {"date": when})
    meetings = upcoming_meetings([group], day, 1)
    held = [m for m in meetings if not m.cancelled]
    if held:
        # A meeting a facilitator moved to another time of the same day is held then.
        return held
    cancelled = [m for m in meetings if m.cancelled]
    if cancelled:
        reason = cancelled[0].reason
        if reason:
            raise ValidationError(_(
                "The meeting of %(date)s is cancelled (%(reason)s): there is no sheet to "
                "print. Choose another date.") % {"date": when, "reason": reason})
        raise ValidationError(_("The meeting of %(date)s is cancelled: there is no sheet "
                                "to print. Choose another date.") % {"date": when})
    if not meetings:
        raise ValidationError(_("The group does not meet on %(date)s. Choose one of the "
                                "dates offered.") % {"date": when})
    return meetings


def attendees(group):
    """The people on `group`'s sheet: those holding a seat in it now (assigned or
    attending), by last name then first name. One query; only the names are read."""
    return list(
        ParticipationRequest.objects.filter(
            group__translation_key=group.translation_key, status__in=SEATED)
        .order_by("last_name", "first_name", "pk")
        .only("first_name", "last_name"))


def long_date(day):
    """«giovedì 3 dicembre 2026» / "Thursday 3 December 2026" in the active language."""
    return f"{dateformat.format(day, 'l')} {local_date(day)}"


def today_in_milan():
    """Today's date in Milan (settings.TIME_ZONE), whatever zone the admin activated."""
    return timezone.localdate(timezone=programme_timezone())
