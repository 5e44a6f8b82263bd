"""A citizen on a phone, in Italian and in English: from the home page to a sent request,
and the contact form. axe checks every step, with the phone layout (menu open or shut)."""

import re

import pytest
from django.core import mail

from programme.models import ParticipationRequest
from tests.browser.conftest import PHONE
from tests.browser.helpers import AxeReport, tick, wait_for_the_anti_spam_check

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

URLS = {
    "it": {"home": "/it/", "programme": "/it/programma/", "groups": "/it/gruppi/",
           "apply": "/it/partecipa/", "confirmation": "/it/partecipa/conferma/",
           "contact": "/it/contatti/"},
    "en": {"home": "/en/", "programme": "/en/programme/", "groups": "/en/groups/",
           "apply": "/en/apply/", "confirmation": "/en/apply/confirmation/",
           "contact": "/en/contact/"},
}
TEXT = {
    "it": {"next_meetings": "Prossimi incontri", "received": "Richiesta ricevuta",
           "thanks": "il tuo messaggio è stato inviato"},
    "en": {"next_meetings": "Next meetings", "received": "Request received",
           "thanks": "your message has been sent"},
}


def open_menu_and_follow(page, href, axe=None):
    """On a phone the main menu hides behind its button: open it, then follow the link."""
    toggler = page.locator("button.custom-navbar-toggler")
    assert toggler.is_visible(), "the phone layout shows the menu button"
    toggler.click()
    link = page.locator(f"#main-menu a[href='{href}']")
    link.wait_for(state="visible")
    assert toggler.get_attribute("aria-expanded") == "true"
    if axe:
        axe.check(page, note="menu open")
    link.click()
    page.wait_for_url(f"**{href}")


@pytest.mark.parametrize("language", ["it", "en"])
def test_citizen_from_home_to_a_sent_request(web, axe_source, fast_forms, language):
    urls, text = URLS[language], TEXT[language]
    page = web.new_page(viewport=PHONE, locale=f"{language}-{language.upper()}")
    axe = AxeReport(axe_source)

    page.goto(urls["home"])
    assert page.locator("html").get_attribute("lang") == language
    axe.check(page)

    open_menu_and_follow(page, urls["programme"], axe=axe)
    assert page.locator("h1").is_visible()
    axe.check(page)

    open_menu_and_follow(page, urls["groups"])
    meetings = page.locator(".meeting-list li")
    assert page.get_by_role("heading", name=text["next_meetings"]).is_visible()
    assert meetings.count() > 0, "the groups page lists the next meetings"
    assert meetings.first.locator("time[datetime]").count() == 1
    axe.check(page)

    # The groups page has no link to the form: back home (the logo), then "Take part".
    page.locator(".it-header-center-wrapper .it-brand-wrapper a").click()
    page.wait_for_url(f"**{urls['home']}")
    page.locator(f"main a.btn[href='{urls['apply']}']").click()
    page.wait_for_url(f"**{urls['apply']}")
    axe.check(page)
    form = page.locator("form.participation-form")
    form.locator("[name=first_name]").fill("Giulia")
    form.locator("[name=last_name]").fill("Rossi")
    form.locator("[name=email]").fill("giulia.rossi@example.org")
    form.locator("[name=phone]").fill("02 884 47502")
    tick(form, "[name=preferred_channel][value=email]")
    form.locator("[name=employment_status]").select_option("unemployed")
    form.locator("[name=since_month]").select_option("3")
    form.locator("[name=since_year]").select_option(index=1)
    form.locator("[name=preferred_venue]").select_option(index=1)
    tick(form, "[name=preferred_times][value=mornings]")
    form.locator("[name=heard_from]").select_option(index=1)
    form.locator("[name=note]").fill("Vorrei partecipare il martedì.")
    tick(form, "[name=privacy]")
    wait_for_the_anti_spam_check(page)
    form.locator("button[type=submit]").click()

    page.wait_for_url(f"**{urls['confirmation']}")
    assert page.locator("h1").inner_text() == text["received"]
    reference = page.locator(".reference-code").inner_text()
    assert re.fullmatch(r"MA-\d{4}-\d{5}", reference), reference
    axe.check(page)

    stored = ParticipationRequest.objects.get(reference=reference)
    assert stored.language == language
    assert (stored.first_name, stored.email) == ("Giulia", "giulia.rossi@example.org")
    assert any(reference in message.body for message in mail.outbox)
    axe.assert_clean()


@pytest.mark.parametrize("language", ["it", "en"])
def test_citizen_sends_the_contact_form(web, axe_source, fast_forms, language):
    from wagtail.contrib.forms.models import FormSubmission

    urls, text = URLS[language], TEXT[language]
    page = web.new_page(viewport=PHONE, locale=f"{language}-{language.upper()}")
    axe = AxeReport(axe_source)
    before = FormSubmission.objects.count()

    page.goto(urls["home"])
    page.locator(f"main a[href='{urls['contact']}']").first.click()
    page.wait_for_url(f"**{urls['contact']}")
    axe.check(page)

    form = page.locator("form.contact-form")
    form.locator("[name=nome]").fill("Mario Bianchi")
    form.locator("[name=email]").fill("mario@example.org")
    form.locator("[name=messaggio]").fill("Vorrei informazioni sui gruppi.")
    tick(form, "[name=privacy_acknowledgement]")
    wait_for_the_anti_spam_check(page)
    form.locator("button[type=submit]").click()

    status = page.get_by_role("status")
    status.wait_for()
    assert text["thanks"] in status.inner_text()
    axe.check(page)

    assert FormSubmission.objects.count() == before + 1
    submission = FormSubmission.objects.latest("pk").form_data
    assert submission["messaggio"] == "Vorrei informazioni sui gruppi."
    assert submission["language"] == language
    axe.assert_clean()
