"""Which slots a service offers and how many places each has left.

Rules and closures are in Milan's wall-clock time (settings.TIME_ZONE, Europe/Rome); a
slot is identified by its aware start instant. On the day the clocks go forward a wall
time that does not exist (02:00–02:59) is no slot; on the day they go back a wall time
that exists twice is offered once, at its first occurrence (fold=0).

A slot's end is its start plus `slot_minutes` of real time, so the slot 01:30–02:00 on
the day the clocks go forward ends at 03:00 CEST (the same instant).

Closed: a day a Closure of the venue (no service) or of the service covers; an Italian
public holiday or Milan's patron day (programme.public_holidays, the `holidays` package)
for every rule that is not `open_on_public_holidays`.
"""

import dataclasses
import datetime
import functools
import re
from collections import Counter

import holidays
from django.db.models import Count, Q
from django.utils import timezone, translation

from programme.models.venues import Venue
from programme.public_holidays import is_public_holiday
from readable.dates import programme_timezone

from .models.bookings import Booking, Closure, OpeningRule

UTC = datetime.UTC


@dataclasses.dataclass(frozen=True)
class Slot:
    """One bookable slot: `starts_at`/`ends_at` aware datetimes in UTC (localise them to
    show them), `places` in total, `free` places left (never below 0).

    UTC because Python never finds a Milan time in the fold (02:30 on the day the
    clocks go back) equal to the same instant in another zone (PEP 495): a slot
    compared with a parsed slot_token or a database value would not match."""

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


@functools.cache
def _holiday_names(year, language):
    return holidays.country_holidays("IT", subdiv="MI", years=year, language=language)


def holiday_name(day):
    """The name of the public holiday on `day` in the active language ("Sant'Ambrogio" /
    "Saint Ambrose's Day"), or "" on a working day. Source: the `holidays` package,
    country IT, subdivision MI (its own Italian and English names)."""
    if not is_public_holiday(day):
        return ""
    english = (translation.get_language() or "it").startswith("en")
    return _holiday_names(day.year, "en_US" if english else "it_IT").get(day, "")


def closure_reason(closure):
    """A closure's reason in the active language: `reason_en` in English when filled,
    else `reason` (Italian)."""
    english = (translation.get_language() or "it").startswith("en")
    return closure.reason_en if english and closure.reason_en else closure.reason


def wall_time_exists(naive, zone=None):
    """Whether the naive wall-clock time `naive` exists in `zone` (Milan by default):
    False in the hour skipped when the clocks go forward."""
    zone = zone or programme_timezone()
    aware = naive.replace(tzinfo=zone, fold=0)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def _rule_applies(rule, day):
    return (day.weekday() in (rule.weekdays or [])
            and rule.valid_from <= day
            and (rule.valid_until is None or day <= rule.valid_until))


def _rule_starts(rule, day, zone):
    """The aware start instants of `rule`'s slots on `day`: wall times from `opens`,
    every `slot_minutes`, while the slot ends by `closes`; nonexistent ones skipped,
    ambiguous ones at their first occurrence."""
    step = datetime.timedelta(minutes=rule.slot_minutes)
    wall = datetime.datetime.combine(day, rule.opens)
    end = datetime.datetime.combine(day, rule.closes)
    while wall + step <= end:
        if wall_time_exists(wall, zone):
            yield wall.replace(tzinfo=zone, fold=0).astimezone(UTC), rule
        wall += step


@dataclasses.dataclass
class _Calendar:
    """What the database said about one service over a span of days: its rules, its
    closures, and the places taken per start instant."""

    rules: list
    closures: list
    taken: Counter

    def closure_on(self, day):
        return next((closure for closure in self.closures
                     if closure.first_day <= day <= closure.last_day), None)

    def slots_on(self, service_id, day, zone):
        if self.closure_on(day) is not None:
            return []
        holiday = is_public_holiday(day)
        by_start = {}
        for rule in self.rules:
            if not _rule_applies(rule, day) or (holiday and not rule.open_on_public_holidays):
                continue
            for start, rule_ in _rule_starts(rule, day, zone):
                # Overlapping rules are refused by OpeningRule.clean; rows saved past it
                # (imports, the shell) still give one slot per start: the first rule's.
                by_start.setdefault(start, rule_)
        slots = []
        for start in sorted(by_start):
            rule = by_start[start]
            taken = self.taken.get(start, 0)
            slots.append(Slot(
                service_id=service_id,
                starts_at=start,
                ends_at=start + datetime.timedelta(minutes=rule.slot_minutes),
                places=rule.places,
                free=max(rule.places - taken, 0),
            ))
        return slots


