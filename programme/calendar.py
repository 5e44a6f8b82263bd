"""The groups' weekly meetings as iCalendar feeds (RFC 5545), for calendar apps.

One VEVENT per weekly slot: a weekly RRULE in Milan's local time (TZID=Europe/Rome, so a
meeting at 18:00 stays at 18:00 across the DST changes) and one EXDATE per cancelled
date and per public holiday the group has not opened (until the end of next year,
HOLIDAY_YEARS: calendar apps refresh a feed long before), so calendar apps skip them as
the groups page does. A meeting a facilitator cancelled or moved (programme.meeting_changes)
is an EXDATE of its slot too, and a moved one a one-off event at its new time.
Paused groups are left out. A slot's series starts with its first meeting on or after
its `valid_from` (never before the group starts) and ends with an UNTIL on its
`valid_until`; a slot that ended before the feed's anchor has no event.

The date logic lives in plain functions (`series_anchor`, `first_occurrence`,
`excluded_dates`) that take "today" as an argument, so the feed is deterministic for a
given day and the tests can call them directly.
"""

import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from programme.schedule import (
    MILAN,
    first_meeting_date,
    meeting_changes,
    skipped_dates,
    with_translated_texts,
)
from typed_text.editor_text import editor_text

TZID = "Europe/Rome"
# RRULE BYDAY codes, indexed like MeetingSlot.weekday (0 = Monday).
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# A series starts with its first meeting on or after this many days before today, so a
# meeting of the past week still shows (and its cancellation with it).
DAYS_BACK = 7
# The VTIMEZONE spells out Milan's DST changes for this many years from the anchor's
# year; calendar apps that know the IANA name "Europe/Rome" use their own rules anyway.
TIMEZONE_YEARS = 10
# Public holidays become EXDATEs up to the end of next year: a subscribed calendar refreshes
# the feed daily, and each EXDATE is most of an event's size and cost (ten years of them
# made the all-groups feed 322 KB and 1.2 s with 300 groups; issue 16).
HOLIDAY_YEARS = 2
PRODID = "-//Comune di Milano//Mutuo Aiuto Lavoro//IT"


def series_anchor(today):
    """The date the weekly series of the feed start from: a week before `today`."""
    return today - datetime.timedelta(days=DAYS_BACK)


def first_occurrence(weekday, anchor):
    """The first date on or after `anchor` that falls on `weekday` (0 = Monday)."""
    return anchor + datetime.timedelta(days=(weekday - anchor.weekday()) % 7)


def local_datetime(day, time):
    """`day` at `time` wall-clock time in Milan, as an aware datetime."""
    return datetime.datetime.combine(day, time, tzinfo=MILAN)


def excluded_dates(slot, cancelled_dates, since):
    """The cancelled dates that fall on `slot`'s weekday, on or after `since`, sorted.

    A cancelled date on another weekday belongs to another slot of the group; one before
    the series starts needs no EXDATE.
    """
    return sorted(
        {day for day in cancelled_dates if day.weekday() == slot.weekday and day >= since}
    )


def location_text(venue):
    """`Name, street address, postal code city`."""
    address = f"{venue.street_address}, {venue.postal_code} {venue.city}".strip(", ")
    return f"{venue.name}, {address}" if address else venue.name


def series_until(slot):
    """The RRULE's UNTIL for a slot valid until a date: the end of that day in Milan, in
    UTC, as RFC 5545 (3.3.10) asks when DTSTART has a TZID; None without an end."""
    if slot.valid_until is None:
        return None
    last_moment = datetime.datetime.combine(slot.valid_until, datetime.time(23, 59, 59),
                                            tzinfo=MILAN)
    return last_moment.astimezone(datetime.UTC)


