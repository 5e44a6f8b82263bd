"""Booking an appointment in a browser (issue 18): at phone width (375×812), in Italian and
in English, from the service sheet's "Prenota appuntamento" button through the five steps
to the confirmation, then the signed link's pages — the booking, moving it, cancelling it —
and a link that does not work; axe finds nothing on every one of them. Once by keyboard
only (Tab, Space, Enter and typing), in Italian. Without JavaScript: the client tests of
tests/test_booking_flow.py (B1) and tests/test_booking_manage.py drive the same pages."""

import pytest
from wagtail.models import Locale

from booking import links
from booking.models.bookings import Booking
from tests.booking_helpers import booking_page, make_services
from tests.browser.helpers import AxeReport, tick, wait_for_the_anti_spam_check
from tests.browser.test_keyboard import press

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE_375 = {"width": 375, "height": 812}
SHEET = {"it": "/it/programma/", "en": "/en/programme/"}
TEXTS = {
    "it": {"confirmed": "Appuntamento confermato", "invalid": "Questo link non è valido",
           "cancelled": "Prenotazione annullata", "moved": "spostata",
           "yes_cancel": "Sì, annulla la prenotazione", "move_here": "Sposta a questo orario"},
    "en": {"confirmed": "Appointment confirmed", "invalid": "This link is not valid",
           "cancelled": "Booking cancelled", "moved": "moved",
           "yes_cancel": "Yes, cancel the booking", "move_here": "Move to this time"},
}
PERSON = {"first_name": "Giulia", "last_name": "Bianchi", "email": "giulia@example.org"}


@pytest.fixture
def bookable():
    interview, _workstation = make_services()
    return interview, booking_page()


def in_language(page, language):
    if page.locale.language_code == language:
        return page
    return page.get_translation(Locale.objects.get(language_code=language)).specific


def route(page, name, token):
    return page.url + page.reverse_subpage(name, kwargs={"token": token})


def next_step(page):
    with page.expect_navigation():
        page.locator(".steppers-btn-confirm").click()


def choose_first(page, form_selector, name):
    form = page.locator(form_selector)
    tick(form, f'input[name="{name}"] >> nth=0')


def book_by_clicking(page, axe, language):
    """From the service sheet to the confirmation; axe on every step."""
    page.goto(SHEET[language])
    with page.expect_navigation():
        page.locator('[data-element="service-booking-access"]').click()
    axe.check(page, note="1 place")
    choose_first(page, "form.booking-place", "service")
    next_step(page)
    axe.check(page, note="2 month")
    if page.locator(".booking-days a").count() == 0:  # this month's free days are over
        with page.expect_navigation():
            page.locator('.booking-month a[href*="month="]').last.click()
    with page.expect_navigation():
        page.locator(".booking-days a").first.click()
    axe.check(page, note="2 times")
    choose_first(page, ".booking-times", "slot")
    next_step(page)
    axe.check(page, note="3 details")
    choose_first(page, "form.booking-details", "reason")
    next_step(page)
    axe.check(page, note="4 applicant")
    for name, value in PERSON.items():
        page.fill(f'form.booking-applicant [name="{name}"]', value)
    next_step(page)
    axe.check(page, note="5 summary")
    tick(page.locator("form.booking-summary"), 'input[name="privacy"]')
    wait_for_the_anti_spam_check(page)
    with page.expect_navigation():
        page.locator('form.booking-summary button[name="confirm"]').click()
    assert page.locator("h1").inner_text().strip() == TEXTS[language]["confirmed"]
    axe.check(page, note="confirmation")
    return page.locator("[data-booking-reference]").first.get_attribute(
        "data-booking-reference")


@pytest.mark.parametrize("language", ["it", "en"])
def test_booking_then_moving_and_cancelling_at_phone_width(web, axe_source, fast_forms,
                                                           bookable, language):
    _interview, italian_page = bookable
    web.settle()
    page = web.new_page(viewport=PHONE_375,
                        locale="it-IT" if language == "it" else "en-GB")
    axe = AxeReport(axe_source)
    texts = TEXTS[language]

    reference = book_by_clicking(page, axe, language)
    booking = Booking.objects.get(reference=reference)
    assert booking.language == language and booking.first_name == "Giulia"

    booking_page_here = in_language(italian_page, language)
    token = links.booking_token(booking)
    page.goto(route(booking_page_here, "manage", token))
    assert page.locator(f'[data-booking-reference="{reference}"]').count() == 1
    axe.check(page, note="manage")

    # Move: a day of the month, then another time of that day.
    page.locator(f'a[href="{route(booking_page_here, "move", token)}"]').click()
    page.wait_for_load_state()
    axe.check(page, note="move month")
    with page.expect_navigation():
        page.locator('[data-element="move-days"] a').first.click()
    if page.locator('input[name="slot"]').count() == 0:  # the booked day had no other time
        with page.expect_navigation():
            page.locator('[data-element="move-days"] a').nth(1).click()
    axe.check(page, note="move times")
    tick(page.locator("form"), 'input[name="slot"] >> nth=0')
    with page.expect_navigation():
        page.get_by_role("button", name=texts["move_here"]).click()
    assert texts["moved"] in page.locator('[role="status"]').inner_text()
    axe.check(page, note="moved")
    old_start = booking.starts_at
    booking.refresh_from_db()
    assert booking.starts_at != old_start and booking.reference == reference

    # Cancel: a confirmation, then the page that says it is done.
    page.goto(route(booking_page_here, "cancel", token))
    axe.check(page, note="cancel")
    with page.expect_navigation():
        page.get_by_role("button", name=texts["yes_cancel"]).click()
    assert page.locator("h1").inner_text().strip() == texts["cancelled"]
    axe.check(page, note="cancelled")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED

    # The same link now, and a link that was altered.
    page.goto(route(booking_page_here, "manage", token))
    axe.check(page, note="cancelled link")
    page.goto(route(booking_page_here, "manage", token[:-4] + "abcd"))
    assert page.locator("h1").inner_text().strip() == texts["invalid"]
    axe.check(page, note="invalid link")
    axe.assert_clean()


