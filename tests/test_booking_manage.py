"""The signed link's pages (booking/manage_views.py, issue 18): a person views, moves and
cancels a booking without an account, and adds it to a calendar; a link altered, for an
appointment already over or for a cancelled booking opens a clear page, never a 500;
nothing of it is kept by a cache, sent to another site as a referrer or written in the
access log.
"""

import datetime
import runpy
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from booking import availability, links
from booking.calendar_file import booking_calendar
from booking.models.bookings import Booking
from programme.public_holidays import is_public_holiday
from readable.dates import programme_timezone
from tests.booking_helpers import booking_page, make_services

pytestmark = pytest.mark.django_db

MILAN = programme_timezone()


def next_weekday(days_ahead=3):
    """A Monday-to-Friday date at least `days_ahead` days from today (Milan) on which the
    office is open (not 7 December, Milan's patron day, nor any public holiday)."""
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    while day.weekday() > 4 or is_public_holiday(day):
        day += datetime.timedelta(days=1)
    return day


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=MILAN)


def make_booking(service, starts_at, *, minutes=45, reference="PA-2026-00042",
                 language="it", **fields):
    values = {
        "service": service, "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(minutes=minutes), "place": 1,
        "reference": reference, "reason": "Cercare lavoro", "first_name": "Giulia",
        "last_name": "Bianchi", "email": "giulia@example.org", "phone": "",
        "language": language, "privacy_notice_version": "1",
        "privacy_acknowledged_at": timezone.now(),
    }
    values.update(fields)
    return Booking.objects.create(**values)


@pytest.fixture
def setup():
    interview, workstation = make_services()
    page = booking_page()
    return interview, workstation, page


@pytest.fixture
def booked(setup):
    interview, _workstation, page = setup
    # 09:45 is a slot of the 45-minute rule opening at 09:00.
    booking = make_booking(interview, at(next_weekday(), 9, 45))
    return booking, page, links.booking_token(booking)


def url(page, name, token, language="it"):
    if language != page.locale.language_code:
        page = page.get_translation(
            page.locale.__class__.objects.get(language_code=language)).specific
    return page.url + page.reverse_subpage(name, kwargs={"token": token})


def html(response):
    return response.content.decode()


def assert_private(response):
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert response["Referrer-Policy"] == "same-origin"


# --- The booking -------------------------------------------------------------------------


def test_the_link_shows_the_booking_with_move_cancel_and_calendar(client, booked):
    booking, page, token = booked
    response = client.get(url(page, "manage", token))
    assert response.status_code == 200
    text = html(response)
    assert 'data-booking-reference="PA-2026-00042"' in text
    assert "Colloquio di orientamento" in text
    assert "Cercare lavoro" in text
    venue = booking.service.venue
    assert venue.name in text and venue.street_address in text
    assert f'href="{url(page, "move", token)}"' in text and ">Sposta<" in text
    assert f'href="{url(page, "cancel", token)}"' in text
    assert "Annulla la prenotazione" in text
    assert f'href="{url(page, "ics", token)}"' in text
    assert "ore 09:45" in text  # Milan's wall clock, written out
    assert_private(response)


def test_the_link_in_english_shows_the_english_service(client, booked):
    _booking, page, token = booked
    response = client.get(url(page, "manage", token, "en"))
    assert response.status_code == 200
    text = html(response)
    assert "Orientation interview" in text and ">Move<" in text
    assert "Cancel the booking" in text and "at 09:45" in text


def test_the_pages_are_never_served_from_the_page_cache(client, booked, settings):
    settings.PAGE_CACHE_SECONDS = 300
    booking, page, token = booked
    address = url(page, "manage", token)
    assert client.get(address).status_code == 200
    Booking.objects.filter(pk=booking.pk).update(reason="Scrivere il curriculum")
    again = client.get(address)
    assert again.get("X-Page-Cache") != "hit"
    assert "Scrivere il curriculum" in html(again)


# --- Links that do not work ------------------------------------------------------------


def test_a_tampered_link_opens_a_clear_page_with_the_office_phone(client, booked):
    _booking, page, token = booked
    for bad in (token[:-3] + ("abc" if not token.endswith("abc") else "xyz"),
                "nonsense", "a" * 300):
        response = client.get(url(page, "manage", bad))
        assert response.status_code == 404
        text = html(response)
        assert "Questo link non è valido" in text
        assert "Segreteria" in text or "ufficio" in text
        assert_private(response)
    for name in ("move", "cancel", "ics"):
        assert client.get(url(page, name, "nonsense")).status_code == 404
    assert client.post(url(page, "cancel", "nonsense")).status_code == 404


def test_an_appointment_already_over_opens_a_clear_page(client, setup):
    interview, _workstation, page = setup
    booking = make_booking(interview, timezone.now() - datetime.timedelta(days=1))
    token = links.booking_token(booking)
    response = client.get(url(page, "manage", token))
    assert response.status_code == 410
    assert "Questo appuntamento è già passato" in html(response)
    english = client.get(url(page, "manage", token, "en"))
    assert "This appointment has already passed" in html(english)
    assert client.post(url(page, "cancel", token)).status_code == 410
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED


