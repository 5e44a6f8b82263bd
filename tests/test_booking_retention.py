"""Bookings in the privacy issue's life cycle (issue 18, part D): anonymised
RETENTION_BOOKING_DAYS after the appointment by the daily purge (privacy runs booking's
rule through settings.RETENTION_EXTRA_RULES without importing booking), found, exported
and erased with the rest of a person's data (settings.PRIVACY_EXTRA_SUBJECT_SOURCES)."""

import datetime
import json

import pytest
from django.utils import timezone

from booking.models.bookings import Booking
from booking.retention import ANONYMOUS_EMAIL, PLACEHOLDER, anonymise_bookings
from home import legal_demo
from home.demo import Strings, retention_periods
from privacy.purge_admin import run_lines
from privacy.retention import purge
from privacy.subjects import erase_subject, export_document, export_json, find_subject
from tests.admin_helpers import make_segreteria
from tests.booking_helpers import make_services

pytestmark = pytest.mark.django_db

EMAIL = "marta.lucchesi@example.org"
PHONE = "+393471112233"
NOW = timezone.make_aware(datetime.datetime(2026, 12, 1, 10, 0))


def booking(service, starts_at, *, place=1, email=EMAIL, phone=PHONE, reference=None,
            status=Booking.Status.CONFIRMED):
    return Booking.objects.create(
        service=service, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(
            minutes=45), place=place, status=status,
        reference=reference or f"PA-2026-{Booking.objects.count() + 1:05d}",
        reason="Curriculum e lettera di presentazione", details="Ho 58 anni, ex operaia",
        first_name="Marta", last_name="Lucchesi", email=email, phone=phone,
        privacy_notice_version="2026-11", privacy_acknowledged_at=starts_at,
        cancellation_reason="Marta ha telefonato" if status == "cancelled" else "")


@pytest.fixture
def interview():
    return make_services()[0]


def test_a_booking_ended_beyond_the_period_is_anonymised_a_recent_one_kept(interview,
                                                                             settings):
    settings.RETENTION_BOOKING_DAYS = 90
    old = booking(interview, NOW - datetime.timedelta(days=91),
                  status=Booking.Status.CANCELLED)
    recent = booking(interview, NOW - datetime.timedelta(days=89), place=2)
    key = old.access_key

    assert anonymise_bookings(NOW) == {"deleted": 0, "anonymised": 1}

    old.refresh_from_db()
    assert (old.first_name, old.last_name, old.email, old.phone, old.details,
            old.cancellation_reason) == (PLACEHOLDER, PLACEHOLDER, ANONYMOUS_EMAIL, "", "",
                                         "")
    assert old.anonymised_at == NOW and old.access_key != key
    # What the statistics need stays.
    assert old.reason == "Curriculum e lettera di presentazione"
    assert (old.reference, old.service_id, old.status) == (
        old.reference, interview.pk, Booking.Status.CANCELLED)
    recent.refresh_from_db()
    assert (recent.first_name, recent.email, recent.anonymised_at) == ("Marta", EMAIL, None)
    # Idempotent: nothing left to do, nothing changed.
    assert anonymise_bookings(NOW) == {"deleted": 0, "anonymised": 0}


def test_the_daily_purge_runs_the_booking_rule_and_counts_it(interview, settings):
    settings.RETENTION_BOOKING_DAYS = 30
    booking(interview, NOW - datetime.timedelta(days=31))
    run = purge(now=NOW)
    assert run.counts["bookings"] == {"deleted": 0, "anonymised": 1}
    # Staff read the kind by the rule's own label (in the active language).
    assert {"label": anonymise_bookings.label, "deleted": 0, "anonymised": 1} in run_lines(run)
    # Without the setting, privacy knows nothing of bookings.
    settings.RETENTION_EXTRA_RULES = []
    assert "bookings" not in purge(now=NOW).counts


def test_a_persons_export_holds_their_bookings(interview):
    own = booking(interview, NOW + datetime.timedelta(days=3))
    booking(interview, NOW + datetime.timedelta(days=3), place=2,
            email="altra.persona@example.org", phone="+393470000000")
    by_email = find_subject(email=EMAIL.upper())
    by_phone = find_subject(phone="347 111 2233")
    assert [b.pk for b in by_email.bookings] == [b.pk for b in by_phone.bookings] == [own.pk]
    assert own.reference in by_email.references
    data = export_json(by_email)
    section = data["kinds"]["bookings"]
    assert section["count"] == 1
    values = {field["field"]: field["value"] for field in section["rows"][0]}
    assert values["reference"] == own.reference and values["email"] == EMAIL
    json.dumps(data, ensure_ascii=False)
    assert own.reference in export_document(by_email)


def test_erasure_anonymises_the_bookings_and_frees_an_upcoming_place(interview,
                                                                      django_user_model):
    past = booking(interview, timezone.now() - datetime.timedelta(days=5))
    upcoming = booking(interview, timezone.now() + datetime.timedelta(days=5))
    other = booking(interview, timezone.now() + datetime.timedelta(days=5), place=2,
                    email="altra.persona@example.org", phone="+393470000000")
    staff = make_segreteria(django_user_model)
    record = erase_subject(find_subject(email=EMAIL), by=staff,
                           reason="Richiesta di cancellazione")
    assert record.counts["bookings"] == 2
    for row in (past, upcoming):
        row.refresh_from_db()
        assert (row.first_name, row.email, row.phone) == (PLACEHOLDER, ANONYMOUS_EMAIL, "")
    assert upcoming.status == Booking.Status.CANCELLED
    other.refresh_from_db()
    assert other.first_name == "Marta" and other.status == Booking.Status.CONFIRMED
    assert find_subject(email=EMAIL).bookings == []


def test_the_privacy_notice_tells_what_a_booking_keeps_and_for_how_long():
    t = Strings()
    notice = legal_demo.privacy_notice(t, retention_periods())
    italian = str(notice["body"])
    english = " ".join(t.values())
    assert "<b>Prenotazione appuntamento</b>" in italian
    assert "<b>Booking an appointment</b>" in english
    assert "le prenotazioni di appuntamenti per 90 giorni dopo l'appuntamento" in italian
    assert "appointment bookings for 90 days after the appointment" in english
