"""What a person sees while sending a form and after it is refused (static/js/forms.js):
focus on the error summary, "Errore:"/"Error:" first in the title, a busy button that
cannot send twice, and a reference code that stays on one line on a small phone."""

import re

import pytest

from programme.models import ParticipationRequest
from tests.browser.conftest import PHONE
from tests.browser.helpers import tick, wait_for_the_anti_spam_check

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

INTAKE = {"it": "/it/partecipa/", "en": "/en/apply/"}
TEXT = {
    "it": {"error": "Errore:", "busy": "Invio in corso…",
           "required": "Questo campo è obbligatorio.",
           "too_fast": "troppo in fretta"},
    "en": {"error": "Error:", "busy": "Sending…", "required": "This field is required.",
           "too_fast": "too quickly"},
}


@pytest.mark.parametrize("language", ["it", "en"])
def test_an_empty_form_sent_at_once_focuses_the_error_summary(web, language):
    """No fast_forms: the real minimum time, as a person pressing "Send" straight away."""
    page = web.new_page(viewport=PHONE, locale=f"{language}-{language.upper()}")
    page.goto(INTAKE[language])
    with page.expect_navigation():
        page.locator("form.participation-form button[type=submit]").click()

    summary = page.locator("#form-errors")
    summary.wait_for()
    assert page.evaluate("document.activeElement && document.activeElement.id") == "form-errors"
    assert page.title().startswith(TEXT[language]["error"] + " ")
    assert TEXT[language]["required"] in summary.inner_text()
    assert TEXT[language]["too_fast"] not in page.locator("main").inner_text()


def fill_the_intake(form):
    form.locator("[name=first_name]").fill("Giulia")
    form.locator("[name=last_name]").fill("Rossi")
    form.locator("[name=email]").fill("giulia.rossi@example.org")
    tick(form, "[name=preferred_channel][value=email]")
    form.locator("[name=employment_status]").select_option("unemployed")
    form.locator("[name=since_month]").select_option("3")
    form.locator("[name=since_year]").select_option(index=1)
    form.locator("[name=heard_from]").select_option(index=1)
    tick(form, "[name=privacy]")


# Pressing "Send", then pressing again and Enter while the first submission is on its way.
# A listener on window (after the site's own, which is on document) counts the
# submissions that would leave the page and holds them all, standing in for a slow network.
PRESS_TWICE_JS = """
async () => {
  const form = document.querySelector('form.participation-form');
  const button = form.querySelector('button[type=submit]');
  const sent = [];
  const hold = (event) => { sent.push(!event.defaultPrevented); event.preventDefault(); };
  window.addEventListener('submit', hold);
  button.click();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const state = {
    text: button.textContent.trim(), disabled: button.disabled,
    ariaDisabled: button.getAttribute('aria-disabled'), busy: form.getAttribute('aria-busy'),
  };
  button.click();
  form.requestSubmit();
  window.removeEventListener('submit', hold);
  return {state, sent};
}
"""


@pytest.mark.parametrize("language", ["it", "en"])
def test_a_form_being_sent_shows_it_and_cannot_be_sent_twice(web, fast_forms, language):
    page = web.new_page(viewport={"width": 320, "height": 640},
                        locale=f"{language}-{language.upper()}")
    page.goto(INTAKE[language])
    form = page.locator("form.participation-form")
    fill_the_intake(form)
    wait_for_the_anti_spam_check(page)

    result = page.evaluate(PRESS_TWICE_JS)
    assert result["state"] == {"text": TEXT[language]["busy"], "disabled": True,
                               "ariaDisabled": "true", "busy": "true"}
    assert result["sent"] == [True, False], "one submission leaves; the second is stopped"

    # The same form, sent for real: the confirmation page on a 320 px screen.
    page.goto(INTAKE[language])
    fill_the_intake(form)
    wait_for_the_anti_spam_check(page)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator("h1").inner_text().strip() in ("Richiesta ricevuta", "Request received")
    web.settle()
    assert ParticipationRequest.objects.count() == 1
    code = page.locator(".reference-code")
    assert re.fullmatch(r"MA-\d{4}-\d{5}", code.inner_text())
    for width in (320, 360, 390):  # where the sentence puts the code varies with the width
        page.set_viewport_size({"width": width, "height": 640})
        assert code.evaluate("element => element.getClientRects().length") == 1, width
    assert page.locator("main a[href^='tel:']").count() >= 1