def test_a_cancelled_booking_link_says_so(client, booked):
    booking, page, token = booked
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED,
                                                 cancelled_at=timezone.now())
    response = client.get(url(page, "manage", token))
    assert response.status_code == 410
    assert "Questa prenotazione è stata annullata" in html(response)


# --- Cancelling ------------------------------------------------------------------------


def test_cancelling_asks_first_then_cancels(client, booked):
    booking, page, token = booked
    confirm = client.get(url(page, "cancel", token))
    assert confirm.status_code == 200
    assert 'method="post"' in html(confirm)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED
    done = client.post(url(page, "cancel", token))
    assert done.status_code == 200
    assert "Prenotazione annullata" in html(done)
    assert_private(done)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED
    assert client.get(url(page, "manage", token)).status_code == 410


def test_cancelling_needs_the_csrf_token(booked):
    booking, page, token = booked
    response = Client(enforce_csrf_checks=True).post(url(page, "cancel", token))
    assert response.status_code == 403
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED


# --- Moving ----------------------------------------------------------------------------


def test_moving_shows_the_days_then_the_times_then_moves(client, booked):
    booking, page, token = booked
    day = booking.starts_at.astimezone(MILAN).date()
    month = client.get(url(page, "move", token) + f"?month={day:%Y-%m}")
    assert month.status_code == 200
    assert f"?day={day:%Y-%m-%d}" in html(month)
    times = client.get(url(page, "move", token) + f"?day={day:%Y-%m-%d}")
    target = at(day, 11, 15)
    slot = availability.slot_token(target)
    assert f'value="{slot}"' in html(times)
    assert f'value="{availability.slot_token(booking.starts_at)}"' not in html(times)
    moved = client.post(url(page, "move", token), {"slot": slot, "day": f"{day:%Y-%m-%d}"})
    assert moved.status_code == 302
    assert moved["Location"] == url(page, "manage", token)
    booking.refresh_from_db()
    assert booking.starts_at == target and booking.reference == "PA-2026-00042"
    after = client.get(moved["Location"])
    assert "ore 11:15" in html(after)
    assert "spostata" in html(after)  # the success message


def test_the_place_taken_meanwhile_shows_the_days_times_again(client, booked):
    booking, page, token = booked
    day = booking.starts_at.astimezone(MILAN).date()
    target = at(day, 11, 15)
    make_booking(booking.service, target, reference="PA-2026-00043",
                 email="altro@example.org")
    response = client.post(url(page, "move", token),
                           {"slot": availability.slot_token(target),
                            "day": f"{day:%Y-%m-%d}"})
    assert response.status_code == 409
    text = html(response)
    assert 'data-booking-outcome="full"' in text
    assert 'role="alert"' in text
    assert f'value="{availability.slot_token(at(day, 12))}"' in text  # other times
    booking.refresh_from_db()
    assert booking.starts_at == at(day, 9, 45)


def test_moving_to_nonsense_is_a_clear_error(client, booked):
    booking, page, token = booked
    response = client.post(url(page, "move", token), {"slot": "2026-99-99"})
    assert response.status_code == 200
    assert "Scegli uno degli orari liberi" in html(response)
    for junk in ("?month=2026-13", "?month=x", "?day=2026-02-30", "?day=%00"):
        assert client.get(url(page, "move", token) + junk).status_code == 200


# --- The calendar file -------------------------------------------------------------------


def test_the_calendar_file_is_one_event_calendar_apps_read(client, booked):
    booking, page, token = booked
    response = client.get(url(page, "ics", token))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="PA-2026-00042.ics"' in response["Content-Disposition"]
    assert_private(response)
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["UID"]) == "booking-PA-2026-00042@testserver"
    assert str(event["SUMMARY"]) == "Colloquio di orientamento"
    assert booking.service.venue.street_address in str(event["LOCATION"])
    assert "PA-2026-00042" in str(event["DESCRIPTION"])
    assert url(page, "manage", token) in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART") == booking.starts_at
    english = Calendar.from_ical(client.get(url(page, "ics", token, "en")).content)
    assert str(english.walk("VEVENT")[0]["SUMMARY"]) == "Orientation interview"


def test_the_calendar_file_keeps_milan_time_across_the_clock_change(setup):
    interview, _workstation, _page = setup
    # 2026's clocks go back on Sunday 25 October: Friday 23 is UTC+2, Monday 26 UTC+1.
    before = make_booking(interview, at(datetime.date(2026, 10, 23), 10))
    after = make_booking(interview, at(datetime.date(2026, 10, 26), 10),
                         reference="PA-2026-00043")
    for booking, offset in ((before, 2), (after, 1)):
        calendar = Calendar.from_ical(booking_calendar(
            booking, service=interview, venue=interview.venue, host="example.org:8000",
            manage_url="https://example.org/x/").to_ical())
        assert calendar.walk("VTIMEZONE")
        event = calendar.walk("VEVENT")[0]
        assert event["DTSTART"].params["TZID"] == "Europe/Rome"
        start = event.decoded("DTSTART")
        assert (start.hour, start.minute) == (10, 0)
        assert start.utcoffset() == datetime.timedelta(hours=offset)
        assert start == booking.starts_at
        assert str(event["UID"]) == f"booking-{booking.reference}@example.org"