def test_booking_with_the_keyboard_only(web, fast_forms, bookable):
    web.settle()
    page = web.new_page(viewport=PHONE_375, reduced_motion="reduce")
    page.goto(SHEET["it"])
    typed = dict(PERSON)
    chosen = set()
    steps = []
    for _stop in range(400):
        focused = press(page, "Tab")
        assert focused is not None, f"focus left the page; steps so far: {steps}"
        name, kind, tag = focused["name"], focused["type"], focused["tag"]
        url = page.url
        if tag == "a" and page.evaluate(
                "document.activeElement.dataset.element") == "service-booking-access":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            steps.append("sheet→place")
        elif kind == "radio" and name in ("service", "slot", "reason") and name not in chosen:
            page.keyboard.press("Space")
            chosen.add(name)
        elif tag == "a" and "day=" in (page.evaluate(
                "document.activeElement.getAttribute('href')") or "") and "slot" not in chosen \
                and "day=" not in url:
            with page.expect_navigation():
                page.keyboard.press("Enter")
            steps.append("day")
        elif tag == "a" and "month=" in (page.evaluate(
                "document.activeElement.getAttribute('href')") or "") \
                and page.locator(".booking-days a").count() == 0 \
                and steps[-1:] != ["Next month"]:
            with page.expect_navigation():
                page.keyboard.press("Enter")
            steps.append("Next month")
        elif name in typed:
            page.keyboard.type(typed.pop(name))
        elif name == "privacy" and not focused["checked"]:
            page.keyboard.press("Space")
        elif focused["inWidget"] and kind == "checkbox" and not focused["checked"]:
            page.keyboard.press("Space")
        elif tag == "button" and kind == "submit" and (
                name == "confirm" or "steppers-btn-confirm" in (page.evaluate(
                    "document.activeElement.className") or "")):
            if name == "confirm":
                page.wait_for_function(
                    "() => document.querySelector('altcha-widget input[name=altcha]')"
                    "?.value")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            steps.append(name or "next")
            if name == "confirm":
                break
    else:
        pytest.fail(f"never confirmed the booking by keyboard; steps: {steps}")
    assert page.locator("h1").inner_text().strip() == TEXTS["it"]["confirmed"]
    reference = page.locator("[data-booking-reference]").first.get_attribute(
        "data-booking-reference")
    booking = Booking.objects.get(reference=reference)
    assert (booking.first_name, booking.email) == ("Giulia", PERSON["email"])


VISIBLE_AT_ITS_CENTRE = """element => {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return false;
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return hit !== null && (hit === element || element.contains(hit));
}"""


@pytest.mark.parametrize("width", [320, 375])
def test_the_current_step_is_visible_on_a_phone(web, bookable, width):
    """As the model's cmp-info-progress on a phone: the current step's title and "2/5"
    are visible (not clipped by the header's height, not under the hero); the other
    steps are left to screen readers."""
    interview, italian_page = bookable
    web.settle()
    page = web.new_page(viewport={"width": width, "height": 640})
    page.goto(italian_page.url + italian_page.reverse_subpage("date")
              + f"?service={interview.pk}")
    current = page.locator(".cmp-info-progress li.active")
    assert current.inner_text().strip().startswith("Data e orario")
    current.scroll_into_view_if_needed()
    assert current.evaluate(VISIBLE_AT_ITS_CENTRE)
    index = page.locator(".cmp-info-progress .steppers-index")
    assert index.inner_text().strip() == "2/5" and index.evaluate(VISIBLE_AT_ITS_CENTRE)
    assert not page.locator(".cmp-info-progress li:not(.active)").first.evaluate(
        VISIBLE_AT_ITS_CENTRE)


def test_every_step_is_listed_on_a_wide_screen(web, bookable):
    interview, italian_page = bookable
    web.settle()
    page = web.new_page(viewport={"width": 1280, "height": 800})
    page.goto(italian_page.url + italian_page.reverse_subpage("date")
              + f"?service={interview.pk}")
    items = page.locator(".cmp-info-progress li")
    assert items.count() == 5
    for n in range(5):
        assert items.nth(n).evaluate(VISIBLE_AT_ITS_CENTRE), items.nth(n).inner_text()
