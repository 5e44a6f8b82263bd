"""Booking fixtures shared by the booking tests: the two services of a venue (with their
English translations and opening rules Monday to Friday) and the live BookingPage in both
languages.

Made inside the test's transaction (rolled back after it), on top of the demo content.
"""

import datetime

from django.utils import timezone
from wagtail.models import Locale, Page, Site

from booking.models.booking_page import BookingPage
from booking.models.bookings import BookableService, OpeningRule
from programme.models import ParticipationPage, Venue

WEEKDAYS = [0, 1, 2, 3, 4]
INTERVIEW_REASONS = [("Cercare lavoro", "Looking for work"),
                     ("Scrivere il curriculum", "Writing a CV"),
                     ("Altro", "Other")]
WORKSTATION_REASONS = [("Cercare offerte di lavoro", "Looking for job offers"),
                       ("Compilare una domanda online", "Filling in an online application")]


def _venue(language="it"):
    locale = Locale.objects.get(language_code=language)
    venues = Venue.objects.filter(locale=locale)
    return venues.filter(name__startswith="Villa Scheibler").first() or venues.first()


def _translate_service(service, english_venue, name, description, reasons):
    english = service.copy_for_translation(Locale.objects.get(language_code="en"))
    english.name = name
    english.description = description
    english.venue = english_venue
    english.reasons = [("reason", text) for text in reasons]
    english.save()
    return english


def make_services(venue=None, *, valid_from=None):
    """(interview, workstation): the canonical (Italian) services of `venue` (default:
    the demo's Villa Scheibler), each with its English translation and one opening rule
    Monday to Friday from `valid_from` (default: 30 days ago), open-ended:
    - interview: "Colloquio di orientamento", 09:00–18:00, 45-minute slots, 1 place;
    - workstation: "Postazione informatica", 09:00–18:00, 2-hour slots, 10 places.
    Both book up to 60 days ahead, one active booking per person per week."""
    venue = venue or _venue("it")
    english_venue = venue.get_translation_or_none(Locale.objects.get(language_code="en"))
    valid_from = valid_from or timezone.localdate() - datetime.timedelta(days=30)
    interview = BookableService.objects.create(
        venue=venue, name="Colloquio di orientamento",
        description="Un colloquio con un operatore per orientarsi nel lavoro. "
                    "Porta un documento d'identità e, se lo hai, il curriculum.",
        reasons=[("reason", it) for it, _en in INTERVIEW_REASONS], sort_order=1,
    )
    workstation = BookableService.objects.create(
        venue=venue, name="Postazione informatica",
        description="Un computer con internet e stampante per due ore.",
        reasons=[("reason", it) for it, _en in WORKSTATION_REASONS], sort_order=2,
    )
    _translate_service(interview, english_venue or venue, "Orientation interview",
                       "A talk with an adviser about finding work. Bring an identity "
                       "document and, if you have one, your CV.",
                       [en for _it, en in INTERVIEW_REASONS])
    _translate_service(workstation, english_venue or venue, "Computer workstation",
                       "A computer with internet and a printer for two hours.",
                       [en for _it, en in WORKSTATION_REASONS])
    for service, minutes, places in ((interview, 45, 1), (workstation, 120, 10)):
        OpeningRule.objects.create(
            service=service, weekdays=WEEKDAYS, opens=datetime.time(9),
            closes=datetime.time(18), slot_minutes=minutes, places=places,
            valid_from=valid_from,
        )
    return interview, workstation


def _privacy_page(language):
    participation = ParticipationPage.objects.filter(
        locale__language_code=language).first()
    return participation.privacy_page if participation else None


def booking_page():
    """The live Italian BookingPage ("Prenotazione appuntamento", slug
    prenota-appuntamento) under the site's Italian home page, with its live English
    translation ("Book an appointment", book-an-appointment) under the English home. An
    existing one (the demo's) is reused."""
    existing = BookingPage.objects.filter(locale=Locale.get_default()).first()
    if existing is not None:
        return existing
    home = Site.objects.get(is_default_site=True).root_page.specific
    page = BookingPage(title="Prenotazione appuntamento", slug="prenota-appuntamento",
                       privacy_page=_privacy_page("it"))
    home.add_child(instance=page)
    page.save_revision().publish()
    english_locale = Locale.objects.get(language_code="en")
    english_home = Page.objects.get(pk=home.pk).get_translation(english_locale)
    assert english_home is not None
    english = page.copy_for_translation(english_locale)
    english.title = "Book an appointment"
    english.slug = "book-an-appointment"
    english.privacy_page = _privacy_page("en")
    english.save()
    english.save_revision().publish()
    return BookingPage.objects.get(pk=page.pk)
