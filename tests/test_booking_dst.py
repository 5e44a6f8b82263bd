"""Booking on the days Milan's clocks change: 29 March 2026 (02:00 → 03:00) and 25
October 2026 (03:00 → 02:00). A wall time that does not exist is no slot; one that
exists twice is offered once, at its first occurrence."""

import datetime

import pytest

from booking import availability, bookings
from booking.models.bookings import OpeningRule
from readable.dates import programme_timezone
from tests.booking_helpers import make_services

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
ZONE = programme_timezone()


@pytest.fixture
def night_service():
    interview, _ = make_services(valid_from=datetime.date(2026, 1, 1))
    OpeningRule.objects.filter(service=interview).delete()
    OpeningRule.objects.create(service=interview, weekdays=[6], opens=datetime.time(0),
                               closes=datetime.time(4), slot_minutes=30, places=2,
                               valid_from=datetime.date(2026, 1, 1),
                               open_on_public_holidays=True)
    return interview


def utc_starts(slots):
    return [slot.starts_at.astimezone(UTC).strftime("%H:%M") for slot in slots]


def test_spring_forward_has_no_nonexistent_slot(night_service):
    now = datetime.datetime(2026, 3, 20, tzinfo=UTC)
    slots = availability.slots_of_day(night_service, datetime.date(2026, 3, 29), now=now)
    walls = [slot.starts_at.astimezone(ZONE).strftime("%H:%M") for slot in slots]
    assert walls == ["00:00", "00:30", "01:00", "01:30", "03:00", "03:30"]
    # 00:00–01:30 are CET (+01), 03:00 and 03:30 CEST (+02).
    assert utc_starts(slots) == ["23:00", "23:30", "00:00", "00:30", "01:00", "01:30"]
    # The 01:30 slot ends at the same instant the 03:00 slot starts.
    assert slots[3].ends_at == slots[4].starts_at
    for wall in ("20260329T0100Z", "20260329T0130Z"):  # 03:00, 03:30 CEST
        assert availability.find_slot(night_service, availability.parse_slot_token(wall),
                                      now=now) is not None


def test_fall_back_offers_the_ambiguous_times_once(night_service):
    now = datetime.datetime(2026, 10, 20, tzinfo=UTC)
    slots = availability.slots_of_day(night_service, datetime.date(2026, 10, 25), now=now)
    walls = [slot.starts_at.astimezone(ZONE).strftime("%H:%M") for slot in slots]
    assert walls == ["00:00", "00:30", "01:00", "01:30", "02:00", "02:30", "03:00", "03:30"]
    # 02:00 and 02:30 at their first occurrence, still CEST (+02): 00:00 and 00:30 UTC.
    assert utc_starts(slots) == ["22:00", "22:30", "23:00", "23:30", "00:00", "00:30",
                                 "02:00", "02:30"]
    assert len({slot.starts_at for slot in slots}) == len(slots)
    # The second 02:00 (CET, 01:00 UTC) is no slot.
    second = datetime.datetime(2026, 10, 25, 1, 0, tzinfo=UTC)
    assert availability.find_slot(night_service, second, now=now) is None
    booking = bookings.book(service=night_service, starts_at=slots[4].starts_at,
                            data={"reason": "x", "first_name": "A", "last_name": "B",
                                  "email": "a@example.org", "phone": ""},
                            language="it", now=now)
    assert booking.starts_at == datetime.datetime(2026, 10, 25, 0, 0, tzinfo=UTC)
    # The same instant read back from its token (UTC) is found: PEP 495 comparisons.
    token = availability.slot_token(slots[5].starts_at)
    assert availability.find_slot(night_service, availability.parse_slot_token(token),
                                  now=now) == slots[5]
    assert booking.ends_at == datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize("day, offset", [
    (datetime.date(2026, 3, 27), 1), (datetime.date(2026, 3, 30), 2),
    (datetime.date(2026, 10, 23), 2), (datetime.date(2026, 10, 26), 1),
])
def test_a_day_rule_around_the_changes_has_the_right_offsets(day, offset):
    _, workstation = make_services(valid_from=datetime.date(2026, 1, 1))
    now = datetime.datetime.combine(day - datetime.timedelta(days=5), datetime.time(),
                                    tzinfo=UTC)
    slots = availability.slots_of_day(workstation, day, now=now)
    assert slots[0].starts_at.astimezone(ZONE).utcoffset() == datetime.timedelta(hours=offset)
    assert slots[0].starts_at.astimezone(UTC).hour == 9 - offset
    assert slots[-1].ends_at.astimezone(ZONE).hour == 17


def test_a_day_rule_on_the_sundays_the_clocks_change(night_service):
    OpeningRule.objects.filter(service=night_service).update(
        opens=datetime.time(9), closes=datetime.time(18), slot_minutes=60)
    for day, offset in ((datetime.date(2026, 3, 29), 2), (datetime.date(2026, 10, 25), 1)):
        now = datetime.datetime.combine(day - datetime.timedelta(days=3), datetime.time(),
                                        tzinfo=UTC)
        slots = availability.slots_of_day(night_service, day, now=now)
        assert len(slots) == 9
        assert {slot.starts_at.astimezone(ZONE).utcoffset() for slot in slots} == {
            datetime.timedelta(hours=offset)}
        assert all(slot.ends_at - slot.starts_at == datetime.timedelta(hours=1)
                   for slot in slots)
