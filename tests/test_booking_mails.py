"""The booking's mails (templates/booking/email/, issue 18) in the person's language:
confirmed, moved, cancelled (by the person, or by staff with the reason) and the reminder,
rendered as booking.notices queues them (mail_context, the booking's language).
"""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from booking import notices
from booking.models.bookings import Booking
from readable.dates import programme_timezone
from tests.booking_helpers import booking_page, make_services

pytestmark = pytest.mark.django_db

MILAN = programme_timezone()
# Thursday 3 December 2026, 10:00 in Milan (09:00 UTC).
STARTS_AT = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=MILAN)


@pytest.fixture
def booking():
    interview, _workstation = make_services()
    booking_page()
    return Booking.objects.create(
        service=interview, starts_at=STARTS_AT,
        ends_at=STARTS_AT + datetime.timedelta(minutes=45), place=1,
        reference="PA-2026-00042", reason="Cercare lavoro", first_name="Giulia",
        last_name="Bianchi", email="giulia@example.org", language="it",
        privacy_notice_version="1", privacy_acknowledged_at=timezone.now())


def render(booking, kind, language, **extra):
    booking.language = language
    context = notices.mail_context(booking)
    context.update(extra)
    with translation.override(language):
        subject = " ".join(render_to_string(f"booking/email/{kind}_subject.txt",
                                            context).split())
        body = render_to_string(f"booking/email/{kind}_body.txt", context)
    return subject, body, context


def test_the_confirmation_in_italian_says_everything_a_person_needs(booking):
    subject, body, context = render(booking, "confirmed", "it")
    assert subject == ("Prenotazione confermata: Colloquio di orientamento, "
                       "giovedì 3 dicembre 2026, ore 10:00 (PA-2026-00042)")
    assert body.startswith("Gentile Giulia,")
    assert "PA-2026-00042" in body
    assert "Colloquio di orientamento" in body
    assert "giovedì 3 dicembre 2026, ore 10:00 (fino alle 10:45, ora di Milano)" in body
    venue = context["venue"]
    assert venue.name in body and venue.street_address in body
    assert "Porta un documento d'identità" in body  # what to bring: the description
    assert context["manage_url"].startswith("http")
    assert (f"Per vedere, spostare o annullare la prenotazione: {context['manage_url']}"
            in body)
    assert "Il link vale fino all’appuntamento." in body
    assert context["calendar_url"].endswith(".ics") and context["calendar_url"] in body
    if context["office_phone"]:
        assert context["office_phone"] in body
    assert "<" not in body.replace(context["manage_url"], "")  # plain text, no HTML


def test_the_confirmation_in_english(booking):
    subject, body, context = render(booking, "confirmed", "en")
    assert subject == ("Booking confirmed: Orientation interview, "
                       "Thursday 3 December 2026 at 10:00 (PA-2026-00042)")
    assert body.startswith("Hello Giulia,")
    assert "Thursday 3 December 2026 at 10:00 (until 10:45, Milan time)" in body
    assert "Bring an identity document" in body
    assert f"To view, move or cancel the booking: {context['manage_url']}" in body
    assert "/en/" in context["manage_url"]
    assert "The link works until the appointment." in body


def test_the_moved_mail_gives_the_new_time(booking):
    booking.starts_at = STARTS_AT + datetime.timedelta(days=1, hours=2)
    booking.ends_at = booking.starts_at + datetime.timedelta(minutes=45)
    subject, body, _context = render(booking, "moved", "it")
    assert subject.startswith("Prenotazione spostata: Colloquio di orientamento, "
                              "venerdì 4 dicembre 2026, ore 12:00")
    assert "è stata spostata" in body and "venerdì 4 dicembre 2026, ore 12:00" in body
    _subject, english, _context = render(booking, "moved", "en")
    assert "has been moved" in english and "Friday 4 December 2026 at 12:00" in english


def test_the_cancelled_mail_by_the_person(booking):
    subject, body, _context = render(booking, "cancelled", "it")
    assert subject.startswith("Prenotazione annullata: Colloquio di orientamento")
    assert "come hai chiesto" in body and "ci dispiace" not in body
    _subject, english, _context = render(booking, "cancelled", "en")
    assert "as you asked" in english


def test_the_cancelled_mail_by_staff_gives_the_reason(booking, demo_editor):
    booking.cancelled_by = demo_editor
    booking.cancellation_reason = "Operatore in malattia"
    subject, body, context = render(booking, "cancelled", "it")
    assert context["by_staff"] is True
    assert "ci dispiace: abbiamo dovuto annullare" in body
    assert "Il motivo: Operatore in malattia" in body
    assert "come hai chiesto" not in body
    _subject, english, _context = render(booking, "cancelled", "en")
    assert "we have had to cancel" in english and "The reason: Operatore in malattia" in english


def test_the_reminder_says_in_two_days(booking):
    subject, body, context = render(booking, "reminder", "it")
    assert subject == ("Promemoria: Colloquio di orientamento, tra due giorni "
                       "(giovedì 3 dicembre 2026, ore 10:00)")
    assert "tra due giorni" in body and context["manage_url"] in body
    english_subject, english, _context = render(booking, "reminder", "en")
    assert "in two days" in english_subject and "is in two days" in english


def test_every_kind_has_its_templates(booking):
    for kind in notices.KINDS:
        for language in ("it", "en"):
            subject, body, _context = render(booking, kind, language)
            assert subject and "PA-2026-00042" in body
            assert "{%" not in body and "{{" not in body


def test_the_cancelled_mail_links_the_booking_page(booking):
    _subject, body, context = render(booking, "cancelled", "it")
    assert context["booking_url"].startswith("http")
    assert context["booking_url"].rstrip("/").endswith("prenota-appuntamento")
    assert f"Prenota un appuntamento: {context['booking_url']}" in body \
        or context["booking_url"] in body
    _subject, english, context = render(booking, "cancelled", "en")
    assert context["booking_url"] in english and "/en/" in context["booking_url"]
