"""Which slots a service offers and how many places each has left.

Rules and closures are in Milan's wall-clock time (settings.TIME_ZONE, Europe/Rome); a
slot is identified by its aware start instant. On the day the clocks go forward a wall
time that does not exist (02:00–02:59) is no slot; on the day they go back a wall time
that exists twice is offered once, at its first occurrence (fold=0).

STUB: signatures fixed by the lead; helper A implements them (remove this line).
"""

import dataclasses
import datetime


@dataclasses.dataclass(frozen=True)
class Slot:
    """One bookable slot: `starts_at`/`ends_at` aware datetimes, `places` in total,
    `free` places left (never below 0)."""

    service_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    places: int
    free: int


@dataclasses.dataclass(frozen=True)
class DayAvailability:
    """One day of a month view: `day` (date), `free` places left over its slots,
    `closed_reason` (str in the active language, or "" — a closure's reason, or the
    public holiday's name)."""

    day: datetime.date
    free: int
    closed_reason: str = ""


def slots_of_day(service, day, *, now=None):
    """The slots of `service` (any translation; its canonical one is read) on `day`
    (a date in Milan), each with its free places, in time order; slots starting before
    `now` (default: the current time) left out. [] on a closed day. Queries: a fixed
    number, whatever the slots and bookings."""
    raise NotImplementedError


def month_availability(service, year, month, *, now=None):
    """[DayAvailability] for each day of the month, in order; days outside the bookable
    window (before today or beyond `service.days_ahead`) have free=0. Queries: a fixed
    number."""
    raise NotImplementedError


def find_slot(service, starts_at, *, now=None):
    """The Slot of `service` starting at the aware datetime `starts_at`, or None when no
    rule offers it (closed day, outside the rules, in the past, beyond the window)."""
    raise NotImplementedError


def slot_token(starts_at):
    """A slot's start as a URL parameter: UTC, e.g. "20261203T0800Z" (ASCII, no colon)."""
    raise NotImplementedError


def parse_slot_token(value):
    """The aware datetime of a slot_token, or None for anything else (never raises)."""
    raise NotImplementedError
