"""The citizens' booking steps through Django's client, without JavaScript (issue 18, B1):
Luogo → Data e orario → Dettagli appuntamento → Richiedente → Riepilogo → confirmation,
in Italian and in English; wrong or altered input at each step; the outcomes the bench
and the concurrency test read; the links to the page from the service sheet and the
footer; the page cache kept out of the steps."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone
from wagtail.models import Locale

from booking import availability
from booking.bookings import SlotFull, book
from booking.models.booking_page import BookingPage
from booking.models.bookings import Booking
from tests.booking_helpers import booking_page, make_services
from tests.forms_helpers import spam_fields

pytestmark = pytest.mark.django_db

TEXTS = {
    "it": {"hero": "Prenotazione appuntamento", "steps": ["Luogo", "Data e orario",
           "Dettagli appuntamento", "Richiedente", "Riepilogo"], "step": "Passo {} di 5",
           "note": "I campi contraddistinti dal simbolo asterisco sono obbligatori",
           "confirmed": "Appuntamento confermato", "link": "Prenota appuntamento",
           "edit": "Modifica", "next": "Avanti", "back": "Indietro", "confirm": "Conferma"},
    "en": {"hero": "Book an appointment", "steps": ["Place", "Date and time",
           "Appointment details", "Applicant", "Summary"], "step": "Step {} of 5",
           "note": "Fields marked with an asterisk (*) are required.",
           "confirmed": "Appointment confirmed", "link": "Book an appointment",
           "edit": "Edit", "next": "Next", "back": "Back", "confirm": "Confirm"},
}
PERSON = {"first_name": "Giulia", "last_name": "Bianchi", "email": "giulia@example.org",
          "phone": ""}


@pytest.fixture
def setup():
    interview, workstation = make_services()
    page = booking_page()
    return interview, workstation, page


def _page(language, page):
    return page if language == "it" else page.get_translation(
        Locale.objects.get(language_code="en"))


def _url(page, route=None):
    from django.utils import translation

    with translation.override(page.locale.language_code):
        return page.url + (page.reverse_subpage(route) if route else "")


def _service(service, language):
    return service if language == "it" else service.get_translation(
        Locale.objects.get(language_code="en"))


def _first_slot(service, after_days=2):
    """The first slot with a free place at least `after_days` days ahead."""
    day = timezone.localdate() + datetime.timedelta(days=after_days)
    for _n in range(40):
        slots = [s for s in availability.slots_of_day(service, day) if s.free > 0]
        if slots:
            return slots[0]
        day += datetime.timedelta(days=1)
    raise AssertionError("no free slot")


def _soup(response):
    return BeautifulSoup(response.content, "html.parser")


def _text(response):
    return " ".join(_soup(response).get_text(" ").split())


def _step_checks(response, language, number):
    texts = TEXTS[language]
    assert response.status_code == 200
    soup = _soup(response)
    assert len(soup.find_all("h1")) == 1
    assert soup.h1.get_text(strip=True) == texts["hero"]
    text = _text(response)
    assert texts["step"].format(number) in text
    assert texts["note"] in text
    for title in texts["steps"]:
        assert title in text
    assert soup.select_one(".cmp-info-progress .active").get_text(" ", strip=True) \
        .startswith(texts["steps"][number - 1])
    breadcrumb = soup.select_one('[data-element="breadcrumb"]').get_text(" ", strip=True)
    assert texts["hero"] in breadcrumb
    return soup


def _hidden(soup, form_selector="form.booking-summary"):
    form = soup.select_one(form_selector)
    return {field["name"]: field.get("value", "")
            for field in form.select('input[type="hidden"]')}


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_whole_flow_without_javascript(setup, language):
    interview, _workstation, page = setup
    page = _page(language, page)
    service = _service(interview, language)
    texts = TEXTS[language]
    client = Client()
    # 1 Luogo: the venue with its address, the services as radios, "Avanti".
    response = client.get(_url(page))
    soup = _step_checks(response, language, 1)
    radio = soup.select_one(f'input[name="service"][value="{service.pk}"]')
    assert radio is not None and radio.find_parent("fieldset").legend
    assert service.venue.street_address in _text(response)
    assert texts["next"] in _text(response)
    assert "no-store" in response["Cache-Control"]
    # Preselected from ?service=.
    soup = _soup(client.get(_url(page), {"service": service.pk}))
    assert soup.select_one(f'input[value="{service.pk}"]').has_attr("checked")
    # 2 Data e orario: the month's days as links, then the day's times as radios.
    slot = _first_slot(interview)
    token = availability.slot_token(slot.starts_at)
    day = timezone.localtime(slot.starts_at).date()
    response = client.get(_url(page, "date"), {"service": service.pk,
                                               "month": f"{day:%Y-%m}"})
    soup = _step_checks(response, language, 2)
    day_link = soup.find("a", href=lambda h: h and f"day={day.isoformat()}" in h)
    words = "posti liberi" if language == "it" else "free places"
    assert day_link is not None and words in day_link.get_text()
    response = client.get(_url(page, "date"), {"service": service.pk, "day": day.isoformat()})
    soup = _step_checks(response, language, 2)
    assert soup.select_one(f'input[name="slot"][value="{token}"]') is not None
    assert f"{timezone.localtime(slot.starts_at):%H:%M}" in _text(response)
    # 3 Dettagli appuntamento: the service's reasons, optional details of 200 characters.
    response = client.get(_url(page, "details"), {"service": service.pk, "slot": token})
    soup = _step_checks(response, language, 3)
    reasons = [i["value"] for i in soup.select('input[name="reason"]')]
    assert reasons == [value for value, _label in service.reason_choices()]
    assert soup.select_one('textarea[name="details"]')["maxlength"] == "200"
    assert soup.select_one("form.booking-details")["method"] == "post"
    state = {"service": service.pk, "slot": token, "reason": reasons[0],
             "details": "Ho già un curriculum."}
    # 4 Richiedente, with autocomplete; personal data only ever POSTed.
    response = client.post(_url(page, "applicant"), state)
    soup = _step_checks(response, language, 4)
    assert soup.select_one('input[name="first_name"]')["autocomplete"] == "given-name"
    assert soup.select_one('input[name="email"]')["autocomplete"] == "email"
    assert soup.select_one('input[name="phone"]')["autocomplete"] == "tel"
    assert _hidden(soup, "form.booking-applicant")["reason"] == reasons[0]
    # 5 Riepilogo: all chosen, four "Modifica", privacy, spam protection, "Conferma".
    response = client.post(_url(page, "summary"), {**state, **PERSON})
    soup = _step_checks(response, language, 5)
    text = _text(response)
    for value in (service.name, reasons[0], "Giulia Bianchi", PERSON["email"]):
        assert value in text
    assert text.count(texts["edit"]) >= 4
    assert soup.select_one('input[name="privacy"]') is not None
    assert soup.select_one("altcha-widget") is not None
    assert texts["confirm"] in soup.select_one("form.booking-summary button[name=confirm]") \
        .get_text()
    hidden = _hidden(soup)
    assert hidden["email"] == PERSON["email"] and hidden["slot"] == token
    # Conferma → 303 to the confirmation.
    response = client.post(_url(page, "summary"), {**hidden, "privacy": "on",
                                                   "confirm": "1", **spam_fields("booking")})
    assert response.status_code == 303, _text(response)
    booking = Booking.objects.get()
    assert booking.language == language and booking.service == interview
    assert booking.starts_at == slot.starts_at and booking.email == PERSON["email"]
    assert booking.reference not in response["Location"] and "giulia" not in response["Location"]
    response = client.get(response["Location"])
    assert response.status_code == 200
    soup = _soup(response)
    assert soup.h1.get_text(strip=True) == texts["confirmed"]
    assert soup.select_one(f'[data-booking-reference="{booking.reference}"]')
    assert soup.select_one('[data-element="booking-calendar"]')["href"].endswith(".ics")
    assert interview.venue.street_address in _text(response)
    assert _service(interview, language).description[:30] in _text(response)
    assert soup.select_one('[data-booking-mail="sent"]')
    assert soup.select_one(".cmp-rating, [data-element='feedback']") is not None
    assert "no-store" in response["Cache-Control"]


def _summary_state(service, slot, **overrides):
    return {"service": service.pk, "slot": availability.slot_token(slot.starts_at),
            "reason": service.reason_choices()[0][0], "details": "", **PERSON, **overrides}


def _confirm(client, page, state):
    return client.post(_url(page, "summary"), {**state, "privacy": "on", "confirm": "1",
                                               **spam_fields("booking")})


@pytest.mark.parametrize("language", ["it", "en"])
def test_wrong_or_altered_input_gets_the_steps_message(setup, language):
    interview, _workstation, page = setup
    page, service = _page(language, page), _service(interview, language)
    client = Client()
    it = language == "it"
    slot = _first_slot(interview)
    # A junk service id: step 1 again with a message.
    for junk in ("999999", "abc", "١٢", "1" * 40):
        response = client.get(_url(page, "date"), {"service": junk})
        assert response.status_code == 200
        assert ("Scegli uno dei servizi" if it else "Choose one of the services") \
            in _text(response)
    # A slot in the past, or junk: step 2 with a message.
    past = availability.slot_token(timezone.now() - datetime.timedelta(days=3))
    for junk in (past, "20261303T0800Z", "nonsense"):
        response = client.get(_url(page, "details"), {"service": service.pk, "slot": junk})
        assert response.status_code == 200
        assert ("Passo 2 di 5" if it else "Step 2 of 5") in _text(response)
    # A day outside the window, a junk month: still step 2.
    for params in ({"day": "1999-01-01"}, {"month": "2026-13"}, {"day": "x"}):
        assert client.get(_url(page, "date"), {"service": service.pk, **params}) \
            .status_code == 200
    # Details of 201 characters, a reason not offered (altered): step 3 with the error.
    state = _summary_state(service, slot)
    response = client.post(_url(page, "applicant"), {**state, "details": "x" * 201})
    assert response.status_code == 200
    assert ("al massimo 200" if it else "at most 200") in _text(response)
    assert _soup(response).select_one("#form-errors")
    response = client.post(_url(page, "summary"), {**state, "reason": "Altro motivo"})
    assert ("Passo 3 di 5" if it else "Step 3 of 5") in _text(response)
    assert ("Scegli uno dei motivi" if it else "Choose one of the reasons") in _text(response)
    # A bad email, no contact at all: step 4 with the error.
    response = client.post(_url(page, "summary"), {**state, "email": "not-an-email"})
    assert ("Passo 4 di 5" if it else "Step 4 of 5") in _text(response)
    assert _soup(response).select_one("#form-errors a[href='#id_email']")
    response = client.post(_url(page, "summary"), {**state, "email": "", "phone": ""})
    assert ("numero di telefono" if it else "phone number") in \
        _soup(response).select_one("#form-errors").get_text()
    # An altered slot or service in the summary's hidden fields.
    response = _confirm(client, page, {**state, "slot": past})
    assert ("Passo 2 di 5" if it else "Step 2 of 5") in _text(response)
    response = _confirm(client, page, {**state, "service": "0"})
    assert ("Passo 1 di 5" if it else "Step 1 of 5") in _text(response)
    # The privacy notice not acknowledged, the spam token altered: the summary's error.
    data = {**state, "confirm": "1", **spam_fields("booking")}
    response = client.post(_url(page, "summary"), data)
    assert ("informativa" if it else "privacy notice") in \
        _soup(response).select_one("#form-errors").get_text()
    response = client.post(_url(page, "summary"), {**data, "privacy": "on",
                                                   "form_token": "altered"})
    assert response.status_code == 200
    assert _soup(response).select_one("#form-errors")
    assert not Booking.objects.exists()
    # GET of a POST step: back to step 1.
    assert client.get(_url(page, "summary")).status_code == 302


def test_the_last_place_taken_meanwhile_shows_the_days_times_again(setup, monkeypatch):
    interview, _workstation, page = setup
    slot = _first_slot(interview)
    book(service=interview, starts_at=slot.starts_at, language="it",
         data={**PERSON, "email": "altra@example.org", "reason": "Altro", "details": ""})
    response = _confirm(Client(), page, _summary_state(interview, slot))
    assert response.status_code == 200
    soup = _soup(response)
    assert soup.select_one('[data-booking-outcome="full"]')
    assert "appena prenotato" in _text(response)
    assert soup.select('input[name="slot"]')  # the day's other free times
    # Taken between the check and the booking (book() raises SlotFull).
    other = _first_slot(interview)

    def full(**_kwargs):
        raise SlotFull("Il posto scelto è stato appena prenotato: scegli un altro orario.")

    monkeypatch.setattr("booking.views.book", full)
    response = _confirm(Client(), page, _summary_state(interview, other))
    assert response.status_code == 200
    assert _soup(response).select_one('[data-booking-outcome="full"]')


def test_the_weekly_limit_is_explained_on_the_summary(setup):
    interview, _workstation, page = setup
    first = _first_slot(interview)
    book(service=interview, starts_at=first.starts_at, language="en",
         data={**PERSON, "reason": "Altro", "details": ""})
    second = _first_slot(interview)  # the next free one, the same day
    assert timezone.localtime(second.starts_at).date() == timezone.localtime(
        first.starts_at).date()
    english = _page("en", page)
    response = _confirm(Client(), english, _summary_state(
        _service(interview, "en"), second, reason="Other"))
    assert response.status_code == 200
    soup = _soup(response)
    assert soup.select_one('[data-booking-outcome="limit"]')
    assert ("Step 5 of 5") in _text(response)
    assert Booking.objects.count() == 1


def test_the_steps_are_not_served_from_the_page_cache(setup, settings):
    settings.PAGE_CACHE_SECONDS = 300
    _interview, _workstation, page = setup
    for language in ("it", "en"):
        url = _url(_page(language, page))
        first = Client().get(url)
        second = Client().get(url)
        assert first.status_code == second.status_code == 200
        assert second.get("X-Page-Cache") != "hit"
        assert "no-store" in second["Cache-Control"]


SHEET = {"it": "/it/programma/", "en": "/en/programme/"}


@pytest.mark.parametrize("language", ["it", "en"])
def test_service_sheet_button_and_footer_link(language, settings):
    settings.PAGE_CACHE_SECONDS = 300
    client = Client()
    italian = booking_page()
    for each in (italian, *italian.get_translations()):
        each.unpublish()
    soup = _soup(client.get(SHEET[language]))
    assert not soup.select('[data-element="service-booking-access"]')
    assert not soup.select('[data-element="appointment-booking"]')
    for each in (italian, *italian.get_translations()):  # the caches are renewed
        each.specific.save_revision().publish()
    page = _page(language, BookingPage.objects.get(pk=italian.pk))
    soup = _soup(client.get(SHEET[language]))
    button = soup.select_one('[data-element="service-booking-access"]')
    assert button["href"] == page.url
    assert button.get_text(strip=True) == TEXTS[language]["link"]
    home = _soup(client.get(f"/{language}/"))
    link = home.select_one('footer [data-element="appointment-booking"]')
    assert link["href"] == page.url and link.get_text(strip=True) == TEXTS[language]["link"]
    # Unpublished: gone again.
    for each in (page, page.get_translations().first()):
        each.unpublish()
    assert not _soup(client.get(SHEET[language])).select(
        '[data-element="service-booking-access"]')
    assert not _soup(client.get(f"/{language}/")).select(
        '[data-element="appointment-booking"]')


def test_a_changed_summary_keeps_the_rest(setup):
    """"Modifica" of the date posts everything back: choosing another time returns to the
    summary with what was typed, which never appears in an address."""
    interview, _workstation, page = setup
    client = Client()
    slot = _first_slot(interview)
    state = _summary_state(interview, slot)
    soup = _soup(client.post(_url(page, "summary"), state))
    edit = soup.select_one('button[form="booking-edit"][name="day"]')
    edit_form = soup.select_one("#booking-edit")
    assert edit_form["method"] == "post"
    data = {**_hidden(soup, "#booking-edit"), "day": edit["value"]}
    response = client.post(edit["formaction"], data)
    soup = _soup(response)
    times = soup.select_one("form.booking-times")
    assert times["method"] == "post"
    other = soup.select('input[name="slot"]')[1]["value"]
    data = {**_hidden(soup, "form.booking-times"), "slot": other}
    assert data["email"] == PERSON["email"]
    response = client.post(times["action"], data)
    assert ("Passo 5 di 5") in _text(response)
    assert _hidden(_soup(response))["slot"] == other


@pytest.mark.parametrize("language", ["it", "en"])
def test_a_closed_day_says_why(setup, language):
    from booking.models.bookings import Closure

    interview, _workstation, page = setup
    slot = _first_slot(interview)
    day = timezone.localtime(slot.starts_at).date()
    Closure.objects.create(venue=interview.venue, first_day=day, last_day=day,
                           reason="Lavori di manutenzione", reason_en="Maintenance work")
    response = Client().get(_url(_page(language, page), "date"), {
        "service": _service(interview, language).pk, "month": f"{day:%Y-%m}"})
    text = _text(response)
    expected = ("chiuso (Lavori di manutenzione)" if language == "it"
                else "closed (Maintenance work)")
    assert expected in text
    assert not _soup(response).find("a", href=lambda h: h and f"day={day.isoformat()}" in h)


# --- Review fixes (issue 18): addresses out of range, the nav's label, opening month,
# closed days, "Indietro" keeping what was typed, the weekly limit without an email.


def _window_months(service):
    first, last = availability.bookable_window(service)
    return f"{first:%Y-%m}", f"{last:%Y-%m}"


@pytest.mark.parametrize(("params", "edge"), [
    ({"month": "0001-01"}, "first"), ({"month": "9999-12"}, "last"),
    ({"day": "0001-01-01"}, "opening"), ({"day": "9999-12-31"}, "opening")])
def test_step_two_keeps_any_month_or_day_inside_the_window(setup, params, edge):
    interview, _workstation, page = setup
    response = Client().get(_url(page, "date"), {"service": interview.pk, **params})
    assert response.status_code == 200
    first, last = _window_months(interview)
    shown = response.context["month_value"]
    assert shown == {"first": first, "last": last}.get(edge, shown)
    assert first <= shown <= last
    for link in _soup(response).select('a[href*="month="]'):
        month = link["href"].rsplit("month=", 1)[1]
        assert first <= month <= last
    if "day" in params:
        assert "Puoi prenotare da oggi" in _text(response)


def test_step_two_button_says_next_not_a_month(setup):
    interview, _workstation, page = setup
    slot = _first_slot(interview)
    day = timezone.localtime(slot.starts_at).date()
    response = Client().get(_url(page, "date"), {"service": interview.pk,
                                                  "day": day.isoformat()})
    assert response.context["next_month"]  # a month follows: its label must not leak
    button = _soup(response).select_one("form.booking-times .steppers-btn-confirm")
    assert button.get_text(strip=True) == "Avanti"


def test_step_two_opens_on_the_first_month_with_a_free_day(setup):
    from booking.models.bookings import Closure

    interview, _workstation, page = setup
    today = timezone.localdate()
    following = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    Closure.objects.create(venue=interview.venue, first_day=today,
                           last_day=following - datetime.timedelta(days=1),
                           reason="Trasloco", reason_en="Moving")
    response = Client().get(_url(page, "date"), {"service": interview.pk})
    assert response.context["month_value"] == f"{following:%Y-%m}"
    assert _soup(response).find("a", href=lambda h: h and "day=" in h)


@pytest.mark.parametrize("language", ["it", "en"])
def test_choosing_a_closed_day_says_why(setup, language):
    from booking.models.bookings import Closure

    interview, _workstation, page = setup
    day = timezone.localtime(_first_slot(interview).starts_at).date()
    Closure.objects.create(venue=interview.venue, first_day=day, last_day=day,
                           reason="Lavori di manutenzione", reason_en="Maintenance work")
    response = Client().get(_url(_page(language, page), "date"), {
        "service": _service(interview, language).pk, "day": day.isoformat()})
    message = _soup(response).select_one(".alert").get_text(" ", strip=True)
    assert ("Lavori di manutenzione" if language == "it" else "Maintenance work") in message
    assert "orari liberi" not in message and "free times" not in message


@pytest.mark.parametrize("language", ["it", "en"])
def test_a_day_without_appointments_says_so_with_a_capital(setup, language):
    """A Saturday (the rules open Monday to Friday) has no appointments at all: not
    «Non ci sono più orari liberi», which would mean they were all taken; the sentence
    starts with a capital though Italian day names do not."""
    interview, _workstation, page = setup
    saturday = timezone.localdate() + datetime.timedelta(days=7)
    saturday += datetime.timedelta(days=(5 - saturday.weekday()) % 7)
    response = Client().get(_url(_page(language, page), "date"), {
        "service": _service(interview, language).pk, "day": saturday.isoformat()})
    message = _soup(response).select_one(".alert").get_text(" ", strip=True)
    expected = {"it": "Non ci sono appuntamenti sabato",
                "en": "There are no appointments on Saturday"}
    assert message.startswith(expected[language]), message


def _press(soup, button, form):
    """What a browser posts when `button` (formaction) of `form` is pressed."""
    data = {field["name"]: field.get("value", "") for field in form.select("input")
            if field.get("name") and field.get("type") not in ("radio", "checkbox")}
    data.update({field["name"]: field["value"] for field in form.select("input")
                 if field.get("type") in ("radio", "checkbox") and field.has_attr("checked")})
    for area in form.select("textarea"):
        # A browser drops the newline that opens a textarea's content (HTML spec).
        text = area.get_text()
        data[area["name"]] = text[1:] if text.startswith("\n") else text
    if button.get("name"):
        data[button["name"]] = button.get("value", "")
    return button["formaction"], data


def test_back_from_steps_three_and_four_keeps_what_was_typed(setup):
    interview, _workstation, page = setup
    client = Client()
    slot = _first_slot(interview)
    token = availability.slot_token(slot.starts_at)
    state = {"service": interview.pk, "slot": token,
             "reason": interview.reason_choices()[1][0], "details": "Ho un curriculum."}
    # Step 4, typed in, then "Indietro": step 3 with the reason chosen and the name carried.
    soup = _soup(client.post(_url(page, "applicant"), {**state, **PERSON}))
    form = soup.select_one("form.booking-applicant")
    back = form.select_one(".steppers-btn-prev")
    assert back.name == "button" and back.has_attr("formnovalidate")
    action, data = _press(soup, back, form)
    assert action == _url(page, "details")
    response = client.post(action, data)
    assert "Passo 3 di 5" in _text(response)
    soup = _soup(response)
    assert soup.select_one(f'input[name="reason"][value="{state["reason"]}"]') \
        .has_attr("checked")
    assert _hidden(soup, "form.booking-details")["first_name"] == "Giulia"
    # Step 3's "Indietro": step 2 on the chosen day, carrying everything.
    form = soup.select_one("form.booking-details")
    action, data = _press(soup, form.select_one(".steppers-btn-prev"), form)
    response = client.post(action, data)
    assert "Passo 2 di 5" in _text(response)
    soup = _soup(response)
    carried = _hidden(soup, "form.booking-times")
    assert carried["details"] == "Ho un curriculum." and carried["email"] == PERSON["email"]
    other = soup.select('input[name="slot"]')[1]["value"]
    response = client.post(soup.select_one("form.booking-times")["action"],
                           {**carried, "slot": other})
    assert "Passo 5 di 5" in _text(response)
    assert _hidden(_soup(response))["slot"] == other


def test_back_from_step_three_without_a_name_goes_on_to_step_three(setup):
    interview, _workstation, page = setup
    client = Client()
    token = availability.slot_token(_first_slot(interview).starts_at)
    soup = _soup(client.get(_url(page, "details"), {"service": interview.pk,
                                                     "slot": token}))
    form = soup.select_one("form.booking-details")
    action, data = _press(soup, form.select_one(".steppers-btn-prev"), form)
    data["details"] = "Scritto prima"
    soup = _soup(client.post(action, data))
    assert soup.select_one("form.booking-times")["action"] == _url(page, "details")


def test_the_weekly_limit_without_an_email_says_to_call(setup):
    interview, _workstation, page = setup
    phone_only = {**PERSON, "email": "", "phone": "+39 333 1234567"}
    book(service=interview, starts_at=_first_slot(interview).starts_at, language="it",
         data={**phone_only, "reason": "Altro", "details": ""})
    response = _confirm(Client(), page, _summary_state(interview, _first_slot(interview),
                                                       **phone_only))
    message = _soup(response).select_one('[data-booking-outcome="limit"]') \
        .get_text(" ", strip=True)
    assert "chiama la Segreteria" in message
    assert "email di conferma" not in message
    assert Booking.objects.count() == 1
