"""Demo content of appointment booking: the "Prenotazione appuntamento" page and the two
services the press release promises at Villa Scheibler ("10 postazioni informatiche",
"operatori specializzati per colloqui di orientamento"), with a realistic weekly
schedule and one closure.

Called by the website's demo loader (website/management/commands/load_demo_content.py)
after the programme's demo, which makes the venue. Idempotent: a page, service, rule or
closure that exists is kept as it is (an editor may have changed it). `build` returns
what to translate, in order; the English versions are wagtail-localize translations made
from the demo's strings table, as for every other demo snippet and page.
"""

import datetime

from django.utils import timezone
from wagtail.models import Locale

from booking.models.booking_page import BookingPage
from booking.models.bookings import BookableService, Closure, OpeningRule
from programme.models.venues import Venue

MONDAY_TO_FRIDAY = [0, 1, 2, 3, 4]

# (opens, closes, slot minutes, places): each range a whole number of slots.
INTERVIEW_HOURS = [
    (datetime.time(9, 0), datetime.time(12, 45), 45, 2),  # 5 slots, 2 operators
    (datetime.time(14, 0), datetime.time(17, 0), 45, 2),  # 4 slots
]
WORKSTATION_HOURS = [
    (datetime.time(9, 0), datetime.time(13, 0), 120, 10),  # 9-11, 11-13
    (datetime.time(14, 0), datetime.time(18, 0), 120, 10),  # 14-16, 16-18
]


def _page(t, home, privacy_page):
    existing = BookingPage.objects.child_of(home).first()
    if existing is not None:
        t("Prenotazione appuntamento", "Book an appointment")
        t("prenota-appuntamento", "book-an-appointment")
        _introduction(t)
        return existing
    page = BookingPage(
        title=t("Prenotazione appuntamento", "Book an appointment"),
        slug=t("prenota-appuntamento", "book-an-appointment"),
        introduction=_introduction(t),
        privacy_page=privacy_page,
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def _introduction(t):
    return t.rich((
        "Prenota un colloquio di orientamento o una postazione informatica a Villa "
        "Scheibler, senza registrarti. Ricevi un codice di prenotazione e, se lasci "
        "l'email, un link per spostare o annullare l'appuntamento.",
        "Reserve an orientation interview or a computer workstation at Villa Scheibler, "
        "with no account needed. You get a booking code and, if you leave your email, a "
        "link to move or cancel the appointment.",
    ))


def _service(t, venue, *, name, description, reasons, sort_order, hours):
    fields = {
        "name": t(*name),
        "description": t(*description),
        "reasons": [("reason", t(it, en)) for it, en in reasons],
    }
    service = BookableService.objects.filter(
        locale=venue.locale, venue=venue, name=fields["name"]).first()
    if service is None:
        service = BookableService.objects.create(venue=venue, locale=venue.locale,
                                                 sort_order=sort_order, **fields)
    if not service.opening_rules.exists():
        today = timezone.localdate()
        for opens, closes, minutes, places in hours:
            OpeningRule.objects.create(
                service=service, weekdays=MONDAY_TO_FRIDAY, opens=opens, closes=closes,
                slot_minutes=minutes, places=places, valid_from=today)
    return service


def _closure(venue):
    """The venue closed on the next 24 December, the day before the public holiday."""
    today = timezone.localdate()
    day = datetime.date(today.year, 12, 24)
    if day < today:
        day = day.replace(year=today.year + 1)
    Closure.objects.get_or_create(
        venue=venue, service=None, first_day=day,
        defaults={"last_day": day, "reason": "Chiusura per le festività",
                  "reason_en": "Closed for the Christmas holidays"})


def build(t, home, pages):
    """Build booking's Italian demo under `home` (pages: home.demo's standard pages by
    key, for the privacy notice); return what to translate (services, then the page)."""
    italian = Locale.get_default()
    venue = Venue.objects.filter(locale=italian, name__startswith="Villa Scheibler").first()
    if venue is None:  # no demo venue (an editor removed it): nothing to book
        return []
    interview = _service(
        t, venue, sort_order=1, hours=INTERVIEW_HOURS,
        name=("Colloquio di orientamento", "Orientation interview"),
        description=(
            "Un operatore specializzato ti aiuta a capire da dove ripartire: competenze, "
            "curriculum, offerte e corsi adatti a te. Porta un documento d'identità e, se "
            "ce l'hai, il curriculum stampato.",
            "A specialised adviser helps you see where to start again: skills, CV, job "
            "offers and courses that suit you. Bring an identity document and, if you "
            "have one, a printed copy of your CV.",
        ),
        reasons=[
            ("Prima informazione sul programma", "First information about the programme"),
            ("Curriculum e lettera di presentazione", "CV and cover letter"),
            ("Ricerca di lavoro e candidature", "Job search and applications"),
            ("Corsi e formazione", "Courses and training"),
            ("Altro", "Something else"),
        ],
    )
    workstation = _service(
        t, venue, sort_order=2, hours=WORKSTATION_HOURS,
        name=("Postazione informatica", "Computer workstation"),
        description=(
            "Un computer con connessione a internet e stampante, per due ore. Se vuoi "
            "salvare i tuoi documenti, porta una chiavetta USB.",
            "A computer with an internet connection and a printer, for two hours. To keep "
            "your files, bring a USB stick.",
        ),
        reasons=[
            ("Scrivere il curriculum", "Writing a CV"),
            ("Cercare offerte di lavoro", "Looking for job offers"),
            ("Candidature online", "Applying online"),
            ("Altro", "Something else"),
        ],
    )
    _closure(venue)
    page = _page(t, home, pages.get("privacy"))
    return [interview, workstation, page]
