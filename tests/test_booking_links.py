"""The signed link of a booking: it names the booking, refuses tampering, and stops
working after the appointment or a cancellation; its addresses are absolute."""

import datetime

import pytest
from django.core import mail

from booking import bookings, links, notices
from readable.dates import programme_timezone
from tests.booking_helpers import booking_page, make_services

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
NOW = datetime.datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


@pytest.fixture
def booking():
    interview, _ = make_services(valid_from=datetime.date(2026, 1, 1))
    return bookings.book(
        service=interview, starts_at=datetime.datetime(2026, 12, 2, 9, tzinfo=programme_timezone()),
        data={"reason": "Cercare lavoro", "first_name": "Giulia", "last_name": "Rossi",
              "email": "giulia@example.org", "phone": ""}, language="en", now=NOW)


def test_a_token_names_its_booking(booking):
    assert links.booking_from_token(links.booking_token(booking), now=NOW) == booking


@pytest.mark.parametrize("change", [
    lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
    lambda token: "x" + token,
    lambda token: ("B" if token[2] == "A" else "A").join((token[:2], token[3:])),  # payload
    lambda token: "",
    lambda token: "\x00" * 10,
    lambda token: "a" * 100_000,
])
def test_a_tampered_token_is_invalid(booking, change):
    with pytest.raises(links.LinkInvalid):
        links.booking_from_token(change(links.booking_token(booking)), now=NOW)


def test_a_token_of_another_key_is_invalid(booking):
    token = links.booking_token(booking)
    booking.access_key = "rekeyed"
    booking.save()
    with pytest.raises(links.LinkInvalid):
        links.booking_from_token(token, now=NOW)


def test_the_link_expires_when_the_appointment_ends(booking):
    token = links.booking_token(booking)
    links.booking_from_token(token, now=booking.ends_at - datetime.timedelta(seconds=1))
    with pytest.raises(links.LinkExpired):
        links.booking_from_token(token, now=booking.ends_at)


def test_the_link_expires_when_cancelled(booking):
    token = links.booking_token(booking)
    bookings.cancel(booking)
    with pytest.raises(links.LinkExpired):
        links.booking_from_token(token, now=NOW)


def test_manage_and_calendar_urls_are_absolute_on_the_page_of_the_language(booking):
    booking_page()
    manage = links.manage_url(booking)
    assert manage.startswith("http://testserver/en/")
    assert "/booking/" in manage and links.booking_token(booking) in manage
    assert links.calendar_url(booking).endswith("/appointment.ics")
    booking.language = "it"
    assert "/prenotazione/" in links.manage_url(booking)


def test_the_mail_context_is_in_the_booking_language(booking):
    booking_page()
    context = notices.mail_context(booking)
    assert context["service"].name == "Orientation interview"
    assert context["starts_at"].hour == 9 and context["starts_at"].tzinfo is not None
    assert context["manage_url"].startswith("http://")
    assert {"office_phone", "contact_url", "by_staff", "cancellation_reason"} <= set(context)


def test_confirmation_mail_is_queued_with_the_booking_and_not_without_email(booking):
    """Queued in the booking's transaction (no commit hook to wait for): a stored
    booking always has its mail."""
    booking_page()
    interview = booking.service
    mail.outbox.clear()
    bookings.book(service=interview,
                  starts_at=datetime.datetime(2026, 12, 2, 10, 30,
                                              tzinfo=programme_timezone()),
                  data={"reason": "x", "first_name": "A", "last_name": "B",
                        "email": "anna@example.org", "phone": ""},
                  language="it", now=NOW)
    assert [message.to for message in mail.outbox] == [["anna@example.org"]]
    bookings.book(service=interview,
                  starts_at=datetime.datetime(2026, 12, 2, 11, 15,
                                              tzinfo=programme_timezone()),
                  data={"reason": "x", "first_name": "C", "last_name": "D",
                        "email": "", "phone": "333 123 4567"},
                  language="it", now=NOW)
    assert len(mail.outbox) == 1  # phone only: the Segreteria calls
