"""What the Segreteria's calendar shows: for a service and a day (or a week), each slot the
rules offer with its places taken and free and the bookings in it, plus the bookings the
current rules no longer offer ("fuori orario": a closure or a rule change kept them).

Days are Milan's (settings.TIME_ZONE); slots come from booking.availability, so the
calendar and the citizens' pages never disagree on what a slot is.
"""

import dataclasses
import datetime

from django.utils import dateformat, timezone

from readable.dates import local_date, milan_time, programme_timezone

from . import availability
from .models.bookings import Booking

TAKING_A_PLACE = (Booking.Status.CONFIRMED, Booking.Status.ATTENDED,
                  Booking.Status.NO_SHOW)


@dataclasses.dataclass
class CalendarSlot:
    """One row of the calendar. `slot` is None for bookings outside the current rules
    (`outside_rules`); `taken`/`free`/`places` count places (cancelled bookings free
    theirs); `bookings` in place order, cancelled ones included (shown struck)."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    places: int
    taken: int
    bookings: list
    outside_rules: bool = False

    @property
    def free(self):
        return max(self.places - self.taken, 0)

    @property
    def has_started(self):
        return self.starts_at <= timezone.now()

    @property
    def time_range(self):
        """«09:00–09:45», Milan's wall-clock time."""
        return f"{milan_time(self.starts_at):%H:%M}–{milan_time(self.ends_at):%H:%M}"


@dataclasses.dataclass
class CalendarDay:
    day: datetime.date
    slots: list

    @property
    def label(self):
        """«giovedì 3 dicembre 2026» in the active language."""
        return f"{dateformat.format(self.day, 'l')} {local_date(self.day)}"

    @property
    def taken(self):
        return sum(slot.taken for slot in self.slots)

    @property
    def free(self):
        return sum(slot.free for slot in self.slots)


def today_in_milan():
    return timezone.localdate(timezone=programme_timezone())


def day_bounds(day):
    """The aware instants (start, end) of `day` in Milan; end is the next day's start, so
    a day the clocks change lasts 23 or 25 hours."""
    zone = programme_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min,
                                    tzinfo=zone)
    return start, end


def week_start(day):
    """The Monday of `day`'s week."""
    return day - datetime.timedelta(days=day.weekday())


def calendar_days(service, first_day, days=1):
    """[CalendarDay] for `days` days from `first_day` of `service` (its canonical one):
    every slot the rules and closures offer, past ones included (staff mark who came),
    whatever the booking window. Queries: four, whatever the days and bookings."""
    service = service.canonical()
    last_day = first_day + datetime.timedelta(days=days - 1)
    start, _end = day_bounds(first_day)
    _start, end = day_bounds(last_day)
    offered = availability.offered_starts(service, first_day, last_day)
    bookings = list(Booking.objects.filter(service=service, starts_at__gte=start,
                                           starts_at__lt=end)
                    .order_by("starts_at", "status", "place"))
    result = []
    for offset in range(days):
        day = first_day + datetime.timedelta(days=offset)
        day_start, day_end = day_bounds(day)
        slots = sorted((slot for slot in offered.values()
                        if day_start <= slot.starts_at < day_end),
                       key=lambda slot: slot.starts_at)
        of_day = [booking for booking in bookings if day_start <= booking.starts_at < day_end]
        result.append(CalendarDay(day=day, slots=_rows(slots, of_day)))
    return result


def _rows(slots, bookings):
    by_start = {}
    for booking in bookings:
        by_start.setdefault(booking.starts_at, []).append(booking)
    rows = []
    for slot in slots:
        held = by_start.pop(slot.starts_at, [])
        rows.append(CalendarSlot(
            starts_at=slot.starts_at, ends_at=slot.ends_at, places=slot.places,
            taken=sum(1 for b in held if b.status in TAKING_A_PLACE), bookings=held))
    for starts_at, held in by_start.items():
        taking = [b for b in held if b.status in TAKING_A_PLACE]
        if not taking:
            continue  # cancelled bookings of a slot no longer offered: nothing to do
        rows.append(CalendarSlot(
            starts_at=starts_at, ends_at=max(b.ends_at for b in held), places=len(taking),
            taken=len(taking), bookings=held, outside_rules=True))
    rows.sort(key=lambda row: row.starts_at)
    return rows


def bookings_of_day(service, day):
    """The bookings of `service` on `day` (Milan), every status, in time and place order:
    the day's list staff export."""
    start, end = day_bounds(day)
    return (Booking.objects.filter(service=service.canonical(), starts_at__gte=start,
                                   starts_at__lt=end)
            .order_by("starts_at", "place"))
