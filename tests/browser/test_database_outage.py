"""A person sends the intake form while the database cannot store it (website/outage.py):
the 503 page in their language passes axe on a phone, loads nothing but the site's own
files, and its "Try again" button sends what they typed once the database is back."""

from unittest import mock

import pytest
from django.db import OperationalError

from programme.models import ParticipationRequest
from tests.browser.conftest import PHONE
from tests.browser.helpers import AxeReport, tick, wait_for_the_anti_spam_check

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TEXT = {
    "it": {"url": "/it/partecipa/", "title": "Servizio temporaneamente non disponibile",
           "not_sent": "Il modulo non è stato inviato.", "retry": "Riprova",
           "confirmation": "/it/partecipa/conferma/"},
    "en": {"url": "/en/apply/", "title": "Service temporarily unavailable",
           "not_sent": "Your form was not sent.", "retry": "Try again",
           "confirmation": "/en/apply/confirmation/"},
}


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_form_sent_during_an_outage_is_sent_by_try_again(web, axe_source, fast_forms,
                                                             language):
    text = TEXT[language]
    page = web.new_page(viewport=PHONE, locale=f"{language}-{language.upper()}")
    axe = AxeReport(axe_source)
    page.goto(text["url"])
    form = page.locator("form.participation-form")
    form.locator("[name=first_name]").fill("Carla")
    form.locator("[name=last_name]").fill("Neri")
    form.locator("[name=email]").fill("carla.neri@example.org")
    tick(form, "[name=preferred_channel][value=email]")
    form.locator("[name=employment_status]").select_option("unemployed")
    form.locator("[name=since_month]").select_option("3")
    form.locator("[name=since_year]").select_option(index=1)
    form.locator("[name=preferred_venue]").select_option(index=1)
    tick(form, "[name=preferred_times][value=mornings]")
    form.locator("[name=heard_from]").select_option(index=1)
    form.locator("[name=note]").fill('Il giovedì "<b>", grazie.')
    tick(form, "[name=privacy]")
    wait_for_the_anti_spam_check(page)

    # The live server runs in this process: the database refuses the first write (the
    # anti-spam check's, as a locked SQLite does), before anything is stored.
    with mock.patch("antispam.altcha.consume_challenge",
                    side_effect=OperationalError("database is locked")):
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").inner_text() == text["title"]
        assert page.title().startswith(text["title"] + " · ")
        assert text["not_sent"] in page.locator("main").inner_text()
        axe.check(page, note="503")
    assert not ParticipationRequest.objects.filter(first_name="Carla").exists()

    with page.expect_navigation():
        page.get_by_role("button", name=text["retry"]).click()
    page.wait_for_url(f"**{text['confirmation']}")
    stored = ParticipationRequest.objects.get(first_name="Carla")
    assert (stored.last_name, stored.note) == ("Neri", 'Il giovedì "<b>", grazie.')
    axe.assert_clean()