def _day_bounds(first_day, last_day, zone):
    start = datetime.datetime.combine(first_day, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time(),
                                    tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _calendar(canonical, first_day, last_day, zone, *, count_bookings=True):
    """Three queries: the rules, the closures and the places taken of `canonical` from
    `first_day` to `last_day` (inclusive)."""
    rules = list(OpeningRule.objects.filter(service=canonical).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=first_day),
        valid_from__lte=last_day).order_by("valid_from", "opens", "pk"))
    # A venue-wide closure may name the venue in any of its translations.
    venue_keys = Venue.objects.filter(pk=canonical.venue_id).values("translation_key")
    closures = list(Closure.objects.filter(
        Q(service=canonical) | Q(service__isnull=True, venue__translation_key__in=venue_keys),
        first_day__lte=last_day, last_day__gte=first_day).order_by("first_day", "pk"))
    taken = Counter()
    if count_bookings:
        start, end = _day_bounds(first_day, last_day, zone)
        rows = (Booking.objects.filter(service=canonical, starts_at__gte=start,
                                       starts_at__lt=end)
                .exclude(status=Booking.Status.CANCELLED)
                .values("starts_at").annotate(n=Count("pk")).order_by())
        for row in rows:
            taken[row["starts_at"].astimezone(UTC)] += row["n"]
    return _Calendar(rules=rules, closures=closures, taken=taken)


def bookable_window(service, now=None):
    """(first, last): the dates in Milan a person may book `service` on: from today to
    today + `service.days_ahead` days, inclusive."""
    now = now or timezone.now()
    today = timezone.localtime(now, programme_timezone()).date()
    return today, today + datetime.timedelta(days=service.days_ahead)


def slots_of_day(service, day, *, now=None):
    """The slots of `service` (any translation; its canonical one is read) on `day`
    (a date in Milan), each with its free places, in time order; slots starting before
    `now` (default: the current time) left out. [] on a closed day, outside the bookable
    window, and for a service not open for booking. Queries: a fixed number (4–5),
    whatever the slots and bookings."""
    now = now or timezone.now()
    canonical = service.canonical()
    if not canonical.is_bookable:
        return []
    first, last = bookable_window(canonical, now)
    if not first <= day <= last:
        return []
    zone = programme_timezone()
    calendar = _calendar(canonical, day, day, zone)
    return [slot for slot in calendar.slots_on(canonical.pk, day, zone)
            if slot.starts_at >= now]


def month_availability(service, year, month, *, now=None):
    """[DayAvailability] for each day of the month, in order; days outside the bookable
    window (before today or beyond `service.days_ahead`) have free=0. A closed day's
    `closed_reason` is the closure's reason, else the public holiday's name (in the
    active language). Queries: a fixed number (4–5)."""
    now = now or timezone.now()
    canonical = service.canonical()
    zone = programme_timezone()
    first_of_month = datetime.date(year, month, 1)
    next_month = (first_of_month + datetime.timedelta(days=32)).replace(day=1)
    last_of_month = next_month - datetime.timedelta(days=1)
    first, last = bookable_window(canonical, now)
    calendar = _calendar(canonical, first_of_month, last_of_month, zone)
    days = []
    day = first_of_month
    while day <= last_of_month:
        closure = calendar.closure_on(day)
        slots = calendar.slots_on(canonical.pk, day, zone)
        if closure is not None:
            reason = closure_reason(closure)
        elif not slots and any(_rule_applies(rule, day) for rule in calendar.rules):
            reason = holiday_name(day)
        else:
            reason = ""
        open_ = canonical.is_bookable and first <= day <= last
        free = sum(slot.free for slot in slots if slot.starts_at >= now) if open_ else 0
        days.append(DayAvailability(day=day, free=free, closed_reason=reason))
        day += datetime.timedelta(days=1)
    return days


def find_slot(service, starts_at, *, now=None):
    """The Slot of `service` starting at the aware datetime `starts_at`, or None when no
    rule offers it (closed day, outside the rules, in the past, beyond the window, the
    service not open for booking). Queries: a fixed number (4–5)."""
    if starts_at is None or timezone.is_naive(starts_at):
        return None
    day = timezone.localtime(starts_at, programme_timezone()).date()
    starts_at = starts_at.astimezone(UTC)
    for slot in slots_of_day(service, day, now=now):
        if slot.starts_at == starts_at:
            return slot
    return None


def offered_starts(canonical, first_day, last_day):
    """{aware UTC start: Slot} the rules and closures of `canonical` offer from
    `first_day` to `last_day` (inclusive), ignoring the booking window, the time and the
    places taken: what affected_bookings compares bookings with. Three queries."""
    zone = programme_timezone()
    calendar = _calendar(canonical, first_day, last_day, zone, count_bookings=False)
    offered = {}
    day = first_day
    while day <= last_day:
        for slot in calendar.slots_on(canonical.pk, day, zone):
            offered[slot.starts_at] = slot
        day += datetime.timedelta(days=1)
    return offered


_TOKEN = re.compile(r"\A(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z\Z", re.ASCII)


def slot_token(starts_at):
    """A slot's start as a URL parameter: UTC, e.g. "20261203T0800Z" (ASCII, no colon)."""
    return starts_at.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def parse_slot_token(value):
    """The aware datetime (UTC) of a slot_token, or None for anything else — not a
    string, too long, non-ASCII digits, NUL, an impossible date (never raises)."""
    if not isinstance(value, str) or len(value) != 14:
        return None
    match = _TOKEN.match(value)
    if match is None:
        return None
    try:
        return datetime.datetime(*(int(part) for part in match.groups()), tzinfo=UTC)
    except (ValueError, OverflowError):
        return None
