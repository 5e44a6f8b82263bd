"""One booking as an iCalendar file (RFC 5545) a calendar app adds: the "add to
calendar" link of the confirmation, the manage page and the mails.

The same library and conventions as the groups' feeds (programme/calendar.py): times in
Milan's wall clock with TZID=Europe/Rome and its VTIMEZONE, so 10:00 stays 10:00 on a
day the clocks change; texts cleaned of what RFC 5545 refuses.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from programme.calendar import PRODID, TZID, location_text
from readable.dates import milan_time
from typed_text.editor_text import editor_text


def booking_uid(booking, host):
    """The event's UID, the same for the booking's whole life (moved included), so a
    calendar app replaces the event it has: "booking-PA-2026-00042@host"."""
    return f"booking-{booking.reference or booking.pk}@{host.split(':')[0]}"


def booking_calendar(booking, *, service, venue, host, manage_url, stamp=None):
    """The VCALENDAR (METHOD:PUBLISH) with one VEVENT for `booking`: SUMMARY the
    `service`'s name and LOCATION the `venue` (both in the person's language), start and
    end in Europe/Rome, DESCRIPTION the reference and the link to view, move or cancel
    it (`manage_url`, absolute)."""
    starts_at = milan_time(booking.starts_at)
    ends_at = milan_time(booking.ends_at)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(Timezone.from_tzid(
        TZID, first_date=datetime.date(starts_at.year, 1, 1),
        last_date=datetime.date(starts_at.year + 1, 12, 31)))
    event = Event()
    event.add("uid", booking_uid(booking, host))
    event.add("dtstamp", stamp or timezone.now())
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", editor_text(service.name))
    event.add("location", editor_text(location_text(venue)))
    description = "\n".join([
        _("Booking reference: %(reference)s") % {"reference": booking.reference or ""},
        _("To view, move or cancel the booking: %(url)s") % {"url": manage_url},
    ])
    event.add("description", editor_text(description, multiline=True))
    calendar.add_component(event)
    return calendar