def slot_event(group, slot, *, anchor, stamp, cancelled_dates=()):
    """The VEVENT of one weekly slot of `group` (given `.text` and `.venue_text`), or
    None when the slot has no meeting on or after `anchor` (it ended)."""
    first = first_meeting_date(slot, anchor)
    if first is None:
        return None
    event = Event()
    # The same UID in every language: the group's translation key and the slot's pk.
    event.add("uid", f"slot-{slot.pk}-{group.calendar_uid}")
    event.add("dtstamp", stamp)
    event.add("dtstart", local_datetime(first, slot.start))
    event.add("dtend", local_datetime(first, slot.end))
    rule = {"freq": "weekly", "byday": BYDAY[slot.weekday]}
    until = series_until(slot)
    if until is not None:
        rule["until"] = until
    event.add("rrule", rule)
    exdates = excluded_dates(slot, cancelled_dates, since=first)
    if exdates:
        event.add("exdate", [local_datetime(day, slot.start) for day in exdates])
    _describe(event, group)
    return event


def moved_meeting_event(group, change, *, stamp):
    """The VEVENT of a meeting a facilitator moved (programme.models.MeetingChange): a
    one-off event at its new date and time; its weekly series has the old date as an
    EXDATE. Its UID stays the same however often it is moved again."""
    event = Event()
    event.add("uid", f"moved-{change.pk}-{group.calendar_uid}")
    event.add("dtstamp", stamp)
    event.add("dtstart", local_datetime(change.new_date, change.new_start))
    event.add("dtend", local_datetime(change.new_date, change.new_end))
    _describe(event, group)
    return event


def _describe(event, group):
    """The group's name, description, venue and position on `event`."""
    # Texts as editors typed them, but never a character RFC 5545 refuses (older rows
    # may hold Word's line break U+000B).
    event.add("summary", editor_text(group.text.name))
    event.add("description", editor_text(group.text.description, multiline=True))
    event.add("location", editor_text(location_text(group.venue_text)))
    venue = group.venue
    if venue.latitude is not None and venue.longitude is not None:
        event.add("geo", (float(venue.latitude), float(venue.longitude)))


def build_calendar(groups, *, today=None, stamp=None, name=None, locale=None):
    """The VCALENDAR of `groups` (canonical rows; slots, cancelled dates and opened
    holidays prefetched) with texts in the active language (`locale`, when the caller
    has it). Two queries at most, for the translated texts. Named `name` (a venue's
    feed), else after the group when there is one, else after the site."""
    today = today or timezone.localdate()
    stamp = stamp or timezone.now()
    anchor = series_anchor(today)
    holiday_horizon = datetime.date(anchor.year + HOLIDAY_YEARS, 1, 1)
    groups = with_translated_texts(groups, locale=locale)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    site_name = _("Mutual Aid for Work")
    if name:
        calendar.calendar_name = editor_text(f"{name} · {site_name}")
    elif len(groups) == 1:
        calendar.calendar_name = editor_text(f"{groups[0].text.name} · {site_name}")
    else:
        calendar.calendar_name = site_name
    calendar.description = _("Self-help groups for people looking for work")
    # Always present: the events refer to it, and a calendar with no events (a paused
    # group) still needs one component to be valid RFC 5545.
    calendar.add_component(
        Timezone.from_tzid(
            TZID,
            first_date=datetime.date(anchor.year, 1, 1),
            last_date=datetime.date(anchor.year + TIMEZONE_YEARS, 1, 1),
        )
    )
    for group in groups:
        if group.status == group.Status.PAUSED:
            continue
        # Cancelled dates beyond the holidays' span still count.
        cancelled = skipped_dates(group, anchor, holiday_horizon) | {
            c.date for c in group.cancelled_meetings.all()}
        changes = meeting_changes(group).values()
        for slot in group.slots.all():
            # A meeting a facilitator cancelled or moved is skipped by its own slot only.
            changed = {c.date for c in changes if c.start == slot.start}
            event = slot_event(group, slot, anchor=anchor, stamp=stamp,
                               cancelled_dates=cancelled | changed)
            if event is not None:
                calendar.add_component(event)
        for change in changes:
            if change.is_moved and change.new_date >= anchor:
                calendar.add_component(moved_meeting_event(group, change, stamp=stamp))
    return calendar


def calendar_response(groups, filename, *, name=None, locale=None):
    """An HTTP response with the iCalendar feed of `groups`, in the active language
    (`name` and `locale` as build_calendar takes them)."""
    calendar = build_calendar(groups, name=name, locale=locale)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Content-Language"] = get_language()
    return response
