"""The demo's appointment booking (issue 18, part D): the page in both languages and the
two services at Villa Scheibler with the press release's schedule, one closure; built by
load_demo_content (conftest runs it once per session) and unchanged by a second run."""

import datetime

import pytest
from django.core.management import call_command
from wagtail.models import Locale

from booking.models.booking_page import BookingPage
from booking.models.bookings import BookableService, Closure, OpeningRule

pytestmark = pytest.mark.django_db


def rules(name):
    service = BookableService.objects.get(locale=Locale.get_default(), name=name)
    assert service.venue.name.startswith("Villa Scheibler")
    return sorted((r.opens, r.closes, r.slot_minutes, r.places, tuple(r.weekdays))
                  for r in OpeningRule.objects.filter(service=service))


def test_the_booking_page_in_both_languages_with_the_privacy_notice():
    page = BookingPage.objects.get(locale__language_code="it")
    assert (page.title, page.slug, page.live) == ("Prenotazione appuntamento",
                                                  "prenota-appuntamento", True)
    assert page.privacy_page.slug == "privacy"
    english = page.get_translation(Locale.objects.get(language_code="en"))
    assert (english.title, english.slug, english.live) == ("Book an appointment",
                                                           "book-an-appointment", True)


def test_the_two_services_have_the_press_releases_schedule():
    week = (0, 1, 2, 3, 4)
    t = datetime.time
    assert rules("Colloquio di orientamento") == [(t(9), t(12, 45), 45, 2, week),
                                                  (t(14), t(17), 45, 2, week)]
    assert rules("Postazione informatica") == [(t(9), t(13), 120, 10, week),
                                               (t(14), t(18), 120, 10, week)]
    for opens, closes, minutes, _places, _days in rules("Colloquio di orientamento"):
        span = (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)
        assert span % minutes == 0  # no slot cut short
    interview = BookableService.objects.get(locale=Locale.get_default(),
                                            name="Colloquio di orientamento")
    assert [r for r, _label in interview.reason_choices()] == [
        "Prima informazione sul programma", "Curriculum e lettera di presentazione",
        "Ricerca di lavoro e candidature", "Corsi e formazione", "Altro"]


def test_a_christmas_eve_closure_with_its_reason_in_both_languages():
    closure = Closure.objects.get(reason="Chiusura per le festività")
    assert (closure.first_day.month, closure.first_day.day) == (12, 24)
    assert closure.first_day == closure.last_day and closure.service is None
    assert closure.reason_en and closure.venue.name.startswith("Villa Scheibler")


def test_loading_the_demo_again_changes_nothing():
    before = (BookableService.objects.count(), OpeningRule.objects.count(),
              Closure.objects.count(), BookingPage.objects.count())
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert before == (BookableService.objects.count(), OpeningRule.objects.count(),
                      Closure.objects.count(), BookingPage.objects.count()) == (
        before[0], before[1], before[2], 2)
    assert before[0] >= 4 and before[1] >= 4
