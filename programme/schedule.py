"""When groups meet: weekly schedules turned into dated meetings, in Milan's local time."""

import datetime
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays
from wagtail.models import Locale

MILAN = ZoneInfo("Europe/Rome")


@functools.cache
def _holidays_of(year):
    return holidays.country_holidays("IT", subdiv="MI", years=year)


def is_public_holiday(day):
    """Whether `day` (a date) is an Italian public holiday or Milan's patron day.

    Source: the `holidays` package, country IT, subdivision MI (the national holidays
    of Law 260/1949 and later laws, Easter Monday, and Sant'Ambrogio on 7 December).
    Groups do not meet on these days unless an editor opens one (HolidayMeeting).
    """
    return day in _holidays_of(day.year)


def public_holidays(start, end):
    """The public holidays (see `is_public_holiday`) in [start, end): sorted dates."""
    return sorted(
        day for year in range(start.year, end.year + 1) for day in _holidays_of(year)
        if start <= day < end
    )


def skipped_dates(group, start, end):
    """The dates in [start, end) the group does not meet although its slots say so:
    its cancelled dates, and the public holidays it has not opened. A set of dates.
    Reads the group's prefetched `cancelled_meetings` and `holiday_meetings`."""
    opened = {h.date for h in group.holiday_meetings.all()}
    skipped = {c.date for c in group.cancelled_meetings.all() if start <= c.date < end}
    return skipped | (set(public_holidays(start, end)) - opened)


@dataclass(frozen=True)
class Meeting:
    group: object
    date: datetime.date
    start: datetime.datetime  # aware, Europe/Rome
    end: datetime.datetime

    @property
    def venue(self):
        return self.group.venue


def meeting_dates(slot, start, days):
    """Dates of a weekly slot in [start, start + days)."""
    offset = (slot.weekday - start.weekday()) % 7
    day = start + datetime.timedelta(days=offset)
    end = start + datetime.timedelta(days=days)
    while day < end:
        yield day
        day += datetime.timedelta(days=7)


def upcoming_meetings(groups, start, days):
    """Every meeting of `groups` from `start` for `days` days, in time order.

    Paused groups do not meet; cancelled dates and public holidays (unless the group
    opened them) are left out. Uses only what `groups` already holds (slots, cancelled
    dates and opened holidays prefetched): no queries of its own.
    """
    meetings = []
    for group in groups:
        if group.status == group.Status.PAUSED:
            continue
        cancelled = skipped_dates(group, start, start + datetime.timedelta(days=days))
        for slot in group.slots.all():
            for day in meeting_dates(slot, start, days):
                if day in cancelled:
                    continue
                meetings.append(
                    Meeting(
                        group=group,
                        date=day,
                        start=datetime.datetime.combine(day, slot.start, tzinfo=MILAN),
                        end=datetime.datetime.combine(day, slot.end, tzinfo=MILAN),
                    )
                )
    meetings.sort(key=lambda m: (m.start, str(m.group)))
    return meetings


def with_translated_texts(groups):
    """The canonical groups, each given `.text` and `.venue_text`: their versions in the
    active language when translated, else the originals. Two queries at most."""
    from programme.models import Group, Venue

    groups = list(groups)
    locale = Locale.get_active()
    group_texts, venue_texts = {}, {}
    if groups and locale.pk != groups[0].locale_id:
        group_texts = {
            g.translation_key: g
            for g in Group.objects.filter(
                locale=locale, translation_key__in=[g.translation_key for g in groups]
            )
        }
        venue_texts = {
            v.translation_key: v
            for v in Venue.objects.filter(
                locale=locale, translation_key__in={g.venue.translation_key for g in groups}
            )
        }
    for group in groups:
        group.text = group_texts.get(group.translation_key, group)
        group.venue_text = venue_texts.get(group.venue.translation_key, group.venue)
    return groups
