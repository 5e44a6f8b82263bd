"""When groups meet: weekly schedules turned into dated meetings, in Milan's local time."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from wagtail.models import Locale

MILAN = ZoneInfo("Europe/Rome")


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

    Paused groups do not meet; cancelled dates are left out. Uses only what `groups`
    already holds (slots and cancelled dates prefetched): no queries of its own.
    """
    meetings = []
    for group in groups:
        if group.status == group.Status.PAUSED:
            continue
        cancelled = {c.date for c in group.cancelled_meetings.all()}
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