# --- The access log ----------------------------------------------------------------------


@pytest.mark.parametrize("path,logged", [
    ("/it/prenota-appuntamento/prenotazione/Tk:abc-1/", "/it/prenota-appuntamento/prenotazione/…/"),
    ("/it/prenota-appuntamento/prenotazione/Tk:abc-1/sposta/?day=2026-12-03",
     "/it/prenota-appuntamento/prenotazione/…/sposta/"),
    ("/en/book-an-appointment/booking/Tk:abc-1/appointment.ics",
     "/en/book-an-appointment/booking/…/appointment.ics"),
    ("/it/prenota-appuntamento/conferma/Tk:abc-1/", "/it/prenota-appuntamento/conferma/…/"),
    ("/en/book-an-appointment/confirmation/Tk:abc-1/",
     "/en/book-an-appointment/confirmation/…/"),
])
def test_the_access_log_blanks_the_booking_token(path, logged):
    config = runpy.run_path(str(Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"))
    assert config["private_path"](path) == logged


# --- Review fixes (issue 18): the move page's month and day, a started appointment ----


@pytest.mark.parametrize(("query", "edge"), [
    ("?month=0001-01", "first"), ("?month=9999-12", "last"),
    ("?day=0001-01-01", None), ("?day=9999-12-31", None)])
def test_the_move_page_keeps_any_month_or_day_inside_the_window(client, booked, query,
                                                                 edge):
    booking, page, token = booked
    response = client.get(url(page, "move", token) + query)
    assert response.status_code == 200
    first, last = availability.bookable_window(booking.service)
    shown = response.context["month_value"]
    expected = {"first": f"{first:%Y-%m}", "last": f"{last:%Y-%m}",
                None: f"{booking.starts_at.astimezone(MILAN):%Y-%m}"}[edge]
    assert shown == expected
    for month in response.context["previous_month"], response.context["next_month"]:
        assert not month or f"{first:%Y-%m}" <= month <= f"{last:%Y-%m}"
    if edge is None:
        assert "Puoi prenotare da oggi" in html(response)


def test_the_move_page_shows_closed_days_and_why(client, booked):
    from booking.models.bookings import Closure

    booking, page, token = booked
    day = booking.starts_at.astimezone(MILAN).date() + datetime.timedelta(days=1)
    Closure.objects.create(venue=booking.service.venue, first_day=day, last_day=day,
                           reason="Lavori di manutenzione", reason_en="Maintenance work")
    response = client.get(url(page, "move", token) + f"?month={day:%Y-%m}")
    assert "chiuso (Lavori di manutenzione)" in html(response)
    response = client.get(url(page, "move", token) + f"?day={day:%Y-%m-%d}")
    assert "Lavori di manutenzione" in html(response)
    assert "Non ci sono più orari liberi" not in html(response)


def test_the_manage_page_says_until_the_appointment_starts(client, booked):
    _booking, page, token = booked
    assert "fino all’inizio dell’appuntamento" in html(client.get(url(page, "manage", token)))


def test_a_started_appointment_can_no_longer_be_moved_or_cancelled(client, setup):
    interview, _workstation, page = setup
    now = timezone.now()
    booking = make_booking(interview, now - datetime.timedelta(minutes=10))
    token = links.booking_token(booking)
    shown = client.get(url(page, "manage", token))
    assert shown.status_code == 200  # the link still shows it until it ends
    assert 'data-booking-outcome="started"' in html(shown)
    assert url(page, "cancel", token) not in html(shown)
    other = availability.slot_token(at(next_weekday(), 11, 15))
    for response in (client.get(url(page, "move", token)),
                     client.post(url(page, "move", token), {"slot": other}),
                     client.post(url(page, "cancel", token))):
        assert response.status_code == 409
        assert "L’appuntamento è già iniziato" in html(response)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.starts_at < now


def test_the_move_pages_headings_follow_each_other(client, booked):
    """The month's heading is an h2 under the move page's h1 (axe's heading-order: the
    shared month include is an h3 on step 2, under its own h2)."""
    booking, page, token = booked
    day = booking.starts_at.astimezone(MILAN).date()
    soup = BeautifulSoup(client.get(url(page, "move", token) + f"?month={day:%Y-%m}")
                         .content, "html.parser")
    levels = [int(h.name[1]) for h in soup.select("main h1, main h2, main h3, main h4")]
    assert levels[0] == 1 and soup.select_one("#month-title").name == "h2"
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
