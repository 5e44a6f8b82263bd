"""The service sheet in a browser (issue 17, P1): axe finds nothing on the page in both
languages, with the service active and with it not active (the reason shown), and the
topics' chips lead to the search page."""

import pytest

from programme.models import ProgrammePage
from programme.service_categories import ServiceStatus
from tests.browser.helpers import AxeReport

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES = {"it": "/it/programma/", "en": "/en/programme/"}


@pytest.mark.parametrize("language", ["it", "en"])
def test_service_sheet_active_and_not_active_has_no_axe_violation(web, axe_source, language):
    page = web.new_page()
    axe = AxeReport(axe_source, resolved_contrast=True)
    page.goto(PAGES[language])
    assert page.locator('[data-element="service-status"]').count() == 1
    axe.check(page, note="active")

    for programme in ProgrammePage.objects.all():
        programme.service_status = ServiceStatus.INACTIVE
        programme.status_reason = ("Sospeso in agosto." if programme.locale.language_code
                                   == "it" else "Suspended in August.")
        programme.save_revision().publish()
    web.settle()
    page.goto(PAGES[language])
    expected = {"it": "Servizio non attivo", "en": "Service not active"}[language]
    assert page.locator('[data-element="service-status"]').inner_text().strip() == expected
    axe.check(page, note="not active")

    with page.expect_navigation():
        page.locator('[data-element="service-topic"]').first.click()
    assert "?q=" in page.url
    axe.assert_clean()
